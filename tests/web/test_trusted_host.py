"""One trusted public address: no URL the app prints comes from the request's Host header.

Outside debug and testing, a request for any host but PUBLIC_URL's (TRUSTED_HOSTS) is refused
with the site's own 400 page, which never repeats the host; where a page is served anyway (in
debug and testing, or behind a proxy whose X-Forwarded-Host is not trusted), every absolute URL
in it and every redirect names PUBLIC_URL. gunicorn trusts X-Forwarded-Proto only from the
proxies TRUST_PROXY_HOPS says are there.
"""

from __future__ import annotations

import re
import runpy
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, QuizTaker, create_admin, csrf_token, page_options, sign_in
from servers import gunicorn_server
from werkzeug.test import TestResponse

from quiz import create_app
from quiz.db import db

PUBLIC_URL = "https://careerfit.example"
FORGED_HOST = "evil.example"
REFUSAL = "This site does not answer at the address this request was sent to."
ROOT = Path(__file__).resolve().parents[2]
# the sites a result page offers to share it on, by plain links
SHARE_SITES = (
    "https://www.linkedin.com/sharing/share-offsite/?",
    "https://wa.me/?",
    "https://twitter.com/intent/tweet?",
)
URL_IN_PAGE = re.compile(r"""(?:href|src|content|value)="(https?://[^"]+)\"""")


# every public page (and the slash redirects), with the status it answers at the real address
PAGES: dict[str, tuple[str, int]] = {
    "landing": ("/", 200),
    "quiz": ("/quiz", 200),
    "quiz page": ("/quiz/1", 200),
    "quick quiz": ("/quiz/quick", 200),
    "result": ("/r/{first}", 200),
    "result JSON": ("/r/{first}.json", 200),
    "share card": ("/r/{first}.png", 200),
    "comparison": ("/compare/{first}/{second}", 200),
    "comparison in the other order": ("/compare/{second}/{first}", 308),
    "compare form": ("/compare?mine={first}&friend={second}", 302),
    "delete confirmation": ("{delete_path}", 200),
    "privacy": ("/privacy", 200),
    "health": ("/healthz", 200),
    "language switch": ("/language/de?next=/privacy", 303),
    "admin sign-in": ("/admin/sign-in", 200),
    "slash redirect": ("/admin", 308),
    "merged slashes": ("/quiz//1", 308),
    "missing page": ("/no-such-page", 404),
}


@pytest.fixture
def results(client: FlaskClient) -> dict[str, str]:
    """Two stored results: their tokens in comparison order and the first one's delete path."""
    takers = [QuizTaker(client), QuizTaker(client)]
    tokens = [
        takers[0].finish().rsplit("/", 1)[1],
        takers[1].finish(lambda name, values: values[-1]).rsplit("/", 1)[1],
    ]
    first, second = sorted(tokens)
    owner = takers[tokens.index(first)]
    return {"first": first, "second": second, "delete_path": urlsplit(owner.delete_url).path}


def page_path(template: str, results: dict[str, str]) -> str:
    return template.format(**results)


@pytest.fixture
def make_app(database_url: str) -> Iterator[Any]:
    """Build apps on the test's database with the given settings; dispose of them after."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **settings}
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def deployed(make_app: Any, **settings: Any) -> Flask:
    """The app as a deployment runs it: neither testing nor debug, so hosts are checked.

    Its page cache is its own memory, not the checkout's instance folder that every run and
    test would share.
    """
    settings.setdefault("CACHE_TYPE", "SimpleCache")
    return make_app(TESTING=False, PUBLIC_URL=PUBLIC_URL, **settings)


def everything_printed(response: TestResponse) -> str:
    """The status line's neighbours a client reads: every header and the whole body."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    body = response.get_data(as_text=True) if not response.mimetype.startswith("image/") else ""
    return f"{headers}\n{body}"


def assert_refused(response: TestResponse, name: str) -> None:
    assert response.status_code == 400, (name, response.status_code)
    assert FORGED_HOST not in everything_printed(response), name
    if response.is_json:
        assert response.get_json()["detail"].startswith(REFUSAL), name
    else:
        assert REFUSAL in response.get_data(as_text=True), name
        assert 'class="panel error-page"' in response.get_data(as_text=True), name


