"""Each role has a colour of its own that stands out on white: given in the bank, or by position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quiz.core.bank import (
    LEAST_COLOUR_CONTRAST,
    ROLE_PALETTE,
    BankError,
    contrast_on_white,
    parse_bank,
)

DEFAULT_BANK = Path(__file__).resolve().parents[2] / "quiz" / "data" / "default_bank.json"


def document() -> dict:
    return json.loads(DEFAULT_BANK.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("colour", "ratio"), [("#ffffff", 1.0), ("#000000", 21.0), ("#767676", 4.54)]
)
def test_contrast_on_white_matches_the_wcag_formula(colour: str, ratio: float) -> None:
    assert contrast_on_white(colour) == pytest.approx(ratio, abs=0.01)


def test_every_palette_colour_stands_out_on_white_and_none_repeats() -> None:
    assert len(set(ROLE_PALETTE)) == len(ROLE_PALETTE)
    for colour in ROLE_PALETTE:
        assert contrast_on_white(colour) >= 4.5 > LEAST_COLOUR_CONTRAST, colour


def test_a_role_without_a_colour_takes_its_positions_from_the_palette() -> None:
    doc = document()
    for role in doc["roles"]:
        role.pop("colour", None)
    bank = parse_bank(doc)
    assert [r.shown_colour for r in bank.roles] == list(ROLE_PALETTE[: len(bank.roles)])


def test_a_role_keeps_the_colour_the_bank_gives_it_through_export() -> None:
    doc = document()
    doc["roles"][0]["colour"] = "#7C3AED"
    bank = parse_bank(doc)
    assert bank.roles[0].shown_colour == "#7c3aed"
    assert parse_bank(bank.to_document()).roles[0].colour == "#7c3aed"


@pytest.mark.parametrize(
    ("colour", "reason"),
    [
        ("blue", "six hex digits"),
        ("#12345", "six hex digits"),
        ("#fde047", "at least 3:1"),  # a pale yellow: 1.3:1 on white
        (7, "six hex digits"),
    ],
)
def test_a_colour_that_is_not_one_or_is_too_pale_is_refused(colour: object, reason: str) -> None:
    doc = document()
    doc["roles"][0]["colour"] = colour
    with pytest.raises(BankError) as raised:
        parse_bank(doc)
    assert any(
        problem.startswith("roles[0].colour") and reason in problem
        for problem in raised.value.problems
    )
