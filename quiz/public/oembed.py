"""oEmbed 1.0 (https://oembed.com): what a site that unfurls links shows for ours.

/oembed?url=... answers for a result link (/r/<token>) and a role link (/roles/<key>) of
this site's public address, in JSON. The rules:

- A URL of another host, another page, an unknown result or role: 404. A deleted result:
  404 as well, as the spec knows no other refusal. ``format=xml``: 501, JSON is all we write.
- When EMBED_ALLOWED_ORIGINS names any site, the answer is type "rich": an iframe of the
  embed view (/embed/r/<token>, /embed/roles/<key>). A consumer's page can only show it if
  its origin is listed. With no site listed no frame would render, so the answer is type
  "link": the title, provider and thumbnail only.
- ``maxwidth`` and ``maxheight`` (whole numbers above 0) bound the iframe's size; a
  thumbnail (a result's share card, 1200 x 630) is left out when it does not fit them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, render_template, url_for
from flask import request as flask_request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import Form, IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from quiz.core.result_page import result_page
from quiz.public.views import _shown_result, bp
from quiz.store.publishing import latest_version_id
from quiz.store.results import stored_result
from quiz.web.banks import shown_bank
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.site import site_title
from quiz.web.urls import public_url

# the frame's size when the consumer sets no bound: wide enough for the chart, tall enough
# for the first screen; static/js/embed.js grows it to fit on hosts that listen
RESULT_SIZE = (600, 640)
ROLE_SIZE = (600, 480)
SHARE_CARD_SIZE = (1200, 630)
# the answer names the page, which changes only with a new version: a day is harmless
OEMBED_CACHE_AGE = 86400


class OEmbedForm(Form):
    url = StringField(validators=[InputRequired(message=_l("Give the url of a page to embed."))])
    maxwidth = IntegerField(
        validators=[Optional(), NumberRange(min=1, message=_l("maxwidth must be above 0."))]
    )
    maxheight = IntegerField(
        validators=[Optional(), NumberRange(min=1, message=_l("maxheight must be above 0."))]
    )
    format = StringField()


@bp.get("/oembed")
def oembed() -> Response:
    """Describe a result or role link of this site as oEmbed JSON (see the module's rules)."""
    form = OEmbedForm(flask_request.args)
    if form.format.data and form.format.data != "json":
        abort(501, description=_("Only format=json is offered."))
    if not form.validate():
        abort(400, description=" ".join(str(e) for errors in form.errors.values() for e in errors))
    endpoint, values = _page_of(form.url.data)
    bound = (form.maxwidth.data, form.maxheight.data)
    if endpoint == "public.show_result":
        answer = _result_answer(values["token"], bound)
    else:
        answer = _role_answer(values["key"], bound)
    response = jsonify(answer)
    response.cache_control.public = True
    response.cache_control.max_age = OEMBED_CACHE_AGE
    return response


def _page_of(url: str) -> tuple[str, dict[str, Any]]:
    """Return the endpoint and values of a result or role page at the public address; else 404."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # such as "http://[": no address at all, let alone ours
        abort(404)
    public = urlsplit(current_app.config["PUBLIC_URL"])
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != public.netloc:
        abort(404)
    adapter = current_app.url_map.bind(public.netloc, url_scheme=public.scheme)
    try:
        endpoint, values = adapter.match(parts.path or "/", method="GET")
    except HTTPException:  # not found, a redirect to another address, a wrong method
        abort(404)
    if endpoint not in ("public.show_result", "public.role"):
        abort(404)
    return endpoint, values


def _sized(default: tuple[int, int], bound: tuple[int | None, int | None]) -> tuple[int, int]:
    width, height = default
    most_wide, most_high = bound
    return min(width, most_wide or width), min(height, most_high or height)


def _fits(size: tuple[int, int], bound: tuple[int | None, int | None]) -> bool:
    return all(most is None or side <= most for side, most in zip(size, bound, strict=True))


def _answer(
    title: str, frame_endpoint: str, size: tuple[int, int], **values: str
) -> dict[str, Any]:
    """Return the fields every answer has, with the iframe when some site may frame it."""
    answer: dict[str, Any] = {
        "version": "1.0",
        "type": "link",
        "title": title,
        "provider_name": site_title(),
        "provider_url": current_app.config["PUBLIC_URL"] + "/",
        "cache_age": OEMBED_CACHE_AGE,
    }
    if current_app.config["EMBED_ALLOWED_ORIGINS"]:
        width, height = size
        src = public_url(frame_endpoint, **values)
        answer.update(
            type="rich",
            width=width,
            height=height,
            html=render_template(
                "embed/_iframe.html", src=src, width=width, height=height, title=title
            ).strip(),
        )
    return answer


def _result_answer(token: str, bound: tuple[int | None, int | None]) -> dict[str, Any]:
    try:
        result = _shown_result(token)
    except HTTPException:
        abort(404)  # a deleted result too: oEmbed knows no other refusal
    page = result_page(shown_bank(result.quiz_version_id), stored_result(result))
    top = page.top
    title = _("Their best fit: %(role)s (%(percent)s%%)", role=top.role.name, percent=top.fit)
    answer = _answer(
        _("%(title)s — %(site)s", title=title, site=site_title()),
        "embed.show_result",
        _sized(RESULT_SIZE, bound),
        token=token,
    )
    if _fits(SHARE_CARD_SIZE, bound):
        answer["thumbnail_url"] = public_url("public.result_share_card", token=token)
        answer["thumbnail_width"], answer["thumbnail_height"] = SHARE_CARD_SIZE
    return answer


def _role_answer(key: str, bound: tuple[int | None, int | None]) -> dict[str, Any]:
    version_id = latest_version_id()
    if version_id is None:
        abort(404)
    role = shown_bank(version_id).role_by_key.get(key) or abort(404)
    return _answer(
        _("%(title)s — %(site)s", title=role.name, site=site_title()),
        "embed.show_role",
        _sized(ROLE_SIZE, bound),
        key=key,
    )


@bp.app_template_global()
def oembed_url(page_url: str) -> str:
    """Return this site's oEmbed address for ``page_url`` (for the discovery link)."""
    return current_app.config["PUBLIC_URL"] + url_for("public.oembed", url=page_url)
