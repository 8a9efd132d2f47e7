"""Admin pages name who is signed in and drop the public footer; the audit log names items."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL
from sqlalchemy import select

from quiz.db import db
from quiz.models import Question, Role
from quiz.store import audit


def test_admin_pages_say_who_is_signed_in_and_leave_out_the_public_footer(
    admin_client: FlaskClient,
) -> None:
    page = admin_client.get("/admin/").get_data(as_text=True)
    nav = re.search(r'<nav class="admin-nav".*?</nav>', page, re.S)
    assert nav is not None
    assert f"Signed in as {ADMIN_EMAIL}" in nav.group(0)
    assert "site-footer" not in page
    assert 'class="site-footer"' in admin_client.get("/").get_data(as_text=True)


def test_the_audit_log_shows_names_with_the_key_in_small_print(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        role = db.session.scalars(select(Role).order_by(Role.id)).first()
        question = db.session.scalars(select(Question).order_by(Question.id)).first()
        assert role is not None and question is not None
        role_key, role_name = role.key, role.name
        question_key, prompt = question.key, question.prompt
        audit.record("edit role", f"role {role_key}", actor=ADMIN_EMAIL)
        audit.record("edit question", f"question {question_key}", actor=ADMIN_EMAIL)
        audit.record("delete question", "question long-gone", actor=ADMIN_EMAIL)
        audit.record("import", "question bank from bank.json", actor=ADMIN_EMAIL)
        db.session.commit()
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("</tr>")[:-1]]
    by_action = {cells[2]: cells[3] for cells in rows}
    assert by_action["edit role"].startswith(role_name)
    assert f'<span class="audit-key">Role <code>{role_key}</code></span>' in by_action["edit role"]
    assert by_action["edit question"].startswith(prompt.replace("'", "&#39;")[:20])
    assert f"<code>{question_key}</code>" in by_action["edit question"]
    assert by_action["delete question"].startswith("<code>long-gone</code>")
    assert "no longer in the bank" in by_action["delete question"]
    assert by_action["import"] == "question bank from bank.json"
