"""Column definitions and row-value rules of TablesDB (pure).

A column is stored as a spec dict (`key`, `type`, `size`, `required`, `array`,
`default`, `min`, `max`, `format`, `elements`, `encrypt`). This module builds specs
from create/update parameters, renders Appwrite's column models, computes the row
width of §7.3, and validates row values with utopia's Structure messages.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from urllib.parse import urlsplit

from emulator.core.clock import DATETIME_RANGE_TEXT, canonical_datetime
from emulator.core.errors import AppwriteError

INT_MIN, INT_MAX = -9223372036854775808, 9223372036854775807
INT32_MAX = 2147483647
FLOAT_MAX = 1.7976931348623157e308
VARCHAR_MAX = 16381
ROW_WIDTH_LIMIT = 65535
ROW_WIDTH_BASE = 1067
ENCRYPT_SIZE_MIN = 150  # APP_DATABASE_ENCRYPT_SIZE_MIN
TEXT_SIZES = {"text": 65535, "mediumtext": 16777215, "longtext": 4294967295}
FORMAT_SIZES = {"email": 254, "url": 2000, "ip": 39, "enum": 255}
STRING_TYPES = ("varchar", "string", "text", "mediumtext", "longtext")
INTEGER_TYPES = ("integer", "bigint")
NUMERIC_TYPES = ("integer", "bigint", "double")
# Route type path -> stored (wire) type and format.
CREATE_TYPES = {
    "varchar": ("varchar", ""),
    "string": ("string", ""),
    "text": ("text", ""),
    "mediumtext": ("mediumtext", ""),
    "longtext": ("longtext", ""),
    "integer": ("integer", ""),
    "bigint": ("bigint", ""),
    "float": ("double", ""),
    "boolean": ("boolean", ""),
    "datetime": ("datetime", ""),
    "email": ("string", "email"),
    "url": ("string", "url"),
    "ip": ("string", "ip"),
    "enum": ("string", "enum"),
}


def route_type(spec: dict) -> str:
    """The `…/columns/<type>` path segment a stored column belongs to."""
    if spec.get("format") in ("email", "url", "ip", "enum"):
        return spec["format"]
    return "float" if spec["type"] == "double" else spec["type"]


def sqlite_type(spec: dict) -> str:
    if spec.get("array"):
        return "TEXT"
    affinity = {"integer": "INTEGER", "bigint": "INTEGER", "double": "REAL", "boolean": "INTEGER"}
    return affinity.get(spec["type"], "TEXT")


def query_kind(spec: dict) -> str:
    if spec["type"] in INTEGER_TYPES:
        return "integer"
    return "string" if spec["type"] in STRING_TYPES else spec["type"]


def width(spec: dict) -> int:
    """Bytes a column costs in MariaDB's 65,535-byte row (utopia `getAttributeWidth`)."""
    if spec.get("array"):
        return 20
    kind, size = spec["type"], spec.get("size", 0)
    if kind in ("varchar", "string"):
        if kind == "string" and size > VARCHAR_MAX:
            return 20
        return 4 * size + (1 if size <= 255 else 2)
    if kind in TEXT_SIZES:
        return 20
    if kind in INTEGER_TYPES:
        return 8 if spec.get("size") == 8 else 4
    return {"double": 8, "boolean": 1, "datetime": 7}.get(kind, 20)


def row_width(specs: list[dict]) -> int:
    return ROW_WIDTH_BASE + sum(width(s) for s in specs)


# ---------------------------------------------------------------- building specs


