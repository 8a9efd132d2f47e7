"""Benchmark Career Fit under gunicorn against a same-size Flask + Jinja baseline, with wrk.

    .venv/bin/python bench/run.py [--duration 10] [--connections 32] [--databases sqlite,postgresql]

For each database it starts Career Fit under gunicorn.conf.py (the production config) on a
database made for the run, reads each compared page once to learn its size, and starts the
baseline (bench/baseline.py: Flask + templates compiled once) under the same config, told
those sizes, so each page meets a yardstick of its own size. Then, page by page, wrk drives
the baseline and Career Fit in turn (both meet the same machine weather) and the report gives
requests per second, p50 and p99 latency and errors for both, and Career Fit's ratios to the
baseline: every figure is a ratio to a baseline measured in the same run, as absolute numbers
on a shared machine mean little. After the load, it sums the memory of each gunicorn (master
and workers: RSS, and PSS where /proc has it) and lists the packages Career Fit's workers have
imported that the baseline's have not. Each target of docs/performance.md is printed as met or
MISSED; the exit status is 1 when one is missed or a request failed.

Needs wrk (apt-get install wrk) and, for the PostgreSQL half, a server on 127.0.0.1:5432
(BENCH_POSTGRES_URL; it creates and drops its own database).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # run as a script (python bench/run.py): the repo root makes ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gunicorn_server import ROOT, Server, free_port, gunicorn_server  # noqa: E402
from bench.probe import MODULES_PATH  # noqa: E402
from bench.sessions import SessionSigner, cookie_value  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
CAREER_FIT = "bench.probe:career_fit()"
BASELINE = "bench.probe:baseline()"
TOKEN_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
OPTION_PATTERN = re.compile(r'<input[^>]*name="(q-[^"]+)"[^>]*value="([^"]+)"')
WARM_UP_SECONDS = 1
# wrk's threads, and how many fresh quiz runs a submission run gets per second it lasts: far
# more than this stack answers, so no run is sent twice
WRK_THREADS = 2
COOKIES_PER_SECOND = 2_000
WRK_TIMEOUT = "30s"
# enough requests that every worker of a default-sized gunicorn has likely answered one
MODULE_PROBES = 40


@dataclass(frozen=True)
class Target:
    """What Career Fit must reach against the same-size baseline on one page."""

    min_rps_ratio: float
    max_p99_ratio: float | None = None

    def describe(self) -> str:
        text = f"rps >= {self.min_rps_ratio}x"
        return text if self.max_p99_ratio is None else f"{text}, p99 <= {self.max_p99_ratio}x"


# the targets: a stored result is read far more often than anything else is
TARGETS = {
    "landing page": Target(0.8),
    "quiz page": Target(0.8),
    "result page": Target(1.0, 1.5),
    "result JSON": Target(1.0, 1.5),
    "submission": Target(0.6),
}
MEMORY_TARGET = 1.6  # the gunicorn group's RSS, against the baseline's under the same config


@dataclass(frozen=True)
class WrkFigures:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


@dataclass(frozen=True)
class PageRow:
    """One page on one database: Career Fit's figures and its same-size baseline's."""

    database: str
    page: str
    size: int
    app: WrkFigures
    baseline: WrkFigures

    @property
    def rps_ratio(self) -> float:
        return self.app.requests_per_second / self.baseline.requests_per_second

    @property
    def p50_ratio(self) -> float:
        return self.app.p50_ms / self.baseline.p50_ms

    @property
    def p99_ratio(self) -> float:
        return self.app.p99_ms / self.baseline.p99_ms

    def met(self) -> bool:
        target = TARGETS[self.page]
        return self.rps_ratio >= target.min_rps_ratio and (
            target.max_p99_ratio is None or self.p99_ratio <= target.max_p99_ratio
        )


@dataclass(frozen=True)
class Memory:
    """The memory of a gunicorn master and its workers, summed, in MB."""

    rss_mb: float
    pss_mb: float | None
    processes: int


@dataclass(frozen=True)
class MemoryRow:
    database: str
    app: Memory
    baseline: Memory
    packages_only_in_app: list[str]

    @property
    def rss_ratio(self) -> float:
        return self.app.rss_mb / self.baseline.rss_mb

    @property
    def pss_ratio(self) -> float | None:
        if self.app.pss_mb is None or self.baseline.pss_mb is None:
            return None
        return self.app.pss_mb / self.baseline.pss_mb

    def met(self) -> bool:
        return self.rss_ratio <= MEMORY_TARGET


@dataclass(frozen=True)
class Page:
    """A compared page: where Career Fit serves it, and the baseline's page of its size."""

    name: str
    app_path: str
    baseline_path: str


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