def assert_names_only_the_public_address(response: TestResponse, name: str, status: int) -> None:
    assert response.status_code == status, (name, response.status_code)
    assert FORGED_HOST not in everything_printed(response), name
    location = response.headers.get("Location")
    if location and urlsplit(location).netloc:
        assert location.startswith(PUBLIC_URL + "/"), (name, location)
    if response.mimetype == "text/html":
        for url in URL_IN_PAGE.findall(response.get_data(as_text=True)):
            if url.startswith(SHARE_SITES):
                # a link that shares a result carries its address: the public one
                assert quote(PUBLIC_URL + "/r/", safe="") in url, (name, url)
                continue
            assert url.startswith(PUBLIC_URL + "/"), (name, url)


# ---- outside debug: a forged Host or X-Forwarded-Host is refused with 400


def test_a_forged_host_is_refused_on_every_page_with_the_friendly_400(make_app, results):
    app = deployed(make_app)
    client = app.test_client()
    for name, (template, status) in PAGES.items():
        path = page_path(template, results)
        assert_refused(client.get(path, headers={"Host": FORGED_HOST}), name)
        assert_refused(client.get(path, headers={"Host": f"{FORGED_HOST}:443"}), name)
        # the same request for the public address is served, so the host alone was refused
        served = client.get(path, base_url=PUBLIC_URL)
        assert_names_only_the_public_address(served, name, status)


def test_a_forged_host_is_refused_for_a_form_sent_too(make_app, results):
    client = deployed(make_app).test_client()
    response = client.post("/quiz/1", data={"forward": "x"}, headers={"Host": FORGED_HOST})
    assert_refused(response, "quiz page sent")


def test_the_refusal_is_in_the_visitors_language(make_app, results):
    client = deployed(make_app).test_client()
    german = client.get("/", headers={"Host": FORGED_HOST, "Accept-Language": "de"})
    assert german.status_code == 400
    assert "antwortet diese Seite nicht" in german.get_data(as_text=True)


def test_behind_a_proxy_a_forged_forwarded_host_is_ignored_on_every_page(make_app, results):
    app = deployed(make_app, TRUST_PROXY_HOPS=1)
    client = app.test_client()
    forwarded = {
        "X-Forwarded-Host": FORGED_HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.9",
    }
    for name, (template, status) in PAGES.items():
        path = page_path(template, results)
        response = client.get(path, base_url="http://careerfit.example", headers=forwarded)
        assert_names_only_the_public_address(response, name, status)


def test_a_trusted_forwarded_host_is_still_checked_on_every_page(make_app, results):
    app = deployed(make_app, TRUST_PROXY_HOPS=1, TRUST_FORWARDED_HOST=True)
    client = app.test_client()
    for name, (template, status) in PAGES.items():
        path = page_path(template, results)
        forged = {"X-Forwarded-Host": FORGED_HOST, "X-Forwarded-Proto": "https"}
        assert_refused(client.get(path, base_url="http://careerfit.example", headers=forged), name)
        # the proxy's own name for the app is not the public one; the forwarded host is
        honest = {"X-Forwarded-Host": "careerfit.example", "X-Forwarded-Proto": "https"}
        served = client.get(path, base_url="http://app.internal:8000", headers=honest)
        assert_names_only_the_public_address(served, name, status)


def test_extra_trusted_hosts_come_from_the_environment(make_app, results, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "careerfit.example, 10.0.0.5")
    app = deployed(make_app)
    assert app.config["TRUSTED_HOSTS"] == ["careerfit.example", "10.0.0.5"]
    client = app.test_client()
    response = client.get("/r/" + results["first"], base_url="http://10.0.0.5:8000")
    assert_names_only_the_public_address(response, "result by address", 200)
    assert_refused(client.get("/", headers={"Host": FORGED_HOST}), "landing")


# ---- in debug and testing, pages are served for any host, and name only PUBLIC_URL


