"""Atomic update operators (`Operator.increment(1)` → `{"method":"increment","values":[1]}`), pure.

Appwrite decodes any string value of an update whose JSON names a known operator
method and applies it to the stored value (reference §4.4). Bounded numeric operators
cap at their limit, as utopia-php/database does.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from emulator.core import strictjson
from emulator.core.clock import iso, parse_datetime

NUMERIC = {"increment", "decrement", "multiply", "divide", "modulo", "power"}
ARRAY = {
    "arrayAppend",
    "arrayPrepend",
    "arrayInsert",
    "arrayRemove",
    "arrayUnique",
    "arrayIntersect",
    "arrayDiff",
    "arrayFilter",
}
STRING = {"stringConcat", "stringReplace"}
DATE = {"dateAddDays", "dateSubDays", "dateSetNow"}
METHODS = NUMERIC | ARRAY | STRING | DATE | {"toggle"}


class OperatorInvalid(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def decode(value: object) -> tuple[str, list] | None:
    """`(method, values)` when `value` is an operator string, else None."""
    if not isinstance(value, str) or not value.startswith("{"):
        return None
    try:
        data = strictjson.loads(value, constants=True)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("method") not in METHODS:
        return None
    values = data.get("values", [])
    if not isinstance(values, list):
        raise OperatorInvalid("values must be an array")
    return data["method"], values


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise OperatorInvalid(f"{what} must be a finite number")
    return value


def apply(method: str, values: list, current: object, spec: dict) -> object:
    """The new value of a column after the operator; raises `OperatorInvalid`."""
    kind, is_array = spec["type"], spec.get("array", False)
    if method in NUMERIC:
        if kind not in ("integer", "bigint", "double") or is_array:
            raise OperatorInvalid(f"{method} requires a numeric column")
        return _numeric(method, values, current, kind)
    if method in ARRAY:
        if not is_array:
            raise OperatorInvalid(f"{method} requires an array column")
        return _array(method, values, list(current or []))
    if method in STRING:
        if kind not in ("varchar", "string", "text", "mediumtext", "longtext") or is_array:
            raise OperatorInvalid(f"{method} requires a string column")
        text = current or ""
        if method == "stringConcat":
            if len(values) != 1 or not isinstance(values[0], str):
                raise OperatorInvalid("stringConcat takes one string")
            return text + values[0]
        if len(values) != 2 or not all(isinstance(v, str) for v in values):
            raise OperatorInvalid("stringReplace takes a search and a replacement string")
        return text.replace(values[0], values[1])
    if method == "toggle":
        if kind != "boolean" or is_array:
            raise OperatorInvalid("toggle requires a boolean column")
        return not bool(current)
    if kind != "datetime" or is_array:
        raise OperatorInvalid(f"{method} requires a datetime column")
    if method == "dateSetNow":
        return iso(datetime.now(UTC))
    if len(values) != 1 or isinstance(values[0], bool) or not isinstance(values[0], int):
        raise OperatorInvalid(f"{method} takes a whole number of days")
    base = parse_datetime(current) if current else None
    if base is None:
        raise OperatorInvalid(f"{method} needs a stored date")
    days = values[0] if method == "dateAddDays" else -values[0]
    return iso(base + timedelta(days=days))


def _numeric(method: str, values: list, current: object, kind: str) -> object:
    if method in ("increment", "decrement") and not values:
        values = [1]
    if not 1 <= len(values) <= (1 if method == "modulo" else 2):
        raise OperatorInvalid(f"{method} takes an operand and an optional limit")
    operand = _number(values[0], "operand")
    limit = _number(values[1], "limit") if len(values) == 2 and values[1] is not None else None
    base = current or 0
    if method in ("divide", "modulo") and operand == 0:
        raise OperatorInvalid("division by zero")
    result = {
        "increment": lambda: base + operand,
        "decrement": lambda: base - operand,
        "multiply": lambda: base * operand,
        "divide": lambda: base / operand,
        "modulo": lambda: math.fmod(base, operand),
        "power": lambda: base**operand,
    }[method]()
    if limit is not None:
        result = max(result, limit) if method in ("decrement", "divide") else min(result, limit)
    if kind in ("integer", "bigint") and isinstance(result, float) and result.is_integer():
        result = int(result)
    return result


def _array(method: str, values: list, items: list) -> list:
    if method == "arrayAppend":
        return items + values
    if method == "arrayPrepend":
        return values + items
    if method == "arrayInsert":
        if len(values) != 2 or isinstance(values[0], bool) or not isinstance(values[0], int):
            raise OperatorInvalid("arrayInsert takes an index and a value")
        index, value = values
        if not 0 <= index <= len(items):
            raise OperatorInvalid("index out of range")
        return items[:index] + [value] + items[index:]
    if method == "arrayRemove":
        if len(values) != 1:
            raise OperatorInvalid("arrayRemove takes one value")
        return [item for item in items if item != values[0]]
    if method == "arrayUnique":
        unique = []
        for item in items:
            if item not in unique:
                unique.append(item)
        return unique
    if method == "arrayIntersect":
        return [item for item in items if item in values]
    if method == "arrayDiff":
        return [item for item in items if item not in values]
    return _filter(values, items)


_CONDITIONS = {
    "equal": lambda a, b: a == b,
    "notEqual": lambda a, b: a != b,
    "greaterThan": lambda a, b: a > b,
    "greaterThanEqual": lambda a, b: a >= b,
    "lessThan": lambda a, b: a < b,
    "lessThanEqual": lambda a, b: a <= b,
    "contains": lambda a, b: isinstance(a, str) and isinstance(b, str) and b in a,
    "isNull": lambda a, b: a is None,
    "isNotNull": lambda a, b: a is not None,
}


def _filter(values: list, items: list) -> list:
    if not values or values[0] not in _CONDITIONS:
        raise OperatorInvalid(f"arrayFilter condition must be one of: {', '.join(_CONDITIONS)}")
    test = _CONDITIONS[values[0]]
    operand = values[1] if len(values) > 1 else None
    try:
        return [item for item in items if test(item, operand)]
    except TypeError:
        raise OperatorInvalid("arrayFilter value does not compare with the array's items") from None
