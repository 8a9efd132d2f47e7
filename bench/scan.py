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
4. signs in once through the real sign-in form and keeps that session; reads every admin
   form (questions, options, roles, dimensions, bank import, publish, preview, analytics
   filter) and its CSRF token off its page, and sends each once with that token (it must
   reach its handler) and once with a wrong one (it must be refused);
5. runs wapiti on the public site and, with the admin session's cookie, on the admin area;
   runs sqlmap on the quiz form, the result JSON path, a delete link, the sign-in form and,
   with the session's cookie and a token read off the page for each request, on every
   admin form; two scans at a time. Every run is bounded: wapiti by its crawl and
   per-module attack times, everything by a hard subprocess timeout;
6. sends the sign-out form last, counts in the access log the admin POSTs that reached
   their handler and those refused for their token, writes every report into
   bench/reports/ (git-ignored) and prints a summary.

Exit status: 0 when no wapiti finding is of medium severity or higher, sqlmap finds no
injectable parameter, the app answered no 5xx and logged no traceback, every run reached
a verdict, and the scanners reached every admin form's handler; 1 otherwise; 2 when the
scan could not start. docs/security.md has the details.

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
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol

if __package__ in (None, ""):
    # run as a script (python bench/scan.py): the repo root makes ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gunicorn_server import Server, server_environment, start_gunicorn  # noqa: E402
from quiz.web.i18n import LANGUAGES  # noqa: E402

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
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(a)s" "%({location}o)s"'
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


@dataclass
class Form:
    """One form as a browser would send it: its target, method, encoding and first values."""

    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]]
    files: list[str]

    @property
    def csrf_token(self) -> str | None:
        return next((value for name, value in self.fields if name == "csrf_token"), None)

    def body(self) -> str:
        return urllib.parse.urlencode(self.fields)


