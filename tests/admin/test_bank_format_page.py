"""The bank format is explained on a page of the admin area, linked from the import page."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from quiz.admin.bank_format import render_document

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
    shown = [
        re.sub(r"<[^>]+>", "", words)
        for words in re.findall(r'<h2 id="section-\d+">(.*?)</h2>', page)
    ]
    assert shown == [re.sub(r"`([^`]*)`", r"\1", heading) for heading in headings]
    # its tables, code and inline code come through as markup, escaped
    assert "<td><code>format</code></td>" in page
    assert '<pre class="format-code" tabindex="0"><code>' in page
    assert "&#34;format&#34;: 1" in page
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="Table 1,' in page
    assert 'href="#section-' in page
    assert len(response.data) < 60_000


def test_the_format_page_is_for_admins_only(client: FlaskClient) -> None:
    assert client.get("/admin/bank/format").status_code == 302


def test_raw_html_in_the_document_reaches_the_page_escaped() -> None:
    page = render_document(
        "# Title\n\n<script>alert(1)</script>\n\n## A `key` part\n", "T %(number)s"
    )
    assert page.title == "Title"
    assert "<script>" not in page.body and "&lt;script&gt;" in page.body
    assert page.contents == (("section-0", "A key part"),)
