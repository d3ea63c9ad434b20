"""Sample data for `serve --seed`: users (passwords printed), a team with an editor, and
articles in every state — created through the real API with the admin key, so their
events fire as they would for real writes."""

from __future__ import annotations

import datetime as dt

from emulator import clock

USERS = [
    ("alice", "alice@newsroom.test", "Alice Admin", "alice-password-1", ["admin"]),
    ("bob", "bob@newsroom.test", "Bob Editor", "bob-password-1", []),
    ("carol", "carol@newsroom.test", "Carol Writer", "carol-password-1", []),
]


def seed(stack) -> str:
    from appwrite.client import Client
    from appwrite.permission import Permission
    from appwrite.role import Role
    from appwrite.services.tables_db import TablesDB
    from appwrite.services.teams import Teams
    from appwrite.services.users import Users

    client = Client().set_endpoint(stack.endpoint).set_project(stack.project_id).set_key(stack.api_key)
    users, teams, tables = Users(client), Teams(client), TablesDB(client)
    if users.list()["total"]:
        return "seed: the project already has users; nothing added (use --reset to start over)"
    for user_id, email, name, password, labels in USERS:
        users.create(user_id, email=email, password=password, name=name)
        users.update_email_verification(user_id, True)
        if labels:
            users.update_labels(user_id, labels)
    teams.create("desk", "News desk")
    teams.create_membership("desk", ["owner"], user_id="carol")
    teams.create_membership("desk", ["editor"], user_id="bob")

    now = clock.now()
    team_read = Permission.read(Role.team("desk"))
    articles = [
        ("welcome", "Welcome to Newsroom", "published", "alice", None, now - dt.timedelta(days=2)),
        ("desk-style-guide", "The desk style guide", "published", "carol", "desk", now - dt.timedelta(days=1)),
        ("draft-election", "Election night plan", "draft", "carol", "desk", None),
        ("scheduled-launch", "Launch week schedule", "scheduled", "bob", None, None),
        ("archived-2025", "Looking back at 2025", "archived", "alice", None, now - dt.timedelta(days=200)),
    ]
    for row_id, title, status, author, team, published in articles:
        permissions = [Permission.read(Role.user(author)), Permission.update(Role.user(author)),
                       Permission.delete(Role.user(author)), Permission.read(Role.label("admin")),
                       Permission.update(Role.label("admin")), Permission.delete(Role.label("admin"))]
        if team:
            permissions += [team_read, Permission.update(Role.team(team, "editor")),
                            Permission.update(Role.team(team, "owner")), Permission.delete(Role.team(team, "owner"))]
        if status == "published":
            permissions.append(Permission.read(Role.any()))
        data = {"title": title, "body": f"{title}. " + "Sample text for the seeded article. " * 40,
                "authorId": author, "teamId": team, "status": status, "tags": ["sample"],
                "publishedAt": clock.iso(published) if published else None,
                "publishAt": clock.iso(now + dt.timedelta(minutes=30)) if status == "scheduled" else None}
        tables.create_row("newsroom", "articles", row_id, data, permissions)
    lines = ["seeded: users (email / password):"]
    lines += [f"  {email:<24} {password}{'  (admin)' if labels else ''}" for _, email, _, password, labels in USERS]
    lines.append("  team 'desk': carol (owner), bob (editor)")
    lines.append(f"  {len(articles)} articles: published, draft, scheduled, archived")
    return "\n".join(lines)
