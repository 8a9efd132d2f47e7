"""How well one published quiz version measures: the assessment-quality report.

Plain data in, plain data out, like :mod:`quiz.core.scoring`: this module imports
nothing from Flask, SQLAlchemy or the models. The caller loads the version's
:class:`~quiz.core.scoring.EffectTable` and its stored, careful responses (each a dict
question key -> option key) and gets back numbers and plain-language warnings, as
:class:`~quiz.core.messages.Message` objects worded where the report is shown.

The parts of the report
-----------------------
* **Careless answers** are flagged when a result is stored (:mod:`quiz.core.careless`),
  so the statistics below, which are given careful responses only, leave them out.
* **Separation** (:func:`question_separation`) comes from the weights alone: for
  each question and each pair of roles, how many fit points choosing among its
  options can move one role's fit relative to the other's. A question that
  separates no pair cannot change anyone's ranking.
* **Equal say** (:func:`question_say`), from the weights alone: each question's
  range on each role as a share of the role's span. A question whose range is far
  above the median range of the questions moving a role outweighs the rest.
* **Balance** (:func:`random_balance`): how often each role comes out on top
  when every question is answered at random. A fair quiz gives each role about
  an even share.
* **Answer styles** and **keying balance** (:mod:`quiz.core.response_styles`): how
  often each role comes out on top for people who answer the agreement statements by
  habit (all "Strongly agree", the midpoint only, ...), and how each role's agreement
  range splits between agree- and disagree-keyed statements. The caller says which
  questions are agreement statements: the effect table cannot tell.
* **Reliability** (:func:`scale_reliability`): each role's *scale* is the
  questions whose options do not all have the same effect on it; a response's
  *item score* on a question is the chosen option's effect on the role (raw
  units). Cronbach's alpha says how consistently the scale's questions measure
  together, and each question's item-rest correlation says whether it agrees
  with the rest of the scale.

Only complete responses count towards a scale's statistics: those answering
every question in that scale with one of its options. A response stored for an
earlier version may miss a question a later version added; it is left out of
every scale that question belongs to, and still counts for the others.

The thresholds behind the warnings are the module constants below; each says
why it has the value it has.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import cast

from quiz.core.messages import N_, Figure, Message, plural_message
from quiz.core.response_styles import (
    KEYED_SHARE_HIGH,
    KEYED_SHARE_LOW,
    STYLE_RESPONDENTS,
    KeyingBalance,
    StyleBalance,
    count_first_places,
    keying_balance,
    style_balance,
)
from quiz.core.scoring import EffectTable

# --- warnings -----------------------------------------------------------------------------

# A question whose strongest pair of roles moves less than this (fit points) against each
# other separates nothing: every answer moves the roles alike.
NO_SEPARATION_POINTS = 0.5
# Under this, a question separates roles too little to matter much in a ranking.
WEAK_SEPARATION_POINTS = 2.0
# A role's share of first places under random answers, as a multiple of the even share,
# outside which the quiz leans towards or away from that role.
HIGH_SHARE = 1.5
LOW_SHARE = 0.5
# Cronbach's alpha under this is conventionally "questionable" or worse.
LOW_ALPHA = 0.6
# An item-rest correlation below this is a question that runs against its scale. The
# small margin below zero keeps sampling noise around zero from raising a warning.
AGAINST_SCALE = -0.05
# From AGAINST_SCALE up to this, a question is only weakly related to its scale: a note,
# not a warning.
WEAKLY_RELATED = 0.1
# Reliability is worked out once this many responses answer every question, unless the
# caller says otherwise: the app passes its STATISTICS_MINIMUM_RESULTS setting.
MIN_RESPONSES = 50
# Simulated random respondents for the balance.
RANDOM_RESPONDENTS = 5000
# A question whose range on a role is more than this multiple of the median range, over the
# questions that move the role, has an outsized say in that role's fit: one answer to it
# moves the fit as much as several typical questions together. Twice the median leaves room
# for the ordinary spread of a well-built bank (a statement weighing 2 where most weigh 1 is
# still fine); three times is one question doing the work of three.
OUTSIZED_SAY = 2

RolePair = tuple[str, str]
_NO_GAPS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RoleShare:
    """How often a role came out on top under uniformly random answers."""

    role: str
    share: float
    even_share: float


@dataclass(frozen=True)
class ScaleReliability:
    """How consistently one role's scale measures, from the complete responses."""

    role: str
    questions: tuple[str, ...]
    responses: int  # the complete responses used
    alpha: float | None
    item_rest: dict[str, float | None]


