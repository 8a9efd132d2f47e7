"""A quick result's share card says it is one: the fits it shows are provisional."""

from __future__ import annotations

import dataclasses
import io

from helpers import shown_page
from PIL import Image

from quiz.core.result_page import QuickVerdict
from quiz.web.share_card import BARS_TOP, MARGIN, QUICK_LINE_TOP, render_share_card

FITS = [("Data Scientist", 100), ("ML Engineer", 40), ("AI Engineer", 10)]


def drawn_between(image: Image.Image, top: int, bottom: int) -> bool:
    """Tell whether anything but background was drawn in this band of the card's text column."""
    band = image.crop((MARGIN, top, image.width - MARGIN, bottom))
    return band.getcolors(1) is None


def card_of(verdict: QuickVerdict | None) -> Image.Image:
    page = dataclasses.replace(shown_page(FITS), mode="quick", quick=verdict)
    data = render_share_card(page, "Career Fit", "careerfit.example")
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_a_quick_card_says_it_rests_on_part_of_the_questions() -> None:
    quick = card_of(QuickVerdict("settled", answered=9, question_count=35, chance=100))
    full = card_of(None)
    assert drawn_between(quick, QUICK_LINE_TOP + 4, BARS_TOP - 4)
    assert not drawn_between(full, QUICK_LINE_TOP + 4, BARS_TOP - 4)


def test_a_quick_result_with_every_question_answered_has_the_full_quizs_card() -> None:
    complete = card_of(QuickVerdict("complete", answered=35, question_count=35, chance=100))
    assert complete.tobytes() == card_of(None).tobytes()
