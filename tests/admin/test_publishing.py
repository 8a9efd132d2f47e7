"""Publishing the draft: the overview and its checks, publishing through the admin pages,
result links that never change, the preview of the draft, bank files up and down, the JSON
Schema of the bank format, and the audit log.

Everything goes through the real app with CSRF on, sending the tokens the pages carry.
"""

from __future__ import annotations

import copy
import html as htmllib
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, QuizTaker, csrf_token, form_token, page_options
from jsonschema import Draft202012Validator
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from quiz.admin.overview import AUDIT_ENTRIES_PER_PAGE, published_versions
from quiz.admin.publishing import PREVIEW_SESSION_KEY
from quiz.core import scoring
from quiz.core.bank import DEFAULT_BANK_PATH, BankError, parse_bank
from quiz.db import db
from quiz.models import AuditEntry, Question, QuizVersion, Result, Role
from quiz.store import audit
from quiz.store.drafts import draft_bank, replace_draft
from quiz.store.publishing import export_text, latest_version_id, publish_draft, published_bank

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
SCHEMA = json.loads((DEFAULT_BANK_PATH.parent / "bank.schema.json").read_text(encoding="utf-8"))
LIKERT = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "likert")
CHOICE = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "choice")
BANNER = "Preview of the unpublished draft — nothing is saved"

# ---------------------------------------------------------------- reading pages


def text_of(html: str) -> str:
    """Return the page's text with tags removed and entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def notices(html: str) -> list[str]:
    return [htmllib.unescape(n) for n in re.findall(r'<p class="notice"[^>]*>(.*?)</p>', html)]


def problems_listed(html: str) -> list[str]:
    match = re.search(r'<ul class="problems[^"]*">(.*?)</ul>', html, re.S)
    assert match, "no list of problems on the page"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def chart_roles(html: str) -> list[str]:
    """Return the role names of the result chart, top to bottom."""
    chart = re.search(r'<svg class="chart".*?</svg>', html, re.S)
    assert chart, "no chart on the result page"
    return [
        htmllib.unescape(name)
        for name in re.findall(r'class="chart-label">\d+\. (.*?)</text>', chart.group(0))
    ]


def pushed_prompts(html: str) -> set[str]:
    return {htmllib.unescape(p) for p in re.findall(r'"push-prompt">(.*?)</span>', html)}


# ---------------------------------------------------------------- the database


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def version_numbers(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(QuizVersion.number).order_by(QuizVersion.number)))


def draft_text(app: Flask) -> str:
    with app.app_context():
        return export_text(draft_bank())


def set_draft(app: Flask, document: dict[str, Any]) -> None:
    with app.app_context():
        replace_draft(parse_bank(document))
        db.session.commit()


def set_prompt(app: Flask, key: str, prompt: str) -> None:
    with app.app_context():
        db.session.scalar(select(Question).where(Question.key == key)).prompt = prompt
        db.session.commit()


def break_the_draft(app: Flask) -> None:
    """Give a role an empty typical day: the draft no longer parses."""
    with app.app_context():
        db.session.scalar(select(Role).where(Role.key == "ml-engineer")).typical_day = ""
        db.session.commit()


def audit_rows(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.admin_email, e.action, e.target) for e in entries]


def with_negated_weights(document: dict[str, Any]) -> dict[str, Any]:
    """Return ``document`` with every answer weight turned around."""
    changed = copy.deepcopy(document)
    for question in changed["questions"]:
        weighted = [question] if question["kind"] == "likert" else question["options"]
        for item in weighted:
            item["weights"] = {d: -w for d, w in item["weights"].items()}
    return changed


def choosing(answers: dict[str, str]) -> Callable[[str, list[str]], str]:
    return lambda name, values: answers[name.removeprefix("q-")]


# ---------------------------------------------------------------- the admin pages


def publish_through_the_overview(client: FlaskClient):
    return client.post("/admin/publish", data={"csrf_token": form_token(client, "/admin/")})


def walk_preview(client: FlaskClient, choose=lambda values: values[0]):
    """Answer every page of the preview; return the response to the last page."""
    page = 1
    while True:
        html = client.get(f"/admin/preview/{page}").get_data(as_text=True)
        assert BANNER in html
        answers = {name: choose(values) for name, values in page_options(html).items()}
        response = client.post(
            f"/admin/preview/{page}",
            data={"csrf_token": csrf_token(html), "forward": "x", **answers},
        )
        if response.status_code != 302:
            return response
        assert response.headers["Location"] == f"/admin/preview/{page + 1}"
        page += 1


def upload(client: FlaskClient, content: bytes | str, filename: str = "bank.json"):
    """Send ``content`` as the bank file of the upload form, the way a browser would."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # encoded here, in memory: the test client would spill a large body to a temporary
    # file it never closes, which this suite's filterwarnings=error turns into a failure
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": form_token(client, "/admin/bank"),
                "bank_file": FileStorage(io.BytesIO(data), filename, "bank_file"),
            }
        )
    )
    return client.post(
        "/admin/bank", data=body, content_type=f'multipart/form-data; boundary="{boundary}"'
    )


