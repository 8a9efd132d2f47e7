"""The benchmark's yardstick: Flask + Jinja at their best, serving pages of Career Fit's sizes.

Run under the same gunicorn config as Career Fit (bench/run.py), it shows what the framework,
the template engine, gunicorn and this machine cost on their own, so Career Fit's figures can
be read as ratios that survive a noisy, shared machine.

At its best means: the templates are compiled once, at import, as a real app's are after its
first request (``app.jinja_env.from_string``), never on every request. Each compared page gets a
body of the same size as Career Fit's, rendered on every request from the compiled template with
variables, so the yardstick does the work a page of that size costs and not a byte less:

- ``GET /page/<name>``: HTML of ``BENCH_BASELINE_SIZES[name]`` bytes, from a list of rows;
- ``GET /json/<name>``: JSON of that many bytes, from a list of records (``jsonify``);
- ``GET /form``: a form page that puts a value in the signed session cookie, as a quiz does;
- ``POST /form``: a whole submission as the framework alone does it: parse the urlencoded form,
  read and re-sign the session cookie, score the answers (count them and sum their values), and
  answer ``303 See Other`` to a result address. No database: that cost is Career Fit's own.

``BENCH_BASELINE_SIZES`` is set by bench/run.py from the sizes it measured on Career Fit, e.g.
``landing=14021,quiz=19800,result=38211,result.json=6012``; names ending in ``.json`` are JSON.
"""

from __future__ import annotations

import json
import os

from flask import Flask, Response, jsonify, redirect, request, session

app = Flask(__name__)
# a throwaway key: the baseline signs its session cookie as Career Fit does, and keeps nothing
app.secret_key = os.urandom(32)
app.json.sort_keys = False  # type: ignore[attr-defined]  # as Career Fit does

PAGE = app.jinja_env.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><a href="/">{{ site }}</a></header>
<main><h1>{{ title }}</h1>
<ul class="rows">{% for row in rows %}
<li id="row-{{ row.number }}"><strong>{{ row.name }}</strong> {{ row.text }}
<span class="value">{{ row.value }}%</span></li>{% endfor %}</ul>
<p class="padding">{{ padding }}</p></main>
<footer>{{ site }}</footer></body></html>"""
)
FORM = app.jinja_env.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><form method="post" action="/form">
{% for n in range(questions) %}<label><input type="radio" name="q-{{ n }}" value="3"> {{ n }}
</label>{% endfor %}<button>See my result</button></form></main></body></html>"""
)
SENTENCE = "A sentence of ordinary length about this row, & its <neighbours>. "
SITE = "Baseline"


def _row(number: int) -> dict[str, object]:
    return {"number": number, "name": f"Row {number}", "text": SENTENCE * 2, "value": number % 100}


def _html_rows(size: int) -> tuple[list[dict[str, object]], str]:
    """Return the rows and padding that make the page exactly ``size`` bytes, or the nearest."""
    empty = len(_render_page([], "").encode())
    one_row = len(_render_page([_row(0)], "").encode()) - empty
    rows = [_row(n) for n in range(max(0, (size - empty) // one_row))]
    # later rows have longer numbers: drop rows until the page fits
    while rows and len(_render_page(rows, "").encode()) > size:
        rows.pop()
    # the padding makes up what whole rows cannot; escaping never grows plain letters
    padding = "x" * max(0, size - len(_render_page(rows, "").encode()))
    return rows, padding


def _render_page(rows: list[dict[str, object]], padding: str) -> str:
    return PAGE.render(title=f"{SITE} page", site=SITE, rows=rows, padding=padding)


def _json_records(size: int) -> tuple[list[dict[str, object]], str]:
    """Return the records and padding that make the JSON body ``size`` bytes, or the nearest."""

    def length(records: list[dict[str, object]], padding: str) -> int:
        # as jsonify writes it: compact separators, a newline at the end
        body = {"title": SITE, "records": records, "padding": padding}
        return len(json.dumps(body, separators=(",", ":")).encode()) + 1

    empty = length([], "")
    one = length([_row(0)], "") - empty
    records = [_row(n) for n in range(max(0, (size - empty) // one))]
    while records and length(records, "") > size:
        records.pop()
    return records, "x" * max(0, size - length(records, ""))


def _sizes() -> dict[str, int]:
    text = os.environ.get("BENCH_BASELINE_SIZES", "page=30000,page.json=6000")
    pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
    return {name.strip(): int(size) for name, size in pairs}


HTML_CONTENT = {name: _html_rows(size) for name, size in _sizes().items() if "json" not in name}
JSON_CONTENT = {name: _json_records(size) for name, size in _sizes().items() if "json" in name}


@app.get("/page/<name>")
def page(name: str) -> str:
    rows, padding = HTML_CONTENT[name]
    return _render_page(rows, padding)


@app.get("/json/<name>")
def json_page(name: str) -> Response:
    records, padding = JSON_CONTENT[name]
    return jsonify(title=SITE, records=records, padding=padding)


@app.get("/form")
def form() -> str:
    session["started"] = True
    return FORM.render(title=f"{SITE} form", questions=20)


@app.post("/form")
def submit() -> Response:
    answers = {key: value for key, value in request.form.items() if key.startswith("q-")}
    score = sum(int(value) for value in answers.values() if value.isdigit())
    session["answered"] = len(answers)
    session["score"] = score
    return redirect(f"/r/{score}", code=303)  # type: ignore[return-value]


@app.get("/healthz")
def healthz() -> str:
    """Answered like Career Fit's, so one launcher starts both (bench/gunicorn_server.py)."""
    return "ok"
