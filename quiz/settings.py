"""Configuration: defaults, then instance/config.py, then the environment, then the caller."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Config, Flask
from limits import parse

from quiz.core.adaptive import DEFAULT_CONFIDENCE

# The installed package's folder: its migrations, translations and fonts live here.
PACKAGE_DIR = Path(__file__).resolve().parent

# sign-in reads these itself (quiz/admin/auth.py), so a mistyped one is refused at start
SIGN_IN_LIMITS = (
    "ADMIN_SIGN_IN_LIMIT_PER_ADDRESS",
    "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
    "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT",
)

# Where `python -m quiz` serves the site (on PORT, 5000 by default: quiz/__main__.py), and
# the host Flask's test client sends.
LOCAL_PUBLIC_URL = "http://127.0.0.1:{port}"
TESTING_PUBLIC_URL = "http://localhost"
# the names a browser on this machine opens a local install by, while PUBLIC_URL is unset
LOCAL_HOSTS = ["127.0.0.1", "localhost"]

# Every setting a deployment changes can come from an environment variable of the same name.
ENVIRONMENT_KEYS = (
    "SECRET_KEY",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "ADMIN_SIGN_IN_LIMIT_PER_ADDRESS",
    "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT",
    "ADMIN_IDLE_MINUTES",
    "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
    "RATELIMIT_STORAGE_TIMEOUT_SECONDS",
    "RATELIMIT_STORAGE_RETRY_SECONDS",
    "QUIZ_SUBMISSION_LIMIT",
    "LOG_LEVEL",
    "SESSION_COOKIE_SECURE",
    "TRUST_PROXY_HOPS",
    "TRUST_FORWARDED_HOST",
    "PUBLIC_URL",
    "TRUSTED_HOSTS",
    "CARELESS_SECONDS_PER_QUESTION",
    "ANALYTICS_SETTLE_SECONDS",
    "ANALYTICS_FOLD_LIMIT",
    "QUALITY_SAMPLE_SIZE",
    "STATISTICS_MINIMUM_RESULTS",
    "QUICK_MODE_CONFIDENCE",
    "SITE_TITLE",
    "SITE_TAGLINE",
    "WEBHOOKS_ALLOW_LOOPBACK",
    "WEBHOOKS_TIMEOUT_SECONDS",
    "WEBHOOKS_LEASE_SECONDS",
    "WEBHOOK_EVENTS_KEEP_DAYS",
    "EMBED_ALLOWED_ORIGINS",
    "CACHE_TYPE",
    "CACHE_REDIS_URL",
    "CACHE_DIR",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_SECURITY",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "MAIL_TIMEOUT_SECONDS",
)

# how the connection to the mail server is protected: STARTTLS after connecting (port 587),
# TLS from the first byte (port 465), or not at all (a relay on this machine)
MAIL_SECURITY_CHOICES = ("starttls", "ssl", "none")
MAIL_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 587}


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Load settings into ``app.config`` and fill in the embedded SQLite defaults."""
    instance = Path(app.instance_path)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'career_fit.sqlite3'}",
        SEED_ON_START=True,
        # a pooled connection is checked before use, so the app recovers by itself
        # when the database comes back after a restart
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        # Answers live in the signed session cookie while a person takes the quiz.
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=64 * 1024,
        # static URLs carry a content hash (quiz/web/assets.py), so a year is safe
        SEND_FILE_MAX_AGE_DEFAULT=365 * 24 * 3600,
        WTF_CSRF_TIME_LIMIT=None,
        QUESTIONS_PER_PAGE=6,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX="career-fit",
        # a limit store that fails counts in memory meanwhile (quiz/web/limits.py); anything
        # else going wrong in the limiter must not turn a request into a 500 either
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_HEADERS_ENABLED=True,
        # each Redis connect and reply waits at most this long: a frozen Redis then costs a
        # request a fraction of a second instead of holding its worker thread
        RATELIMIT_STORAGE_TIMEOUT_SECONDS=0.25,
        # while the store fails, limits count in memory and it is asked again this often
        RATELIMIT_STORAGE_RETRY_SECONDS=5.0,
        # sign-in attempts, counted before the password is checked; a successful sign-in is
        # taken back off every count. Per account and address together: a person mistyping;
        ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS="5 per 10 minutes",
        # per address, whatever the accounts: one client trying many;
        ADMIN_SIGN_IN_LIMIT_PER_ADDRESS="20 per 10 minutes",
        # per account from everywhere: slow, so a stranger elsewhere cannot quickly lock the
        # admin out, yet guessing from many addresses still stops
        ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT="50 per day",
        # an admin session left this long without an admin page asked for is signed out,
        # so a browser left open (or a cookie carried off) does not stay in for a month;
        # a working day keeps an admin in while they work
        ADMIN_IDLE_MINUTES=480,
        # quiz page submissions per address: far above what people sharing one address
        # (a classroom behind one router) send, far below what a flood does
        QUIZ_SUBMISSION_LIMIT="300 per minute",
        # the form that holds most fields (the weights matrix) has a few hundred
        MAX_FORM_PARTS=500,
        LOG_LEVEL="INFO",
        SESSION_COOKIE_SECURE=False,  # still Secure on every HTTPS request: quiz/web/security.py
        # how many proxies in front set X-Forwarded-For and -Proto; 0 trusts none
        TRUST_PROXY_HOPS=0,
        # X-Forwarded-Host too, from those proxies: off, since a proxy that passes on a
        # client's own header would let the client name any host (quiz/web/urls.py)
        TRUST_FORWARDED_HOST=False,
        # the site's address as people reach it: share links, canonical and og: tags, absolute
        # redirects and cache keys are built from it, never from the request's Host header,
        # which the client writes (quiz/web/urls.py). Unset: LOCAL_PUBLIC_URL, or in testing
        # the test client's own host, so the links a test reads lead back to its app
        PUBLIC_URL=None,
        # the host names a request may name, comma-separated from the environment; unset, the
        # one of PUBLIC_URL. Checked outside debug and testing; any other host gets 400
        TRUSTED_HOSTS=None,
        # faster than this, on average, nobody reads the questions: the result is flagged
        CARELESS_SECONDS_PER_QUESTION=2.0,
        # results are counted for analytics once this old: ids are handed out before
        # commit, so the newest results may still have older, uncommitted neighbours
        ANALYTICS_SETTLE_SECONDS=120,
        # results one analytics page view counts at most before it shows what it has
        ANALYTICS_FOLD_LIMIT=50_000,
        # the quality report's statistics rest on at most this many recent responses
        QUALITY_SAMPLE_SIZE=5000,
        # a statistic that describes takers (reliability) is shown once this many real,
        # careful results answer every question: fewer give figures that swing with each one
        STATISTICS_MINIMUM_RESULTS=100,
        # quick mode also stops once its top role is this likely to be the full quiz's;
        # 1.0 stops only when no answer left could change it, never on "no single role"
        # (docs/quick-mode.md)
        QUICK_MODE_CONFIDENCE=DEFAULT_CONFIDENCE,
        # the site's name in every title, the header, link previews and share cards
        SITE_TITLE="Career Fit",
        # the landing page's headline and the pages' default description; unset, a sentence
        # naming no role, in the visitor's language (quiz/web/site.py); set, used as given
        SITE_TAGLINE=None,
        # webhooks (docs/integrations.md): plain http:// to 127.0.0.1 is refused unless this
        # allows it, for tests and local trials only
        WEBHOOKS_ALLOW_LOOPBACK=False,
        # how long one webhook request may take, connecting and reading, in seconds
        WEBHOOKS_TIMEOUT_SECONDS=10.0,
        # a worker's claim on a delivery lasts this long; longer than the timeout, so a live
        # worker's claim never lapses mid-request, and a killed worker's is sent again after
        WEBHOOKS_LEASE_SECONDS=60,
        # webhook events delivered, or given up on after their day of retries, are deleted
        # once this many days old (`webhooks prune`, and every pass of `webhooks deliver`)
        WEBHOOK_EVENTS_KEEP_DAYS=30,
        # the sites that may show the quiz in a frame (/embed/..., docs/embedding.md): their
        # origins, space- or comma-separated. Empty, no site may: every page refuses framing
        EMBED_ALLOWED_ORIGINS="",
        # the page cache (quiz/web/page_cache.py, docs/deploy.md): result pages, their JSON,
        # share cards and comparisons, rendered once. Flask-Caching's settings: RedisCache with
        # CACHE_REDIS_URL (redis://...) shares it between hosts; unset, a folder under
        # instance/ (FileSystemCache, CACHE_DIR) that the workers of one host share; in
        # testing, each app's own memory (SimpleCache)
        CACHE_TYPE=None,
        CACHE_REDIS_URL=None,
        CACHE_DIR=None,
        CACHE_KEY_PREFIX="career-fit-page:",
        # a kept page and a result's stamp live this long: the most a deletion that could not
        # reach the cache leaves its pages served, as long as browsers keep a copy too
        CACHE_DEFAULT_TIMEOUT=3600,
        # at most this many files in the cache folder (FileSystemCache): about 30 KB each
        CACHE_THRESHOLD=2000,
        # each Redis connect and reply waits at most this long, like the limiter's
        CACHE_REDIS_TIMEOUT_SECONDS=0.25,
        # after the cache fails, pages are rendered without it for this long before it is
        # tried again, so an outage costs no request more than one timeout
        CACHE_RETRY_SECONDS=5.0,
        # Flask-Caching warns about NullCache, the way to turn the page cache off
        CACHE_NO_NULL_WARNING=True,
        # invitations by mail (quiz/web/mail.py, docs/admins.md): off while MAIL_SERVER is
        # unset, and the owner passes the link on. Set, MAIL_FROM must be too. The port
        # follows MAIL_SECURITY unless set: 587 (STARTTLS), 465 (ssl)
        MAIL_SERVER=None,
        MAIL_PORT=None,
        MAIL_SECURITY="starttls",
        MAIL_USERNAME=None,
        MAIL_PASSWORD=None,
        MAIL_FROM=None,
        # the most one mail may take, connecting, securing, signing in and sending together:
        # an owner's request waits for it, so it stays well inside gunicorn's timeout
        MAIL_TIMEOUT_SECONDS=10.0,
    )
    app.config.from_pyfile("config.py", silent=True)
    for key in ENVIRONMENT_KEYS:
        if os.environ.get(key):
            try:
                app.config[key] = _typed(os.environ[key], app.config.get(key))
            except ValueError:
                kind = "whole number" if isinstance(app.config.get(key), int) else "number"
                raise RuntimeError(f"{key} must be a {kind}, not {os.environ[key]!r}.") from None
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(os.environ["DATABASE_URL"])
    if overrides:
        app.config.from_mapping(overrides)

    local = not app.config["PUBLIC_URL"]
    if local:
        local_url = LOCAL_PUBLIC_URL.format(port=os.environ.get("PORT") or "5000")
        app.config["PUBLIC_URL"] = TESTING_PUBLIC_URL if app.testing else local_url
    app.config["PUBLIC_URL"] = public_address(str(app.config["PUBLIC_URL"]))
    public_host = str(urlsplit(app.config["PUBLIC_URL"]).hostname)
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app, LOCAL_HOSTS if local else [public_host])
    if not 0 < float(app.config["QUICK_MODE_CONFIDENCE"]) <= 1:
        raise RuntimeError("QUICK_MODE_CONFIDENCE must be above 0 and at most 1, such as 0.85.")
    if not str(app.config["SITE_TITLE"]).strip():
        raise RuntimeError("SITE_TITLE must be the site's name, such as 'Career Fit'.")
    if not int(app.config["ADMIN_IDLE_MINUTES"]) > 0:
        raise RuntimeError("ADMIN_IDLE_MINUTES must be a number of minutes above 0, such as 480.")
    check_statistics_minimum(app.config)
    check_page_cache(app.config, instance, testing=app.testing)
    check_webhook_timing(app.config)
    check_webhook_keep_days(app.config)
    check_mail(app.config)
    app.config["EMBED_ALLOWED_ORIGINS"] = embed_origins(app.config["EMBED_ALLOWED_ORIGINS"])
    for name in SIGN_IN_LIMITS:
        try:
            parse(str(app.config[name]))
        except ValueError:
            raise RuntimeError(
                f"{name} must be a rate limit such as '5 per 10 minutes', not {app.config[name]!r}."
            ) from None
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        if not (app.testing or app.debug):
            raise RuntimeError(MISSING_SECRET_KEY)
        # testing and debugging only: a key that lasts as long as this process
        app.config["SECRET_KEY"] = secrets.token_hex(32)


