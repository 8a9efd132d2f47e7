"""The bank format is explained on a page of the admin area, linked from the import page."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

DOC = Path(__file__).resolve().parents[2] / "docs" / "bank-format.md"


def test_the_import_page_links_to_the_format_page_not_a_file_path(
    admin_client: FlaskClient,
) -> None:
    page = admin_client.get("/admin/bank").get_data(as_text=True)
    assert 'href="/admin/bank/format"' in page
    assert "docs/bank-format.md" not in page


def test_the_format_page_shows_every_section_of_the_document(admin_client: FlaskClient) -> None:
    response = admin_client.get("/admin/bank/format")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Question bank format</h1>" in page
    headings = re.findall(r"^## (.*)$", DOC.read_text(encoding="utf-8"), re.M)
    assert len(headings) > 8
    for heading in headings:
        plain = re.sub(r"`([^`]*)`", r"\1", heading)
        assert re.search(rf'<h2 id="section-\d+">{re.escape(plain)}</h2>', page), heading
    # its tables, code and inline code come through as markup, escaped
    assert "<td><code>format</code></td>" in page
    assert "<pre" in page and "&#34;format&#34;: 1" in page
    assert 'href="#section-' in page
    assert len(response.data) < 60_000


def test_the_format_page_is_for_admins_only(client: FlaskClient) -> None:
    assert client.get("/admin/bank/format").status_code == 302
