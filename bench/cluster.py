"""Run Career Fit on several hosts at once, through a load balancer, and break things mid-run.

    sudo .venv/bin/python bench/cluster.py [--submissions 10000] [--concurrency 64]

The hosts are network namespaces on this machine, on a private /24 of their own (SUBNET), joined
by a bridge that lives in a namespace too, so nothing of the machine's own network changes:

    host    address        runs
    client  10.213.0.1     this script (the machine's own namespace, one veth into the net)
    lb      10.213.0.10    HAProxy on :80, health checks GET /healthz on both app hosts
    app1    10.213.0.11    gunicorn -c gunicorn.conf.py "quiz:create_app()" on :8000
    app2    10.213.0.12    the same
    db      10.213.0.20    a PostgreSQL cluster of this run's own (initdb in a temp folder)
    redis   10.213.0.21    a redis-server of this run's own: rate limits (db 0), page cache (db 1)

In order, it:

1. builds that network and starts every server on it (app1 first: it migrates and seeds the
   empty database; app2 once app1 answers);
2. walks the quiz's real pages through the load balancer, answering every page but the last;
3. sends ``--submissions`` finishes of it through the load balancer, ``--concurrency`` at a
   time, each on a new connection. Each carries that walk's session with its own finish id:
   the session is the one the pages gave, re-signed with this run's SECRET_KEY, since the app
   stores one result per finish id (a double click must not store two). So each POST is a
   whole quiz submission: validate, score, store a result, redirect to its link;
4. meanwhile stops app1 (SIGTERM to its gunicorn master: workers finish what they hold),
   starts it again, and restarts Redis once (an empty one: rate-limit counts start afresh);
5. checks, and prints:
   - every accepted submission's link (a 302 to /r/<token>) answers 200 on app1 and on app2,
     asked directly;
   - PostgreSQL holds exactly the accepted results: as many rows, the same tokens;
   - rate limits hold across hosts: failed admin sign-ins for one account, alternating between
     app1 and app2, are refused from the fourth on (the limit is set to 3 per hour);
   - a result deleted through app1 answers 410 on app2 at once, though app2 had just shown it;
   - the errors clients saw, by kind: only requests HAProxy had sent to app1, and at most as
     many as it ever has in flight on one host (APP_MAXCONN). HAProxy retries a request
     elsewhere only where that is safe (HAPROXY_CONFIG says why).

Exit status: 0 when every check passes, 1 when one fails, 2 when the cluster cannot be built
here (not root, no ``ip netns``, no HAProxy, PostgreSQL or Redis server programs). Every
namespace, process and temp folder it made is removed on the way out, whatever happened.
"""

from __future__ import annotations

import argparse
import atexit
import glob
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

if __package__ in (None, ""):
    # run as a script (python bench/cluster.py): the repo root makes ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gunicorn_server import APP_SPEC, CONFIG, GUNICORN, ROOT, server_environment  # noqa: E402
from bench.load import RESULT_LINK, TOKEN_PATTERN, Submission, prepare_submission  # noqa: E402
from bench.load import CannotRun as CannotWalkQuiz  # noqa: E402
from bench.sessions import NoFinishId, SessionSigner, cookie_value  # noqa: E402

EXIT_OK, EXIT_FAILED, EXIT_CANNOT_RUN = 0, 1, 2

SUBNET = "10.213.0"
CLIENT_ADDRESS = f"{SUBNET}.1"
HOSTS = {"lb": f"{SUBNET}.10", "app1": f"{SUBNET}.11", "app2": f"{SUBNET}.12"}
HOSTS |= {"db": f"{SUBNET}.20", "redis": f"{SUBNET}.21"}
APP_PORT = 8000
# the most requests HAProxy has in flight on one app host (2 workers x 4 threads, twice over)
APP_MAXCONN = 16
LB_PORT = 80
PUBLIC_URL = f"http://{HOSTS['lb']}"
PUBLIC_HOST = HOSTS["lb"]
DATABASE_NAME = "career_fit"
DATABASE_URL = f"postgresql://postgres@{HOSTS['db']}:5432/{DATABASE_NAME}"
REDIS_PORT = 6379
# the shared-limit check: the fourth failed sign-in for one account is refused, on any host
SIGN_IN_LIMIT = 3
REQUEST_TIMEOUT_SECONDS = 30
START_TIMEOUT_SECONDS = 90
# how far into the run app1 is stopped and Redis restarted, as a share of submissions sent
STOP_APP_AT, RESTART_REDIS_AT = 0.25, 0.6
# app1 stays down this long after its master has exited, so the run goes on without it
APP_DOWN_SECONDS = 3.0

