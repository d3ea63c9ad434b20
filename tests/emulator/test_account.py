"""Account API through the real SDK: SSR sessions, JWTs, the caller's own user."""

from __future__ import annotations

import pytest
from appwrite.exception import AppwriteException
from appwrite.services.account import Account
from appwrite.services.users import Users

from tests.emulator.conftest import as_dict


def test_session_client_reads_its_own_account(make_user, user_client):
    user, _ = make_user()
    account = as_dict(Account(user_client(user)).get())
    assert account["$id"] == user["$id"]
    assert account["email"] == user["email"]
    assert "password" not in account and "hash" not in account


def test_jwt_client_reads_its_own_account(make_user, jwt_client):
    user, _ = make_user()
    assert as_dict(Account(jwt_client(user)).get())["$id"] == user["$id"]