@pytest.mark.parametrize("mode", ["debug", "testing"])
def test_where_any_host_is_served_every_page_names_only_the_public_address(make_app, results, mode):
    settings = {"DEBUG": True, "TESTING": False} if mode == "debug" else {"TESTING": True}
    app = make_app(PUBLIC_URL=PUBLIC_URL, **settings)
    assert app.config["TRUSTED_HOSTS"] is None
    client = app.test_client()
    for name, (template, status) in PAGES.items():
        path = page_path(template, results)
        response = client.get(path, headers={"Host": FORGED_HOST})
        assert_names_only_the_public_address(response, name, status)
    for path, moved_to in (("/admin", "/admin/"), ("/quiz//1", "/quiz/1")):
        location = client.get(path, headers={"Host": FORGED_HOST}).headers["Location"]
        assert location == PUBLIC_URL + moved_to


def test_the_result_page_prints_the_public_address_in_every_link(make_app, results):
    client = make_app(PUBLIC_URL=PUBLIC_URL).test_client()
    token = results["first"]
    html = client.get(f"/r/{token}", headers={"Host": FORGED_HOST}).get_data(as_text=True)
    share_url = f"{PUBLIC_URL}/r/{token}"
    assert f'<link rel="canonical" href="{share_url}">' in html
    assert f'<meta property="og:url" content="{share_url}">' in html
    assert f'<meta property="og:image" content="{share_url}.png">' in html
    assert f'<meta name="twitter:image" content="{share_url}.png">' in html
    assert f'id="share-link" type="text" readonly value="{share_url}"' in html

    first, second = results["first"], results["second"]
    comparison = client.get(f"/compare/{first}/{second}", headers={"Host": FORGED_HOST}).text
    assert f'rel="canonical" href="{PUBLIC_URL}/compare/{first}/{second}"' in comparison
    assert f'content="{PUBLIC_URL}/compare/{first}/{second}"' in comparison


def test_share_and_delete_links_of_a_new_result_use_public_url(make_app):
    app = make_app(PUBLIC_URL=PUBLIC_URL)
    client = app.test_client()
    taker = QuizTaker(client)
    location = taker.finish()  # its first view, read for the private delete link
    assert taker.delete_url.startswith(f"{PUBLIC_URL}/r/"), taker.delete_url
    page = client.get(location, headers={"Host": FORGED_HOST}).get_data(as_text=True)
    assert f'value="{PUBLIC_URL}{location}"' in page


