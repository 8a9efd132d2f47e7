"""Score quiz answers against role profiles: a linear, additive, explainable model.

Plain data in, plain data out. This module imports nothing from Flask, SQLAlchemy
or the models, so it can be tested, benchmarked and reasoned about on its own.

The model
---------
There are *dimensions* (skills and goals, such as "statistics" or "shipping
products"). Every role has a *profile*: a whole-number emphasis ``p(role, d) >= 0``
on each dimension. Every answer option carries whole-number *weights*
``w(option, d)`` on dimensions: choosing it says that much about the person on ``d``.

* The **effect** of an option on a role is ``e(option, role) = sum_d w(option, d) * p(role, d)``.
* A role's **raw score** is the sum of the effects of the chosen options.
* For the questions answered, the lowest and highest raw score possible are the
  sums, over those questions, of the smallest and largest effect among each
  question's options (questions are independent, so these bounds are exact).
* A role's **fit** places the raw score between those bounds, as 0 to 100::

      fit = 100 * (raw - lowest) / (highest - lowest)

  A role that no answered question can move (``highest == lowest``) has fit 0.

A classic summed-scale instrument is the special case where each role has one
dimension of its own (``p = 1`` there, 0 elsewhere) and each item weighs only
on its role's dimension with option weights ``0..k``: then ``lowest`` is 0 and
the fit is exactly ``raw / maximum``.

Explanation
-----------
Each answer's **push** on a role is its effect minus the midpoint of that
question's smallest and largest effect, expressed in fit points::

    push = 100 * (e - (q_low + q_high) / 2) / (highest - lowest)

A fit is always 50 plus the pushes of all answers, so every point of every fit
can be traced to an answer. Answers with a positive push pushed *toward* the
role, negative ones *away*. Ranking does not need them, so a role's pushes are
listed and sorted only when first read.

The person's **profile** on a dimension is the sum of the chosen options'
weights there, placed between the lowest and highest sum possible for the
questions answered, as 0 to 100 (``None`` when no answered question measures it).

All arithmetic is on integers and exact fractions, so the result never depends
on the order of the questions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

CLOSE_CALL_POINTS = 5


class InvalidAnswer(ValueError):
    """An answer names a question or option the instrument does not have."""


@dataclass(frozen=True)
class Dimension:
    key: str
    kind: str  # "skill" or "goal"


@dataclass(frozen=True)
class Role:
    key: str
    position: int
    profile: Mapping[str, int]


@dataclass(frozen=True)
class Option:
    key: str
    weights: Mapping[str, int]


@dataclass(frozen=True)
class Question:
    key: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Instrument:
    """Everything scoring needs to know about one version of the quiz."""

    dimensions: tuple[Dimension, ...]
    roles: tuple[Role, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Push:
    """How far one answer moved one role's fit, in fit points (signed)."""

    question: str
    option: str
    points: float


# (question, option, points): a push before it becomes a Push
_PushRow = tuple[str, str, float]


class _Pushes:
    """One role's pushes, worked out from the answers when first read.

    Listing, sorting and wrapping every answer's push on every role costs several
    times more than ranking the roles (200 answers x 20 roles make some 3,000
    pushes), and most readers need a few roles' pushes or none. So rank_roles keeps
    the answers' doubled pushes, shared by all roles, and each role works out its
    own on demand. Two are equal when they list the same pushes.
    """

    def __init__(
        self, answered: tuple[tuple[str, str, tuple[int, ...]], ...], index: int, span: int
    ) -> None:
        self._answered = answered  # (question, option, doubled push on every role)
        self._index = index
        self._span = span

    @cached_property
    def sides(self) -> tuple[tuple[_PushRow, ...], tuple[_PushRow, ...]]:
        """Return the pushes toward and away from the role, strongest first."""
        # (-strength, question, option), strength being twice the push in raw units
        toward: list[tuple[int, str, str]] = []
        away: list[tuple[int, str, str]] = []
        if self._span:
            for question, option, doubled in self._answered:
                push2 = doubled[self._index]
                if push2 > 0:
                    toward.append((-push2, question, option))
                elif push2 < 0:
                    away.append((push2, question, option))
        # strongest first; equal pushes in question-key order, so order of answers never
        # matters (a question is answered once, so the option never decides)
        toward.sort()
        away.sort()
        # 100 / span fit points per raw unit, halved because push2 is doubled
        scale = 50 / self._span if self._span else 0.0
        return (
            tuple((q, o, -p * scale) for p, q, o in toward),
            tuple((q, o, p * scale) for p, q, o in away),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Pushes):
            return NotImplemented
        return self.sides == other.sides

    def __hash__(self) -> int:
        return hash(self.sides)


@dataclass(frozen=True)
class RoleFit:
    """One role's place in the ranking; ``toward`` and ``away`` are built when first read."""

    role: str
    rank: int
    fit: Fraction
    percent: int
    raw: int
    lowest: int
    highest: int
    _pushes: _Pushes = field(repr=False)

    @cached_property
    def toward(self) -> tuple[Push, ...]:
        """The answers that pushed the fit up, strongest first."""
        return tuple(Push(q, o, points) for q, o, points in self._pushes.sides[0])

    @cached_property
    def away(self) -> tuple[Push, ...]:
        """The answers that pushed the fit down, strongest first."""
        return tuple(Push(q, o, points) for q, o, points in self._pushes.sides[1])


