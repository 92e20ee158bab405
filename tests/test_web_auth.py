"""Log-in, sessions, CSRF, the log-in rate limit, private mode, API tokens and the review workflow (forms and
JSON), with the in-process client on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from conftest import fake_article_extract
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from webui_support import CHEAP_HASHER, PASSWORD, add_user, api_token, csrf_from, log_in

from civicwatch.pipeline.ingest import ingest_paths
from civicwatch.store import accounts
from civicwatch.store.models import AuditLogEntry, Event
from civicwatch.store.review import event_history
from civicwatch.web import security
from civicwatch.web.app import create_app

HTML = {"accept": "text/html"}


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "password_hasher", CHEAP_HASHER)


@pytest.fixture
def site(store_engine, tmp_path):
    """A database with two events (fake extractor) and an analyst, anna."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text("The ministry listed Fake Org as a foreign agent on Monday.\n")
    (texts / "b.txt").write_text("Another article, another act against Fake Org, far apart in time.\n")
    results = list(ingest_paths(store_engine, [texts / "a.txt"], published=None, extractor=fake_article_extract))
    results += list(ingest_paths(store_engine, [texts / "b.txt"], extractor=fake_article_extract))
    assert all(r.status == "stored" for r in results)
    add_user(store_engine)
    return store_engine


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def client_for(engine, base_url: str = "http://testserver", **options) -> TestClient:
    return TestClient(create_app(url_of(engine), **options), base_url=base_url)


def first_event(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(Event.id).order_by(Event.id))


# ------------------------------------------------------------------------------------------------ log-in


def test_login_sets_a_safe_session_cookie_and_shows_the_user(site):
    client = client_for(site)
    response = log_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(security.SESSION_COOKIE + "="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags
    page = client.get("/").text
    assert "Signed in as <strong><bdi>anna</bdi></strong>" in page and "Logged in as anna." in page
    assert "Logged in as anna." not in client.get("/").text  # a flash message shows once


def test_secure_cookies_when_served_behind_https(site):
    response = log_in(client_for(site, "https://testserver", secure_cookies=True))
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(security.SESSION_COOKIE + "="))
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(site):
    client = client_for(site)
    page = client.get("/login", params={"next": "/events?type=law"})
    data = {"username": "anna", "password": PASSWORD, "csrf_token": csrf_from(page.text)}
    response = client.post("/login", data={**data, "next": "/events?type=law"}, follow_redirects=False)
    assert response.headers["location"] == "/events?type=law"
    client = client_for(site)
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={**data, "csrf_token": token, "next": "//evil.example/"}, follow_redirects=False
    )
    assert response.headers["location"] == "/"


def test_wrong_password_or_unknown_user_is_refused(site):
    client = client_for(site)
    for username, password in [("anna", "wrong password!"), ("nobody", PASSWORD)]:
        response = log_in(client, username, password)
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert security.SESSION_COOKIE not in response.cookies
    assert "Signed in as" not in client.get("/").text


def test_logout_ends_the_session(site):
    client = client_for(site)
    session_cookie = log_in(client).cookies[security.SESSION_COOKIE]
    page = client.get("/").text
    response = client.post("/logout", data={"csrf_token": csrf_from(page)}, follow_redirects=False)
    assert response.status_code == 303
    assert "Signed in as" not in client.get("/").text
    stale = client_for(site)
    stale.cookies.set(security.SESSION_COOKIE, session_cookie)
    assert "Signed in as" not in stale.get("/").text  # the old cookie no longer works


# ------------------------------------------------------------------------------------------------- CSRF