# The load balancer's whole configuration, as docs/deploy.md shows it (a test compares them).
# Why each retry rule is safe:
# - `retries` + `option redispatch`: a connection the app host refused or never accepted
#   carried no request, so it is tried again on the other host, whatever the method;
# - `retry-on` (layer-7 retries: an empty reply, a time-out, a 502/503/504) resends a request
#   the host may already have acted on, so only GET and HEAD get them: a POST that finished
#   a quiz, deleted a result or signed someone in must never run twice behind the client's
#   back;
# - `timeout check 5s`: a host busy with the load answers /healthz late, yet it is up; taking
#   it out for that would leave the other host alone, or none;
# - `observe layer4 ... on-error mark-down`: the first connection a host refuses takes it out
#   at once, instead of after two failed health checks; the checks bring it back;
# - `maxconn 16` per host (2 workers x 4 threads, twice over) keeps the rest queued here: a
#   stopped host then holds only what it was working on, and the queue goes to the other.
HAPROXY_CONFIG = f"""\
global
    log stdout format raw local0 info
    maxconn 4096
    stats socket unix@haproxy.sock mode 600 level admin

defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    option forwardfor
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 60s
    timeout check 5s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503 504

frontend career_fit
    bind {HOSTS["lb"]}:{LB_PORT}
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend app_hosts

backend app_hosts
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {PUBLIC_HOST}
    http-check expect status 200
    default-server check inter 1s fall 3 rise 2 maxconn {APP_MAXCONN}
    default-server observe layer4 error-limit 1 on-error mark-down
    server app1 {HOSTS["app1"]}:{APP_PORT}
    server app2 {HOSTS["app2"]}:{APP_PORT}
"""


# a request line of HAProxy's log (it logs failures, and what it retried): the app host,
# then the status
HAPROXY_REQUEST = re.compile(r" app_hosts/(<NOSRV>|\w+) \S+ (-?\d+) .*\"(?:GET|POST|HEAD) ")


class CannotRun(Exception):
    """The cluster cannot be built on this machine (privileges, programs): nothing was checked."""


