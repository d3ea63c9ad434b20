"""Real worker processes, one row of reference appwrite-runtime.md §1.1 (outcomes), §1.3
(response post-processing), §1.4 (logs) and §2.2 (module loading) at a time."""

import http.client
import itertools
import json
import textwrap
import time

import pytest

from emulator.runtime import Deployment, Executor, function_env

_ids = itertools.count()


@pytest.fixture(scope="module")
def executor(tmp_path_factory):
    with Executor(workdir=tmp_path_factory.mktemp("workers")) as ex:
        yield ex


@pytest.fixture
def deploy(tmp_path):
    """Write a deployment (files: {relative path: source}) and return its Deployment."""

    def make(files, entrypoint="src/main.py", **kwargs):
        root = tmp_path / f"deployment{next(_ids)}"
        for rel, source in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source))
        root.mkdir(exist_ok=True)
        return Deployment(f"fn{next(_ids)}", root=root, entrypoint=entrypoint, **kwargs)

    return make


def run(executor, dep, **kwargs):
    return executor.execute(dep, **kwargs)


# -- §1.1 outcomes -----------------------------------------------------------------------


def test_entrypoint_file_missing_is_503(executor, deploy):
    dep = deploy({"src/other.py": "def main(context): pass"})
    r = run(executor, dep)
    assert r.status_code == 503 and r.body == b""
    assert "Failed to load entrypoint, file src/main.py does not exist." in r.errors


def test_module_not_found_is_503_naming_the_module(executor, deploy):
    dep = deploy({"src/main.py": "import helper_that_is_not_there\ndef main(context): pass"})
    r = run(executor, dep)
    assert r.status_code == 503
    assert "Module not found: helper_that_is_not_there" in r.errors


def test_nested_module_not_found_is_503(executor, deploy):
    dep = deploy(
        {
            "src/main.py": "from .lib import x\ndef main(context): pass",
            "src/lib.py": "import deeply_missing_module\nx = 1",
        }
    )
    assert "Module not found: deeply_missing_module" in run(executor, dep).errors


def test_syntax_error_is_503_with_file_and_line(executor, deploy):
    dep = deploy({"src/main.py": "def main(context)\n    return 1\n"})
    r = run(executor, dep)
    assert r.status_code == 503
    assert "Syntax error in " in r.errors and "main.py:1:" in r.errors


def test_missing_main_is_503(executor, deploy):
    dep = deploy({"src/main.py": "handler = 1\n"})
    r = run(executor, dep)
    assert r.status_code == 503
    assert "Function signature invalid. Did you forget to export a 'main' function?" in r.errors


def test_other_import_exception_is_503_with_traceback(executor, deploy):
    dep = deploy({"src/main.py": "raise RuntimeError('config broken')\ndef main(context): pass"})
    r = run(executor, dep)
    assert r.status_code == 503
    assert "Failed to load module: " in r.errors and "RuntimeError: config broken" in r.errors


def test_load_failure_is_retried_on_the_next_request(executor, deploy):
    dep = deploy({"src/main.py": "import missing_once\ndef main(context): pass"})
    assert run(executor, dep).status_code == 503
    (dep.root / "src" / "missing_once.py").write_text("")
    (dep.root / "src" / "main.py").write_text(
        "from . import missing_once\ndef main(context): return context.res.text('ok')"
    )
    assert run(executor, dep).status_code == 200


def test_handler_exception_is_500_with_traceback_in_errors(executor, deploy):
    dep = deploy(
        {
            "src/main.py": "def main(context):\n"
            "    context.log('before')\n"
            "    raise ValueError('bad input')\n"
        }
    )
    r = run(executor, dep)
    assert r.status_code == 500 and r.body == b""
    assert "Traceback" in r.errors and "ValueError: bad input" in r.errors
    assert r.logs == "before\n"


def test_returning_none_is_500_with_the_runtime_message(executor, deploy):
    dep = deploy({"src/main.py": "def main(context):\n    context.res.text('not returned')\n"})
    r = run(executor, dep)
    assert r.status_code == 500 and r.body == b""
    assert (
        "Return statement missing. return context.res.empty() if no response is expected."
        in r.errors
    )


def test_returning_a_non_dict_is_500(executor, deploy):
    dep = deploy({"src/main.py": "def main(context):\n    return 'hello'\n"})
    r = run(executor, dep)
    assert r.status_code == 500
    assert "AttributeError: 'str' object has no attribute 'get'" in r.errors


