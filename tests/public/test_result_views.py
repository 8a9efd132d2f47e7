"""The result page in two views: the owner's (the browser that took the quiz) and a visitor's.

The owner sees every part; anyone else holding the link sees the visitor's view: the result
in the third person, its three strongest reasons and an invitation to take the quiz, without
the owner's parts. The visitor's view is the same for everyone and any cache may keep it;
the owner's is private to their browser.
"""

from __future__ import annotations

import html as htmllib
import random
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import QuizTaker, take_quiz
from sqlalchemy import select

from quiz.core.bank import load_bank_file
from quiz.core.result_page import REASONS_SHOWN, StoredResult, result_page
from quiz.core.scoring import random_answers
from quiz.db import db
from quiz.models import Result
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import create_result

ROLE_NAMES = {"Data Scientist", "Machine Learning Engineer", "AI Engineer"}
# the parts only the owner sees, by what marks them in the page
OWNER_ONLY = {
    "what would change": 'id="change-heading"',
    "careless-answers note": 'id="careless-note"',
    "retake": "Take the quiz again",
    "delete link": "/delete/",
    "work-now question": 'name="work_now"',
    "compare form": 'action="/compare"',
}


def text_of(html: str) -> str:
    """Return the words a person reads on the page (its body), spaces collapsed."""
    body = html.split("</head>", 1)[-1]
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, f"no meta {key}"
    return htmllib.unescape(match.group(1))


def title(html: str) -> str:
    return htmllib.unescape(re.search(r"<title>(.*?)</title>", html).group(1))


def hrefs(html: str) -> dict[str, str]:
    """Return each link's href by its text."""
    return {
        text_of(text): htmllib.unescape(href)
        for href, text in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    }


def stored(app: Flask, url: str) -> Result:
    token = url.rsplit("/", 1)[1]
    with app.app_context():
        result = db.session.scalar(select(Result).where(Result.share_token == token))
        db.session.expunge(result)
        return result


def quiz_minutes(app: Flask) -> int:
    """The minutes the landing page says the quiz takes: ten seconds a question."""
    with app.app_context():
        questions = published_bank(1).questions
    return max(1, round(len(questions) * 10 / 60))


@pytest.fixture
def hurried(client: FlaskClient) -> QuizTaker:
    """A taker who finished in half a minute: their result carries a careless-answers note."""
    return take_quiz(client, minutes=0.5)


# ---------------------------------------------------------------- what each view shows


def test_the_owner_sees_every_part_of_their_result(app: Flask, hurried: QuizTaker):
    # the first view, as the quiz's last page leads to it, also hands over the delete key
    first = hurried.client.get(hurried.result_url)
    hurried.client.get("/")  # and the key is shown once only; the owner's view stays
    later = hurried.client.get(hurried.result_url).text
    top = stored(app, hurried.result_url).outcome["ranking"][0]
    name = next(n for n in ROLE_NAMES if app and n in text_of(later))

    assert "Your best fit:" in text_of(later) and "Their best fit:" not in text_of(later)
    assert name
    for part, marker in OWNER_ONLY.items():
        if part in ("delete link", "work-now question"):
            continue  # shown with the delete key only
        assert marker in later, f"the owner's view lacks the {part}"
    assert 'class="careless-note"' in later
    assert top["fit"] and f"{top['fit']}%" in later
    assert "Find your own fit" not in later
    # the delete link and the work-now question came with the first view
    assert first.status_code == 200
    assert hurried.delete_url and "/delete/" not in later


def test_the_first_view_with_the_delete_key_shows_the_owners_parts(client: FlaskClient):
    from helpers import finish_quiz

    first = client.get(finish_quiz(client)).text
    for part, marker in OWNER_ONLY.items():
        if part == "careless-answers note":
            continue  # this taker took their time
        assert marker in first, f"the first view lacks the {part}"


@pytest.mark.parametrize("visitor", ["a browser without cookies", "a browser with its own session"])
def test_anyone_else_sees_the_visitor_view(app: Flask, hurried: QuizTaker, visitor: str):
    reader = app.test_client()
    if visitor == "a browser with its own session":
        reader.get("/language/de?next=/")
        reader.get("/language/en?next=/")
        take_quiz(reader)  # a result of their own does not make this one theirs
    html = reader.get(hurried.result_url).text
    text = text_of(html)
    result = stored(app, hurried.result_url)
    top_name = re.search(r"Their best fit: (.+?) \d+%", text)

    assert top_name and top_name[1] in ROLE_NAMES
    assert "Your best fit" not in text and "Your result" not in text
    for part, marker in OWNER_ONLY.items():
        assert marker not in html, f"the visitor's view shows the {part}"
    assert 'id="chart-title"' in html

    invite = f"Find your own fit — about {quiz_minutes(app)} minutes"
    links = hrefs(html)
    assert links[invite] == "/quiz"
    assert links["Short on time? Try quick mode"] == "/quiz/quick"
    assert result.careless  # the owner's page would say so; the visitor's does not