def group_memory(server: Server) -> Memory:
    """Sum the memory of a gunicorn master and its workers.

    RSS counts a page shared by forked workers (preload_app) once in each process; PSS divides
    it among them, so PSS is what the group costs the machine, and RSS what the target is in.
    """
    pids = [server.pid, *sorted(server.worker_pids())]
    rss_kb = 0
    pss_kb: int | None = 0
    for pid in pids:
        rss_kb += _proc_field(Path(f"/proc/{pid}/status"), "VmRSS") or 0
        pss = _proc_field(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
        pss_kb = None if pss is None or pss_kb is None else pss_kb + pss
    return Memory(rss_kb / 1024, None if pss_kb is None else pss_kb / 1024, len(pids))


def _proc_field(path: Path, name: str) -> int | None:
    """Return a ``Name: value kB`` field of a /proc file, in kB, or None where there is none."""
    try:
        text = path.read_text()
    except OSError:
        return None
    match = re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def worker_packages(server: Server) -> dict[int, set[str]]:
    """Ask the workers, through the probe's route, which top-level packages each has loaded."""
    found: dict[int, set[str]] = {}
    for _ in range(MODULE_PROBES):
        with urllib.request.urlopen(server.base_url + MODULES_PATH, timeout=10) as response:
            answer = json.load(response)
        found[answer["pid"]] = set(answer["packages"])
    return found


class FreshSubmissions:
    """wrk scripts that send the quiz's last page, each request as a quiz run of its own.

    The session cookie holds every earlier answer, so each request is a whole submission:
    validate, score, store the result, redirect to its link. The app stores one result per
    quiz run (its one-time finish id), so each request carries a session re-signed with a
    fresh finish id (bench/sessions.py): otherwise every request after the first would read
    the stored row back, which is cheaper than a submission and would flatter the figure.
    Each wrk run gets cookies of its own; a run that sends more requests than it has cookies
    starts over, and the report says so.
    """

    def __init__(self, path: str, body: str, session: str, secret_key: str, workdir: Path):
        self.path, self.body, self.session = path, body, session
        self.signer = SessionSigner(secret_key)
        self.workdir = workdir
        self.made = 0
        self.cookies_per_run = 0

    def script(self, duration: int) -> Path:
        """Write a script and its cookie file for one wrk run of ``duration`` seconds."""
        self.made += 1
        self.cookies_per_run = max(2_000, duration * COOKIES_PER_SECOND)
        cookies = self.workdir / f"submit-{self.made}.cookies"
        runs = self.signer.fresh_runs(self.session, self.cookies_per_run)
        cookies.write_text("".join(f"session={cookie}\n" for cookie in runs))
        path = self.workdir / f"submit-{self.made}.lua"
        path.write_text(
            'wrk.method = "POST"\n'
            f"wrk.path = {lua_string(self.path)}\n"
            f"wrk.body = {lua_string(self.body)}\n"
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            "local cookies = {}\n"
            f"for line in io.lines({lua_string(str(cookies))}) do\n"
            "  cookies[#cookies + 1] = line\n"
            "end\n"
            # each of wrk's threads takes its own stretch of the cookies
            "local threads = 0\n"
            "function setup(thread) thread:set('index', threads); threads = threads + 1 end\n"
            "local sent = 0\n"
            "function request()\n"
            f"  local stretch = math.floor(#cookies / {WRK_THREADS})\n"
            "  local at = index * stretch + (sent % stretch) + 1\n"
            "  sent = sent + 1\n"
            '  wrk.headers["Cookie"] = cookies[at]\n'
            "  return wrk.format()\n"
            "end\n"
        )
        return path


def prepare_submission(
    base: str, workdir: Path, secret_key: str
) -> tuple[FreshSubmissions, dict[str, str], str]:
    """Answer all but the last quiz page; return fresh submissions of the last one.

    Also returns the last page's form and the path of the result one real submission made.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = 1
    while True:
        html = opener.open(f"{base}/quiz/{page}").read().decode()
        is_last = "See my result" in html
        answers: dict[str, str] = {}
        for name, value in OPTION_PATTERN.findall(html):
            answers.setdefault(name, value)
        body = {"csrf_token": TOKEN_PATTERN.search(html).group(1), "forward": "Next", **answers}
        if is_last:
            break
        opener.open(f"{base}/quiz/{page}", urllib.parse.urlencode(body).encode()).read()
        page += 1
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    encoded = urllib.parse.urlencode(body)
    session = cookie_value(cookie)
    if session is None:
        raise RuntimeError(f"the quiz gave no session cookie: {cookie!r}")
    fresh = FreshSubmissions(f"/quiz/{page}", encoded, session, secret_key, workdir)
    # one real submission, to have a result to read
    location = post_without_redirect(f"{base}/quiz/{page}", encoded, cookie)
    return fresh, body, urllib.parse.urlsplit(location).path


def prepare_baseline_submission(base: str, form: dict[str, str], workdir: Path) -> Path:
    """Return a wrk script that posts Career Fit's last-page form to the baseline's form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/form").read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    encoded = urllib.parse.urlencode(form)
    post_without_redirect(f"{base}/form", encoded, cookie)
    return write_post_script(workdir / "baseline-submit.lua", "/form", encoded, cookie)


def write_post_script(path: Path, target: str, body: str, cookie: str) -> Path:
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.path = {lua_string(target)}\n"
        f"wrk.body = {lua_string(body)}\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = {lua_string(cookie)}\n'
    )
    return path