def check_statistics_minimum(config: Config) -> None:
    """Refuse a STATISTICS_MINIMUM_RESULTS that is not a whole number the sample can reach."""
    minimum = config["STATISTICS_MINIMUM_RESULTS"]
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise RuntimeError(
            "STATISTICS_MINIMUM_RESULTS must be a whole number of results of at least 1, "
            f"such as 100, not {minimum!r}."
        )
    sample = config["QUALITY_SAMPLE_SIZE"]
    # the report reads at most QUALITY_SAMPLE_SIZE results: a higher minimum is never met
    if isinstance(sample, bool) or not isinstance(sample, int) or sample < minimum:
        raise RuntimeError(
            f"QUALITY_SAMPLE_SIZE ({sample!r}) must be a whole number of at least "
            f"STATISTICS_MINIMUM_RESULTS ({minimum}): the quality report reads at most that "
            "many results, so it would never have enough."
        )


def check_page_cache(config: Config, instance: Path, testing: bool) -> None:
    """Fill in the page cache's defaults; refuse a Redis cache without its address.

    Unset, CACHE_TYPE is a folder of files every worker of this host shares, or, in testing,
    each app's own memory. SimpleCache keeps pages per process: a deletion would not reach
    another worker's copy, so it is right for one process only (tests, ``python -m quiz``).
    """
    if not config.get("CACHE_TYPE"):
        config["CACHE_TYPE"] = "SimpleCache" if testing else "FileSystemCache"
    if config["CACHE_TYPE"] == "FileSystemCache" and not config.get("CACHE_DIR"):
        config["CACHE_DIR"] = str(instance / "page-cache")
    if config["CACHE_TYPE"] == "RedisCache" and not config.get("CACHE_REDIS_URL"):
        raise RuntimeError(
            "CACHE_TYPE is RedisCache but CACHE_REDIS_URL is not set. Set it to the Redis "
            "server every host shares, for example redis://cache.internal:6379/1"
        )


