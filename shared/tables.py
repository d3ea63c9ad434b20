"""The ids of Newsroom's database, tables and Storage bucket, as `appwrite.json` declares
them: the one place a function names a table or a bucket.

    from ..shared.tables import ARTICLES, DATABASE_ID
    tables.get_row(DATABASE_ID, ARTICLES, row_id)

`tests/unit/test_shared_tables.py` checks these against `appwrite.json`.
"""

from __future__ import annotations

DATABASE_ID = "newsroom"
PROFILES = "profiles"
ARTICLES = "articles"
AUDIT_LOG = "audit_log"
DAILY_STATS = "daily_stats"

ALL = (PROFILES, ARTICLES, AUDIT_LOG, DAILY_STATS)

COVERS = "covers"  # the bucket of article covers (shared.covers)
BUCKETS = (COVERS,)
