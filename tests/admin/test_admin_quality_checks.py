"""The quality page's answer styles, keying balance and equal say, through the real admin pages.

Each test publishes a small bank of its own (tests/support/small_banks.py), so the figures it
reads are known by hand, whatever the default bank holds.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from small_banks import (
    alpha_agreement_document,
    balanced_agreement_document,
    bank_document,
    choice_only_document,
    statement_document,
)

from quiz.core.bank import parse_bank
from quiz.core.response_styles import RESPONSE_STYLES
from quiz.db import db
from quiz.store.drafts import replace_draft
from quiz.store.publishing import publish_draft

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


def publish(app: Flask, document: dict[str, Any]) -> int:
    """Publish ``document`` as a new version; return its number."""
    with app.app_context():
        replace_draft(parse_bank(document))
        version = publish_draft(actor="test")
        db.session.commit()
        return version.number


def quality_page(client: FlaskClient, number: int, **kwargs: Any) -> str:
    response = client.get(f"/admin/versions/{number}/quality", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def rows(html: str, table_id: str) -> dict[str, list[str]]:
    """Return a table's rows as row header -> cell texts (tags removed, entities decoded)."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table(html, table_id), re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header:
            cells = re.findall(r"<td>(.*?)</td>", row, re.S)
            found[text(header.group(1))] = [text(cell) for cell in cells]
    return found


def text(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def warnings(html: str) -> list[str]:
    """Return the page's warnings (the "Worth fixing" list) as texts."""
    section = html.split('id="warnings-heading"', 1)[1].split("</section>", 1)[0]
    listed = section.split("<h3>", 1)[0]
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", listed, re.S)]


def column_headers(html: str, table_id: str) -> list[str]:
    head = table(html, table_id).split("</thead>", 1)[0]
    return [text(h) for h in re.findall(r'<th scope="col">(.*?)</th>', head, re.S)]


def test_a_quiz_rewarding_agreement_is_warned_about_in_every_part(
    app: Flask, admin_client: FlaskClient
) -> None:
    number = publish(app, alpha_agreement_document())
    html = quality_page(admin_client, number)
    page_text = text(html)

    # answer styles: a captioned table, one row per style besides the random answers
    assert "<caption" in table(html, "answer-styles")
    assert column_headers(html, "answer-styles") == ["Answer style", "Alpha", "Beta", "Gamma"]
    styles = rows(html, "answer-styles")
    assert len(styles) == len(RESPONSE_STYLES) + 1
    strongly_agree = styles["“Strongly agree” to every statement"]
    alpha_share = float(strongly_agree[0].rstrip("%"))
    assert alpha_share > 45
    assert sum(float(cell.rstrip("%")) for cell in strongly_agree) == pytest.approx(100, abs=0.2)
    assert "<strong>" in table(html, "answer-styles")  # the share over the limit stands out
    assert (
        f"People who answer “Strongly agree” to every statement put Alpha on top "
        f"{alpha_share:.1f}% of the time, against an even share of 33%"
    ) in page_text

    # keying: every Alpha statement is agree-keyed; no statement moves Beta or Gamma
    keying = rows(html, "keying")
    assert keying["Alpha"] == ["100.0%", "0.0%", "4 agree-keyed, 0 disagree-keyed"]
    assert keying["Beta"] == keying["Gamma"] == ["—", "—", "0"]
    assert (
        "100.0% of what the agreement statements can move Alpha is agree-keyed (more than 60%)"
        in page_text
    )

    # equal say: a row per question, a column per role, and the footer rows
    say = rows(html, "question-say")
    assert column_headers(html, "question-say") == ["Question", "Alpha", "Beta", "Gamma"]
    statement = next(label for label in say if "likes-analysis-1" in label)
    # Alpha's span: choice ranges 3+1+2+3+1+2+1 = 13, four statements of range 4: 29
    assert say[statement] == [f"{4 / 29:.1%}", "0.0%", "0.0%"]
    # the median of Alpha's ranges 1,1,1,2,2,3,3,4,4,4,4 is 3; the largest is 4
    assert say["Median question that moves the role"][0] == f"{3 / 29:.1%}"
    assert say["Largest question ÷ median"][0] == "1.3"
    assert not [w for w in warnings(html) if "outsized say" in w]


def test_a_balanced_quiz_raises_no_style_keying_or_say_warning(
    app: Flask, admin_client: FlaskClient
) -> None:
    number = publish(app, balanced_agreement_document())
    html = quality_page(admin_client, number)
    page_text = text(html)
    for style in rows(html, "answer-styles").values():
        assert all(float(cell.rstrip("%")) <= 45 for cell in style)
    assert "People who answer" not in page_text
    assert "agree-keyed (more than" not in page_text
    assert not [w for w in warnings(html) if "outsized say" in w]
    assert set(map(tuple, rows(html, "keying").values())) == {
        ("50.0%", "50.0%", "1 agree-keyed, 1 disagree-keyed")
    }


def test_a_question_with_three_times_the_median_range_is_named(
    app: Flask, admin_client: FlaskClient
) -> None:
    # Alpha's ranges: the choices' 1,1,1,2,2,3,3 and a statement of weight 2 (range 8): the
    # median of the eight is 2, and 8 is four times it
    document = bank_document([statement_document("loves-analysis", {"analysis": 2})])
    number = publish(app, document)
    html = quality_page(admin_client, number)
    position = 8  # after the seven choice questions
    assert (
        f"Question {position} (“I enjoy the work of statement loves-analysis.”) has an outsized "
        f"say in Alpha: its answers span {8 / 21:.1%} of the role's range, 4.0 times as much as "
        f"the median question that moves it ({2 / 21:.1%})."
    ) in text(html)
    cell = rows(html, "question-say")[f"{position}. I enjoy the work of statement loves-analysis."]
    assert cell[0] == f"{8 / 21:.1%}"
    assert f"<strong>{8 / 21:.1%}</strong>" in table(html, "question-say")


def test_a_quiz_without_agreement_statements_says_there_are_no_styles_to_try(
    app: Flask, admin_client: FlaskClient
) -> None:
    number = publish(app, choice_only_document())
    html = quality_page(admin_client, number)
    page_text = text(html)
    assert 'id="answer-styles"' not in html and 'id="keying"' not in html
    assert "This version has no agreement statements, so there are no answer styles to try." in (
        page_text
    )
    assert (
        "This version has no agreement statements, so there are no answer styles to try and no "
        "keying to balance."
    ) in page_text
    assert len(rows(html, "question-say")) == 7 + 2  # the choice questions and the footer


def test_the_new_parts_speak_german(app: Flask, admin_client: FlaskClient) -> None:
    number = publish(app, alpha_agreement_document())
    html = quality_page(admin_client, number, headers=GERMAN)
    page_text = text(html)
    assert "„Stimme voll zu“ bei jeder Aussage" in page_text
    assert "Answer style" not in page_text and "agree-keyed" not in page_text
    assert rows(html, "keying")["Alpha"][0] == "100,0%"  # the decimal comma
