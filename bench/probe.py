"""The apps bench/run.py starts, each wrapped so it can say what a worker has imported.

    gunicorn -c gunicorn.conf.py "bench.probe:career_fit()"
    gunicorn -c gunicorn.conf.py "bench.probe:baseline()"

``GET /__bench__/modules`` answers, from whichever worker takes it, that worker's process id and
the top-level packages in its ``sys.modules``: the benchmark compares the two apps' lists, and
reports what Career Fit loads that the yardstick does not. The route exists only in this
wrapper, which only the benchmark starts; the app itself has no such route.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

MODULES_PATH = "/__bench__/modules"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def loaded_packages() -> list[str]:
    """Return the top-level names in ``sys.modules``, private ones (``_json``...) left out."""
    return sorted({name.split(".")[0] for name in sys.modules if not name.startswith("_")})


def probed(app: Flask) -> Flask:
    """Let MODULES_PATH answer with the worker's loaded packages, before the app sees it.

    The Flask app itself stays what gunicorn serves, so gunicorn.conf.py's hooks (post_fork
    disposing pooled connections) find it as they would without the probe.
    """
    inner: WsgiApp = app.wsgi_app

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != MODULES_PATH:
            return inner(environ, start_response)
        body = json.dumps({"pid": os.getpid(), "packages": loaded_packages()}).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    app.wsgi_app = wsgi  # type: ignore[method-assign]
    return app


def career_fit() -> Flask:
    """Career Fit as gunicorn.conf.py serves it, from the environment's settings."""
    from quiz import create_app

    return probed(create_app())


def baseline() -> Flask:
    """The yardstick of bench/baseline.py."""
    from bench.baseline import app

    return probed(app)