@dataclass(frozen=True)
class Outcome:
    ranking: tuple[RoleFit, ...]
    profile: Mapping[str, int | None]
    close_call: bool

    def as_dict(self, pushes_per_side: int | None = None) -> dict[str, Any]:
        """Return the outcome as JSON-ready data, best role first.

        ``pushes_per_side`` keeps only that many of each role's strongest pushes
        toward and away (all of them when None).
        """
        return {
            "ranking": [_role_fit_as_dict(f, pushes_per_side) for f in self.ranking],
            "profile": dict(self.profile),
            "close_call": self.close_call,
        }


def _role_fit_as_dict(fit: RoleFit, pushes_per_side: int | None) -> dict[str, Any]:
    # from the push rows rather than fit.toward and fit.away: storing a result needs
    # no Push objects, and building some 3,000 of them (200 answers x 20 roles) would
    # cost more than the scoring
    toward, away = fit._pushes.sides
    return {
        "role": fit.role,
        "rank": fit.rank,
        "fit": fit.percent,
        "raw": fit.raw,
        "lowest": fit.lowest,
        "highest": fit.highest,
        "toward": [[q, o, round(points, 1)] for q, o, points in toward[:pushes_per_side]],
        "away": [[q, o, round(points, 1)] for q, o, points in away[:pushes_per_side]],
    }


