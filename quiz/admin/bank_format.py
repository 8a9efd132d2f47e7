"""The question bank's file format, explained on a page of the admin area.

The page shows docs/bank-format.md itself, so the admin reads the same text a developer does and
the two cannot drift apart. markdown-it renders it with raw HTML switched off: everything in the
document reaches the page escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import render_template
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from markdown_it.token import Token

import quiz
from quiz.admin import bp
from quiz.web.i18n import lazy_gettext as _l

PACKAGE_DIR = Path(quiz.__file__).resolve().parent
# a built wheel carries the document inside the package (pyproject's force-include)
DOCUMENT_PLACES = (
    PACKAGE_DIR / "docs" / "bank-format.md",
    PACKAGE_DIR.parent / "docs" / "bank-format.md",
)


@dataclass(frozen=True)
class FormatPage:
    title: str
    body: Markup
    contents: tuple[tuple[str, str], ...]  # (anchor, heading) of each second-level section


@bp.get("/bank/format")
def bank_format() -> str:
    """Show the bank format document as a page."""
    page = format_page(str(_l("Table %(number)s, scrolls sideways")))
    return render_template("admin/bank_format.html", page=page)


@cache
def format_page(table_label: str) -> FormatPage:
    """Render the document once per wording of its tables' labels (one per language)."""
    path = next(place for place in DOCUMENT_PLACES if place.is_file())
    return render_document(path.read_text(encoding="utf-8"), table_label)


def render_document(text: str, table_label: str) -> FormatPage:
    """Render Markdown ``text``: its first heading as the title, every other heading anchored.

    ``table_label`` names each table's scrolling region, with ``%(number)s`` for its number.
    """
    # markdown-it only where the page is rendered, not in every worker (docs/performance.md)
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = markdown.parse(text)
    title = ""
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        title, tokens = _words(tokens[1]), tokens[3:]
    contents = []
    for number, index in enumerate(i for i, t in enumerate(tokens) if t.type == "heading_open"):
        anchor = f"section-{number}"
        tokens[index].attrSet("id", anchor)
        if tokens[index].tag == "h2":
            contents.append((anchor, _words(tokens[index + 1])))

    def table_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        env["tables"] = env.get("tables", 0) + 1
        label = escape(table_label % {"number": env["tables"]})
        region = f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">'
        return f'{region}<table class="distribution">\n'

    def table_close(*_: Any) -> str:
        return "</table>\n</div>\n"

    def fence(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        # a long line scrolls inside the block, which a keyboard must be able to reach
        code = escape(tokens[idx].content)
        return f'<pre class="format-code" tabindex="0"><code>{code}</code></pre>\n'

    markdown.add_render_rule("table_open", table_open)
    markdown.add_render_rule("table_close", table_close)
    markdown.add_render_rule("fence", fence)
    markdown.add_render_rule("code_block", fence)
    # raw HTML is off, so the rendered document holds only markup markdown-it made itself
    body = Markup(markdown.renderer.render(tokens, markdown.options, {}))  # noqa: S704
    return FormatPage(title, body, tuple(contents))


def _words(inline: Token) -> str:
    """Return a heading's words without their markup."""
    return "".join(child.content for child in inline.children or [])
