"""Reading and sending the admin area's editing pages the way a browser does.

Forms are read off the page as a browser would fill them, changed, and sent back with the
page's own CSRF token; the draft and the audit log are read straight from the database.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from helpers import form_token
from sqlalchemy import select

from quiz.db import db
from quiz.models import AuditEntry, Dimension, Role
from quiz.store.drafts import draft_bank

# a name an admin might type that must reach every page escaped
MARKUP = '<script>alert("x")</script>'


class _FormReader(HTMLParser):
    """Collect each form on a page with the values a browser would send (buttons left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
            return
        if not self.forms or "name" not in a and tag != "option":
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                fields[a["name"]] = a.get("value") or "y"
        elif tag == "input" and a.get("type") not in ("submit", "button"):
            fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            fields[self._textarea] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and ("selected" in a or self._select not in fields):
            fields[self._select] = a["value"]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            fields = self.forms[-1]["fields"]
            # HTML drops one line break right after <textarea>
            fields[self._textarea] = re.sub(r"\A\r?\n", "", fields[self._textarea])
            self._textarea = None
        elif tag == "select":
            self._select = None


def page_form(client: FlaskClient, url: str) -> dict[str, str]:
    """Return the fields of the editing form (the one with a key) on the page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    return next(f["fields"] for f in reader.forms if "key" in f["fields"])


def draft_document(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return draft_bank().to_document()


def dimension_ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {key: id_ for key, id_ in db.session.execute(select(Dimension.key, Dimension.id))}


def role_id(app: Flask, key: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Role.id).where(Role.key == key))
        assert found is not None, key
        return found


def audit_entries(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.admin_email, e.action, e.target) for e in entries]


def new_entries(app: Flask, before: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return audit_entries(app)[len(before) :]


def role_data(app: Flask, role: dict[str, Any]) -> dict[str, str]:
    """Return ``role`` (a bank role) as the new-role form sends it."""
    ids = dimension_ids(app)
    data = {name: role[name] for name in ("key", "name", "summary", "focus")}
    data |= {name: role[name] for name in ("typical_day", "first_project")}
    data |= {name: "\n".join(role[name]) for name in ("skills", "tasks", "goals", "learn_first")}
    data |= {f"emphasis-{i}": str(role["profile"].get(key, 0)) for key, i in ids.items()}
    return data


def field_error(html: str, field_id: str) -> str:
    """Return the error shown beside a field, checking the field points at it."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    assert match, f"no error beside {field_id}"
    assert re.search(rf'aria-describedby="[^"]*\b{re.escape(field_id)}-error"', html), field_id
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, str], **kwargs: Any):
    return client.post(url, data={"csrf_token": form_token(client, url), **data}, **kwargs)


def post_button(client: FlaskClient, url: str, page: str, data: dict[str, str] | None = None):
    """Press a button on ``page`` that posts to ``url`` (its token comes from that page)."""
    return client.post(url, data={"csrf_token": form_token(client, page), **(data or {})})


# the columns of the admin's questions table, after each row's checkbox and before its move form
LIST_COLUMNS = ("number", "prompt", "Key", "Kind", "State", "Measures", "Moves most")


def listed(html: str) -> list[dict[str, str]]:
    """Return each question row of the list table, in page order, with what it says of it."""
    entries = []
    for row in re.findall(r'<tr id="question-\d+".*?</tr>', html, re.S):
        # the question's preview link is not what the row says of it
        row = re.sub(r'<a class="preview-link".*?</a>', "", row, flags=re.S)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        # the first cell is the row's checkbox, the last its move form
        texts = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells[1:-1]]
        entries.append(dict(zip(LIST_COLUMNS, texts, strict=True)))
    return entries
