"""The credentials the emulator issues and checks: dynamic API keys, user JWTs, session
secrets (all signed with the project's secret, HS256 as Appwrite's).

A dynamic key (`ephemeral_<JWT>`) carries the function's scopes, the execution id and,
for executions run on the controllable clock, the moment they run at (claim `now`): the
API then stamps what that execution writes with it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import hmac
import json
import time

import jwt

JWT_ALGORITHM = "HS256"
DYNAMIC_KEY_PREFIXES = ("ephemeral_", "dynamic_")


class InvalidToken(ValueError):
    """A key or JWT whose signature, expiry or shape does not verify."""


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a presented key with the real one."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


def is_dynamic_key(key: str) -> bool:
    return key.startswith(DYNAMIC_KEY_PREFIXES)


def mint_dynamic_key(
    project_id: str,
    secret: str,
    scopes: list[str],
    ttl_seconds: int,
    execution_id: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """An `ephemeral_<JWT>` API key with `scopes`, valid for `ttl_seconds` (functions get one
    per execution); `now` is the execution's controllable-clock moment."""
    claims: dict = {
        "projectId": project_id,
        "scopes": list(scopes),
        "exp": int(time.time()) + int(ttl_seconds),
    }
    if execution_id:
        claims["executionId"] = execution_id
    if now is not None:
        claims["now"] = now.isoformat()
    return "ephemeral_" + jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def decode_dynamic_key(secret: str, key: str) -> dict:
    """The claims of a dynamic key; raises `InvalidToken`."""
    prefix = next((p for p in DYNAMIC_KEY_PREFIXES if key.startswith(p)), "")
    return _decode(secret, key[len(prefix) :])


def key_moment(claims: dict) -> dt.datetime | None:
    """The controllable-clock moment a dynamic key's execution runs at (None: real time)."""
    value = claims.get("now")
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def mint_user_jwt(secret: str, user_id: str, session_id: str, duration: int) -> str:
    """A user JWT `{userId, sessionId}` as Appwrite issues it (HS256)."""
    now = int(time.time())
    claims = {"userId": user_id, "sessionId": session_id, "iat": now, "exp": now + int(duration)}
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def decode_user_jwt(secret: str, token: str) -> dict:
    """The claims of a user JWT; raises `InvalidToken` (its text says why)."""
    return _decode(secret, token)


def _decode(secret: str, token: str) -> dict:
    """The token's claims once its signature and shape verify (remembered: `_verified`) and
    while it has not expired (checked on every call, as PyJWT checks it); a copy, so that no
    caller changes what the next one reads."""
    try:
        claims = _verified(secret, token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from None
    if claims["exp"] <= time.time():
        raise InvalidToken("Signature has expired")
    return dict(claims)


@functools.lru_cache(maxsize=1024)
def _verified(secret: str, token: str) -> dict:
    """PyJWT's verification of one token (signature, algorithm, an integer `exp`), done once
    per token: a function's dynamic key is checked by three layers of every API call it
    makes (its clock, its traffic counter, its caller), some 90 µs each. A token that fails
    raises, and is not remembered."""
    claims = jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp"]})
    claims["exp"] = int(claims["exp"])
    return claims


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def encode_session_secret(user_id: str, token: str) -> str:
    """The session cookie / `x-appwrite-session` value: base64 JSON `{id, secret}`,
    as Appwrite's."""
    return base64.b64encode(json.dumps({"id": user_id, "secret": token}).encode()).decode()


def decode_session_secret(value: str) -> tuple[str, str] | None:
    try:
        data = json.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("id"), str)
        or not isinstance(data.get("secret"), str)
    ):
        return None
    return data["id"], data["secret"]
