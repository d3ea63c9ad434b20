"""Bucket routes (`/storage/buckets…`): API keys only (scopes buckets.read/buckets.write).

Create and update take Appwrite's parameters and defaults: an update resets every setting
it is not given to its default, except `permissions`, which are kept when absent.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from emulator.core import permissions as perms
from emulator.core.callers import require_scope
from emulator.http import listing
from emulator.http import params as p
from emulator.http.responses import json_response, no_content
from emulator.services.identity.callers import caller
from emulator.services.storage.backend import (
    BUCKET_DEFAULTS,
    COMPRESSIONS,
    STORAGE_LIMIT,
    publish,
    service,
)
from emulator.triggers import events

BUCKET_ATTRIBUTES = (
    "enabled",
    "name",
    "fileSecurity",
    "maximumFileSize",
    "encryption",
    "antivirus",
    "transformations",
)
BUCKET_TYPES = {
    "enabled": "boolean",
    "fileSecurity": "boolean",
    "encryption": "boolean",
    "antivirus": "boolean",
    "transformations": "boolean",
    "maximumFileSize": "integer",
}


def permissions_param(actions: tuple[str, ...], table_level: bool):
    """utopia's Permissions validator for `actions` (writes expanded as Appwrite aggregates)."""

    def check(value):
        if not isinstance(value, list):
            raise p.Invalid(
                "Value must a valid array no longer than 100 items and Permission must be a string"
            )
        try:
            return perms.normalize(value, actions, table_level=table_level)
        except perms.PermissionInvalid as exc:
            raise p.Invalid(exc.message) from None

    return check


def one_of(options: tuple[str, ...]):
    def check(value):
        if value not in options:
            raise p.Invalid(f"Value must be one of ({', '.join(options)})")
        return value

    return check


def _settings(args: p.Params) -> dict:
    """Every setting of a create/update: given, or Appwrite's default."""
    return {
        "fileSecurity": args.optional("fileSecurity", p.boolean, BUCKET_DEFAULTS["fileSecurity"]),
        "enabled": args.optional("enabled", p.boolean, True),
        "maximumFileSize": args.optional(
            "maximumFileSize", p.integer_range(1, STORAGE_LIMIT), STORAGE_LIMIT
        ),
        "allowedFileExtensions": args.optional(
            "allowedFileExtensions",
            p.array_of(p.text(64), 100, "Value must be a valid string and no longer than 64 chars"),
            [],
        ),
        "compression": args.optional("compression", one_of(COMPRESSIONS), "none"),
        "encryption": args.optional("encryption", p.boolean, True),
        "antivirus": args.optional("antivirus", p.boolean, True),
        "transformations": args.optional("transformations", p.boolean, True),
    }


BUCKET_PERMISSIONS = permissions_param(perms.TABLE_ACTIONS, table_level=True)


async def create_bucket(request: Request):
    require_scope(caller(request), "buckets.write")
    args = await p.params_of(request)
    bucket_id = args.required("bucketId", p.custom_id)
    name = args.required("name", p.text(128))
    settings = _settings(args)
    settings["$permissions"] = args.optional("permissions", BUCKET_PERMISSIONS, [])
    storage = service(request)
    bucket = storage.create_bucket(bucket_id, name, settings)
    model = storage.bucket_model(bucket)
    publish(request, events.BUCKET.format(action="create"), {"bucketId": bucket_id}, model)
    return json_response(model, 201)


async def list_buckets(request: Request):
    require_scope(caller(request), "buckets.read")
    args = await p.params_of(request)
    query = listing.parse(args.optional("queries", lambda v: v), BUCKET_ATTRIBUTES, BUCKET_TYPES)
    search = args.optional("search", p.text(256), "")
    count_total = args.optional("total", p.boolean, True)
    storage = service(request)
    buckets = storage.store.buckets()
    if search:
        buckets = [b for b in buckets if listing.fulltext_match(f"{b['$id']} {b['name']}", search)]
    total, page = listing.apply(buckets, query, cursor_label="Bucket", count_total=count_total)
    return json_response({"total": total, "buckets": [storage.bucket_model(b) for b in page]})


async def get_bucket(request: Request):
    require_scope(caller(request), "buckets.read")
    storage = service(request)
    bucket = storage.bucket(p.path_id(request, "bucketId"))
    return json_response(storage.bucket_model(bucket))


async def update_bucket(request: Request):
    require_scope(caller(request), "buckets.write")
    bucket_id = p.path_id(request, "bucketId")
    args = await p.params_of(request)
    name = args.required("name", p.text(128))
    settings = _settings(args)
    permissions = args.optional("permissions", BUCKET_PERMISSIONS)
    storage = service(request)
    bucket = storage.bucket(bucket_id)
    if permissions is not None:
        settings["$permissions"] = permissions
    bucket = storage.update_bucket(bucket, name, settings)
    model = storage.bucket_model(bucket)
    publish(request, events.BUCKET.format(action="update"), {"bucketId": bucket_id}, model)
    return json_response(model)


async def delete_bucket(request: Request):
    require_scope(caller(request), "buckets.write")
    storage = service(request)
    bucket = storage.bucket(p.path_id(request, "bucketId"))
    model = storage.bucket_model(bucket)
    storage.delete_bucket(bucket)
    publish(request, events.BUCKET.format(action="delete"), {"bucketId": bucket["$id"]}, model)
    return no_content()


def routes() -> list[Route]:
    base = "/storage/buckets"
    return [
        Route(base, list_buckets, methods=["GET"]),
        Route(base, create_bucket, methods=["POST"]),
        Route(f"{base}/{{bucketId}}", get_bucket, methods=["GET"]),
        Route(f"{base}/{{bucketId}}", update_bucket, methods=["PUT"]),
        Route(f"{base}/{{bucketId}}", delete_bucket, methods=["DELETE"]),
    ]
