"""A list of files SQLite pages alone (issue 13: nightly's walks of a large covers bucket)
answers exactly what the list filtered in Python answers: the same files, in the same order,
the same total — for every query the pushdown accepts, on real file records in a real SQLite
file. And the lists it must leave to Python (a cursor, a search, other attributes or
methods, values that are not text) are left to it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.core import clock
from emulator.core.errors import AppwriteError
from emulator.core.sqlite import Database
from emulator.http import listing
from emulator.services.storage.routes_files import (
    FILE_ATTRIBUTES,
    FILE_TYPES,
    _pushed_down,
    listed_by_sqlite,
)
from emulator.services.storage.store import Store

pytestmark = pytest.mark.sdk_free  # no SDK call: the SDK 27 pass of `make test` skips it

BUCKET = "covers"
START = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
# ids in an order that is not the order they are written in; some share a prefix, some
# differ only in case, digits sort before letters
IDS = [f"{p}{n}" for n in (7, 3, 11, 0, 5) for p in ("a", "B", "ab", "z9", "Z", "m.x", "m_x")]
MOMENTS = [clock.iso(START + dt.timedelta(minutes=7 * i % 23)) for i in range(len(IDS))]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = Database(tmp_path_factory.mktemp("files") / "emulator.sqlite")
    store = Store(db)
    store.insert_bucket({"$id": BUCKET, "name": BUCKET})
    for file_id, created, updated in zip(IDS, MOMENTS, reversed(MOMENTS), strict=True):
        store.insert_file(
            {
                "$id": file_id,
                "bucketId": BUCKET,
                "$createdAt": created,
                "$updatedAt": updated,
                "$permissions": [],
                "name": f"{file_id}.png",
                "mimeType": "image/png",
                "sizeOriginal": 10,
            }
        )
    store.insert_bucket({"$id": "other", "name": "other"})  # its files never show
    store.insert_file(
        {
            "$id": IDS[0],
            "bucketId": "other",
            "$createdAt": MOMENTS[0],
            "$updatedAt": MOMENTS[0],
            "$permissions": [],
            "name": "x.png",
        }
    )
    return store


def parsed(queries: list[dict]) -> listing.ListQuery:
    return listing.parse([json.dumps(q) for q in queries], FILE_ATTRIBUTES, FILE_TYPES)


def both(store, queries: list[dict], count_total: bool = True):
    query = parsed(queries)
    pushed = _pushed_down(query)
    assert pushed is not None, queries
    fast = listed_by_sqlite(store, BUCKET, query, pushed, count_total)
    slow = listing.apply(store.files(BUCKET), query, cursor_label="File", count_total=count_total)
    return fast, slow


VALUE = st.sampled_from(IDS) | st.sampled_from(["", "a", "m", "m.y", "zz", "A0", "~"])
MOMENT = st.sampled_from(MOMENTS) | st.sampled_from(
    ["2030-12-31T23:59:59.999+00:00", "2031-01-01T00:14:00.000+00:00", "2031-01-01T01:14+01:00"]
)
OPERATOR = st.sampled_from(["lessThan", "lessThanEqual", "greaterThan", "greaterThanEqual"])


@st.composite
def filters(draw):
    attribute = draw(st.sampled_from(["$id", "$createdAt", "$updatedAt"]))
    values = VALUE if attribute == "$id" else MOMENT
    if draw(st.booleans()):
        return {
            "method": "equal",
            "attribute": attribute,
            "values": draw(st.lists(values, min_size=1, max_size=4)),
        }
    return {"method": draw(OPERATOR), "attribute": attribute, "values": [draw(values)]}


@st.composite
def lists(draw):
    queries = draw(st.lists(filters(), max_size=3))
    order = draw(st.sampled_from([None, "orderAsc", "orderDesc"]))
    if order:
        attribute = draw(st.sampled_from(["$id", "$sequence"]))
        queries.append({"method": order, "attribute": attribute, "values": []})
    if draw(st.booleans()):
        queries.append({"method": "limit", "values": [draw(st.integers(1, 40))]})
    if draw(st.booleans()):
        queries.append({"method": "offset", "values": [draw(st.integers(0, 40))]})
    return queries


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries=lists(), count_total=st.booleans())
def test_sqlite_pages_a_list_as_python_filters_it(store, queries, count_total):
    (fast_total, fast), (slow_total, slow) = both(store, queries, count_total)
    assert [f["$id"] for f in fast] == [f["$id"] for f in slow]
    assert fast == slow
    assert fast_total == slow_total


def test_the_nightly_walks_shapes_are_pushed_down(store):
    """A page by id after a file, and the files updated since a moment (nightly's)."""
    walk = [
        {"method": "orderAsc", "attribute": "$id", "values": []},
        {"method": "greaterThan", "attribute": "$id", "values": ["m"]},
        {"method": "limit", "values": [5]},
    ]
    (_, fast), (_, slow) = both(store, walk)
    assert (
        [f["$id"] for f in fast]
        == sorted(i for i in IDS if i > "m")[:5]
        == [f["$id"] for f in slow]
    )
    since = [
        {"method": "greaterThanEqual", "attribute": "$updatedAt", "values": [MOMENTS[3]]},
        *walk,
    ]
    (total, fast), (_, slow) = both(store, since)
    assert fast == slow and total == len(
        [f for f in store.files(BUCKET) if f["$updatedAt"] >= MOMENTS[3] and f["$id"] > "m"]
    )


@pytest.mark.parametrize(
    "queries",
    [
        [{"method": "cursorAfter", "values": [IDS[0]]}],
        [{"method": "equal", "attribute": "name", "values": ["a7.png"]}],
        [{"method": "startsWith", "attribute": "$id", "values": ["a"]}],
        [{"method": "notEqual", "attribute": "$id", "values": ["a"]}],
        [{"method": "equal", "attribute": "$id", "values": [5]}],
        [{"method": "orderAsc", "attribute": "$createdAt", "values": []}],
        [
            {"method": "orderAsc", "attribute": "$id", "values": []},
            {"method": "orderAsc", "attribute": "$sequence", "values": []},
        ],
        [
            {
                "method": "or",
                "values": [
                    {"method": "equal", "attribute": "$id", "values": ["a7"]},
                    {"method": "equal", "attribute": "$id", "values": ["B7"]},
                ],
            }
        ],
    ],
)
def test_what_sqlite_cannot_answer_exactly_is_left_to_python(queries):
    assert _pushed_down(parsed(queries)) is None


def test_the_walks_read_through_indexes_not_the_whole_bucket(store):
    """A page by id after a file, the files updated (created) since a moment, the files of a
    list of ids: SQLite searches an index for each — a scan of a bucket of 100,000 covers is
    what this avoids — also when the list is in `$sequence` order."""
    plans = []
    for queries in (
        [{"method": "greaterThan", "attribute": "$id", "values": ["m"]}],
        [{"method": "greaterThanEqual", "attribute": "$updatedAt", "values": [MOMENTS[3]]}],
        [{"method": "lessThan", "attribute": "$createdAt", "values": [MOMENTS[3]]}],
        [{"method": "equal", "attribute": "$id", "values": IDS[:3]}],
    ):
        for order in ("$id", "$sequence"):
            where, column, _ = _pushed_down(
                parsed([*queries, {"method": "orderAsc", "attribute": order}])
            )
            sql, params = store._where(BUCKET, where)
            plan = store.db.query(
                "EXPLAIN QUERY PLAN SELECT seq, doc FROM storage_files "
                f"WHERE {sql} ORDER BY {column} LIMIT 100",
                params,
            )
            plans.append(" ".join(row["detail"] for row in plan))
    assert all("SEARCH storage_files USING INDEX" in plan for plan in plans), plans
    assert all("(bucket_id=?)" not in plan for plan in plans), plans  # not the whole bucket
    assert "storage_files_updated" in plans[2] and "storage_files_created" in plans[4]


@pytest.mark.parametrize("method", ["limit", "offset"])
def test_a_limit_or_offset_beyond_64_bits_is_refused_as_appwrite_refuses_it(method):
    """SQLite binds 64-bit integers only: 2**63 would be a 500 on the SQLite path. Appwrite's
    range validator refuses it first (400), as every list here does."""
    assert parsed([{"method": method, "values": [2**63 - 1]}])  # the largest taken
    with pytest.raises(AppwriteError) as refused:
        parsed([{"method": method, "values": [2**63]}])
    assert refused.value.type == "general_argument_invalid"
    assert "9,223,372,036,854,775,807" in refused.value.message