@dataclass(frozen=True)
class RoleSay:
    """How much say each question has in one role's fit, from the weights alone."""

    role: str
    span: int  # the role's highest minus lowest raw score over the whole quiz
    ranges: dict[str, int]  # question -> largest minus smallest effect among its options
    # the median range over the questions that move the role; None when none does
    median: Fraction | None

    @property
    def shares(self) -> dict[str, float]:
        """Return each question's range as a share of the role's span (0 with no span)."""
        return {q: r / self.span if self.span else 0.0 for q, r in self.ranges.items()}

    @property
    def largest_to_median(self) -> float | None:
        """Return the largest range over the median range; None when no question moves it."""
        return float(max(self.ranges.values()) / self.median) if self.median else None

    @property
    def outsized(self) -> list[str]:
        """Return the questions whose range is more than OUTSIZED_SAY times the median."""
        median = self.median
        if median is None:
            return []
        return [q for q, r in self.ranges.items() if r > OUTSIZED_SAY * median]


@dataclass(frozen=True)
class QualityReport:
    """Everything the quality page shows about one quiz version."""

    # question -> (role a, role b) -> fit points its options can move a relative to b
    separation: dict[str, dict[RolePair, float]]
    # question -> its strongest pair and how far it separates them; None with under 2 roles
    strongest: dict[str, tuple[RolePair, float] | None]
    balance: list[RoleShare]
    # empty until complete_responses reaches min_responses
    reliability: list[ScaleReliability]
    # per role, each question's say in its fit
    say: list[RoleSay]
    # None when the caller did not say which questions are agreement statements; empty
    # styles when there are none
    styles: list[StyleBalance] | None
    keying: list[KeyingBalance] | None
    responses: int  # every response given
    complete_responses: int  # those answering every question of the version
    min_responses: int
    warnings: list[Message]  # clear problems, worth fixing
    notes: list[Message]  # worth knowing, not necessarily wrong

    @property
    def reliability_ready(self) -> bool:
        return self.complete_responses >= self.min_responses

    @property
    def responses_needed(self) -> int:
        """Return how many more complete responses reliability waits for (0 once ready)."""
        return max(0, self.min_responses - self.complete_responses)


# --- separation ---------------------------------------------------------------------------


def role_spans(table: EffectTable) -> list[int]:
    """Return each role's highest minus lowest possible raw score over the whole quiz."""
    return [
        sum(bounds[i][1] - bounds[i][0] for bounds in table.bounds.values())
        for i in range(len(table.roles))
    ]


def question_separation(table: EffectTable) -> dict[str, dict[RolePair, float]]:
    """Return, per question and pair of roles, the fit points its options can move between them.

    With every question answered, an option with effect ``e`` on role ``r`` adds
    ``100 * e / span_r`` fit points to it, ``span_r`` being the role's highest minus
    lowest raw score over the whole quiz (a role with span 0 gets no points). For
    roles ``a`` and ``b`` a question's separation is the range, over its options, of
    ``a``'s points minus ``b``'s: how far choosing among them can move ``a``'s fit
    relative to ``b``'s. Pairs are unordered, listed in the order of ``table.roles``.
    """
    keys = [r.key for r in table.roles]
    spans = role_spans(table)
    pairs = list(combinations(range(len(keys)), 2))
    separation: dict[str, dict[RolePair, float]] = {}
    for question, options in table.effects.items():
        points = [
            [
                Fraction(100 * e, span) if span else Fraction(0)
                for e, span in zip(effect, spans, strict=True)
            ]
            for effect in options.values()
        ]
        row: dict[RolePair, float] = {}
        for a, b in pairs:
            moves = [p[a] - p[b] for p in points]
            row[(keys[a], keys[b])] = float(max(moves) - min(moves))
        separation[question] = row
    return separation


def strongest_pair(pairs: Mapping[RolePair, float]) -> tuple[RolePair, float] | None:
    """Return the pair a question separates most and by how much; the first such on a tie.

    None when there are no pairs (a quiz with fewer than two roles).
    """
    best: tuple[RolePair, float] | None = None
    for pair, points in pairs.items():
        if best is None or points > best[1]:
            best = (pair, points)
    return best


