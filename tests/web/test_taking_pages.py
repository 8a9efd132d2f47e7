"""The quiz pages over HTTP: the list of missing answers, and switching language mid-page.

Every test runs on its own SQLite and PostgreSQL database with CSRF on, sending the tokens
the pages carry, the way a browser would.
"""

from __future__ import annotations

import html as htmllib
import re

from flask import Flask
from flask.testing import FlaskClient
from helpers import csrf_token, page_options

from quiz.core.bank import Bank
from quiz.store.publishing import latest_version_id, published_bank
from quiz.web.i18n import LANGUAGE_COOKIE
from quiz.web.taking_forms import MISSING_ANSWER, UNKNOWN_ANSWER

QUESTION_FIELD = re.compile(r'name="question" type="hidden" value="([^"]*)"')
SUMMARY_LINK = re.compile(r'<li data-summary-for="([^"]+)"><a href="#([^"]+)">([^<]*)</a></li>')
PROMPT_LIMIT = 72  # the longest prompt the summary shows whole (templates/public/_quiz_macros.html)


def bank_of(app: Flask) -> Bank:
    with app.app_context():
        return published_bank(latest_version_id())


def summary(html: str) -> str | None:
    """Return the error summary's markup, or None when the page has none."""
    match = re.search(r'<section class="error-summary".*?</ul>\s*</div>\s*</section>', html, re.S)
    return match.group(0) if match else None


def summary_heading(html: str) -> str:
    found = summary(html)
    assert found, "the page has no error summary"
    match = re.search(r'<h2 id="error-summary-title"[^>]*>([^<]+)</h2>', found)
    assert match
    return htmllib.unescape(match.group(1))


def summary_links(html: str) -> list[tuple[str, str]]:
    """Return each (link target, link text) of the summary, in page order."""
    found = summary(html)
    assert found, "the page has no error summary"
    links = []
    for entry, target, text in SUMMARY_LINK.findall(found):
        assert entry == target, "an entry names another question than it links to"
        links.append((target, htmllib.unescape(text)))
    return links


def fieldset_tag(html: str, name: str) -> str:
    match = re.search(rf'<fieldset[^>]*id="{re.escape(name)}"[^>]*>', html)
    assert match, f"no question {name} on the page"
    return match.group(0)


