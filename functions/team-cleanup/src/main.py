"""Team clean-up (event `teams.*.delete`, and a sweep every hour).

A deleted team's id can be created again by anyone (team ids are chosen by clients), so
nothing may keep granting access to a team that no longer exists. When a team is
deleted, this function takes it off its articles: `teamId` cleared, the team's read
permission removed from the row and from its cover, the article stays its author's
(stale.py). If a team with the same id
exists already again, only the articles older than it are the deleted team's.

The schedule repairs what a lost event left behind (sweep.py). Both are idempotent: a
second delivery, or a sweep after the event, finds nothing left to change.
"""

from ..shared import App, BadRequest, load_schema, server_client
from ..shared.covers import storage_service
from ..shared.gone import fetch_or_none
from .stale import strip_team
from .sweep import sweep_team_articles

app = App("team-cleanup", timeout=60)
TEAM_EVENT = load_schema(__file__, "../schemas/team-event.json")
MARGIN = 5.0  # seconds kept free before the timeout


def services(req):
    """TablesDB, Teams and Storage with the execution's dynamic key."""
    from appwrite.services.tables_db import TablesDB
    from appwrite.services.teams import Teams

    client = server_client(req.headers)
    return TablesDB(client), Teams(client), storage_service(client)


@app.on_event("teams.*.delete")
def on_team_deleted(req):
    team_id = TEAM_EVENT.validate(req.json())["$id"]
    if req.event.id_of("teams") not in ("*", team_id):
        raise BadRequest(
            f"The event is for team {req.event.id_of('teams')} but its body is team {team_id}.",
            code="event_mismatch",
        )
    tables, teams, storage = services(req)
    again = fetch_or_none(lambda: teams.get(team_id), deadline=req.deadline)
    before = again["$createdAt"] if again is not None else None
    stripped, finished = strip_team(tables, storage, team_id, before, req.deadline, MARGIN)
    req.log.info("team taken off its articles", team=team_id, articles=len(stripped))
    return {"teamId": team_id, "articles": stripped, "finished": finished}


@app.on_schedule
def sweep(req):
    tables, teams, storage = services(req)
    known, stripped, finished = sweep_team_articles(tables, teams, storage, req.deadline, MARGIN)
    gone = sorted(team for team, exists in known.items() if not exists)
    summary = {"teams": len(known), "gone": gone, "articles": stripped, "finished": finished}
    req.log.info("team sweep", **summary)
    return summary


def main(context):
    return app.handle(context)
