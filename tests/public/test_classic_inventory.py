"""A classic summed-scale interest inventory, imported as a file and taken over HTTP.

Six areas of kind "interest", a role per area with that area alone in its profile, five
items per area. Whether the items are agreement statements with the inventory's own labels
or choice questions weighted 0..4, each role's fit must be the classic score: the area's
item scores (0 for the first answer ... 4 for the last) summed, over the most they could
sum to, as a percent rounded half up (docs/scoring.md, "A classic summed scale").

Every step goes through the real stack with CSRF on: the admin's upload form, the publish
button, the quiz pages and the result page, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html as htmllib
import json
import math
import re
from fractions import Fraction

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import create_admin, csrf_token, page_options, sign_in, take_quiz
from inventory import (
    AREAS,
    GERMAN_LABELS,
    ITEMS_PER_AREA,
    LABELS,
    MAXIMUM,
    inventory_document,
    inventory_text,
    publish,
    upload_bank,
)
from sqlalchemy import select

from quiz.core.bank import LIKERT_SCALE
from quiz.db import db
from quiz.models import Result

# each area's classic item scores (0..4), item 1 to 5: varied, no two areas summing alike
SCORES = {
    "realistic": [4, 4, 3, 4, 4],
    "investigative": [0, 1, 2, 3, 4],
    "artistic": [2, 2, 2, 2, 1],
    "social": [0, 0, 0, 0, 0],
    "enterprising": [3, 1, 4, 1, 3],
    "conventional": [1, 0, 1, 0, 1],
}
APP_LABELS = [label for _key, label, _level in LIKERT_SCALE]
WHY_HEADING = re.compile(r"<h3 class=\"why-role\">(.+?) — (\d+)%</h3>")
# a row of the profile: the dimension's name and its kind
ROW_HEADING = re.compile(r'<th scope="row">([^<]+) <span class="dimension-kind">([^<]+)</span>')


def half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


# for the quick quiz: a closer race, so it asks several areas before it stops
QUICK_SCORES = {**SCORES, "realistic": [3, 1, 2, 2, 1]}


def classic_answer(name: str, values: list[str], scores: dict[str, list[int]] = SCORES) -> str:
    """Answer item ``q-<area>-<n>`` with the option of its classic score in ``scores``."""
    area, number = name.removeprefix("q-").rsplit("-", 1)
    return values[scores[area][int(number) - 1]]


def area_of(question_key: str) -> str:
    return question_key.rsplit("-", 1)[0]


def role_key(area: str) -> str:
    return AREAS[area][1].lower()


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def shown_fits(html: str) -> dict[str, int]:
    """Return each role's fit as the result page shows it, by role name."""
    return {htmllib.unescape(name): int(fit) for name, fit in WHY_HEADING.findall(html)}


def stored_result(app: Flask, result_url: str) -> Result:
    token = result_url.rsplit("/", 1)[1]
    with app.app_context():
        result = db.session.scalar(select(Result).where(Result.share_token == token))
        db.session.expunge(result)
        return result


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    """A client signed in as an admin, through the real sign-in form."""
    create_admin(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


@pytest.fixture(params=["likert", "choice"])
def variant(request: pytest.FixtureRequest, admin_client: FlaskClient) -> str:
    """Import the inventory (as ``variant``) through the admin's upload form and publish it."""
    response = upload_bank(admin_client, inventory_text(request.param))
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:2000]
    response = publish(admin_client)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:2000]
    return request.param


