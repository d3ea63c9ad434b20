"""Function variables (environment) read as typed settings, with clear configuration errors.

    limit = int_setting("PUBLISH_BATCH_LIMIT", default=50, minimum=1, maximum=1000)

An unset or blank variable gives the default; anything that is not a whole number in
range raises `ConfigurationError` (a 500 whose log line names the variable: a wrongly
configured deployment must fail loudly, not quietly run with another value).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import ConfigurationError


def int_setting(
    name: str,
    *,
    default: int,
    minimum: int,
    maximum: int,
    env: Mapping[str, str] | None = None,
) -> int:
    """The whole number in variable `name` (default when unset or blank), within
    [minimum, maximum]."""
    env = os.environ if env is None else env
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise ConfigurationError(
            f"Variable {name} must be a whole number, not {raw[:40]!r}."
        ) from None
    if not minimum <= value <= maximum:
        raise ConfigurationError(
            f"Variable {name} must be between {minimum} and {maximum}, not {value}."
        )
    return value
