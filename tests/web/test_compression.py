"""Text goes out compressed (brotli or gzip) as the client asks; static files compressed once."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, create_admin, sign_in, take_quiz

from quiz import create_app
from quiz.db import db
from quiz.web import compression

DECOMPRESS = {"gzip": gzip.decompress, "br": brotli.decompress}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def decoded(response) -> bytes:
    """Return the body as the server meant it, undoing the one Content-Encoding it has."""
    encoding = response.headers.get("Content-Encoding")
    return DECOMPRESS[encoding](response.data) if encoding else response.data


def static_url(client: FlaskClient, path: str) -> str:
    """Return the fingerprinted URL a page links ``path`` by (``/static/…?v=…``)."""
    page = client.get("/").get_data(as_text=True)
    return re.search(rf'"(/static/{re.escape(path)}\?v=[0-9a-f]{{12}})"', page).group(1)


def vary(response) -> set[str]:
    return {value.lower() for value in response.vary}


@pytest.fixture
def compressed_folder(tmp_path: Path) -> Path:
    return tmp_path / "compressed-static"


def app_on(database_url: str, folder: Path, **settings) -> Flask:
    return create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "STATIC_COMPRESSED_FOLDER": str(folder),
            **settings,
        }
    )


@pytest.fixture
def fresh_app(database_url: str, compressed_folder: Path):
    """An app whose static files are compressed into a folder of this test's own."""
    app = app_on(database_url, compressed_folder)
    yield app
    with app.app_context():
        db.engine.dispose()


# ---------------------------------------------------------------- dynamic responses


