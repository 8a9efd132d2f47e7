"""The quality page shows what people who say what they do tell about the quiz's results.

Results are stored as people would leave them, and some of their takers say what they do
now; the page's counts must be those worked out from those results directly.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from taker_results import insert_people_results

from quiz.core.criterion import criterion_report
from quiz.db import db
from quiz.models import Result
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.self_reports import record_work_now

OTHER = "something-else"


def say_what_they_do(every: int) -> Counter[tuple[str, str]]:
    """Let every ``every``-th real careful result's taker say they work in its top role (every
    third of those says something else instead); return (stated work, top role) counts."""
    results = db.session.scalars(
        select(Result).where(Result.careless.is_(None)).order_by(Result.id)
    ).all()
    roles = [r.key for r in published_bank(1).roles]
    counted: Counter[tuple[str, str]] = Counter()
    for n, result in enumerate(results[::every]):
        record_work_now(result, OTHER if n % 3 == 2 else result.top_role, None, roles)
        counted[(result.work_now, result.top_role)] += 1
    db.session.commit()
    return counted


def confusion_cells(html: str) -> dict[str, list[str]]:
    table = html[html.index('id="confusion"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td>[^<]*</td>)+)</tr>', table)
    return {unescape(name): re.findall(r"<td>([^<]*)</td>", cells) for name, cells in rows}


def test_the_page_counts_stated_work_against_the_top_role(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(90, seed=3)
        stated = say_what_they_do(2)
        version = latest_version_id()
    html = admin_client.get("/admin/versions/1/quality").get_data(as_text=True)
    assert version == 1
    assert "Does the quiz agree with people who do the job?" in html
    cells = confusion_cells(html)
    roles = ["data-scientist", "ml-engineer", "ai-engineer"]
    names = {
        "data-scientist": "Data Scientist",
        "ml-engineer": "Machine Learning Engineer",
        "ai-engineer": "AI Engineer",
    }
    for work in [*roles, OTHER]:
        label = names.get(work, "Something else")
        assert cells[label] == [str(stated[(work, role)]) for role in roles], label
    assert f"{sum(stated.values())} of them say what they do" in unescape(html)
    # under 100 results that say what their takers do: no hit rates yet, and the page says
    # how many more it needs
    assert 'id="hit-rates"' not in html
    stated_total = sum(stated.values())
    assert stated_total < 100
    assert (
        "Criterion evidence is worked out once 100 real, careful results say what their "
        f"takers do; {stated_total} do so far — {100 - stated_total} more needed."
    ) in unescape(html)


def test_results_whose_takers_said_nothing_leave_the_section_without_a_table(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(10, seed=4)
    html = admin_client.get("/admin/versions/1/quality").get_data(as_text=True)
    assert "Does the quiz agree with people who do the job?" in html
    assert "0 of them say what they do" in unescape(html)
    assert 'id="confusion"' not in html


def test_with_enough_people_in_each_role_the_page_shows_hit_rates_and_each_questions_d(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(240, seed=5)
        results = db.session.scalars(select(Result).where(Result.careless.is_(None))).all()
        bank = published_bank(1)
        for result in results:
            record_work_now(result, result.top_role, 3, [r.key for r in bank.roles])
        db.session.commit()
        expected = criterion_report(
            bank.effect_table,
            [r.key for r in bank.roles],
            [(r.answers, r.top_role, r.work_now) for r in results],
        )
    assert expected.hit_rates and expected.separation
    html = admin_client.get("/admin/versions/1/quality").get_data(as_text=True)
    hits = html[html.index('id="hit-rates"') :]
    hits = hits[: hits.index("</table>")]
    # everyone stated the role their result put first: every hit rate is 100%
    assert len(re.findall(r"<td>100.0%</td>", hits)) == len(expected.hit_rates)
    table = html[html.index('id="job-separation"') :]
    table = unescape(table[: table.index("</table>")])
    # one row per question with a d, a column per role
    rows = re.findall(r'<tr><th scope="row">(\d+)\. ', table)
    assert len(rows) == len(expected.separation_rows())
    first_question, by_role = expected.separation_rows()[0]
    first_row = table[table.index(f'<tr><th scope="row">{rows[0]}. ') :]
    first_row = first_row[: first_row.index("</tr>")]
    cells = re.findall(r"<td>(.*?)</td>", first_row)
    for role, cell in zip(roles_of(bank), cells, strict=True):
        item = by_role.get(role)
        assert (f"{abs(item.d):.2f}" in cell) if item else ("–" in cell)
    # every question was answered by everyone: each role's group sizes are said once
    for role, (in_role, others) in expected.separation_groups().items():
        name = bank.role_by_key[role].name
        assert f"{name}: Cohen's d" in table
        assert f"{in_role} in the role against {others} in other roles" in table


def roles_of(bank) -> list[str]:
    return [r.key for r in bank.roles]