def error_beside(html: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{re.escape(name)}-error">([^<]*)</p>', html)
    return htmllib.unescape(match.group(1)) if match else None


def checked_answers(html: str) -> dict[str, str]:
    found = re.findall(
        r'<input id="[^"]+" name="(q-[^"]+)" type="radio" value="([^"]+)" checked>', html
    )
    return dict(found)


def title(html: str) -> str:
    match = re.search(r"<title>([^<]*)</title>", html)
    assert match
    return htmllib.unescape(match.group(1))


def shortened(prompt: str) -> str:
    """The prompt as the summary shows it: whole when short, cut at a word with … when long."""
    if len(prompt) <= PROMPT_LIMIT:
        return prompt
    return prompt[: PROMPT_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def test_the_summary_names_counts_and_links_every_missing_question(
    app: Flask, client: FlaskClient
) -> None:
    html = client.get("/quiz/1").text
    options = page_options(html)
    names = list(options)
    given = {names[0]: options[names[0]][0], names[2]: options[names[2]][-1]}
    missing = [name for name in names if name not in given]

    shown = client.post(
        "/quiz/1", data={"csrf_token": csrf_token(html), "forward": "Next", **given}
    ).text

    assert summary_heading(shown) == f"Please answer {len(missing)} questions"
    bank = bank_of(app)
    numbers = {name: number for number, name in enumerate(names, start=1)}
    assert summary_links(shown) == [
        (name, f"Question {numbers[name]}: {shortened(bank.question_by_key[name[2:]].prompt)}")
        for name in missing
    ]
    # the summary comes straight after the page's heading, ready for focus, and the title says so
    assert re.search(
        r'</h1>\s*<section class="error-summary" id="error-summary" tabindex="-1"', shown
    )
    assert title(shown).startswith("Error: ")
    for name in missing:
        assert error_beside(shown, name) == MISSING_ANSWER
        tag = fieldset_tag(shown, name)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{name}-error"' in tag
    for name in given:
        assert error_beside(shown, name) is None
        assert "aria-invalid" not in fieldset_tag(shown, name)
    assert checked_answers(shown) == given


def test_one_missing_answer_is_counted_in_the_singular_and_a_wrong_one_too(
    client: FlaskClient,
) -> None:
    html = client.get("/quiz/1").text
    options = page_options(html)
    names = list(options)
    given = {name: values[0] for name, values in options.items()}
    given[names[1]] = "not-an-option"

    shown = client.post(
        "/quiz/1", data={"csrf_token": csrf_token(html), "forward": "Next", **given}
    ).text

    assert summary_heading(shown) == "Please answer 1 question"
    assert [target for target, _ in summary_links(shown)] == [names[1]]
    assert error_beside(shown, names[1]) == UNKNOWN_ANSWER
    # the headings the script shows as answers come in, one per count still missing
    assert 'data-heading-1="Please answer 1 question"' in shown
    assert "data-heading-2" not in shown


def test_a_long_prompt_is_shortened_in_the_summary_and_whole_beside_its_options(
    app: Flask, client: FlaskClient
) -> None:
    bank = bank_of(app)
    long_ones = [q for q in bank.questions if len(q.prompt) > PROMPT_LIMIT]
    assert long_ones, "the default bank has no long prompt to shorten"
    first_page = client.get("/quiz/1").text
    html = first_page
    page = 1
    # find the page that holds a long prompt
    while f'id="q-{long_ones[0].key}"' not in html:
        page += 1
        html = client.get(f"/quiz/{page}").text
    shown = client.post(
        f"/quiz/{page}", data={"csrf_token": csrf_token(html), "forward": "Next"}
    ).text

    texts = dict(summary_links(shown))
    text = texts[f"q-{long_ones[0].key}"]
    assert text.endswith("…") and len(text.split(": ", 1)[1]) <= PROMPT_LIMIT
    assert long_ones[0].prompt.startswith(text.split(": ", 1)[1].removesuffix("…"))
    assert long_ones[0].prompt in htmllib.unescape(shown)  # the legend keeps it whole


def test_a_page_without_errors_has_no_summary(client: FlaskClient) -> None:
    html = client.get("/quiz/1").text
    assert summary(html) is None
    assert not title(html).startswith("Error")
    assert "aria-invalid" not in html


def test_the_quick_quiz_lists_its_missing_answer_too(client: FlaskClient) -> None:
    html = client.get("/quiz/quick").text
    ((name, _),) = page_options(html).items()
    question = QUESTION_FIELD.search(html)
    assert question
    shown = client.post(
        "/quiz/quick",
        data={"csrf_token": csrf_token(html), "question": question[1], "forward": "Next"},
    ).text
    assert summary_heading(shown) == "Please answer 1 question"
    assert [target for target, _ in summary_links(shown)] == [name]
    assert title(shown).startswith("Error: ")


# ---------------------------------------------------------------- switching language


def test_quiz_pages_switch_language_with_buttons_that_send_the_quiz_form(
    client: FlaskClient,
) -> None:
    html = client.get("/quiz/1").text
    switcher = re.search(r'<nav class="language-switcher"[^>]*>(.*?)</nav>', html, re.S)
    assert switcher
    assert '<form method="post" action="/quiz/1" class="quiz-form" id="quiz-form"' in html
    buttons = re.findall(r"<button ([^>]*)>", switcher.group(1))
    # first a hidden Next: Enter in the form clicks the first submit button in the page
    assert buttons[0] == 'type="submit" form="quiz-form" name="forward" value="Next" hidden'
    assert [re.search(r'value="(\w+)"', b)[1] for b in buttons[1:]] == ["en", "de"]
    assert all('form="quiz-form" name="language"' in b for b in buttons[1:])
    assert "<a " not in switcher.group(1)


def test_switching_language_keeps_the_answers_on_the_page(
    client: FlaskClient,
) -> None:
    html = client.get("/quiz/2").text
    options = page_options(html)
    names = list(options)
    given = {names[0]: options[names[0]][-1], names[3]: options[names[3]][1]}

    switched = client.post(
        "/quiz/2", data={"csrf_token": csrf_token(html), "language": "de", **given}
    )

    assert switched.status_code == 303
    assert switched.headers["Location"] == "/quiz/2"
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie is not None and cookie.value == "de"
    with client.session_transaction() as session:
        kept = session["quiz"]["answers"]
    assert kept == {name[2:]: value for name, value in given.items()}
    back = client.get("/quiz/2").text
    assert '<html lang="de">' in back
    assert checked_answers(back) == given
    # nothing was asked for yet: the missing answers are not marked as errors
    assert summary(back) is None and error_beside(back, names[1]) is None
    assert 'aria-current="true">Deutsch</button>' in back


def test_switching_language_keeps_only_real_answers_and_an_unknown_language_is_english(
    client: FlaskClient,
) -> None:
    client.set_cookie(LANGUAGE_COOKIE, "de")
    html = client.get("/quiz/1").text
    options = page_options(html)
    names = list(options)
    given = {names[0]: options[names[0]][0], names[1]: "not-an-option"}

    switched = client.post(
        "/quiz/1", data={"csrf_token": csrf_token(html), "language": "xx", **given}
    )

    assert switched.status_code == 303 and switched.headers["Location"] == "/quiz/1"
    back = client.get("/quiz/1").text
    assert '<html lang="en">' in back
    assert checked_answers(back) == {names[0]: options[names[0]][0]}


def test_switching_language_without_the_forms_token_is_refused(client: FlaskClient) -> None:
    html = client.get("/quiz/1").text
    options = page_options(html)
    name = next(iter(options))

    refused = client.post("/quiz/1", data={"language": "de", name: options[name][0]})

    assert refused.status_code == 400
    assert "form expired" in htmllib.unescape(refused.text)
    assert client.get_cookie(LANGUAGE_COOKIE) is None
    assert checked_answers(client.get("/quiz/1").text) == {}


def test_switching_language_in_the_quick_quiz_keeps_the_chosen_answer_unsent(
    client: FlaskClient,
) -> None:
    html = client.get("/quiz/quick").text
    ((name, values),) = page_options(html).items()
    question = QUESTION_FIELD.search(html)
    assert question

    switched = client.post(
        "/quiz/quick",
        data={
            "csrf_token": csrf_token(html),
            "question": question[1],
            "language": "de",
            name: values[1],
        },
    )

    assert switched.status_code == 303 and switched.headers["Location"] == "/quiz/quick"
    back = client.get("/quiz/quick").text
    assert '<html lang="de">' in back
    # the same question, still the first, its answer chosen but not yet counted
    assert QUESTION_FIELD.search(back)[1] == question[1]
    assert checked_answers(back) == {name: values[1]}
    with client.session_transaction() as session:
        assert session["quick_quiz"]["answers"] == {}

    # Next then sends it on as usual
    sent = client.post(
        "/quiz/quick",
        data={
            "csrf_token": csrf_token(back),
            "question": question[1],
            "forward": "Weiter",
            name: values[1],
        },
    )
    assert sent.status_code == 302
    with client.session_transaction() as session:
        assert session["quick_quiz"]["answers"] == {name[2:]: values[1]}