# --- equal say ----------------------------------------------------------------------------


def median(values: Sequence[int]) -> Fraction | None:
    """Return the exact median of whole numbers (the mean of the middle two for an even
    count); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def question_say(table: EffectTable) -> list[RoleSay]:
    """Return, per role in the order of ``table.roles``, how much say each question has.

    A question's *range* on a role is its largest minus its smallest effect among its
    options; its share is that range over the role's span (the sum of the ranges,
    :func:`role_spans`). With every question answered, choosing along a question's whole
    range moves the role's fit by its share times 100 points. The median is taken over
    the questions that move the role (range above 0): questions that never touch a role
    would otherwise pull its median down to 0, and any question that does would stand
    out.
    """
    spans = role_spans(table)
    result = []
    for index, role in enumerate(table.roles):
        ranges = {q: bounds[index][1] - bounds[index][0] for q, bounds in table.bounds.items()}
        result.append(
            RoleSay(
                role=role.key,
                span=spans[index],
                ranges=ranges,
                median=median([r for r in ranges.values() if r > 0]),
            )
        )
    return result


# --- statistics ---------------------------------------------------------------------------


def _comoment(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Return ``n`` times the sum of products of deviations from the means.

    ``n * sum((x - mean_x) * (y - mean_y))`` is ``n * sum(xy) - sum(x) * sum(y)``,
    which whole numbers (item scores are) give exactly, so a variance is exactly zero
    when it should be. Other numbers are summed in two passes with :func:`math.fsum`.
    """
    n = len(xs)
    sx, sy = sum(xs), sum(ys)
    if type(sx) is int and type(sy) is int:  # only whole numbers add up to an int
        return n * sum(map(operator.mul, xs, ys)) - sx * sy
    mx = math.fsum(xs) / n
    my = math.fsum(ys) / n
    return n * math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))


def _correlation(sxy: float, sxx: float, syy: float) -> float | None:
    """Return the correlation from (scaled) co-moments; None when a variance is zero."""
    if sxx <= 0 or syy <= 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx) / math.sqrt(syy)))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Return Pearson's correlation of ``xs`` and ``ys``; None when either has no variance."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs two sequences of the same length")
    # equal floats can leave a rounding speck of variance; equal values have none
    if len(xs) < 2 or min(xs) == max(xs) or min(ys) == max(ys):
        return None
    return _correlation(_comoment(xs, ys), _comoment(xs, xs), _comoment(ys, ys))


def cronbach_alpha(items: Sequence[Sequence[float]]) -> float | None:
    """Return Cronbach's alpha; ``items[i][r]`` is respondent ``r``'s score on item ``i``.

    ``alpha = k / (k - 1) * (1 - sum of item variances / variance of the totals)``
    for ``k`` items. None with fewer than 2 items or 2 respondents, or when every
    respondent has the same total.
    """
    return _scale_statistics(items)[0]


def item_rest_correlations(items: Sequence[Sequence[float]]) -> list[float | None]:
    """Return each item's correlation with the sum of the other items (None without variance)."""
    return _scale_statistics(items)[1]


def _scale_statistics(
    items: Sequence[Sequence[float]],
) -> tuple[float | None, list[float | None]]:
    """Return Cronbach's alpha and the item-rest correlations, sharing the work.

    For whole numbers the item-rest correlations come from each item's co-moments with
    the total: with rest = total - item, cov(item, rest) = cov(item, total) - var(item)
    and var(rest) = var(total) - 2 cov(item, total) + var(item), exactly.
    """
    if len({len(item) for item in items}) > 1:
        raise ValueError("every item needs one score per respondent")
    if not items:
        return None, []
    totals = list(items[0])
    for item in items[1:]:  # item by item, so each addition runs over a whole column in C
        totals = list(map(operator.add, totals, item))
    stt = _comoment(totals, totals) if len(totals) >= 2 else 0
    siis = [_comoment(item, item) if len(totals) >= 2 else 0 for item in items]
    k = len(items)
    alpha = k / (k - 1) * (1 - math.fsum(siis) / stt) if k >= 2 and stt > 0 else None
    if type(sum(totals)) is int:
        rests: list[float | None] = []
        for item, sii in zip(items, siis, strict=True):
            sit = _comoment(item, totals) if len(totals) >= 2 else 0
            rests.append(_correlation(sit - sii, sii, stt - 2 * sit + sii))
    else:
        rests = [pearson(item, list(map(operator.sub, totals, item))) for item in items]
    return alpha, rests


