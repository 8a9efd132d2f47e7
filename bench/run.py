"""Benchmark Career Fit under gunicorn against a minimal Flask + Jinja baseline, with wrk.

    .venv/bin/python bench/run.py [--duration 10] [--connections 32] [--databases sqlite,postgresql]

For each database it starts Career Fit under gunicorn.conf.py (the production config), and
the baseline app (bench/baseline.py) under the same config, then drives both with wrk on
127.0.0.1 in the same run and prints requests per second, p50 and p99 latency, errors, and
each figure's ratio to the baseline. Absolute numbers on a shared two-core machine mean
little; the ratios are what to compare between runs. Needs wrk (apt-get install wrk) and,
for the PostgreSQL half, a server on 127.0.0.1:5432 (it creates and drops its own database).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # run as a script (python bench/run.py): the repo root makes ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gunicorn_server import Server, free_port, gunicorn_server  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TOKEN_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
OPTION_PATTERN = re.compile(r'<input[^>]*name="(q-[^"]+)"[^>]*value="([^"]+)"')
# Career Fit's result page must keep up with 80% of the baseline, a submission with 50%.
TARGETS = {"result page": 0.8, "submission": 0.5}


@dataclass
class WrkFigures:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workdir: Path) -> Iterator[Server]:
    """Start gunicorn with the repo's config on a free loopback port, every worker up; yield it."""
    settings = {
        "LOG_LEVEL": "warning",
        # wrk sends every submission from one address on purpose
        "QUIZ_SUBMISSION_LIMIT": "100000000 per minute",
        **env,
    }
    port = free_port()
    log_path = workdir / f"gunicorn-{port}.log"
    with gunicorn_server(settings, log_path, app_spec=app_spec, port=port) as server:
        yield server


def workers_rss_mb(server: Server) -> float:
    """Sum the resident memory of a gunicorn master and its workers, in MB."""
    total_kb = 0
    for pid in [server.pid, *server.worker_pids()]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def prepare_submission(base: str, workdir: Path) -> tuple[Path, str]:
    """Answer all but the last quiz page; return a wrk script that submits the last one.

    The session cookie then holds every earlier answer, so each request of the script
    is a whole submission: validate, score, store a result, redirect to its link.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = 1
    while True:
        html = opener.open(f"{base}/quiz/{page}").read().decode()
        is_last = "See my result" in html
        answers = {}
        for name, value in OPTION_PATTERN.findall(html):
            answers.setdefault(name, value)
        body = {"csrf_token": TOKEN_PATTERN.search(html).group(1), "forward": "Next", **answers}
        if is_last:
            break
        opener.open(f"{base}/quiz/{page}", urllib.parse.urlencode(body).encode()).read()
        page += 1
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    script = workdir / "submit.lua"
    encoded = urllib.parse.urlencode(body)
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.path = "/quiz/{page}"\n'
        f"wrk.body = {lua_string(encoded)}\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = {lua_string(cookie)}\n'
    )
    # one real submission, to have a result link to read
    request = urllib.request.Request(
        f"{base}/quiz/{page}", data=encoded.encode(), headers={"Cookie": cookie}
    )
    no_redirect = urllib.request.build_opener(NoRedirect)
    try:
        no_redirect.open(request)
        raise RuntimeError("the last quiz page did not redirect to a result")
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    return script, urllib.parse.urlsplit(location).path


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(url: str, duration: int, connections: int, script: Path | None = None) -> WrkFigures:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> WrkFigures:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = sum(
        int(n)
        for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
        + re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
    )
    return WrkFigures(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        errors=errors,
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
    )


@contextmanager
def database(kind: str, workdir: Path):
    """Yield a database URL of the given kind, created for this run and dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"career_fit_bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        admin = urllib.parse.urlsplit(POSTGRES_ADMIN_URL)
        yield f"postgresql+psycopg://{admin.netloc}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_database(kind: str, args: argparse.Namespace, workdir: Path) -> list[tuple]:
    rows = []
    with database(kind, workdir) as url:
        env = {"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32)}
        with gunicorn("quiz:create_app()", env, workdir) as app:
            app_base = app.base_url
            script, result_path = prepare_submission(app_base, workdir)
            with gunicorn("bench.baseline:app", {}, workdir) as baseline_server:
                base_base = baseline_server.base_url
                scenarios = [
                    ("landing page", app_base + "/", None),
                    ("quiz page", app_base + "/quiz/2", None),
                    ("submission", app_base + "/", script),
                    ("result page", app_base + result_path, None),
                    ("result JSON", app_base + result_path + ".json", None),
                ]
                for name, url_, lua in scenarios:
                    # baseline and app alternate, so both meet the same machine weather
                    baseline = run_wrk(base_base + "/", args.duration, args.connections)
                    figures = run_wrk(url_, args.duration, args.connections, lua)
                    rows.append((kind, name, figures, baseline))
                rss = (workers_rss_mb(app), workers_rss_mb(baseline_server))
        rows.append((kind, "memory (RSS of master + workers, MB)", rss, None))
    return rows


def print_report(rows: list[tuple]) -> bool:
    print(
        f"{'database':<11}{'scenario':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'base req/s':>12}{'ratio':>8}  target"
    )
    ok = True
    for kind, name, figures, baseline in rows:
        if baseline is None:
            app_mb, base_mb = figures
            print(
                f"{kind:<11}{name}: app {app_mb:.0f}, baseline {base_mb:.0f}, "
                f"ratio {app_mb / base_mb:.2f}"
            )
            continue
        ratio = figures.requests_per_second / baseline.requests_per_second
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else (f">= {target}  " + ("met" if ratio >= target else "MISSED"))
        )
        ok &= figures.errors == 0 and (target is None or ratio >= target)
        print(
            f"{kind:<11}{name:<14}{figures.requests_per_second:>9.0f}{figures.p50_ms:>9.1f}"
            f"{figures.p99_ms:>9.1f}{figures.errors:>8}{baseline.requests_per_second:>12.0f}"
            f"{ratio:>8.2f}  {verdict}"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="career-fit-bench-") as tmp:
        for kind in args.databases.split(","):
            rows += bench_database(kind.strip(), args, Path(tmp))
    return 0 if print_report(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
