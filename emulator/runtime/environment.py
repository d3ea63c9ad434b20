"""The environment variables a function sees at run time (reference appwrite-runtime.md §2.3).

Appwrite merges project variables, then function variables, then its own
`APPWRITE_FUNCTION_*` values last (so they win). There is deliberately no API key
variable: functions get their key from the `x-appwrite-key` request header.
"""

from __future__ import annotations

APPWRITE_VERSION = "1.9.6"


def function_env(
    *,
    function_id: str,
    function_name: str,
    deployment_id: str,
    project_id: str,
    endpoint: str,
    runtime: str = "python-3.12",
    cpus: int = 1,
    memory: int = 512,
    project_variables: dict[str, str] | None = None,
    function_variables: dict[str, str] | None = None,
) -> dict[str, str]:
    name, _, version = runtime.partition("-")
    env: dict[str, str] = {}
    env.update(project_variables or {})
    env.update(function_variables or {})
    env.update(
        {
            "APPWRITE_FUNCTION_API_ENDPOINT": endpoint,
            "APPWRITE_FUNCTION_ID": function_id,
            "APPWRITE_FUNCTION_NAME": function_name,
            "APPWRITE_FUNCTION_DEPLOYMENT": deployment_id,
            "APPWRITE_FUNCTION_PROJECT_ID": project_id,
            "APPWRITE_FUNCTION_RUNTIME_NAME": "Python"
            if name.startswith("python")
            else name.title(),
            "APPWRITE_FUNCTION_RUNTIME_VERSION": version,
            "APPWRITE_FUNCTION_CPUS": str(cpus),
            "APPWRITE_FUNCTION_MEMORY": str(memory),
            "APPWRITE_VERSION": APPWRITE_VERSION,
            "APPWRITE_REGION": "default",
            "APPWRITE_DEPLOYMENT_TYPE": "manual",
            "APPWRITE_VCS_REPOSITORY_ID": "",
            "APPWRITE_VCS_REPOSITORY_NAME": "",
            "APPWRITE_VCS_REPOSITORY_OWNER": "",
            "APPWRITE_VCS_REPOSITORY_URL": "",
            "APPWRITE_VCS_REPOSITORY_BRANCH": "",
            "APPWRITE_VCS_REPOSITORY_BRANCH_URL": "",
            "APPWRITE_VCS_COMMIT_HASH": "",
            "APPWRITE_VCS_COMMIT_MESSAGE": "",
            "APPWRITE_VCS_COMMIT_URL": "",
            "APPWRITE_VCS_COMMIT_AUTHOR_NAME": "",
            "APPWRITE_VCS_COMMIT_AUTHOR_URL": "",
            "APPWRITE_VCS_ROOT_DIRECTORY": "",
            # Set by the executor on every runtime container.
            "CI": "true",
        }
    )
    return env
