"""Databases: databases → tables → rows, with columns and indexes; filter with Appwrite's
query language (the API's own parser validates it), sort, paginate; a row as JSON with its
`$permissions`; create, edit and delete rows as the admin — through the REST API, so each
write fires its events like any other."""

from __future__ import annotations

import ast
import json
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response

from .api import APIError
from .base import Console, action, back, page

PAGE_SIZE = 25


class FilterError(ValueError):
    pass


def query_lines(text: str) -> list[str]:
    """The filter box: one query per line, as the SDK sends it (JSON:
    `{"method":"equal","attribute":"status","values":["draft"]}`) or in the SDK's call form
    (`equal("status", ["draft"])`, `greaterThan("wordCount", 100)`, `isNull("teamId")`),
    which is rewritten to that JSON. The API parses and validates the JSON, as for any
    client."""
    queries = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        queries.append(line if line.startswith("{") else json.dumps(_call_form(line)))
    return queries


def _call_form(line: str) -> dict:
    try:
        node = ast.parse(line, mode="eval").body
    except SyntaxError:
        raise FilterError(f"Not a query: {line}") from None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.keywords:
        raise FilterError(f'Not a query: {line} (write method("column", values))')
    method = node.func.id
    if method in ("and", "or"):
        return {"method": method, "values": [_call_form(ast.unparse(a)) for a in node.args]}
    try:
        args = [ast.literal_eval(a) for a in node.args]
    except ValueError:
        raise FilterError(f"Values must be literals: {line}") from None
    if method in ("limit", "offset", "cursorAfter", "cursorBefore"):
        return {"method": method, "values": args}
    if not args or not isinstance(args[0], str):
        raise FilterError(f"The first argument names a column: {line}")
    attribute, rest = args[0], args[1:]
    if method == "select":
        return {"method": method, "values": [attribute, *rest]}
    values = rest[0] if len(rest) == 1 and isinstance(rest[0], list) else rest
    return {"method": method, "attribute": attribute, "values": values}


def rows_path(database_id: str, table_id: str) -> str:
    return f"/tablesdb/{quote(database_id)}/tables/{quote(table_id)}/rows"


def table_url(database_id: str, table_id: str) -> str:
    return f"/console/databases/{quote(database_id)}/{quote(table_id)}"


@page
async def databases(request: Request, console: Console) -> Response:
    found = []
    for database in (await console.api.get("/tablesdb"))["databases"]:
        tables = await console.api.get(f"/tablesdb/{quote(database['$id'])}/tables")
        found.append((database, tables["tables"]))
    return await console.render(request, "databases.html", "databases", databases=found)


@page
async def table(request: Request, console: Console) -> Response:
    database_id = request.path_params["databaseId"]
    table_id = request.path_params["tableId"]
    meta = await console.api.get(f"/tablesdb/{quote(database_id)}/tables/{quote(table_id)}")
    args = request.query_params
    filter_text = args.get("filter", "")
    order = args.get("order", "$sequence")
    direction = "desc" if args.get("dir") == "desc" else "asc"
    page_number = max(1, int(args.get("page", "1")) if args.get("page", "1").isdigit() else 1)
    error, rows, total, sent = args.get("error", ""), [], 0, []
    try:
        sent = query_lines(filter_text)
        method = "orderDesc" if direction == "desc" else "orderAsc"
        paging = [
            json.dumps({"method": method, "attribute": order}),
            json.dumps({"method": "limit", "values": [PAGE_SIZE]}),
            json.dumps({"method": "offset", "values": [(page_number - 1) * PAGE_SIZE]}),
        ]
        listed = await console.api.get(rows_path(database_id, table_id), queries=sent + paging)
        rows, total = listed["rows"], listed["total"]
    except (FilterError, APIError) as e:
        error = str(e)
    columns = [c["key"] for c in meta["columns"] if c.get("status", "available") == "available"]
    base = {"filter": filter_text, "order": order, "dir": direction}
    pages = max(1, -(-total // PAGE_SIZE))
    return await console.render(
        request,
        "table.html",
        "databases",
        database_id=database_id,
        meta=meta,
        columns=columns,
        rows=rows,
        total=total,
        filter_text=filter_text,
        sent=sent,
        order=order,
        direction=direction,
        page=page_number,
        pages=pages,
        link=lambda **change: "?" + urlencode(base | change),
        error=error,
        notice=args.get("notice", ""),
        table_url=table_url(database_id, table_id),
        blank=json.dumps(dict.fromkeys(columns), indent=2),
    )


def _data_part(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("$")}


@page
async def row(request: Request, console: Console) -> Response:
    database_id = request.path_params["databaseId"]
    table_id = request.path_params["tableId"]
    row_id = request.path_params["rowId"]
    found = await console.api.get(f"{rows_path(database_id, table_id)}/{quote(row_id)}")
    return await console.render(
        request,
        "row.html",
        "databases",
        database_id=database_id,
        table_id=table_id,
        row=found,
        as_json=json.dumps(found, indent=2, ensure_ascii=False),
        data_json=json.dumps(_data_part(found), indent=2, ensure_ascii=False),
        permissions="\n".join(found.get("$permissions", [])),
        table_url=table_url(database_id, table_id),
        error=request.query_params.get("error", ""),
        notice=request.query_params.get("notice", ""),
    )


def _parse_edit(form: dict) -> tuple[dict, list[str]]:
    try:
        data = json.loads(form.get("data", "") or "{}")
    except ValueError as e:
        raise FilterError(f"The data is not JSON: {e}") from None
    if not isinstance(data, dict):
        raise FilterError("The data must be a JSON object of column → value.")
    permissions = [p.strip() for p in form.get("permissions", "").splitlines() if p.strip()]
    return data, permissions


@action
async def create_row(request: Request, console: Console, form: dict) -> Response:
    database_id = request.path_params["databaseId"]
    table_id = request.path_params["tableId"]
    here = table_url(database_id, table_id)
    try:
        data, permissions = _parse_edit(form)
        created = await console.api.call(
            "POST",
            rows_path(database_id, table_id),
            json={
                "rowId": form.get("rowId", "").strip() or "unique()",
                "data": data,
                "permissions": permissions,
            },
        )
    except (FilterError, APIError) as e:
        return back(here, error=f"Not created: {e}")
    return back(f"{here}/rows/{quote(created['$id'])}", notice="Row created.")


@action
async def update_row(request: Request, console: Console, form: dict) -> Response:
    database_id = request.path_params["databaseId"]
    table_id = request.path_params["tableId"]
    row_id = request.path_params["rowId"]
    here = f"{table_url(database_id, table_id)}/rows/{quote(row_id)}"
    try:
        data, permissions = _parse_edit(form)
        await console.api.call(
            "PATCH",
            f"{rows_path(database_id, table_id)}/{quote(row_id)}",
            json={"data": data, "permissions": permissions},
        )
    except (FilterError, APIError) as e:
        return back(here, error=f"Not saved: {e}")
    return back(here, notice="Row saved.")


@action
async def delete_row(request: Request, console: Console, form: dict) -> Response:
    database_id = request.path_params["databaseId"]
    table_id = request.path_params["tableId"]
    row_id = request.path_params["rowId"]
    try:
        await console.api.call("DELETE", f"{rows_path(database_id, table_id)}/{quote(row_id)}")
    except APIError as e:
        return back(f"{table_url(database_id, table_id)}/rows/{quote(row_id)}", error=str(e))
    return back(table_url(database_id, table_id), notice=f"Row {row_id} deleted.")
