"""Function variables as the Appwrite CLI has them: appwrite.json `vars`, then the function
folder's `.env` (which wins), over the project's `.env` beside appwrite.json; Appwrite's own
APPWRITE_FUNCTION_* last. Workers get them as environment variables."""

import json

from emulator.testclient import AppwriteTestClient

MAIN = """import os


def main(context):
    names = ["GREETING", "SHARED", "ONLY_PROJECT", "QUOTED", "APPWRITE_FUNCTION_ID", "NOT_SET"]
    return context.res.json({name: os.environ.get(name) for name in names})
"""


def project(tmp_path, vars):
    (tmp_path / "functions" / "env").mkdir(parents=True)
    (tmp_path / "functions" / "env" / "main.py").write_text(MAIN)
    manifest = {
        "projectId": "vars",
        "functions": [
            {
                "$id": "env",
                "name": "env",
                "runtime": "python-3.12",
                "path": "functions/env",
                "entrypoint": "main.py",
                "execute": ["any"],
                "events": [],
                "schedule": "",
                "timeout": 15,
                "enabled": True,
                "logging": True,
                "scopes": [],
                "vars": vars,
            }
        ],
    }
    (tmp_path / "appwrite.json").write_text(json.dumps(manifest))
    return tmp_path / "appwrite.json"


def test_vars_then_the_function_env_file_over_the_project_env_file(tmp_path):
    manifest = project(tmp_path, {"GREETING": "from vars", "SHARED": "from vars"})
    (tmp_path / "functions" / "env" / ".env").write_text(
        '# the function\'s variables\nSHARED=from the function .env\nQUOTED="a b # c"\n'
        "APPWRITE_FUNCTION_ID=forged\n"
    )
    (tmp_path / ".env").write_text("SHARED=from the project\nONLY_PROJECT=${HOME}\n")
    with AppwriteTestClient.start(manifest, data_dir=tmp_path / "data") as appwrite:
        seen = appwrite.invoke_http("env", "/").json()
    assert seen == {
        "GREETING": "from vars",
        "SHARED": "from the function .env",
        "ONLY_PROJECT": "${HOME}",  # no expansion, as the CLI's dotenv reads it
        "QUOTED": "a b # c",
        "APPWRITE_FUNCTION_ID": "env",  # Appwrite's own values win
        "NOT_SET": None,
    }


def test_without_env_files_only_the_manifest_vars(tmp_path):
    manifest = project(tmp_path, {"GREETING": "hello"})
    with AppwriteTestClient.start(manifest, data_dir=tmp_path / "data") as appwrite:
        seen = appwrite.invoke_http("env", "/").json()
    assert seen["GREETING"] == "hello"
    assert seen["SHARED"] is None and seen["ONLY_PROJECT"] is None
