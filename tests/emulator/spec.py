"""Validate emulator responses against Appwrite's server OpenAPI spec (reference/specs).

`SPEC.check(method, path, status, body)` finds the operation for a concrete path
(`/users/u1` → `/users/{userId}`), resolves its response schema for `status` and
validates `body` with jsonschema (OpenAPI 3.0 `nullable` turned into JSON Schema
null types, `$ref`s resolved inside the spec). A status the spec does not list
for the operation is an error too. `SPEC` is None when the spec file is absent;
`require_spec()` then skips the calling test with the reason.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
from typing import Any

import jsonschema
import pytest

SPEC_NAME = "appwrite-server-openapi3-1.9.3.json"
ROOT = pathlib.Path(__file__).resolve().parents[2]


def spec_path() -> pathlib.Path | None:
    """Appwrite's 1.9.3 OpenAPI document: in `$NEWSROOM_SPECS_DIR`, else in
    `../shared/reference/specs/` beside the repository (as CI lays it out); None if absent."""
    folders = [ROOT.parent / "shared" / "reference" / "specs"]
    if os.environ.get("NEWSROOM_SPECS_DIR"):
        folders.insert(0, pathlib.Path(os.environ["NEWSROOM_SPECS_DIR"]))
    return next((f / SPEC_NAME for f in folders if (f / SPEC_NAME).is_file()), None)


SPEC_PATH = spec_path() or ROOT.parent / "shared" / "reference" / "specs" / SPEC_NAME


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema (draft 7): `nullable` becomes a null type."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if not key.startswith("x-")}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        elif "$ref" in out:
            out = {"anyOf": [{"$ref": out.pop("$ref")}, {"type": "null"}], **out}
    if out.get("type") == "object" or (
        isinstance(out.get("type"), list) and "object" in out["type"]
    ):
        out.pop(
            "items", None
        )  # the spec puts oneOf model lists under `items` of objects (hashOptions)
    return out


def _responses(operation: dict) -> dict[str, dict | None]:
    """status → JSON schema of the body (None: empty). One path+method may serve several SDK
    methods (`x-appwrite.methods`, e.g. createRow and createRows); their models are all accepted."""
    schemas: dict[str, list[dict]] = {}
    for status, response in operation["responses"].items():
        content = response.get("content", {})
        # JSON when offered; else the one declared (createExecution declares multipart/form-data,
        # the binary-safe form the SDKs can ask for; its JSON answer has the same model).
        schema = (content.get("application/json") or next(iter(content.values()), {})).get("schema")
        schemas.setdefault(status, []).extend([schema] if schema else [])
    for variant in operation.get("x-appwrite", {}).get("methods") or []:
        for response in variant.get("responses", []):
            models = response.get("model") or []
            for model in models if isinstance(models, list) else [models]:
                schemas.setdefault(str(response["code"]), []).append({"$ref": model})
    result: dict[str, dict | None] = {}
    for status, options in schemas.items():
        unique = list({json.dumps(o, sort_keys=True): o for o in options}.values())
        result[status] = (
            None if not unique else unique[0] if len(unique) == 1 else {"anyOf": unique}
        )
    return result


class Spec:
    def __init__(self, document: dict):
        self.components = _json_schema(document["components"])
        # The spec types Error.code as a string, but Appwrite's body carries the integer status
        # (the model is emitted without casting; reference §3.2): accept both.
        self.components["schemas"]["error"]["properties"]["code"]["type"] = ["integer", "string"]
        self.operations: list[tuple[str, re.Pattern, str, dict]] = []
        self._validators: dict[str, jsonschema.Draft7Validator] = {}
        for template, item in document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    self.operations.append(
                        (method.upper(), pattern, template, _responses(operation))
                    )
        # literal templates before parameterised ones (`/users/argon2` before `/users/{userId}`)
        self.operations.sort(key=lambda op: op[2].count("{"))

    def _validator(self, schema_json: str) -> jsonschema.Draft7Validator:
        if schema_json not in self._validators:
            root = {**_json_schema(json.loads(schema_json)), "components": self.components}
            self._validators[schema_json] = jsonschema.Draft7Validator(root)
        return self._validators[schema_json]

    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        for op_method, pattern, template, responses in self.operations:
            if op_method == method.upper() and pattern.match(path):
                return template, responses
        return None

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        """Raise AssertionError unless `body` fits the spec's schema for this response."""
        path = path.split("?", 1)[0].removeprefix("/v1")
        found = self.operation(method, path)
        assert found is not None, f"{method} {path} is not in the spec"
        template, responses = found
        if status >= 400:
            schema: dict | None = {"$ref": "#/components/schemas/error"}
        else:
            assert str(status) in responses, (
                f"{method} {template}: status {status} not in spec {sorted(responses)}"
            )
            schema = responses[str(status)]
        if schema is None:
            assert body in (None, b"", ""), (
                f"{method} {template}: expected an empty body, got {body!r}"
            )
            return
        try:
            self._validator(json.dumps(schema, sort_keys=True)).validate(body)
        except jsonschema.ValidationError as exc:
            raise AssertionError(
                f"{method} {template} {status}: {exc.message} at {list(exc.absolute_path)}"
            ) from None


def _load() -> Spec | None:
    if not SPEC_PATH.exists():
        return None
    return Spec(json.loads(SPEC_PATH.read_text()))


SPEC = _load()


def require_spec() -> Spec:
    if SPEC is None:
        pytest.skip(
            f"Appwrite OpenAPI spec not found at {SPEC_PATH}; response-schema checks need it"
        )
    return SPEC
