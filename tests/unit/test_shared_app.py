"""app.py: dispatch by trigger, errors as JSON, one log line per execution."""

import json

import pytest
from appwrite.exception import AppwriteException

from emulator.runtime.context import make_context
from shared import App, BadRequest, NotImplementedYet, Response, load_schema

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ1MSJ9.c2ln"


@pytest.fixture(scope="module")
def app():
    app = App("articles", max_body_bytes=64)

    @app.route("GET", "/articles/{id}")
    def get_article(req):
        return {"id": req.params["id"], "q": dict(req.query)}

    @app.route("POST", "/articles")
    def create(req):
        data = req.json()
        if not isinstance(data, dict) or "title" not in data:
            raise BadRequest(
                "title is required", details=[{"path": "/title", "message": "required"}]
            )
        return Response.created({"title": data["title"]})

    @app.route("DELETE", "/articles/{id}")
    def delete(req):
        return Response.no_content()

    @app.route("GET", "/boom")
    def boom(req):
        raise RuntimeError(f"internal detail {JWT}")

    @app.route("GET", "/upstream")
    def upstream(req):
        raise AppwriteException("Server Error", 500, "general_server_error")

    @app.route("GET", "/missing-row")
    def missing_row(req):
        raise AppwriteException(
            "Row with the requested ID could not be found.", 404, "row_not_found"
        )

    @app.route("GET", "/none")
    def returns_none(req):
        return None

    @app.route("GET", "/unserialisable")
    def unserialisable(req):
        return {"when": object()}

    @app.on_event("databases.*.tables.articles.rows.*.create")
    def on_create(req):
        return {"row": req.event.row, "title": req.json()["title"]}

    @app.on_event("users.*.create")
    def on_user(req):
        raise NotImplementedYet("provisioning is not implemented yet")

    @app.on_schedule
    def tick(req):
        return {"trigger": req.trigger.kind}

    return app


def run(app, method="GET", path="/", headers=None, body=b""):
    ctx = make_context(method, path, {"x-appwrite-execution-id": "ex1", **(headers or {})}, body)
    out = app.handle(ctx)
    body = json.loads(out["body"]) if out["body"] else None
    return out, body, ctx


def test_health_route_is_built_in(app):
    out, body, _ = run(app, "GET", "/health")
    assert (out["statusCode"], body) == (200, {"ok": True, "function": "articles"})
    assert out["headers"]["content-type"] == "application/json"


def test_route_params_and_query(app):
    out, body, _ = run(app, "GET", "/articles/a1?draft=1")
    assert (out["statusCode"], body) == (200, {"id": "a1", "q": {"draft": "1"}})


def test_created_and_no_content(app):
    out, body, _ = run(
        app,
        "POST",
        "/articles",
        {"content-type": "application/x-www-form-urlencoded"},
        b'{"title": "Hi"}',
    )
    assert (out["statusCode"], body) == (201, {"title": "Hi"})
    out, body, _ = run(app, "DELETE", "/articles/a1")
    assert (out["statusCode"], out["body"]) == (204, b"")


@pytest.mark.parametrize(
    "method, path, body, status, code",
    [
        ("GET", "/nope", b"", 404, "route_not_found"),
        ("PUT", "/articles/a1", b"", 405, "method_not_allowed"),
        ("POST", "/articles", b"", 400, "empty_body"),
        ("POST", "/articles", b"{oops", 400, "invalid_json"),
        ("POST", "/articles", b'"\xff"', 400, "invalid_encoding"),
        ("POST", "/articles", b'{"x": "' + b"y" * 100 + b'"}', 413, "payload_too_large"),
        ("POST", "/articles", b"{}", 400, "bad_request"),
        ("GET", "/missing-row", b"", 404, "not_found"),
        ("GET", "/upstream", b"", 503, "upstream_unavailable"),
    ],
)
def test_caller_and_upstream_errors_are_json(app, method, path, body, status, code):
    out, payload, _ = run(app, method, path, body=body)
    assert out["statusCode"] == status
    assert out["headers"]["content-type"] == "application/json"
    assert payload["error"]["code"] == code
    assert isinstance(payload["error"]["details"], list)


