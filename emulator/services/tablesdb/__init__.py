"""TablesDB: databases, tables, columns, indexes, rows and transactions on SQLite.

Routes: `routes.py` (databases, tables, columns, indexes), `routes_rows.py`,
`routes_transactions.py`. Model: `registry.py` (schema; one real SQLite table per Appwrite
table), `rows.py`, `columns.py`, `operators.py`, `transactions.py`. `backend.py` is what the
routes share; `provision.py` creates what appwrite.json declares.
"""

from . import errors  # noqa: F401  (registers the service's error types)
