"""Where a chart's axes get their marks: round counts up the side, a few dates along the bottom."""

from __future__ import annotations

import math

# multiples of ten's powers that read as round numbers on an axis
ROUND_STEPS = (1, 2, 5)


def count_ticks(most: int, at_most: int = 5) -> list[int]:
    """Round counts from 0 up to at least ``most``, no more than ``at_most`` steps apart.

    The last tick is the chart's top, so bars are drawn against it: ``count_ticks(37)`` is
    ``[0, 10, 20, 30, 40]``. With nothing to count the axis still shows 0 and 1.
    """
    if most <= 0:
        return [0, 1]
    power = 10 ** max(0, math.floor(math.log10(most / at_most)) if most > at_most else 0)
    step = next(
        (
            s * p
            for p in (power, power * 10)
            for s in ROUND_STEPS
            if math.ceil(most / (s * p)) <= at_most
        ),
        power * 10,
    )
    top = math.ceil(most / step) * step
    return list(range(0, top + 1, step))


def date_ticks(days: int, at_most: int = 7) -> list[int]:
    """Which of ``days`` consecutive days get a date under the chart: the first, the last, and
    evenly spaced ones between, no more than ``at_most`` in all."""
    if days <= 0:
        return []
    if days <= at_most:
        return list(range(days))
    every = math.ceil((days - 1) / (at_most - 1))
    marks = list(range(0, days - 1, every))
    # the last day is always labelled; drop a mark that would crowd it
    if marks and days - 1 - marks[-1] < every * 3 / 4:
        marks.pop()
    return [*marks, days - 1]