def check_webhook_timing(config: Config) -> None:
    """Refuse a webhook lease no longer than the timeout: a live worker's claim would lapse
    mid-request, and another worker would send the same delivery at the same time."""
    timeout = float(config["WEBHOOKS_TIMEOUT_SECONDS"])
    lease = float(config["WEBHOOKS_LEASE_SECONDS"])
    if not 0 < timeout < lease:
        raise RuntimeError(
            f"WEBHOOKS_LEASE_SECONDS ({lease:g}) must be longer than WEBHOOKS_TIMEOUT_SECONDS "
            f"({timeout:g}), and the timeout above 0: a worker's claim must outlast its request."
        )


def check_webhook_keep_days(config: Config) -> None:
    """Refuse a WEBHOOK_EVENTS_KEEP_DAYS that is not a number of days above 0."""
    days = config["WEBHOOK_EVENTS_KEEP_DAYS"]
    if isinstance(days, bool) or not isinstance(days, int | float) or not days > 0:
        raise RuntimeError(
            f"WEBHOOK_EVENTS_KEEP_DAYS must be a number of days above 0, such as 30, not {days!r}."
        )


def check_mail(config: Config) -> None:
    """Check the mail settings and fill in the port; refuse what could not send a mail.

    MAIL_SERVER unset (or empty) is mail off: nothing else is needed. Set, MAIL_FROM must
    be an address to send from; a user name and a password come together or not at all,
    and a password is never sent over a connection MAIL_SECURITY leaves unencrypted.
    """
    server = str(config.get("MAIL_SERVER") or "").strip()
    if any(character.isspace() for character in server):
        raise RuntimeError(f"MAIL_SERVER must be a host name or address, not {server!r}.")
    config["MAIL_SERVER"] = server or None
    security = str(config.get("MAIL_SECURITY") or "").strip().lower()
    if security not in MAIL_SECURITY_CHOICES:
        raise RuntimeError(
            f"MAIL_SECURITY must be one of {', '.join(MAIL_SECURITY_CHOICES)}, "
            f"not {config.get('MAIL_SECURITY')!r}."
        )
    config["MAIL_SECURITY"] = security
    port = config.get("MAIL_PORT")
    if port is None or port == "":
        port = MAIL_DEFAULT_PORTS[security]
    try:
        if isinstance(port, bool):
            raise ValueError(port)
        port = int(port)
    except ValueError:
        raise RuntimeError(f"MAIL_PORT must be a port number, such as 587, not {port!r}.") from None
    if not 0 < port < 65536:
        raise RuntimeError(f"MAIL_PORT must be a port number, such as 587, not {port!r}.")
    config["MAIL_PORT"] = port
    timeout = config.get("MAIL_TIMEOUT_SECONDS")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise RuntimeError(
            "MAIL_TIMEOUT_SECONDS must be a number of seconds above 0, such as 10, "
            f"not {timeout!r}."
        )
    if not server:
        return
    config["MAIL_FROM"] = mail_sender(config.get("MAIL_FROM"))
    username, password = config.get("MAIL_USERNAME"), config.get("MAIL_PASSWORD")
    if bool(username) != bool(password):
        raise RuntimeError(
            "MAIL_USERNAME and MAIL_PASSWORD go together: set both to sign in to the mail "
            "server, or neither to send without signing in."
        )
    if password and security == "none":
        raise RuntimeError(
            "MAIL_SECURITY is none, so MAIL_PASSWORD would cross the network unencrypted. "
            "Set MAIL_SECURITY to starttls (port 587) or ssl (port 465)."
        )


