"""Users, Teams and Account: who exists, who is calling, and what they may do.

`callers.py` resolves the caller of every request (key, session, JWT or guest) for every
service. Routes: `routes_users.py`, `routes_teams.py`, `routes_account.py`,
`routes_account_tokens.py`, `routes_outbox.py`. Model: `store.py` (SQLite), `operations.py`,
`models.py` (response shapes), `passwords.py`.
"""

from . import errors  # noqa: F401  (registers the service's error types)
