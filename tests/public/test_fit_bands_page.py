"""The result page and its JSON say whether each fit is strong, moderate or weak, in words.

Through the real app on SQLite and PostgreSQL. The bands are read from the stored percent,
so some tests store a result and then set its stored fits, as a result stored before the
bands existed would have them; another finds real answers on whatever bank is published.
"""

from __future__ import annotations

import html as htmllib
import random
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz.core.bank import Bank
from quiz.core.fit_bands import fit_band
from quiz.core.scoring import answers_favouring, rank_roles
from quiz.db import db
from quiz.models import Result
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import create_result
from quiz.web.ownership import SESSION_KEY as OWNED_RESULTS

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
WORDS = {
    "en": {"strong": "Strong fit", "moderate": "Moderate fit", "weak": "Weak fit"},
    "de": {"strong": "Starke Passung", "moderate": "Mittlere Passung", "weak": "Schwache Passung"},
}
NO_SECOND_ROLE = {
    "en": "Your answers do not point strongly to any second role: the next, {role}, is a weak "
    "fit ({percent}%).",
    "de": "Deine Antworten zeigen auf keine zweite Rolle deutlich: Die nächste, {role}, passt "
    "nur schwach ({percent}%).",
}
NO_SECOND_ROLE_CLOSE = {
    "en": "Your answers do not point strongly to any second role, though: {role} is a weak fit.",
    "de": "Deine Antworten zeigen allerdings auf keine zweite Rolle deutlich: {role} passt nur "
    "schwach.",
}
CLOSE_CALL = {"en": "Close call:", "de": "Knappe Sache:"}
BOTH_SUIT = {
    "en": "Both roles suit you",
    "de": "Beide Rollen passen zu dir",
}
WEAK_TOP = {
    "en": "Your answers do not point strongly to any role: even the best fit is a weak one.",
    "de": "Deine Antworten zeigen auf keine Rolle deutlich: Selbst die beste Passung ist schwach.",
}


def the_bank(app: Flask) -> tuple[Bank, int]:
    with app.app_context():
        version_id = latest_version_id()
        assert version_id is not None
        return published_bank(version_id), version_id


def stored_result(app: Flask, answers: dict[str, str]) -> str:
    """Store a full result with ``answers``; return its share token."""
    bank, version_id = the_bank(app)
    with app.app_context():
        result, _ = create_result(bank, version_id, answers)
        db.session.commit()
        return result.share_token


def result_with_fits(app: Flask, fits: list[int], close_call: bool) -> tuple[str, list[str]]:
    """Store a result, then set its stored fits, best first; return its token and role names.

    The page reads the stored outcome, never scoring again, so this is how a result stored
    with these percents reads, whenever it was stored.
    """
    bank, _ = the_bank(app)
    token = stored_result(app, answers_favouring(bank.effect_table, bank.roles[0].key))
    with app.app_context():
        result = db.session.scalars(select(Result).filter_by(share_token=token)).one()
        outcome = dict(result.outcome)
        ranking = [dict(entry) for entry in outcome["ranking"]]
        assert len(fits) == len(ranking)
        for entry, fit in zip(ranking, fits, strict=True):
            entry["fit"] = fit
        result.outcome = {**outcome, "ranking": ranking, "close_call": close_call}
        db.session.commit()
        names = [bank.role_by_key[entry["role"]].name for entry in ranking]
    return token, names


def fits_for(app: Flask, *first: int) -> list[int]:
    """Return ``first`` followed by falling weak fits, one for each of the bank's roles."""
    bank, _ = the_bank(app)
    return [*first, *(30 - i for i in range(len(bank.roles) - len(first)))]


def read(client: FlaskClient, url: str, language: str) -> tuple[str, str]:
    """Return the page's HTML and its text as its taker reads it, in ``language``."""
    with client.session_transaction() as session:  # the browser that took the quiz
        session[OWNED_RESULTS] = [url.rsplit("/", 1)[1]]
    response = client.get(url, headers=GERMAN if language == "de" else ENGLISH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html.split("</head>", 1)[1], flags=re.S)
    return html, " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("language", ["en", "de"])
