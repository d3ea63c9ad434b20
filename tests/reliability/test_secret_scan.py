"""Figure "Secret scan": the pytest plugin (`emulator.testing`) scans every emulator the
test client drove — stored executions, worker output, the emulator's log records — for the
admin key, the signing secret, dynamic keys, JWTs, session secrets and the tests' passwords,
and fails the run when it finds one. Here it is shown to fail: a run of its own, in a
subprocess, where a function really leaks its dynamic key and a password."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap

from emulator import secretscan
from emulator.core import keys
from emulator.testing import password_literals

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB = ROOT / "tests" / "triggers" / "lab" / "appwrite.json"


def kinds(text: str, exact: dict | None = None) -> list[str]:
    return [f.kind for f in secretscan.scan_text(text, "here", exact or {})]


def test_each_kind_of_secret_is_recognised_and_never_repeated_in_full():
    admin_key = "standard_" + "ab12" * 32
    dynamic = keys.mint_dynamic_key("p", "s" * 32, ["rows.read"], 60, "exec1")
    jwt = keys.mint_user_jwt("s" * 32, "user1", "session1", 60)
    session = keys.encode_session_secret("user1", "f" * 64)
    text = f"a {admin_key} b {dynamic} c {jwt} d {session} e hunter2-but-longer f"
    found = secretscan.scan_text(text, "log", {"hunter2-but-longer": "password"})
    assert sorted(f.kind for f in found) == [
        "JWT",
        "admin API key",
        "dynamic key",
        "password",
        "session secret",
    ]
    report = secretscan.report(found, [])
    for secret in (admin_key, dynamic, jwt, session, "hunter2-but-longer"):
        assert secret not in report


def test_the_stacks_own_secrets_are_found_by_value(tmp_path):
    secret = "9f" * 32  # the signing secret has no telling shape
    assert kinds(f"x{secret}x", {secret: "signing secret"}) == ["signing secret"]


def test_ordinary_text_is_not_a_finding():
    text = (
        '{"$id":"6b0cd52e8184c78898ef","slug":"e-6817ba4564","hash":"' + "0" * 64 + '",'
        '"message":"The JWT is invalid or expired.","password":"[redacted]"}'
    )
    assert kinds(text) == []


def test_the_oauth2_state_in_a_sign_in_redirect_is_not_a_credential():
    """The emulator's OAuth2 state is a signed JWT a browser carries in the provider URL (a
    session function's 302 holds it); a JWT with any other payload, or an unreadable one,
    still is a finding."""
    import jwt as pyjwt

    state = pyjwt.encode({"typ": "oauth2-state", "success": "http://x/"}, "k" * 32, "HS256")
    location = f"http://127.0.0.1:1/emulator/oauth2/x?state={state}"
    assert kinds(location) == []
    assert secretscan.public_jwt(state)
    forged = pyjwt.encode({"typ": "oauth2-state-not", "userId": "u1"}, "k" * 32, "HS256")
    assert kinds(f"x {forged} x") == ["JWT"]
    head, _, tail = state.partition(".")
    assert not secretscan.public_jwt(head + ".eyJ!!!!!!!!!!." + tail.split(".")[1])


def test_password_literals_of_the_tests_are_collected(tmp_path):
    (tmp_path / "test_x.py").write_text(
        textwrap.dedent(
            """
            PASSWORD = "constant-password-1"
            def test_a(client):
                client.create("u", password="keyword-password-2")
                client.post({"email": "e", "password": "dict-password-3"})
                client.post({"password": "short"})
                other = "not-a-secret-at-all"
            """
        )
    )
    assert password_literals([tmp_path]) == {
        "constant-password-1",
        "keyword-password-2",
        "dict-password-3",
    }


INNER_TEST = f"""
import pytest
from emulator.testclient import AppwriteTestClient

LAB = {str(LAB)!r}


def test_a_function_that_leaks(tmp_path):
    with AppwriteTestClient.start(LAB, data_dir=tmp_path / "leaky") as lab:
        lab.create_user("leaky@example.com", password="planted-password-9")
        lab.exempt_from_secret_scan(["members-only"], "a probe of what Appwrite hands a function")
        # both answer their request headers (the dynamic key among them) and their body
        lab.execute("echo", "/", body="my password is planted-password-9")
        lab.execute("members-only", "/")
"""


def test_a_planted_secret_fails_the_run(tmp_path):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["emulator.testing"]\n')
    (tmp_path / "pytest.ini").write_text(f"[pytest]\nappwrite_manifest = {LAB}\n")
    (tmp_path / "test_inner.py").write_text(INNER_TEST)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_inner.py"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout
    assert run.returncode == 1, out
    assert "1 passed" in out  # the test itself passes: the scan fails the run
    assert "1 passed, 2 secret leaks" in out and "= secret scan =" in out
    leaks = [line for line in out.splitlines() if "· execution" in line]
    assert any("of echo (responseBody): dynamic key 'ephemeral_ey…'" in x for x in leaks), out
    assert any("of echo (responseBody): password 'plan…'" in x for x in leaks), out
    assert not [x for x in leaks if "members-only" in x]  # the exempted probe is not reported
    assert "(exempt: members-only: a probe of what Appwrite hands a function)" in out
    assert "planted-password-9" not in out
