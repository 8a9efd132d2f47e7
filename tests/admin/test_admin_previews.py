"""Previewing one question, one page, or a result from hand-set answers, through the admin
pages on both databases: shown as a taker sees them, and nothing stored."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from helpers import csrf_token
from sqlalchemy import func, select

from quiz.core.answer_patterns import pattern_answers, patterns
from quiz.core.bank import Bank, parse_bank
from quiz.core.scoring import rank_roles
from quiz.db import db
from quiz.models import CountedResults, DailyCount, Question, Result, StatisticsCount
from quiz.store.drafts import draft_bank

RESULT = "/admin/preview/result"


def draft(app: Flask) -> Bank:
    with app.app_context():
        return parse_bank(draft_bank().to_document())


def stored_rows(app: Flask) -> dict[str, int]:
    """Count what taking the quiz would store: results and every analytics count."""
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Result, DailyCount, CountedResults, StatisticsCount)
        }


def question_row(app: Flask, key: str) -> tuple[int, bool]:
    with app.app_context():
        row = db.session.scalar(select(Question).where(Question.key == key))
        return row.id, row.active


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def radios(html: str) -> dict[str, list[str]]:
    """Return the radio groups of a quiz page: field name -> option values, in order."""
    groups: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(q-[^"]+)" type="radio" value="([^"]*)"', html):
        groups.setdefault(name, []).append(value)
    return groups


def selected(html: str) -> dict[str, str]:
    """Return each select of the result preview form with the value chosen in it."""
    chosen = {}
    for name, inner in re.findall(r'<select[^>]* name="(q-[^"]+)"[^>]*>(.*?)</select>', html, re.S):
        found = re.search(r'<option selected value="([^"]*)"', inner)
        chosen[name] = found.group(1) if found else ""
    return chosen


def fits_line(html: str) -> list[tuple[str, int]]:
    """Return the ranking a result page shows (its link preview's line): (role, fit) in order."""
    line = unescape(re.search(r'<meta property="og:description" content="([^"]*)"', html).group(1))
    return [(name.strip(), int(fit)) for name, fit in re.findall(r"([^·]+?) (\d+)%", line)]


# --- one question ------------------------------------------------------------------------


def test_one_question_is_shown_as_a_taker_sees_it_from_the_table_and_the_editor(app, admin_client):
    bank = draft(app)
    question = bank.questions[4]
    question_id, _active = question_row(app, question.key)
    url = f"/admin/questions/{question_id}/preview"
    assert f'href="{url}"' in admin_client.get("/admin/questions").get_data(as_text=True)
    assert f'href="{url}"' in admin_client.get(f"/admin/questions/{question_id}").get_data(
        as_text=True
    )
    before = stored_rows(app)

    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Question 5 of {len(bank.questions)}" in text(html)
    assert "Preview of the unpublished draft" in html
    # this question alone, every option as a radio button with the taker's labels
    assert radios(html) == {f"q-{question.key}": [o.key for o in question.options]}
    shown = text(html)
    assert question.prompt in shown
    assert all(option.label in shown for option in question.options)

    token = csrf_token(html)
    refused = admin_client.post(url, data={"csrf_token": token})
    assert refused.status_code == 200
    assert "Please choose an answer to this question." in refused.get_data(as_text=True)
    answer = {f"q-{question.key}": question.options[-1].key}
    tried = admin_client.post(url, data={"csrf_token": token, **answer})
    assert "A taker could go on with this answer. Nothing is saved." in tried.get_data(as_text=True)
    assert admin_client.post(url, data=answer).status_code == 400  # no CSRF token
    assert stored_rows(app) == before


def test_an_inactive_question_is_previewed_as_it_would_read_once_activated(app, admin_client):
    question_id, _active = question_row(app, "q03")
    with app.app_context():
        db.session.get(Question, question_id).active = False
        db.session.commit()
    html = admin_client.get(f"/admin/questions/{question_id}/preview").get_data(as_text=True)
    assert "This question is inactive: takers are not asked it." in html
    assert list(radios(html)) == ["q-q03"]
    assert admin_client.get("/admin/questions/99999/preview").status_code == 404


# --- one page ----------------------------------------------------------------------------


def test_one_page_is_shown_without_answering_the_pages_before(app, admin_client):
    bank = draft(app)
    pages = bank.pages(app.config["QUESTIONS_PER_PAGE"])
    before = stored_rows(app)

    response = admin_client.get("/admin/preview/pages/3")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert list(radios(html)) == [f"q-{q.key}" for q in pages[2]]
    first = 1 + len(pages[0]) + len(pages[1])
    assert f"Questions {first}–{first + len(pages[2]) - 1} of {len(bank.questions)}" in text(html)

    token = csrf_token(html)
    answers = {f"q-{q.key}": q.options[0].key for q in pages[2]}
    moved_on = admin_client.post(
        "/admin/preview/pages/3", data={"csrf_token": token, "forward": "Next", **answers}
    )
    assert moved_on.status_code == 302
    assert moved_on.headers["Location"] == "/admin/preview/pages/4"
    # nothing was kept: page 3 comes back unanswered
    assert "checked" not in admin_client.get("/admin/preview/pages/3").get_data(as_text=True)
    back = admin_client.post("/admin/preview/pages/3", data={"csrf_token": token, "back": "Back"})
    assert back.headers["Location"] == "/admin/preview/pages/2"
    gap = admin_client.post("/admin/preview/pages/3", data={"csrf_token": token, "forward": "Next"})
    assert gap.status_code == 200
    assert "Please answer" in gap.get_data(as_text=True)

    last = len(pages)
    answers = {f"q-{q.key}": q.options[0].key for q in pages[-1]}
    end = admin_client.post(
        f"/admin/preview/pages/{last}", data={"csrf_token": token, "forward": "x", **answers}
    )
    assert end.status_code == 200
    assert "a taker would see their result next" in end.get_data(as_text=True)
    for missing in (0, last + 1):
        assert admin_client.get(f"/admin/preview/pages/{missing}").status_code == 404
    assert stored_rows(app) == before


# --- a result from hand-set answers ----------------------------------------------------------


def test_the_result_form_lists_every_active_question_with_its_options(app, admin_client):
    bank = draft(app)
    html = admin_client.get(RESULT).get_data(as_text=True)
    assert selected(html) == {f"q-{q.key}": "" for q in bank.questions}
    for question in bank.questions[:3]:
        inner = re.search(rf'name="q-{question.key}"[^>]*>(.*?)</select>', html, re.S).group(1)
        values = re.findall(r'value="([^"]*)"', inner)
        assert values == ["", *(o.key for o in question.options)]
    for pattern in patterns(bank.instrument.roles):
        assert f'name="pattern" value="{pattern}"' in html


@pytest.mark.parametrize("pattern", ["first", "middle", "last", "role"])
def test_each_pattern_fills_in_the_answers_and_shows_the_ranking_the_scoring_core_gives(
    app, admin_client, pattern
):
    bank = draft(app)
    weights = {q.key: {o.key: o.weights for o in q.options} for q in bank.questions}
    chosen_patterns = (
        [f"role:{role.key}" for role in bank.roles] if pattern == "role" else [pattern]
    )
    before = stored_rows(app)
    for chosen in chosen_patterns:
        token = csrf_token(admin_client.get(RESULT).get_data(as_text=True))
        filled = admin_client.post(RESULT, data={"csrf_token": token, "pattern": chosen})
        assert filled.status_code == 200
        html = filled.get_data(as_text=True)
        expected = pattern_answers(chosen, weights, bank.instrument.roles)
        assert selected(html) == {f"q-{q}": o for q, o in expected.items()}
        assert 'class="notice" role="status">Filled in' in html

        shown = admin_client.post(
            RESULT, data={"csrf_token": token, "show": "Show the result", **selected(html)}
        )
        assert shown.status_code == 200
        page = shown.get_data(as_text=True)
        ranking = rank_roles(bank.effect_table, expected).ranking
        names = {role.key: role.name for role in bank.roles}
        assert fits_line(page) == [(names[fit.role], fit.percent) for fit in ranking]
        assert "Preview results are not saved" in page
        if chosen.startswith("role:"):
            # the leaning answers give the role every point it can have
            leaned = next(fit for fit in ranking if fit.role == chosen[5:])
            assert leaned.percent == 100
    assert stored_rows(app) == before


def test_a_result_needs_every_answer_and_a_known_pattern(app, admin_client):
    bank = draft(app)
    token = csrf_token(admin_client.get(RESULT).get_data(as_text=True))
    some = {f"q-{q.key}": q.options[0].key for q in bank.questions[:-2]}
    response = admin_client.post(RESULT, data={"csrf_token": token, "show": "x", **some})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "2 questions still need an answer." in html
    # what was chosen stays chosen
    assert selected(html)[f"q-{bank.questions[0].key}"] == bank.questions[0].options[0].key

    wrong = {**some, **{f"q-{q.key}": "no-such-option" for q in bank.questions[-2:]}}
    assert admin_client.post(RESULT, data={"csrf_token": token, **wrong}).status_code == 422
    for pattern in ("second", "role:nobody", "role:"):
        refused = admin_client.post(RESULT, data={"csrf_token": token, "pattern": pattern})
        assert refused.status_code == 422
        assert "That pattern is not one of the buttons." in refused.get_data(as_text=True)
    assert admin_client.post(RESULT, data={"pattern": "first"}).status_code == 400


def test_an_anonymous_visitor_cannot_open_a_preview(app, client):
    question_id, _active = question_row(app, "q01")
    for url in (f"/admin/questions/{question_id}/preview", "/admin/preview/pages/1", RESULT):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/sign-in" in response.headers["Location"]


def test_the_result_preview_speaks_german(app, admin_client):
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    html = admin_client.get(RESULT, headers=german).get_data(as_text=True)
    assert "Überall die mittlere Antwort" in html
    assert "Zu Data Scientist neigen" in html
    token = csrf_token(html)
    filled = admin_client.post(
        RESULT, data={"csrf_token": token, "pattern": "middle"}, headers=german
    ).get_data(as_text=True)
    assert "Ausgefüllt: Überall die mittlere Antwort." in filled
    # the agreement statements' answers in the taker's language
    assert '<option selected value="3">Teils, teils</option>' in filled
