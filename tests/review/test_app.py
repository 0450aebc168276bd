"""The workbench's web application: escaping, CSRF token, origin and host checks, stale pages."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.statements import HOSTILE_TEXT, publish_statement, seed_copy

from taiyaku.review import Workbench, create_app
from taiyaku.review.server import allowed_hosts

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note that its test client will move to httpx2
    from starlette.testclient import TestClient

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture
def statement(tmp_path: Path) -> Path:
    return seed_copy(tmp_path)


@pytest.fixture
def client(statement: Path) -> Iterator[TestClient]:
    bench = Workbench(statement, statement.parent.parent / "aligned", "<b>reviewer</b>")
    with TestClient(create_app(bench, allowed_hosts("127.0.0.1", 8000)), base_url=ORIGIN) as test_client:
        yield test_client


def _page_meta(client: TestClient) -> dict[str, str]:
    html = client.get("/").text
    return dict(re.findall(r'<meta name="([a-z-]+)" content="([^"]*)">', html))


def _post(client: TestClient, body: dict[str, object], **headers: str) -> tuple[int, dict[str, object]]:
    response = client.post("/api/action", json=body, headers=headers)
    return response.status_code, response.json()


def test_the_page_escapes_everything_and_allows_no_inline_script(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "<b>reviewer</b>" not in response.text and "&lt;b&gt;reviewer&lt;/b&gt;" in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text  # the only script is the static file
    rows = client.get("/api/beads", params={"filter": "all", "q": "onerror"}).json()["rows"]
    assert rows[0]["en"] == [f"(2) ICT for Development {HOSTILE_TEXT}"]  # data, drawn with textContent
    script = client.get("/static/workbench.js").text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_state_changing_requests_need_the_token_this_origin_and_json(client: TestClient, statement: Path) -> None:
    meta = _page_meta(client)
    rows = client.get("/api/beads", params={"filter": "all"}).json()["rows"]
    body = {"action": "confirm", "bead": 0, "signature": rows[0]["signature"], "publication": meta["publication"]}
    token = meta["csrf-token"]
    assert _post(client, body, origin=ORIGIN)[0] == 403  # no token
    assert _post(client, body, origin=ORIGIN, **{"x-csrf-token": "guess"})[0] == 403
    assert _post(client, body, origin="http://evil.example", **{"x-csrf-token": token})[0] == 403
    assert _post(client, body, **{"x-csrf-token": token})[0] == 403  # no Origin at all
    form = client.post(
        "/api/action",
        content=b"action=confirm",
        headers={"origin": ORIGIN, "x-csrf-token": token, "content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415
    assert client.get("/", headers={"host": "attacker.example:8000"}).status_code == 403  # DNS rebinding
    assert client.get("/api/beads", headers={"host": "attacker.example:8000"}).status_code == 403
    assert not (statement / "corrections.jsonl").exists()

    status, answer = _post(client, body, origin=ORIGIN, **{"x-csrf-token": token})
    assert (status, answer["message"]) == (200, "b0 confirmed")
    assert answer["progress"]["text"] == "1 of 52 beads confirmed, 13 need review"
    assert (statement / "corrections.jsonl").read_text(encoding="utf-8").count("\n") == 1
    status, answer = _post(client, body, origin=ORIGIN, **{"x-csrf-token": token})
    assert (status, answer["error"]) == (400, "b0: this bead is already confirmed")


def test_a_page_loaded_before_the_corpus_was_published_again_is_told_to_reload(
    client: TestClient, statement: Path
) -> None:
    meta = _page_meta(client)
    headers = {"origin": ORIGIN, "x-csrf-token": meta["csrf-token"]}
    rows = client.get("/api/beads", params={"filter": "all"}).json()["rows"]
    publish_statement(statement, force=True)  # unchanged bytes: the same publication
    (statement.parent.parent / "aligned" / statement.name / "manifest.json").write_text("{}", encoding="utf-8")
    body = {"action": "confirm", "bead": 0, "signature": rows[0]["signature"], "publication": meta["publication"]}
    status, answer = _post(client, body, **headers)
    assert status == 409 and answer["reload"] is True and "reload" in str(answer["error"])
    assert not (statement / "corrections.jsonl").exists()


def test_no_request_names_a_file(client: TestClient) -> None:
    assert client.get("/static/../workbench.py").status_code == 404
    assert client.get("/static/%2e%2e/workbench.py").status_code == 404
    assert client.get("/api/context", params={"bead": "99999", "signature": "x"}).status_code == 409
    assert client.get("/api/beads", params={"filter": "../../etc/passwd"}).status_code == 400
