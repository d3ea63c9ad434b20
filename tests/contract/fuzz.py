"""Spec-driven fuzzing of the emulator's REST API with Schemathesis (Hypothesis underneath).

The 1.9.3 server OpenAPI document (`shared/reference/specs/`, beside the repo) drives request
generation for every TablesDB, Users and Teams operation; each answer is checked with
Schemathesis' `not_a_server_error` and `response_schema_conformance`.

* Path parameters are pointed at a small world of real resources (a database with a table,
  columns, an index and a row; a user with a session and a target; a team with a membership;
  a pending transaction), so requests get past "not found" and reach the validation and the
  storage underneath. The world is repaired after any successful destructive call.
* Each operation gets `positive` examples (valid by the schema) and `negative` ones (invalid),
  a fixed number of each, derandomized in the default run (same requests every time) and
  random in the long run.
* Two adjustments are made to the document, both spec-level and documented in
  `docs/emulator.md`: `Error.code` is typed string although Appwrite sends the integer status;
  one path serving two SDK methods (createRow/createRows, …) lists only the first one's model,
  so the other models of `x-appwrite.methods` are accepted too.
* Findings that are known emulator gaps are listed in `KNOWN` (operation, check, reason): they
  are reported but do not fail the run; anything else does.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.contract.harness import http_client
from tests.emulator.spec import SPEC_NAME, spec_path  # noqa: F401  (the fuzz test reads them here)

TAGS = ("tablesDB", "users", "teams")
ROOT = pathlib.Path(__file__).resolve().parents[2]


# Known findings, each with its reason. "spec:" = the 1.9.3 document cannot describe what
# Appwrite itself answers; "gap:" = the emulator differs from Appwrite (also a case in the
# ported suites, so it is on the list of gaps to fix).
_GET_COLUMN = "GET /tablesdb/{databaseId}/tables/{tableId}/columns/{key}"
KNOWN: dict[tuple[str, str], str] = {
    (_GET_COLUMN, "DiscriminatorMismatch"): (
        "spec: getColumn's oneOf discriminator maps no 'varchar'/'text'/'mediumtext'/'longtext' "
        "type, which Appwrite 1.9 answers for those columns (its string-types suite asserts "
        "type 'varchar')"
    ),
    (_GET_COLUMN, "JsonSchemaError"): (
        "spec: getColumn's oneOf has models that overlap (a varchar column is valid under more "
        "than one of them), so no answer can match exactly one"
    ),
}
EMPTY_NAME = (
    "gap: a query parameter with an empty name (GET …?=0) → 500 general_unknown on every "
    "GET route; PHP (Appwrite) drops such a parameter (test_empty_query_parameter_name)"
)


def known(finding: Finding) -> str | None:
    """The reason a finding is known, or None."""
    if finding.check == "ServerError" and "" in (finding.query or {}):
        return EMPTY_NAME
    return KNOWN.get((finding.operation, finding.check))


def fuzz_document(path: pathlib.Path) -> dict:
    """The spec reduced to TablesDB/Users/Teams, without auth schemes (the test sends the key)."""
    doc = json.loads(path.read_text())
    paths = {}
    for template, item in doc["paths"].items():
        ops = {
            method: op
            for method, op in item.items()
            if isinstance(op, dict) and (op.get("tags") or [""])[0] in TAGS
        }
        for op in ops.values():
            op.pop("security", None)
            _accept_every_model(op)
        if ops:
            paths[template] = ops
    doc["paths"] = paths
    doc.pop("security", None)
    doc["components"].pop("securitySchemes", None)
    # Appwrite's Error body carries the integer status; the spec says string.
    doc["components"]["schemas"]["error"]["properties"]["code"] = {
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "description": "Error code.",
    }
    return doc


def _accept_every_model(op: dict) -> None:
    by_code: dict[str, list[str]] = {}
    for variant in (op.get("x-appwrite") or {}).get("methods") or []:
        for response in variant.get("responses", []):
            models = response.get("model") or []
            for model in models if isinstance(models, list) else [models]:
                by_code.setdefault(str(response["code"]), []).append(model)
    for code, models in by_code.items():
        unique = list(dict.fromkeys(models))
        content = op.get("responses", {}).get(code, {}).get("content", {})
        media = content.get("application/json")
        if len(unique) > 1 and media is not None:
            media["schema"] = {"oneOf": [{"$ref": m} for m in unique]}


# ---------------------------------------------------------------- the world the requests hit

_HTTP = http_client()  # one client (and SSL context) for every set-up call, keeping no cookies


@dataclass
class World:
    """Real resources the fuzzed paths point at; rebuilt when a request removed one."""

    endpoint: str
    project: str
    key: str
    ids: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        return {"X-Appwrite-Project": self.project, "X-Appwrite-Key": self.key}

    def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        headers = self.headers()
        if method == "GET":
            return _HTTP.request(method, self.endpoint + path, headers=headers)
        headers["Content-Type"] = "application/json"
        return _HTTP.request(
            method, self.endpoint + path, headers=headers, content=json.dumps(body or {})
        )

    def build(self) -> None:
        token = secrets.token_hex(3)
        self.ids.update(
            databaseId=f"fuzzdb{token}",
            tableId="fuzztable",
            rowId="row1",
            column="n",
            userId=f"fuzzuser{token}",
            teamId=f"fuzzteam{token}",
        )
        self.repair()

    def repair(self) -> None:
        ids = self.ids
        db, table = ids["databaseId"], ids["tableId"]
        base = f"/tablesdb/{db}/tables/{table}"
        if self._call("GET", f"/tablesdb/{db}").status_code == 404:
            self._call("POST", "/tablesdb", {"databaseId": db, "name": "Fuzz"})
        got = self._call("GET", base)
        if got.status_code == 404:
            self._call(
                "POST",
                f"/tablesdb/{db}/tables",
                {"tableId": table, "name": "Fuzz", "permissions": ['read("any")']},
            )
            got = self._call("GET", base)
        columns = {c["key"] for c in got.json().get("columns", [])}
        for kind, payload in (
            ("varchar", {"key": "title", "size": 64, "required": False}),
            ("integer", {"key": "n", "required": False}),
            ("boolean", {"key": "flag", "required": False}),
            ("datetime", {"key": "when", "required": False}),
            ("varchar", {"key": "tags", "size": 32, "required": False, "array": True}),
        ):
            if payload["key"] not in columns:
                self._call("POST", f"{base}/columns/{kind}", payload)
        indexes = {i["key"] for i in got.json().get("indexes", [])}
        if "by_n" not in indexes:
            self._call("POST", f"{base}/indexes", {"key": "by_n", "type": "key", "columns": ["n"]})
        if self._call("GET", f"{base}/rows/row1").status_code == 404:
            self._call("POST", f"{base}/rows", {"rowId": "row1", "data": {"title": "t", "n": 1}})
        user = self._call("GET", f"/users/{ids['userId']}")
        if user.status_code == 404:
            user = self._call(
                "POST",
                "/users",
                {
                    "userId": ids["userId"],
                    "email": f"{ids['userId']}@example.com",
                    "password": "password",
                },
            )
        targets = user.json().get("targets") or [{}]
        ids["targetId"] = targets[0].get("$id", "none")
        sessions = self._call("GET", f"/users/{ids['userId']}/sessions").json().get("sessions", [])
        if not sessions:
            sessions = [self._call("POST", f"/users/{ids['userId']}/sessions").json()]
        ids["sessionId"] = sessions[0].get("$id", "none")
        if self._call("GET", f"/teams/{ids['teamId']}").status_code == 404:
            self._call("POST", "/teams", {"teamId": ids["teamId"], "name": "Fuzz"})
        members = self._call("GET", f"/teams/{ids['teamId']}/memberships").json()
        memberships = members.get("memberships", [])
        if not memberships:
            made = self._call(
                "POST",
                f"/teams/{ids['teamId']}/memberships",
                {"userId": ids["userId"], "roles": ["member"]},
            )
            memberships = [made.json()]
        ids["membershipId"] = memberships[0].get("$id", "none")
        txn = ids.get("transactionId")
        status = self._call("GET", f"/tablesdb/transactions/{txn}").json() if txn else {}
        if status.get("status") != "pending":
            made = self._call("POST", "/tablesdb/transactions", {"ttl": 3600}).json()
            ids["transactionId"] = made.get("$id", "none")

    def path_value(self, template: str, name: str) -> str | None:
        if name == "key":
            return "by_n" if "/indexes/" in template else "title"
        return self.ids.get(name)


# ---------------------------------------------------------------- the run


@dataclass
class Finding:
    operation: str
    check: str
    status: int
    message: str
    request: str
    query: dict | None = None


@dataclass
class Report:
    requests: int = 0
    operations: int = 0
    statuses: Counter = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    unsatisfiable: list[str] = field(default_factory=list)

    def unexpected(self) -> list[Finding]:
        return [f for f in self.findings if known(f) is None]

    def summary(self) -> str:
        kinds = Counter((f.operation, f.check, known(f)) for f in self.findings)
        lines = [
            f"fuzz: {self.requests} requests over {self.operations} operations; "
            f"statuses {dict(sorted(self.statuses.items()))}; "
            f"{len(self.findings)} findings in {len(kinds)} kinds "
            f"({len(self.unexpected())} unexpected); "
            f"{len(self.unsatisfiable)} operation/mode pairs had no example"
        ]
        for (operation, check, reason), count in sorted(kinds.items(), key=str):
            sample = next(
                f
                for f in self.findings
                if (f.operation, f.check, known(f)) == (operation, check, reason)
            )
            lines.append(
                f"  {'known' if reason else 'NEW  '} {operation} {check} ×{count}: "
                f"{sample.status} {sample.message[:300]} — {sample.request[:200]}"
                + (f" [{reason[:60]}…]" if reason else "")
            )
        return "\n".join(lines)


def run(endpoint: str, project: str, key: str, *, examples: int, derandomize: bool) -> Report:
    """Fuzz every TablesDB/Users/Teams operation with `examples` positive and as many negative
    examples each."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode, openapi
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import FailureGroup
    from schemathesis.specs.openapi.checks import response_schema_conformance

    path = spec_path()
    assert path is not None
    schema = openapi.from_dict(fuzz_document(path))
    world = World(endpoint, project, key)
    world.build()
    report = Report()
    checks = [not_a_server_error, response_schema_conformance]
    base_url = endpoint  # the spec's paths are relative to /v1, like the endpoint
    ops = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (op.path, op.method),
    )
    report.operations = len(ops)

    def exercise(case) -> None:
        template = case.operation.path
        for name in list(case.path_parameters or {}):
            value = world.path_value(template, name)
            if value is not None:
                case.path_parameters[name] = value
        response = case.call(base_url=base_url, headers=world.headers())
        report.requests += 1
        report.statuses[response.status_code // 100 * 100] += 1
        label = f"{case.operation.method.upper()} {template}"
        try:
            case.validate_response(response, checks=checks, headers=world.headers())
        except FailureGroup as group:
            for failure in group.exceptions:
                report.findings.append(
                    Finding(
                        label,
                        type(failure).__name__,
                        response.status_code,
                        f"{failure.title}: {failure.message}",
                        f"{case.method} {case.formatted_path} query={case.query} "
                        f"body={json.dumps(case.body, default=str)[:300]}",
                        dict(case.query or {}),
                    )
                )
        if case.method.upper() != "GET" and response.status_code < 300:
            world.repair()

    for op in ops:
        fixed = {
            name: world.path_value(op.path, name)
            for name in (p.name for p in op.path_parameters)
            if world.path_value(op.path, name) is not None
        }
        has_input = len(op.query) > 0 or len(op.body) > 0
        # with the path fixed, an operation without query or body has one request to make,
        # and no invalid one
        modes = (
            (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            if has_input
            else (GenerationMode.POSITIVE,)
        )
        for mode in modes:
            strategy = op.as_strategy(generation_mode=mode, path_parameters=fixed)

            @settings(
                max_examples=examples if has_input else 1,
                deadline=None,
                database=None,
                derandomize=derandomize,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=True,
            )
            @given(case=strategy)
            def one(case) -> None:
                exercise(case)

            try:
                one()
            except Unsatisfiable:  # no invalid request exists for this operation's input
                report.unsatisfiable.append(f"{op.method.upper()} {op.path} {mode.value}")
    return report


def examples_per_operation(long: bool) -> int:
    if os.environ.get("CONTRACT_FUZZ_EXAMPLES"):
        return int(os.environ["CONTRACT_FUZZ_EXAMPLES"])
    return 40 if long else 2
