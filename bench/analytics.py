"""Time the admin analytics page, the quality report and the CSV export on a large database.

    .venv/bin/python bench/analytics.py --database-url postgresql://postgres@127.0.0.1:5432/NAME
        [--results 1000000] [--rounds 7]

If the database holds fewer results than ``--results``, synthetic ones are added first with
the same code as ``flask --app quiz demo-results`` (a million take a few minutes). Then, in
this process, through the whole Flask stack (the test client: no sockets), it times:

* the analytics page: the default last 30 days, and 90 days of every version;
* the quality report of the latest version (synthetic results never reach its reliability,
  so on a database of them alone that part waits for real results and is not timed);
* the landing page, as the reference the ratios are taken against;
* and, as the baseline the daily counts replace, the same figures aggregated straight from
  the results table in SQL (results per day, top roles, the median time, and every answer
  unnested from its JSON) — PostgreSQL only.

Then it exports every result as CSV and reports rows per second and how much the process's
peak memory grew while it did. Figures are medians of ``--rounds`` runs; the machine is shared,
so the
ratios, measured in the same run, are what to compare.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from quiz import create_app
from quiz.db import db
from quiz.models import Admin, QuizVersion, Result
from quiz.store.analytics import ResultFilter, fold_new_results
from quiz.store.demo import insert_demo_results
from quiz.store.export import write_results_csv

EMAIL = "bench@example.com"
PASSWORD = "bench password, not secret"

NAIVE_QUERIES = {
    "results per day": """
        SELECT date(created_at AT TIME ZONE 'UTC'), count(*) FROM result
        WHERE deleted_at IS NULL AND created_at >= :start GROUP BY 1""",
    "top roles": """
        SELECT top_role, count(*) FROM result
        WHERE deleted_at IS NULL AND created_at >= :start GROUP BY 1""",
    "median time": """
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_taken) FROM result
        WHERE deleted_at IS NULL AND created_at >= :start""",
    "answers": """
        SELECT a.key, a.value, count(*) FROM result, json_each_text(result.answers) AS a
        WHERE deleted_at IS NULL AND created_at >= :start GROUP BY 1, 2""",
}


def timed(work: Callable[[], object], rounds: int) -> float:
    """Return the median seconds ``work`` takes over ``rounds`` runs."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url (or set DATABASE_URL)")

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(Result)) or 0
        if stored < args.results:
            print(f"adding {args.results - stored:,} synthetic results to {stored:,} …", flush=True)
            start = time.perf_counter()
            insert_demo_results(
                args.results - stored, progress=lambda line: print(line, flush=True)
            )
            print(f"  took {time.perf_counter() - start:.0f} s", flush=True)
        fold_new_results()
        stored = db.session.scalar(select(func.count()).select_from(Result)) or 0
        latest = db.session.scalar(select(func.max(QuizVersion.number)))
        if db.session.scalar(select(Admin).where(Admin.email == EMAIL)) is None:
            db.session.add(Admin(email=EMAIL, password_hash=generate_password_hash(PASSWORD)))
            db.session.commit()

    client = app.test_client()
    response = client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    def page(url: str) -> Callable[[], None]:
        def get() -> None:
            got = client.get(url)
            assert got.status_code == 200, (url, got.status_code)

        return get

    today = datetime.now(UTC).date()
    ninety = (today - timedelta(days=89)).isoformat()
    pages = {
        "landing page (reference)": "/",
        "analytics, last 30 days": "/admin/analytics",
        "analytics, 90 days, all versions": f"/admin/analytics?first_day={ninety}",
        f"quality report, version {latest}": f"/admin/versions/{latest}/quality",
    }
    for url in pages.values():
        page(url)()  # warm: the first view of a version works out what its weights say
    figures = {name: timed(page(url), args.rounds) for name, url in pages.items()}
    reference = figures["landing page (reference)"]

    print(f"\n{stored:,} results on {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    print(f"{'page':40} {'median ms':>10} {'× landing page':>15}")
    for name, seconds in figures.items():
        print(f"{name:40} {seconds * 1000:10.1f} {seconds / reference:15.1f}")

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            start_at = datetime.combine(today - timedelta(days=89), datetime.min.time(), UTC)
            naive_total = 0.0
            print(f"\n{'the same figures straight from the results':40} {'median ms':>10}")
            for name, sql in NAIVE_QUERIES.items():
                seconds = timed(
                    lambda sql=sql: db.session.execute(text(sql), {"start": start_at}).all(),
                    max(1, args.rounds // 2),
                )
                naive_total += seconds
                print(f"{name:40} {seconds * 1000:10.1f}")
            analytics_90 = figures["analytics, 90 days, all versions"]
            print(
                f"{'all four, 90 days':40} {naive_total * 1000:10.1f}"
                f"   the analytics page is {naive_total / analytics_90:.0f}× faster"
            )

        everything = ResultFilter(None, today - timedelta(days=365), today)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        rows = write_results_csv(everything, _Discard())
        seconds = time.perf_counter() - start
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(
            f"\nCSV export: {rows:,} results in {seconds:.1f} s ({rows / seconds:,.0f} per second);"
            f" the process's peak memory grew by {grown / 1024:.1f} MiB"
        )


class _Discard(io.TextIOBase):
    """A text stream that forgets what it is given, so the export's own memory is measured."""

    def write(self, text: str) -> int:
        return len(text)


if __name__ == "__main__":
    sys.exit(main())
