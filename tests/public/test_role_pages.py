"""The public pages a search finds: the roles compared, each role, the method, robots and sitemap.

Each page is read over real HTTP through the app's test client, in English and in German,
with its canonical, hreflang and Open Graph tags checked against the site's public address.
"""

from __future__ import annotations

import html as htmllib
import io
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from quiz.core.bank import Bank
from quiz.core.example_result import example_answers
from quiz.core.scoring import rank_roles
from quiz.store.publishing import latest_version_id
from quiz.web.banks import shown_bank

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# the roles of the default bank, by key, as the pages name them
ROLE_KEYS = ("data-scientist", "ml-engineer", "ai-engineer")
INDEXED_PATHS = ("/", "/roles", "/roles/ml-engineer", "/method")


def text_of(html: str) -> str:
    """Return the page's text with tags removed and entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page(client: FlaskClient, path: str, headers: dict[str, str] | None = None) -> str:
    response = client.get(path, headers=headers or ENGLISH)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def bank_in(app: Flask, language: str) -> Bank:
    with app.test_request_context():
        return shown_bank(latest_version_id(), language)


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, f"no meta {key}"
    return htmllib.unescape(match.group(1))


def links(html: str, rel: str) -> dict[str, str]:
    """Return the <link rel=...> of the head, keyed by hreflang ("" for one without).

    An alternate in another format (the oEmbed JSON) names its type; only the page's own
    alternates in other languages count here.
    """
    found = {}
    for tag in re.findall(rf'<link rel="{rel}"[^>]*>', html):
        if " type=" in tag:
            continue
        language = re.search(r'hreflang="([^"]+)"', tag)
        found[language.group(1) if language else ""] = htmllib.unescape(
            re.search(r'href="([^"]+)"', tag).group(1)
        )
    return found


def section(html: str, heading_id: str) -> str:
    """Return the <section> labelled by ``heading_id``, with any sections inside it."""
    start = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"', html)
    assert start, heading_id
    depth = 0
    for tag in re.finditer(r"<(/?)section\b", html[start.start() :]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start.start() : start.start() + tag.end()]
    raise AssertionError(f"the section {heading_id} never ends")


# ---------------------------------------------------------------- the roles side by side


def test_the_roles_page_sets_every_role_side_by_side_with_all_it_knows(app, client):
    bank = bank_in(app, "en")

    html = page(client, "/roles")

    table = section(html, "side-by-side-heading")
    assert 'class="table-scroll"' in table
    cells = text_of(table)
    for role in bank.roles:
        assert f'href="/roles/{role.key}">{role.name}</a>' in table
        assert f'fill="{role.shown_colour}"' in table  # its colour beside its name
        for text in (role.focus, role.typical_day, *role.skills, *role.tasks, *role.goals):
            assert text in cells, text
    for heading in ("Focus", "Skills", "Tasks", "Goals", "A typical day"):
        assert f'<th scope="row">{heading}</th>' in table


def test_the_roles_page_says_how_the_roles_overlap_and_differ_from_their_profiles(app, client):
    html = page(client, "/roles")

    overlap = text_of(section(html, "overlap-heading"))
    # worked out by hand in tests/core/test_role_overlap.py: every role draws on these two
    assert "Common ground Every role draws on: Model building & tuning Software engineering" in (
        overlap
    )
    assert (
        "Machine Learning Engineer and AI Engineer They share 11% of what they draw on. "
        "Both draw on Software engineering (both strongly) Model building & tuning"
    ) in overlap
    assert "Data Scientist and Machine Learning Engineer They share 9% of what they draw on." in (
        overlap
    )
    assert (
        "Only Data Scientist leans on Statistics & experiments Data exploration & visual "
        "storytelling Guiding decisions"
    ) in overlap
    emphasis = text_of(section(html, "draws-on-heading"))
    assert "Statistics & experiments Central Less central Less central" in emphasis
    assert "Software engineering Useful Important Important" in emphasis


def test_the_roles_page_ends_with_a_button_to_the_quiz(client):
    html = page(client, "/roles")

    assert re.search(
        r'<section class="find-fit".*'
        r'<a class="button button-primary" href="/quiz">Find your fit</a>'
        r"\s*</p>\s*</section>\s*</main>",
        html,
        re.S,
    )


def test_the_roles_page_speaks_german_to_a_german_reader(app, client):
    bank = bank_in(app, "de")

    for headers, path in ((GERMAN, "/roles"), (ENGLISH, "/roles?lang=de")):
        html = page(client, path, headers)

        assert '<html lang="de">' in html
        text = text_of(html)
        assert "Die Rollen im Vergleich" in text and "Nebeneinander" in text
        assert bank.roles[0].focus in text and bank.roles[0].focus != bank.roles[0].summary
        assert "Finde deine Rolle" in text


# ---------------------------------------------------------------- one role


@pytest.mark.parametrize("key", ROLE_KEYS)
def test_a_role_page_shows_everything_about_the_role_and_ends_with_the_quiz(app, client, key):
    role = bank_in(app, "en").role_by_key[key]

    html = page(client, f"/roles/{key}")

    text = text_of(html)
    assert f"<h1>{role.name}</h1>" in html
    for part in (
        role.summary,
        role.focus,
        role.typical_day,
        role.first_project,
        *role.skills,
        *role.tasks,
        *role.goals,
        *role.learn_first,
    ):
        assert part in text, part
    assert f'fill="{role.shown_colour}"' in html
    compared = text_of(section(html, "compare-heading"))
    others = [r for r in bank_in(app, "en").roles if r.key != key]
    for other in others:
        assert f"{role.name} and {other.name} They share" in compared
    assert re.search(r'href="/quiz">Find your fit</a>\s*</p>\s*</section>\s*</main>', html), (
        "the page ends with the button to the quiz"
    )


@pytest.mark.parametrize("key", ROLE_KEYS)
def test_a_role_page_lists_its_job_titles_and_links_only_where_it_has_them(app, client, key):
    role = bank_in(app, "en").role_by_key[key]

    html = page(client, f"/roles/{key}")

    assert ("Typical job titles" in html) == bool(role.titles)
    assert ("In public occupation databases" in html) == bool(role.links)
    for title in role.titles:
        assert f"<li>{htmllib.escape(title)}</li>" in html
    for link in role.links:
        assert (
            f'<a href="{htmllib.escape(link.url)}" rel="external">{htmllib.escape(link.label)}</a>'
        ) in html


def test_the_data_scientist_links_to_its_o_net_entry_and_the_ml_engineer_has_none(client):
    data = page(client, "/roles/data-scientist")
    ml = page(client, "/roles/ml-engineer")

    assert 'href="https://www.onetonline.org/link/summary/15-2051.00"' in data
    assert "Typical job titles" in ml and "MLOps Engineer" in text_of(ml)
    assert "onetonline" not in ml  # no entry of its own: no link rather than a wrong one


def test_a_role_page_in_german_names_the_role_in_german(app, client):
    role = bank_in(app, "de").role_by_key["ml-engineer"]

    html = page(client, "/roles/ml-engineer", GERMAN)

    assert '<html lang="de">' in html
    assert role.summary in text_of(html)
    assert "Was du zuerst lernen solltest" in text_of(html) or "Ein erstes Projekt" in text_of(html)


@pytest.mark.parametrize("path", ["/roles/no-such-role", "/roles/DATA-SCIENTIST", "/roles/x/y"])
def test_an_unknown_role_is_a_plain_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == "text/html"


# ---------------------------------------------------------------- the method


def test_the_method_page_says_how_scoring_works_in_plain_words(app, client):
    html = page(client, "/method")

    text = text_of(html)
    for words in (
        "Each answer carries weights on the skills and goals",
        "Each role is then scored on its own, from 0 to 100%",
        "Strong fit 70% or more",
        "Moderate fit 50% to 69%",
        "Weak fit Under 50%",
        f"Once {app.config['STATISTICS_MINIMUM_RESULTS']} real, careful results",
        "Quick mode The quick quiz asks one question at a time",
        "The full quiz asks all 32 questions.",
        "What the quiz cannot tell you",
    ):
        assert words in text, words
    assert 'href="/roles"' in section(html, "answers-heading")


def test_the_method_page_in_german(client):
    text = text_of(page(client, "/method?lang=de"))

    assert "Wie die Bewertung funktioniert" in text
    assert "70% oder mehr" in text
    assert "Was das Quiz nicht sagen kann" in text


def test_the_landing_page_and_the_footer_link_to_the_method_and_the_roles(client):
    for path in ("/", "/privacy", "/roles"):
        footer = re.search(r'<footer class="site-footer">.*</footer>', page(client, path), re.S)
        assert 'href="/method"' in footer.group(0) and 'href="/roles"' in footer.group(0)
    landing = section(page(client, "/"), "how-heading")
    assert '<a href="/method">' in landing


# ---------------------------------------------------------------- the landing page


def test_the_landing_page_shows_an_example_result_scored_by_the_real_scorer(app, client):
    bank = bank_in(app, "en")
    outcome = rank_roles(bank.effect_table, example_answers(bank))

    html = page(client, "/")

    figure = re.search(r'<figure class="example-result">.*?</figure>', html, re.S).group(0)
    assert "Example result: how well each role fits" in figure
    assert "An example result, scored by the quiz itself" in text_of(figure)
    described = re.search(r'<desc id="example-chart-desc">(.*?)</desc>', figure).group(1)
    expected = " ".join(
        f"{bank.role_by_key[f.role].name}: {f.percent}%, "
        f"{'Strong fit' if f.percent >= 70 else 'Moderate fit' if f.percent >= 50 else 'Weak fit'}."
        for f in outcome.ranking
    )
    assert htmllib.unescape(described).strip() == expected
    # a believable example: a clear first role, but not a perfect score
    assert 50 <= outcome.ranking[0].percent < 100


def test_the_landing_page_gives_each_modes_time_and_links_each_role(app, client):
    html = page(client, "/")

    text = text_of(html)
    assert "Full quiz: 32 questions, about 5 minutes" in text
    assert "Quick quiz: about 2 minutes" in text
    for role in bank_in(app, "en").roles:
        assert f'<a href="/roles/{role.key}">{role.name}</a>' in html
    assert '<a href="/roles">' in html


def test_the_landing_page_stays_light(client):
    response = client.get("/")

    assert len(response.data) < 30 * 1024  # the whole page, with its stylesheet, under 60 KB


# ---------------------------------------------------------------- what search engines read


@pytest.mark.parametrize("path", INDEXED_PATHS)
@pytest.mark.parametrize(
    ("headers", "query", "language"),
    [(ENGLISH, "?lang=en", "en"), (ENGLISH, "?lang=de", "de"), (GERMAN, "?lang=en", "en")],
)
def test_an_address_naming_its_language_is_its_own_canonical_among_each_language(
    app, client, path, headers, query, language
):
    public = app.config["PUBLIC_URL"]

    html = page(client, path + query, headers)

    assert f'<html lang="{language}">' in html
    own = f"{public}{path}?lang={language}"
    assert links(html, "canonical") == {"": own}
    assert links(html, "alternate") == {
        "en": f"{public}{path}?lang=en",
        "de": f"{public}{path}?lang=de",
        "x-default": f"{public}{path}",
    }
    assert meta(html, "og:url") == own
    assert meta(html, "og:type") == "website"
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert meta(html, "og:title") in htmllib.unescape(title)
    assert meta(html, "og:description") == meta(html, "description")


@pytest.mark.parametrize("path", INDEXED_PATHS)
@pytest.mark.parametrize("headers", [ENGLISH, GERMAN])
def test_the_plain_address_serving_each_reader_their_language_is_its_own_canonical(
    app, client, path, headers
):
    public = app.config["PUBLIC_URL"]

    html = page(client, path, headers)

    # the x-default: pointing it at one language would call it that language's page
    assert links(html, "canonical") == {"": f"{public}{path}"}
    assert links(html, "alternate")["x-default"] == f"{public}{path}"
    assert meta(html, "og:url") == f"{public}{path}"


def test_the_landing_page_previews_with_the_example_result_card(app, client):
    html = page(client, "/")

    image = meta(html, "og:image")
    assert image == f"{app.config['PUBLIC_URL']}/example.png?lang=en"  # the page's own language
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "og:image:alt").startswith("An example result: Data Scientist ")
    address = urlsplit(image)
    card = client.get(f"{address.path}?{address.query}")
    assert card.status_code == 200 and card.mimetype == "image/png"
    assert Image.open(io.BytesIO(card.data)).size == (1200, 630)
    german = client.get("/example.png?lang=de")
    assert german.status_code == 200 and german.data != card.data  # its headline in German


@pytest.mark.parametrize("path", ["/roles", "/roles/data-scientist", "/method"])
def test_a_page_without_a_picture_previews_as_a_summary_card(client, path):
    html = page(client, path)

    assert meta(html, "twitter:card") == "summary"
    assert 'property="og:image"' not in html


def test_the_language_switcher_on_an_address_naming_its_language_drops_that_name(client):
    html = page(client, "/roles?lang=de")

    assert 'href="/language/en?next=/roles"' in html


def test_robots_allow_the_public_pages_and_keep_out_of_private_ones(app, client):
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response.mimetype == "text/plain"
    robots = RobotFileParser()
    robots.parse(response.get_data(as_text=True).splitlines())
    for allowed in ("/", "/roles", "/roles/ai-engineer", "/method", "/privacy", "/?lang=de"):
        assert robots.can_fetch("*", allowed), allowed
    for kept_out in ("/admin", "/admin/", "/r/abc", "/r/abc.json", "/compare", "/quiz", "/quiz/2"):
        assert not robots.can_fetch("*", kept_out), kept_out
    assert robots.site_maps() == [f"{app.config['PUBLIC_URL']}/sitemap.xml"]


@pytest.mark.parametrize("bot", ["Twitterbot", "facebookexternalhit", "LinkedInBot", "Slackbot"])
def test_robots_let_link_previews_read_a_shared_result_but_not_the_admin(client, bot):
    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").get_data(as_text=True).splitlines())

    for shared in ("/r/abc", "/r/abc.png", "/compare/abc/def", "/roles"):
        assert robots.can_fetch(bot, shared), shared
    assert not robots.can_fetch(bot, "/admin/")
    assert not robots.can_fetch("Googlebot", "/r/abc")  # every other robot stays out


def test_the_sitemap_lists_every_public_page_in_both_languages_with_alternates(app, client):
    public = app.config["PUBLIC_URL"]

    response = client.get("/sitemap.xml")

    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = ElementTree.fromstring(response.data).findall(f"{SITEMAP}url")
    locations = [u.find(f"{SITEMAP}loc").text for u in urls]
    paths = ["/", "/roles", "/method", "/privacy", *(f"/roles/{key}" for key in ROLE_KEYS)]
    assert sorted(locations) == sorted(
        f"{public}{path}?lang={language}" for path in paths for language in ("en", "de")
    )
    for url in urls:
        location = url.find(f"{SITEMAP}loc").text
        path = location.removeprefix(public).split("?")[0]
        alternates = {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        assert alternates == {
            "en": f"{public}{path}?lang=en",
            "de": f"{public}{path}?lang=de",
            "x-default": f"{public}{path}",
        }


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_address_in_the_sitemap_serves_its_own_language_to_any_reader(app, client, language):
    urls = ElementTree.fromstring(client.get("/sitemap.xml").data).findall(f"{SITEMAP}url")
    other = GERMAN if language == "en" else ENGLISH

    for url in urls:
        location = urlsplit(url.find(f"{SITEMAP}loc").text)
        if not location.query.endswith(language):
            continue
        # a crawler's own Accept-Language does not change what the address says it serves
        html = page(client, f"{location.path}?{location.query}", other)
        assert f'<html lang="{language}">' in html, location