class _FormReader(HTMLParser):
    """Collect each form's fields the way a browser fills them in before anyone types."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._submitted = False  # a form sends only the button that was pressed
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urllib.parse.urljoin(self.page_url, attr.get("action") or self.page_url)
            method = (attr.get("method") or "get").upper()
            enctype = attr.get("enctype") or "application/x-www-form-urlencoded"
            self._form = Form(action, method, enctype, [], [])
            self._submitted = False
            return
        if tag == "option":
            # the first option, or the one marked selected
            if self._select is not None and (self._select_value is None or "selected" in attr):
                self._select_value = attr.get("value", "")
            return
        form, name = self._form, attr.get("name")
        if form is None or not name or "disabled" in attr:
            return
        kind = attr.get("type", "text" if tag == "input" else "submit").lower()
        if tag == "input" and kind == "file":
            form.files.append(name)
        elif tag in ("input", "button") and kind == "submit":
            if not self._submitted:
                form.fields.append((name, attr.get("value", "")))
                self._submitted = True
        elif tag == "input" and kind in ("checkbox", "radio"):
            taken = any(field == name for field, _ in form.fields)
            if "checked" in attr or (kind == "radio" and not taken):
                form.fields = [(f, v) for f, v in form.fields if f != name or kind == "checkbox"]
                form.fields.append((name, attr.get("value", "on")))
        elif tag == "input" and kind not in ("button", "reset", "image"):
            form.fields.append((name, attr.get("value", "")))
        elif tag == "select":
            self._select, self._select_value = name, None
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "form":
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select is not None:
            if self._select_value is not None:
                self._form.fields.append((self._select, self._select_value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # a browser drops the line break that opens a textarea (WTForms writes \r\n)
            text = "".join(self._text)
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._form.fields.append((self._textarea, text))
            self._textarea = None


def read_forms(html: str, page_url: str) -> list[Form]:
    """Return the forms on a page, with absolute actions and the values they start with."""
    reader = _FormReader(page_url)
    reader.feed(html)
    reader.close()
    return reader.forms


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
        # who sent each request and where a redirect sent it: admin_post_counts reads both
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_LOG_FORMAT}'",
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


class Browser(Protocol):
    """What the admin form helpers need of a signed-in admin: pages and form posts.

    AdminSession speaks HTTP to the server; a Flask test client can stand in for it.
    """

    base: str

    def get(self, path: str) -> tuple[int, str]: ...

    def send(
        self, path: str, body: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str]: ...


class AdminSession:
    """An admin signed in through the real sign-in form, with the cookie that proves it."""

    def __init__(self, base: str, password: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        token = csrf_token(self.get("/admin/sign-in")[1])
        body = {"csrf_token": token, "email": ADMIN_EMAIL, "password": password}
        status, location = self.send("/admin/sign-in", urllib.parse.urlencode(body))
        if status != 302 or urllib.parse.urlsplit(location).path != "/admin/":
            raise RuntimeError("the scan's admin could not sign in")

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(urllib.parse.urljoin(self.base, path)))

    def send(self, path: str, body: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """POST ``body``; return the status and the Location (or the page, for a non-redirect)."""
        request = urllib.request.Request(
            urllib.parse.urljoin(self.base, path), body.encode(), headers=headers or {}
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307, 308):
                return error.code, error.headers.get("Location", "")
            return error.code, error.read().decode(errors="replace")

    def cookie_header(self) -> str:
        """The session as a Cookie header, for sqlmap's --cookie."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def write_wapiti_cookies(self, path: Path) -> None:
        """Write the session in wapiti's JSON cookie format (what wapiti-getcookie writes)."""
        host = urllib.parse.urlsplit(self.base).hostname or "127.0.0.1"
        cookies = {
            cookie.name: {
                "value": cookie.value,
                "expires": cookie.expires,
                "secure": cookie.secure,
                "port": None,
                "version": cookie.version,
            }
            for cookie in self.jar
        }
        path.write_text(json.dumps({host: {"/": cookies}}), encoding="utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let a redirect come back as it is: where a form sends the admin tells what happened."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class AdminForm:
    """An admin form the scanners attack: the page that shows it, and the form as shown."""

    name: str
    page: str
    form: Form


# The admin forms the scan must reach, by the page that shows each one; {question} and the
# like are the first question, role and dimension. Sign-out is sent last, by the scan itself.
ADMIN_FORM_PAGES = {
    "question-new": ("/admin/questions/new", "/admin/questions/new"),
    "question-edit": ("/admin/questions/{question}", "/admin/questions/{question}"),
    "role-new": ("/admin/roles/new", "/admin/roles/new"),
    "role-edit": ("/admin/roles/{role}", "/admin/roles/{role}"),
    "dimension-new": ("/admin/dimensions/new", "/admin/dimensions/new"),
    "dimension-edit": ("/admin/dimensions/{dimension}", "/admin/dimensions/{dimension}"),
    "bank-import": ("/admin/bank", "/admin/bank"),
    "publish": ("/admin/publish/confirm", "/admin/publish"),
    "preview": ("/admin/preview/1", "/admin/preview/1"),
    "question-preview": (
        "/admin/questions/{question}/preview",
        "/admin/questions/{question}/preview",
    ),
    "page-preview": ("/admin/preview/pages/1", "/admin/preview/pages/1"),
    "result-preview": ("/admin/preview/result", "/admin/preview/result"),
    "analytics-filter": ("/admin/analytics", "/admin/analytics"),
    "two-factor-setup": ("/admin/account/two-factor", "/admin/account/two-factor/confirm"),
    "two-factor-required": ("/admin/account/two-factor", "/admin/account/two-factor/required"),
    "team-invite": ("/admin/team", "/admin/team/invite"),
    # the scan runs no webhook worker: an address the scanners get taken is never sent to
    "webhook-add": ("/admin/webhooks", "/admin/webhooks"),
    "group-new": ("/admin/groups", "/admin/groups"),
}


def admin_pages(session: Browser) -> AdminPages:
    """Read the ids of the questions, roles and dimensions off the admin lists."""
    first: dict[str, int] = {}
    others: dict[str, list[int]] = {}
    for kind in ("questions", "roles", "dimensions"):
        html = session.get(f"/admin/{kind}")[1]
        ids = list(dict.fromkeys(int(i) for i in re.findall(rf'/admin/{kind}/(\d+)"', html)))
        if not ids:
            raise RuntimeError(f"/admin/{kind} lists nothing to edit")
        first[kind], others[kind] = ids[0], ids[1:]
    return AdminPages(first, others)


def find_admin_forms(session: Browser, pages: AdminPages) -> dict[str, AdminForm]:
    """Read every admin form the scan attacks off its page, CSRF token included.

    A choice question's page is looked for too: only its form carries option rows
    (``options-N-label`` and their weights), which the scanners should reach.
    """
    first = {kind.removesuffix("s"): number for kind, number in pages.first.items()}
    found: dict[str, AdminForm] = {}
    for name, (page, action) in ADMIN_FORM_PAGES.items():
        page, action = page.format(**first), action.format(**first)
        found[name] = admin_form(session, name, page, action)
    for number in [pages.first["questions"], *pages.others["questions"]]:
        page = f"/admin/questions/{number}"
        html = session.get(page)[1]
        if "data-option-row" in html:
            found["choice-edit"] = admin_form(session, "choice-edit", page, page, html)
            break
    else:
        raise RuntimeError("no question has option rows")
    return found


def admin_form(
    session: Browser, name: str, page: str, action: str, html: str | None = None
) -> AdminForm:
    if html is None:
        status, html = session.get(page)
        if status != 200:
            raise RuntimeError(f"{page} answered {status} to the signed-in admin")
    url = urllib.parse.urljoin(session.base, page)
    target = urllib.parse.urljoin(session.base, action)
    for form in read_forms(html, url):
        if urllib.parse.urlsplit(form.action).path == urllib.parse.urlsplit(target).path:
            if form.method == "POST" and not form.csrf_token:
                raise RuntimeError(f"the form {action} on {page} carries no CSRF token")
            return AdminForm(name, url, form)
    raise RuntimeError(f"{page} shows no form that sends to {action}")


BANK_FILE_BOUNDARY = "careerfitscanboundary"


def multipart_body(form: Form, file_text: str) -> str:
    """The form's fields and its file fields (each holding ``file_text``) as multipart text."""
    parts = [
        f'--{BANK_FILE_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}'
        for name, value in form.fields
    ]
    parts += [
        f'--{BANK_FILE_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="bank.json"\r\nContent-Type: application/json\r\n\r\n{file_text}'
        for name in form.files
    ]
    return "\r\n".join(parts) + f"\r\n--{BANK_FILE_BOUNDARY}--\r\n"


MULTIPART_HEADER = f"multipart/form-data; boundary={BANK_FILE_BOUNDARY}"
# not a bank: the probe and the scanners' baseline must never replace the draft they attack
NOT_A_BANK = '{"questions": []}'


def submit(session: Browser, admin: AdminForm, token: str | None = None) -> int:
    """Send a form as a browser would, with its own token or ``token``; return the status."""
    form = admin.form
    if token is not None:
        form = Form(
            form.action,
            form.method,
            form.enctype,
            [(n, token if n == "csrf_token" else v) for n, v in form.fields],
            form.files,
        )
    if form.method == "GET":
        return session.get(form.action + "?" + form.body())[0]
    if form.files:
        body = multipart_body(form, NOT_A_BANK)
        return session.send(form.action, body, {"Content-Type": MULTIPART_HEADER})[0]
    return session.send(form.action, form.body())[0]


@dataclass
class Probe:
    """What the scan's own submissions showed before any scanner ran."""

    reached: dict[str, int]  # form -> status with the page's token
    refused: dict[str, int]  # form -> status with a wrong token
    # The "form expired" page's size at REFUSAL_PATHS[0], by language; the page holds the
    # request's path (the language switcher comes back to it), so its size grows by
    # per_path_character bytes with each character of the path.
    refusal_sizes: dict[str, int] = field(default_factory=dict)
    per_path_character: int = 0

    def is_refusal(self, target: str, status: str, size: int) -> bool:
        """Whether an access log entry is the "form expired" page."""
        if status != "400":
            return False
        grown = self.per_path_character * (len(target) - len(REFUSAL_PATHS[0]))
        return any(size == base + grown for base in self.refusal_sizes.values())


# two paths of different lengths, so the probe learns how the refusal page grows with one
REFUSAL_PATHS = ("/admin/publish", "/admin/questions/new")


def probe_admin_forms(session: Browser, forms: dict[str, AdminForm]) -> Probe:
    """Send each form once with its page's token and once with a wrong one.

    With its token a form must reach its handler (anything but 400); with a wrong one it
    must be refused with 400. The refusal page's size, in every language and as it grows
    with the path, lets the access log tell "refused for the token" from every other answer.
    """
    probe = Probe({}, {})
    # every wrong token first: a save leaves a notice for the next page, the refusal page
    # too, and a refusal page with a notice on it has a size no formula knows
    for name, admin in forms.items():
        if admin.form.method == "POST":
            probe.refused[name] = submit(session, admin, token="not-a-token")
    for name, admin in forms.items():
        probe.reached[name] = submit(session, admin)
    sizes: dict[tuple[str, str], int] = {}
    for language in LANGUAGES:
        for path in REFUSAL_PATHS:
            status, page = session.send(
                path, "csrf_token=not-a-token", {"Accept-Language": language}
            )
            if status != 400:
                raise RuntimeError(f"{path} accepted a wrong CSRF token ({status})")
            sizes[language, path] = len(page.encode())
    first, second = REFUSAL_PATHS
    language = next(iter(LANGUAGES))
    growth, remainder = divmod(
        sizes[language, second] - sizes[language, first], len(second) - len(first)
    )
    if remainder:
        raise RuntimeError("the refusal page does not grow evenly with the path")
    probe.per_path_character = growth
    probe.refusal_sizes = {language: sizes[language, first] for language in LANGUAGES}
    return probe


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
    return run


def admin_scope(base: str, pages: AdminPages) -> list[str]:
    """Start and exclude URLs that give wapiti's time to every kind of admin form, once.

    wapiti crawls with the scan's admin session (a cookie file). Its crawler submits every
    form it finds, and its modules attack forms in the order found, each for a bounded time:
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
        f"{admin}/embed",
        f"{admin}/team",
        f"{admin}/webhooks",
        f"{admin}/groups",
        *(f"{admin}/{kind}/{number}" for kind, number in pages.first.items()),
    ]
    excluded = [
        f"{admin}/sign-out",
        f"{admin}/publish",
        f"{admin}/preview/restart",
        f"{admin}/questions",
        f"{admin}/roles",
        f"{admin}/dimensions",
        # the team's buttons: the scan's admin is the only owner, whom they refuse to change
        f"{admin}/team/*/role",
        f"{admin}/team/*/remove",
        f"{admin}/team/invitations/*/withdraw",
        # the webhooks' buttons: a test event, sending again and removing only carry a token
        f"{admin}/webhooks/*/test",
        f"{admin}/webhooks/*/remove",
        f"{admin}/webhooks/deliveries/*/again",
        # a group's buttons: closing, reopening and deleting carry only a CSRF token
        f"{admin}/groups/*/close",
        f"{admin}/groups/*/reopen",
        f"{admin}/groups/*/delete",
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


def sqlmap(
    name: str,
    url: str,
    workdir: Path,
    args: argparse.Namespace,
    extra: list[str],
    level: int = 2,
) -> Run:
    run = Run(name, "sqlmap")
    output = workdir / name
    command = [
        "sqlmap",
        "-u",
        url,
        "--batch",
        "--level",
        str(level),
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


# sqlmap tests at most this many fields of an admin form: the question form has one weight
# field per dimension, all alike
SQLMAP_ADMIN_FIELDS = 8


def sqlmap_admin_target(admin: AdminForm, cookie: str) -> tuple[str, list[str]]:
    """sqlmap's URL and arguments for one admin form, sent with the admin's session.

    A form's token stays valid for the session's life, but sqlmap reads a fresh one off the
    form's page before each request all the same (--csrf-url), as a browser would. The bank
    upload is multipart, where sqlmap cannot swap a token in: it sends the page's token.
    """
    form = admin.form
    fields = [name for name, _ in form.fields if name != "csrf_token"]
    extra = ["--cookie", cookie, "--dbms=SQLite"]
    if form.method == "GET":
        return form.action + "?" + form.body(), [*extra, "-p", ",".join(fields)]
    if form.files:
        body = multipart_body(form, NOT_A_BANK)
        extra += ["--data", body, "-H", f"Content-Type: {MULTIPART_HEADER}"]
        return form.action, [*extra, "--skip=csrf_token,submit"]
    extra += ["--data", form.body(), "--csrf-token=csrf_token", f"--csrf-url={admin.page}"]
    return form.action, [*extra, "-p", ",".join(fields[:SQLMAP_ADMIN_FIELDS])]


@dataclass
class FormTraffic:
    """How the app answered the POSTs one tool sent to one admin form."""

    reached: int = 0  # the handler answered: saved, 422, 409, a redirect onward...
    refused_for_token: int = 0  # 400 "this form expired"
    refused_other: int = 0  # any other 400 (a NUL character, say): refused before the handler
    signed_out: int = 0  # sent to the sign-in form: no session

    def add(self, other: FormTraffic) -> None:
        self.reached += other.reached
        self.refused_for_token += other.refused_for_token
        self.refused_other += other.refused_other
        self.signed_out += other.signed_out


ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<target>\S+) [^"]*" (?P<status>\d{3}) (?P<size>\S+) '
    r'"(?P<agent>.*)" "(?P<location>[^"]*)"$'
)


def tool_of(agent: str) -> str:
    if "sqlmap" in agent.lower():
        return "sqlmap"
    return "scan.py" if agent.startswith("Python-urllib") else "wapiti"


def path_shape(path: str) -> str:
    return re.sub(r"/\d+", "/N", urllib.parse.urlsplit(path).path)


def admin_post_counts(
    access_log: str, forms: dict[str, AdminForm], probe: Probe
) -> dict[tuple[str, str], FormTraffic]:
    """Count, by (form, tool), the admin POSTs that reached their handler and those refused.

    A POST is refused for its token when it got 400 with the size of the "form expired"
    page at its path (see Probe); every other answer but a 400 or a redirect to the sign-in
    form came from the handler. POSTs to admin forms the scan does not name are counted as "other".
    """
    # forms sharing a path's shape share a handler (a choice question's page is a question's
    # page): the first named is counted for all
    names: dict[str, str] = {}
    for name, admin in forms.items():
        names.setdefault(path_shape(admin.form.action), name)
    counts: dict[tuple[str, str], FormTraffic] = {}
    for line in access_log.splitlines():
        match = ACCESS_LINE.search(line)
        if match is None or match["method"] != "POST":
            continue
        path = urllib.parse.urlsplit(match["target"]).path
        if not path.startswith("/admin/") or path.startswith("/admin/sign-in"):
            continue
        shape = path_shape(path)
        name = "sign-out" if path == "/admin/sign-out" else names.get(shape, "other")
        traffic = counts.setdefault((name, tool_of(match["agent"])), FormTraffic())
        status = match["status"]
        size = int(match["size"]) if match["size"].isdigit() else -1
        if probe.is_refusal(match["target"], status, size):
            traffic.refused_for_token += 1
        elif status == "400":
            traffic.refused_other += 1
        elif status == "302" and "/admin/sign-in" in match["location"] and name != "sign-out":
            traffic.signed_out += 1
        else:
            traffic.reached += 1
    return counts


@dataclass
class AdminReach:
    """The admin forms' traffic, and what the scan requires of it."""

    counts: dict[tuple[str, str], FormTraffic]
    forms: list[str]  # the POST forms every scanner run must reach
    probe: Probe
    signed_out: bool = False

    def problems(self) -> list[str]:
        found = []
        for name, status in self.probe.reached.items():
            if status == 400:
                found.append(f"the scan's own {name} submission was refused (400)")
        for name, status in self.probe.refused.items():
            if status != 400:
                found.append(f"{name} accepted a wrong CSRF token ({status})")
        for name in self.forms:
            for tool in ("sqlmap", "wapiti") if name == "bank-import" else ("sqlmap",):
                if self.counts.get((name, tool), FormTraffic()).reached == 0:
                    found.append(f"{tool} never reached the {name} handler")
        if sum(t.reached for (n, tool), t in self.counts.items() if tool == "wapiti") == 0:
            found.append("wapiti never reached an admin form's handler")
        if not self.signed_out:
            found.append("sign-out at the end did not end the session")
        return found

    def lines(self) -> list[str]:
        out = [
            "Admin POSTs by form and tool: reached the handler / refused for the token "
            "(400 form expired) / other 400 / sent to sign-in",
        ]
        total: dict[str, FormTraffic] = {}
        for (name, tool), traffic in sorted(self.counts.items()):
            total.setdefault(tool, FormTraffic()).add(traffic)
            out.append(
                f"  {name:<18}{tool:<8}{traffic.reached:>7} / {traffic.refused_for_token:>5}"
                f" / {traffic.refused_other:>5} / {traffic.signed_out:>4}"
            )
        for tool, traffic in sorted(total.items()):
            out.append(
                f"  {'all admin forms':<18}{tool:<8}{traffic.reached:>7} / "
                f"{traffic.refused_for_token:>5} / {traffic.refused_other:>5} / "
                f"{traffic.signed_out:>4}"
            )
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "signed_out": self.signed_out,
            "probe": {"reached": self.probe.reached, "refused": self.probe.refused},
            "forms": [
                {"form": name, "tool": tool, **traffic.__dict__}
                for (name, tool), traffic in sorted(self.counts.items())
            ],
            "problems": self.problems(),
        }