def mail_sender(configured: object) -> str:
    """Return MAIL_FROM as given: one address, with or without a name; refuse anything else.

    Line breaks are refused, so the setting can never add a header of its own to a mail.
    """
    # email.utils only here, where mail is on: most installs never load it for this
    from email.utils import parseaddr

    text = str(configured or "").strip()
    if not text:
        raise RuntimeError(MISSING_MAIL_FROM)
    _, address = parseaddr(text)
    local, at, domain = address.rpartition("@")
    unprintable = any(not character.isprintable() for character in text)
    if unprintable or not (local and at and domain) or any(c.isspace() for c in address):
        raise RuntimeError(BAD_MAIL_FROM.format(sender=text))
    return text


def embed_origins(configured: object) -> list[str]:
    """Return EMBED_ALLOWED_ORIGINS as a list of ``scheme://host[:port]``; refuse anything else.

    A string is split at spaces and commas; a list is taken as it is. Each entry must be an
    origin as a browser sends it: http or https, a host, an optional port, nothing after.
    Wildcards and 'self' are refused, so the list says exactly who may frame the quiz.
    """
    if isinstance(configured, str):
        entries = configured.replace(",", " ").split()
    elif isinstance(configured, list | tuple):
        entries = [str(entry) for entry in configured]
    else:
        raise RuntimeError(BAD_EMBED_ORIGIN.format(origin=configured))
    origins: list[str] = []
    for entry in entries:
        parts = urlsplit(entry.strip())
        try:
            parts.port  # noqa: B018  # raises ValueError for a port out of range or not a number
        except ValueError:
            raise RuntimeError(BAD_EMBED_ORIGIN.format(origin=entry)) from None
        extras = parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc
        wild = "*" in parts.netloc
        if parts.scheme not in ("http", "https") or not parts.hostname or extras or wild:
            raise RuntimeError(BAD_EMBED_ORIGIN.format(origin=entry))
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in origins:
            origins.append(origin)
    return origins


