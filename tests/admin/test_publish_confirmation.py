"""Publishing through its confirmation page, the refusal of an unchanged draft, checks that
link to what they name, and the published versions: their list, the difference between two,
and a draft started from one. Everything goes through the real app with CSRF on."""

from __future__ import annotations

import html as htmllib
import re

from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, csrf_token, form_token
from sqlalchemy import select

from quiz.db import db
from quiz.models import AuditEntry, Dimension, Question, QuizVersion, Role
from quiz.store.drafts import draft_bank
from quiz.store.publishing import latest_version_id, published_bank


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def version_numbers(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(QuizVersion.number).order_by(QuizVersion.number)))


def set_prompt(app: Flask, key: str, prompt: str) -> None:
    with app.app_context():
        db.session.scalar(select(Question).where(Question.key == key)).prompt = prompt
        db.session.commit()


def item_id(app: Flask, model: type, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.key == key))


def publish(client: FlaskClient):
    token = form_token(client, "/admin/publish/confirm")
    return client.post("/admin/publish", data={"csrf_token": token})


def button(html: str, button_id: str) -> str:
    match = re.search(rf'<(?:button|input)[^>]*id="{button_id}"[^>]*>', html)
    assert match, f"no {button_id} on the page"
    return match.group(0)


def test_confirmation_lists_what_the_draft_changes_and_publishes_on_confirm(app, admin_client):
    set_prompt(app, "q01", "A prompt changed for the summary.")
    with app.app_context():
        db.session.scalar(select(Role).where(Role.key == "ml-engineer")).summary = "New summary."
        db.session.commit()
    overview = admin_client.get("/admin/")
    assert 'action="/admin/publish/confirm"' in overview.text
    assert "disabled" not in button(overview.text, "publish-submit")

    page = admin_client.get("/admin/publish/confirm")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "What changes against version 1" in text
    assert "2 changes:" in text
    assert "Questions changed A prompt changed for the summary. (q01) Changed: text" in text
    assert "Roles changed Machine Learning Engineer (ml-engineer) : summary" in text
    assert "Questions added" not in text
    assert "disabled" not in button(page.text, "confirm-publish-submit")
    assert version_numbers(app) == [1]  # showing the summary publishes nothing

    response = admin_client.post("/admin/publish", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert version_numbers(app) == [1, 2]
    with app.app_context():
        assert published_bank(latest_version_id()).question_by_key["q01"].prompt == (
            "A prompt changed for the summary."
        )


def test_an_unchanged_draft_is_refused_in_the_web_flow(app, admin_client):
    page = admin_client.get("/admin/publish/confirm")
    assert "No differences" in page.text
    assert "the draft is the same as version 1" in text_of(page.text)
    assert "disabled" in button(page.text, "confirm-publish-submit")
    assert "disabled" in button(admin_client.get("/admin/").text, "publish-submit")

    response = admin_client.post("/admin/publish", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    overview = admin_client.get(response.headers["Location"]).text
    assert "Not published: the draft is the same as version 1" in text_of(overview)
    assert version_numbers(app) == [1]


def test_an_unchanged_draft_is_refused_on_the_command_line(app):
    result = app.test_cli_runner().invoke(args=["bank", "publish"])
    assert result.exit_code == 1
    assert "Not published: the draft is the same as quiz version 1." in result.output
    assert version_numbers(app) == [1]


def test_failing_checks_disable_publish_and_link_to_the_page_to_fix(app, admin_client):
    with app.app_context():
        db.session.scalar(select(Role).where(Role.key == "ml-engineer")).typical_day = ""
        db.session.commit()
    role_url = f"/admin/roles/{item_id(app, Role, 'ml-engineer')}"
    for url, button_id in (
        ("/admin/", "publish-submit"),
        ("/admin/publish/confirm", "confirm-publish-submit"),
    ):
        html = admin_client.get(url).text
        tag = button(html, button_id)
        assert re.search(r"\sdisabled(\s|>|=)", tag), url
        assert 'aria-describedby="publish-blocked"' in tag
        assert "Publishing is not possible until every check above passes." in text_of(html)
        assert f'<a href="{role_url}">Role “Machine Learning Engineer” (ml-engineer)' in (
            htmllib.unescape(html)
        )


def test_a_dimension_check_links_to_the_dimension(app, admin_client):
    with app.app_context():
        db.session.add(Dimension(key="juggling", name="Juggling", kind="skill", description=""))
        db.session.commit()
    html = admin_client.get("/admin/publish/confirm").text
    link = f'<a href="/admin/dimensions/{item_id(app, Dimension, "juggling")}">'
    assert link + "Skill or goal “Juggling” (juggling) is not weighed" in htmllib.unescape(html)
    assert "Skills and goals added Juggling (juggling)" in text_of(html)


def test_missing_translations_are_a_warning_per_language(app, admin_client):
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "q01"))
        question.translations = {}  # its prompt had the only translated text of q01
        db.session.commit()
        assert len(draft_bank().translation_gaps("de")) == 1
    html = admin_client.get("/admin/publish/confirm").text
    assert "passes every check" not in html
    assert re.search(r"Warning: 1 of \d+ texts is not translated into Deutsch", text_of(html))
    assert "disabled" not in button(html, "confirm-publish-submit")
    overview = admin_client.get("/admin/").text
    assert "passes every check" not in overview
    assert "Warning: 1 text is not translated into Deutsch yet." in text_of(overview)


