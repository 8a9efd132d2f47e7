"""Where a fit stands among other takers: norms per version, and a fit's percentile.

Plain data in, plain data out. A fit percent (0 to 100) says how far the answers lean
toward a role; it does not say whether that is more or less than most people's. The
norms answer that from the real, careful full-quiz results of the same version: for
each role, how many of them had each fit.

A fit's **percentile** is the share of those results whose fit for the role is strictly
lower, floored to a whole percent: "higher than 72% of people who took this quiz" is then
never an overstatement, and a fit that ties with everyone is higher than no one. Fits
are compared as stored (whole percents), so a result and its percentile always agree
with the number the page shows.

:func:`add_percentiles` keeps each fit's percentile with the result when it is stored.

:func:`norm_table` turns the counts into the table the result page reads: for each role,
``below[p]`` is how many results had a fit lower than ``p``, for ``p`` from 0 to 100. Then
a percentile costs a list lookup and a division, so the table is worked out when the
counts change (``quiz.store.statistics``), never when a page is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HIGHEST_FIT = 100


@dataclass(frozen=True)
class Norms:
    """A version's norms: how many results they rest on, and each role's counts below."""

    results: int
    # role key -> below, where below[p] is how many results had a fit lower than p (0..100)
    below: Mapping[str, list[int]]

    def percentile(self, role: str, fit: int, minimum: int) -> int | None:
        """Return the whole percent of results whose fit for ``role`` is lower than ``fit``.

        None when fewer than ``minimum`` results stand behind the norms, or the role has
        none (a role the version did not have when the norms were worked out).
        """
        below = self.below.get(role)
        if self.results < minimum or self.results < 1 or below is None:
            return None
        if not 0 <= fit <= HIGHEST_FIT:
            raise ValueError(f"a fit runs from 0 to {HIGHEST_FIT}, not {fit!r}")
        return below[fit] * 100 // self.results


NO_NORMS = Norms(results=0, below={})


def norm_table(fits: Mapping[str, Mapping[int, int]]) -> Norms:
    """Work out the norms from how many results had each fit, per role (role -> fit -> count).

    Every role must rest on the same results, as every result has a fit for every role
    of its version: raises ValueError when the roles' totals differ or a fit is out of range.
    """
    totals = {role: sum(counts.values()) for role, counts in fits.items()}
    if len(set(totals.values())) > 1:
        raise ValueError(f"the roles' counts rest on different numbers of results: {totals}")
    below = {}
    for role, counts in fits.items():
        histogram = [0] * (HIGHEST_FIT + 1)
        for fit, n in counts.items():
            if not 0 <= fit <= HIGHEST_FIT:
                raise ValueError(f"a fit runs from 0 to {HIGHEST_FIT}, not {fit!r}")
            histogram[fit] += n
        running = 0
        cumulative = []
        for n in histogram:
            cumulative.append(running)
            running += n
        below[role] = cumulative
    return Norms(results=next(iter(totals.values()), 0), below=below)


def add_percentiles(outcome: dict[str, Any], norms: Norms, minimum: int) -> None:
    """Give each ranking entry of a stored outcome its ``percentile`` (None without enough
    results), and the outcome ``norm_results``, how many results the percentiles rest on.

    Kept with the result as it is stored, so its page and share link show the percentiles
    its taker saw, however the norms move on as more people take the quiz.
    """
    for entry in outcome["ranking"]:
        entry["percentile"] = norms.percentile(entry["role"], entry["fit"], minimum)
    outcome["norm_results"] = norms.results if norms.results >= minimum else None
