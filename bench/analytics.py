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

The criterion-and-norms proof
-----------------------------
    .venv/bin/python bench/analytics.py --criterion [--results 200000] [--rounds 7] [--keep]
        [--postgres-server postgresql+psycopg://postgres@127.0.0.1:5432]

works on a PostgreSQL database of its own, ``career_fit_bench_<random>``: it creates it,
lets the app build the schema and publish the default bank as on its first start, and
inserts ``--results`` demo results made as if real people took the quiz (not synthetic,
each with a stated work; see quiz/store/demo.py), then folds them in. It then

* works the criterion evidence and the norms out straight from the results table, read a
  batch at a time, and compares every figure (confusion matrix, hit rates, each question's
  d, the norms and every percentile) with those from the kept counts; the first difference,
  if any, is printed and the exit status is 1;
* times the landing page (reference) and the latest version's quality report through the
  test client, signed in as an admin, and the two reads the statistics rest on alone
  (``version_norms`` and ``criterion_tally``).

It prints how long inserting, folding and the direct computation took. The database is
dropped at the end, unless ``--keep``.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import secrets
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from werkzeug.security import generate_password_hash

from quiz import create_app
from quiz.core.criterion import CriterionReport, CriterionResponse, criterion_report, tally
from quiz.core.norms import HIGHEST_FIT, Norms, norm_table
from quiz.db import db
from quiz.models import Admin, QuizVersion, Result
from quiz.store.analytics import ResultFilter, fold_new_results
from quiz.store.demo import insert_demo_results
from quiz.store.export import write_results_csv
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.statistics import criterion_tally, version_norms

EMAIL = "bench@example.com"
PASSWORD = "bench password, not secret"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
CRITERION_RESULTS = 200_000
# the proof's groups are large at this size: the report's own minimum applies as shown
CRITERION_MIN_GROUP = 30
# rows read at a time by the direct computation, so it holds one batch in memory
DIRECT_BATCH = 5_000
# the quality report must answer within this, however many results there are
QUALITY_REPORT_BUDGET_SECONDS = 1.0

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--results", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--criterion",
        action="store_true",
        help="prove the norms and criterion evidence on a PostgreSQL database of its own",
    )
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER)
    parser.add_argument("--keep", action="store_true", help="keep the proof's database")
    args = parser.parse_args()
    if args.criterion:
        return criterion_proof(
            args.postgres_server, args.results or CRITERION_RESULTS, args.rounds, args.keep
        )
    args.results = args.results or 1_000_000
    if not args.database_url:
        parser.error("give --database-url (or set DATABASE_URL), or --criterion")

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
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
    return 0


def criterion_proof(server: str, results: int, rounds: int, keep: bool) -> int:
    """Run the criterion-and-norms proof on a fresh database (see the module docstring)."""
    name = f"career_fit_bench_{secrets.token_hex(4)}"
    # CREATE and DROP DATABASE run outside a transaction
    maintenance = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with maintenance.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    print(f"created database {name}", flush=True)
    app = None
    try:
        start = time.perf_counter()
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"{server}/{name}",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
            }
        )
        print(f"built the schema and published the default bank in {since(start):.1f} s")
        return prove(app, results, rounds)
    finally:
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        if keep:
            print(f"kept database {name}")
        else:
            with maintenance.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped database {name}")
        maintenance.dispose()


def prove(app: Flask, results: int, rounds: int) -> int:
    """Fill the database, check the figures against the results, and time what reads them."""
    with app.app_context():
        db.session.add(Admin(email=EMAIL, password_hash=generate_password_hash(PASSWORD)))
        db.session.commit()
        start = time.perf_counter()
        insert_demo_results(results, as_real_takers=True, fold=False, progress=indented)
        inserting = since(start)
        start = time.perf_counter()
        limit = app.config["ANALYTICS_FOLD_LIMIT"]
        folded = 0
        while added := fold_new_results(limit):
            folded += added
        folding = since(start)
        version_id = latest_version_id()
        assert version_id is not None
        number = db.session.get_one(QuizVersion, version_id).number

        start = time.perf_counter()
        direct_report, direct_norms = figures_from_results(version_id)
        direct = since(start)
        counted_report, counted_norms = figures_from_counts(version_id)
        difference = first_difference(
            (counted_report, counted_norms), (direct_report, direct_norms)
        )

        def norms_lookup() -> None:
            db.session.expunge_all()  # else the session hands back the row it read last time
            version_norms(version_id)

        norms_seconds = timed(norms_lookup, rounds)
        tally_seconds = timed(lambda: criterion_tally(version_id), rounds)

    print(f"\ninserted {results:,} real-taker results in {inserting:.1f} s")
    print(f"folded {folded:,} results in {folding:.1f} s")
    print(
        f"worked the figures out straight from the results in {direct:.1f} s: "
        f"{direct_report.responses:,} with a stated work, norms on {direct_norms.results:,}"
    )
    print(
        "hit rates: "
        + ", ".join(f"{h.role} {h.rate:.1%} of {h.group:,}" for h in counted_report.hit_rates)
    )
    print(f"d worked out for {len(counted_report.separation)} question and role pairs")
    print(f"counts against results: {difference or 'match'}")

    client = app.test_client()
    sign_in(client)
    pages = {
        "landing page (reference)": "/",
        f"quality report, version {number}": f"/admin/versions/{number}/quality",
    }
    for url in pages.values():
        fetch(client, url)  # warm: the first view of a version works out what its weights say
    figures = {
        name: timed(lambda url=url: fetch(client, url), rounds) for name, url in pages.items()
    }
    figures["version_norms lookup"] = norms_seconds
    figures["criterion_tally read"] = tally_seconds
    reference = figures["landing page (reference)"]
    print(f"\n{'measured (median of ' + str(rounds) + ')':40} {'ms':>10} {'× landing page':>15}")
    for name, seconds in figures.items():
        print(f"{name:40} {seconds * 1000:10.1f} {seconds / reference:15.2f}")
    quality = figures[f"quality report, version {number}"]
    if quality > QUALITY_REPORT_BUDGET_SECONDS:
        print(f"the quality report takes longer than {QUALITY_REPORT_BUDGET_SECONDS:.0f} s")
    return 1 if difference else 0


