#!/usr/bin/env python3
"""Scan Career Fit with scanners no one here wrote: wapiti and sqlmap, on 127.0.0.1 only.

    .venv/bin/python bench/scan.py

Needs Debian's ``wapiti`` and ``sqlmap`` (``apt-get install -y wapiti sqlmap``) and the
project's virtualenv (gunicorn, flask). What it does, all of it on the loopback interface:

1. makes a temporary folder with a fresh SQLite database and a random SECRET_KEY;
2. creates an admin with ``flask admin create`` and starts the app under gunicorn with the
   production config (``gunicorn.conf.py``) on a free 127.0.0.1 port. The submission and
   sign-in throttles are raised to a million a minute: a scanner that only ever sees
   "429 Too Many Requests" tests nothing but the throttle;
3. takes the quiz three times like a browser, so result pages (/r/TOKEN, /r/TOKEN.json) and
   private delete links exist;
4. runs wapiti on the public site and, signed in through the real sign-in form, on the admin
   area; runs sqlmap on the quiz form, the result JSON path, a delete link and the sign-in
   form; two scans at a time. Every run is bounded: wapiti by its crawl and per-module attack
   times, everything by a hard subprocess timeout;
5. writes every report into bench/reports/ (git-ignored) and prints a summary.

Exit status: 0 when no wapiti finding is of medium severity or higher, sqlmap finds no
injectable parameter, the app answered no 5xx and logged no traceback, and every run reached
a verdict; 1 otherwise; 2 when the scan could not start. docs/security.md has the details.

wapiti 3.0.4 would fetch a fingerprint database from the internet at start unless its config
folder holds an empty apps.json; ``--endpoint`` points its out-of-band modules at a dead
loopback port, and the ssrf and xxe modules (which need an outside endpoint) are left out.
"""

from __future__ import annotations

import argparse
import functools
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    # run as a script (python bench/scan.py): the repo root makes ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gunicorn_server import Server, server_environment, start_gunicorn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "bench" / "reports"
GUNICORN_LOG = REPORTS / "gunicorn.log"
VENV_BIN = Path(sys.executable).parent

WAPITI_MODULES = (
    "blindsql,cookieflags,csp,csrf,exec,file,http_headers,permanentxss,redirect,sql,xss,"
    "crlf,methods,backup"
)
SEVERITY = {4: "critical", 3: "high", 2: "medium", 1: "low", 0: "info"}
FAILING_LEVEL = 2  # medium

ADMIN_EMAIL = "scan-admin@example.com"
UNTHROTTLED = "1000000 per minute"

# wapiti 3.0.4 (Debian 12) has two bugs this scan would trip over; WAPITI_SHIM runs wapiti's
# own entry point with both corrected and nothing else changed:
# - it builds its --exclude patterns as re.compile(pattern + r"\Z(?ms)"), which Python 3.11
#   refuses ("global flags not at the start"): every -x crashes it;
# - it sends the text fields of a multipart form as file parts (requests gives a bare string
#   in ``files`` a filename), so the server sees no CSRF token and every submission of the
#   bank upload form fails with 400 before any payload is tested.
WAPITI_SHIM = r"""
import re, sys
from importlib.metadata import entry_points
import requests
_request = requests.Session.request
def request(self, method, url, *args, files=None, **kwargs):
    if isinstance(files, (list, tuple)):
        # a text field stays a text field: (None, value) is a part without a filename
        files = [
            (name, (None, value)) if isinstance(value, str) else (name, value)
            for name, value in files
        ]
    return _request(self, method, url, *args, files=files, **kwargs)
requests.Session.request = request
try:
    import wapitiCore.net.crawler as crawler
except ImportError:
    crawler = None
if crawler is not None and hasattr(crawler, "wildcard_translate"):
    def wildcard_translate(pattern):
        body = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
        return re.compile("(?ms)" + body + r"\Z")
    crawler.wildcard_translate = wildcard_translate
sys.argv[0] = "wapiti"
main = next(e for e in entry_points(group="console_scripts") if e.name == "wapiti").load()
sys.exit(main())
"""

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
OPTION_PATTERN = re.compile(r'<input[^>]*name="(q-[^"]+)"[^>]*value="([^"]+)"')
DELETE_LINK_PATTERN = re.compile(r'id="delete-link" type="text" readonly value="([^"]+)"')


