"""retry.py: backoff with full jitter for transient Appwrite failures, bounded by a deadline."""

import random
import time

import pytest
from appwrite.exception import AppwriteException

from shared.errors import UpstreamUnavailable
from shared.retry import backoff, is_retryable, retry


class Flaky:
    """Fails with the given exceptions, then returns "ok"."""

    def __init__(self, *failures):
        self.failures = list(failures)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def test_retries_429_5xx_and_connection_errors_then_succeeds():
    call = Flaky(
        AppwriteException("Rate limit", 429, "general_rate_limit_exceeded"),
        AppwriteException("Server Error", 500, "general_server_error"),
        AppwriteException(ConnectionRefusedError("refused")),
    )
    assert retry(call, attempts=4, base_delay=0.001) == "ok"
    assert call.calls == 4


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409])
def test_client_errors_are_raised_at_once(code):
    call = Flaky(AppwriteException("no", code, "x"))
    with pytest.raises(AppwriteException) as info:
        retry(call, base_delay=0.001)
    assert info.value.code == code
    assert call.calls == 1


def test_other_exceptions_are_not_retried():
    call = Flaky(KeyError("bug"))
    with pytest.raises(KeyError):
        retry(call, base_delay=0.001)
    assert call.calls == 1


def test_gives_up_with_503_chained_to_the_last_failure():
    last = AppwriteException("down", 503, "general_service_disabled")
    call = Flaky(AppwriteException("down", 502), AppwriteException("down", 500), last)
    with pytest.raises(UpstreamUnavailable) as info:
        retry(call, attempts=3, base_delay=0.001)
    assert info.value.__cause__ is last
    assert call.calls == 3


def test_never_sleeps_past_the_deadline():
    slept = []
    call = Flaky(*[AppwriteException("down", 500)] * 10)
    start = time.monotonic()
    deadline = start + 0.05
    with pytest.raises(UpstreamUnavailable):
        retry(
            call,
            attempts=10,
            base_delay=1.0,
            max_delay=1.0,
            deadline=deadline,
            sleep=slept.append,
            clock=lambda: start + sum(slept),
        )
    assert sum(slept) < 0.05
    assert call.calls == len(slept) + 1


def test_a_passed_deadline_still_allows_one_try():
    assert retry(lambda: "ok", deadline=time.monotonic() - 1) == "ok"


def test_full_jitter_is_bounded_by_exponential_cap():
    assert backoff(0, base=0.1, cap=1.0, rand=lambda: 1.0) == pytest.approx(0.1)
    assert backoff(3, base=0.1, cap=1.0, rand=lambda: 1.0) == pytest.approx(0.8)
    assert backoff(10, base=0.1, cap=1.0, rand=lambda: 1.0) == 1.0
    assert backoff(10, base=0.1, cap=1.0, rand=lambda: 0.0) == 0.0


def test_is_retryable():
    assert is_retryable(ConnectionResetError())
    assert is_retryable(TimeoutError())
    assert not is_retryable(
        AppwriteException("Invalid endpoint URL: x")
    )  # code 0, not a connection failure
    assert not is_retryable(ValueError())


def test_real_sdk_connection_failure_is_retried_then_503():
    import socket

    from appwrite.client import Client
    from appwrite.services.account import Account

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, not listening: connection refused
        client = (
            Client().set_endpoint(f"http://127.0.0.1:{sock.getsockname()[1]}/v1").set_project("p")
        )
        account = Account(client)
        calls = []

        def get():
            calls.append(1)
            return account.get()

        with pytest.raises(UpstreamUnavailable) as info:
            retry(get, attempts=2, base_delay=0.001)
    assert len(calls) == 2
    assert isinstance(info.value.__cause__, AppwriteException)
    assert info.value.__cause__.code == 0


def waits_of(monkeypatch, value):
    """The sleeps `retry` makes over three failures with `RETRY_BASE_DELAY_MS=value`
    (None: unset), as fractions of their full-jitter bound: the jitter is the global
    `random`, seeded, so the expected fractions are those of `random.Random(7)`."""
    if value is None:
        monkeypatch.delenv("RETRY_BASE_DELAY_MS", raising=False)
    else:
        monkeypatch.setenv("RETRY_BASE_DELAY_MS", value)
    random.seed(7)
    slept = []
    down = [AppwriteException("down", 503) for _ in range(3)]
    assert retry(Flaky(*down), attempts=4, sleep=slept.append) == "ok"
    return slept


def expected(*bounds):
    jitter = random.Random(7)
    return pytest.approx([jitter.random() * bound for bound in bounds])


def test_the_backoff_starts_at_200_ms_unless_the_variable_says_otherwise(monkeypatch):
    assert waits_of(monkeypatch, None) == expected(0.2, 0.4, 0.8)
    assert waits_of(monkeypatch, " ") == expected(0.2, 0.4, 0.8)
    assert waits_of(monkeypatch, "10") == expected(0.01, 0.02, 0.04)
    assert waits_of(monkeypatch, "0") == [0, 0, 0]
    assert waits_of(monkeypatch, "2000") == expected(2.0, 2.0, 2.0)  # the 2 s cap


@pytest.mark.parametrize("value", ["fast", "-1", "2001", "1.5"])
def test_a_wrong_backoff_variable_fails_loudly_naming_it(monkeypatch, value):
    from shared.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="RETRY_BASE_DELAY_MS"):
        waits_of(monkeypatch, value)
