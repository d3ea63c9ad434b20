"""Password hashing as Appwrite stores it: argon2id with Appwrite's default options."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Appwrite's default algorithm options (Auth::DEFAULT_ALGO_OPTIONS).
HASH_OPTIONS = {"type": "argon2", "memoryCost": 2048, "timeCost": 4, "threads": 3}
_HASHER = PasswordHasher(time_cost=4, memory_cost=2048, parallelism=3)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    if not hashed:
        return False
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
