"""Result pages and their JSON are immutable and cacheable; static files are fingerprinted."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_a_result_revalidates_with_304_and_is_publicly_cacheable(app, taker, suffix):
    url = taker.finish() + suffix
    client = app.test_client()  # the link's reader: the taker's own view is theirs alone
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.cache_control.public and first.cache_control.max_age == 3600

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag

    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.data == first.data


def test_html_and_json_of_one_result_have_different_etags(client, taker):
    url = taker.finish()
    assert client.get(url).headers["ETag"] != client.get(url + ".json").headers["ETag"]


def test_a_new_release_changes_the_etag(app, client, taker):
    url = taker.finish()
    before = client.get(url).headers["ETag"]
    app.config["RELEASE_ID"] = "next-release"
    assert client.get(url, headers={"If-None-Match": before}).status_code == 200


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.public
    response.close()
