"""A seeded Newsroom emulator per test module, and a browser-like HTTP client of its console."""

import pathlib
import re

import httpx
import pytest

from emulator.testclient import AppwriteTestClient

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    with AppwriteTestClient.start(
        ROOT / "appwrite.json", data_dir=tmp_path_factory.mktemp("console")
    ) as client:
        client.apply_seed(ROOT / "seed" / "newsroom.json")
        yield client


class Console:
    """An HTTP client holding the console's session cookie, as a browser would."""

    def __init__(self, newsroom: AppwriteTestClient):
        self.base = newsroom.stack.console_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base, timeout=60)
        self.csrf = ""

    def login(self, key: str) -> httpx.Response:
        answer = self.http.post("/login", data={"key": key})
        if answer.status_code == 303:
            self.csrf = csrf_of(self.http.get("/").text)
        return answer

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def follow(self, answer: httpx.Response) -> httpx.Response:
        """The page a redirect points to (its Location is an absolute path)."""
        origin = self.base.rsplit("/console", 1)[0]
        return self.http.get(origin + answer.headers["location"])

    def post(self, path: str, data: dict | None = None, **kwargs) -> httpx.Response:
        return self.http.post(path, data={"csrf": self.csrf, **(data or {})}, **kwargs)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    return found.group(1) if found else ""


@pytest.fixture
def console(newsroom):
    client = Console(newsroom)
    assert client.login(newsroom.stack.api_key).status_code == 303
    yield client
    client.http.close()
