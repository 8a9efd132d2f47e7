"""Tests of the norms: where a fit stands among a version's takers. Pure: no app, no database."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import imports_beyond
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core import norms
from quiz.core.norms import NO_NORMS, add_percentiles, norm_table

# Ten results. Fits for A: 40, 55, 55, 55, 60, 70, 70, 80, 90, 100; for B the mirror image.
A_FITS = [40, 55, 55, 55, 60, 70, 70, 80, 90, 100]
FITS = {
    "A": {fit: A_FITS.count(fit) for fit in set(A_FITS)},
    "B": {100 - fit: A_FITS.count(fit) for fit in set(A_FITS)},
}


def test_norms_import_only_the_standard_library() -> None:
    source = Path(norms.__file__).read_text(encoding="utf-8")
    assert imports_beyond(source, {"flask", "sqlalchemy", "werkzeug"}) == []


def test_the_table_counts_the_results_below_each_fit() -> None:
    table = norm_table(FITS)
    assert table.results == 10
    below = table.below["A"]
    assert len(below) == 101
    assert below[0] == 0 and below[40] == 0 and below[41] == 1
    assert below[55] == 1 and below[56] == 4 and below[70] == 5 and below[71] == 7
    assert below[100] == 9


@pytest.mark.parametrize(
    ("fit", "expected"),
    [
        (40, 0),  # nobody is lower: higher than no one
        (55, 10),  # one of ten is lower; the two others at 55 are not "lower"
        (56, 40),
        (70, 50),
        (75, 70),
        (100, 90),  # the top fit is higher than the nine below it, not than itself
    ],
)
def test_a_percentile_is_the_share_strictly_below_floored(fit: int, expected: int) -> None:
    assert norm_table(FITS).percentile("A", fit, minimum=10) == expected


def test_percentiles_floor_rather_than_round() -> None:
    # 2 of 3 below: 66.67% is "higher than 66%", never an overstatement
    table = norm_table({"A": {10: 1, 20: 1, 30: 1}})
    assert table.percentile("A", 30, minimum=1) == 66


def test_below_the_minimum_or_for_an_unknown_role_there_is_no_percentile() -> None:
    table = norm_table(FITS)
    assert table.percentile("A", 70, minimum=11) is None
    assert table.percentile("C", 70, minimum=1) is None
    assert NO_NORMS.percentile("A", 70, minimum=0) is None


def test_a_fit_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="0 to 100"):
        norm_table(FITS).percentile("A", 101, minimum=1)
    with pytest.raises(ValueError, match="0 to 100"):
        norm_table({"A": {-1: 1}})


def test_roles_resting_on_different_results_are_refused() -> None:
    with pytest.raises(ValueError, match="different numbers of results"):
        norm_table({"A": {50: 2}, "B": {50: 3}})


def test_stored_outcomes_keep_their_percentiles_and_the_number_behind_them() -> None:
    outcome = {"ranking": [{"role": "A", "fit": 70}, {"role": "B", "fit": 45}]}
    add_percentiles(outcome, norm_table(FITS), minimum=10)
    # B's fits are 0, 10, 20, 30, 30, 40, 45, 45, 45, 60: six of them lower than 45
    assert [e["percentile"] for e in outcome["ranking"]] == [50, 60]
    assert outcome["norm_results"] == 10
    too_few = {"ranking": [{"role": "A", "fit": 70}]}
    add_percentiles(too_few, norm_table(FITS), minimum=100)
    assert too_few["ranking"][0]["percentile"] is None
    assert too_few["norm_results"] is None


@settings(max_examples=200, deadline=None)
@given(
    fits=st.lists(st.integers(0, 100), min_size=1, max_size=60),
    mine=st.integers(0, 100),
)
def test_a_percentile_matches_counting_the_lower_fits_directly(fits: list[int], mine: int) -> None:
    table = norm_table({"A": {fit: fits.count(fit) for fit in set(fits)}})
    lower = sum(1 for fit in fits if fit < mine)
    assert table.percentile("A", mine, minimum=1) == lower * 100 // len(fits)
    # a higher fit never stands lower
    if mine < 100:
        assert table.percentile("A", mine + 1, minimum=1) >= table.percentile("A", mine, 1)