class ClusterFailed(Exception):
    """A server of the cluster did not start or answer: a failure, not a missing tool."""


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Cluster:
    """What this run made, so that all of it can be taken down again."""

    run_id: str
    workdir: Path
    namespaces: list[str] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    root_veth: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))

    def namespace(self, host: str) -> str:
        return f"cf{self.run_id}-{host}"

    def log_path(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def log_tail(self, name: str, characters: int = 3000) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace")[-characters:] if path.exists() else ""


def run(*command: str) -> None:
    """Run a setup command; raise ClusterFailed with its output when it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise ClusterFailed(f"{' '.join(command)}: {done.stderr.strip() or done.stdout.strip()}")


def postgres_program(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise CannotRun(f"no PostgreSQL server program {name} in /usr/lib/postgresql/*/bin")
    return found[-1]


def check_prerequisites() -> None:
    if os.geteuid() != 0:
        raise CannotRun("network namespaces need root (CI runs as root)")
    for program in ("ip", "haproxy", "redis-server", "setpriv"):
        if shutil.which(program) is None:
            raise CannotRun(f"{program} is not installed (apt-get install haproxy redis-server)")
    postgres_program("postgres")
    postgres_program("initdb")
    if not GUNICORN.exists():
        raise CannotRun(f"no gunicorn at {GUNICORN}: install '.[test]'")


def build_network(cluster: Cluster) -> None:
    """Make a namespace per host, all on one bridge inside a namespace of its own.

    The client end stays in this namespace with CLIENT_ADDRESS, so this script reaches every
    host; nothing else of the machine's network is touched.
    """
    in_use = subprocess.run(
        ["ip", "-o", "addr", "show", "to", f"{SUBNET}.0/24"], capture_output=True, text=True
    ).stdout.strip()
    if in_use:
        # another run's network (one killed before it could clean up, or one running now)
        raise ClusterFailed(
            f"{SUBNET}.0/24 is in use here already: {in_use}\nRemove what a killed run left: "
            "ip link delete <that interface>; ip netns delete <each cfXXXX-... of ip netns list>"
        )
    net = cluster.namespace("net")
    try:
        run("ip", "netns", "add", net)
    except ClusterFailed as error:
        raise CannotRun(f"cannot make a network namespace here: {error}") from error
    cluster.namespaces.append(net)
    run("ip", "-n", net, "link", "add", "br0", "type", "bridge")
    run("ip", "-n", net, "link", "set", "br0", "up")
    for host, address in [("client", CLIENT_ADDRESS), *HOSTS.items()]:
        outside, inside = f"cf{cluster.run_id}{host}", f"cf{cluster.run_id}{host}p"
        if host == "client":
            run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
            cluster.root_veth = outside
            run("ip", "link", "set", inside, "netns", net)
            run("ip", "addr", "add", f"{address}/24", "dev", outside)
            run("ip", "link", "set", outside, "up")
        else:
            namespace = cluster.namespace(host)
            run("ip", "netns", "add", namespace)
            cluster.namespaces.append(namespace)
            run("ip", "-n", net, "link", "add", inside, "type", "veth", "peer", "name", outside)
            run("ip", "-n", net, "link", "set", outside, "netns", namespace)
            run("ip", "-n", namespace, "link", "set", outside, "name", "eth0")
            run("ip", "-n", namespace, "addr", "add", f"{address}/24", "dev", "eth0")
            run("ip", "-n", namespace, "link", "set", "eth0", "up")
            run("ip", "-n", namespace, "link", "set", "lo", "up")
        run("ip", "-n", net, "link", "set", inside, "master", "br0")
        run("ip", "-n", net, "link", "set", inside, "up")


def start(
    cluster: Cluster,
    name: str,
    host: str,
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``command`` in ``host``'s namespace, in its own process group, logging to a file."""
    with cluster.log_path(name).open("a", encoding="utf-8") as log:
        process = subprocess.Popen(
            ["ip", "netns", "exec", cluster.namespace(host), *command],
            cwd=cwd or cluster.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    cluster.processes[name] = process
    return process


def stop(cluster: Cluster, name: str, timeout: float = 30) -> None:
    """Stop a process gracefully (SIGTERM), then kill what is left of its group."""
    process = cluster.processes.pop(name, None)
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)


def wait_until(
    cluster: Cluster, name: str, ready: Callable[[], bool], what: str, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        process = cluster.processes.get(name)
        if process is not None and process.poll() is not None:
            raise ClusterFailed(f"{what} exited ({process.returncode}):\n{cluster.log_tail(name)}")
        if time.monotonic() > deadline:
            raise ClusterFailed(
                f"{what} did not answer in {timeout:.0f} s:\n{cluster.log_tail(name)}"
            )
        time.sleep(0.2)


def as_postgres(*command: str) -> list[str]:
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *command]


def start_postgres(cluster: Cluster) -> None:
    """Make and start a PostgreSQL cluster of this run's own, listening on the db host only."""
    data = cluster.workdir / "postgres"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    initdb = as_postgres(postgres_program("initdb"), "-D", str(data), "-U", "postgres")
    run(*initdb, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {SUBNET}.0/24 trust\n")
    # a throwaway cluster: durability is not what this run measures, so no fsync
    settings = {
        "listen_addresses": HOSTS["db"],
        "unix_socket_directories": str(data),
        "max_connections": "200",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
    }
    options = [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]
    start(
        cluster,
        "postgres",
        "db",
        as_postgres(postgres_program("postgres"), "-D", str(data), *options),
    )
    admin_url = f"postgresql://postgres@{HOSTS['db']}:5432/postgres"

    def answers() -> bool:
        try:
            with psycopg.connect(admin_url, connect_timeout=2):
                return True
        except psycopg.Error:
            return False

    wait_until(cluster, "postgres", answers, "PostgreSQL", START_TIMEOUT_SECONDS)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def redis_answers() -> bool:
    try:
        client = redis.Redis(host=HOSTS["redis"], port=REDIS_PORT, socket_timeout=1)
        with client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def start_redis(cluster: Cluster) -> None:
    """Start an empty, unsaved redis-server on the redis host."""
    command = ["redis-server", "--bind", HOSTS["redis"], "--port", str(REDIS_PORT)]
    command += ["--save", "", "--appendonly", "no", "--protected-mode", "no"]
    start(cluster, "redis", "redis", command)
    wait_until(cluster, "redis", redis_answers, "Redis", START_TIMEOUT_SECONDS)


def app_environment(cluster: Cluster, host: str) -> dict[str, str]:
    """The production settings of docs/deploy.md, the same on both app hosts but the bind."""
    redis_url = f"redis://{HOSTS['redis']}:{REDIS_PORT}"
    return server_environment(
        {
            "SECRET_KEY": cluster.secret_key,
            "DATABASE_URL": DATABASE_URL,
            "RATELIMIT_STORAGE_URI": f"{redis_url}/0",
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": f"{redis_url}/1",
            "PUBLIC_URL": PUBLIC_URL,
            "TRUST_PROXY_HOPS": "1",
            "FORWARDED_ALLOW_IPS": HOSTS["lb"],
            "GUNICORN_BIND": f"{HOSTS[host]}:{APP_PORT}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
            "GUNICORN_ACCESS_LOG": "",
            # no access log; gunicorn's own lines say when workers stop and start
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            # every submission of the load comes from this one client address
            "QUIZ_SUBMISSION_LIMIT": "1000000 per minute",
            "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT": f"{SIGN_IN_LIMIT} per hour",
        }
    )


@dataclass(frozen=True)
class Answer:
    """One reply: its status (0 when none came), redirect, session cookie, and body if kept."""

    status: int
    location: str = ""
    cookie: str = ""
    body: str = ""
    error: str = ""


def get(host: str, path: str, cookie: str = "", keep_body: bool = False) -> Answer:
    """GET ``path`` from an app host directly, or from the load balancer (``lb``)."""
    return send(host, "GET", path, cookie=cookie, keep_body=keep_body)


def post(host: str, path: str, form: dict[str, str] | bytes, cookie: str = "") -> Answer:
    body = form if isinstance(form, bytes) else urllib.parse.urlencode(form).encode()
    return send(host, "POST", path, body, cookie)


def send(
    host: str,
    method: str,
    path: str,
    body: bytes | None = None,
    cookie: str = "",
    keep_body: bool = False,
) -> Answer:
    """Send one request on a new connection to ``host``; never follow a redirect.

    Every request names the public host, as the load balancer passes it on: the apps answer
    no other (TRUSTED_HOSTS). An error's body is kept (its start), others only if asked.
    """
    port = LB_PORT if host == "lb" else APP_PORT
    headers = {"Host": PUBLIC_HOST, "Connection": "close"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    connection = http.client.HTTPConnection(HOSTS[host], port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers=headers)
        with connection.getresponse() as response:
            content = response.read().decode(errors="replace")
            set_cookie = response.getheader("Set-Cookie", "")
            return Answer(
                response.status,
                response.getheader("Location", ""),
                session_cookie(set_cookie) if "session=" in set_cookie else "",
                content if keep_body else content[:200] if response.status >= 400 else "",
            )
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, error=type(error).__name__)
    finally:
        connection.close()


def healthy(host: str, limits_ok: bool = False) -> bool:
    """Whether ``host`` answers /healthz 200 (and, if asked, with its limit store answering)."""
    answer = get(host, "/healthz", keep_body=True)
    if answer.status != 200:
        return False
    return not limits_ok or json.loads(answer.body).get("limits") == "ok"


def start_app(cluster: Cluster, host: str) -> None:
    command = [str(GUNICORN), "-c", str(CONFIG), APP_SPEC]
    start(cluster, host, host, command, env=app_environment(cluster, host), cwd=ROOT)
    wait_until(cluster, host, lambda: healthy(host), f"gunicorn on {host}", START_TIMEOUT_SECONDS)


def haproxy_stats(cluster: Cluster) -> dict[str, dict[str, str]]:
    """Return HAProxy's figures per app host (``show stat`` on its admin socket)."""
    with socket.socket(socket.AF_UNIX) as stats:
        stats.settimeout(5)
        stats.connect(str(cluster.workdir / "haproxy.sock"))
        stats.sendall(b"show stat\n")
        data = b""
        while chunk := stats.recv(65536):
            data += chunk
    lines = data.decode().splitlines()
    columns = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(columns, line.split(","), strict=False)) for line in lines[1:] if line]
    return {row["svname"]: row for row in rows if row.get("pxname") == "app_hosts"}


