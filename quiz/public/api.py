"""The public JSON API: the roles as data, and the OpenAPI description of every JSON endpoint.

The description is a static document kept with the package (quiz/data/openapi.json, shipped
in the wheel with the rest of quiz/data); only its server is filled in when it is served, with
the site's public address (PUBLIC_URL), never the request's host, like every absolute URL the
app prints (quiz/web/urls.py). tests/public/test_openapi.py proves every JSON endpoint of the
app is described there and answers as described. docs/api.md explains the endpoints.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from flask import current_app, request
from werkzeug.wrappers import Response

from quiz.core.bank import Bank
from quiz.public.roles import _live_version
from quiz.public.views import bp
from quiz.settings import PACKAGE_DIR
from quiz.store.caches import app_cache
from quiz.store.results import quiz_version_number
from quiz.web.banks import shown_bank
from quiz.web.i18n import current_language
from quiz.web.urls import public_url

DESCRIPTION_PATH = PACKAGE_DIR / "data" / "openapi.json"


@bp.get("/api/openapi.json")
def openapi_description() -> Response:
    """Return the OpenAPI 3.1 description of the site's JSON endpoints."""
    body = app_cache("openapi description", 1).get("document", _served_description)
    response = Response(body, mimetype="application/json")
    # it changes only when the site is deployed again
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def _served_description() -> str:
    """Return the description as served: its one server is the site's public address."""
    document: dict[str, Any] = copy.deepcopy(json.loads(DESCRIPTION_PATH.read_text("utf-8")))
    address = current_app.config["PUBLIC_URL"].rstrip("/") + request.script_root
    document["servers"] = [{"url": address or "/", "description": "This site."}]
    return json.dumps(document, ensure_ascii=False, indent=2)


@bp.get("/api/roles")
def roles_as_json() -> dict[str, Any]:
    """Return the live version's roles and dimensions in the reader's language: /roles as data."""
    version_id = _live_version()
    return _roles_document(shown_bank(version_id), quiz_version_number(version_id))


def _roles_document(bank: Bank, version_number: int) -> dict[str, Any]:
    return {
        "quiz_version": version_number,
        "language": current_language(),
        "dimensions": [
            {"key": d.key, "name": d.name, "kind": d.kind, "description": d.description}
            for d in bank.dimensions
        ],
        "roles": [
            {
                "key": r.key,
                "name": r.name,
                "summary": r.summary,
                "focus": r.focus,
                "skills": list(r.skills),
                "tasks": list(r.tasks),
                "goals": list(r.goals),
                "typical_day": r.typical_day,
                "titles": list(r.titles),
                "profile": dict(r.profile),
                "url": public_url("public.role", key=r.key),
            }
            for r in bank.roles
        ],
    }