# --- role scales --------------------------------------------------------------------------


def role_scale(table: EffectTable, role: str) -> tuple[str, ...]:
    """Return the questions whose options do not all have the same effect on ``role``."""
    index = [r.key for r in table.roles].index(role)
    return tuple(q for q, bounds in table.bounds.items() if bounds[index][0] != bounds[index][1])


def scale_reliability(
    table: EffectTable, responses: Sequence[Mapping[str, str]]
) -> list[ScaleReliability]:
    """Return each role's scale statistics, in the order of ``table.roles``.

    A response counts for a scale only when it answers every question in the scale
    with one of its options; its item score on a question is the chosen option's
    effect on the role.
    """
    n = len(responses)
    # question -> the effects of each response's answer on every role; None where the
    # response does not answer it with one of its options
    columns = {
        q: list(map(options.get, map(operator.methodcaller("get", q, ""), responses)))
        for q, options in table.effects.items()
    }
    gaps: dict[int, set[str]] = {}  # response -> the questions it misses
    for q, column in columns.items():
        if None not in column:  # the usual case, checked in C
            continue
        for r in [r for r, effect in enumerate(column) if effect is None]:
            gaps.setdefault(r, set()).add(q)
    result = []
    for index, role in enumerate(table.roles):
        scale = role_scale(table, role.key)
        on_role = operator.itemgetter(index)
        kept = [r for r in range(n) if gaps.get(r, _NO_GAPS).isdisjoint(scale)]
        items: list[list[int]] = []
        for q in scale:
            column = columns[q]
            effects = column if len(kept) == n else [column[r] for r in kept]
            # kept responses answer every question of the scale: no None here
            items.append(list(map(on_role, cast(list[tuple[int, ...]], effects))))
        alpha, rests = _scale_statistics(items)
        result.append(
            ScaleReliability(
                role=role.key,
                questions=scale,
                responses=len(kept),
                alpha=alpha,
                item_rest=dict(zip(scale, rests, strict=True)),
            )
        )
    return result


# --- balance ------------------------------------------------------------------------------


def random_balance(
    table: EffectTable, respondents: int = RANDOM_RESPONDENTS, seed: int = 0
) -> list[RoleShare]:
    """Return each role's share of first places under uniformly random answers.

    The same shares as :func:`quiz.core.scoring.top_role_shares` (the same random answers,
    drawn from the same seed, ranked by the same rule), worked out some ten times
    faster by :func:`quiz.core.response_styles.count_first_places` (with every question
    answered, each role's lowest and highest raw score are fixed, so only the raw scores
    need adding up). Ties go to the lower display position, then the key, as in
    :func:`quiz.core.scoring.rank_roles`.
    """
    if respondents < 1:
        raise ValueError("respondents must be at least 1")
    roles = table.roles
    if not roles:
        return []
    counts = count_first_places(table, respondents, random.Random(seed))
    even = 1 / len(roles)
    return [
        RoleShare(role=role.key, share=count / respondents, even_share=even)
        for role, count in zip(roles, counts, strict=True)
    ]


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightFigures:
    """The report's figures that come from the weights alone, the same for a version forever.

    Working them out (chiefly the simulated respondents) costs most of the report, so a
    caller showing the report more than once can keep them (:func:`weight_figures`).
    """

    separation: dict[str, dict[RolePair, float]]
    strongest: dict[str, tuple[RolePair, float] | None]
    say: list[RoleSay]
    balance: list[RoleShare]
    styles: list[StyleBalance] | None
    keying: list[KeyingBalance] | None
    # the agreement questions the styles and keying were worked out for; None when not given
    agreement: Mapping[str, Sequence[str]] | None