def indented(line: str) -> None:
    print(f"  {line}", flush=True)


def since(start: float) -> float:
    return time.perf_counter() - start


def sign_in(client: FlaskClient) -> None:
    response = client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def fetch(client: FlaskClient, url: str) -> None:
    got = client.get(url)
    assert got.status_code == 200, (url, got.status_code)


def figures_from_counts(version_id: int) -> tuple[CriterionReport, Norms]:
    """Return the criterion evidence and norms as the app works them out, from the counts."""
    bank = published_bank(version_id)
    report = criterion_report(
        bank.effect_table,
        [role.key for role in bank.roles],
        criterion_tally(version_id),
        min_group=CRITERION_MIN_GROUP,
    )
    return report, version_norms(version_id)


def figures_from_results(version_id: int) -> tuple[CriterionReport, Norms]:
    """Work the criterion evidence and norms out from every result of the version.

    Picks by hand the results statistics about takers rest on (real, careful, full quiz,
    not deleted), reading DIRECT_BATCH rows at a time.
    """
    bank = published_bank(version_id)
    roles = [role.key for role in bank.roles]
    fits: dict[str, Counter[int]] = {role: Counter() for role in roles}
    rows = db.session.execute(
        select(
            Result.deleted_at,
            Result.careless,
            Result.synthetic,
            Result.mode,
            Result.outcome,
            Result.answers,
            Result.top_role,
            Result.work_now,
        )
        .where(Result.quiz_version_id == version_id)
        .execution_options(yield_per=DIRECT_BATCH)
    )

    def responses() -> Iterator[CriterionResponse]:
        for row in rows:
            if row.deleted_at or row.careless or row.synthetic or row.mode != "full":
                continue
            for entry in row.outcome["ranking"]:
                fits[entry["role"]][entry["fit"]] += 1
            if row.work_now is not None:
                yield CriterionResponse(row.answers, row.top_role, row.work_now)

    counted = tally(responses())  # counts fits on the way, in the same single pass
    report = criterion_report(bank.effect_table, roles, counted, min_group=CRITERION_MIN_GROUP)
    return report, norm_table(fits)


def first_difference(
    counted: tuple[CriterionReport, Norms], direct: tuple[CriterionReport, Norms]
) -> str | None:
    """Return the first figure that differs between the two, in words, or None."""
    (report, norms), (expected, expected_norms) = counted, direct
    for work, row in expected.confusion.items():
        if report.confusion.get(work) != row:
            return f"confusion row {work}: {report.confusion.get(work)} against {row}"
    if report.hit_rates != expected.hit_rates:
        return f"hit rates: {report.hit_rates} against {expected.hit_rates}"
    found = {(s.question, s.role): s for s in report.separation}
    wanted = {(s.question, s.role): s for s in expected.separation}
    for key in sorted(found.keys() | wanted.keys()):
        got, want = found.get(key), wanted.get(key)
        if got != want:
            return f"d of {key[0]} for {key[1]}: {got} against {want}"
    if norms.results != expected_norms.results:
        return f"norms rest on {norms.results} results against {expected_norms.results}"
    for role, below in expected_norms.below.items():
        if list(norms.below.get(role, [])) != list(below):
            return f"norms of {role} differ"
        for fit in range(HIGHEST_FIT + 1):
            got_percentile = norms.percentile(role, fit, 1)
            if got_percentile != expected_norms.percentile(role, fit, 1):
                return f"percentile of a fit of {fit} for {role}"
    if report != expected:
        return "the reports' warnings or notes differ"
    return None


class _Discard(io.TextIOBase):
    """A text stream that forgets what it is given, so the export's own memory is measured."""

    def write(self, text: str) -> int:
        return len(text)


if __name__ == "__main__":
    sys.exit(main())
