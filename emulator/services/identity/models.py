"""Response models for users, accounts, sessions, teams, memberships and JWTs.

Builders take stored documents and return exactly the JSON Appwrite answers
(field set and order of Appwrite's `Response/Model/*.php`). Sensitive values
(session secrets) are only shown to privileged callers; password hashes only on
the User model (the Users API is key-only), never on Account.
"""

from __future__ import annotations

from emulator.services.identity import emails, useragent
from emulator.services.identity.passwords import HASH_OPTIONS

USER_FIELDS = (
    "$id",
    "$createdAt",
    "$updatedAt",
    "name",
    "password",
    "hash",
    "hashOptions",
    "registration",
    "status",
    "labels",
    "passwordUpdate",
    "email",
    "phone",
    "emailVerification",
    "emailCanonical",
    "emailIsFree",
    "emailIsDisposable",
    "emailIsCorporate",
    "emailIsCanonical",
    "phoneVerification",
    "mfa",
    "prefs",
    "targets",
    "accessedAt",
    "impersonator",
    "impersonatorUserId",
)
HIDDEN_FROM_ACCOUNT = ("password", "hash", "hashOptions")
SESSION_STRINGS = (
    "provider",
    "providerUid",
    "providerAccessToken",
    "providerAccessTokenExpiry",
    "providerRefreshToken",
    "ip",
    *useragent.FIELDS,
    "countryCode",
    "countryName",
)


def hash_options(options: dict | None) -> dict:
    """The stored options as given (Appwrite outputs the stored array: a sha `version`, a
    scrypt `salt` and costs); argon2's defaults for users without a password."""
    return dict(options or HASH_OPTIONS)


def user(doc: dict, impersonator_id: str | None = None) -> dict:
    """Appwrite's User model. `impersonatorUserId` is set only on the answer to a request
    that impersonates this user (null otherwise, as Appwrite outputs an unset optional key)."""
    out = {name: doc.get(name) for name in USER_FIELDS}
    out["hash"] = doc.get("hash") or "argon2"
    out["hashOptions"] = hash_options(doc.get("hashOptions"))
    out["prefs"] = doc.get("prefs") or {}
    for name in ("email", "phone", "passwordUpdate", "accessedAt", "name"):
        out[name] = out[name] or ""
    out.update(emails.insights(doc.get("email")))
    out["impersonator"] = bool(doc.get("impersonator", False))
    out["impersonatorUserId"] = impersonator_id or None
    return out


def account(doc: dict, impersonator_id: str | None = None) -> dict:
    return {
        name: value
        for name, value in user(doc, impersonator_id).items()
        if name not in HIDDEN_FROM_ACCOUNT
    }


def user_list(total: int, docs: list[dict]) -> dict:
    return {"total": total, "users": [user(d) for d in docs]}


def session(doc: dict, *, show_secret: bool, current_session_id: str = "") -> dict:
    out = {
        "$id": doc["$id"],
        "$createdAt": doc["$createdAt"],
        "$updatedAt": doc["$updatedAt"],
        "userId": doc["userId"],
        "expire": doc["expire"],
    }
    out.update({name: doc.get(name, "") for name in SESSION_STRINGS})
    out["current"] = bool(current_session_id) and doc["$id"] == current_session_id
    out["factors"] = list(doc.get("factors", []))
    out["secret"] = doc.get("secret", "") if show_secret else ""
    out["mfaUpdatedAt"] = doc.get("mfaUpdatedAt", "")
    return out


def session_list(
    docs: list[dict], *, show_secret: bool = False, current_session_id: str = ""
) -> dict:
    return {
        "total": len(docs),
        "sessions": [
            session(d, show_secret=show_secret, current_session_id=current_session_id) for d in docs
        ],
    }


def team(doc: dict, total: int) -> dict:
    return {
        "$id": doc["$id"],
        "$createdAt": doc["$createdAt"],
        "$updatedAt": doc["$updatedAt"],
        "name": doc.get("name", ""),
        "total": total,
        "prefs": doc.get("prefs") or {},
    }


def membership(doc: dict, member: dict | None, team_doc: dict | None) -> dict:
    member = member or {}
    return {
        "$id": doc["$id"],
        "$createdAt": doc["$createdAt"],
        "$updatedAt": doc["$updatedAt"],
        "userId": doc["userId"],
        "userName": member.get("name") or "",
        "userEmail": member.get("email") or "",
        "userPhone": member.get("phone") or "",
        "teamId": doc["teamId"],
        "teamName": (team_doc or {}).get("name", ""),
        "invited": doc.get("invited", ""),
        "joined": doc.get("joined", ""),
        "confirm": bool(doc.get("confirm")),
        "mfa": bool(member.get("mfa")),
        "userAccessedAt": member.get("accessedAt") or "",
        "roles": list(doc.get("roles", [])),
    }


def jwt(token: str) -> dict:
    return {"jwt": token}


def preferences(prefs: dict | None) -> dict:
    return prefs or {}