def test_the_three_reasons_are_the_top_roles_strongest_answers(app: Flask, client: FlaskClient):
    taker = take_quiz(client)
    result = stored(app, taker.result_url)
    with app.app_context():
        bank = published_bank(result.quiz_version_id)
    page = result_page(
        bank,
        StoredResult(outcome=result.outcome, answers=result.answers, created_at=datetime.now()),
    )
    expected = [(r.prompt, r.answer) for r in page.reasons]
    assert len(expected) == REASONS_SHOWN

    for reader, said in ((client, "You said"), (app.test_client(), "They said")):
        html = reader.get(taker.result_url).text
        reasons = re.search(r'<ol class="reasons">(.*?)</ol>', html, re.S)
        assert reasons, "no reasons on the first screen"
        shown = re.findall(
            rf'<span class="push-prompt">(.*?)</span> '
            rf'<span class="push-answer">{said}: (.*?)</span>',
            reasons[1],
        )
        assert [(htmllib.unescape(p), htmllib.unescape(a)) for p, a in shown] == expected
        heading = re.search(r'id="reasons-heading"[^>]*>(.*?)</h2>', html)[1]
        assert htmllib.unescape(heading) == f"Why {page.top.role.name}: the strongest reasons"


def test_link_previews_speak_in_the_third_person_for_everyone(app: Flask, client: FlaskClient):
    taker = take_quiz(client)
    top = client.get(f"{taker.result_url}.json").get_json()["ranking"][0]
    expected = f"Their best fit: {top['name']} ({top['fit']}%) — Career Fit"

    for reader in (client, app.test_client()):
        html = reader.get(taker.result_url).text
        assert title(html) == expected
        assert meta(html, "og:title") == expected
        assert meta(html, "twitter:title") == expected
        assert meta(html, "description") == (
            f"{top['name']} fits them best at {top['fit']}%. "
            "See the full ranking and why, then find your own fit."
        )
        assert meta(html, "og:image:alt").startswith(f"Career Fit. Their best fit: {top['name']}.")
        assert meta(html, "twitter:image:alt") == meta(html, "og:image:alt")
        for key in ("og:title", "og:description", "og:image:alt", "twitter:title", "description"):
            assert not re.search(r"\b(My|my|Your|your) (best fit|result)", meta(html, key)), key


def test_the_visitor_view_is_german_in_german(app: Flask, client: FlaskClient):
    taker = take_quiz(client)
    html = app.test_client().get(taker.result_url, headers={"Accept-Language": "de"}).text
    text = text_of(html)
    assert "Am besten passt zu dir" not in text and "Dein Ergebnis" not in text
    assert "Am besten passt zu dieser Person:" in text
    assert f"Finde deine eigene Passung – etwa {quiz_minutes(app)} Minuten" in text
    assert "Link zu diesem Ergebnis" in text and "Teilen auf:" in text
    assert "Link to this result" not in text and "Share on" not in text


# ---------------------------------------------------------------- caching