def _number_text(value: float) -> str:
    """PHP `number_format($n)`: rounded, thousands separated."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{round(value):,}"


def build_spec(type_path: str, params: dict, existing: dict | None = None) -> dict:
    """A validated column spec from create (existing None) or update parameters.

    `params` holds already type-checked parameter values (`key`, `size`, `required`,
    `default`, `array`, `min`, `max`, `elements`, `encrypt`). Raises `AppwriteError`.
    """
    stored_type, fmt = CREATE_TYPES[type_path]
    if (
        existing is None
        and stored_type in ("varchar", "string")
        and params.get("encrypt")
        and (params.get("size") or 0) < ENCRYPT_SIZE_MIN
    ):
        raise AppwriteError(
            "general_bad_request",
            "Size too small. Encrypted strings require a minimum size of "
            f"{ENCRYPT_SIZE_MIN} characters.",
        )
    spec = (
        dict(existing)
        if existing
        else {
            "key": params["key"],
            "type": stored_type,
            "format": fmt,
            "array": bool(params.get("array") or False),
            "encrypt": bool(params.get("encrypt") or False),
        }
    )
    spec["required"] = bool(params["required"])
    default = params.get("default")
    if fmt:
        spec["size"] = FORMAT_SIZES[fmt]
    elif stored_type in ("varchar", "string"):
        size = params.get("size")
        spec["size"] = size if size is not None else spec.get("size")
    elif stored_type in TEXT_SIZES:
        spec["size"] = TEXT_SIZES[stored_type]
    if fmt == "enum":
        elements = params.get("elements")
        if elements is not None:
            if not elements:
                raise AppwriteError("column_value_invalid", "Enum elements must not be empty")
            spec["elements"] = list(dict.fromkeys(elements))
    if stored_type in NUMERIC_TYPES:
        low, high = (INT_MIN, INT_MAX) if stored_type in INTEGER_TYPES else (-FLOAT_MAX, FLOAT_MAX)
        minimum = (
            params.get("min")
            if params.get("min") is not None
            else (spec.get("min", low) if existing else low)
        )
        maximum = (
            params.get("max")
            if params.get("max") is not None
            else (spec.get("max", high) if existing else high)
        )
        if stored_type == "double":
            minimum, maximum = float(minimum), float(maximum)
        if minimum > maximum:
            raise AppwriteError(
                "column_value_invalid", "Minimum value must be lesser than maximum value"
            )
        spec["min"], spec["max"] = minimum, maximum
        if stored_type in INTEGER_TYPES:
            spec["size"] = 8 if maximum > INT32_MAX or stored_type == "bigint" else 4
    if default is not None:
        if spec["required"]:
            raise AppwriteError(
                "column_default_unsupported", "Cannot set default value for required column"
            )
        if spec["array"]:
            raise AppwriteError(
                "column_default_unsupported", "Cannot set default value for array columns"
            )
        problem = value_problem(spec, default)
        if problem:
            if fmt == "enum" and isinstance(default, str):
                problem = "Default value not found in elements"
            raise AppwriteError("column_value_invalid", problem)
        if stored_type == "datetime":
            default = canonical_datetime(default)
        if stored_type == "double":
            default = float(default)
    spec["default"] = default
    return spec


# ---------------------------------------------------------------- models


def column_model(spec: dict, created: str, updated: str) -> dict:
    """Appwrite's Column<Type> model for a spec (status always `available`)."""
    model = {
        "key": spec["key"],
        "type": spec["type"],
        "status": "available",
        "error": "",
        "required": spec["required"],
        "array": spec.get("array", False),
        "$createdAt": created,
        "$updatedAt": updated,
    }
    kind, fmt = spec["type"], spec.get("format")
    if kind in ("varchar", "string") and not fmt:
        model["size"] = spec["size"]
    if kind in STRING_TYPES:
        model["encrypt"] = spec.get("encrypt", False)
    if kind in NUMERIC_TYPES:
        model["min"], model["max"] = spec["min"], spec["max"]
    if kind == "datetime":
        model["format"] = "datetime"
    if fmt:
        model["format"] = fmt
    if fmt == "enum":
        model["elements"] = spec["elements"]
    model["default"] = spec.get("default")
    return model


# ---------------------------------------------------------------- row values


_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def _valid_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and " " not in value


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _integer_range(spec: dict) -> tuple[int, int, int]:
    """(bits, lowest, highest) of an integer column: 64-bit when its size is 8, else 32."""
    if spec.get("size") == 8:
        return 64, INT_MIN, INT_MAX
    return 32, -INT32_MAX - 1, INT32_MAX


