"""Shared fixtures for the function tests (all on the session's `appwrite` emulator).

The emulator is shared by every test of a worker: make ids and emails unique (`unique_email`)
and never assume a table is empty.
"""

import uuid

import pytest


def _unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture(scope="session")
def unique_email():
    """`unique_email(prefix)` → a fresh address, e.g. `prefix-3f2a…@example.com`."""
    return _unique_email


@pytest.fixture(scope="session")
def site_admin(appwrite):
    """A verified user with the label `admin` (a site admin)."""
    return appwrite.create_user(_unique_email("admin"), name="Site Admin", labels=["admin"])


@pytest.fixture(scope="session")
def tables(appwrite):
    """TablesDB with the admin key (permissions bypassed) for test set-up and checks."""
    from appwrite.services.tables_db import TablesDB

    return TablesDB(appwrite.admin_client())


@pytest.fixture(scope="session")
def users_api(appwrite):
    """Users with the admin key."""
    from appwrite.services.users import Users

    return Users(appwrite.admin_client())