def test_405_sends_allow(app):
    out, _, _ = run(app, "PATCH", "/articles/a1")
    assert out["headers"]["allow"] == "DELETE, GET"


def test_bug_is_generic_500_with_redacted_traceback_only_in_errors(app):
    out, payload, ctx = run(app, "GET", "/boom", {"x-appwrite-key": "ephemeral_secret"})
    assert out["statusCode"] == 500
    assert payload == {
        "error": {
            "code": "internal_error",
            "message": "An unexpected error occurred.",
            "details": [],
        }
    }
    errors = ctx.logger.text("error")
    assert "RuntimeError: internal detail" in errors and "Traceback" in errors
    assert JWT not in errors
    logs = ctx.logger.text("log")
    assert "ephemeral_secret" not in logs + errors


@pytest.mark.parametrize("path", ["/none", "/unserialisable"])
def test_bad_handler_results_are_500(app, path):
    out, payload, ctx = run(app, "GET", path)
    assert out["statusCode"] == 500
    assert payload["error"]["code"] == "internal_error"
    assert "TypeError" in ctx.logger.text("error")


def test_one_execution_log_line(app):
    _, _, ctx = run(app, "GET", "/articles/a1", {"x-appwrite-user-jwt": JWT})
    [line] = [json.loads(text) for text in ctx.logger.text("log").splitlines() if text]
    assert line["msg"] == "execution"
    assert {
        k: line[k] for k in ("function", "execution", "trigger", "method", "path", "status")
    } == {
        "function": "articles",
        "execution": "ex1",
        "trigger": "http",
        "method": "GET",
        "path": "/articles/a1",
        "status": 200,
    }
    assert isinstance(line["duration_ms"], float)
    assert JWT not in ctx.logger.text("log")
    assert ctx.logger.text("error") == ""


def test_event_dispatch_in_both_spellings(app):
    for name in (
        "databases.newsroom.collections.articles.documents.a1.create",
        "databases.newsroom.tables.articles.rows.a1.create",
    ):
        out, body, ctx = run(
            app,
            "POST",
            "/",
            {
                "x-appwrite-trigger": "event",
                "x-appwrite-event": name,
                "content-type": "application/json",
            },
            b'{"title": "T"}',
        )
        assert (out["statusCode"], body) == (200, {"row": "a1", "title": "T"})
        assert json.loads(ctx.logger.text("log").strip())["event"] == name


def test_unhandled_event_and_not_implemented(app):
    out, body, _ = run(
        app,
        "POST",
        "/",
        {
            "x-appwrite-trigger": "event",
            "x-appwrite-event": "databases.newsroom.tables.profiles.rows.p1.create",
        },
    )
    assert (out["statusCode"], body["error"]["code"]) == (404, "event_not_handled")
    out, body, ctx = run(
        app, "POST", "/", {"x-appwrite-trigger": "event", "x-appwrite-event": "users.u1.create"}
    )
    assert out["statusCode"] == 501
    assert body["error"] == {
        "code": "not_implemented",
        "message": "provisioning is not implemented yet",
        "details": [],
    }
    assert ctx.logger.text("error") == ""


def test_schedule_and_bad_trigger(app):
    out, body, _ = run(app, "POST", "/", {"x-appwrite-trigger": "schedule", "x-appwrite-event": ""})
    assert (out["statusCode"], body) == (200, {"trigger": "schedule"})
    out, body, _ = run(app, "POST", "/", {"x-appwrite-trigger": "event", "x-appwrite-event": "bad"})
    assert (out["statusCode"], body["error"]["code"]) == (400, "invalid_trigger")