def start_haproxy(cluster: Cluster) -> None:
    (cluster.workdir / "haproxy.cfg").write_text(HAPROXY_CONFIG)
    start(cluster, "haproxy", "lb", ["haproxy", "-db", "-f", "haproxy.cfg"])

    def both_up() -> bool:
        try:
            stats = haproxy_stats(cluster)
        except OSError:
            return False
        return all(stats.get(host, {}).get("status") == "UP" for host in ("app1", "app2"))

    wait_until(cluster, "haproxy", both_up, "HAProxy with both app hosts up", START_TIMEOUT_SECONDS)


def take_down(cluster: Cluster) -> None:
    """Stop every process and delete every namespace and veth this run made; never raises."""
    for name in list(cluster.processes):
        try:
            stop(cluster, name, timeout=10)
        except Exception as error:  # take down the rest whatever one step raised
            print(f"cleanup: {name}: {error}", file=sys.stderr)
    for namespace in reversed(cluster.namespaces):
        subprocess.run(["ip", "netns", "delete", namespace], capture_output=True)
    cluster.namespaces.clear()
    if cluster.root_veth:
        subprocess.run(["ip", "link", "delete", cluster.root_veth], capture_output=True)
        cluster.root_veth = None


def session_cookie(cookies: str) -> str:
    value = cookie_value(cookies)
    if value is None:
        raise ClusterFailed(f"no session cookie in {cookies!r}")
    return value