def sign_out(session: Browser) -> bool:
    """Send the sign-out form, with its token, last of all; True when the session ended."""
    admin = admin_form(session, "sign-out", "/admin/", "/admin/sign-out")
    status = submit(session, admin)
    return status == 302 and session.get("/admin/")[0] == 302


REPORT_ORDER = [
    "wapiti-public",
    "wapiti-admin",
    "sqlmap-quiz",
    "sqlmap-result-json",
    "sqlmap-delete-link",
    "sqlmap-sign-in",
]


def report_position(name: str) -> tuple[int, str]:
    return (REPORT_ORDER.index(name), "") if name in REPORT_ORDER else (len(REPORT_ORDER), name)


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


def summarise(runs: list[Run], seconds: float, reach: AdminReach) -> int:
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
    lines += ["", *reach.lines()]
    serious = [f for f in findings if f.level >= FAILING_LEVEL]
    unfinished = [run.name for run in runs if not run.finished]
    if five_hundreds or tracebacks:
        lines.append("FAIL: the app answered 5xx or logged a traceback")
    if serious:
        lines.append(f"FAIL: {len(serious)} finding(s) of medium severity or higher")
    if unfinished:
        lines.append("FAIL: no verdict from " + ", ".join(unfinished))
    unreached = reach.problems()
    if unreached:
        lines.append("FAIL: the admin forms were not all reached: " + "; ".join(unreached))
    ok = not (serious or unfinished or five_hundreds or tracebacks or unreached)
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
                "admin_forms": reach.as_json(),
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
        session = AdminSession(base, password)
        pages = admin_pages(session)
        forms = find_admin_forms(session, pages)
        probe = probe_admin_forms(session, forms)
        cookies = workdir / "wapiti-cookies.json"
        session.write_wapiti_cookies(cookies)
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
                    # the framed quiz: its progress travels signed in each address
                    "-s",
                    f"{base}/embed/",
                    "-s",
                    f"{base}/embed/quiz",
                    "-s",
                    f"{base}/embed/quiz/quick",
                    "-s",
                    f"{base}/embed/r/{kept.token}",
                    "-s",
                    f"{base}/oembed?url={urllib.parse.quote(base + '/r/' + kept.token)}",
                ],
            )

        def admin_scan() -> Run:
            return wapiti(
                "wapiti-admin",
                base + "/admin/",
                workdir,
                args,
                # the scan's own admin session: the forms it crawls carry that session's
                # tokens, which stay valid while it lasts (sign-out is left out, and last)
                ["-c", str(cookies), *admin_scope(base, pages)],
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

        sqlmap_runs += [
            (f"sqlmap-admin-{name}", *sqlmap_admin_target(admin, session.cookie_header()))
            for name, admin in forms.items()
        ]
        scans: list[tuple[str, Callable[[], Run]]] = [
            ("wapiti-public", public_scan),
            ("wapiti-admin", admin_scan),
            *(
                (
                    name,
                    # the admin forms: the database the scan runs on, at level 1, in time
                    functools.partial(
                        sqlmap, name, url, workdir, args, extra, 1 if "admin" in name else 2
                    ),
                )
                for name, url, extra in sqlmap_runs
            ),
        ]
        # longest first, two at a time: the app and the scanners share the machine's cores
        order = ["wapiti-admin", "sqlmap-sign-in", "sqlmap-quiz", "wapiti-public"]
        scans.sort(key=lambda scan: order.index(scan[0]) if scan[0] in order else len(order))
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            futures = {name: pool.submit(run_guarded, name, scan) for name, scan in scans}
        # reported in a fixed order, whatever order they ran in
        runs = [futures[name].result() for name in sorted(futures, key=report_position)]
        signed_out = sign_out(session)
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
    reach = AdminReach(
        admin_post_counts(
            (REPORTS / "gunicorn-access.log").read_text(errors="replace"),
            forms,
            probe,
        ),
        [name for name, admin in forms.items() if admin.form.method == "POST"],
        probe,
        signed_out,
    )
    return summarise(runs, time.monotonic() - began, reach)


if __name__ == "__main__":
    sys.exit(main())
