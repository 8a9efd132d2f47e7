"""How the roles overlap and how they differ, read from their profiles alone.

Plain data in, plain data out. A role's profile gives each skill or goal (a dimension) a
whole-number emphasis, 0 to 3 (quiz/core/bank.py). Two roles are compared dimension by
dimension, from the emphasis the two share (the smaller of their two) and the larger:

* **both strongly**: both draw on it with an emphasis of ``STRONG_EMPHASIS`` (2) or more;
* **both somewhat**: both draw on it (emphasis 1 or more), but not both strongly;
* **only one**: one draws on it strongly, the other not at all (emphasis 0).

A dimension only one role draws on, and only lightly, is in none of these: it says too
little to set the roles apart. Each list keeps the bank's order of dimensions.

The **overlap** of two roles is the share of their emphasis they hold in common, the sum
of the smaller emphasis over the sum of the larger (a weighted Jaccard index), in whole
percent rounded half up: 100 for identical profiles, 0 for roles drawing on nothing in
common. Across all the roles, the **common ground** is what every role draws on, and a
role's **own ground** is what it alone draws on strongly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from quiz.core.scoring import round_half_up

# From this emphasis up a role draws on a dimension strongly ("Important" or "Central").
STRONG_EMPHASIS = 2


@dataclass(frozen=True)
class RoleProfile:
    """A role's key and its emphasis on each dimension (0 where it has none)."""

    key: str
    profile: Mapping[str, int]

    def emphasis(self, dimension: str) -> int:
        return self.profile.get(dimension, 0)


@dataclass(frozen=True)
class PairOverlap:
    """What two roles share and what sets them apart, dimension keys in the bank's order."""

    first: str
    second: str
    both_strongly: tuple[str, ...]
    both_somewhat: tuple[str, ...]
    only_first: tuple[str, ...]
    only_second: tuple[str, ...]
    overlap: int  # percent of their emphasis the two hold in common


@dataclass(frozen=True)
class RolesOverlap:
    """The roles side by side: what all share, what each alone leans on, and every pair."""

    common_ground: tuple[str, ...]
    own_ground: Mapping[str, tuple[str, ...]]  # role key -> dimension keys
    pairs: tuple[PairOverlap, ...]

    def pairs_with(self, role: str) -> list[PairOverlap]:
        """Return the pairs ``role`` is in, each turned so that ``role`` comes first."""
        return [
            pair if pair.first == role else _turned(pair)
            for pair in self.pairs
            if role in (pair.first, pair.second)
        ]


def pair_overlap(first: RoleProfile, second: RoleProfile, dimensions: Sequence[str]) -> PairOverlap:
    """Compare two roles' profiles over ``dimensions`` (see the module's rules)."""
    both_strongly, both_somewhat, only_first, only_second = [], [], [], []
    shared = larger = 0
    for key in dimensions:
        a, b = first.emphasis(key), second.emphasis(key)
        shared += min(a, b)
        larger += max(a, b)
        if min(a, b) >= STRONG_EMPHASIS:
            both_strongly.append(key)
        elif min(a, b) >= 1:
            both_somewhat.append(key)
        elif a >= STRONG_EMPHASIS:
            only_first.append(key)
        elif b >= STRONG_EMPHASIS:
            only_second.append(key)
    return PairOverlap(
        first=first.key,
        second=second.key,
        both_strongly=tuple(both_strongly),
        both_somewhat=tuple(both_somewhat),
        only_first=tuple(only_first),
        only_second=tuple(only_second),
        overlap=round_half_up(Fraction(100 * shared, larger)) if larger else 0,
    )


def roles_overlap(roles: Sequence[RoleProfile], dimensions: Sequence[str]) -> RolesOverlap:
    """Compare every role with every other, in the roles' order (see the module's rules)."""
    common = tuple(k for k in dimensions if roles and all(r.emphasis(k) >= 1 for r in roles))
    own = {
        role.key: tuple(
            k
            for k in dimensions
            if role.emphasis(k) >= STRONG_EMPHASIS
            and all(other.emphasis(k) == 0 for other in roles if other is not role)
        )
        for role in roles
    }
    pairs = tuple(pair_overlap(a, b, dimensions) for a, b in combinations(roles, 2))
    return RolesOverlap(common_ground=common, own_ground=own, pairs=pairs)


def _turned(pair: PairOverlap) -> PairOverlap:
    return PairOverlap(
        first=pair.second,
        second=pair.first,
        both_strongly=pair.both_strongly,
        both_somewhat=pair.both_somewhat,
        only_first=pair.only_second,
        only_second=pair.only_first,
        overlap=pair.overlap,
    )
