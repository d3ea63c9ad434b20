"""Function domains: on Appwrite every function has one (`app/controllers/general.php`, the
router for function and site domains, 1.9.6). Not an SDK API, so this case runs once, over the
emulator's test client (`appwrite` fixture), not per transport."""

from __future__ import annotations

from tests.contract.conftest import appwrite


@appwrite("src: app/controllers/general.php (router, type 'function')")
def test_function_domain_without_public_execute(appwrite):
    response = appwrite.invoke_http("enrich-article", "/")
    assert response.status_code == 401
    assert (
        'To execute function using domain, execute permissions must include "any" or "guests".'
        in response.text
    )