def test_versions_list_who_published_each(app, admin_client):
    set_prompt(app, "q01", "Version two.")
    assert publish(admin_client).status_code == 302
    html = admin_client.get("/admin/versions").text
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    cells = [[text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]
    assert [row[0] for row in cells] == ["2", "1"]
    assert [row[2] for row in cells] == [ADMIN_EMAIL, "first start"]
    assert 'href="/admin/versions/1/draft"' in html


def test_the_difference_between_two_versions(app, admin_client):
    set_prompt(app, "q01", "Version two prompt.")
    assert publish(admin_client).status_code == 302
    html = admin_client.get("/admin/versions/diff?from=1&to=2").text
    assert "From version 1 to version 2" in text_of(html)
    assert "Version two prompt. (q01) Changed: text" in text_of(html)
    same = admin_client.get("/admin/versions/diff?from=2&to=2").text
    assert "No differences" in same
    assert admin_client.get("/admin/versions/diff?from=1&to=9").status_code == 404
    assert admin_client.get("/admin/versions/diff?from=x").status_code == 404


def test_a_draft_started_from_a_version_replaces_the_draft_after_confirming(app, admin_client):
    set_prompt(app, "q01", "Version two prompt.")
    assert publish(admin_client).status_code == 302
    set_prompt(app, "q01", "An unpublished edit.")

    page = admin_client.get("/admin/versions/1/draft")
    assert page.status_code == 200
    assert "Every change in the draft that is not published is lost." in page.text
    assert admin_client.post("/admin/versions/1/draft").status_code == 400  # no CSRF token
    with app.app_context():
        assert draft_bank().question_by_key["q01"].prompt == "An unpublished edit."

    response = admin_client.post(
        "/admin/versions/1/draft", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert (
            draft_bank().to_document()
            == published_bank(
                db.session.scalar(select(QuizVersion.id).where(QuizVersion.number == 1))
            ).to_document()
        )
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.admin_email, entry.action, entry.target) == (
            ADMIN_EMAIL,
            "draft from version",
            "quiz version 1",
        )
    assert admin_client.get("/admin/versions/9/draft").status_code == 404
    # the draft now differs from version 2: publishing it makes version 3, a rollback
    assert publish(admin_client).status_code == 302
    assert version_numbers(app) == [1, 2, 3]


def test_the_new_pages_speak_german(app, admin_client):
    german = {"Accept-Language": "de"}
    confirm = text_of(admin_client.get("/admin/publish/confirm", headers=german).text)
    assert "Keine Unterschiede" in confirm
    assert "Veröffentlichen ist nicht möglich: Der Entwurf gleicht Version 1." in confirm
    versions = text_of(admin_client.get("/admin/versions", headers=german).text)
    assert "Veröffentlicht von" in versions and "Entwurf daraus beginnen" in versions