def _type_problem(spec: dict, value: object) -> str | None:
    """The type validator's description when `value` fails it (scalar value)."""
    kind = spec["type"]
    if kind in ("varchar", "string"):
        if not isinstance(value, str) or len(value) > spec["size"]:
            return f"Value must be a valid string and no longer than {spec['size']} chars"
    elif kind in TEXT_SIZES:
        if not isinstance(value, str) or len(value.encode("utf-8")) > TEXT_SIZES[kind]:
            return f"Value must be a valid string and no longer than {TEXT_SIZES[kind]} bytes"
    elif kind in INTEGER_TYPES:
        bits, low, high = _integer_range(spec)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            return f"Value must be a valid signed {bits}-bit integer between {low:,} and {high:,}"
    elif kind == "double":
        if (
            not isinstance(value, (int, float))
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            return "Value must be a valid float"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "Value must be a valid boolean"
    elif kind == "datetime" and canonical_datetime(value) is None:
        return DATETIME_RANGE_TEXT
    return None


def _format_problem(spec: dict, value: object) -> str | None:
    fmt, kind = spec.get("format"), spec["type"]
    if fmt == "email" and not _EMAIL.match(value):
        return "Value must be a valid email address"
    if fmt == "url" and not _valid_url(value):
        return "Value must be a valid URL"
    if fmt == "ip" and not _valid_ip(value):
        return "Value must be a valid IP address"
    if fmt == "enum" and value not in spec.get("elements", []):
        return f"Value must be one of ({', '.join(spec.get('elements', []))})"
    if kind in NUMERIC_TYPES and not spec["min"] <= value <= spec["max"]:
        return (
            f"Value must be a valid range between {_number_text(spec['min'])} "
            f"and {_number_text(spec['max'])}"
        )
    return None


def value_problem(spec: dict, value: object) -> str | None:
    """Validator description for a scalar value that the column rejects, else None."""
    return _type_problem(spec, value) or _format_problem(spec, value)


def structure_problem(spec: dict, value: object) -> str | None:
    """utopia Structure detail (without the `Invalid document structure: ` prefix) or None."""
    key = spec["key"]
    label = "format" if spec.get("format") or spec["type"] in NUMERIC_TYPES else "type"
    if spec.get("array"):
        if value is None:
            return None
        if not isinstance(value, list):
            return f'Attribute "{key}" must be an array'
        for index, element in enumerate(value):
            problem, which = _type_problem(spec, element), "type"
            if problem is None:
                problem, which = _format_problem(spec, element), label
            if problem:
                return f"Attribute \"{key}['{index}']\" has invalid {which}. {problem}"
        return None
    if value is None:
        return None
    problem = _type_problem(spec, value)
    if problem:
        return f'Attribute "{key}" has invalid type. {problem}'
    problem = _format_problem(spec, value)
    if problem:
        return f'Attribute "{key}" has invalid {label}. {problem}'
    return None


def quick_accept(spec: dict):
    """A cheap test that is True only for values `structure_problem` accepts (the common
    case of a bulk write: a plain str, int, float or bool within the column's limits), or
    None for columns it does not cover. A value it does not accept still gets the full
    check, which gives the reason; so it never changes an answer, only its cost."""
    if spec.get("array") or spec.get("format"):
        return None
    kind = spec["type"]
    if kind in ("varchar", "string"):
        size = spec["size"]
        return lambda v: type(v) is str and len(v) <= size
    if kind in INTEGER_TYPES:
        _, low, high = _integer_range(spec)
        low, high = max(low, spec["min"]), min(high, spec["max"])
        return lambda v: type(v) is int and low <= v <= high
    if kind == "double":
        low, high = spec["min"], spec["max"]
        return lambda v: type(v) is float and math.isfinite(v) and low <= v <= high
    if kind == "boolean":
        return lambda v: type(v) is bool
    return None


def to_sql(spec: dict, value: object) -> object:
    """A validated JSON value as stored in the row's SQLite column."""

    if value is None:
        return None
    if spec.get("array"):
        return json.dumps([_scalar_to_sql(spec, v) for v in value], ensure_ascii=False)
    return _scalar_to_sql(spec, value)


def sql_encoder(spec: dict):
    """`to_sql` for this column, or None where it keeps every value as it is (a plain
    varchar, text, integer, enum… column: what a bulk write's rows mostly hold)."""
    if spec.get("array") or spec["type"] in ("boolean", "datetime", "double"):
        return lambda value: to_sql(spec, value)
    return None


def _scalar_to_sql(spec: dict, value: object) -> object:
    kind = spec["type"]
    if kind == "boolean":
        return bool(value) if spec.get("array") else int(bool(value))
    if kind == "datetime":
        return canonical_datetime(value)
    if kind == "double":
        return float(value)
    return value


def from_sql(spec: dict, stored: object) -> object:
    """A stored SQLite value as Appwrite emits it (arrays `[]` when unset, floats without `.0`)."""

    if spec.get("array"):
        values = json.loads(stored) if stored is not None else []
        return [_scalar_from_sql(spec, v) for v in values]
    return None if stored is None else _scalar_from_sql(spec, stored)


def decoder(spec: dict):
    """`from_sql` for one column as a function of the stored value, or None when it returns
    the stored value unchanged (most columns: strings, integers, datetimes)."""
    if spec.get("array") or spec["type"] in ("boolean", "double"):
        return lambda stored: from_sql(spec, stored)
    return None


def json_sql(spec: dict, column: str) -> str | None:
    """SQL that has SQLite write the stored value of this column (`column`, quoted) as JSON
    exactly as `from_sql`'s result encodes: arrays (`[]` when unset) through `json()`,
    booleans as `true`/`false`, everything else as it is stored. None for doubles and their
    arrays: `from_sql` writes `2.0` as `2`, SQLite's `json_object` would not."""
    if spec["type"] == "double":
        return None
    if spec.get("array"):
        return f"json(coalesce({column}, '[]'))"
    if spec["type"] == "boolean":
        return (
            f"json(CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 'true' ELSE 'false' END)"
        )
    return column


def _scalar_from_sql(spec: dict, value: object) -> object:
    kind = spec["type"]
    if kind == "boolean":
        return bool(value)
    if kind == "double":
        return (
            int(value)
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**53
            else value
        )
    return value


def inline_definition(obj: object) -> tuple[str, dict]:
    """A column object from `create_table(columns=…)` or appwrite.json → (route type, params)."""
    if not isinstance(obj, dict):
        raise AppwriteError(
            "general_argument_invalid", "Invalid `columns` param: Value must be a valid object"
        )
    kind = obj.get("type")
    fmt = obj.get("format") or ""
    if kind == "string" and fmt in ("email", "url", "ip", "enum"):
        kind = fmt
    elif kind == "double":
        kind = "float"
    if kind not in CREATE_TYPES:
        raise AppwriteError("column_type_invalid", f"Column type '{kind}' is not supported.")
    params = {
        name: obj.get(name)
        for name in ("key", "size", "default", "min", "max", "elements", "encrypt", "array")
    }
    params["required"] = bool(obj.get("required", False))
    return kind, params
