"""Names and limits Appwrite accepts for a function definition (Appwrite server 1.9.x).

Sources (read-only, cited in /work/shared/reference/appwrite-runtime.md §5): runtime ids from
appwrite/php-runtimes 0.20.0 `Runtimes.php`; scopes from appwrite `app/config/scopes/project.php`;
specifications from `Compute/Specification.php`; limits from `Functions/Create.php` and
`app/init/constants.php`.
"""

from __future__ import annotations

# Python runtimes only: the emulator runs Python functions.
PYTHON_RUNTIMES = frozenset(
    {
        "python-3.8",  # deprecated, still accepted
        "python-3.9",
        "python-3.10",
        "python-3.11",
        "python-3.12",
        "python-3.13",
        "python-3.14",
        "python-ml-3.11",
        "python-ml-3.12",
        "python-ml-3.13",
    }
)

_RESOURCE_SCOPES = (
    "project",
    "keys",
    "platforms",
    "mocks",
    "project.policies",
    "project.oauth2",
    "templates",
    "stages",
    "users",
    "sessions",
    "teams",
    "databases",
    "tables",
    "columns",
    "indexes",
    "rows",
    "buckets",
    "files",
    "tokens",
    "functions",
    "executions",
    "sites",
    "log",
    "providers",
    "topics",
    "subscribers",
    "targets",
    "messages",
    "rules",
    "webhooks",
    "migrations",
    "schedules",
    "vcs",
    "insights",
    "reports",
    "presences",
)
DEPRECATED_SCOPES = frozenset(
    {
        "policies.read",
        "policies.write",
        "collections.read",
        "collections.write",
        "attributes.read",
        "attributes.write",
        "documents.read",
        "documents.write",
        "execution.read",
        "execution.write",
    }
)
SCOPES = frozenset(
    {f"{resource}.{mode}" for resource in _RESOURCE_SCOPES for mode in ("read", "write")}
    | {"embeddings.write", "locale.read", "avatars.read", "health.read", "assistant.read"}
    | DEPRECATED_SCOPES
)

SPECIFICATIONS = frozenset(
    {
        "s-0.5vcpu-512mb",
        "s-1vcpu-512mb",
        "s-1vcpu-1gb",
        "s-2vcpu-2gb",
        "s-2vcpu-4gb",
        "s-4vcpu-4gb",
        "s-4vcpu-8gb",
        "s-8vcpu-4gb",
        "s-8vcpu-8gb",
    }
)

DEFAULT_TIMEOUT = 15
MAX_TIMEOUT = 900  # _APP_FUNCTIONS_TIMEOUT default
MAX_EXECUTE_ROLES = 100
MAX_ROLE_LENGTH = 64
MAX_EVENTS = 100
MAX_SCOPES = 200
MAX_NAME_LENGTH = 128