def fresh_submissions(walked: Submission, signer: SessionSigner, count: int) -> list[Submission]:
    """Return ``count`` copies of the walked quiz's last page, each with a finish id of its own.

    ``Submission.cookie`` holds the session cookie's value alone.
    """
    try:
        cookies = signer.fresh_runs(session_cookie(walked.cookie), count)
    except NoFinishId as problem:
        raise ClusterFailed(str(problem)) from None
    return [Submission(walked.path, walked.body, cookie) for cookie in cookies]


def submit(host: str, submission: Submission) -> Answer:
    return post(host, submission.path, submission.body, submission.cookie)


def accepted_token(answer: Answer) -> str | None:
    """The result token of a submission's reply: a 302 to its link, or None."""
    match = RESULT_LINK.match(answer.location) if answer.status == 302 else None
    return match.group(1) if match else None


def run_concurrently(
    count: int, concurrency: int, task: Callable[[int], Answer], done: list[int] | None = None
) -> list[Answer]:
    """Run ``task(i)`` for i < count, ``concurrency`` at a time; ``done[0]`` counts finished."""
    replies: list[Answer | None] = [None] * count
    next_index = iter(range(count))
    lock = threading.Lock()
    progress = done if done is not None else [0]

    def work() -> None:
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            replies[index] = task(index)
            with lock:
                progress[0] += 1

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [reply for reply in replies if reply is not None]


