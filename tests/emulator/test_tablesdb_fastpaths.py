"""The emulator's fast paths answer as the slow ones did (issue 13 item 6): a bulk create's
rows are built from the values written instead of read back, a short first page counts its
total without a second statement, and a response leaves in one write. Through the real SDK
(and, for the write, the real event loop)."""

from __future__ import annotations

import asyncio

import pytest
from appwrite.query import Query
from appwrite.services.tables_db import TablesDB

from emulator.http.coalesce import CoalescingTransport
from emulator.http.responses import json_body
from tests.emulator.tablesdb_support import ids, new_database, new_id, plain, total
from tests.emulator.test_tablesdb_rendered_lists import INT64, ROLES, SWEEP


@pytest.fixture(scope="module")
def db_id(emulator):
    return new_database(emulator, "fast", "Fast paths")


@pytest.fixture
def table(tdb, db_id):
    """A table with one column of each kind the bulk path converts; (database id, table id)."""
    table_id = new_id("t")
    t = (db_id, table_id)
    tdb.create_table(db_id, table_id, "Mixed", row_security=True)
    tdb.create_varchar_column(*t, "title", 20, True)
    tdb.create_integer_column(*t, "n", False, min=0, max=10, default=1)
    tdb.create_float_column(*t, "score", False)
    tdb.create_boolean_column(*t, "done", False)
    tdb.create_datetime_column(*t, "due", False)
    tdb.create_enum_column(*t, "status", ["draft", "live"], False)
    tdb.create_varchar_column(*t, "tags", 5, False, array=True)
    tdb.create_integer_column(*t, "counts", False, array=True)
    tdb.create_index(*t, "by_status", "key", ["status"])
    return t


MIXED = [
    {"$id": "a", "title": "A", "score": 2, "done": True, "due": "2026-03-01T12:00:00+02:00"},
    {"$id": "b", "title": "B", "n": 7, "score": 1.5, "done": False, "tags": ["x", "y"]},
    {"$id": "c", "title": "C", "status": "live", "counts": [3, 1], "$permissions": ['read("any")']},
    {"title": "D", "$createdAt": "2020-01-02T03:04:05.000+00:00"},
]


def test_bulk_create_answers_each_row_as_a_later_read_returns_it(tdb, table):
    created = plain(tdb.create_rows(*table, MIXED))
    assert created["total"] == 4
    assert [r["$id"] for r in created["rows"][:3]] == ["a", "b", "c"]
    for row in created["rows"]:
        assert row == plain(tdb.get_row(*table, row["$id"]))
    a, b, c, d = created["rows"]
    assert (a["n"], a["score"], a["done"], a["due"]) == (
        1,
        2,
        True,
        "2026-03-01T10:00:00.000+00:00",
    )
    assert (b["tags"], b["counts"], b["status"]) == (["x", "y"], [], None)
    assert (c["counts"], c["$permissions"]) == ([3, 1], ['read("any")'])
    assert d["$createdAt"] == "2020-01-02T03:04:05.000+00:00" and d["$updatedAt"] > "2026"
    sequences = [int(r["$sequence"]) for r in created["rows"]]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4


def test_bulk_created_permissions_are_applied(tdb, table, guest_client):
    tdb.create_rows(*table, MIXED)
    guest = TablesDB(guest_client)
    assert ids(guest.list_rows(*table)) == ["c"]  # row security: only the row readable by any
    assert plain(guest.get_row(*table, "c"))["title"] == "C"


def test_bulk_create_in_a_transaction_is_staged_then_applied(tdb, table):
    transaction = plain(tdb.create_transaction())["$id"]
    staged = plain(tdb.create_rows(*table, MIXED[:2], transaction_id=transaction))
    assert [r["$id"] for r in staged["rows"]] == ["a", "b"]
    assert total(tdb.list_rows(*table)) == 0
    tdb.update_transaction(transaction, commit=True)
    assert ids(tdb.list_rows(*table)) == ["a", "b"]
    assert plain(tdb.get_row(*table, "b"))["tags"] == ["x", "y"]


@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        ([], 30),  # 25 shown, 30 counted
        ([Query.limit(100)], 30),  # every row on the page: counted from it
        ([Query.equal("status", ["live"])], 10),
        ([Query.equal("status", ["live"]), Query.limit(5)], 10),
        ([Query.equal("status", ["live"]), Query.offset(8)], 10),  # 2 shown, 10 counted
        ([Query.equal("status", ["gone"])], 0),
        ([Query.equal("status", ["live"]), Query.limit(1)], 10),
    ],
)
def test_list_total_counts_every_match_whatever_the_page(tdb, table, queries, expected):
    rows = [
        {"$id": f"r{i:02d}", "title": f"T{i}", "status": "live" if i % 3 == 0 else "draft"}
        for i in range(30)
    ]
    tdb.create_rows(*table, rows)
    answer = plain(tdb.list_rows(*table, queries))
    assert answer["total"] == expected
    everything = plain(tdb.list_rows(*table, queries=[*queries[:1], Query.limit(1000)]))
    assert len(answer["rows"]) <= len(everything["rows"])


