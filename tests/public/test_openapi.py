"""The API description (/api/openapi.json): valid OpenAPI 3.1, complete, and true of the app.

Complete: every JSON endpoint of the app is described, found by walking ``app.url_map`` and
asking each route, so a new one cannot be left out. True: schemathesis generates requests
from the description and sends them through the real app on each database; no answer may be
a server error, and every answer must have a documented status, content type, headers and
body. Two real results with percentiles and a deleted one are stored first, so the token
paths (a result's, and the comparison's of two) are tried with tokens that exist as well as
random ones.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from helpers import create_admin, delete_result, sign_in, take_quiz
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from taker_results import insert_people_results

from quiz.db import db
from quiz.public.api import DESCRIPTION_PATH
from quiz.settings import embed_origins

DESCRIPTION_URL = "/api/openapi.json"


def not_a_server_error_but_oembeds_501(ctx, response, case) -> bool | None:
    """No server error, but the one status oEmbed asks for: /oembed answers 501 to a format it
    does not write (anything but json). Every other 5xx, there or anywhere, still fails."""
    asked = (case.query or {}).get("format")
    if (
        case.operation.path == "/oembed"
        and response.status_code == 501
        and asked not in (None, "", "json")
    ):
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    not_a_server_error_but_oembeds_501,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# enough to reach every status and both languages; each database's run stays well under a minute
EXAMPLES_PER_OPERATION = 40
RUN_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # the cases are replayed from what was sent, not shrunk: shrinking only slows a failure
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)


def described(client: FlaskClient) -> dict:
    response = client.get(DESCRIPTION_URL)
    assert response.status_code == 200
    return response.get_json()


def openapi_path(rule: str) -> str:
    """Return a Flask rule written as an OpenAPI path: ``<int:id>`` becomes ``{id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_the_description_is_valid_openapi_3_1() -> None:
    document = json.loads(DESCRIPTION_PATH.read_text("utf-8"))
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises on any departure from the OpenAPI 3.1 schema


def test_the_description_is_served_as_json_naming_the_public_address(app: Flask) -> None:
    app.config["PUBLIC_URL"] = "https://careers.example.org/"
    response = app.test_client().get(DESCRIPTION_URL, headers={"Host": "evil.example.com"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    # the address people reach the site at, never the host the request named
    assert [s["url"] for s in document["servers"]] == ["https://careers.example.org"]
    stored = json.loads(DESCRIPTION_PATH.read_text("utf-8"))
    assert {k: v for k, v in document.items() if k != "servers"} == {
        k: v for k, v in stored.items() if k != "servers"
    }
    validate(document)


def test_the_roles_answer_as_the_roles_page_shows_them(client: FlaskClient) -> None:
    english = client.get("/api/roles?lang=en").get_json()
    german = client.get("/api/roles?lang=de").get_json()
    page = client.get("/roles?lang=en").get_data(as_text=True)
    assert english["language"] == "en" and german["language"] == "de"
    assert english["quiz_version"] == 1
    assert [r["key"] for r in english["roles"]] == [r["key"] for r in german["roles"]]
    for role in english["roles"]:
        assert role["name"] in page
        assert role["url"] == f"http://localhost/roles/{role['key']}"
        assert set(role["profile"]) <= {d["key"] for d in english["dimensions"]}
    # the same roles in the other language's words
    assert [r["summary"] for r in english["roles"]] != [r["summary"] for r in german["roles"]]


def test_an_unknown_api_path_answers_a_json_error(client: FlaskClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert set(response.get_json()) == {"error", "detail", "request_id"}


def json_endpoints(app: Flask, client: FlaskClient, token: str) -> set[str]:
    """Return the path of every route that answers JSON, as an OpenAPI path.

    Every public route is asked with GET (with a real token, role key and page where it
    takes one, and the query a route needs to answer at all: /oembed a real result link)
    and counts when its answer is JSON. The admin pages answer nothing useful
    before sign-in: there, a route answers JSON when its path ends in .json, the convention
    the error pages follow too (quiz/web/errors.py).
    """
    role_key = client.get("/api/roles").get_json()["roles"][0]["key"]
    values = {"token": token, "token_a": token, "token_b": token, "key": role_key}
    values |= {"page": "1", "code": "de", "filename": "css/site.css"}
    # a route that answers only an error without its query: given what it needs
    queries = {"/oembed": {"url": f"http://localhost/r/{token}"}}
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin"):
            if rule.rule.endswith(".json"):
                found.add(openapi_path(rule.rule))
            continue
        if "GET" not in rule.methods:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)
        query = queries.get(rule.rule)
        with client.get(
            path, query_string=query
        ) as response:  # a static file's answer holds the file open
            if response.mimetype == "application/json":
                found.add(openapi_path(rule.rule))
    return found


def test_every_json_endpoint_is_described_and_every_description_is_routed(
    app: Flask, client: FlaskClient
) -> None:
    token = urlsplit(take_quiz(client).result_url).path.rsplit("/", 1)[1]
    document = described(client)
    found = json_endpoints(app, client, token)
    assert {
        "/r/{token}.json",
        "/compare/{token_a}/{token_b}.json",
        "/api/roles",
        "/healthz",
        "/oembed",
        DESCRIPTION_URL,
    } <= found
    assert found - set(document["paths"]) == set(), "JSON endpoints missing from the description"
    routed = {openapi_path(rule.rule) for rule in app.url_map.iter_rules()}
    assert set(document["paths"]) - routed == set(), "described paths that no route answers"
    # and each described path is described with the methods its route takes
    for rule in app.url_map.iter_rules():
        path = openapi_path(rule.rule)
        if path in document["paths"]:
            assert set(document["paths"][path]) == {m.lower() for m in rule.methods} - {
                "head",
                "options",
            }


def run_operation(operation, **fixed) -> set[int]:
    """Send generated requests for one operation through the app; return the statuses seen."""
    return run_cases(operation.as_strategy(**fixed))


def run_cases(strategy) -> set[int]:
    """Send the cases ``strategy`` makes through the app, checking each answer; return statuses."""
    statuses = set()

    @RUN_SETTINGS
    @given(case=strategy)
    def check(case) -> None:
        # schemathesis asks for br and gzip, as requests does, but through WSGI it reads the
        # body as sent, undecoded: ask for it plain (tests/web/test_compression.py proves the
        # compressed forms decode to these same bytes)
        answer = case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
        statuses.add(answer.status_code)

    check()
    return statuses


def seeded_results(app: Flask, client: FlaskClient) -> dict[str, str]:
    """Store two results with percentiles and a deleted one; return their tokens by name."""
    with app.app_context():
        insert_people_results(3)
    app.config["STATISTICS_MINIMUM_RESULTS"] = 1  # so the stored results have percentiles
    kept = take_quiz(client)
    other = take_quiz(app.test_client())  # kept too: the comparison needs two
    gone = take_quiz(app.test_client())
    delete_result(gone)
    return {
        name: urlsplit(taker.result_url).path.rsplit("/", 1)[1]
        for name, taker in (("kept", kept), ("other", other), ("deleted", gone))
    }


def comparison_cases(tokens: dict[str, str]) -> list[tuple[dict[str, str], int]]:
    """Return pairs of stored tokens for the comparison's path, each with its one status."""
    first, second = sorted((tokens["kept"], tokens["other"]))
    with_deleted = sorted((tokens["kept"], tokens["deleted"]))
    return [
        ({"token_a": first, "token_b": second}, 200),
        ({"token_a": second, "token_b": first}, 308),  # the other order: sent to the sorted
        ({"token_a": first, "token_b": first}, 400),
        (dict(zip(("token_a", "token_b"), with_deleted, strict=True)), 410),
    ]


def test_every_described_endpoint_answers_as_described(app: Flask, client: FlaskClient) -> None:
    tokens = seeded_results(app, client)
    kept = client.get(f"/r/{tokens['kept']}.json").get_json()
    assert all(isinstance(r["percentile"], int) for r in kept["ranking"])
    schema = schemathesis.openapi.from_wsgi(DESCRIPTION_URL, app)
    routed = {openapi_path(rule.rule) for rule in app.url_map.iter_rules()}
    tried = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        assert operation.path in routed, operation.path
        if operation.path.startswith("/admin"):
            continue  # tried signed in, below
        statuses = run_operation(operation)
        if "{token}" in operation.path:
            assert statuses == {404}  # random tokens name no result
            # nor do links no token could fit: slashes, dots, the empty string and the like
            negative = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
            assert run_cases(negative) == {404}
            for name, status in (("kept", 200), ("deleted", 410)):
                fixed = {"token": tokens[name]}
                assert status in run_operation(operation, path_parameters=fixed)
            # and the stored result's own ETag sent back: not modified
            kept_path = operation.path.format(token=tokens["kept"])
            etag = client.get(kept_path).headers["ETag"]
            fixed = {"token": tokens["kept"]}
            revalidated = run_operation(
                operation, path_parameters=fixed, headers={"If-None-Match": etag}
            )
            assert revalidated == {304}
        elif "{token_a}" in operation.path:
            assert statuses == {404}  # random tokens name no result
            negative = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
            # a NUL character is refused before any lookup: the language is a query parameter
            assert 404 in run_cases(negative) <= {400, 404}
            for fixed, status in comparison_cases(tokens):
                # If-None-Match: * (or the ETag itself) is answered 304, where there is one
                allowed = {status, 304} if status == 200 else {status}
                assert status in run_operation(operation, path_parameters=fixed) <= allowed
            # and the comparison's own ETag sent back, in its language: not modified
            fixed = comparison_cases(tokens)[0][0]
            english = {"lang": "en"}
            etag = client.get(operation.path.format(**fixed), query_string=english).headers["ETag"]
            revalidated = run_operation(
                operation, path_parameters=fixed, query=english, headers={"If-None-Match": etag}
            )
            assert revalidated == {304}
        elif operation.path == "/oembed":
            # random links name no page of ours; random bounds and formats are refused
            assert statuses <= {400, 404, 501} and 404 in statuses
            kept_url = {"url": f"http://localhost/r/{tokens['kept']}"}
            for name, status in (("kept", 200), ("deleted", 404)):
                fixed = {"url": f"http://localhost/r/{tokens[name]}"}
                assert status in run_operation(operation, query=fixed)
            assert client.get("/oembed", query_string=kept_url).get_json()["type"] == "link"
            # and the rich shape, once some site may frame the embed view
            app.config["EMBED_ALLOWED_ORIGINS"] = embed_origins("https://blog.example")
            assert client.get("/oembed", query_string=kept_url).get_json()["type"] == "rich"
            assert 200 in run_operation(operation, query=kept_url)
            app.config["EMBED_ALLOWED_ORIGINS"] = embed_origins("")
        else:
            assert statuses == {200}
        tried.add(operation.path)
    # schemathesis leaves out the operation that serves the description it was loaded from:
    # loading it through the app, and the validity test, stand for that one
    assert tried >= {
        "/r/{token}.json",
        "/compare/{token_a}/{token_b}.json",
        "/api/roles",
        "/healthz",
        "/oembed",
    }


def test_the_admin_json_endpoints_answer_as_described_signed_in_or_not(
    app: Flask, client: FlaskClient
) -> None:
    admin_paths = [
        openapi_path(rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and rule.rule.endswith(".json")
    ]
    assert admin_paths == ["/admin/groups/{group_id}/summary.json"]
    group_id = seeded_group(app, client)
    create_admin(app)
    signed_in = app.test_client()
    sign_in(signed_in)
    session = {"session": signed_in.get_cookie("session").value}
    schema = schemathesis.openapi.from_wsgi(DESCRIPTION_URL, app)
    for path in admin_paths:
        operation = schema[path]["GET"]
        # not signed in: sent to sign in, unless the id is one no route takes (too large)
        assert 302 in run_operation(operation) <= {302, 404}
        # any id but the stored group's: no such group (the generator readily tries 1)
        others = operation.as_strategy(cookies=session).filter(
            lambda case: case.path_parameters.get("group_id") != group_id
        )
        assert run_cases(others) == {404}
        if "{group_id}" in path:
            fixed = {"group_id": group_id}
            assert run_operation(operation, cookies=session, path_parameters=fixed) == {200}


def seeded_group(app: Flask, client: FlaskClient) -> int:
    """Store a group of two members, one named and sharing their result; return its id."""
    from quiz.models import Result
    from quiz.store import groups  # comes with the groups, as the route does

    take_quiz(client)
    take_quiz(app.test_client())
    with app.app_context():
        group = groups.create_group("Class 7b", None, None, actor="test")
        db.session.flush()
        for number, result in enumerate(db.session.scalars(select(Result).order_by(Result.id))):
            groups.record_finished(
                group.id, result, display_name="Ana" if number else "", shares_result=bool(number)
            )
        db.session.commit()
        return group.id