def database_uri(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def public_address(url: str) -> str:
    """Return PUBLIC_URL as ``scheme://host[:port]``; refuse what is not a site's address."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018  # raises ValueError for a port out of range or not a number
    except ValueError:
        raise RuntimeError(BAD_PUBLIC_URL.format(url=url)) from None
    extras = parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc
    if parts.scheme not in ("http", "https") or not parts.hostname or extras:
        raise RuntimeError(BAD_PUBLIC_URL.format(url=url))
    return f"{parts.scheme}://{parts.netloc.lower()}"


def trusted_hosts(app: Flask, default: list[str]) -> list[str] | None:
    """Return the host names Flask lets requests name (its TRUSTED_HOSTS); None trusts any.

    Set, they are used as given (a comma-separated string from the environment is split).
    Unset, they are ``default`` (PUBLIC_URL's host; this machine's names where PUBLIC_URL is
    unset too) outside debug and testing, and any host in those two, where pages are opened
    by whatever name the machine has; the URLs printed are PUBLIC_URL's either way.
    """
    configured = app.config.get("TRUSTED_HOSTS")
    if isinstance(configured, str):
        return [host.strip().lower() for host in configured.split(",") if host.strip()]
    if configured is not None:
        return list(configured)
    if app.debug or app.testing:
        return None
    return list(default)


def _typed(value: str, default: Any) -> Any:
    """Read an environment string as the type of the setting's default."""
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or SECRET_KEY in "
    "instance/config.py) to a long random value, for example the output of: "
    "python -c 'import secrets; print(secrets.token_hex(32))'. "
    "To run Career Fit on your own machine, start it with: python -m quiz"
)