@dataclass
class Disruptions:
    """What the disrupting thread did, and when (seconds into the load)."""

    events: list[str] = field(default_factory=list)
    held_by_app1: int = 0
    failure: str = ""
    # submissions finished when Redis came back: below the total, both happened mid-load
    done_when_redis_back: int = 0


def disrupt(
    cluster: Cluster, total: int, done: list[int], started: float, log: Disruptions
) -> None:
    """Stop app1 and start it again, then restart Redis, at set points of the load."""

    def at(share: float) -> None:
        while done[0] < share * total:
            time.sleep(0.05)

    def note(event: str) -> None:
        log.events.append(f"{time.perf_counter() - started:6.1f} s  {event} ({done[0]} done)")

    try:
        at(STOP_APP_AT)
        # what app1 is working on plus what HAProxy has queued for it, for the report
        app1 = haproxy_stats(cluster)["app1"]
        log.held_by_app1 = int(app1["scur"] or 0) + int(app1["qcur"] or 0)
        note(f"stopping app1 (SIGTERM to gunicorn; it holds {log.held_by_app1} requests)")
        stop(cluster, "app1")
        note("app1 stopped")
        time.sleep(APP_DOWN_SECONDS)
        note("starting app1")
        start_app(cluster, "app1")
        note("app1 answers /healthz")
        at(RESTART_REDIS_AT)
        note("stopping Redis")
        stop(cluster, "redis")
        note("Redis stopped; starting it")
        start_redis(cluster)
        log.done_when_redis_back = done[0]
        note("Redis answers")
    except Exception as error:  # reported as a failed check: the run goes on
        log.failure = f"{type(error).__name__}: {error}"
        note(f"disruption failed: {log.failure}")


def error_kind(answer: Answer) -> str:
    if answer.status == 0:
        return f"no response ({answer.error})"
    return f"{answer.status} {answer.body[:80]!r}" if answer.body else str(answer.status)


def failed_sign_in(host: str, email: str) -> int:
    """Fail an admin sign-in on ``host`` through its real form; return the status."""
    page = get(host, "/admin/sign-in", keep_body=True)
    token = TOKEN_PATTERN.search(page.body)
    if page.status != 200 or token is None or not page.cookie:
        return page.status or -1
    form = {"csrf_token": token.group(1), "email": email, "password": "not the password"}
    return post(host, "/admin/sign-in", form, page.cookie).status


def check_links(tokens: list[str], concurrency: int) -> list[Check]:
    """Open every link on app1, then on app2, directly.

    One host after the other: with a shared page cache, app1 renders what app2 then reads.
    """
    checks = []
    for host in ("app1", "app2"):
        started = time.perf_counter()
        replies = run_concurrently(
            len(tokens), concurrency, lambda i, host=host: get(host, f"/r/{tokens[i]}")
        )
        took = time.perf_counter() - started
        statuses = Counter(reply.status for reply in replies)
        checks.append(
            Check(
                f"every accepted link answers 200 on {host}",
                bool(tokens) and statuses == Counter({200: len(tokens)}),
                f"{len(tokens)} links in {took:.1f} s: {dict(statuses)}",
            )
        )
    return checks


def check_database(tokens: list[str]) -> Check:
    with psycopg.connect(DATABASE_URL, connect_timeout=10) as connection:
        stored = [row[0] for row in connection.execute("SELECT share_token FROM result")]
    missing = len(set(tokens) - set(stored))
    extra = len(set(stored) - set(tokens))
    return Check(
        "the database holds exactly the accepted results",
        len(stored) == len(tokens) == len(set(tokens)) and not missing and not extra,
        f"{len(stored)} rows for {len(tokens)} accepted ({missing} missing, {extra} extra, "
        f"{len(tokens) - len(set(tokens))} duplicate links)",
    )


