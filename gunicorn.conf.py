"""gunicorn settings for Career Fit: ``gunicorn -c gunicorn.conf.py "quiz:create_app()"``.

Every value can be overridden from the environment (GUNICORN_WORKERS, ...) or the command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule of thumb for a mostly I/O-bound app: two workers per core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker keep serving while one request waits on the database.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = 20_000
max_requests_jitter = 2_000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Create the app once in the master, so schema checks and seeding run once, not per worker.
preload_app = True
# Who may tell gunicorn a request came over HTTPS (X-Forwarded-Proto and the like): the
# proxies in front, as many as the app trusts (TRUST_PROXY_HOPS), at the addresses given in
# FORWARDED_ALLOW_IPS. With no proxy trusted, nobody: any client could send those headers.
if int(os.environ.get("TRUST_PROXY_HOPS") or 0) > 0:
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
else:
    forwarded_allow_ips = ""
# No shared control socket in the home folder: several instances may run on one host.
control_socket_disable = True


def post_fork(server, worker):
    """Give each worker its own database connections: pooled ones must not cross a fork."""
    app = server.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return
    from quiz.db import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
