"""Unit tests of `shared/` run in the test process itself: `shared.client` installs its
keep-alive pool into the appwrite SDK of whatever process uses it (a function's worker, on
Appwrite). Here each test gets the SDK as it found it, so no other test inherits the pool."""

import appwrite.client as sdk
import pytest


@pytest.fixture(autouse=True)
def sdk_transport_as_found():
    before = sdk.requests
    yield
    if sdk.requests is not before:
        from shared import connections

        connections.uninstall()