def test_each_roles_fit_is_its_areas_classic_summed_score(app, variant):
    visitor = app.test_client()
    result_url = take_quiz(visitor, choose=classic_answer).result_url
    page = visitor.get(result_url).get_data(as_text=True)

    shown = shown_fits(page)
    assert len(shown) == len(AREAS)
    for area, (_name, role, _german, _items) in AREAS.items():
        raw = sum(SCORES[area])
        assert shown[role] == half_up(Fraction(100 * raw, MAXIMUM)), area

    # the stored outcome holds the exact numbers the shown fits were rounded from
    result = stored_result(app, result_url)
    assert result.answers == {
        f"{area}-{n}": (str(score + 1) if variant == "likert" else f"s{score}")
        for n in range(1, ITEMS_PER_AREA + 1)
        for area, scores in SCORES.items()
        for score in [scores[n - 1]]
    }
    assert result.careless is None
    for entry in result.outcome["ranking"]:
        area = next(a for a in AREAS if role_key(a) == entry["role"])
        raw = sum(SCORES[area])
        # agreement levels run -2..2, so the classic score is the raw total above the lowest
        assert entry["raw"] - entry["lowest"] == raw
        assert entry["highest"] - entry["lowest"] == MAXIMUM
        exact = Fraction(100 * (entry["raw"] - entry["lowest"]), entry["highest"] - entry["lowest"])
        assert exact == Fraction(100 * raw, MAXIMUM)
        assert entry["fit"] == half_up(exact)
        # each area is its own dimension, so the profile says the same as the fit
        assert result.outcome["profile"][area] == half_up(exact)
    ranked = [entry["role"] for entry in result.outcome["ranking"]]
    assert ranked == [role_key(a) for a in sorted(AREAS, key=lambda a: -sum(SCORES[a]))]


def test_the_profile_shows_the_areas_as_interests(app, variant):
    visitor = app.test_client()
    result_url = take_quiz(visitor, choose=classic_answer).result_url
    page = visitor.get(result_url).get_data(as_text=True)
    profile = re.search(r'<section aria-labelledby="profile-heading".*?</section>', page, re.S)
    assert profile, "the result page shows the person's profile"
    assert "Your interests against each role" in profile.group(0)
    assert "Your skills and goals" not in profile.group(0)
    rows = ROW_HEADING.findall(profile.group(0))
    assert rows == [(htmllib.escape(name), "interest") for name, *_ in AREAS.values()]

    visitor.set_cookie("lang", "de")
    german = visitor.get(result_url).get_data(as_text=True)
    assert "Deine Interessen im Vergleich mit den Rollen" in german
    rows = ROW_HEADING.findall(german)
    assert rows == [(htmllib.escape(de), "Interesse") for _n, _r, de, _i in AREAS.values()]