def test_schedule_without_handler_is_404():
    out, body, _ = run(App("accounts"), "POST", "/", {"x-appwrite-trigger": "schedule"})
    assert (out["statusCode"], body["error"]["code"]) == (404, "trigger_not_handled")


def test_missing_scope_is_500_and_logged():
    bare = App("x", health_route=None)

    @bare.route("GET", "/")
    def index(req):
        raise AppwriteException(
            'missing scopes (["rows.write"])', 401, "general_unauthorized_scope"
        )

    out, body, ctx = run(bare, "GET", "/")
    assert (out["statusCode"], body["error"]["code"]) == (500, "configuration_error")
    assert "general_unauthorized_scope" in ctx.logger.text("error")
    out, _, _ = run(bare, "GET", "/health")
    assert out["statusCode"] == 404


def test_schema_validation_errors_reach_the_caller(tmp_path):
    (tmp_path / "create.json").write_text(
        json.dumps(
            {"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}
        )
    )
    schema = load_schema(str(tmp_path / "main.py"), "create.json")
    app = App("articles")

    @app.route("POST", "/articles")
    def create(req):
        return schema.validate(req.json())

    out, body, _ = run(app, "POST", "/articles", body=b'{"title": 3}')
    assert out["statusCode"] == 400
    assert body["error"]["code"] == "validation_failed"
    assert body["error"]["details"][0]["path"] == "/title"


def test_missing_configuration_is_500_and_the_log_names_it(monkeypatch):
    from shared import server_client

    monkeypatch.delenv("APPWRITE_FUNCTION_PROJECT_ID", raising=False)
    monkeypatch.setenv("APPWRITE_FUNCTION_API_ENDPOINT", "http://127.0.0.1:9/v1")
    app = App("accounts")

    @app.route("GET", "/users")
    def users(req):
        server_client(req.headers)

    out, body, ctx = run(app, "GET", "/users", {"x-appwrite-key": "ephemeral_k"})
    assert (out["statusCode"], body["error"]["code"]) == (500, "configuration_error")
    assert "APPWRITE_FUNCTION_PROJECT_ID" not in out["body"].decode()
    assert "APPWRITE_FUNCTION_PROJECT_ID" in ctx.logger.text("error")


@pytest.mark.parametrize("method", ["PROPFIND", "TRACE", "CONNECT", "X" * 3000])
def test_any_method_gets_a_json_answer(app, method):
    out, payload, _ = run(app, method, "/articles/a1")
    assert (out["statusCode"], out["headers"]["content-type"]) == (405, "application/json")
    assert payload["error"]["code"] == "method_not_allowed"
    assert len(payload["error"]["message"]) < 120


def test_a_100_kb_path_gets_a_short_json_404(app):
    out, payload, _ = run(app, "GET", "/" + "p" * 100_000)
    assert (out["statusCode"], payload["error"]["code"]) == (404, "route_not_found")
    assert len(out["body"]) < 300


def test_json_is_sent_as_utf8_and_survives_a_lone_surrogate():
    from shared.app import json_text

    assert json_text({"t": "é📰"}) == '{"t":"é📰"}'
    assert json_text({"t": "a\ud800"}) == '{"t":"a\\ud800"}'
    json_text({"t": "a\ud800"}).encode("utf-8")  # sendable


def test_a_bytes_body_is_sent_as_it_is_with_the_handlers_content_type():
    app = App("pictures")
    picture = b"\x89PNG\r\n\x1a\n\x00\xff not UTF-8"

    @app.route("GET", "/picture")
    def get_picture(req):
        return Response(picture, 200, {"content-type": "image/png"})

    ctx = make_context("GET", "/picture", {"x-appwrite-execution-id": "ex1"}, b"")
    out = app.handle(ctx)
    assert (out["statusCode"], out["body"]) == (200, picture)
    assert out["headers"] == {"content-type": "image/png"}