def check_shared_limits() -> Check:
    account = f"someone-{secrets.token_hex(4)}@example.com"
    hosts = ["app1", "app2", "app1", "app2", "app1"]
    statuses = [failed_sign_in(host, account) for host in hosts]
    expected = [401] * SIGN_IN_LIMIT + [429] * (len(hosts) - SIGN_IN_LIMIT)
    return Check(
        f"failed sign-ins alternating app1/app2 are refused after {SIGN_IN_LIMIT}",
        statuses == expected,
        f"{' '.join(f'{h}:{s}' for h, s in zip(hosts, statuses, strict=True))}",
    )


def check_delete(walked: Submission, signer: SessionSigner) -> Check:
    """Delete a result through app1 right after both hosts showed it; app2 must answer 410."""
    name = "a result deleted through app1 is gone (410) from app2 at once"
    submitted = submit("lb", fresh_submissions(walked, signer, 1)[0])
    token = accepted_token(submitted)
    if token is None or not submitted.cookie:
        return Check(name, False, f"the submission got {error_kind(submitted)}")
    # the taker's session holds the private delete key, as their browser's does
    new_result = signer.read(submitted.cookie).get("new_result")
    if not isinstance(new_result, dict):
        return Check(name, False, "the taker's session holds no delete key")
    # a visitor's view on each host, so any page cache holds it
    before = [get(host, f"/r/{token}").status for host in ("app2", "app1", "app2")]
    delete_path = f"/r/{token}/delete/{new_result['delete_key']}"
    page = get("app1", delete_path, submitted.cookie, keep_body=True)
    form_token = TOKEN_PATTERN.search(page.body)
    if form_token is None:
        return Check(name, False, f"the delete page got {error_kind(page)}")
    deleted = post("app1", delete_path, {"csrf_token": form_token.group(1)}, submitted.cookie)
    after = {host: get(host, f"/r/{token}").status for host in ("app2", "lb", "app1")}
    return Check(
        name,
        before == [200, 200, 200] and deleted.status == 200 and set(after.values()) == {410},
        f"shown before {before}, deleted through app1: {deleted.status}, then {after}",
    )


def wait_settled(cluster: Cluster) -> None:
    """Wait until both hosts answer with Redis back as their limit store, and HAProxy agrees."""

    def settled() -> bool:
        stats = haproxy_stats(cluster)
        up = all(stats.get(host, {}).get("status") == "UP" for host in ("app1", "app2"))
        return up and all(healthy(host, limits_ok=True) for host in ("app1", "app2"))

    wait_until(cluster, "haproxy", settled, "both app hosts with Redis", START_TIMEOUT_SECONDS)


def report(title: str, lines: Iterable[str]) -> None:
    print(title)
    for line in lines:
        print(f"  {line}")