def test_list_total_after_a_cursor_counts_every_match(tdb, table):
    tdb.create_rows(*table, [{"$id": f"r{i}", "title": "t", "status": "live"} for i in range(4)])
    answer = plain(tdb.list_rows(*table, [Query.cursor_after("r1")]))
    assert [r["$id"] for r in answer["rows"]] == ["r2", "r3"] and answer["total"] == 4


class _Recorder:
    """The transport under a CoalescingTransport: records what it is asked to send."""

    def __init__(self):
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data):
        self.writes.append(bytes(data))

    def is_closing(self):
        return self.closed or self.aborted

    def close(self):
        self.closed = True

    def abort(self):
        self.aborted = True

    def get_write_buffer_size(self):
        return 0

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 1234)}.get(name, default)


def test_one_loop_step_of_writes_leaves_as_one_write_in_order():
    async def scenario():
        loop = asyncio.get_running_loop()
        inner = _Recorder()
        transport = CoalescingTransport(inner, loop)
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(b'{"a":1}')
        transport.write(b"")
        assert inner.writes == [] and transport.get_write_buffer_size() == 26
        await asyncio.sleep(0)
        assert inner.writes == [b'HTTP/1.1 200 OK\r\n\r\n{"a":1}']
        transport.write(b"chunk 1")  # a streamed response: one write per step
        await asyncio.sleep(0)
        transport.write(b"chunk 2")
        transport.close()  # closing sends what is pending first
        assert inner.writes[1:] == [b"chunk 1", b"chunk 2"] and inner.closed
        assert transport.get_extra_info("peername") == ("127.0.0.1", 1234)

        dropped = _Recorder()
        transport = CoalescingTransport(dropped, loop)
        transport.write(b"never sent")
        transport.abort()
        await asyncio.sleep(0)
        assert dropped.writes == [] and dropped.aborted

    asyncio.run(scenario())


def test_a_list_answers_each_row_as_get_row_does(tdb, table):
    """Lists build their row models straight from the stored records: the same keys, values
    and order as a read of each row, for every column kind, with a select, and backwards
    from a cursor."""
    tdb.create_rows(*table, MIXED)
    listed = plain(tdb.list_rows(*table))["rows"]
    assert len(listed) == 4
    for row in listed:
        read = plain(tdb.get_row(*table, row["$id"]))
        assert list(row.items()) == list(read.items())
    pick = [Query.select(["title", "counts", "$permissions"])]
    for row in plain(tdb.list_rows(*table, pick))["rows"]:
        assert row == plain(tdb.get_row(*table, row["$id"], pick))
        assert "score" not in row and row["title"]
    before = plain(tdb.list_rows(*table, [Query.cursor_before(listed[3]["$id"])]))["rows"]
    assert before == listed[:3]


def test_a_list_over_http_is_the_rows_as_get_row_answers_them(emulator, tdb, raw):
    """Bytes on the wire: the list's body against each row's `get_row`, re-encoded."""
    db_id = new_database(emulator, "rendered", "Rendered lists")
    table_id = new_id("t")
    t = (db_id, table_id)
    tdb.create_table(db_id, table_id, "Flat")
    tdb.create_text_column(*t, "body", False)
    tdb.create_integer_column(*t, "n", False, min=INT64[0], max=INT64[1])
    tdb.create_datetime_column(*t, "due", False)
    tdb.create_boolean_column(*t, "done", False)
    tdb.create_varchar_column(*t, "tags", 50, False, array=True)
    tdb.create_rows(
        *t,
        [
            {"$id": "sweep", "body": SWEEP, "n": INT64[1], "$permissions": ROLES, "done": True},
            {"$id": "plain", "body": "hi", "n": INT64[0], "due": "2026-03-01T12:00:00+02:00"},
            {"$id": "tagged", "done": False, "tags": ["é", '"q"', "\\u00e9"]},
            {"$id": "empty"},
        ],
    )
    path = f"tablesdb/{db_id}/tables/{table_id}/rows"
    listed = raw.request("GET", path)
    assert listed.status_code == 200
    models = [
        raw.request("GET", f"{path}/{i}").json() for i in ("sweep", "plain", "tagged", "empty")
    ]
    assert listed.content == json_body({"total": 4, "rows": models})
    assert listed.headers["content-type"] == "application/json; charset=UTF-8"
    before = raw.request(
        "GET", path, params={"queries[]": '{"method":"cursorBefore","values":["empty"]}'}
    )
    assert before.content == json_body({"total": 4, "rows": models[:3]})  # read backwards
    staged = plain(tdb.create_transaction())["$id"]
    tdb.create_row(*t, "new", {"body": "staged"}, transaction_id=staged)
    inside = raw.request("GET", path, params={"transactionId": staged})
    seen = inside.json()  # the staged row's dates are stamped at each read: compare the rest
    assert inside.content == json_body(seen)  # written as Python writes it
    assert seen["total"] == 5 and seen["rows"][:4] == models
    assert (seen["rows"][4]["$id"], seen["rows"][4]["body"]) == ("new", "staged")
    assert raw.request("GET", path).content == listed.content  # not applied outside it
    tdb.delete_transaction(staged)