# ---------------------------------------------------------------- the overview


def test_overview_shows_the_draft_its_checks_and_the_published_versions(app, admin_client, taker):
    taker.finish()
    html = admin_client.get("/admin/").get_data(as_text=True)
    text = text_of(html)
    assert "32 questions, 3 roles, 13 skills and goals." in text
    assert "The draft passes every check." in text
    assert "The draft is the same as the latest published version." in text
    assert 'action="/admin/publish/confirm"' in html
    assert 'href="/admin/preview"' in html
    row = re.search(r'<tr class="latest">(.*?)</tr>', html, re.S).group(1)
    cells = [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    assert cells[0] == "1 (takers get this one)"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells[1])
    assert cells[2:] == ["32", "3", "1", "Quality report for version 1"]


def test_overview_lists_every_check_the_draft_fails(app, admin_client):
    break_the_draft(app)
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert problems_listed(html) == [
        "Role “Machine Learning Engineer” (ml-engineer), typical day: must be a non-empty text."
    ]
    assert "passes every check" not in html
    assert "The draft has changes that are not published yet." in text_of(html)


def test_published_versions_are_listed_with_the_same_few_queries_however_many_there_are(app, taker):
    taker.finish()

    def listed() -> tuple[int, list[Any]]:
        statements: list[str] = []

        def listen(connection, cursor, statement, *args: Any) -> None:
            statements.append(statement)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listen)
            try:
                versions = published_versions()
            finally:
                event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements), versions

    one, _ = listed()
    with app.app_context():
        for _ in range(3):
            publish_draft(actor="test")
        db.session.commit()
    queries, versions = listed()
    assert queries == one <= 4
    assert [(v.number, v.result_count, v.question_count) for v in versions] == [
        (4, 0, 32),
        (3, 0, 32),
        (2, 0, 32),
        (1, 1, 32),
    ]


# ---------------------------------------------------------------- publishing