def run_cluster(cluster: Cluster, submissions: int, concurrency: int) -> int:
    """Build the cluster, load it while disrupting it, check it; return the exit status."""
    built = time.perf_counter()
    build_network(cluster)
    start_postgres(cluster)
    start_redis(cluster)
    start_app(cluster, "app1")  # first alone: it migrates and seeds the empty database
    start_app(cluster, "app2")
    start_haproxy(cluster)
    print(
        f"Career Fit on several hosts: {submissions} submissions, {concurrency} at a time, "
        f"through HAProxy at {PUBLIC_URL} to app1 {HOSTS['app1']} and app2 {HOSTS['app2']} "
        f"(2 workers x 4 threads each), PostgreSQL {HOSTS['db']}, Redis {HOSTS['redis']}; "
        f"built in {time.perf_counter() - built:.1f} s",
        flush=True,
    )
    signer = SessionSigner(cluster.secret_key)
    try:
        walked = prepare_submission(PUBLIC_URL)
    except (CannotWalkQuiz, OSError) as error:
        raise ClusterFailed(f"walking the quiz through the load balancer: {error}") from error
    load = fresh_submissions(walked, signer, submissions)

    done = [0]
    disruptions = Disruptions()
    started = time.perf_counter()
    disrupter = threading.Thread(
        target=disrupt, args=(cluster, submissions, done, started, disruptions), daemon=True
    )
    disrupter.start()
    replies = run_concurrently(submissions, concurrency, lambda i: submit("lb", load[i]), done)
    took = time.perf_counter() - started
    disrupter.join(timeout=START_TIMEOUT_SECONDS * 2)
    stats_after = haproxy_stats(cluster)

    accepted = [token for reply in replies if (token := accepted_token(reply))]
    errors = Counter(error_kind(reply) for reply in replies if accepted_token(reply) is None)
    report(
        f"load: {len(replies)} submissions in {took:.1f} s ({len(replies) / took:.0f} per "
        f"second), {len(accepted)} accepted",
        disruptions.events,
    )
    retried = {host: stats_after[host].get("wretr") for host in ("app1", "app2")}
    redispatched = {host: stats_after[host].get("wredis") for host in ("app1", "app2")}
    report(
        "load balancer",
        [f"retried {retried}, redispatched {redispatched} (per app host, HAProxy's own count)"],
    )

    # HAProxy logs only what went wrong (option dontlog-normal): each error clients saw
    logged = [
        (line, match.group(1), match.group(2))
        for line in cluster.log_tail("haproxy", 10**9).splitlines()
        if (match := HAPROXY_REQUEST.search(line))
    ]
    failed_lines = [line for line, _, status in logged if not status.startswith(("2", "3"))]
    failed_on = Counter(host for _, host, status in logged if not status.startswith(("2", "3")))
    report("failures in the load balancer's log", failed_lines[:20] or ["none"])
    if errors:
        report("app1's log", cluster.log_tail("app1", 4000).splitlines())
    wait_settled(cluster)
    checks = [
        Check(
            "app1 was stopped and started again, then Redis restarted, during the load",
            not disruptions.failure and 0 < disruptions.done_when_redis_back < submissions,
            disruptions.failure
            or f"Redis was back after {disruptions.done_when_redis_back} of {submissions} "
            "submissions (a short run may end first)",
        ),
        Check(
            f"clients saw no errors beyond the requests in flight on app1 (at most {APP_MAXCONN})",
            sum(errors.values()) <= APP_MAXCONN
            and set(failed_on) <= {"app1"}
            and sum(failed_on.values()) == sum(errors.values()),
            f"{sum(errors.values())} errors, app1 held {disruptions.held_by_app1}, HAProxy "
            f"logged failures on {dict(failed_on) or 'no host'}: "
            + (", ".join(f"{n} x {kind}" for kind, n in errors.most_common()) or "none"),
        ),
        check_database(accepted),
        *check_links(accepted, concurrency),
        check_shared_limits(),
        check_delete(walked, signer),
    ]
    tracebacks = {
        host: cluster.log_tail(host, 10**9).count("Traceback") for host in ("app1", "app2")
    }
    report("checks", [f"{'PASS' if c.passed else 'FAIL'}  {c.name}: {c.detail}" for c in checks])
    print(f"server logs: tracebacks {tracebacks}")
    if not all(check.passed for check in checks):
        for name in ("app1", "app2", "haproxy"):
            print(f"--- {name} log tail ---\n{cluster.log_tail(name)}")
        return EXIT_FAILED
    return EXIT_OK


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    if args.submissions < 10 or args.concurrency < 1:
        parser.error("--submissions must be at least 10 and --concurrency at least 1")
    try:
        check_prerequisites()
    except CannotRun as error:
        print(f"cannot run: {error}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    workdir = Path(tempfile.mkdtemp(prefix="career-fit-cluster-"))
    # PostgreSQL runs as its own user and must reach its folder inside this one
    workdir.chmod(0o711)
    cluster = Cluster(secrets.token_hex(2), workdir)

    def clean_up() -> None:
        take_down(cluster)
        shutil.rmtree(workdir, ignore_errors=True)

    # atexit too: a signal or an exception anywhere still takes the cluster down
    atexit.register(clean_up)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_FAILED))
    try:
        return run_cluster(cluster, args.submissions, args.concurrency)
    except CannotRun as error:
        print(f"cannot run: {error}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except ClusterFailed as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        clean_up()


if __name__ == "__main__":
    sys.exit(main())