@pytest.mark.parametrize("encoding", ["gzip", "br"])
@pytest.mark.parametrize("path", ["/roles", "/privacy", "/api/openapi.json", "/api/roles"])
def test_pages_and_json_are_sent_in_the_encoding_asked_for(client, encoding, path):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": encoding})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert packed.mimetype == plain.mimetype
    assert len(packed.data) < len(plain.data) / 2
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    assert decoded(packed) == plain.data
    assert "accept-encoding" in vary(packed) and "accept-encoding" in vary(plain)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_compressed_result_has_its_own_etag_and_revalidates_with_304(app, taker, encoding):
    url = taker.finish()
    reader = app.test_client()  # the link's reader, whose copy any cache may keep
    plain = reader.get(url)
    packed = reader.get(url, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert decoded(packed) == plain.data
    assert "accept-encoding" in vary(packed)
    assert packed.cache_control.public and packed.cache_control.max_age == 3600
    # strong ETags that differ: no cache hands the gzip body to a client that asked for br
    etag, weak = packed.get_etag()
    assert not weak and etag != plain.get_etag()[0]

    again = reader.get(
        url, headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == packed.headers["ETag"]
    plain_again = reader.get(url, headers={"If-None-Match": plain.headers["ETag"]})
    assert plain_again.status_code == 304
    # a client holding the compressed copy but no longer accepting it gets the plain body
    switched = reader.get(url, headers={"If-None-Match": packed.headers["ETag"]})
    assert switched.status_code == 200 and switched.data == plain.data


def test_a_result_json_too_small_to_compress_keeps_its_etag_and_304(app, taker):
    url = taker.finish() + ".json"
    reader = app.test_client()
    asking = {"Accept-Encoding": "gzip, br"}
    first = reader.get(url, headers=asking)
    assert len(first.data) < 500
    assert "Content-Encoding" not in first.headers
    assert first.headers["ETag"] == reader.get(url).headers["ETag"]
    again = reader.get(url, headers={**asking, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0, br;q=0", "zstd"])
def test_a_client_that_does_not_ask_gets_the_plain_body(client, accept):
    headers = {"Accept-Encoding": accept} if accept else {}
    response = client.get("/roles", headers=headers)
    assert "Content-Encoding" not in response.headers
    assert b"</html>" in response.data
    stylesheet = client.get(static_url(client, "css/site.css"), headers=headers)
    assert "Content-Encoding" not in stylesheet.headers
    assert stylesheet.data == Path("static/css/site.css").read_bytes()
    stylesheet.close()


def test_the_preferred_encoding_wins_by_quality(client):
    response = client.get("/roles", headers={"Accept-Encoding": "br;q=0.5, gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    response = client.get("/roles", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"


def test_small_responses_are_not_compressed(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert len(response.data) < 500
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/example.png", "share card"])
def test_png_images_are_not_compressed(client, taker, path):
    url = taker.finish() + ".png" if path == "share card" else path
    response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(PNG_SIGNATURE)


# ---------------------------------------------------------------- static files


@pytest.mark.parametrize("encoding", ["gzip", "br"])
@pytest.mark.parametrize("path", ["css/site.css", "css/admin.css", "js/quiz.js"])
def test_static_text_is_sent_compressed_as_asked(fresh_app, encoding, path):
    client = fresh_app.test_client()
    url = f"/static/{path}"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == encoding
    assert packed.mimetype == plain.mimetype
    # compressed exactly once: one decompression gives the file as it is on disk
    assert decoded(packed) == plain.data == Path("static", path).read_bytes()
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert "accept-encoding" in vary(packed) and "accept-encoding" in vary(plain)
    # the headers every static file had before: a year's caching and the security headers
    for response in (plain, packed):
        assert response.cache_control.public
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_svg_is_compressed_once_it_is_large_enough(database_url, compressed_folder, encoding):
    # the one SVG the site ships (the favicon) is below the default size worth compressing
    app = app_on(database_url, compressed_folder, COMPRESS_MIN_SIZE=100)
    try:
        client = app.test_client()
        response = client.get("/static/img/favicon.svg", headers={"Accept-Encoding": encoding})
        assert response.mimetype == "image/svg+xml"
        assert response.headers["Content-Encoding"] == encoding
        assert decoded(response) == Path("static/img/favicon.svg").read_bytes()
        response.close()
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_small_favicon_is_sent_as_it_is(client):
    response = client.get("/static/img/favicon.svg", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in response.headers
    assert response.data == Path("static/img/favicon.svg").read_bytes()
    response.close()


def test_each_static_encoding_has_its_own_etag_and_revalidates_with_304(client):
    url = static_url(client, "css/site.css")
    etags = {}
    for encoding in ("identity", "gzip", "br"):
        headers = {"Accept-Encoding": encoding}
        first = client.get(url, headers=headers)
        etags[encoding] = first.headers["ETag"]
        first.close()
        again = client.get(url, headers={**headers, "If-None-Match": etags[encoding]})
        again.close()
        assert again.status_code == 304, encoding
        assert again.headers["ETag"] == etags[encoding]
        assert again.cache_control.max_age == 365 * 24 * 3600
    assert len(set(etags.values())) == 3
    # another encoding's ETag is no match: the client gets the body it asked for
    other = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etags["gzip"]})
    assert other.status_code == 200 and other.headers["Content-Encoding"] == "br"
    other.close()


def test_static_etags_are_the_same_on_every_host(database_url, tmp_path):
    # two hosts with their own instance folders and start times give a file one ETag
    first = app_on(database_url, tmp_path / "host-a")
    second = app_on(database_url, tmp_path / "host-b")
    try:
        for encoding in ("identity", "br"):
            headers = {"Accept-Encoding": encoding}
            a = first.test_client().get("/static/css/site.css", headers=headers)
            b = second.test_client().get("/static/css/site.css", headers=headers)
            assert a.headers["ETag"] == b.headers["ETag"]
            assert a.data == b.data
            a.close()
            b.close()
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()


def test_static_files_are_compressed_at_start_and_never_per_request(
    database_url, compressed_folder, monkeypatch
):
    app = app_on(database_url, compressed_folder)
    written = sorted(
        path.relative_to(compressed_folder).as_posix() for path in compressed_folder.rglob("*")
    )
    assert "css/site.css" in app.extensions["static_fingerprints"]
    fingerprint = app.extensions["static_fingerprints"]["css/site.css"]
    assert f"css/site.css.{fingerprint}.br" in written
    assert f"css/site.css.{fingerprint}.gz" in written
    assert not any(name.endswith((".svg.br", ".svg.gz")) for name in written)  # too small
    modified = {path: path.stat().st_mtime_ns for path in compressed_folder.rglob("*.*")}

    def refuse(content: bytes) -> bytes:
        raise AssertionError("a static file was compressed again")

    monkeypatch.setitem(compression.STATIC_COMPRESSORS, "br", refuse)
    monkeypatch.setitem(compression.STATIC_COMPRESSORS, "gzip", refuse)
    client = app.test_client()
    for _ in range(2):
        response = client.get("/static/css/site.css", headers={"Accept-Encoding": "br"})
        assert response.headers["Content-Encoding"] == "br"
        assert decoded(response) == Path("static/css/site.css").read_bytes()
        response.close()
    # a second worker or a restart finds the copies made and writes nothing
    again = app_on(database_url, compressed_folder)
    assert {path: path.stat().st_mtime_ns for path in compressed_folder.rglob("*.*")} == modified
    for started in (app, again):
        with started.app_context():
            db.engine.dispose()


def test_an_unwritable_folder_leaves_static_files_plain_not_the_site_down(database_url, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder would go")
    app = app_on(database_url, blocked)
    try:
        client = app.test_client()
        response = client.get("/static/css/site.css", headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert response.data == Path("static/css/site.css").read_bytes()
        response.close()
        assert (
            client.get("/roles", headers={"Accept-Encoding": "br"}).headers["Content-Encoding"]
            == "br"
        )
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_cleared_folder_falls_back_to_the_plain_file(fresh_app, compressed_folder):
    for path in compressed_folder.rglob("*.*"):
        path.unlink()
    client = fresh_app.test_client()
    response = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data == Path("static/css/site.css").read_bytes()
    response.close()


def test_unknown_and_escaping_static_paths_are_still_404(client):
    for path in (
        "/static/css/missing.css",
        "/static/../pyproject.toml",
        "/static/%2e%2e/README.md",
    ):
        assert client.get(path, headers={"Accept-Encoding": "br"}).status_code == 404


# ---------------------------------------------------------------- admin, exports, BREACH


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    create_admin(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def test_a_signed_in_admin_gets_no_compressed_page_with_their_csrf_token(app, admin_client):
    asking = {"Accept-Encoding": "gzip, br"}
    for path in ("/admin/", "/admin/analytics", "/quiz/1"):
        response = admin_client.get(path, headers=asking)
        assert response.status_code == 200, path
        assert "Content-Encoding" not in response.headers, path
    # the admin's CSRF token is on the quiz page; a visitor's own is sent compressed
    visitor = app.test_client().get("/quiz/1", headers=asking)
    assert visitor.headers["Content-Encoding"] == "br"
    assert b'name="csrf_token"' in decoded(visitor)
    # a page without a form is no risk, and is compressed for the admin too
    assert admin_client.get("/roles", headers=asking).headers["Content-Encoding"] == "br"


def test_the_admin_sign_in_page_is_not_compressed(client):
    response = client.get("/admin/sign-in", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_the_csv_download_still_streams_uncompressed(app, admin_client):
    take_quiz(app.test_client())
    response = admin_client.get(
        "/admin/analytics/results.csv", headers={"Accept-Encoding": "gzip, br"}, buffered=False
    )
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert "Content-Encoding" not in response.headers
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["result_id"]
    response.close()