def test_sync_main_returning_a_coroutine_is_500(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        async def work(context):
            return context.res.text('never')
        def main(context):
            return work(context)
    """
        }
    )
    r = run(executor, dep)
    assert r.status_code == 500
    assert "'coroutine' object has no attribute 'get'" in r.errors


def test_async_main_is_awaited(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        import asyncio
        async def main(context):
            await asyncio.sleep(0)
            return context.res.json({'async': True})
    """
        }
    )
    r = run(executor, dep)
    assert r.status_code == 200 and json.loads(r.body) == {"async": True}


def test_async_main_over_the_timeout_is_500_execution_timed_out(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        import asyncio
        async def main(context):
            await asyncio.sleep(30)
            return context.res.text('late')
    """
        },
        timeout=1,
    )
    r = run(executor, dep)
    assert r.status_code == 500
    assert "Execution timed out." in r.errors


def test_sync_main_over_the_timeout_is_not_interrupted(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        import time
        def main(context):
            time.sleep(1.5)
            return context.res.text('finished anyway')
    """
        },
        timeout=1,
    )
    r = run(executor, dep)
    assert r.status_code == 200 and r.body == b"finished anyway"


def test_module_globals_persist_in_a_warm_worker(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        count = 0
        def main(context):
            global count
            count += 1
            return context.res.json({'count': count})
    """
        }
    )
    counts = [json.loads(run(executor, dep).body)["count"] for _ in range(3)]
    assert counts == [1, 2, 3]


def test_a_changed_file_restarts_the_worker(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        count = 0
        def main(context):
            global count
            count += 1
            return context.res.json({'version': 1, 'count': count})
    """
        }
    )
    dep.watch = dep.root
    assert json.loads(run(executor, dep).body) == {"version": 1, "count": 1}
    assert json.loads(run(executor, dep).body) == {"version": 1, "count": 2}
    time.sleep(0.01)
    main = dep.root / "src" / "main.py"
    main.write_text(main.read_text().replace("'version': 1", "'version': 2"))
    r = run(executor, dep)
    assert r.cold_start
    assert json.loads(r.body) == {"version": 2, "count": 1}


# -- §1.1 protocol rows (talking to the worker directly) ----------------------------------


def _raw(port, method="GET", path="/", headers=None, body=b""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture
def hello(executor, deploy):
    dep = deploy({"src/main.py": "def main(context):\n    return context.res.text('hello')\n"})
    executor.warm(dep)
    return executor.worker_port(dep.function_id)


def test_health_path_is_answered_by_the_runtime(hello):
    status, _, body = _raw(hello, path="/__opr/health")
    assert (status, body) == (200, b"OK")


def test_wrong_secret_is_500_unauthorized(hello):
    status, _, body = _raw(hello, headers={"x-open-runtimes-secret": "wrong"})
    assert status == 500
    assert body == b'Unauthorized. Provide correct "x-open-runtimes-secret" header.'


@pytest.mark.parametrize("value", ["abc", "0", "-1"])
def test_bad_timeout_header_is_500(hello, value):
    status, _, body = _raw(hello, headers={"x-open-runtimes-timeout": value})
    assert status == 500
    assert body == b'Header "x-open-runtimes-timeout" must be an integer greater than 0.'


def test_only_a_log_with_something_in_it_is_written_for_the_executor(executor, deploy):
    """The worker writes `<id>_logs.log` / `<id>_errors.log` for the executor to read (and
    remove); an empty one is not written — the executor reads a missing file as empty."""
    dep = deploy(
        {
            "src/main.py": """
        def main(context):
            if context.req.path == '/say':
                context.log('said')
            return context.res.text('ok')
    """
        }
    )
    executor.warm(dep)
    worker = executor._workers[dep.function_id]
    auth = {"x-open-runtimes-secret": worker.secret, "x-open-runtimes-logging": "enabled"}
    quiet = _raw(worker.port, headers=auth)
    said = _raw(worker.port, path="/say", headers=auth)
    assert quiet[0] == said[0] == 200
    files = sorted(p.name for p in worker.logs_dir.iterdir())
    assert files == [f"{said[1]['x-open-runtimes-log-id']}_logs.log"]
    assert (worker.logs_dir / files[0]).read_text() == "said\n"
    assert run(executor, dep).logs == "" and run(executor, dep, path="/say").logs == "said\n"


# -- §1.3 response post-processing --------------------------------------------------------


def test_content_type_lookup_is_case_sensitive(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        def main(context):
            return context.res.text('<b>x</b>', 200, {'Content-Type': 'text/html'})
    """
        }
    )
    assert run(executor, dep).headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "given, sent",
    [
        ("TEXT/HTML", "text/html; charset=utf-8"),
        ("application/json", "application/json; charset=utf-8"),
        ("text/csv; charset=latin-1", "text/csv; charset=latin-1"),
        ("multipart/form-data; boundary=AbC", "multipart/form-data; boundary=abc"),
    ],
)
def test_content_type_is_lower_cased_and_gets_a_charset(executor, deploy, given, sent):
    dep = deploy(
        {
            "src/main.py": f"""
        def main(context):
            return context.res.text('x', 200, {{'content-type': {given!r}}})
    """
        }
    )
    assert run(executor, dep).headers["content-type"] == sent


def test_header_keys_are_lower_cased_and_runtime_headers_dropped(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        def main(context):
            return context.res.text('x', 201, {'X-Custom': 'A', 'x-open-runtimes-log-id': 'forged'})
    """
        }
    )
    r = run(executor, dep)
    assert r.status_code == 201
    assert r.headers["x-custom"] == "A"
    assert not any(k.startswith("x-open-runtimes-") for k in r.headers)