def test_the_visitor_view_is_public_and_sets_no_cookie(app: Flask, client: FlaskClient):
    taker = take_quiz(client)
    reader = app.test_client()
    response = reader.get(taker.result_url)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert reader.get_cookie("session") is None
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert not response.cache_control.private and not response.cache_control.no_store
    assert "Cookie" in response.vary
    assert "-html-visitor-" in response.headers["ETag"]

    again = reader.get(taker.result_url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert "Set-Cookie" not in again.headers
    assert again.cache_control.public and "Cookie" in again.vary
    assert again.headers["ETag"] == response.headers["ETag"]


def test_the_owner_view_is_private_and_asks_again_each_time(app: Flask, client: FlaskClient):
    taker = take_quiz(client)
    response = client.get(taker.result_url)
    visitor_etag = app.test_client().get(taker.result_url).headers["ETag"]

    assert response.cache_control.private and response.cache_control.no_cache
    assert not response.cache_control.public and response.cache_control.max_age is None
    assert "Cookie" in response.vary
    owner_etag = response.headers["ETag"]
    assert "-html-owner-" in owner_etag and owner_etag != visitor_etag

    # the owner revalidates their own copy; a visitor's copy is never theirs
    assert client.get(taker.result_url, headers={"If-None-Match": owner_etag}).status_code == 304
    from_visitor = client.get(taker.result_url, headers={"If-None-Match": visitor_etag})
    assert from_visitor.status_code == 200 and "Your best fit" in from_visitor.text
    # and a visitor holding the owner's tag gets the visitor's page, not a 304
    stranger = app.test_client().get(taker.result_url, headers={"If-None-Match": owner_etag})
    assert stranger.status_code == 200 and "Their best fit" in stranger.text


def test_the_view_with_the_delete_key_is_never_stored(client: FlaskClient):
    from helpers import finish_quiz

    response = client.get(finish_quiz(client))
    assert response.cache_control.no_store and response.cache_control.private
    assert "ETag" not in response.headers
    assert "Cookie" in response.vary


def test_publishing_a_version_changes_the_visitor_views_tag(app: Flask, client: FlaskClient):
    from quiz.store.drafts import replace_draft
    from quiz.store.publishing import publish_draft

    taker = take_quiz(client)
    before = app.test_client().get(taker.result_url).headers["ETag"]
    with app.app_context():
        replace_draft(load_bank_file())
        publish_draft()
        db.session.commit()
    after = app.test_client().get(taker.result_url, headers={"If-None-Match": before})
    assert after.status_code == 200  # "about N minutes" speaks of the latest version
    assert after.headers["ETag"] != before


# ---------------------------------------------------------------- share links


@pytest.mark.parametrize("view", ["owner", "visitor"])
def test_share_links_carry_the_link_and_text_fully_encoded(
    app: Flask, client: FlaskClient, view: str
):
    taker = take_quiz(client)
    reader = client if view == "owner" else app.test_client()
    html = reader.get(taker.result_url).text
    share_url = f"http://localhost{taker.result_url}"
    top = client.get(f"{taker.result_url}.json").get_json()["ranking"][0]
    who = "My" if view == "owner" else "Their"
    text = f"{who} best fit is {top['name']} ({top['fit']}%). Which AI or data role fits you?"
    links = hrefs(html)

    def query(href: str) -> dict[str, list[str]]:
        raw = urlsplit(href).query
        # fully percent-encoded: no bare separator of a URL, no "+" for a space
        assert not re.search(r"[ +:/?#]", raw), raw
        return parse_qs(raw, strict_parsing=True)

    linkedin = links["LinkedIn"]
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query(linkedin) == {"url": [share_url]}
    whatsapp = links["WhatsApp"]
    assert whatsapp.startswith("https://wa.me/?")
    assert query(whatsapp) == {"text": [f"{text} {share_url}"]}
    x = links["X"]
    assert x.startswith("https://twitter.com/intent/tweet?")
    assert query(x) == {"url": [share_url], "text": [text]}
    email = links["E-mail"]
    assert email.startswith("mailto:?")
    assert query(email) == {"subject": [title(html)], "body": [f"{text}\n\n{share_url}"]}
    assert "%20" in email and "%0A%0A" in email
    # plain links: the page loads nothing from those sites
    assert not re.search(r"<(script|img|iframe|link)[^>]+(linkedin|wa\.me|twitter)", html)


def test_a_visitor_reads_a_quick_result_as_provisional_in_the_third_person(app: Flask):
    with app.app_context():
        version_id = latest_version_id()
        bank = published_bank(version_id)
        # the first eight questions, answered at random: a quick result, far from settled
        every = random_answers(bank.effect_table, random.Random(3))
        answers = {q.key: every[q.key] for q in bank.questions[:8]}
        result, _ = create_result(bank, version_id, answers, mode="quick")
        db.session.commit()
        url = f"/r/{result.share_token}"

    html = app.test_client().get(url).text
    text = text_of(html)
    assert re.search(r"Their best fit so far: .+ \d+% provisional", text)
    assert f"Quick result from 8 of {len(bank.questions)} questions." in text
    assert "The percentages are provisional" in text
    assert "How well each role fits them so far (provisional)" in text
    assert "Your best fit" not in text and "Your answers" not in text
    assert title(html).startswith("Their best fit so far: ")