def weight_figures(
    table: EffectTable,
    *,
    respondents: int = RANDOM_RESPONDENTS,
    agreement: Mapping[str, Sequence[str]] | None = None,
    style_respondents: int = STYLE_RESPONDENTS,
) -> WeightFigures:
    """Return separation, equal say, random balance, answer styles and keying of ``table``.

    ``agreement`` maps each agreement question to its option keys in level order (see
    :mod:`quiz.core.response_styles`); without it the answer styles and the keying
    balance are left out (None). The random balance and the answer styles use fixed
    seeds, so the same inputs always give the same figures.
    """
    separation = question_separation(table)
    return WeightFigures(
        separation=separation,
        strongest={q: strongest_pair(pairs) for q, pairs in separation.items()},
        say=question_say(table),
        balance=random_balance(table, respondents),
        styles=None if agreement is None else style_balance(table, agreement, style_respondents),
        keying=None if agreement is None else keying_balance(table, agreement),
        agreement=agreement,
    )


def quality_report(
    table: EffectTable,
    responses: Sequence[Mapping[str, str]],
    *,
    question_labels: Mapping[str, Message | str],
    role_names: Mapping[str, str],
    min_responses: int = MIN_RESPONSES,
    respondents: int = RANDOM_RESPONDENTS,
    agreement: Mapping[str, Sequence[str]] | None = None,
    style_respondents: int = STYLE_RESPONDENTS,
    figures: WeightFigures | None = None,
) -> QualityReport:
    """Return the quality report of one quiz version from its careful responses.

    ``question_labels`` names each question as the owner knows it (``Question 12
    (“I enjoy …”)``); ``role_names`` gives each role's display name. The warnings and
    notes are messages, worded where the report is shown. Reliability is
    worked out only once ``min_responses`` responses answer every question of the
    version. ``figures`` are :func:`weight_figures` of ``table`` kept from before; when
    None they are worked out here from ``respondents``, ``agreement`` and
    ``style_respondents`` (see there).
    """
    if figures is None:
        figures = weight_figures(
            table,
            respondents=respondents,
            agreement=agreement,
            style_respondents=style_respondents,
        )
    agreement = figures.agreement
    separation, strongest, say = figures.separation, figures.strongest, figures.say
    balance, styles, keying = figures.balance, figures.styles, figures.keying
    complete = sum(
        1
        for response in responses
        if all(response.get(q) in options for q, options in table.effects.items())
    )
    reliability = scale_reliability(table, responses) if complete >= min_responses else []

    def question(key: str) -> Message | str:
        return question_labels.get(key) or Message(N_("Question %(key)s"), {"key": key})

    def role(key: str) -> str:
        return role_names.get(key, key)

    warnings: list[Message] = []
    notes: list[Message] = []
    for key, best in strongest.items():
        if best is None:
            continue
        _pair, points = best
        if points < NO_SEPARATION_POINTS:
            warnings.append(
                Message(
                    N_(
                        "%(question)s does not separate any two roles: "
                        "every answer moves them alike."
                    ),
                    {"question": question(key)},
                )
            )
        elif points < WEAK_SEPARATION_POINTS:
            warnings.append(
                Message(
                    N_("%(question)s barely separates any roles (at most %(points)s fit points)."),
                    {"question": question(key), "points": Figure(points, 1)},
                )
            )
    for role_say in say:
        typical = role_say.median
        if typical is None:  # no question moves the role
            continue
        for key in role_say.outsized:
            warnings.append(
                Message(
                    N_(
                        "%(question)s has an outsized say in %(role)s: its answers span "
                        "%(share)s%% of the role's range, %(times)s times as much as the "
                        "median question that moves it (%(median)s%%)."
                    ),
                    {
                        "question": question(key),
                        "role": role(role_say.role),
                        "share": Figure(role_say.shares[key] * 100, 1),
                        "times": Figure(float(role_say.ranges[key] / typical), 1),
                        "median": Figure(float(typical / role_say.span) * 100, 1),
                    },
                )
            )
    for share in balance:
        if not (LOW_SHARE * share.even_share <= share.share <= HIGH_SHARE * share.even_share):
            warnings.append(
                Message(
                    N_(
                        "Under random answers %(role)s comes out on top %(share)s%% of the time, "
                        "against an even share of %(even)s%%."
                    ),
                    {
                        "role": role(share.role),
                        "share": Figure(share.share * 100, 0),
                        "even": Figure(share.even_share * 100, 0),
                    },
                )
            )
    for style in styles or ():
        for key in style.leaders:
            warnings.append(
                Message(
                    N_(
                        "People who answer %(style)s put %(role)s on top %(share)s%% of the "
                        "time, against an even share of %(even)s%%: the quiz rewards a habit "
                        "of answering."
                    ),
                    {
                        "style": Message(style.style.name),
                        "role": role(key),
                        # to a tenth: the limit, 45% with three roles, is a whole percent
                        "share": Figure(style.shares[key] * 100, 1),
                        "even": Figure(style.even_share * 100, 0),
                    },
                )
            )
    for balance_of_role in keying or ():
        agree_share = balance_of_role.agree_share
        if not balance_of_role.lopsided or agree_share is None:
            continue
        if agree_share > KEYED_SHARE_HIGH:
            text = N_(
                "%(share)s%% of what the agreement statements can move %(role)s is "
                "agree-keyed (more than %(most)s%%): people who agree with everything "
                "drift towards it."
            )
            share_shown, most = agree_share, KEYED_SHARE_HIGH
        else:
            text = N_(
                "%(share)s%% of what the agreement statements can move %(role)s is "
                "disagree-keyed (more than %(most)s%%): people who disagree with everything "
                "drift towards it."
            )
            share_shown, most = 1 - agree_share, 1 - KEYED_SHARE_LOW
        warnings.append(
            Message(
                text,
                {
                    # to a tenth, so that a share just over the bound never reads as on it
                    "share": Figure(float(share_shown) * 100, 1),
                    "role": role(balance_of_role.role),
                    "most": Figure(float(most) * 100, 0),
                },
            )
        )
    if agreement is not None and not agreement:
        notes.append(
            Message(
                N_(
                    "This version has no agreement statements, so there are no answer styles "
                    "to try and no keying to balance."
                )
            )
        )
    if complete < min_responses:
        notes.append(
            plural_message(
                "Reliability is worked out once %(needed)s real, careful results answer every "
                "question; %(num)s has so far — %(more)s more needed.",
                "Reliability is worked out once %(needed)s real, careful results answer every "
                "question; %(num)s have so far — %(more)s more needed.",
                complete,
                needed=min_responses,
                more=min_responses - complete,
            )
        )
    for scale in reliability:
        name = role(scale.role)
        if scale.alpha is None:
            if len(scale.questions) < 2:
                text = N_(
                    "The %(role)s scale's reliability cannot be worked out: "
                    "it has fewer than two questions."
                )
            elif scale.responses < 2:
                text = N_(
                    "The %(role)s scale's reliability cannot be worked out: "
                    "it needs at least two complete responses."
                )
            else:
                text = N_(
                    "The %(role)s scale's reliability cannot be worked out: "
                    "all %(responses)s responses give it the same total."
                )
            notes.append(Message(text, {"role": name, "responses": scale.responses}))
        elif scale.alpha < LOW_ALPHA:
            warnings.append(
                Message(
                    N_(
                        "The %(role)s scale's reliability is low (Cronbach's alpha %(alpha)s, "
                        "from %(responses)s responses)."
                    ),
                    {"role": name, "alpha": Figure(scale.alpha), "responses": scale.responses},
                )
            )
        for key, r in scale.item_rest.items():
            if r is None:
                continue
            if r < AGAINST_SCALE:
                warnings.append(
                    Message(
                        N_(
                            "%(question)s runs against the rest of the %(role)s scale (item–rest "
                            "correlation %(r)s): people who answer it in that role's favour tend "
                            "to score lower on its other questions."
                        ),
                        {"question": question(key), "role": name, "r": Figure(r)},
                    )
                )
            elif r < WEAKLY_RELATED:
                notes.append(
                    Message(
                        N_(
                            "%(question)s is only weakly related to the rest of the %(role)s "
                            "scale (item–rest correlation %(r)s)."
                        ),
                        {"question": question(key), "role": name, "r": Figure(r)},
                    )
                )
    return QualityReport(
        separation=separation,
        strongest=strongest,
        balance=balance,
        reliability=reliability,
        say=say,
        styles=styles,
        keying=keying,
        responses=len(responses),
        complete_responses=complete,
        min_responses=min_responses,
        warnings=warnings,
        notes=notes,
    )