def test_empty_is_204_with_text_plain(executor, deploy):
    dep = deploy({"src/main.py": "def main(context):\n    return context.res.empty()\n"})
    r = run(executor, dep)
    assert (r.status_code, r.body) == (204, b"")


def test_redirect_sends_location(executor, deploy):
    dep = deploy(
        {
            "src/main.py": "def main(context):\n    return context.res.redirect('https://appwrite.io')\n"
        }
    )
    r = run(executor, dep)
    assert r.status_code == 301 and r.headers["location"] == "https://appwrite.io"


def test_send_with_a_dict_body_is_500(executor, deploy):
    dep = deploy({"src/main.py": "def main(context):\n    return context.res.send({'a': 1})\n"})
    r = run(executor, dep)
    assert r.status_code == 500
    assert "Unsupported body type" in r.errors


def test_text_with_a_non_str_body_is_500(executor, deploy):
    dep = deploy({"src/main.py": "def main(context):\n    return context.res.text(123)\n"})
    r = run(executor, dep)
    assert r.status_code == 500 and "AttributeError" in r.errors


def test_a_partial_dict_gets_the_runtime_defaults(executor, deploy):
    dep = deploy({"src/main.py": "def main(context):\n    return {'body': 'only body'}\n"})
    r = run(executor, dep)
    assert (r.status_code, r.body, r.headers["content-type"]) == (
        200,
        b"only body",
        "text/plain; charset=utf-8",
    )


# -- §1.4 logs ------------------------------------------------------------------------------


def test_native_prints_come_after_context_logs_with_the_banner(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        print('at import')
        def main(context):
            print('native')
            context.log('structured')
            return context.res.text('ok')
    """
        }
    )
    first = run(executor, dep)
    banner = "Native logs detected. Use context.log() or context.error() for better experience."
    assert first.logs == "structured\n" + banner + "at import\nnative\n"
    second = run(executor, dep)
    assert second.logs == "structured\n" + banner + "native\n"


def test_stderr_is_captured_into_logs_too(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        import sys
        def main(context):
            sys.stderr.write('to stderr\\n')
            return context.res.text('ok')
    """
        }
    )
    assert run(executor, dep).logs.endswith("to stderr\n")


def test_logging_disabled_returns_no_logs(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        def main(context):
            context.log('hidden')
            context.error('hidden')
            print('hidden')
            return context.res.text('ok')
    """
        },
        logging=False,
    )
    r = run(executor, dep)
    assert (r.status_code, r.logs, r.errors) == (200, "", "")


# -- §2.2 / §2.3 loading, cwd, sys.path, env ---------------------------------------------------


def test_module_name_cwd_and_sys_path_are_the_containers(executor, deploy):
    dep = deploy(
        {
            "functions/foo/src/main.py": """
        import os, sys
        def main(context):
            return context.res.json({'name': __name__, 'cwd': os.getcwd(), 'path0': sys.path[0]})
    """
        },
        entrypoint="functions/foo/src/main.py",
    )
    info = json.loads(run(executor, dep).body)
    assert info["name"] == "function.functions.foo.src.main"
    assert info["cwd"] == info["path0"]
    assert info["cwd"].endswith("/src")


@pytest.mark.parametrize(
    "statement, works",
    [
        ("from shared import VALUE", False),
        ("from utils import VALUE", False),
        ("from .utils import VALUE", True),
        ("from ..shared import VALUE", True),
        ("from function.shared import VALUE", True),
    ],
)
def test_import_matrix_of_the_runtime(executor, deploy, statement, works):
    dep = deploy(
        {
            "src/main.py": f"{statement}\ndef main(context):\n    return context.res.text(VALUE)\n",
            "src/utils.py": "VALUE = 'utils'\n",
            "shared/__init__.py": "VALUE = 'shared'\n",
        }
    )
    r = run(executor, dep)
    if works:
        assert r.status_code == 200, r.errors
    else:
        assert r.status_code == 503
        assert "Module not found: " in r.errors


def test_relative_file_open_fails_because_cwd_is_not_the_function(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
            import os
            def main(context):
                try:
                    open('data.json').read()
                    relative = 'found'
                except FileNotFoundError:
                    relative = 'missing'
                here = open(os.path.join(os.path.dirname(__file__), 'data.json')).read()
                return context.res.json({'relative': relative, 'here': here})
        """,
            "src/data.json": "{}",
        }
    )
    assert json.loads(run(executor, dep).body) == {"relative": "missing", "here": "{}"}


