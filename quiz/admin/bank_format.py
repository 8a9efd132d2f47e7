"""The question bank's file format, explained on a page of the admin area.

The page shows docs/bank-format.md itself, so the admin reads the same text a developer does and
the two cannot drift apart.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app, render_template

from quiz.admin import bp
from quiz.core.markdown_blocks import Block, read_blocks


@cache
def _blocks(path: Path) -> list[Block]:
    return read_blocks(path.read_text(encoding="utf-8"))


@bp.get("/bank/format")
def bank_format() -> str:
    """Show the bank format document as a page."""
    path = Path(current_app.root_path).parent / "docs" / "bank-format.md"
    blocks = _blocks(path)
    title, body = blocks[0], blocks[1:]
    contents = [
        (f"section-{n}", block.lines[0])
        for n, block in enumerate(body)
        if block.kind == "heading" and block.level == 2
    ]
    return render_template(
        "admin/bank_format.html", title=title.lines[0], blocks=body, contents=contents
    )