def test_posts_without_the_right_csrf_token_are_forbidden(site):
    client = client_for(site)
    client.get("/login")
    for token in [None, "", "forged"]:
        data = {"username": "anna", "password": PASSWORD} | ({"csrf_token": token} if token is not None else {})
        response = client.post("/login", data=data, follow_redirects=False)
        assert response.status_code == 403, token
        assert "security token" in response.text
    login_form_token = csrf_from(client.get("/login").text)
    log_in(client)
    event_id = first_event(site)
    for token in [None, "forged", login_form_token]:  # the log-in form's token is not the session's
        data = {"action": "confirm"} | ({"csrf_token": token} if token else {})
        response = client.post(f"/events/{event_id}/review", data=data, follow_redirects=False)
        assert response.status_code == 403, token
        response = client.post(f"/api/events/{event_id}/review", json={"action": "confirm"})
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    with Session(site) as session:
        assert session.scalar(select(Event.review_state).where(Event.id == event_id)) == "unreviewed"
    # a browser session may call the JSON API with its token in a header
    session_token = csrf_from(client.get("/").text)
    response = client.post(
        f"/api/events/{event_id}/review", json={"action": "confirm"}, headers={security.CSRF_HEADER: session_token}
    )
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------- rate limiting


def test_failed_logins_are_rate_limited_per_username_and_address(site):
    client = client_for(site)
    for _ in range(5):
        assert log_in(client, "anna", "wrong password!").status_code == 401
    blocked = log_in(client, "anna", PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert "Too many failed log-ins" in blocked.text and int(blocked.headers["retry-after"]) > 0
    assert security.SESSION_COOKIE not in blocked.cookies
    add_user(site, "boris")
    assert log_in(client, "boris", PASSWORD).status_code == 303  # other accounts are not locked out


def test_the_limiter_forgets_failures_after_its_window():
    now = [1000.0]
    limiter = security.LoginLimiter(max_failures=2, window=60, clock=lambda: now[0])
    key = ("anna", "127.0.0.1")
    limiter.failed(key)
    limiter.failed(key)
    assert limiter.retry_after(key) == 61
    now[0] += 30
    assert limiter.retry_after(key) == 31
    now[0] += 31
    assert limiter.retry_after(key) is None
    limiter.failed(key)
    limiter.succeeded(key)
    limiter.failed(key)
    assert limiter.retry_after(key) is None


# ------------------------------------------------------------------------------------------ private mode


def test_private_mode_requires_a_login_or_a_token(site):
    client = client_for(site, private=True)
    event_id = first_event(site)
    for path in ["/", "/events", f"/events/{event_id}"]:
        response = client.get(path, headers=HTML, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2F")
    api = client.get("/api/events")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "unauthorized" and "private" in api.json()["error"]["message"]
    assert client.get("/login").status_code == 200
    assert client.get("/static/style.css").status_code == 200

    token = api_token(site)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/events", headers=bearer).status_code == 200
    assert client.get("/api/events", headers={"Authorization": "Bearer cw_not-a-token"}).status_code == 401

    response = log_in(client)
    assert response.status_code == 303
    assert client.get("/", headers=HTML).status_code == 200
    assert client.get("/api/events").status_code == 200


def test_anonymous_visitors_read_a_public_instance_but_cannot_review(site):
    client = client_for(site)
    event_id = first_event(site)
    assert client.get(f"/events/{event_id}").status_code == 200
    assert client.get("/api/events").status_code == 200
    response = client.post(f"/api/events/{event_id}/review", json={"action": "confirm"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    token = csrf_from(client.get("/login").text)  # a valid form token, but nobody logged in
    response = client.post(
        f"/events/{event_id}/review",
        data={"action": "confirm", "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


# ------------------------------------------------------------------------------------------------ review


def test_review_in_the_browser_is_recorded_and_shown_in_the_history(site):
    client = client_for(site)
    log_in(client)
    event_id = first_event(site)
    page = client.get(f"/events/{event_id}").text
    assert f'action="/events/{event_id}/review"' in page and f'action="/events/{event_id}/edit"' in page
    token = csrf_from(page)
    for action, state in [("confirm", "confirmed"), ("reject", "rejected"), ("reopen", "unreviewed")]:
        response = client.post(
            f"/events/{event_id}/review",
            data={"action": action, "note": f"{action} <b>now</b>", "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == f"/events/{event_id}"
        page = client.get(f"/events/{event_id}").text
        assert f"Event {state if action != 'reopen' else 'reopened'}." in page
        with Session(site) as session:
            assert session.get(Event, event_id).review_state == state
    history = [(e.action, e.username, e.before, e.after) for e in event_history(Session(site), event_id)]
    assert history == [
        ("confirm", "anna", {"review_state": "unreviewed"}, {"review_state": "confirmed"}),
        ("reject", "anna", {"review_state": "confirmed"}, {"review_state": "rejected"}),
        ("reopen", "anna", {"review_state": "rejected"}, {"review_state": "unreviewed"}),
    ]
    html = client.get(f"/events/{event_id}").text
    shown = re.findall(r"<strong>(\w+)</strong> by <bdi>anna</bdi>", html)  # names isolated
    assert shown == ["reopen", "reject", "confirm"]  # newest first
    assert "“<bdi>confirm &lt;b&gt;now&lt;/b&gt;</bdi>”" in html
    assert client.post(f"/events/{event_id}/review", data={"action": "delete", "csrf_token": token}).status_code == 400


def test_edit_form_changes_fields_and_rejects_bad_values(site):
    client = client_for(site)
    log_in(client)
    event_id = first_event(site)
    page = client.get(f"/events/{event_id}").text
    token = csrf_from(page)
    form = {"csrf_token": token, "type": "sanction", "subtype": "fine", "status": "occurred", "date": "2021-12-28"}
    form |= {
        "actor": "Moscow court",
        "targets": "Fake Org\nMemorial",
        "location": "",
        "country": "ru",
        "note": "ruling",
    }
    response = client.post(f"/events/{event_id}/edit", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert "Event edited:" in client.get(f"/events/{event_id}").text
    with Session(site) as session:
        event = session.get(Event, event_id)
        assert (event.type, event.subtype, event.date, event.country) == ("sanction", "fine", "2021-12-28", "RU")
        assert event.targets == ["Fake Org", "Memorial"] and event.review_state == "edited"
        entry = session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == "edit")).one()
        assert entry.username == "anna" and entry.note == "ruling" and entry.after["date"] == "2021-12-28"

    bad = client.post(f"/events/{event_id}/edit", data={**form, "country": "Narnia"}, follow_redirects=False)
    assert bad.status_code == 422 and "is not an ISO 3166-1 alpha-2 code" in bad.text
    with Session(site) as session:
        assert session.get(Event, event_id).country == "RU"


def test_review_api_with_a_bearer_token(site):
    client = client_for(site)
    event_id = first_event(site)
    bearer = {"Authorization": f"Bearer {api_token(site)}"}
    response = client.post(f"/api/events/{event_id}/review", json={"action": "confirm", "note": "ok"}, headers=bearer)
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["review_state"] == "confirmed"
    assert body["history"][-1]["action"] == "confirm" and body["history"][-1]["username"] == "anna"

    response = client.patch(f"/api/events/{event_id}", json={"date": "2015-07-08", "note": "register"}, headers=bearer)
    assert response.status_code == 200 and response.json()["data"]["event"]["date"] == "2015-07-08"

    for method, path, body, status in [
        ("patch", f"/api/events/{event_id}", {"date": "last year"}, 422),
        ("patch", f"/api/events/{event_id}", {"evidence": "rewritten"}, 422),
        ("patch", f"/api/events/{event_id}", {}, 422),
        ("post", f"/api/events/{event_id}/review", {"action": "delete"}, 422),
        ("post", "/api/events/999999/review", {"action": "confirm"}, 404),
        ("patch", "/api/events/999999", {"date": "2015"}, 404),
    ]:
        response = getattr(client, method)(path, json=body, headers=bearer)
        assert response.status_code == status, (path, body)
        error = response.json()["error"]
        assert error["status"] == status and error["message"]
    with Session(site) as session:
        actions = session.scalars(select(AuditLogEntry.action).where(AuditLogEntry.object_type == "event")).all()
    assert actions == ["confirm", "edit"]
