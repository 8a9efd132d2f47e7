"""Read the plain Markdown the project's docs are written in into blocks a template can show.

Only what the docs use: headings, paragraphs, lists (one level, bulleted or numbered), tables,
fenced code, and inside text `code`, **strong**, *emphasis* and [links](...). Nothing here makes
markup: the template writes every piece of text through Jinja's escaping, so a doc can never put
HTML into a page. A link keeps its text only; the docs' links point at files and sites an admin
reading the page does not need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# inline pieces: code first, so "**" inside code stays as written
INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|\*([^*\s][^*]*?)\*|\[([^\]]+)\]\([^)]*\)")
LIST_ITEM = re.compile(r"^(\s*)(?:[-*]|(\d+)\.)\s+(.*)$")


@dataclass(frozen=True)
class Span:
    """A run of text and how it is set: "text", "code", "strong" or "em"."""

    kind: str
    text: str


@dataclass
class Block:
    """A heading, paragraph, list, table or code block; ``lines`` hold its inline spans."""

    kind: str
    level: int = 0
    lines: list[list[Span]] = field(default_factory=list)
    rows: list[list[list[Span]]] = field(default_factory=list)
    code: str = ""
    ordered: bool = False


def spans(text: str) -> list[Span]:
    """Split a line of Markdown into spans of plain, code, strong and emphasised text."""
    found: list[Span] = []
    at = 0
    for match in INLINE.finditer(text):
        if match.start() > at:
            found.append(Span("text", text[at : match.start()]))
        code, strong, em, link = match.groups()
        if code is not None:
            found.append(Span("code", code))
        elif strong is not None:
            found.append(Span("strong", strong))
        elif em is not None:
            found.append(Span("em", em))
        else:
            found.append(Span("text", link))
        at = match.end()
    if at < len(text):
        found.append(Span("text", text[at:]))
    return found


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_blocks(markdown: str) -> list[Block]:
    """Read a Markdown document into blocks, in order."""
    blocks: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif stripped.startswith("```"):
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith("```"):
                end += 1
            blocks.append(Block("code", code="\n".join(lines[i + 1 : end])))
            i = end + 1
        elif heading := re.match(r"^(#{1,6})\s+(.*)$", stripped):
            blocks.append(
                Block("heading", level=len(heading.group(1)), lines=[spans(heading.group(2))])
            )
            i += 1
        elif stripped.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = _cells(lines[i])
                if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                    rows.append([spans(c) for c in cells])
                i += 1
            blocks.append(Block("table", rows=rows))
        elif item := LIST_ITEM.match(line):
            block = Block("list", ordered=item.group(2) is not None)
            items: list[str] = []
            while i < len(lines) and lines[i].strip():
                item = LIST_ITEM.match(lines[i])
                if item and item.group(1) == "":
                    items.append(item.group(3))
                elif item:  # a nested item becomes a line of its own within the item above
                    items.append("\u2003– " + item.group(3))
                else:
                    items[-1] += " " + lines[i].strip()
                i += 1
            block.lines = [spans(text) for text in items]
            blocks.append(block)
        else:
            text = []
            while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]):
                text.append(lines[i].strip())
                i += 1
            blocks.append(Block("paragraph", lines=[spans(" ".join(text))]))
    return blocks


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("```", "|", "#")) or LIST_ITEM.match(line) is not None
