"""Password hashes as Appwrite stores and checks them.

New passwords are argon2id with Appwrite's default options. Users imported with a
pre-hashed password (`POST /users/<algorithm>`) keep their algorithm and options;
`verify` checks a password against any of them (argon2, bcrypt, md5, sha*, phpass,
scrypt), so imported users can sign in — and are re-hashed to argon2 when they do,
as Appwrite does.
"""

from __future__ import annotations

import hashlib
import hmac

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Appwrite's default algorithm options (Auth::DEFAULT_ALGO_OPTIONS).
HASH_OPTIONS = {"type": "argon2", "memoryCost": 2048, "timeCost": 4, "threads": 3}
_HASHER = PasswordHasher(time_cost=4, memory_cost=2048, parallelism=3)
SHA_VERSIONS = (
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512/224",
    "sha512/256",
    "sha512",
    "sha3-224",
    "sha3-256",
    "sha3-384",
    "sha3-512",
)
_ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(hashed: str | None, password: str, options: dict | None = None) -> bool:
    """Whether `password` matches `hashed`, made with the algorithm in `options`
    (default argon2)."""
    if not hashed:
        return False
    algorithm = (options or {}).get("type", "argon2")
    try:
        if algorithm == "argon2":
            return _HASHER.verify(hashed, password)
        if algorithm == "bcrypt":
            return bcrypt.checkpw(password.encode(), hashed.encode())
        if algorithm == "md5":
            return hmac.compare_digest(hashlib.md5(password.encode()).hexdigest(), hashed)
        if algorithm == "sha":
            return hmac.compare_digest(_sha(options.get("version", "sha256"), password), hashed)
        if algorithm == "phpass":
            return _phpass_verify(hashed, password)
        if algorithm == "scrypt":
            derived = hashlib.scrypt(
                password.encode(),
                salt=options["salt"].encode(),
                n=int(options["costCpu"]),
                r=int(options["costMemory"]),
                p=int(options["costParallel"]),
                dklen=int(options["length"]),
                maxmem=2**31 - 1,
            )
            return hmac.compare_digest(derived.hex(), hashed)
    except (VerificationError, InvalidHashError, ValueError, KeyError, TypeError):
        return False
    return False


def _sha(version: str, password: str) -> str:
    name = {"sha512/224": "sha512_224", "sha512/256": "sha512_256"}.get(
        version, version.replace("-", "_")
    )
    return hashlib.new(name, password.encode()).hexdigest()


def _phpass_verify(hashed: str, password: str) -> bool:
    """phpass: portable `$P$`/`$H$` hashes (WordPress, phpBB) or bcrypt ones."""
    if hashed.startswith(("$2a$", "$2b$", "$2y$")):
        return bcrypt.checkpw(password.encode(), hashed.encode())
    computed = _phpass_portable(password, hashed)
    return computed is not None and hmac.compare_digest(computed, hashed)


def _phpass_portable(password: str, setting: str) -> str | None:
    if setting[:3] not in ("$P$", "$H$") or len(setting) < 12:
        return None
    count_log2 = _ITOA64.find(setting[3])
    if not 7 <= count_log2 <= 30:
        return None
    salt = setting[4:12]
    digest = hashlib.md5(salt.encode() + password.encode()).digest()
    for _ in range(1 << count_log2):
        digest = hashlib.md5(digest + password.encode()).digest()
    return setting[:12] + _encode64(digest, 16)


def _encode64(data: bytes, count: int) -> str:
    """phpass's base64 variant (little-endian groups of 3 bytes, `_ITOA64` alphabet)."""
    output = []
    i = 0
    while i < count:
        value = data[i]
        i += 1
        output.append(_ITOA64[value & 0x3F])
        if i < count:
            value |= data[i] << 8
        output.append(_ITOA64[(value >> 6) & 0x3F])
        if i >= count:
            break
        i += 1
        if i < count:
            value |= data[i] << 16
        output.append(_ITOA64[(value >> 12) & 0x3F])
        if i >= count:
            break
        i += 1
        output.append(_ITOA64[(value >> 18) & 0x3F])
    return "".join(output)