def post_without_redirect(url: str, body: str, cookie: str) -> str:
    """Post a form; return the address the answer redirects to (raise if it does not)."""
    request = urllib.request.Request(url, data=body.encode(), headers={"Cookie": cookie})
    try:
        urllib.request.build_opener(NoRedirect).open(request)
    except urllib.error.HTTPError as redirect:
        if redirect.code in (302, 303):
            return str(redirect.headers["Location"])
        raise
    raise RuntimeError(f"posting to {url} did not redirect")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def body_size(url: str) -> int:
    """Return the size of a page's body as wrk gets it (no compression asked for)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return len(response.read())


def script_for(script: Path | FreshSubmissions | None, duration: int) -> Path | None:
    """Return the wrk script for one run: fresh submissions get a script of their own."""
    if isinstance(script, FreshSubmissions):
        return script.script(duration)
    return script


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(url: str, duration: int, connections: int, script: Path | None = None) -> WrkFigures:
    # wrk gives up on a request after 2 s by default and counts it as an error, not as latency:
    # on a busy shared machine that would cut the slow tail off p99 instead of measuring it
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s"]
    command += [f"--timeout={WRK_TIMEOUT}"]
    command += ["--latency", url]
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
def database(kind: str, workdir: Path) -> Iterator[str]:
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


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and seed the database in a process of its own, as a site's first start does.

    The gunicorn measured then starts as a site does every later time, on a database that is
    up to date: what a one-off migration imports is not counted as what serving costs.
    """
    create = "from quiz import create_app; create_app()"
    environment = {
        key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "TMPDIR")
    }
    subprocess.run([sys.executable, "-c", create], cwd=ROOT, env={**environment, **env}, check=True)