def test_publishing_through_the_overview_creates_the_next_version_and_audits_it(app, admin_client):
    set_prompt(app, "q01", "Published through the admin pages.")
    response = publish_through_the_overview(admin_client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    overview = admin_client.get("/admin/").get_data(as_text=True)
    assert any(n.startswith("Published version 2.") for n in notices(overview))

    assert version_numbers(app) == [1, 2]
    with app.app_context():
        bank = published_bank(latest_version_id())
        assert bank.question_by_key["q01"].prompt == "Published through the admin pages."
    assert audit_rows(app)[-1] == (ADMIN_EMAIL, "publish", "quiz version 2")
    assert "Published through the admin pages." in QuizTaker(app.test_client()).open(1)


def test_publishing_is_refused_with_every_reason_while_a_check_fails(app, admin_client):
    break_the_draft(app)
    response = publish_through_the_overview(admin_client)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Not published." in text_of(html)
    assert problems_listed(html) == [
        "Role “Machine Learning Engineer” (ml-engineer), typical day: must be a non-empty text."
    ]
    assert version_numbers(app) == [1]
    assert [row for row in audit_rows(app) if row[1] == "publish"] == [
        ("first start", "publish", "quiz version 1")
    ]


def test_publish_without_a_csrf_token_is_refused(app, admin_client):
    assert admin_client.post("/admin/publish").status_code == 400
    assert admin_client.get("/admin/publish").status_code == 405
    assert version_numbers(app) == [1]


# ---------------------------------------------------------------- result links never change


def test_old_result_link_keeps_its_ranking_and_text_after_a_reordering_publish(
    app, client, taker, admin_client
):
    with app.app_context():
        old_bank = published_bank(latest_version_id())
    answers = scoring.answers_favouring(old_bank.effect_table, "data-scientist")
    location = taker.finish(choosing(answers))
    before_html = client.get(location).get_data(as_text=True)
    before_json = client.get(f"{location}.json").get_json()
    with app.app_context():
        stored = db.session.scalar(select(Result))
        stored_answers, stored_outcome = dict(stored.answers), copy.deepcopy(stored.outcome)
    old_order = [entry["role"] for entry in stored_outcome["ranking"]]
    assert chart_roles(before_html) == [old_bank.role_by_key[r].name for r in old_order]

    # a prompt the result page shows in its "why", reworded; every weight turned around
    question = stored_outcome["ranking"][0]["toward"][0][0]
    old_prompt = old_bank.question_by_key[question].prompt
    new_prompt = f"Reworded after the result was taken: {old_prompt}"
    assert old_prompt in pushed_prompts(before_html)
    changed = with_negated_weights(DOCUMENT)
    next(q for q in changed["questions"] if q["key"] == question)["prompt"] = new_prompt
    set_draft(app, changed)
    assert publish_through_the_overview(admin_client).status_code == 302
    assert version_numbers(app) == [1, 2]

    # scored again with the new version, the same answers would rank the roles differently
    with app.app_context():
        new_bank = published_bank(latest_version_id())
    new_order = [f.role for f in scoring.rank_roles(new_bank.effect_table, stored_answers).ranking]
    assert new_order != old_order
    assert new_order[0] != "data-scientist"

    # the old link shows exactly what it showed before
    after_html = client.get(location).get_data(as_text=True)
    assert after_html == before_html
    assert chart_roles(after_html) == [old_bank.role_by_key[r].name for r in old_order]
    assert old_prompt in pushed_prompts(after_html)
    assert new_prompt not in after_html
    assert client.get(f"{location}.json").get_json() == before_json
    with app.app_context():
        assert db.session.scalar(select(Result)).outcome == stored_outcome

    # a new taker gets the new version: the new prompt, and the same answers rank anew
    newcomer = QuizTaker(app.test_client())
    page_count = int(re.search(r"Page 1 of (\d+)", newcomer.open(1)).group(1))
    quiz_text = text_of("".join(newcomer.open(n) for n in range(1, page_count + 1)))
    assert new_prompt in quiz_text
    new_location = newcomer.finish(choosing(stored_answers))
    new_json = newcomer.client.get(f"{new_location}.json").get_json()
    assert new_json["quiz_version"] == 2
    assert [entry["slug"] for entry in new_json["ranking"]] == new_order


# ---------------------------------------------------------------- preview


def test_preview_shows_the_draft_as_a_taker_sees_it_and_stores_no_result(app, admin_client):
    set_prompt(app, "q01", "Only in the draft: I like telling luck from real effects.")
    results_before = count(app, Result)

    first = admin_client.get("/admin/preview")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert BANNER in html
    assert "Only in the draft: I like telling luck from real effects." in html
    assert 'action="/admin/preview/1"' in html
    assert "Page 1 of 6 · 0 of 32 answered" in text_of(html)
    # the public quiz is untouched by the draft
    assert "Only in the draft" not in QuizTaker(app.test_client()).open(1)

    result = walk_preview(admin_client)

    assert result.status_code == 200
    page = result.get_data(as_text=True)
    assert BANNER in page
    assert "Your best fit:" in page
    assert "Only in the draft: I like telling luck from real effects." in pushed_prompts(page)
    assert 'href="/admin/preview">Take the preview again' in page
    # a preview result is not stored, so it offers no share link
    assert 'id="share-link"' not in page
    assert count(app, Result) == results_before
    with admin_client.session_transaction() as session:
        assert PREVIEW_SESSION_KEY not in session
        assert "quiz" not in session


def test_preview_ranks_the_roles_as_the_draft_scores_the_answers(app, admin_client):
    with app.app_context():
        draft = parse_bank(draft_bank().to_document())
    result = walk_preview(admin_client, choose=lambda values: values[-1])
    assert result.status_code == 200
    last_options = {q.key: q.options[-1].key for q in draft.questions}
    expected = scoring.rank_roles(draft.effect_table, last_options).ranking
    assert chart_roles(result.get_data(as_text=True)) == [
        draft.role_by_key[f.role].name for f in expected
    ]


def test_preview_answers_are_kept_apart_from_a_real_quiz_in_the_same_browser(app, admin_client):
    public = QuizTaker(admin_client)
    first_page = page_options(public.open(1))
    public.submit(1, {name: values[0] for name, values in first_page.items()})

    html = admin_client.get("/admin/preview/1").get_data(as_text=True)
    admin_client.post(
        "/admin/preview/1",
        data={
            "csrf_token": csrf_token(html),
            "forward": "x",
            **{name: values[-1] for name, values in page_options(html).items()},
        },
    )

    with admin_client.session_transaction() as session:
        assert session["quiz"]["answers"] == {
            name.removeprefix("q-"): values[0] for name, values in first_page.items()
        }
        assert session[PREVIEW_SESSION_KEY] == {
            name.removeprefix("q-"): values[-1] for name, values in first_page.items()
        }
    assert count(app, Result) == 0


def test_preview_drops_answers_the_changed_draft_no_longer_has(app, admin_client):
    html = admin_client.get("/admin/preview/1").get_data(as_text=True)
    answered = {name: values[0] for name, values in page_options(html).items()}
    admin_client.post(
        "/admin/preview/1", data={"csrf_token": csrf_token(html), "forward": "x", **answered}
    )
    smaller = copy.deepcopy(DOCUMENT)
    smaller["questions"] = [q for q in smaller["questions"] if q["key"] != "q01"]
    set_draft(app, smaller)

    page = admin_client.get("/admin/preview/1").get_data(as_text=True)
    assert f"{len(answered) - 1} of 31 answered" in text_of(page)


def test_starting_the_preview_over_forgets_its_answers(app, admin_client):
    html = admin_client.get("/admin/preview/1").get_data(as_text=True)
    answered = {name: values[0] for name, values in page_options(html).items()}
    admin_client.post(
        "/admin/preview/1", data={"csrf_token": csrf_token(html), "forward": "x", **answered}
    )
    response = admin_client.post(
        "/admin/preview/restart", data={"csrf_token": form_token(admin_client, "/admin/")}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/preview"
    assert "0 of 32 answered" in text_of(admin_client.get("/admin/preview").get_data(as_text=True))


def test_preview_of_a_draft_that_cannot_be_taken_lists_why(app, admin_client):
    break_the_draft(app)
    response = admin_client.get("/admin/preview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert problems_listed(html) == [
        "Role “Machine Learning Engineer” (ml-engineer), typical day: must be a non-empty text."
    ]
    assert 'name="q-' not in html


def test_preview_pages_beyond_the_last_are_not_found(admin_client):
    assert admin_client.get("/admin/preview/7").status_code == 404
    assert admin_client.get("/admin/preview/0").status_code == 404


# ---------------------------------------------------------------- bank files


def test_download_gives_the_draft_as_the_export_file(app, admin_client):
    set_prompt(app, "q01", "Downloaded from the draft.")
    page = admin_client.get("/admin/bank").get_data(as_text=True)
    assert 'href="/admin/bank/export"' in page

    response = admin_client.get("/admin/bank/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=career-fit-bank.json"
    assert response.get_data(as_text=True) == draft_text(app)
    assert json.loads(response.get_data())["questions"][0]["prompt"] == (
        "Downloaded from the draft."
    )


def test_uploading_a_bank_file_replaces_the_draft_but_publishes_nothing(app, admin_client):
    document = copy.deepcopy(DOCUMENT)
    document["questions"][0]["prompt"] = "Uploaded: I like telling luck from real effects."
    response = upload(admin_client, json.dumps(document), filename="next-term.json")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    (notice,) = notices(admin_client.get("/admin/").get_data(as_text=True))
    assert notice.startswith("Imported 32 questions and 3 roles into the draft.")
    assert "Nothing is published yet" in notice
    with app.app_context():
        assert draft_bank().questions[0].prompt.startswith("Uploaded:")
        assert not published_bank(latest_version_id()).questions[0].prompt.startswith("Uploaded:")
    assert version_numbers(app) == [1]
    assert audit_rows(app)[-1] == (
        ADMIN_EMAIL,
        "import",
        "question bank from uploaded file next-term.json",
    )


def test_uploading_the_downloaded_file_round_trips_byte_for_byte(app, admin_client):
    downloaded = admin_client.get("/admin/bank/export").get_data()
    assert upload(admin_client, downloaded).status_code == 302
    assert admin_client.get("/admin/bank/export").get_data() == downloaded


def test_uploading_a_broken_file_lists_every_problem_and_changes_nothing(app, admin_client):
    document = copy.deepcopy(DOCUMENT)
    document["questions"][0]["key"] = "Q 1"
    document["roles"][1].pop("typical_day")
    document["questions"][LIKERT]["weights"]["statistics"] = 3
    before, audit_before = draft_text(app), audit_rows(app)

    response = upload(admin_client, json.dumps(document))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported." in text_of(html)
    with pytest.raises(BankError) as refused:
        parse_bank(document)
    assert problems_listed(html) == refused.value.problems
    assert len(refused.value.problems) == 3
    assert "roles[1].typical_day: must be a non-empty text" in refused.value.problems
    assert draft_text(app) == before
    assert audit_rows(app) == audit_before


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        pytest.param("{", "bank.json", "line 1, column 2: Expecting", id="not-json"),
        pytest.param(b"\xff\xfe{}", "bank.json", "is not UTF-8 text", id="not-utf-8"),
        pytest.param("{}", "bank.txt", "Upload a .json file", id="wrong-extension"),
        pytest.param("[]", "bank.json", "the document must be a JSON object", id="a-list"),
        pytest.param(
            b" " * (1024 * 1024 + 1), "bank.json", "larger than 1 MB", id="over-one-megabyte"
        ),
    ],
)
def test_a_file_that_is_not_a_bank_is_refused_and_changes_nothing(
    app, admin_client, content, filename, message
):
    before = draft_text(app)
    response = upload(admin_client, content, filename)
    assert response.status_code == 422
    assert message in text_of(response.get_data(as_text=True))
    assert draft_text(app) == before


def test_uploading_without_a_file_asks_for_one(app, admin_client):
    response = admin_client.post(
        "/admin/bank",
        data={"csrf_token": form_token(admin_client, "/admin/bank")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Choose a question bank file to upload." in response.get_data(as_text=True)


def test_a_far_too_large_upload_is_refused_before_it_is_read(app, admin_client):
    before = draft_text(app)
    response = upload(admin_client, b" " * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert draft_text(app) == before


def test_other_forms_keep_the_small_request_limit(admin_client):
    response = admin_client.post(
        "/admin/publish",
        data={"csrf_token": form_token(admin_client, "/admin/"), "padding": "x" * 100_000},
    )
    assert response.status_code == 413


# ---------------------------------------------------------------- the JSON Schema


def validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA)


def edit(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """Return a deep copy of the default document with ``change`` applied to it."""
    document = copy.deepcopy(DOCUMENT)
    change(document)
    return document


def set_at(*path_and_value: Any) -> Callable[[dict[str, Any]], None]:
    *path, value = path_and_value

    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def remove(*path: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


LONG = "x" * 600
# Each refused by the parser for what one field holds: the schema must refuse it too.
STRUCTURAL = {
    "format-2": set_at("format", 2),
    "format-text": set_at("format", "1"),
    "format-true": set_at("format", True),
    "no-questions": remove("questions"),
    "no-roles": set_at("roles", []),
    "dimension-kind": set_at("dimensions", 0, "kind", "hobby"),
    "dimension-no-name": remove("dimensions", 0, "name"),
    "dimension-description-null": set_at("dimensions", 0, "description", None),
    "missing-role-text": remove("roles", 1, "typical_day"),
    "blank-role-text": set_at("roles", 1, "summary", "   "),
    "role-text-too-long": set_at("roles", 1, "focus", LONG + "x"),
    "empty-role-list": set_at("roles", 2, "skills", []),
    "role-list-of-nine": set_at("roles", 2, "tasks", ["task"] * 9),
    "blank-list-entry": set_at("roles", 2, "goals", ["a goal", " "]),
    "role-not-an-object": set_at("roles", 0, "a role"),
    "profile-above-3": set_at("roles", 0, "profile", "statistics", 4),
    "profile-negative": set_at("roles", 0, "profile", "statistics", -1),
    "profile-all-zero": set_at("roles", 0, "profile", {"statistics": 0}),
    "profile-empty": set_at("roles", 0, "profile", {}),
    "key-with-space": set_at("questions", 0, "key", "Q 1"),
    "key-with-leading-hyphen": set_at("questions", 0, "key", "-q1"),
    "key-too-long": set_at("roles", 0, "key", "r" * 41),
    "key-with-newline": set_at("questions", 0, "key", "q1\n"),
    "likert-weight-3": set_at("questions", LIKERT, "weights", "statistics", 3),
    "likert-weights-all-zero": set_at("questions", LIKERT, "weights", {"statistics": 0}),
    "likert-without-weights": remove("questions", LIKERT, "weights"),
    "choice-weight-5": set_at("questions", CHOICE, "options", 1, "weights", "statistics", 5),
    "choice-weight-minus-5": set_at("questions", CHOICE, "options", 1, "weights", "statistics", -5),
    "fractional-weight": set_at("questions", CHOICE, "options", 1, "weights", "statistics", 1.5),
    "text-weight": set_at("questions", CHOICE, "options", 1, "weights", "statistics", "2"),
    "boolean-weight": set_at("questions", LIKERT, "weights", "statistics", True),
    "choice-with-one-option": lambda d: d["questions"][CHOICE]["options"].__delitem__(
        slice(1, None)
    ),
    "choice-with-seven-options": lambda d: d["questions"][CHOICE]["options"].extend(
        {"key": f"x{i}", "label": f"Extra {i}", "weights": {}} for i in range(7)
    ),
    "choice-without-options": remove("questions", CHOICE, "options"),
    "option-without-label": remove("questions", CHOICE, "options", 0, "label"),
    "unknown-question-kind": set_at("questions", CHOICE, "kind", "slider"),
    "translation-into-en": set_at("roles", 0, "translations", {"en": {"name": "DS"}}),
    "translation-bad-code": set_at("questions", 0, "translations", {"xx-y": {"prompt": "x"}}),
    "translation-not-an-object": set_at("dimensions", 0, "translations", ["de"]),
    "translation-of-a-key": set_at("roles", 0, "translations", "de", "key", "ds"),
    "translation-empty-list": set_at("roles", 0, "translations", "de", "skills", []),
    "translation-blank-text": set_at("questions", 0, "translations", "de", "prompt", " "),
    "translation-name-too-long": set_at("dimensions", 0, "translations", "de", "name", "x" * 121),
    "translation-of-an-option-prompt": set_at(
        "questions", CHOICE, "options", 0, "translations", {"de": {"prompt": "x"}}
    ),
}
# At the very edge of what the parser accepts: the schema must accept them too.
ACCEPTED = {
    "text-of-600": set_at("roles", 1, "focus", LONG),
    "text-of-600-with-spaces-around": set_at("roles", 1, "focus", f"  {LONG}\n"),
    "list-of-eight": set_at("roles", 2, "tasks", ["task"] * 8),
    "six-options": lambda d: d["questions"][CHOICE]["options"].extend(
        {"key": f"x{i}", "label": f"Extra {i}", "weights": {}}
        for i in range(6 - len(d["questions"][CHOICE]["options"]))
    ),
    "likert-weight-minus-2": set_at("questions", LIKERT, "weights", "statistics", -2),
    "choice-weight-minus-4": set_at("questions", CHOICE, "options", 1, "weights", "statistics", -4),
    "choice-weight-4": set_at("questions", CHOICE, "options", 1, "weights", "statistics", 4),
    "zero-emphasis-kept": set_at("roles", 0, "profile", "software", 0),
    "no-description": remove("dimensions", 0, "description"),
    "empty-description": set_at("dimensions", 0, "description", ""),
    "unknown-fields": lambda d: d.update(comment="ignored") or d["roles"][0].update(note="x"),
    "likert-with-options-ignored": set_at("questions", LIKERT, "options", "ignored"),
    "forty-character-key": set_at("roles", 0, "key", "r" * 40),
    "partial-translation": set_at("roles", 0, "translations", {"de": {"summary": "Kurz."}}),
    "translation-language-without-texts": set_at("roles", 0, "translations", "fr", {}),
    "no-translations": remove("roles", 0, "translations"),
}
# What needs the whole document: only the parser can refuse these.
PARSER_ONLY = {
    "duplicate-question-key": lambda d: d["questions"][1].update(key=d["questions"][0]["key"]),
    "weight-on-unknown-dimension": set_at(
        "questions", CHOICE, "options", 0, "weights", "astrology", 1
    ),
    "whole-number-with-a-point": set_at("questions", LIKERT, "weights", "statistics", 2.0),
}


def parses(document: Any) -> bool:
    try:
        parse_bank(document)
    except BankError:
        return False
    return True


def test_default_bank_and_the_format_guide_example_are_valid_under_the_schema():
    schema = validator()
    assert list(schema.iter_errors(DOCUMENT)) == []
    guide = (DEFAULT_BANK_PATH.parents[2] / "docs" / "bank-format.md").read_text(encoding="utf-8")
    example = re.search(r"## Example\s+```json\n(.*?)```", guide, re.S).group(1)
    assert list(schema.iter_errors(json.loads(example))) == []
    translated = re.search(r"## Translations\n.*?```json\n(.*?)```", guide, re.S).group(1)
    assert list(schema.iter_errors(json.loads(translated))) == []


@pytest.mark.parametrize("change", STRUCTURAL.values(), ids=STRUCTURAL.keys())
def test_schema_refuses_what_the_parser_refuses_for_the_shape_of_one_field(change):
    document = edit(change)
    assert not parses(document)
    assert not validator().is_valid(document)


@pytest.mark.parametrize("change", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_schema_accepts_what_the_parser_accepts_at_the_edges(change):
    document = edit(change)
    assert parses(document)
    assert list(validator().iter_errors(document)) == []


@pytest.mark.parametrize("change", PARSER_ONLY.values(), ids=PARSER_ONLY.keys())
def test_what_needs_the_whole_document_is_left_to_the_parser_as_documented(change):
    document = edit(change)
    assert not parses(document)
    assert validator().is_valid(document)


# ---------------------------------------------------------------- the audit log


def test_audit_log_lists_imports_and_publishes_with_the_admins_email_newest_first(
    app, admin_client
):
    set_prompt(app, "q01", "Changed before the upload, so the publish has something to publish.")
    assert upload(admin_client, draft_text(app), filename="same.json").status_code == 302
    assert publish_through_the_overview(admin_client).status_code == 302

    html = admin_client.get("/admin/audit").get_data(as_text=True)
    rows = [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    ]
    assert [row[1:] for row in rows] == [
        [ADMIN_EMAIL, "publish", "quiz version 2", ""],
        [ADMIN_EMAIL, "import", "question bank from uploaded file same.json", ""],
        ["first start", "publish", "quiz version 1", ""],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row[0]) for row in rows)
    assert "When (UTC)" in html


def body_rows(html: str) -> int:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


def test_audit_log_is_paginated(app, admin_client):
    with app.app_context():
        for n in range(2 * AUDIT_ENTRIES_PER_PAGE):
            audit.record("edit", f"question q{n:03}", actor=ADMIN_EMAIL)
        db.session.commit()

    first = admin_client.get("/admin/audit").get_data(as_text=True)
    assert body_rows(first) == AUDIT_ENTRIES_PER_PAGE
    # the keys name no question of the bank, so the log shows each key itself
    assert "<code>q099</code>" in first and "<code>q050</code>" in first
    assert "<code>q049</code>" not in first
    assert 'href="/admin/audit?page=2"' in first

    last = admin_client.get("/admin/audit?page=3").get_data(as_text=True)
    assert body_rows(last) == 1
    assert "quiz version 1" in last
    assert admin_client.get("/admin/audit?page=4").status_code == 404


def test_audit_log_shows_markup_in_entries_as_text(app, admin_client):
    with app.app_context():
        audit.record("edit", "<script>alert(1)</script>", actor=ADMIN_EMAIL)
        db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
