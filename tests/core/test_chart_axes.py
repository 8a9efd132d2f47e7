import pytest

from quiz.core.chart_axes import count_ticks, date_ticks


@pytest.mark.parametrize(
    ("most", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (5, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6, 8]),
        (37, [0, 10, 20, 30, 40]),
        (100, [0, 20, 40, 60, 80, 100]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_counts_are_round_and_reach_the_busiest_day(most: int, ticks: list[int]) -> None:
    assert count_ticks(most) == ticks


@pytest.mark.parametrize("most", range(1, 3000, 7))
def test_there_are_few_ticks_and_the_top_one_is_at_least_the_most(most: int) -> None:
    ticks = count_ticks(most)
    assert ticks[0] == 0 and ticks[-1] >= most
    assert len(ticks) <= 6
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1


def test_short_ranges_label_every_day() -> None:
    assert date_ticks(5) == [0, 1, 2, 3, 4]
    assert date_ticks(0) == []


@pytest.mark.parametrize("days", range(8, 400))
def test_long_ranges_label_the_first_and_last_day_and_a_few_between(days: int) -> None:
    marks = date_ticks(days)
    assert marks[0] == 0 and marks[-1] == days - 1
    assert len(marks) <= 7
    assert marks == sorted(set(marks))
