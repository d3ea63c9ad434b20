"""Server rules for `functions[]` that a schema cannot express (Appwrite `Functions/Create.php`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.core.ids import ID_RULE, is_valid_id

from . import catalog
from ._walk import entries, is_number, strings, text
from .events import event_problem
from .problems import Problem, field_path
from .roles import role_problem


def function_problems(data: dict[str, Any]) -> list[Problem]:
    """Problems in every function entry, plus duplicate ids across them."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, function in entries(data, "functions"):

        def at(*keys: str | int, _i: int = index) -> str:
            return field_path(["functions", _i, *keys])

        function_id = text(function, "$id")
        if function_id is not None:
            if not is_valid_id(function_id):
                message = f"'{function_id}' is not a valid ID ({ID_RULE})"
                problems.append(Problem(at("$id"), message))
            if function_id in seen:
                message = (
                    f"duplicate function id '{function_id}' (also functions[{seen[function_id]}])"
                )
                problems.append(Problem(at("$id"), message))
            seen.setdefault(function_id, index)
        problems += _single_function(function, at)
    return problems


def _single_function(function: dict[str, Any], at: Any) -> list[Problem]:
    problems: list[Problem] = []
    runtime = text(function, "runtime")
    if runtime is not None and runtime not in catalog.PYTHON_RUNTIMES:
        known = ", ".join(sorted(catalog.PYTHON_RUNTIMES))
        message = f"unknown runtime '{runtime}'; the emulator runs Python runtimes: {known}"
        problems.append(Problem(at("runtime"), message))
    for key, why in (
        ("path", "the folder deployed as the function; needed to run it"),
        ("entrypoint", "the file Appwrite loads, relative to 'path'; needed for a deployment"),
    ):
        if key not in function:
            problems.append(Problem(at(key), f"is required ({why})"))
    problems += _limited_list(function, "execute", catalog.MAX_EXECUTE_ROLES, at)
    for index, role in strings(function, "execute"):
        if len(role) > catalog.MAX_ROLE_LENGTH:
            message = f"a role is at most {catalog.MAX_ROLE_LENGTH} chars"
            problems.append(Problem(at("execute", index), message))
        elif (problem := role_problem(role)) is not None:
            problems.append(Problem(at("execute", index), problem))
    problems += _limited_list(function, "events", catalog.MAX_EVENTS, at)
    for index, event in strings(function, "events"):
        if (problem := event_problem(event)) is not None:
            problems.append(Problem(at("events", index), problem))
    schedule = text(function, "schedule")
    if schedule and (problem := cron_problem(schedule)) is not None:
        problems.append(Problem(at("schedule"), problem))
    timeout = function.get("timeout")
    limit = catalog.MAX_TIMEOUT
    if is_number(timeout) and not (float(timeout).is_integer() and 1 <= timeout <= limit):
        message = f"must be a whole number of seconds from 1 to {limit}, not {timeout}"
        problems.append(Problem(at("timeout"), message))
    problems += _limited_list(function, "scopes", catalog.MAX_SCOPES, at)
    for index, scope in strings(function, "scopes"):
        if scope not in catalog.SCOPES:
            problems.append(Problem(at("scopes", index), f"unknown scope '{scope}'"))
    for key in ("buildSpecification", "runtimeSpecification"):
        spec = text(function, key)
        if spec is not None and spec not in catalog.SPECIFICATIONS:
            known = ", ".join(sorted(catalog.SPECIFICATIONS))
            message = f"unknown specification '{spec}' (known: {known})"
            problems.append(Problem(at(key), message))
    retention = function.get("deploymentRetention")
    if is_number(retention) and not (float(retention).is_integer() and retention >= 0):
        problems.append(
            Problem(at("deploymentRetention"), "must be a whole number of days, 0 or more")
        )
    return problems


def _limited_list(function: dict[str, Any], key: str, limit: int, at: Any) -> list[Problem]:
    items = function.get(key)
    if isinstance(items, list) and len(items) > limit:
        return [Problem(at(key), f"at most {limit} {key} are allowed, not {len(items)}")]
    return []


def cron_problem(expression: str) -> str | None:
    """Why `expression` is not a 5-field cron schedule (UTC) the scheduler can run, or None."""
    fields = expression.split()
    if expression.strip().startswith("@"):
        return (
            f"'{expression}': write the 5-field form (e.g. '0 0 * * *' for @daily); "
            "macros are not supported"
        )
    if len(fields) != 5:
        return (
            f"'{expression}' has {len(fields)} fields; a schedule has 5 "
            "(minute hour day-of-month month day-of-week, UTC)"
        )
    from cronsim import CronSim, CronSimError  # deferred: only needed when a schedule is present

    try:
        next(CronSim(expression, datetime(2000, 1, 1, tzinfo=UTC)))
    except (CronSimError, StopIteration) as error:
        return f"'{expression}' is not a valid cron expression: {error or 'it never fires'}"
    return None
