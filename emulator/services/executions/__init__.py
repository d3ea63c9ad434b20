"""Function executions: HTTP (REST and the function's own domain), events and cron.

Model: `model.py` (`Execution`, `Invocation`, kinds), `records.py` (SQLite). Running:
`runner.py` (deployments, workers, the queue), `headers.py` (what Appwrite adds per trigger),
`fanout.py` (writes → event executions, loop detection), `schedules.py` (cron and
`scheduledAt`). HTTP: `routes.py` (the REST API), `domains.py` (function URLs).
"""

from . import errors  # noqa: F401  (registers the service's error types)
