"""The console in a real browser: Debian's headless Chromium driven by Playwright.

Skipped, with the reason, where /usr/bin/chromium is missing (`.ci/run` installs it).
With CONSOLE_SCREENSHOTS=docs/console the walk saves a screenshot of each page there
(that is how the README's pictures are made).
"""

import os
import pathlib
import tempfile

import pytest
from appwrite.services.teams import Teams

from emulator.testclient import AppwriteTestClient

CHROMIUM = pathlib.Path("/usr/bin/chromium")
ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB = ROOT / "tests" / "triggers" / "lab" / "appwrite.json"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT = 30_000  # ms: the longest a page or a live update may take

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium "
    "(apt-get install chromium; .ci/run installs it): browser tests skipped",
)


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with (
        tempfile.TemporaryDirectory(prefix="console-chromium-") as profile,
        playwright_api.sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,  # a fresh user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(WAIT)
        yield context
        context.close()


def shoot(page, name: str) -> None:
    folder = os.environ.get("CONSOLE_SCREENSHOTS")
    if folder:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(pathlib.Path(folder) / f"{name}.png"))


def log_in(page, client: AppwriteTestClient) -> None:
    page.goto(client.stack.console_url)
    assert page.url.endswith("/console/login")
    shoot(page, "login")
    page.fill("#key", client.stack.api_key)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")


def test_a_walk_through_the_newsroom_console(browser, newsroom):
    page = browser.new_page()
    log_in(page, newsroom)
    assert page.locator("table >> text=publish-scheduled").count() == 1
    shoot(page, "overview")

    # databases → table → row, with its permissions
    page.click("[data-nav=databases]")
    shoot(page, "databases")
    page.click("a:text-is('articles')")
    page.wait_for_selector("#rows")
    page.click("a:text-is('welcome-to-newsroom')")
    row_json = page.inner_text("#row-json")
    assert '"$permissions": [\n    "read(\\"any\\")"' in row_json
    shoot(page, "row")

    # filter with Appwrite's query language
    page.go_back()
    page.fill("#filter", 'equal("status", ["draft"])')
    page.click("#filter-form button[type=submit]")
    page.wait_for_url("**filter=**")
    assert page.inner_text("#row-total") == "1"
    assert page.locator("#rows a:text-is('election-night-plan')").count() == 1
    shoot(page, "table")

    # the executions page, live: a row created in another tab runs enrich-article
    live = browser.new_page()
    live.goto(newsroom.stack.console_url + "executions")
    live.wait_for_selector("#live-state:text('live')")
    page.goto(newsroom.stack.console_url + "databases/newsroom/articles")
    page.click("summary:has-text('Create a row')")
    page.fill("input[name=rowId]", "browser-made")
    page.fill(
        "form.edit textarea[name=data]",
        '{"title": "Made in a browser", "body": "Words typed in Chromium.", '
        '"authorId": "carol", "status": "draft"}',
    )
    page.fill("form.edit textarea[name=permissions]", 'read("user:carol")')
    page.click("form.edit button[type=submit]")
    page.wait_for_selector(".notice:text('Row created.')")
    enrich = live.locator("#executions tbody tr", has_text="enrich-article").first
    enrich.locator(".status.completed").wait_for()

    # its logs and its chain
    enrich.locator("a").first.click()
    live.wait_for_selector("#logs")
    assert "article enriched" in live.inner_text("#logs")
    assert "documents.browser-made.create" in live.inner_text("#cause-event")
    shoot(live, "execution")
    live.close()

    # move the clock past the scheduled article: publish-scheduled runs and publishes it
    page.click("[data-nav=cron]")
    shoot(page, "cron")
    page.fill("#at", "2030-01-01T09:05")
    page.click("#move-clock button[type=submit]")
    page.wait_for_selector(".notice:has-text('publish-scheduled')")
    scheduled = page.locator("#executions tbody tr", has_text="publish-scheduled").first
    scheduled.locator(".status.completed").wait_for()
    shoot(page, "executions")
    page.goto(newsroom.stack.console_url + "databases/newsroom/articles/rows/launch-week-schedule")
    assert '"status": "published"' in page.inner_text("#row-json")

    # users and teams
    page.click("[data-nav=users]")
    shoot(page, "users")
    page.click("a:text-is('Carol Writer')")
    assert "desk" in page.inner_text("body")
    shoot(page, "user")

    # read a mail: carol invites dana to the desk; the invitation is in the outbox
    Teams(newsroom.as_user("carol")).create_membership(
        "desk", ["writer"], email="dana@newsroom.test", url="http://localhost:3000/join"
    )
    page.click("[data-nav=mail]")
    link = page.locator("a.mail-link").first
    assert link.get_attribute("href").startswith("http://localhost:3000/join?")
    assert "dana@newsroom.test" in page.inner_text("article.mail")
    assert "teamInvite" in page.inner_text("article.mail")
    shoot(page, "mail")

    # storage: the covers bucket, the welcome article's cover with its preview
    page.click("[data-nav=storage]")
    page.click("a:text-is('Article covers')")
    preview = page.locator("img[src*='/welcome-to-newsroom/preview']")
    preview.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", preview.element_handle())
    shoot(page, "storage")

    # the requests monitor, live
    page.click("[data-nav=requests]")
    page.wait_for_selector("#live-state:text('live')")
    Teams(newsroom.admin_client()).list()
    page.locator("#requests tbody tr", has_text="/v1/teams").first.wait_for()
    shoot(page, "requests")
    page.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with AppwriteTestClient.start(LAB, data_dir=tmp_path_factory.mktemp("lab")) as client:
        client.emit_row_created("notes", {"text": "first"}, row_id="n1")
        yield client


def test_editing_a_row_shows_its_event_execution_live(browser, lab):
    """In the lab project `recorder` subscribes to every notes row event, updates too."""
    live = browser.new_page()
    log_in(live, lab)
    live.goto(lab.stack.console_url + "executions")
    live.wait_for_selector("#live-state:text('live')")
    before = live.locator("#executions tbody tr").count()

    page = browser.new_page()
    page.goto(lab.stack.console_url + "databases/lab/notes/rows/n1")
    page.fill("#edit-row textarea[name=data]", '{"text": "edited in the console"}')
    page.click("#edit-row button[type=submit]")
    page.wait_for_selector(".notice:text('Row saved.')")
    assert '"text": "edited in the console"' in page.inner_text("#row-json")

    recorded = live.locator("#executions tbody tr.fresh", has_text="recorder").first
    recorded.locator(".status.completed").wait_for()
    assert live.locator("#executions tbody tr").count() > before
    recorded.locator("a").first.click()
    assert "notes.rows.n1.update" in live.inner_text("#cause-event")
    page.close()
    live.close()
