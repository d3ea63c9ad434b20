"""logging.py: one redacted JSON object per line through context.log/context.error."""

import json

from emulator.runtime.context import make_context
from shared.logging import REDACTED, Logger, format_line, redact

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ1MSJ9.c2lnbmF0dXJl"


def lines(text):
    return [json.loads(line) for line in text.splitlines() if line]


def test_secret_keys_are_redacted_recursively():
    out = redact(
        {
            "apiKey": "abc",
            "password": "hunter2",
            "x-appwrite-user-jwt": JWT,
            "Authorization": "Basic b3ByOnM=",
            "cookie": "a=b",
            "sessionId": "s1",
            "nested": [{"secret": "s"}, {"title": "fine"}],
            "empty_token": "",
        }
    )
    assert out["apiKey"] == out["password"] == out["x-appwrite-user-jwt"] == REDACTED
    assert out["Authorization"] == out["cookie"] == out["sessionId"] == REDACTED
    assert out["nested"] == [{"secret": REDACTED}, {"title": "fine"}]
    assert out["empty_token"] == ""


def test_secret_looking_values_are_redacted_anywhere():
    text = redact(
        f"key ephemeral_eyJ0.abc.def and dynamic_x1 and standard_abc123 jwt {JWT} h Bearer abc.def"
    )
    for secret in ("ephemeral_", "dynamic_x1", "standard_abc123", JWT, "abc.def"):
        assert secret not in text
    assert text.count(REDACTED) == 5
    assert redact(["ok", 3, None, True]) == ["ok", 3, None, True]


def test_format_line_is_one_json_object_level_and_msg_first():
    line = format_line("info", "hello", {"status": 200, "level": "ignored"})
    assert "\n" not in line
    assert list(json.loads(line)) == ["level", "msg", "status"]


def test_long_strings_keep_head_and_tail_within_the_runtime_limit():
    line = format_line("error", "boom", {"traceback": "start" + "x" * 20000 + "ValueError: end"})
    assert len(line) < 8000
    record = json.loads(line)
    assert record["traceback"].startswith("start") and record["traceback"].endswith(
        "ValueError: end"
    )


def test_logger_writes_to_context_log_and_error():
    ctx = make_context()
    log = Logger(ctx, function="articles").bind(execution="ex1")
    log.info("created", row="a1", jwt=JWT)
    log.error("failed", message=f"token {JWT}")
    [info] = lines(ctx.logger.text("log"))
    [error] = lines(ctx.logger.text("error"))
    assert info == {
        "level": "info",
        "msg": "created",
        "function": "articles",
        "execution": "ex1",
        "row": "a1",
        "jwt": REDACTED,
    }
    assert error["level"] == "error" and JWT not in json.dumps(error)