def bench_database(
    kind: str, args: argparse.Namespace, workdir: Path
) -> tuple[list[PageRow], MemoryRow]:
    rows = []
    with database(kind, workdir) as url:
        env = {"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32)}
        prepare_database(env)
        with gunicorn(CAREER_FIT, env, workdir) as app:
            submissions, last_form, result_path = prepare_submission(
                app.base_url, workdir, env["SECRET_KEY"]
            )
            pages = [
                Page("landing page", "/", "/page/landing"),
                Page("quiz page", "/quiz/2", "/page/quiz"),
                Page("result page", result_path, "/page/result"),
                Page("result JSON", result_path + ".json", "/json/result.json"),
            ]
            sizes = {page.baseline_path: body_size(app.base_url + page.app_path) for page in pages}
            baseline_env = {
                "BENCH_BASELINE_SIZES": ",".join(
                    f"{path.rsplit('/', 1)[1]}={size}" for path, size in sizes.items()
                )
            }
            with gunicorn(BASELINE, baseline_env, workdir) as baseline:
                for page in pages:
                    made = body_size(baseline.base_url + page.baseline_path)
                    if made != sizes[page.baseline_path]:
                        raise RuntimeError(
                            f"the baseline's {page.name} is {made} bytes, "
                            f"Career Fit's {sizes[page.baseline_path]}"
                        )
                baseline_script = prepare_baseline_submission(baseline.base_url, last_form, workdir)
                scenarios = [
                    (page.name, sizes[page.baseline_path], page.app_path, None)
                    + (page.baseline_path, None)
                    for page in pages
                ]
                scenarios.append(
                    ("submission", len(urllib.parse.urlencode(last_form)), "/", submissions)
                    + ("/", baseline_script)
                )
                for name, size, app_path, app_lua, base_path, base_lua in scenarios:
                    # warm both up: imports, caches, pooled connections, the CPU's clocks; at
                    # the measured concurrency, so every worker and thread has answered first
                    warm = args.connections
                    run_wrk(baseline.base_url + base_path, WARM_UP_SECONDS, warm, base_lua)
                    run_wrk(app.base_url + app_path, WARM_UP_SECONDS, warm, script_for(app_lua, 1))
                    # baseline and app alternate, so both meet the same machine weather
                    base_figures = run_wrk(
                        baseline.base_url + base_path, args.duration, args.connections, base_lua
                    )
                    app_figures = run_wrk(
                        app.base_url + app_path,
                        args.duration,
                        args.connections,
                        script_for(app_lua, args.duration),
                    )
                    if isinstance(app_lua, FreshSubmissions):
                        repeated = app_figures.requests - app_lua.cookies_per_run
                        if repeated > 0:
                            print(f"note: {repeated} submissions repeated a quiz run already sent")
                    rows.append(PageRow(kind, name, size, app_figures, base_figures))
                app_packages = worker_packages(app)
                baseline_packages = worker_packages(baseline)
                only_in_app = set.union(*app_packages.values()) - set.union(
                    *baseline_packages.values()
                )
                memory = MemoryRow(
                    kind, group_memory(app), group_memory(baseline), sorted(only_in_app)
                )
    return rows, memory


def print_report(rows: list[PageRow], memory: list[MemoryRow]) -> bool:
    """Print the figures, their ratios and the targets; return True when every target is met."""
    print(
        f"{'database':<11}{'page':<14}{'bytes':>7}{'req/s':>8}{'base':>8}{'ratio':>7}"
        f"{'p50 ms':>8}{'base':>7}{'ratio':>7}{'p99 ms':>8}{'base':>7}{'ratio':>7}"
        f"{'errors':>9}  target"
    )
    ok = True
    for row in rows:
        met = row.met() and row.app.errors == 0 and row.baseline.errors == 0
        ok &= met
        print(
            f"{row.database:<11}{row.page:<14}{row.size:>7}"
            f"{row.app.requests_per_second:>8.0f}{row.baseline.requests_per_second:>8.0f}"
            f"{row.rps_ratio:>7.2f}"
            f"{row.app.p50_ms:>8.1f}{row.baseline.p50_ms:>7.1f}{row.p50_ratio:>7.2f}"
            f"{row.app.p99_ms:>8.1f}{row.baseline.p99_ms:>7.1f}{row.p99_ratio:>7.2f}"
            f"{f'{row.app.errors}/{row.baseline.errors}':>9}"
            f"  {TARGETS[row.page].describe()}: {'met' if met else 'MISSED'}"
        )
    print("errors: Career Fit's / the baseline's (wrk counts non-2xx/3xx answers and timeouts)")
    print()
    print("Memory of the gunicorn group (master + workers, summed, MB), after the load:")
    for entry in memory:
        ok &= entry.met()
        pss = (
            "PSS not available"
            if entry.pss_ratio is None
            else f"PSS {entry.app.pss_mb:.0f} vs {entry.baseline.pss_mb:.0f}, "
            f"ratio {entry.pss_ratio:.2f}"
        )
        print(
            f"{entry.database:<11}{entry.app.processes} processes: "
            f"RSS {entry.app.rss_mb:.0f} vs {entry.baseline.rss_mb:.0f}, "
            f"ratio {entry.rss_ratio:.2f} (target RSS <= {MEMORY_TARGET}x: "
            f"{'met' if entry.met() else 'MISSED'}); {pss}"
        )
        print(
            f"{'':<11}loaded by Career Fit's workers only: {', '.join(entry.packages_only_in_app)}"
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
    rows: list[PageRow] = []
    memory: list[MemoryRow] = []
    with tempfile.TemporaryDirectory(prefix="career-fit-bench-") as tmp:
        for kind in args.databases.split(","):
            pages, group = bench_database(kind.strip(), args, Path(tmp))
            rows += pages
            memory.append(group)
    return 0 if print_report(rows, memory) else 1


if __name__ == "__main__":
    sys.exit(main())
