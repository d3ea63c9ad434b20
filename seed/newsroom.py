"""Newsroom's sample data for `python -m emulator serve --seed seed/newsroom.py` (what
`make run` does), made the way the product makes it: people sign up
through `accounts`, write and publish through `articles`, and the event functions
(`provision-profile`, `enrich-article`) run on those writes as they would in production.

Users (passwords printed), a team with an editor, and articles in every state.
"""

from __future__ import annotations

import datetime as dt

import httpx

from emulator.core import clock
from emulator.testclient import AppwriteTestClient

USERS = [
    # key, email, name, password, labels
    ("alice", "alice@newsroom.test", "Alice Admin", "alice-password-1", ["admin"]),
    ("bob", "bob@newsroom.test", "Bob Editor", "bob-password-1", []),
    ("carol", "carol@newsroom.test", "Carol Writer", "carol-password-1", []),
]
ARTICLES = [
    # author, title, team?, final status
    ("alice", "Welcome to Newsroom", False, "published"),
    ("carol", "The desk style guide", True, "published"),
    ("carol", "Election night plan", True, "draft"),
    ("bob", "Launch week schedule", False, "scheduled"),
    ("alice", "Looking back at 2025", False, "archived"),
]
BODY = (
    "Newsroom sample text. Reporters file stories, editors sharpen them, and the desk "
    "publishes on schedule. "
) * 12


class SeedError(RuntimeError):
    """A step of the seed failed; the message names it and what the function answered."""


def seed(client: AppwriteTestClient) -> str:
    """Make the sample data through `client`; returns what to print."""
    from appwrite.services.teams import Teams
    from appwrite.services.users import Users

    users = Users(client.admin_client())
    if users.list()["total"]:
        return "seed: the project already has users; nothing added (use --reset to start over)"
    ids: dict[str, str] = {}
    for key, email, name, password, labels in USERS:
        answer = _call(
            client.invoke_http(
                "accounts",
                "/signup",
                method="POST",
                json={"email": email, "password": password, "name": name},
            ),
            f"sign up {email}",
            201,
        )
        ids[key] = answer["user"]["$id"]
        users.update_email_verification(ids[key], True)
        if labels:
            users.update_labels(ids[key], labels)
    team = Teams(client.as_user(ids["carol"])).create("desk", "News desk")  # carol: owner
    Teams(client.admin_client()).create_membership(team["$id"], ["editor"], user_id=ids["bob"])

    publish_at = clock.iso(clock.now() + dt.timedelta(minutes=30)).replace("+00:00", "Z")
    for author, title, in_team, status in ARTICLES:
        user = ids[author]
        article = {"title": title, "body": BODY, "tags": ["sample"]}
        if in_team:
            article["teamId"] = team["$id"]
        if status == "scheduled":
            article["publishAt"] = publish_at
        created = _call(
            client.invoke_http("articles", "/articles", method="POST", json=article, user=user),
            f"create {title!r}",
            201,
        )
        steps = {"published": ["publish"], "archived": ["publish", "archive"]}.get(status, [])
        for step in steps:
            _call(
                client.invoke_http(
                    "articles", f"/articles/{created['$id']}/{step}", method="POST", user=user
                ),
                f"{step} {title!r}",
                200,
            )
    client.wait_for_executions()
    lines = ["seeded (through the accounts and articles functions): users (email / password):"]
    lines += [
        f"  {email:<24} {password}{'  (site admin)' if labels else ''}"
        for _, email, _, password, labels in USERS
    ]
    lines.append("  team 'desk': carol (owner), bob (editor)")
    lines.append(
        f"  {len(ARTICLES)} articles: published, draft, scheduled (in 30 minutes), archived"
    )
    return "\n".join(lines)


def _call(response: httpx.Response, what: str, expected: int) -> dict:
    if response.status_code != expected:
        raise SeedError(f"seed: {what} answered {response.status_code}: {response.text[:500]}")
    return response.json()
