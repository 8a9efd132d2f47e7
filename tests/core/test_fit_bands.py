"""Tests of the fit bands: which percent is a strong, moderate or weak fit, at each boundary."""

from __future__ import annotations

import pytest
from helpers import extracted_messages, translation_catalog
from hypothesis import given
from hypothesis import strategies as st

from quiz.core.fit_bands import (
    BAND_WORDS,
    MODERATE,
    MODERATE_FROM,
    STRONG,
    STRONG_FROM,
    WEAK,
    fit_band,
)


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, WEAK),
        (49, WEAK),  # just under neutral: the answers lean away from the role
        (50, MODERATE),  # neutral: leaning neither way is no longer a weak fit
        (69, MODERATE),
        (70, STRONG),
        (100, STRONG),
    ],
)
def test_each_boundary_falls_in_the_documented_band(percent, band) -> None:
    assert fit_band(percent) == band


def test_the_boundaries_are_fifty_and_seventy() -> None:
    # the page's key and docs/scoring.md state these numbers
    assert (MODERATE_FROM, STRONG_FROM) == (50, 70)


@given(st.integers(0, 99))
def test_a_higher_fit_is_never_in_a_lower_band(percent) -> None:
    order = [WEAK, MODERATE, STRONG]
    assert order.index(fit_band(percent)) <= order.index(fit_band(percent + 1))


def test_every_band_has_words_that_the_catalog_extracts_and_german_translates() -> None:
    extracted = extracted_messages([("quiz/core/fit_bands.py", "python")])
    german = translation_catalog("de")
    assert set(BAND_WORDS) == {STRONG, MODERATE, WEAK}
    for words in BAND_WORDS.values():
        assert words in extracted, words
        message = german.get(words)
        assert message is not None and message.string, words