def test_a_quick_quiz_fit_is_the_classic_score_of_the_items_it_asked(app, variant):
    """Quick mode stops early: each area's maximum is 4 per item of it asked, so fits
    like 100 × 1 / 8 = 12.5 are rounded half up (to 13), and an area never asked has 0."""
    visitor = app.test_client()
    for _ in range(len(AREAS) * ITEMS_PER_AREA + 1):
        html = visitor.get("/quiz/quick").get_data(as_text=True)
        ((name, values),) = page_options(html).items()
        asked = re.search(r'name="question" type="hidden" value="([^"]*)"', html).group(1)
        response = visitor.post(
            "/quiz/quick",
            data={
                "csrf_token": csrf_token(html),
                "question": asked,
                name: classic_answer(name, values, QUICK_SCORES),
                "forward": "x",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
        if "/r/" in response.headers["Location"]:
            result_url = response.headers["Location"]
            break
    else:
        raise AssertionError("the quick quiz never stopped")

    answers = stored_result(app, result_url).answers
    shown = shown_fits(visitor.get(result_url).get_data(as_text=True))
    exact_fits = []
    for area, (_name, role, _german, _items) in AREAS.items():
        items = [key for key in answers if area_of(key) == area]
        raw = sum(QUICK_SCORES[area][int(key.rsplit("-", 1)[1]) - 1] for key in items)
        exact = Fraction(100 * raw, 4 * len(items)) if items else Fraction(0)
        assert shown[role] == half_up(exact), (area, items)
        exact_fits.append(exact)
    assert len(answers) < len(AREAS) * ITEMS_PER_AREA, "quick mode stopped early"
    assert any(fit.denominator == 2 for fit in exact_fits), (
        f"no fit fell on a half, so rounding half up went untested: {exact_fits}"
    )


# ---------------------------------------------------------------- the inventory's own labels


@pytest.fixture
def likert_inventory(admin_client: FlaskClient) -> FlaskClient:
    """The agreement variant imported and published; the admin's client."""
    assert upload_bank(admin_client, inventory_text("likert")).status_code == 302
    assert publish(admin_client).status_code == 302
    return admin_client


def answer_labels(html: str) -> list[str]:
    """Return the answer labels of the first question on a taking page, in order."""
    fieldset = re.search(r'<fieldset class="question.*?</fieldset>', html, re.S)
    assert fieldset, "the page shows a question"
    labels = re.findall(r'<input[^>]*type="radio"[^>]*> <span>([^<]*)</span>', fieldset.group(0))
    return [htmllib.unescape(label) for label in labels]


def test_the_taking_pages_show_the_inventorys_own_labels(app, likert_inventory):
    visitor = app.test_client()
    assert answer_labels(visitor.get("/quiz/1").get_data(as_text=True)) == LABELS
    assert answer_labels(visitor.get("/quiz/quick").get_data(as_text=True)) == LABELS
    assert answer_labels(likert_inventory.get("/admin/preview").get_data(as_text=True)) == LABELS

    german = app.test_client()
    german.set_cookie("lang", "de")
    assert answer_labels(german.get("/quiz/1").get_data(as_text=True)) == GERMAN_LABELS
    assert answer_labels(german.get("/quiz/quick").get_data(as_text=True)) == GERMAN_LABELS
    likert_inventory.set_cookie("lang", "de")
    preview = likert_inventory.get("/admin/preview").get_data(as_text=True)
    assert answer_labels(preview) == GERMAN_LABELS


def test_the_result_page_says_the_chosen_answers_in_the_inventorys_words(app, likert_inventory):
    visitor = app.test_client()
    result_url = take_quiz(visitor, choose=classic_answer).result_url
    text = text_of(visitor.get(result_url).get_data(as_text=True))
    said = set(re.findall(r"You said: (Strongly dislike|Dislike|Unsure|Strongly like|Like)", text))
    # the strongest pushes are the extreme answers: Realistic's 4s and Social's 0s
    assert {"Strongly like", "Strongly dislike"} <= said
    for app_label in APP_LABELS:
        assert f"You said: {app_label}" not in text
    # the runner-up's fewest changes are worded in the inventory's labels too
    change = re.search(r"What would change your result(.*?)No fewer changes", text)
    assert change, text[:3000]
    assert any(f"“{label}”" in change.group(1) for label in LABELS)

    visitor.set_cookie("lang", "de")
    german = text_of(visitor.get(result_url).get_data(as_text=True))
    assert "Mag ich sehr" in german and "Mag ich gar nicht" in german
    assert "Strongly like" not in german


def test_straight_lining_the_inventory_is_still_flagged_careless(app, likert_inventory):
    visitor = app.test_client()
    result_url = take_quiz(visitor, choose=lambda name, values: values[3]).result_url
    assert stored_result(app, result_url).careless == "same-answer"


def test_a_version_published_before_keeps_showing_the_apps_labels(app, admin_client):
    """A result taken on a version without labels reads the same once a version has them."""
    without_labels = inventory_document("likert")
    for question in without_labels["questions"]:
        del question["labels"], question["translations"]
    assert upload_bank(admin_client, json.dumps(without_labels)).status_code == 302
    assert publish(admin_client).status_code == 302
    visitor = app.test_client()
    assert answer_labels(visitor.get("/quiz/1").get_data(as_text=True)) == APP_LABELS
    before_url = take_quiz(visitor, choose=classic_answer).result_url

    def why(url: str) -> str:
        page = visitor.get(url).get_data(as_text=True)
        return re.search(r'<section aria-labelledby="why-heading".*?</section>', page, re.S)[0]

    before = why(before_url)
    assert any(f"You said: {label}" in text_of(before) for label in APP_LABELS)
    assert upload_bank(admin_client, inventory_text("likert")).status_code == 302
    assert publish(admin_client).status_code == 302
    assert why(before_url) == before
    assert not any(label in text_of(before) for label in ("Strongly dislike", "Strongly like"))