BAD_PUBLIC_URL = (
    "PUBLIC_URL is {url!r}, which is not the address of a site. Set it to the address people "
    "open Career Fit at: http:// or https://, the host name and, if it is not the usual one, "
    "the port, with nothing after them, for example https://careerfit.example"
)


MISSING_MAIL_FROM = (
    "MAIL_SERVER is set but MAIL_FROM is not. Set MAIL_FROM to the address invitations are "
    "sent from, one the mail server lets this site send as, for example "
    "'Career Fit <noreply@careerfit.example>'. To send no mail, leave MAIL_SERVER unset."
)

BAD_MAIL_FROM = (
    "MAIL_FROM is {sender!r}, which is not one address to send from. Set it to an address, "
    "with a name before it if you like, for example 'Career Fit <noreply@careerfit.example>'"
)

BAD_EMBED_ORIGIN = (
    "EMBED_ALLOWED_ORIGINS holds {origin!r}, which is not a site's origin. List the sites that "
    "may show the quiz in a frame as http:// or https://, the host name and, if it is not the "
    "usual one, the port, with nothing after them, separated by spaces or commas, for example "
    "'https://blog.example https://school.example:8443'"
)


def ensure_local_secret_key(instance: Path) -> None:
    """Give a local install its own SECRET_KEY in instance/config.py, once.

    Used by ``python -m quiz`` only: a deployment sets its key itself, and the
    factory refuses to start without one.
    """
    config_file = instance / "config.py"
    local = Config(str(instance))
    local.from_pyfile(str(config_file), silent=True)
    if local.get("SECRET_KEY"):
        return
    instance.mkdir(parents=True, exist_ok=True)
    line = (
        f"\n# written by `python -m quiz` on first start\nSECRET_KEY = {secrets.token_hex(32)!r}\n"
    )
    # created readable by its owner only: the key signs every session
    descriptor = os.open(config_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line)
