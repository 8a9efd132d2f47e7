"""The public pages, their error pages and the share card in the visitor's language.

A visitor's language is the switcher's cookie, else their browser's Accept-Language, else
English (quiz/i18n.py; choosing and switching it: tests/test_i18n.py). The pages are taken
through the real app on SQLite and PostgreSQL; German is the one translation, so "in German"
means the page says the German words.
"""

from __future__ import annotations

import html as htmllib
import io
import re

from babel.messages.extract import extract_from_file
from flask.testing import FlaskClient
from helpers import csrf_token, shown_page, take_quiz, translation_catalog
from PIL import Image

from quiz import PACKAGE_DIR
from quiz.web.share_card import render_share_card

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def text_of(html: str) -> str:
    """Return the page's text with tags removed and entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page_language(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', html)
    assert match, "the page names no language"
    return match.group(1)


def fresh_reader(client: FlaskClient) -> FlaskClient:
    """Return another browser on the same app: no session, no language cookie."""
    return client.application.test_client()


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


# ---------------------------------------------------------------- pages in German


def test_the_landing_and_privacy_pages_speak_the_browsers_language(client):
    landing = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert page_language(landing) == "de"
    text = text_of(landing)
    assert "Welche Rolle rund um KI und Daten passt zu dir?" in text
    assert re.search(r"Ganzes Quiz: \d+ Fragen, etwa \d+ Minuten?", text)
    assert "Ohne Anmeldung" in text
    assert "Which AI and data role fits you?" not in text
    assert "Zum Inhalt springen" in text  # the layout too

    privacy = client.get("/privacy", headers=GERMAN).get_data(as_text=True)
    assert page_language(privacy) == "de"
    assert "<title>Datenschutz – Career Fit</title>" in privacy
    assert "Was Career Fit speichert" in text_of(privacy)
    # the part in bold is still one phrase inside a whole German sentence, and still bold
    assert "<strong>privaten Löschlink</strong>" in privacy

    english = client.get("/", headers=ENGLISH).get_data(as_text=True)
    assert page_language(english) == "en"
    assert "Which AI and data role fits you?" in text_of(english)


def test_a_result_page_is_in_german_down_to_its_dates_numbers_and_script_messages(client):
    taker = take_quiz(client)
    response = fresh_reader(client).get(taker.result_url, headers=GERMAN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)

    assert page_language(html) == "de"
    # the share link's reader sees the result in the third person
    assert re.search(
        r"<title>Am besten passt zu dieser Person: [^<]+ \(\d+%\) – Career Fit</title>", html
    )
    assert "Am besten passt zu dieser Person:" in text
    assert "Wie gut jede Rolle zu dieser Person passt" in text
    assert "Finde deine eigene Passung – etwa 5 Minuten" in text
    assert "best fit" not in text and "How well each role fits" not in text
    # the words for how much a role needs a skill, and the kinds of skill, are German too
    emphasis = r'class="emphasis emphasis-\d">(Weniger zentral|Nützlich|Wichtig|Zentral)<'
    assert re.search(emphasis, html)
    assert '<span class="dimension-kind">Fähigkeit</span>' in html
    # a day is written the German way, and points with a decimal comma
    assert re.search(r"Abgeschlossen am \d{1,2}\. [A-Za-zä]+ \d{4}\.", text)
    assert re.search(r'class="push-points push-up">\+\d+,\d Punkte<', html)
    # the copy button's messages come from the page, in its language
    assert 'data-copied="Link kopiert."' in html
    assert "data-copy-blocked=" in html
    script = (PACKAGE_DIR.parent / "static" / "js" / "share.js").read_text(encoding="utf-8")
    assert "Link copied" not in script

    english = text_of(fresh_reader(client).get(taker.result_url).get_data(as_text=True))
    assert re.search(r"Taken on \d{1,2} [A-Z][a-z]+ \d{4}\.", english)


def test_a_share_link_opens_in_the_language_of_whoever_opens_it(client):
    url = take_quiz(client).result_url
    english_reader, german_reader = fresh_reader(client), fresh_reader(client)

    english = english_reader.get(url, headers=ENGLISH)
    german = german_reader.get(url, headers=GERMAN)

    assert page_language(english.get_data(as_text=True)) == "en"
    assert "Their best fit:" in english.get_data(as_text=True)
    assert page_language(german.get_data(as_text=True)) == "de"
    assert "Am besten passt zu dieser Person:" in german.get_data(as_text=True)
    assert {"Accept-Language", "Cookie"} <= set(german.vary)


def test_the_delete_pages_and_the_gone_result_are_in_german(client):
    taker = take_quiz(client)
    asked = client.get(taker.delete_url, headers=GERMAN).get_data(as_text=True)
    assert page_language(asked) == "de"
    assert "Dein Ergebnis löschen?" in text_of(asked)
    assert "<title>Ergebnis löschen – Career Fit</title>" in asked

    done = client.post(
        taker.delete_url, data={"csrf_token": csrf_token(asked)}, headers=GERMAN
    ).get_data(as_text=True)
    assert page_language(done) == "de"
    assert "Dein Ergebnis ist gelöscht" in text_of(done)

    gone = client.get(taker.result_url, headers=GERMAN)
    assert gone.status_code == 410
    shown = text_of(gone.get_data(as_text=True))
    assert "Dieses Ergebnis wurde von der Person gelöscht, die das Quiz gemacht hat" in shown
    assert "410" not in shown  # plain words, no status code
    assert "Die Antworten wurden mit gelöscht" in shown
    assert "Quiz machen" in shown and "Zur Startseite" in shown


def test_error_pages_and_json_errors_are_in_german(client):
    missing = client.get("/no-such-page", headers=GERMAN)
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert page_language(html) == "de"
    assert "<h1>Diese Seite finden wir nicht</h1>" in html
    assert "<title>Diese Seite finden wir nicht – Career Fit</title>" in html
    assert "Zur Startseite" in text_of(html)
    reference = missing.headers["X-Request-ID"]
    assert f"Referenz: <code>{reference}</code>" in html

    as_json = client.get("/r/" + "x" * 43 + ".json", headers=GERMAN)
    assert as_json.status_code == 404
    assert as_json.get_json()["error"] == "Diese Seite finden wir nicht"

    english = client.get("/no-such-page").get_data(as_text=True)
    assert "<h1>We can&#39;t find that page</h1>" in english


# ---------------------------------------------------------------- comparing in German


def two_results(client: FlaskClient) -> tuple[str, str]:
    """Return the share tokens of two people's results, smaller first (the URL's order)."""
    first = take_quiz(fresh_reader(client)).result_url
    second = take_quiz(fresh_reader(client), choose=lambda name, values: values[-1]).result_url
    return tuple(sorted((token_of(first), token_of(second))))  # type: ignore[return-value]


def test_a_comparison_reads_in_german(client):
    a, b = two_results(client)
    response = client.get(f"/compare/{a}/{b}", headers=GERMAN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)

    assert page_language(html) == "de"
    assert "Zwei Ergebnisse nebeneinander" in text
    reading = re.search(r'<ul class="reading">(.*?)</ul>', html, re.S)
    assert reading
    first = text_of(re.findall(r"<li>(.*?)</li>", reading.group(1), re.S)[0])
    assert first.startswith(("Zu euch beiden passt", "Euch passen verschiedene Rollen")), first
    assert "Person A" in first and "Person B" in first
    assert re.search(r"Abgeschlossen am \d{1,2}\. [A-Za-zä]+ \d{4}\.", text)
    assert "Two results side by side" not in text


def test_a_refused_comparison_says_why_in_german(client):
    mine = token_of(take_quiz(client).result_url)
    response = client.get(
        "/compare", query_string={"mine": mine, "friend": "nonsense"}, headers=GERMAN
    )
    assert response.status_code == 400
    text = text_of(response.get_data(as_text=True))
    assert "Das sieht nicht nach einem Link zu einem Ergebnis dieser Seite aus." in text
    assert "Mit diesem Link können wir nicht vergleichen" in text
    assert "Link zum Ergebnis der anderen Person" in text

    no_result = client.get("/compare", query_string={"friend": mine}, headers=GERMAN)
    assert no_result.status_code == 400
    assert "geh von deiner eigenen Ergebnisseite aus" in text_of(no_result.get_data(as_text=True))


def test_a_comparison_is_never_confirmed_by_304_in_another_language(client):
    a, b = two_results(client)
    url = f"/compare/{a}/{b}"
    english = client.get(url, headers=ENGLISH)
    german = client.get(url, headers=GERMAN)
    assert english.headers["ETag"] != german.headers["ETag"]

    kept = english.headers["ETag"]
    assert client.get(url, headers={**ENGLISH, "If-None-Match": kept}).status_code == 304
    switched = client.get(url, headers={**GERMAN, "If-None-Match": kept})
    assert switched.status_code == 200
    assert page_language(switched.get_data(as_text=True)) == "de"


def test_a_share_card_is_never_confirmed_by_304_in_another_language(client):
    # (the result page's own: tests/test_i18n.py)
    url = take_quiz(client).result_url + ".png"
    reader = fresh_reader(client)
    english = reader.get(url, headers=ENGLISH)
    german = reader.get(url, headers=GERMAN)
    assert english.headers["ETag"] != german.headers["ETag"]

    kept = english.headers["ETag"]
    assert reader.get(url, headers={**ENGLISH, "If-None-Match": kept}).status_code == 304
    assert reader.get(url, headers={**GERMAN, "If-None-Match": kept}).status_code == 200


# ---------------------------------------------------------------- the share card


def card_pixels(names: list[str]) -> bytes:
    page = shown_page(list(zip(names, (90, 60), strict=True)))
    return Image.open(io.BytesIO(render_share_card(page, "Career Fit"))).convert("L").tobytes()


def test_the_share_cards_font_draws_german_letters_and_quotes(app):
    # a letter the font lacked would be drawn as the same box, whatever it is
    with app.test_request_context(headers=GERMAN):
        looks = {
            text: card_pixels([text, "Machine Learning Engineer"])
            for text in (
                "Rolle ä",
                "Rolle ö",
                "Rolle ü",
                "Rolle ß",
                "Rolle „“",
                "Rolle –",
                "Rolle a",
            )
        }
    assert len(set(looks.values())) == len(looks), "two different letters look the same"
    with app.test_request_context(headers=GERMAN):
        boxes = {card_pixels([f"Rolle {c}", "Machine Learning Engineer"]) for c in "數據科"}
    assert len(boxes) == 1, "the font has no CJK: those all draw the one missing-glyph box"
    assert not boxes & set(looks.values())


def test_the_share_card_is_worded_in_the_viewers_language(client):
    url = take_quiz(client).result_url + ".png"
    english = client.get(url, headers=ENGLISH).data
    german = client.get(url, headers=GERMAN).data
    assert german != english
    assert client.get(url).data == english  # English unless the browser asks otherwise


# ---------------------------------------------------------------- the catalog


KEPT_IN_ENGLISH = ["quiz/web/errors.py", "quiz/core/comparison.py", "quiz/public/compare.py"]


def test_messages_kept_in_english_constants_have_german_too():
    """Messages marked N_ (translated where shown) are in the catalog like any other."""
    root = PACKAGE_DIR.parent
    marked = {
        message
        for path in KEPT_IN_ENGLISH
        for _line, message, _comments, _context in extract_from_file(
            "python", str(root / path), keywords={"N_": None}
        )
    }
    assert len(marked) > 20
    german = translation_catalog("de")
    untranslated = [m for m in marked if not (german.get(m) and german.get(m).string)]
    assert not untranslated
