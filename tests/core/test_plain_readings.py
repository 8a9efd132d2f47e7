import pytest

from quiz.core.plain_readings import (
    GOOD,
    NOTE,
    WARNING,
    alpha_reading,
    item_rest_reading,
)


@pytest.mark.parametrize(
    ("alpha", "words", "level"),
    [
        (0.2, "do not agree", WARNING),
        (0.59, "do not agree", WARNING),
        (0.6, "only loosely", NOTE),
        (0.7, "well enough", GOOD),
        (0.89, "agree with each other well.", GOOD),
        (0.97, "same thing twice", NOTE),
    ],
)
def test_alpha_is_read_by_the_documented_bands(alpha: float, words: str, level: str) -> None:
    reading = alpha_reading(alpha)
    assert reading is not None
    assert words in reading.text
    assert reading.level == level


@pytest.mark.parametrize(
    ("correlation", "words", "level"),
    [
        (-0.4, "runs against the rest", WARNING),
        (-0.051, "runs against the rest", WARNING),
        (-0.05, "barely goes along", NOTE),
        (0.09, "barely goes along", NOTE),
        (0.1, "goes along with the rest", GOOD),
        (0.45, "goes along clearly", GOOD),
    ],
)
def test_item_rest_is_read_by_the_documented_bands(
    correlation: float, words: str, level: str
) -> None:
    reading = item_rest_reading(correlation)
    assert reading is not None
    assert reading.text.startswith(words)
    assert reading.level == level


def test_nothing_to_read_gives_no_reading() -> None:
    assert alpha_reading(None) is None
    assert item_rest_reading(None) is None
