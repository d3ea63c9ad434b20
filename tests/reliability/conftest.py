"""Fixtures of the reliability tests (helpers that start and kill `serve`: support.py)."""

import uuid

import pytest


@pytest.fixture(scope="session")
def unique_email():
    """`unique_email(prefix)` → a fresh address, e.g. `prefix-3f2a…@example.com`."""
    return lambda prefix="user": f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
