"""The publish confirmation lists the quality report's warnings for the draft, in plain words,
each linked to the question or role it names; they warn and never block publishing."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from flask import Flask
from helpers import csrf_token
from small_banks import alpha_agreement_document
from sqlalchemy import select

from quiz.core.bank import parse_bank
from quiz.core.quality import quality_report
from quiz.db import db
from quiz.models import Question, QuizVersion, Role
from quiz.store.drafts import replace_draft

CONFIRM = "/admin/publish/confirm"
GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


def same_either_way() -> dict[str, Any]:
    """A choice question whose two options weigh exactly alike: it separates no roles."""
    alike = {"analysis": 1, "building": 1, "shipping": 1}
    return {
        "key": "same-either-way",
        "kind": "choice",
        "prompt": "Tea or coffee?",
        "options": [
            {"key": "a", "label": "Tea", "weights": alike},
            {"key": "b", "label": "Coffee", "weights": alike},
        ],
    }


def use_draft(app: Flask, document: dict[str, Any]) -> None:
    with app.app_context():
        replace_draft(parse_bank(document))
        db.session.commit()


def warnings_on(html: str) -> list[tuple[str | None, str]]:
    """Return the page's quality warnings: (link or None, text), in order."""
    listed = re.search(r'<ul class="publish-warnings quality-warnings"[^>]*>(.*?)</ul>', html, re.S)
    assert listed, "no quality warnings on the page"
    found = []
    for item in re.findall(r"<li>(.*?)</li>", listed.group(1), re.S):
        link = re.search(r'<a href="([^"]+)"', item)
        words = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", item)).split())
        found.append((link.group(1) if link else None, words))
    return found


def item_id(app: Flask, model: type, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.key == key))


def test_the_default_draft_has_no_quality_warnings(admin_client):
    html = admin_client.get(CONFIRM).get_data(as_text=True)
    assert "quality-warnings" not in html
    assert "The draft passes every check." in html


def test_the_draft_quality_warnings_are_listed_and_linked_without_blocking(app, admin_client):
    document = alpha_agreement_document()
    document["questions"].append(same_either_way())
    use_draft(app, document)
    bank = parse_bank(document)
    expected = quality_report(
        bank.effect_table,
        [],
        question_labels={"same-either-way": "Question 12 (“Tea or coffee?”)"},
        role_names={r.key: r.name for r in bank.roles},
        agreement=bank.agreement_levels,
    ).warnings
    assert len(expected) > 2

    html = admin_client.get(CONFIRM).get_data(as_text=True)
    shown = warnings_on(html)
    # every warning of the report, in the report's words and order
    assert [words for _link, words in shown] == [f"Warning: {w}" for w in expected]
    question_link = f"/admin/questions/{item_id(app, Question, 'same-either-way')}"
    # numbered as in the question table: the twelfth question of the draft
    assert (
        question_link,
        "Warning: Question 12 (“Tea or coffee?”) does not separate any two roles: "
        "every answer moves them alike.",
    ) in shown
    alpha_link = f"/admin/roles/{item_id(app, Role, 'alpha')}"
    about_alpha = [words for link, words in shown if link == alpha_link]
    assert any("Strongly agree” to every statement put Alpha on top" in w for w in about_alpha)
    assert any(words.startswith("Warning: 100.0% of what") for words in about_alpha)
    assert all(
        link
        in (
            question_link,
            *(f"/admin/roles/{item_id(app, Role, key)}" for key in ("alpha", "beta", "gamma")),
        )
        for link, _words in shown
    )
    assert "The draft passes every check." not in html
    assert "they do not stop publishing" in html

    # they warn; they don't block
    assert 'id="confirm-publish-submit"' in html
    assert not re.search(r'<input[^>]*id="confirm-publish-submit"[^>]*disabled', html)
    response = admin_client.post("/admin/publish", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(select(QuizVersion.number).order_by(QuizVersion.number.desc())) == 2
        )


def test_the_quality_warnings_read_in_german(app, admin_client):
    document = alpha_agreement_document()
    document["questions"].append(same_either_way())
    use_draft(app, document)
    html = admin_client.get(CONFIRM, headers=GERMAN).get_data(as_text=True)
    words = " ".join(text for _link, text in warnings_on(html))
    assert "Warnung:" in words
    assert "Frage 12" in words
    assert "Warning" not in words