@dataclass(frozen=True)
class EffectTable:
    """An instrument compiled for fast scoring: every option's effect on every role.

    Build it once per quiz version with :meth:`from_instrument`; scoring a
    submission is then one lookup per answer and one column sum per total.
    """

    roles: tuple[Role, ...]
    dimension_keys: tuple[str, ...]
    # question -> option -> effect on each role, in the order of ``roles``
    effects: Mapping[str, Mapping[str, tuple[int, ...]]]
    # question -> per role, (smallest effect, largest effect) among its options
    bounds: Mapping[str, tuple[tuple[int, int], ...]]
    # question -> option -> weight on each dimension, in the order of ``dimension_keys``
    weights: Mapping[str, Mapping[str, tuple[int, ...]]]
    # question -> per dimension, (smallest weight, largest weight) among its options
    weight_bounds: Mapping[str, tuple[tuple[int, int], ...]]
    # Derived from the above, for rank_roles. question -> option -> what choosing it adds
    # to the totals, laid end to end (see _tally), and twice its push on each role in raw
    # units (2 * effect - q_low - q_high, a whole number).
    _choices: Mapping[str, Mapping[str, tuple[tuple[int, ...], tuple[int, ...]]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        choices = {
            question: {
                option: (
                    _tally(
                        effect,
                        self.bounds[question],
                        self.weights[question][option],
                        self.weight_bounds[question],
                    ),
                    tuple(
                        2 * e - low - high
                        for e, (low, high) in zip(effect, self.bounds[question], strict=True)
                    ),
                )
                for option, effect in options.items()
            }
            for question, options in self.effects.items()
        }
        object.__setattr__(self, "_choices", choices)  # the dataclass is frozen

    @classmethod
    def from_instrument(cls, instrument: Instrument) -> EffectTable:
        roles = tuple(instrument.roles)
        dims = tuple(d.key for d in instrument.dimensions)
        effects: dict[str, dict[str, tuple[int, ...]]] = {}
        bounds: dict[str, tuple[tuple[int, int], ...]] = {}
        weights: dict[str, dict[str, tuple[int, ...]]] = {}
        weight_bounds: dict[str, tuple[tuple[int, int], ...]] = {}
        for question in instrument.questions:
            if not question.options:
                continue
            per_option = {
                o.key: tuple(
                    sum(w * role.profile.get(d, 0) for d, w in o.weights.items()) for role in roles
                )
                for o in question.options
            }
            effects[question.key] = per_option
            bounds[question.key] = (
                tuple((min(col), max(col)) for col in zip(*per_option.values(), strict=True))
                if roles
                else ()
            )
            per_dim = {o.key: tuple(o.weights.get(d, 0) for d in dims) for o in question.options}
            weights[question.key] = per_dim
            weight_bounds[question.key] = (
                tuple((min(col), max(col)) for col in zip(*per_dim.values(), strict=True))
                if dims
                else ()
            )
        return cls(
            roles=roles,
            dimension_keys=dims,
            effects=effects,
            bounds=bounds,
            weights=weights,
            weight_bounds=weight_bounds,
        )


def _tally(
    effect: tuple[int, ...],
    bounds: tuple[tuple[int, int], ...],
    weights: tuple[int, ...],
    weight_bounds: tuple[tuple[int, int], ...],
) -> tuple[int, ...]:
    """Lay out what one answer adds to each total, so all totals are one column sum.

    Order: effect on each role, then the question's smallest and largest effect on
    each role, then the weight on each dimension, then the question's smallest and
    largest weight on each dimension. rank_roles slices the sums in the same order.
    """
    return (
        *effect,
        *(low for low, _ in bounds),
        *(high for _, high in bounds),
        *weights,
        *(low for low, _ in weight_bounds),
        *(high for _, high in weight_bounds),
    )


def rank_roles(table: EffectTable, answers: Mapping[str, str]) -> Outcome:
    """Score ``answers`` (question key -> option key) and rank every role.

    Ranking rule: higher exact fit first; equal fits are broken by the role's
    display position (lower first), then by its key in alphabetical order.
    Ranks are 1, 2, 3, ... with no shared ranks, so the order is total and the
    same answers always give the same ranking.

    Raises :class:`InvalidAnswer` for a question or option not in the table.
    """
    roles = table.roles
    n_roles = len(roles)
    n_dims = len(table.dimension_keys)
    tallies: list[tuple[int, ...]] = []
    answered: list[tuple[str, str, tuple[int, ...]]] = []
    for question, option in answers.items():
        options = table._choices.get(question)
        if options is None:
            raise InvalidAnswer(f"unknown question {question!r}")
        choice = options.get(option)
        if choice is None:
            raise InvalidAnswer(f"unknown option {option!r} for question {question!r}")
        tally, doubled_push = choice
        tallies.append(tally)
        answered.append((question, option, doubled_push))

    # Summing column by column (zip and sum run in C) rather than adding answer by
    # answer in Python is what makes scoring cheap: one C-level pass over the cells.
    if tallies:
        totals = [sum(column) for column in zip(*tallies, strict=True)]
    else:
        totals = [0] * (3 * n_roles + 3 * n_dims)
    raw = totals[:n_roles]
    low = totals[n_roles : 2 * n_roles]
    high = totals[2 * n_roles : 3 * n_roles]
    dim_sum = totals[3 * n_roles : 3 * n_roles + n_dims]
    dim_low = totals[3 * n_roles + n_dims : 3 * n_roles + 2 * n_dims]
    dim_high = totals[3 * n_roles + 2 * n_dims :]

    shared = tuple(answered)
    spans = [high[i] - low[i] for i in range(n_roles)]
    fits = [
        Fraction(100 * (raw[i] - low[i]), spans[i]) if spans[i] else Fraction(0)
        for i in range(n_roles)
    ]
    order = sorted(range(n_roles), key=lambda i: (-fits[i], roles[i].position, roles[i].key))
    ranking = tuple(
        RoleFit(
            role=roles[i].key,
            rank=rank,
            fit=fits[i],
            percent=round_half_up(fits[i]),
            raw=raw[i],
            lowest=low[i],
            highest=high[i],
            _pushes=_Pushes(shared, i, spans[i]),
        )
        for rank, i in enumerate(order, start=1)
    )
    profile: dict[str, int | None] = {
        key: (
            round_half_up(Fraction(100 * (dim_sum[j] - dim_low[j]), dim_high[j] - dim_low[j]))
            if dim_high[j] > dim_low[j]
            else None
        )
        for j, key in enumerate(table.dimension_keys)
    }
    close_call = len(ranking) >= 2 and ranking[0].percent - ranking[1].percent <= CLOSE_CALL_POINTS
    return Outcome(ranking=ranking, profile=profile, close_call=close_call)


def score_answers(instrument: Instrument, answers: Mapping[str, str]) -> Outcome:
    """Score ``answers`` against ``instrument``; build the table once and reuse it when you can."""
    return rank_roles(EffectTable.from_instrument(instrument), answers)


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction to the nearest whole number, halves upward."""
    return int((value + Fraction(1, 2)) // 1)


def answers_favouring(table: EffectTable, role: str) -> dict[str, str]:
    """Return, for every question, the option that most favours ``role`` over the others.

    Per question: the option with the largest effect on ``role``; among those,
    the one with the smallest total effect on the other roles; then the first
    in the question's order. Answering so gives ``role`` a fit of 100
    (or 0 when no question can move it).
    """
    index = [r.key for r in table.roles].index(role)
    answers: dict[str, str] = {}
    for question, options in table.effects.items():
        best = max(
            options.items(),
            key=lambda item: (item[1][index], -(sum(item[1]) - item[1][index])),
        )
        answers[question] = best[0]
    return answers


def random_answers(table: EffectTable, rng: random.Random) -> dict[str, str]:
    """Return one uniformly random option for every question."""
    return {q: rng.choice(list(options)) for q, options in table.effects.items()}


def top_role_shares(table: EffectTable, respondents: int, seed: int = 0) -> dict[str, float]:
    """Simulate uniformly random respondents; return each role's share of first places."""
    if respondents < 1:
        raise ValueError("respondents must be at least 1")
    rng = random.Random(seed)
    counts = dict.fromkeys((r.key for r in table.roles), 0)
    for _ in range(respondents):
        counts[rank_roles(table, random_answers(table, rng)).ranking[0].role] += 1
    return {role: count / respondents for role, count in counts.items()}