def test_each_fit_shows_its_band_in_words_on_the_page(app, client, language):
    fits = fits_for(app, 72, 55)
    token, names = result_with_fits(app, fits, close_call=False)
    html, text = read(client, f"/r/{token}", language)
    words = WORDS[language]

    # the heading names the best fit's band beside its percent
    heading = re.search(r'<h1 id="result-heading">(.*?)</h1>', html, flags=re.S)
    assert heading and f"72% {words['strong']}" in " ".join(
        re.sub("<[^>]+>", " ", heading[1]).split()
    )
    # the chart writes every role's band beside its name, and its description reads them out
    for name, fit in zip(names, fits, strict=True):
        band = words[fit_band(fit)]
        assert f'class="chart-band">{band}</text>' in html
        assert f"{htmllib.escape(name)}: {fit}%, {band}." in html
        # and each role's column in "how the roles differ"
        assert f"{name} {fit}% · {band}" in text
    # chart, its description and the column: three times for each weak role
    assert text.count(words["weak"]) == 3 * (len(fits) - 2)
    # and the page says where the bands start
    key = (
        "A fit of 70% or more is strong; from 50% up to 69% it is moderate; under 50%"
        if language == "en"
        else "Ab 70% ist die Passung stark; von 50% bis 69% mittel; unter 50%"
    )
    assert key in text


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_runner_up_in_the_weak_band_is_not_called_a_fit(app, client, language):
    token, names = result_with_fits(app, fits_for(app, 80, 40), close_call=False)
    _, text = read(client, f"/r/{token}", language)
    assert NO_SECOND_ROLE[language].format(role=names[1], percent=40) in text
    assert CLOSE_CALL[language] not in text
    assert WEAK_TOP[language] not in text


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_close_runner_up_in_the_weak_band_is_close_but_not_called_a_fit(app, client, language):
    token, names = result_with_fits(app, fits_for(app, 52, 48), close_call=True)
    _, text = read(client, f"/r/{token}", language)
    assert CLOSE_CALL[language] in text
    assert NO_SECOND_ROLE_CLOSE[language].format(role=names[1]) in text
    assert BOTH_SUIT[language] not in text
    assert WEAK_TOP[language] not in text


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_close_runner_up_in_the_moderate_band_is_still_a_close_call(app, client, language):
    token, names = result_with_fits(app, fits_for(app, 64, 60), close_call=True)
    _, text = read(client, f"/r/{token}", language)
    assert BOTH_SUIT[language] in text
    assert NO_SECOND_ROLE[language].split(":")[0] not in text


def test_a_weak_best_fit_says_the_answers_point_strongly_to_no_role(app, client):
    token, names = result_with_fits(app, fits_for(app, 44, 44), close_call=True)
    _, text = read(client, f"/r/{token}", "en")
    assert WEAK_TOP["en"] in text
    # level, but neither is called a fit
    assert f"Close call: {names[1]} is level with it (44%)." in text
    assert "fits you just as well" not in text
    assert BOTH_SUIT["en"] not in text


def test_real_answers_with_a_weak_runner_up_read_honestly_and_the_json_agrees(app, client):
    bank, _ = the_bank(app)
    table = bank.effect_table
    rng = random.Random(7)
    # lean toward one role, with some answers at random, until the top fit is moderate or
    # strong and the runner-up weak
    for _ in range(5_000):
        leaning = answers_favouring(table, rng.choice(bank.roles).key)
        answers = {
            q: rng.choice(list(o)) if rng.random() < 0.4 else leaning[q]
            for q, o in table.effects.items()
        }
        outcome = rank_roles(table, answers)
        ranking = outcome.ranking
        if ranking[0].percent >= 50 and ranking[1].percent < 50 and not outcome.close_call:
            break
    else:
        pytest.fail("no answers on this bank give a weak runner-up")
    token = stored_result(app, answers)

    _, text = read(client, f"/r/{token}", "en")
    runner_up = bank.role_by_key[ranking[1].role].name
    assert NO_SECOND_ROLE["en"].format(role=runner_up, percent=ranking[1].percent) in text

    data = client.get(f"/r/{token}.json").get_json()
    assert [e["slug"] for e in data["ranking"]] == [f.role for f in ranking]
    assert [e["band"] for e in data["ranking"]] == [fit_band(f.percent) for f in ranking]
    assert data["ranking"][1]["band"] == "weak"
    assert all(e["percentile"] is None for e in data["ranking"])


def test_the_json_bands_come_from_the_stored_fits(app, client):
    fits = fits_for(app, 70, 50)
    token, _ = result_with_fits(app, fits, close_call=False)
    data = client.get(f"/r/{token}.json").get_json()
    assert [list(e) for e in data["ranking"]] == [
        ["slug", "name", "fit", "rank", "band", "percentile"]
    ] * len(fits)
    assert [e["fit"] for e in data["ranking"]] == fits
    assert [e["band"] for e in data["ranking"]] == ["strong", "moderate"] + ["weak"] * (
        len(fits) - 2
    )
    assert [e["percentile"] for e in data["ranking"]] == [None] * len(fits)
