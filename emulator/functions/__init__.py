"""Function executions: HTTP (REST and the function's own URL), events, cron.

`Functions` runs the manifest's functions in worker processes and stores executions;
`emulator.api.functions` exposes them over the Appwrite REST API; `hooks.publish` is how
API writes fan out as events.
"""

from .service import Functions, Invocation

__all__ = ["Functions", "Invocation"]
