"""The analytics page folds each question's answers, keeps shares beside their bars and gives its
daily chart labelled axes."""

from __future__ import annotations

import html as markup
import re

from flask import Flask
from flask.testing import FlaskClient
from taker_results import insert_people_results

from quiz.store.publishing import published_bank


def test_each_question_folds_closed_with_its_number_and_count_of_answers(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(12, seed=4)
        bank = published_bank(1)
    page = admin_client.get("/admin/analytics").get_data(as_text=True)
    sections = re.findall(
        r"<details class=\"question-answers\"(.*?)>\s*<summary>(.*?)</summary>", page, re.S
    )
    assert len(sections) == len(bank.questions)
    assert all(attributes == "" for attributes, _summary in sections)  # closed: no "open"
    for number, (question, (_attributes, summary)) in enumerate(
        zip(bank.questions, sections, strict=True), 1
    ):
        text = markup.unescape(re.sub(r"<[^>]+>", "", summary))
        assert text.startswith(f"{number}. {question.prompt}")
        assert text.endswith("12 answers")


def test_every_share_has_a_cell_of_its_own_beside_its_bar(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(12, seed=4)
    page = admin_client.get("/admin/analytics").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    with_bars = [row for row in rows if "<meter" in row or "mini-bar" in row]
    assert len(with_bars) > 30
    for row in with_bars:
        bar = re.search(
            r'<td class="share-bar">(.*?)</td>\s*<td class="share-figure">([^<]*)</td>', row, re.S
        )
        assert bar is not None, row
        assert re.fullmatch(r"\d+(\.\d)?%", bar.group(2).strip()), bar.group(2)
        assert "%" not in bar.group(1)


def test_the_daily_chart_labels_counts_and_dates(app: Flask, admin_client: FlaskClient) -> None:
    with app.app_context():
        insert_people_results(12, seed=4)
    page = admin_client.get("/admin/analytics").get_data(as_text=True)
    chart = page.split('<svg class="day-chart"', 1)[1].split("</svg>", 1)[0]
    y_axis = chart.split('<g class="y-axis">', 1)[1].split("</g>", 1)[0]
    counts = re.findall(r'class="chart-note">([^<]*)</text>', y_axis)
    assert counts[-1] == "Results"
    assert [int(c) for c in counts[:-1]][0] == 0
    bars = [int(n) for n in re.findall(r"<title>[^<]*: (\d+)</title></rect>", chart)]
    assert sum(bars) == 12
    assert int(counts[-2]) >= max(bars)
    x_axis = chart.split('<g class="x-axis">', 1)[1].split("</g>", 1)[0]
    dates = re.findall(r'class="chart-note">([^<]*)</text>', x_axis)
    assert dates[-1] == "Day (UTC)"
    assert 2 <= len(dates) - 1 <= 5
