"""The difference between any two published versions, in either order, through the real app;
a version number that names no published version is a 404 that says so."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import form_token
from sqlalchemy import select

from quiz.db import db
from quiz.models import Question, QuizVersion, Role
from quiz.store import editing

NO_SUCH_VERSION = (
    "There is no published version with that number. "
    "The list of published versions shows the ones there are."
)


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def publish(client: FlaskClient) -> None:
    token = form_token(client, "/admin/publish/confirm")
    response = client.post("/admin/publish", data={"csrf_token": token})
    assert response.status_code == 302
    overview = text_of(client.get(response.headers["Location"]).text)
    assert "Published version" in overview, overview[:500]


@pytest.fixture
def three_versions(app: Flask, admin_client: FlaskClient) -> dict[str, str]:
    """Publish version 2 (a question's text changed) and version 3 (a question deleted and a
    role's summary changed) after the seeded version 1; return the texts that tell them apart."""
    with app.app_context():
        first = db.session.scalar(select(Question).where(Question.key == "q01"))
        first_prompt = first.prompt
        first.prompt = "A prompt of version two."
        db.session.commit()
    publish(admin_client)
    with app.app_context():
        second = db.session.scalar(select(Question).where(Question.key == "q02"))
        second_prompt = second.prompt
        editing.delete_question(second, str(second.revision))
        role = db.session.scalar(select(Role).where(Role.key == "ml-engineer"))
        role.summary = "A summary of version three."
        db.session.commit()
        role_name = role.name
    publish(admin_client)
    with app.app_context():
        numbers = db.session.scalars(select(QuizVersion.number).order_by(QuizVersion.number))
        assert list(numbers) == [1, 2, 3]
    return {"q01 before": first_prompt, "q02": second_prompt, "role": role_name}


def test_the_difference_from_version_1_to_3_holds_both_publishes_changes(
    admin_client: FlaskClient, three_versions: dict[str, str]
) -> None:
    response = admin_client.get("/admin/versions/diff?from=1&to=3")

    assert response.status_code == 200
    text = text_of(response.text)
    assert "From version 1 to version 3" in text
    assert "3 changes:" in text
    assert "Questions changed A prompt of version two. (q01) Changed: text" in text
    assert f"Questions removed {three_versions['q02']} (q02)" in text
    assert f"Roles changed {three_versions['role']} (ml-engineer) : summary" in text
    assert "Questions added" not in text


def test_the_difference_from_version_3_to_1_is_the_same_changes_the_other_way(
    admin_client: FlaskClient, three_versions: dict[str, str]
) -> None:
    response = admin_client.get("/admin/versions/diff?from=3&to=1")

    assert response.status_code == 200
    text = text_of(response.text)
    assert "From version 3 to version 1" in text
    assert "3 changes:" in text
    # going back to version 1: the question comes back, and names are version 1's
    assert f"Questions added {three_versions['q02']} (q02)" in text
    assert f"Questions changed {three_versions['q01 before']} (q01) Changed: text" in text
    assert f"Roles changed {three_versions['role']} (ml-engineer) : summary" in text
    assert "Questions removed" not in text


def test_the_difference_between_versions_2_and_3_holds_only_the_last_publish(
    admin_client: FlaskClient, three_versions: dict[str, str]
) -> None:
    text = text_of(admin_client.get("/admin/versions/diff?from=2&to=3").text)

    assert "2 changes:" in text
    assert "Questions changed" not in text
    assert f"Questions removed {three_versions['q02']} (q02)" in text


def test_a_version_number_that_names_no_published_version_is_a_404_saying_so(
    admin_client: FlaskClient, three_versions: dict[str, str]
) -> None:
    for query in (
        "from=1&to=4",
        "from=4&to=1",
        "from=0&to=3",
        "from=-1&to=3",
        "from=1&to=99999999999999999999",
        "from=one&to=3",
        "from=1",
        "",
    ):
        response = admin_client.get(f"/admin/versions/diff?{query}")

        assert response.status_code == 404, query
        assert NO_SUCH_VERSION in text_of(response.text), query


def test_starting_a_draft_from_an_unknown_version_is_a_404_saying_so(
    admin_client: FlaskClient,
) -> None:
    response = admin_client.get("/admin/versions/7/draft")

    assert response.status_code == 404
    assert NO_SUCH_VERSION in text_of(response.text)


def test_the_quality_report_of_an_unknown_version_is_a_404_saying_so(
    admin_client: FlaskClient,
) -> None:
    response = admin_client.get("/admin/versions/7/quality")

    assert response.status_code == 404
    assert NO_SUCH_VERSION in text_of(response.text)
