"""The example result the landing page shows and link previews carry: scored for real, kept.

The example answer sheet (quiz/core/example_result.py) is scored once per published version
and language, as versions never change.
"""

from __future__ import annotations

from quiz.core.example_result import example_result
from quiz.core.result_page import ResultPage, result_page
from quiz.store.caches import app_cache
from quiz.store.publishing import VERSIONS_KEPT
from quiz.web.banks import shown_bank
from quiz.web.i18n import LANGUAGES, current_language
from quiz.web.site import site_title


def example_page(version_id: int) -> ResultPage:
    """Return the example result of a published version, in the request's language."""
    return app_cache("example results", VERSIONS_KEPT * len(LANGUAGES)).get(
        (version_id, current_language()),
        lambda: _scored(version_id),
    )


def example_card(version_id: int) -> bytes:
    """Return the example result's share card as a PNG, in the request's language."""
    # the card prints the site's name, a setting: keep it with the key
    key = (version_id, current_language(), site_title())
    # Pillow only in the process that draws a card: most never do (docs/performance.md)
    from quiz.web.share_card import render_share_card

    return app_cache("example cards", VERSIONS_KEPT * len(LANGUAGES)).get(
        key, lambda: render_share_card(example_page(version_id), site_name=site_title())
    )


def _scored(version_id: int) -> ResultPage:
    bank = shown_bank(version_id)
    return result_page(bank, example_result(bank))
