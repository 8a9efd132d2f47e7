"""Quick mode: ask the most informative question next, and stop once the top role is settled.

Plain data in, plain data out, like :mod:`quiz.core.scoring`: this module imports only the
standard library and the scoring core.

The quiz is scored as always (see :mod:`quiz.core.scoring`); quick mode only decides which
question to ask next and when to stop asking.

What the full quiz would give
-----------------------------
Write ``S_r`` for role ``r``'s span over the WHOLE quiz (the sum over all questions of
its largest minus its smallest effect) and ``lo_r(q)`` for a question's smallest effect.
Had every question been answered, role ``r``'s fit would be::

    final_r = 100 * sum over all questions q of (e_r(q, a_q) - lo_r(q)) / S_r

(0 when ``S_r == 0``). This is the full quiz's normalisation, not the one over the
questions answered so far that :func:`quick_outcome` shows. For the *leader* ``L`` (the
top role of :func:`quick_outcome` on the answers so far) and a rival ``r``, the final
difference ``final_r - final_L`` is a sum of one term per question, the term of an
answered question fixed by its answer, the term of an unanswered one depending only on
the option that will be chosen there. So its largest value over every way the remaining
questions could be answered is exactly the fixed part plus, per remaining question, the
largest term among its options. :class:`Progress` calls the largest of these over all
rivals ``worst_case``, in fit points.

Stopping
--------
The quick result is shown with the fits of :func:`quick_outcome`; it is a *close call*
when its top two are within ``CLOSE_CALL_POINTS`` (as in the full quiz). A result that
names one role (decided, confident) is never a close call, and a close call is never
called settled: while the top two are that close, the quiz asks on (or stops as "no
single role"), even when the exact rule below already holds.

* **decided** (the exact rule, :attr:`Progress.decided`): for every rival, that largest
  value is below 0, or is 0 and the leader comes first in the ranking's tie order
  (display position, then key). Guarantee: whatever options the remaining questions
  would have been answered with, the full quiz ranks the leader first, so the quick
  result's top role is the one the full quiz would give. Only the top role is
  guaranteed: the other places and all fits may differ from the full quiz's. The rule is
  exact both ways: it holds if and only if no way of answering the remaining questions
  puts another role first. The quiz stops for it when the result is not a close call.
* **confident** (a heuristic, only when ``confidence < 1``): the result is not a close
  call and the estimated *chance* that the leader stays first is at least
  ``confidence``. The estimate treats each remaining answer as an independent, uniformly
  random option, approximates each rival's final difference by a normal distribution
  with that mean and variance, and subtracts the rivals' chances of finishing ahead from
  1 (a union bound, so it errs low). Nothing is guaranteed; ``bench/quick_mode.py``
  measures how often it agrees with the full quiz.
* **no_single_role** (a heuristic, only when ``confidence < 1``): the answers point to
  no single role. Precisely: the result is a close call, at least
  ``NO_SINGLE_ROLE_MIN_ANSWERED`` questions are answered, and the estimated chance that
  the full quiz ends with a *clear* first (a role ahead of every other by more than
  ``CLOSE_CALL_POINTS`` fit points, :attr:`Progress.clear_chance`) is at most
  ``NO_SINGLE_ROLE_CLEAR_CHANCE``. Under the same normal approximation that chance is at
  most ``min over rivals P(final_r - final_L < -c) + sum over rivals P(final_r - final_L
  > c)`` (``c = CLOSE_CALL_POINTS``): the leader is clear only if it is clear of every
  rival, and a rival is clear only if it is clear of the leader. The bound errs high, so
  the rule errs towards asking on.
* **complete**: every question has been answered (then the exact rule holds as well).

``confidence == 1`` stops only by the exact rule (and when complete): the quick top role
is then always the full quiz's.

Choosing the next question
--------------------------
The most informative unanswered question is the one whose answer is expected to move the
estimated chances the most. Under the same uniform, independent answers, a rival's
chance of finishing ahead is ``Phi(m_r / s_r)``, where ``m_r`` and ``s_r**2`` are the
mean and variance of its final difference with the leader. Answering question ``q``
fixes a part of that difference with variance ``v_r(q)``; to first order, the expected
squared change of the rival's chance is ``phi(m_r / s_r)**2 * v_r(q) / s_r**2``. A
question's *information* is the sum of this over the rivals the exact rule has not yet
ruled out, so an even contest counts for more than a long shot, and a question that
moves the leader and a rival alike counts for nothing. Ties: the largest total
worst-case movement (largest minus smallest term, in fit points) over those rivals,
which decides when every chance is so certain that the information underflows to 0;
then the earliest in the question order (``asked_order``, by default the bank's).
Once the exact rule has ruled out every rival but the result is still a close call, the
question is chosen the same way for the rivals within the close-call band, with the
chance of finishing *clearly* behind (by more than ``CLOSE_CALL_POINTS``) in place of
the chance of finishing behind: what is left to learn is whether the gap opens. The
choice does not depend on ``confidence``, so a lower confidence asks a prefix of the
same questions; and the same answers, in any order, always give the same question.

Questions left
--------------
:attr:`Progress.most_left` is the number of unanswered questions while the quiz goes on
(0 once it stops): the quiz may ask every one of them and never more, so it is a true
upper bound of what is left to ask, the question about to be asked included.

The estimates use floating point; the exact rule and ``worst_case`` use integers and
fractions, so they never depend on rounding or on the order of the questions.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

from quiz.core.scoring import CLOSE_CALL_POINTS, EffectTable, Outcome, rank_roles

MODES: Final = ("full", "quick")

# Chosen with bench/quick_mode.py: see docs/quick-mode.md for the figures.
DEFAULT_CONFIDENCE: Final = 0.85
# "No single role": the result is a close call after at least this many answers, and a
# clear first in the full quiz has at most this estimated chance. Chosen with the bench.
NO_SINGLE_ROLE_MIN_ANSWERED: Final = 8
NO_SINGLE_ROLE_CLEAR_CHANCE: Final = 0.10

Reason = Literal["complete", "decided", "confident", "no_single_role"]


@dataclass(frozen=True)
class Progress:
    """Where a quick quiz stands: who leads, how settled that is, and whether to stop."""

    leader: str | None  # top role of quick_outcome on the answers so far (None: no roles)
    answered: int
    total: int
    # the rival that could finish furthest ahead of the leader (on a tie, the first in the
    # ranking's tie order), and by how many fit points of the full quiz (below 0: it cannot
    # catch up); None and 0 when there is no rival
    rival: str | None
    worst_case: Fraction
    # estimated chance that the leader stays first (1.0 once decided); see the module doc
    chance: float
    reason: Reason | None  # why to stop; None: keep asking
    # second of quick_outcome on the answers so far (None: a single role)
    runner_up: str | None = None
    # the exact rule: no way of answering the rest puts another role first
    decided: bool = False
    # quick_outcome's top two are within CLOSE_CALL_POINTS
    close_call: bool = False
    # estimated chance (an upper bound) that the full quiz ends with one role ahead of all
    # others by more than CLOSE_CALL_POINTS; see "no_single_role" in the module doc
    clear_chance: float = 1.0

    @property
    def stop(self) -> bool:
        return self.reason is not None

    @property
    def most_left(self) -> int:
        """The most questions the quiz can still ask, the next one included (0: stopped)."""
        return 0 if self.stop else self.total - self.answered


@dataclass(frozen=True)
class _Pair:
    """The terms of one rival's final difference with one leader, in exact units.

    ``final_r - final_L = unit * (sum of the chosen options' terms)`` fit points.
    """

    unit: Fraction
    # question -> option -> term
    terms: Mapping[str, Mapping[str, int]]
    # question -> (largest term, smallest term, mean term, variance of the term, largest
    # minus smallest term); the last three in fit points, under a uniformly random option
    spread: Mapping[str, tuple[int, int, float, float, float]]


class _Plan:
    """One table's pairs of roles, worked out once per leader and kept with the table."""

    def __init__(self, table: EffectTable) -> None:
        # the table's mappings, not the table: the cache below must not keep the table alive
        self.effects = table.effects
        self.bounds = table.bounds
        self.questions = tuple(table.effects)
        self.roles = tuple(r.key for r in table.roles)
        tie_order = sorted(range(len(self.roles)), key=lambda i: _tie_key(table, i))
        self.tie_rank = {i: rank for rank, i in enumerate(tie_order)}
        self.spans = tuple(
            sum(high - low for low, high in (table.bounds[q][i] for q in self.questions))
            for i in range(len(self.roles))
        )
        self._pairs: dict[int, tuple[_Pair, ...]] = {}

    def pairs(self, leader: int) -> tuple[_Pair, ...]:
        """Return every role's pair with ``leader``, in role order (the leader's own is empty)."""
        found = self._pairs.get(leader)
        if found is None:
            found = tuple(self._pair(rival, leader) for rival in range(len(self.roles)))
            self._pairs[leader] = found
        return found

    def _pair(self, rival: int, leader: int) -> _Pair:
        span_r, span_l = self.spans[rival], self.spans[leader]
        # final_r - final_L = 100 * (x_r / span_r - x_L / span_L), x being raw minus lowest;
        # times span_r * span_L it is a whole number. A role with span 0 has fit 0: its
        # coefficient is 0 and its span counts as 1.
        coef_r = (span_l or 1) if span_r else 0
        coef_l = (span_r or 1) if span_l else 0
        denominator = (span_r or 1) * (span_l or 1)
        unit = Fraction(100, denominator)
        if rival == leader:
            coef_r = coef_l = 0
        terms: dict[str, dict[str, int]] = {}
        spread: dict[str, tuple[int, int, float, float, float]] = {}
        for q, options in self.effects.items():
            low_r, low_l = self.bounds[q][rival][0], self.bounds[q][leader][0]
            row = {
                o: coef_r * (e[rival] - low_r) - coef_l * (e[leader] - low_l)
                for o, e in options.items()
            }
            values = row.values()
            k, total = len(row), sum(values)
            squares = sum(v * v for v in values)
            largest, smallest = max(values), min(values)
            # whole numbers divided once: correctly rounded, and far quicker than Fractions
            mean = 100 * total / (k * denominator)
            variance = 10_000 * (k * squares - total * total) / (k * k * denominator**2)
            movement = 100 * (largest - smallest) / denominator
            terms[q] = row
            spread[q] = (largest, smallest, mean, variance, movement)
        return _Pair(unit=unit, terms=terms, spread=spread)


def _tie_key(table: EffectTable, index: int) -> tuple[int, str]:
    role = table.roles[index]
    return (role.position, role.key)


# id(table) -> (a weak reference to it, its plan). EffectTable compares by value and holds
# dicts, so it cannot be hashed; the weak reference drops the plan with the table.
_plans: dict[int, tuple[weakref.ref[EffectTable], _Plan]] = {}


def _plan_for(table: EffectTable) -> _Plan:
    key = id(table)
    entry = _plans.get(key)
    if entry is not None and entry[0]() is table:
        return entry[1]
    plan = _Plan(table)
    _plans[key] = (weakref.ref(table, functools.partial(_forget, _plans, key)), plan)
    return plan


def _forget(
    plans: dict[int, tuple[weakref.ref[EffectTable], _Plan]],
    key: int,
    ref: weakref.ref[EffectTable],
) -> None:
    """Drop a collected table's plan (unless a newer table with the same id has replaced it)."""
    entry = plans.get(key)
    if entry is not None and entry[0] is ref:
        plans.pop(key, None)


@dataclass(frozen=True)
class _Assessment:
    progress: Progress
    leader: int
    # the rivals a question's information is about, with their weight in it: those the exact
    # rule has not ruled out, or, once it has ruled out all, those within the close-call band
    open_rivals: tuple[tuple[int, float], ...]


def _normal_upper(z: float) -> float:
    """Return P(X >= -z) for a standard normal X, i.e. Phi(z)."""
    return 0.5 * math.erfc(-z / math.sqrt(2))


def _normal_below(x: float, mean: float, sd: float) -> float:
    """Return P(X < x) for X normal with ``mean`` and ``sd`` (a step when sd is 0)."""
    if sd == 0:
        return 1.0 if mean < x else 0.0
    return _normal_upper((x - mean) / sd)


def _weight(mean: float, variance: float) -> float:
    """Return how much a question's variance for a pair counts: phi(z)**2 / variance."""
    if variance <= 0:
        return 0.0
    z = mean / math.sqrt(variance)
    density = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    return density * density / variance


def _assess(table: EffectTable, answers: Mapping[str, str], confidence: float) -> _Assessment:
    if not 0 < confidence <= 1:
        raise ValueError("confidence must be in (0, 1]")
    outcome = rank_roles(table, answers)  # also refuses unknown questions and options
    ranking = outcome.ranking
    plan = _plan_for(table)
    total, answered = len(plan.questions), len(answers)
    if not ranking:
        progress = Progress(None, answered, total, None, Fraction(0), 1.0, "decided", decided=True)
        return _Assessment(progress, -1, ())
    leader = plan.roles.index(ranking[0].role)
    runner_up = ranking[1].role if len(ranking) > 1 else None
    close_call = outcome.close_call
    remaining = [q for q in plan.questions if q not in answers]
    band = float(CLOSE_CALL_POINTS)
    shown = {fit.role: fit.percent for fit in ranking}
    shown_top = ranking[0].percent

    worst: tuple[Fraction, int] | None = None  # (worst case, -tie rank) of the closest rival
    rival_key: str | None = None
    risk = 0.0
    leader_clear = 1.0  # upper bound of P(the leader ends clear of every rival)
    rivals_clear = 0.0  # sum of P(a rival ends clear of the leader)
    open_rivals: list[tuple[int, float]] = []
    band_rivals: list[tuple[int, float]] = []  # within the close-call band, for asking on
    for rival, pair in enumerate(plan.pairs(leader)):
        if rival == leader:
            continue
        fixed = sum(pair.terms[q][o] for q, o in answers.items())
        spreads = [pair.spread[q] for q in remaining]
        largest = fixed + sum(s[0] for s in spreads)
        worst_case = pair.unit * largest
        leader_first = plan.tie_rank[leader] < plan.tie_rank[rival]
        candidate = (worst_case, -plan.tie_rank[rival])
        if worst is None or candidate > worst:
            worst, rival_key = candidate, plan.roles[rival]
        mean = float(pair.unit * fixed) + sum(s[2] for s in spreads)
        variance = sum(s[3] for s in spreads)
        sd = math.sqrt(variance) if variance > 0 else 0.0
        leader_clear = min(leader_clear, _normal_below(-band, mean, sd))
        rivals_clear += 1.0 - _normal_below(band, mean, sd)
        if shown[plan.roles[rival]] >= shown_top - CLOSE_CALL_POINTS:
            band_rivals.append((rival, _weight(mean + band, variance)))
        if largest < 0 or (largest == 0 and leader_first):
            continue  # ruled out: no completion puts this rival first
        # sd 0: nothing left moves this pair, and the exact rule says the rival finishes ahead
        risk += _normal_upper(mean / sd) if sd > 0 else 1.0
        open_rivals.append((rival, _weight(mean, variance)))

    decided = not open_rivals
    chance = 1.0 if decided else max(0.0, 1.0 - risk)
    clear_chance = min(1.0, leader_clear + rivals_clear)
    heuristics = confidence < 1
    reason: Reason | None
    if not remaining:
        reason = "complete"
    elif close_call:
        no_single_role = (
            answered >= NO_SINGLE_ROLE_MIN_ANSWERED and clear_chance <= NO_SINGLE_ROLE_CLEAR_CHANCE
        )
        reason = "no_single_role" if heuristics and no_single_role else None
    elif decided:
        reason = "decided"
    elif heuristics and chance >= confidence:
        reason = "confident"
    else:
        reason = None
    progress = Progress(
        leader=plan.roles[leader],
        answered=answered,
        total=total,
        rival=rival_key,
        worst_case=worst[0] if worst is not None else Fraction(0),
        chance=chance,
        reason=reason,
        runner_up=runner_up,
        decided=decided,
        close_call=close_call,
        clear_chance=clear_chance,
    )
    # once the top role is decided but still a close call, what is left to learn is
    # whether the gap to the roles within the band opens
    asking_about = tuple(open_rivals) if open_rivals else tuple(band_rivals)
    return _Assessment(progress, leader, asking_about)


def progress(
    table: EffectTable, answers: Mapping[str, str], *, confidence: float = DEFAULT_CONFIDENCE
) -> Progress:
    """Return where a quick quiz with ``answers`` stands, and whether and why to stop.

    The stop rules are in the module docstring. Raises :class:`InvalidAnswer` for an
    unknown question or option and ValueError for a confidence outside (0, 1].
    """
    return _assess(table, answers, confidence).progress


def should_stop(
    table: EffectTable, answers: Mapping[str, str], *, confidence: float = DEFAULT_CONFIDENCE
) -> bool:
    """Return whether a quick quiz with ``answers`` should stop asking (see :func:`progress`)."""
    return _assess(table, answers, confidence).progress.stop


def next_question(
    table: EffectTable,
    answers: Mapping[str, str],
    *,
    asked_order: Sequence[str] | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> str | None:
    """Return the most informative unanswered question, or None when the quiz should stop.

    "Most informative" and its tie-breaks are defined in the module docstring; the last
    tie-break is the position in ``asked_order``, which must list every question of the
    table once (by default the table's order). Raises :class:`InvalidAnswer` for an
    unknown question or option in ``answers`` and ValueError for a bad ``asked_order``.
    """
    assessment = _assess(table, answers, confidence)
    plan = _plan_for(table)
    if asked_order is None:
        order: Sequence[str] = plan.questions
    else:
        order = asked_order
        if len(order) != len(plan.questions) or set(order) != set(plan.questions):
            raise ValueError("asked_order must list every question of the table once")
    if assessment.progress.stop:
        return None
    pairs = plan.pairs(assessment.leader)
    best: str | None = None
    best_key: tuple[float, float] | None = None
    for q in order:
        if q in answers:
            continue
        information = movement = 0.0
        for rival, weight in assessment.open_rivals:
            spread = pairs[rival].spread[q]
            information += weight * spread[3]
            movement += spread[4]
        key = (information, movement)
        if best_key is None or key > best_key:  # strictly greater: earlier questions win ties
            best, best_key = q, key
    return best


def quick_outcome(table: EffectTable, answers: Mapping[str, str]) -> Outcome:
    """Rank the roles on the answers given; the fits are over the questions answered only.

    This is :func:`quiz.core.scoring.rank_roles` unchanged: each fit places the raw score between
    the lowest and highest possible *for the questions answered*, so it is not the fit the
    full quiz would show. When the quiz stopped as "decided", the top role is the full quiz's.
    """
    return rank_roles(table, answers)