class ForgedHostClient(FlaskClient):
    """A test client whose every request names the forged host, cookies kept for it."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        kwargs["headers"] = {**dict(kwargs.get("headers") or {}), "Host": FORGED_HOST}
        return super().open(*args, **kwargs)


def test_the_admin_previews_link_uses_public_url(make_app):
    app = make_app(PUBLIC_URL=PUBLIC_URL)
    create_admin(app)
    app.test_client_class = ForgedHostClient
    admin = app.test_client()
    assert sign_in(admin).status_code == 302
    page = 1
    while True:
        html = admin.get(f"/admin/preview/{page}").get_data(as_text=True)
        answers = {name: values[0] for name, values in page_options(html).items()}
        data = {"csrf_token": csrf_token(html), "forward": "x", **answers}
        response = admin.post(f"/admin/preview/{page}", data=data)
        if response.status_code != 302:
            break
        page += 1
    assert_names_only_the_public_address(response, "preview result", 200)
    share_url = f"{PUBLIC_URL}/admin/preview"
    assert f'<link rel="canonical" href="{share_url}">' in response.text
    assert f'<meta property="og:url" content="{share_url}">' in response.text


def test_the_etag_follows_public_url_never_the_host(make_app, results):
    app = make_app(PUBLIC_URL=PUBLIC_URL)
    client = app.test_client()
    first, second = results["first"], results["second"]
    for path in (
        f"/r/{first}",
        f"/r/{first}.json",
        f"/r/{first}.png",
        f"/compare/{first}/{second}",
    ):
        etag = client.get(path).headers["ETag"]
        forged = client.get(path, headers={"Host": FORGED_HOST})
        assert forged.headers["ETag"] == etag, path
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304, path
        # a new public address changes what the page prints, so a kept copy is not confirmed
        app.config["PUBLIC_URL"] = "https://careers.example"
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 200, path
        app.config["PUBLIC_URL"] = PUBLIC_URL


# ---- the setting itself


@pytest.mark.parametrize(
    "address",
    [
        "careerfit.example",
        "ftp://careerfit.example",
        "https://careerfit.example/quiz",
        "https://careerfit.example/?a=1",
        "https://user@careerfit.example",
        "https://careerfit.example:99999",
        "https://",
    ],
)
def test_a_public_url_that_is_no_site_address_stops_the_start(address, tmp_path):
    with pytest.raises(RuntimeError, match="PUBLIC_URL is .* not the address of a site"):
        create_app({**TEST_CONFIG, "PUBLIC_URL": address, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_public_url_defaults_to_where_the_app_is_served(tmp_path, monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    database = f"sqlite:///{tmp_path / 'defaults.sqlite3'}"
    local = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database})
    assert local.config["PUBLIC_URL"] == "http://127.0.0.1:5000"  # python -m quiz
    assert local.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]  # this machine's names
    testing = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    assert testing.config["PUBLIC_URL"] == "http://localhost"  # Flask's test client
    monkeypatch.setenv("PUBLIC_URL", "https://CareerFit.example/")
    deployed_app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database})
    assert deployed_app.config["PUBLIC_URL"] == "https://careerfit.example"
    assert deployed_app.config["TRUSTED_HOSTS"] == ["careerfit.example"]
    monkeypatch.delenv("PUBLIC_URL")
    monkeypatch.setenv("PORT", "5077")  # python -m quiz serves on PORT
    other_port = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database})
    assert other_port.config["PUBLIC_URL"] == "http://127.0.0.1:5077"
    assert other_port.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]
    for app in (local, testing, deployed_app, other_port):
        with app.app_context():
            db.engine.dispose()


# ---- gunicorn trusts X-Forwarded-Proto only from the proxies TRUST_PROXY_HOPS counts


@pytest.mark.parametrize(
    ("environment", "allowed"),
    [
        ({}, ""),
        ({"TRUST_PROXY_HOPS": "0"}, ""),
        ({"TRUST_PROXY_HOPS": "0", "FORWARDED_ALLOW_IPS": "10.0.0.2"}, ""),
        ({"TRUST_PROXY_HOPS": "1"}, "127.0.0.1"),
        (
            {"TRUST_PROXY_HOPS": "2", "FORWARDED_ALLOW_IPS": "10.0.0.2,10.0.0.3"},
            "10.0.0.2,10.0.0.3",
        ),
    ],
)
def test_gunicorn_trusts_forwarded_headers_only_from_counted_proxies(
    environment, allowed, monkeypatch
):
    for name in ("TRUST_PROXY_HOPS", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["forwarded_allow_ips"] == allowed


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back as it came, so its Location can be read."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, headers: dict[str, str]) -> tuple[int, Message, str]:
    """GET ``url`` with ``headers`` (Host among them); return status, headers and body."""
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(KeepRedirects)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


def session_cookie(headers: Message) -> str:
    """The session cookie a fresh visitor gets on the quiz's first page."""
    cookies = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("session=")]
    assert len(cookies) == 1, cookies
    return cookies[0]


def test_under_gunicorn_a_forged_host_is_refused_and_nobody_is_trusted_with_https(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'career_fit.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
    }
    with gunicorn_server(env, tmp_path, workers=1, threads=2) as server:
        status, headers, body = fetch(server.base_url + "/", {"Host": FORGED_HOST})
        assert status == 400
        assert REFUSAL in body and FORGED_HOST not in body

        # the test connects from 127.0.0.1, gunicorn's own default for forwarded_allow_ips:
        # a client there must not make a plain HTTP request count as HTTPS
        status, headers, _ = fetch(server.base_url + "/quiz", {"X-Forwarded-Proto": "https"})
        assert status == 200
        assert "secure" not in session_cookie(headers).lower()


def test_under_gunicorn_a_counted_proxy_gives_the_scheme_but_not_the_host(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'career_fit.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "TRUST_PROXY_HOPS": "1",
        "PUBLIC_URL": "https://127.0.0.1",
    }
    with gunicorn_server(env, tmp_path, workers=1, threads=2) as server:
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": FORGED_HOST}
        status, headers, body = fetch(server.base_url + "/quiz", forwarded)
        assert status == 200
        assert "; secure" in session_cookie(headers).lower()  # the proxy's scheme counts
        assert FORGED_HOST not in body
        status, headers, body = fetch(server.base_url + "/admin", forwarded)
        assert status == 308
        assert headers["Location"] == "https://127.0.0.1/admin/"
        assert FORGED_HOST not in body
