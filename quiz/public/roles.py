"""The public pages a search finds: the roles side by side, each role, how the scoring works.

Also what a search engine reads first: /robots.txt and /sitemap.xml. The pages read the
roles of the live version (the latest published) in the viewer's language; each language of
a page has an address of its own (``?lang=de``, quiz/web/i18n.py), which its hreflang links,
its canonical link and the sitemap name.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from werkzeug.wrappers import Response

from quiz.core.bank import Bank
from quiz.core.fit_bands import MODERATE_FROM, STRONG_FROM
from quiz.core.result_page import EMPHASIS_WORDS
from quiz.core.role_overlap import RoleProfile, RolesOverlap, roles_overlap
from quiz.core.scoring import CLOSE_CALL_POINTS
from quiz.public.example import example_card as example_card_png
from quiz.public.views import bp
from quiz.store.publishing import latest_version_id
from quiz.web.banks import shown_bank
from quiz.web.i18n import LANGUAGE_PARAMETER, LANGUAGES, current_language
from quiz.web.urls import public_url

# The pages the sitemap lists, each in every language; the roles are added per role.
SITEMAP_PAGES = ("public.index", "public.roles", "public.method", "public.privacy")
# What robots may not crawl: private or per-person pages, and the quiz's own steps.
ROBOTS_DISALLOWED = ("/admin", "/r/", "/compare", "/quiz", "/language/")
ROBOTS_ALLOWED = ("/$", "/roles", "/method", "/privacy", "/example.png")
# The bots that fetch a shared link to draw its preview, and respect robots.txt: a shared
# result or comparison must still show its card, so they may read those (never the admin).
# The pages themselves are noindex, so no search engine lists them.
LINK_PREVIEW_BOTS = ("Twitterbot", "facebookexternalhit", "LinkedInBot", "Slackbot")
# robots.txt, the sitemap and the example card change only when a version is published or
# the site is deployed again: an hour of caching is harmless.
PAGE_MAX_AGE = 3600


@bp.get("/roles")
def roles() -> str:
    """Show every role side by side: focus, skills, tasks, goals, a day, overlap and differences."""
    bank = shown_bank(_live_version())
    return render_template(
        "public/roles.html", bank=bank, overlap=_overlap(bank), **_profile_words(bank)
    )


@bp.get("/roles/<key>")
def role(key: str) -> str:
    """Show one role in full, with how it overlaps the others; 404 for a role the quiz lacks."""
    bank = shown_bank(_live_version())
    shown = bank.role_by_key.get(key) or abort(404)
    return render_template(
        "public/role.html",
        bank=bank,
        role=shown,
        pairs=_overlap(bank).pairs_with(key),
        **_profile_words(bank),
    )


@bp.get("/method")
def method() -> str:
    """Say in plain words how the scoring works and what it rests on."""
    bank = shown_bank(_live_version())
    return render_template(
        "public/method.html",
        bank=bank,
        strong_from=STRONG_FROM,
        moderate_from=MODERATE_FROM,
        close_call_points=CLOSE_CALL_POINTS,
        norms_minimum=current_app.config["STATISTICS_MINIMUM_RESULTS"],
    )


@bp.get("/example.png")
def example_card() -> Response:
    """Return the example result's share card: the picture link previews of the site show."""
    response = Response(example_card_png(_live_version()), mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = PAGE_MAX_AGE
    return response


@bp.get("/robots.txt")
def robots_txt() -> Response:
    """Tell crawlers which pages to index and where the sitemap is."""
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in ROBOTS_ALLOWED]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOWED]
    lines += [""] + [f"User-agent: {bot}" for bot in LINK_PREVIEW_BOTS]
    lines += ["Disallow: /admin", "Disallow: /language/"]
    lines += ["", f"Sitemap: {public_url('public.sitemap')}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = PAGE_MAX_AGE
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """List every public page in every language, each with its other languages as alternates."""
    bank = shown_bank(_live_version())
    pages: list[tuple[str, dict[str, Any]]] = [(endpoint, {}) for endpoint in SITEMAP_PAGES]
    pages += [("public.role", {"key": r.key}) for r in bank.roles]
    xml = render_template(
        "public/sitemap.xml",
        entries=[language_addresses(endpoint, **values) for endpoint, values in pages],
    )
    response = Response(xml, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = PAGE_MAX_AGE
    return response


@bp.app_template_global()
def language_addresses(endpoint: str, **values: Any) -> dict[str, str]:
    """Return a page's absolute address in each language, and under "x-default" the one
    that serves each visitor their own language."""
    urls = {
        code: public_url(endpoint, **values, **{LANGUAGE_PARAMETER: code}) for code in LANGUAGES
    }
    urls["x-default"] = public_url(endpoint, **values)
    return urls


@bp.app_template_global()
def canonical_address(endpoint: str, **values: Any) -> str:
    """Return the address a search should keep for the page as requested.

    An address naming its language is its own canonical; the plain one, which serves each
    reader their own language (the x-default), is its own too. Pointing it at one language
    instead would tell a search engine that the x-default page is that language's.
    """
    addresses = language_addresses(endpoint, **values)
    if request.args.get(LANGUAGE_PARAMETER) in LANGUAGES:
        return addresses[current_language()]
    return addresses["x-default"]


def _live_version() -> int:
    """Return the latest published version's id; 503 while nothing is published."""
    version_id = latest_version_id()
    if version_id is None:
        abort(503)
    return version_id


def _overlap(bank: Bank) -> RolesOverlap:
    return roles_overlap(
        [RoleProfile(r.key, r.profile) for r in bank.roles], [d.key for d in bank.dimensions]
    )


def _profile_words(bank: Bank) -> dict[str, Any]:
    """What the templates need to name a dimension and a role's emphasis on it."""
    return {
        "dimension_by_key": {d.key: d for d in bank.dimensions},
        "emphasis_words": EMPHASIS_WORDS,
    }
