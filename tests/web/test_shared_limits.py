"""Sign-in limits hold across processes when their storage is Redis.

Two gunicorn servers, each its own process group with one worker, share one database and one
rate-limit storage. Failed sign-ins alternate between them. With Redis, the fourth failure
overall is refused (429) by whichever server receives it; with in-memory storage each server
counts only what it saw, which is why production sets RATELIMIT_STORAGE_URI to Redis.

Every run uses its own RATELIMIT_KEY_PREFIX, so counts left in Redis by an earlier run (or by
anything else using it) never matter, and removes its keys afterwards.
"""

from __future__ import annotations

import http.cookiejar
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import redis
from helpers import csrf_token
from servers import Server, gunicorn_server

LIMIT = 3
# per hour, not per minute: a slow machine can never see the window end mid-test
SMALL_LIMIT = f"{LIMIT} per hour"
NO_LIMIT = "1000 per hour"
REQUEST_TIMEOUT_SECONDS = 15

# Which throttle a case exercises: the small limit goes to it, and the attempts either
# repeat one account (the per-address count rises too, but stays far below its limit) or
# use a new account each time (from the one address every request here comes from).
THROTTLES = {
    "per account": {
        "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT": SMALL_LIMIT,
        "ADMIN_SIGN_IN_LIMIT_PER_ADDRESS": NO_LIMIT,
    },
    "per address": {
        "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT": NO_LIMIT,
        "ADMIN_SIGN_IN_LIMIT_PER_ADDRESS": SMALL_LIMIT,
    },
}


@contextmanager
def two_servers(workdir: Path, env: dict[str, str]) -> Iterator[tuple[Server, Server]]:
    """Start two single-worker servers on one SQLite database with the same settings.

    The second starts once the first has answered, so only the first builds and seeds the
    database.
    """
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'career_fit.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        **env,
    }
    with ExitStack() as stack:
        first = stack.enter_context(gunicorn_server(env, workdir, workers=1, threads=2))
        second = stack.enter_context(gunicorn_server(env, workdir, workers=1, threads=2))
        yield first, second


def failed_sign_in(server: Server, email: str) -> int:
    """Sign in on ``server`` through its real form with a wrong password; return the status."""
    url = server.base_url + "/admin/sign-in"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(url, timeout=REQUEST_TIMEOUT_SECONDS) as page:
        token = csrf_token(page.read().decode())
    form = {"csrf_token": token, "email": email, "password": "not the password"}
    try:
        with opener.open(
            url, urllib.parse.urlencode(form).encode(), timeout=REQUEST_TIMEOUT_SECONDS
        ) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def attempts(servers: list[Server], throttle: str) -> list[int]:
    """Fail a sign-in on each of ``servers`` in turn; return the statuses."""
    account = f"someone-{secrets.token_hex(4)}@example.com"
    statuses = []
    for number, server in enumerate(servers):
        email = account if throttle == "per account" else f"{number}-{account}"
        statuses.append(failed_sign_in(server, email))
    return statuses


@pytest.mark.parametrize("throttle", THROTTLES)
def test_servers_sharing_redis_count_failed_sign_ins_together(
    throttle: str, redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    env = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": key_prefix}
    with two_servers(tmp_path, {**env, **THROTTLES[throttle]}) as (a, b):
        statuses = attempts([a, b, a, b, a], throttle)

    # the fourth failure overall is refused, whichever server receives it
    assert statuses == [401, 401, 401, 429, 429]
    with redis.Redis.from_url(redis_url, socket_timeout=3, socket_connect_timeout=3) as client:
        assert list(client.scan_iter(match=f"*{key_prefix}*")), "no counts under the prefix"


@pytest.mark.parametrize("throttle", THROTTLES)
def test_servers_with_memory_storage_each_count_failed_sign_ins_alone(
    throttle: str, tmp_path: Path
) -> None:
    env = {"RATELIMIT_STORAGE_URI": "memory://", **THROTTLES[throttle]}
    with two_servers(tmp_path, env) as (a, b):
        statuses = attempts([a, b, a, b, a, b, a, b], throttle)

    # each server refuses only its own fourth failure: the limit is there, but not shared
    assert statuses == [401] * 6 + [429, 429]