def test_environment_has_the_appwrite_variables_and_no_key(executor, deploy, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    env = function_env(
        function_id="f",
        function_name="F",
        deployment_id="d1",
        project_id="p",
        endpoint="http://127.0.0.1:1/v1",
        function_variables={"GREETING": "hi"},
    )
    dep = deploy(
        {
            "src/main.py": """
        import os, json
        def main(context):
            wanted = ('APPWRITE', 'GREETING', 'PYTHONPATH', 'OPEN_RUNTIMES_ENTRYPOINT')
            keys = sorted(k for k in os.environ if k.startswith(wanted))
            return context.res.json({k: os.environ[k] for k in keys})
    """
        },
        env=env,
    )
    seen = json.loads(run(executor, dep).body)
    assert seen["APPWRITE_FUNCTION_ID"] == "f"
    assert seen["APPWRITE_FUNCTION_PROJECT_ID"] == "p"
    assert seen["APPWRITE_FUNCTION_API_ENDPOINT"] == "http://127.0.0.1:1/v1"
    assert seen["APPWRITE_FUNCTION_RUNTIME_NAME"] == "Python"
    assert seen["APPWRITE_FUNCTION_RUNTIME_VERSION"] == "3.12"
    assert seen["GREETING"] == "hi"
    assert seen["OPEN_RUNTIMES_ENTRYPOINT"] == "src/main.py"
    assert "PYTHONPATH" not in seen
    assert not any("KEY" in k for k in seen)


def test_request_reaches_the_function_as_on_appwrite(executor, deploy):
    dep = deploy(
        {
            "src/main.py": """
        def main(context):
            r = context.req
            return context.res.json({'method': r.method, 'path': r.path, 'query': r.query,
                                     'host': r.host, 'port': r.port, 'scheme': r.scheme,
                                     'body': r.body, 'headers': r.headers})
    """
        }
    )
    r = run(
        executor,
        dep,
        method="PUT",
        path="/items/a%20b?x=1&x=2",
        headers={"content-type": "application/json", "X-Trace": "t1"},
        body='{"k": "v"}',
    )
    seen = json.loads(r.body)
    assert seen["method"] == "PUT" and seen["path"] == "/items/a b" and seen["query"] == {"x": "2"}
    assert len(seen["host"]) == 32 and seen["port"] == 3000 and seen["scheme"] == "http"
    assert seen["body"] == {"k": "v"}
    assert seen["headers"]["x-trace"] == "t1"
    assert not any(k.startswith("x-open-runtimes-") for k in seen["headers"])


def test_a_worker_wrapper_starts_the_worker_through_its_command_line(tmp_path, deploy):
    """`Executor.wrap_worker` rewrites the worker's command line (how bench/first_request.py
    runs a worker under valgrind): here a Python launcher that sets a variable and execs the
    worker unchanged; the function sees the variable, and the hook is given its id."""
    import sys

    dep = deploy(
        {"src/main.py": "import os\ndef main(context): return context.res.text(os.environ['VIA'])"}
    )
    launcher = "import os, sys; os.environ['VIA'] = 'launcher'; os.execv(sys.argv[1], sys.argv[1:])"
    asked = []

    def wrap(function_id, argv):
        asked.append(function_id)
        return [sys.executable, "-c", launcher, *argv]

    with Executor(workdir=tmp_path / "workers") as wrapped:
        wrapped.wrap_worker = wrap
        r = run(wrapped, dep)
        assert (r.status_code, r.body) == (200, b"launcher")
        assert asked == [dep.function_id]
        assert run(wrapped, dep).body == b"launcher" and asked == [dep.function_id]  # warm
    with Executor(workdir=tmp_path / "plain") as plain:
        assert run(plain, dep).status_code == 500  # no launcher: no VIA, a KeyError
