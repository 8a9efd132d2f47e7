"""The benchmark's yardstick: a minimal Flask + Jinja app serving a page of similar size.

Run under the same gunicorn config as Career Fit, it shows what the framework, the
template engine and this machine cost on their own, so Career Fit's figures can be
read as ratios that survive a noisy, shared machine.
"""

from flask import Flask, render_template_string

app = Flask(__name__)

# About 30 KB of HTML, like a result page: a list of rows with some text in each.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
<ul>{% for row in rows %}<li><strong>{{ row.name }}</strong> {{ row.text }}
<span>{{ row.value }}%</span></li>{% endfor %}</ul></main></body></html>"""

ROWS = [
    {"name": f"Row {i}", "text": "A sentence of ordinary length about this row. " * 2, "value": i}
    for i in range(240)
]


@app.get("/")
def page() -> str:
    return render_template_string(PAGE, title="Baseline", rows=ROWS)


@app.get("/healthz")
def healthz() -> str:
    """Answered like Career Fit's, so one launcher starts both (bench/gunicorn_server.py)."""
    return "ok"