# --- the app under test ---------------------------------------------------------------------


def csrf_token(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    if match is None:
        raise RuntimeError("a form without a CSRF token")
    return match.group(1)


def app_settings(workdir: Path) -> dict[str, str]:
    """The app's settings for the scan; settings from the shell running it never reach it."""
    return {
        "HOME": str(workdir / "home"),
        "DATABASE_URL": f"sqlite:///{workdir / 'scan.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "LOG_LEVEL": "WARNING",
        "QUIZ_SUBMISSION_LIMIT": UNTHROTTLED,
        "ADMIN_SIGN_IN_LIMIT_PER_ADDRESS": UNTHROTTLED,
        "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT": UNTHROTTLED,
        "GUNICORN_ACCESS_LOG": str(REPORTS / "gunicorn-access.log"),
    }


def create_admin(settings: dict[str, str], password: str) -> None:
    subprocess.run(
        [
            str(VENV_BIN / "flask"),
            "--app",
            "quiz",
            "admin",
            "create",
            ADMIN_EMAIL,
            "--password-stdin",
        ],
        cwd=ROOT,
        env=server_environment(settings),
        input=password + "\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=120,
    )


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """Stop a process this script started, and its process group if it will not go."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


@dataclass
class TakenQuiz:
    token: str
    delete_url: str


def take_quiz(base: str) -> TakenQuiz:
    """Answer every page like a browser; return the result's token and its delete link."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = 1
    for _ in range(50):
        with opener.open(f"{base}/quiz/{page}", timeout=30) as response:
            html = response.read().decode()
        answers: dict[str, str] = {}
        for name, value in OPTION_PATTERN.findall(html):
            answers.setdefault(name, value)
        body = {"csrf_token": csrf_token(html), "forward": "Next", **answers}
        with opener.open(
            f"{base}/quiz/{page}", urllib.parse.urlencode(body).encode(), timeout=30
        ) as response:
            landed = urllib.parse.urlsplit(response.geturl()).path
            html = response.read().decode()
        if landed.startswith("/r/"):
            link = DELETE_LINK_PATTERN.search(html)
            if link is None:
                raise RuntimeError("the first view of a result showed no delete link")
            return TakenQuiz(landed.removeprefix("/r/"), link.group(1))
        page = int(landed.rsplit("/", 1)[1])
    raise RuntimeError("the quiz never finished")


def first_page_answers(base: str) -> dict[str, str]:
    """Return a valid answer for every question on /quiz/1."""
    with urllib.request.urlopen(f"{base}/quiz/1", timeout=30) as response:
        html = response.read().decode()
    answers: dict[str, str] = {}
    for name, value in OPTION_PATTERN.findall(html):
        answers.setdefault(name, value)
    if not answers:
        raise RuntimeError("/quiz/1 shows no question")
    return answers


@dataclass
class AdminPages:
    """The first question, role and dimension, and the ids of the others."""

    first: dict[str, int]
    others: dict[str, list[int]]


def admin_pages(base: str, password: str) -> AdminPages:
    """Sign in through the form like a browser; read the ids off the admin lists."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/admin/sign-in", timeout=30) as response:
        token = csrf_token(response.read().decode())
    body = urllib.parse.urlencode({"csrf_token": token, "email": ADMIN_EMAIL, "password": password})
    with opener.open(f"{base}/admin/sign-in", body.encode(), timeout=30) as response:
        if urllib.parse.urlsplit(response.geturl()).path != "/admin/":
            raise RuntimeError("the scan's admin could not sign in")
    first: dict[str, int] = {}
    others: dict[str, list[int]] = {}
    for kind in ("questions", "roles", "dimensions"):
        with opener.open(f"{base}/admin/{kind}", timeout=30) as response:
            html = response.read().decode()
        ids = list(dict.fromkeys(int(i) for i in re.findall(rf'/admin/{kind}/(\d+)"', html)))
        if not ids:
            raise RuntimeError(f"/admin/{kind} lists nothing to edit")
        first[kind], others[kind] = ids[0], ids[1:]
    return AdminPages(first, others)


# --- running the scanners -------------------------------------------------------------------


@dataclass
class Finding:
    tool: str
    target: str
    level: int
    category: str
    where: str
    parameter: str
    info: str


@dataclass
class Run:
    name: str
    tool: str
    seconds: float = 0.0
    finished: bool = False  # ran to a verdict
    verdict: str = ""
    findings: list[Finding] = field(default_factory=list)


def run_bounded(command: list[str], log_path: Path, env: dict[str, str], timeout: float) -> bool:
    """Run ``command`` in its own process group with output to ``log_path``; False on timeout."""
    with log_path.open("w", encoding="utf-8") as log:
        log.write("$ " + " ".join(command) + "\n\n")
        log.flush()
        process = subprocess.Popen(
            command,
            cwd=log_path.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            stop(process, grace=5)
            log.write(f"\n[scan.py] stopped after the {timeout:.0f} s limit\n")
            return False
        except BaseException:  # interrupted: never leave a scanner running
            stop(process, grace=5)
            raise


def tool_environment(workdir: Path) -> dict[str, str]:
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    # nothing may go through a proxy; everything stays on the loopback interface
    env.update(HOME=str(home), NO_PROXY="*", no_proxy="*")
    return env


def wapiti_command() -> list[str]:
    """Start wapiti with the interpreter its own script names, through WAPITI_SHIM."""
    script = Path(shutil.which("wapiti") or "wapiti")
    first_line = script.read_text(errors="replace").splitlines()[0]
    interpreter = first_line[2:].strip().split()[0] if first_line.startswith("#!") else "python3"
    return [interpreter, "-c", WAPITI_SHIM]


def wapiti(
    name: str,
    start: str,
    workdir: Path,
    args: argparse.Namespace,
    extra: list[str],
) -> Run:
    run = Run(name, "wapiti")
    state = workdir / name
    (state / "config").mkdir(parents=True)
    # an empty apps file stops wapiti 3.0.4 from downloading its fingerprint database
    (state / "config" / "apps.json").write_text("{}")
    report = REPORTS / f"{name}.json"
    report.unlink(missing_ok=True)
    command = [
        *wapiti_command(),
        "-u",
        start,
        "--scope",
        "folder",
        "-m",
        WAPITI_MODULES,
        "--max-scan-time",
        str(args.wapiti_crawl_time),
        "--max-attack-time",
        str(args.wapiti_attack_time),
        "-t",
        "10",
        "--no-bugreport",
        "--endpoint",
        "http://127.0.0.1:9/",
        "--store-session",
        str(state / "session"),
        "--store-config",
        str(state / "config"),
        "--flush-session",
        "-f",
        "json",
        "-o",
        str(report),
        *extra,
    ]
    began = time.monotonic()
    in_time = run_bounded(
        command, REPORTS / f"{name}.log", tool_environment(workdir), args.wapiti_timeout
    )
    run.seconds = time.monotonic() - began
    if not (in_time and report.exists()):
        run.verdict = "no report (stopped by the time limit or failed; see the log)"
        return run
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except ValueError:
        run.verdict = "unreadable report"
        return run
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, entries in (data.get(section) or {}).items():
            for entry in entries:
                run.findings.append(
                    Finding(
                        "wapiti",
                        name,
                        int(entry.get("level") or 0),
                        category,
                        f"{entry.get('method', '')} {entry.get('path', '')}".strip(),
                        str(entry.get("parameter") or ""),
                        str(entry.get("info") or ""),
                    )
                )
    run.finished = True
    run.verdict = f"{len(run.findings)} finding(s)"
    if name == "wapiti-admin":
        log = (REPORTS / f"{name}.log").read_text(encoding="utf-8", errors="replace")
        signed_in = "Login success" in log
        run.verdict += ", signed in" if signed_in else ", SIGN-IN FAILED"
        run.finished = signed_in
    return run


def admin_scope(base: str, pages: AdminPages) -> list[str]:
    """Start and exclude URLs that give wapiti's time to every kind of admin form, once.

    The first start URL is the sign-in form wapiti fills in. Its crawler submits every form
    it finds, and its modules attack forms in the order found, each for a bounded time:
    left alone it signs itself out, publishes and reorders the quiz hundreds of times, and
    spends each module's time on the first buttons it meets. So it gets one edit page of
    each kind (their forms are alike), every "new" form, the bank import, the preview and
    the audit log; the buttons that only carry a CSRF token (move, activate, retire,
    delete, publish, restart, sign out) and the long lists that hold them are left out.
    """
    admin = f"{base}/admin"
    starts = [
        f"{admin}/",
        f"{admin}/questions/new",
        f"{admin}/roles/new",
        f"{admin}/dimensions/new",
        f"{admin}/bank",
        f"{admin}/preview/1",
        f"{admin}/audit",
        *(f"{admin}/{kind}/{number}" for kind, number in pages.first.items()),
    ]
    excluded = [
        f"{admin}/sign-out",
        f"{admin}/publish",
        f"{admin}/preview/restart",
        f"{admin}/questions",
        f"{admin}/roles",
        f"{admin}/dimensions",
        *(
            f"{admin}/{kind}/*/{action}"
            for kind, action in (
                ("questions", "move"),
                ("questions", "activate"),
                ("questions", "deactivate"),
                ("questions", "delete"),
                ("questions", "options/*/move"),
                ("questions", "options/*/delete"),
                ("roles", "move"),
                ("roles", "retire"),
                ("roles", "restore"),
                ("dimensions", "move"),
                ("dimensions", "delete"),
            )
        ),
    ]
    for kind, numbers in pages.others.items():
        for number in numbers:
            excluded += [f"{admin}/{kind}/{number}", f"{admin}/{kind}/{number}/*"]
    arguments: list[str] = []
    for url in starts:
        arguments += ["-s", url]
    for url in excluded:
        arguments += ["-x", url]
    return arguments


def sqlmap(name: str, url: str, workdir: Path, args: argparse.Namespace, extra: list[str]) -> Run:
    run = Run(name, "sqlmap")
    output = workdir / name
    command = [
        "sqlmap",
        "-u",
        url,
        "--batch",
        "--level",
        "2",
        "--risk",
        "1",
        "--flush-session",
        "--disable-coloring",
        "--timeout",
        "10",
        "--retries",
        "1",
        "--output-dir",
        str(output),
        *extra,
    ]
    began = time.monotonic()
    in_time = run_bounded(
        command, REPORTS / f"{name}.log", tool_environment(workdir), args.sqlmap_timeout
    )
    run.seconds = time.monotonic() - began
    log = (REPORTS / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    if "identified the following injection point" in log or re.search(
        r"parameter '[^']+' is vulnerable", log
    ):
        run.finished = True
        run.verdict = "INJECTABLE"
        points = log.split("identified the following injection point", 1)[-1][:2000]
        run.findings.append(Finding("sqlmap", name, 3, "SQL injection", url, "", points.strip()))
    elif "do not appear to be injectable" in log and in_time:
        run.finished = True
        run.verdict = "no injectable parameter"
    else:
        run.verdict = "no verdict (stopped by the time limit or failed; see the log)"
    errors = re.search(r"HTTP error codes detected during run:\s*(.+)", log)
    if errors and "500" in errors.group(1):
        run.findings.append(
            Finding("sqlmap", name, 3, "Internal Server Error", url, "", errors.group(1))
        )
    elif errors:
        run.verdict += f" (HTTP errors seen: {errors.group(1).strip()})"
    return run


REPORT_ORDER = [
    "wapiti-public",
    "wapiti-admin",
    "sqlmap-quiz",
    "sqlmap-result-json",
    "sqlmap-delete-link",
    "sqlmap-sign-in",
]


def run_guarded(name: str, scan: Callable[[], Run]) -> Run:
    """Run one scan; one that crashes is reported as having no verdict."""
    try:
        return scan()
    except Exception as error:  # any crash is a missing verdict
        return Run(name, name.split("-")[0], verdict=f"crashed: {error!r}")


# --- the report -----------------------------------------------------------------------------


def server_errors() -> tuple[int, Counter[str]]:
    """Count tracebacks in gunicorn's log and responses by status class in its access log."""
    tracebacks = GUNICORN_LOG.read_text(errors="replace").count("Traceback")
    statuses: Counter[str] = Counter()
    access = REPORTS / "gunicorn-access.log"
    if access.exists():
        for line in access.read_text(errors="replace").splitlines():
            match = re.search(r'" (\d{3}) ', line)
            if match:
                statuses[match.group(1)] += 1
    return tracebacks, statuses


def summarise(runs: list[Run], seconds: float) -> int:
    findings = [f for run in runs for f in run.findings]
    counts = Counter(SEVERITY.get(f.level, str(f.level)) for f in findings)
    tracebacks, statuses = server_errors()
    lines = ["", "Career Fit security scan", "=" * 24, ""]
    lines.append(f"{'run':<22}{'seconds':>8}  verdict")
    for run in runs:
        lines.append(f"{run.name:<22}{run.seconds:>8.0f}  {run.verdict}")
    lines += [
        "",
        "Findings by severity: "
        + ", ".join(f"{name} {counts.get(name, 0)}" for name in SEVERITY.values()),
    ]
    for finding in sorted(findings, key=lambda f: (-f.level, f.target, f.category, f.where)):
        lines.append(
            f"  [{SEVERITY.get(finding.level, finding.level)}] {finding.target}: "
            f"{finding.category} - {finding.where}"
            + (f" ({finding.parameter})" if finding.parameter else "")
            + f" - {finding.info.splitlines()[0] if finding.info else ''}"
        )
    five_hundreds = sum(n for status, n in statuses.items() if status.startswith("5"))
    lines += [
        "",
        f"Requests served: {sum(statuses.values())} "
        f"({', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))}); "
        f"5xx responses: {five_hundreds}; tracebacks in the server log: {tracebacks}",
        f"Total time: {seconds:.0f} s. Reports: {REPORTS.relative_to(ROOT)}/",
    ]
    serious = [f for f in findings if f.level >= FAILING_LEVEL]
    unfinished = [run.name for run in runs if not run.finished]
    if five_hundreds or tracebacks:
        lines.append("FAIL: the app answered 5xx or logged a traceback")
    if serious:
        lines.append(f"FAIL: {len(serious)} finding(s) of medium severity or higher")
    if unfinished:
        lines.append("FAIL: no verdict from " + ", ".join(unfinished))
    ok = not (serious or unfinished or five_hundreds or tracebacks)
    if ok:
        lines.append("PASS: nothing of medium severity or higher")
    text = "\n".join(lines) + "\n"
    print(text)
    (REPORTS / "summary.txt").write_text(text, encoding="utf-8")
    (REPORTS / "summary.json").write_text(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "pass": ok,
                "counts": {name: counts.get(name, 0) for name in SEVERITY.values()},
                "statuses": dict(sorted(statuses.items())),
                "tracebacks": tracebacks,
                "runs": [
                    {
                        "name": r.name,
                        "tool": r.tool,
                        "seconds": round(r.seconds, 1),
                        "finished": r.finished,
                        "verdict": r.verdict,
                    }
                    for r in runs
                ],
                "findings": [
                    {
                        "tool": f.tool,
                        "target": f.target,
                        "severity": SEVERITY.get(f.level, str(f.level)),
                        "category": f.category,
                        "where": f.where,
                        "parameter": f.parameter,
                        "info": f.info,
                    }
                    for f in findings
                ],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0 if ok else 1


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wapiti-crawl-time",
        type=float,
        default=30,
        help="seconds wapiti may spend exploring a site (default 30)",
    )
    parser.add_argument(
        "--wapiti-attack-time",
        type=float,
        default=20,
        help="seconds each wapiti module may attack (default 20)",
    )
    parser.add_argument(
        "--wapiti-timeout",
        type=float,
        default=None,
        help="hard limit on one wapiti run, in seconds (default: crawl time "
        "+ attack time for each module + 90)",
    )
    parser.add_argument(
        "--sqlmap-timeout",
        type=float,
        default=240,
        help="hard limit on one sqlmap run, in seconds (default 240)",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=2,
        choices=(1, 2, 3),
        help="how many scans run at once (default 2)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.wapiti_timeout is None:
        modules = len(WAPITI_MODULES.split(","))
        args.wapiti_timeout = args.wapiti_crawl_time + modules * args.wapiti_attack_time + 90
    for tool in ("wapiti", "sqlmap"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install -y wapiti sqlmap", file=sys.stderr)
            return 2
    began = time.monotonic()
    if REPORTS.exists():
        shutil.rmtree(REPORTS)
    REPORTS.mkdir(parents=True)
    workdir = Path(tempfile.mkdtemp(prefix="career-fit-scan-"))
    (workdir / "home").mkdir()
    settings = app_settings(workdir)
    password = secrets.token_urlsafe(24)
    server: Server | None = None
    try:
        create_admin(settings, password)
        server = start_gunicorn(settings, GUNICORN_LOG, workers=2, threads=4)
        base = server.base_url
        kept, shared, deletable = take_quiz(base), take_quiz(base), take_quiz(base)
        answers = first_page_answers(base)
        pages = admin_pages(base, password)
        print(
            f"App on {base}; results {kept.token[:8]}…, {shared.token[:8]}…, "
            f"{deletable.token[:8]}…; quiz page 1 has {len(answers)} question(s)",
            flush=True,
        )

        def public_scan() -> Run:
            return wapiti(
                "wapiti-public",
                base + "/",
                workdir,
                args,
                # anonymous: of the admin area it sees the sign-in form and redirects
                [
                    "-s",
                    f"{base}/admin/sign-in?next=/admin/",
                    "-s",
                    f"{base}/r/{kept.token}",
                    "-s",
                    f"{base}/r/{kept.token}.json",
                    "-s",
                    shared.delete_url,
                    "-s",
                    f"{base}/privacy",
                ],
            )

        def admin_scan() -> Run:
            return wapiti(
                "wapiti-admin",
                base + "/admin/",
                workdir,
                args,
                [
                    "-s",
                    f"{base}/admin/sign-in",
                    "--auth-type",
                    "post",
                    "-a",
                    f"{ADMIN_EMAIL}%{password}",
                    *admin_scope(base, pages),
                ],
            )

        quiz_body = urllib.parse.urlencode({"csrf_token": "x", **answers, "forward": "Next"})
        # an email no admin has: the page and its timing are the same for a known one, and
        # a failed attempt then checks one scrypt hash rather than two
        sign_in_body = urllib.parse.urlencode(
            {"csrf_token": "x", "email": "nobody@example.com", "password": "not the password"}
        )
        delete_path = urllib.parse.urlsplit(deletable.delete_url).path
        sqlmap_runs = [
            (
                "sqlmap-quiz",
                f"{base}/quiz/1",
                ["--data", quiz_body, "--csrf-token=csrf_token", f"--csrf-url={base}/quiz/1"],
            ),
            ("sqlmap-result-json", f"{base}/r/{kept.token}*.json", []),
            ("sqlmap-delete-link", f"{base}{delete_path}*", []),
            (
                "sqlmap-sign-in",
                f"{base}/admin/sign-in",
                # A failed sign-in answers 401, which sqlmap takes for HTTP authentication.
                # Every attempt checks a scrypt hash (slow on purpose), so this target
                # gets the payloads for the database it runs on only.
                [
                    "--data",
                    sign_in_body,
                    "--csrf-token=csrf_token",
                    f"--csrf-url={base}/admin/sign-in",
                    "--ignore-code=401",
                    "--dbms=SQLite",
                ],
            ),
        ]

        scans: list[tuple[str, Callable[[], Run]]] = [
            ("wapiti-public", public_scan),
            ("wapiti-admin", admin_scan),
            *(
                (name, functools.partial(sqlmap, name, url, workdir, args, extra))
                for name, url, extra in sqlmap_runs
            ),
        ]
        # longest first, two at a time: the app and the scanners share the machine's cores
        order = ["wapiti-admin", "sqlmap-sign-in", "sqlmap-quiz", "wapiti-public"]
        scans.sort(key=lambda scan: order.index(scan[0]) if scan[0] in order else len(order))
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            futures = {name: pool.submit(run_guarded, name, scan) for name, scan in scans}
        # reported in a fixed order, whatever order they ran in
        runs = [futures[name].result() for name in sorted(futures, key=REPORT_ORDER.index)]
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        print(f"The scan could not run: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return summarise(runs, time.monotonic() - began)


if __name__ == "__main__":
    sys.exit(main())
