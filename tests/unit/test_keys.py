"""The emulator's credentials (emulator/core/keys.py): a token's signature is verified once
and remembered, its expiry on every use."""

from __future__ import annotations

import time

import pytest

from emulator.core import keys

SECRET = "s" * 32


def test_a_remembered_key_still_expires(monkeypatch):
    key = keys.mint_dynamic_key("p", SECRET, ["rows.read"], 60, execution_id="e1")
    assert keys.decode_dynamic_key(SECRET, key)["executionId"] == "e1"
    assert keys.decode_dynamic_key(SECRET, key)["scopes"] == ["rows.read"]  # remembered
    later = time.time() + 61
    monkeypatch.setattr(keys.time, "time", lambda: later)
    with pytest.raises(keys.InvalidToken, match="Signature has expired"):
        keys.decode_dynamic_key(SECRET, key)


def test_an_expired_or_forged_token_is_refused_every_time():
    expired = keys.mint_dynamic_key("p", SECRET, [], -1)
    forged = keys.mint_dynamic_key("p", "another-secret-of-32-characters!!", ["rows.write"], 60)
    for _ in range(2):
        with pytest.raises(keys.InvalidToken, match="expired"):
            keys.decode_dynamic_key(SECRET, expired)
        with pytest.raises(keys.InvalidToken, match="Signature verification failed"):
            keys.decode_dynamic_key(SECRET, forged)
    # the same token under its own secret verifies: the secret is part of what is remembered
    assert keys.decode_dynamic_key("another-secret-of-32-characters!!", forged)["scopes"] == [
        "rows.write"
    ]


def test_a_caller_cannot_change_what_the_next_one_reads():
    token = keys.mint_user_jwt(SECRET, "u1", "s1", 60)
    claims = keys.decode_user_jwt(SECRET, token)
    claims["userId"] = "someone-else"
    assert keys.decode_user_jwt(SECRET, token)["userId"] == "u1"
