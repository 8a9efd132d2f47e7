"""Answer styles and keying balance: does the quiz reward a habit of answering, not a fit?

Plain data in, plain data out, like :mod:`quiz.core.scoring`: nothing from Flask,
SQLAlchemy or the models. The effect table does not say which questions are agreement
statements, so the caller passes them in: ``agreement`` maps each agreement question's
key to its option keys in level order, strongest disagreement first (``"1"`` to ``"5"``
in a bank, levels -2 to +2).

Answer styles
-------------
Some people answer agreement statements by habit more than by content: they agree with
everything (acquiescence), stick to the middle, or use only the ends of the scale. A
*response style* (:data:`RESPONSE_STYLES`) says which places on the agreement scale such
a person picks from, uniformly at random; their answers to the choice questions are
uniformly random. :func:`style_balance` simulates a few thousand of them per style, each
style from a seed of its own, and counts how often each role comes out on top, ranked
by the rule of :func:`quiz.core.scoring.rank_roles` (:func:`count_first_places`, the
same exact path as the random balance of :mod:`quiz.core.quality`). A style that puts a
role on top much more often than its even share means the quiz rewards the habit.

Keying balance
--------------
An agreement statement is *agree-keyed* for a role when agreeing more raises the role's
raw score, *disagree-keyed* when it lowers it. Its *step* on a role is the effect of one
level more agreement (option "4" minus option "3"), in raw units. :func:`keying_balance`
sums the steps' sizes per role: the share of the role's agreement range that is
agree-keyed. Far from half, a person who agrees (or disagrees) with everything drifts
towards that role (or away from it) whatever the statements say.

The thresholds are the module constants below; each says why it has its value.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from quiz.core.messages import N_
from quiz.core.scoring import EffectTable

# The agreement scale has five places, "Strongly disagree" (0) to "Strongly agree" (4).
AGREEMENT_PLACES = 5
MIDPOINT = AGREEMENT_PLACES // 2

# Simulated respondents per answer style: at 2,000, a share near a third is known to about
# one percentage point (its standard error), well inside the margin STYLE_HIGH_SHARE leaves.
STYLE_RESPONDENTS = 2000
# A style that puts a role on top more than this multiple of its even share (45% with three
# roles) is warned about. Lower than the random balance's 1.5: an answering habit is
# something real people have, so a quiz should be harder to tip by one than by pure chance;
# high enough that a quiz whose choice questions still decide most results passes.
STYLE_HIGH_SHARE = 1.35
# The share of a role's agreement range that is agree-keyed should lie within these bounds
# (40% to 60%). Someone answering "Strongly agree" to everything then reaches the role's
# agree-keyed part of that range and nothing of the rest: at most a tenth of the range more
# (or less) than someone answering "Neither agree nor disagree" throughout. Exactly half is
# rare in a real bank, whose statements weigh differently, hence the band.
KEYED_SHARE_LOW = Fraction(2, 5)
KEYED_SHARE_HIGH = Fraction(3, 5)


@dataclass(frozen=True)
class ResponseStyle:
    """A habit of answering agreement statements: the places picked from, at random."""

    key: str
    name: str  # the catalog's msgid, worded where it is shown
    places: tuple[int, ...]  # on the agreement scale, 0 = "Strongly disagree"


RESPONSE_STYLES = (
    ResponseStyle("all-strongly-disagree", N_("“Strongly disagree” to every statement"), (0,)),
    ResponseStyle("all-disagree", N_("“Disagree” to every statement"), (1,)),
    ResponseStyle(
        "midpoint-only",
        N_("“Neither agree nor disagree” to every statement (midpoint only)"),
        (2,),
    ),
    ResponseStyle("all-agree", N_("“Agree” to every statement"), (3,)),
    ResponseStyle("all-strongly-agree", N_("“Strongly agree” to every statement"), (4,)),
    ResponseStyle(
        "upper-half",
        N_("“Neither agree nor disagree”, “Agree” or “Strongly agree” at random (upper half)"),
        (2, 3, 4),
    ),
    ResponseStyle(
        "lower-half",
        N_(
            "“Strongly disagree”, “Disagree” or “Neither agree nor disagree” at random (lower half)"
        ),
        (0, 1, 2),
    ),
    ResponseStyle(
        "extremes-only",
        N_("“Strongly disagree” or “Strongly agree” at random (extremes only)"),
        (0, 4),
    ),
)


@dataclass(frozen=True)
class StyleBalance:
    """How often each role came out on top for respondents with one answer style."""

    style: ResponseStyle
    shares: dict[str, float]  # role -> share of first places, in the order of table.roles
    even_share: float
    respondents: int

    @property
    def leaders(self) -> list[str]:
        """Return the roles put on top more than STYLE_HIGH_SHARE times their even share."""
        return [
            role
            for role, share in self.shares.items()
            if share > STYLE_HIGH_SHARE * self.even_share
        ]


@dataclass(frozen=True)
class KeyingBalance:
    """How one role's agreement range splits between agree- and disagree-keyed statements."""

    role: str
    # agreement question -> its step on the role: option "4"'s effect minus option "3"'s
    steps: dict[str, int]
    agree_keyed: int  # the sum of the positive steps
    disagree_keyed: int  # the sum of the negative steps' sizes

    @property
    def total(self) -> int:
        return self.agree_keyed + self.disagree_keyed

    @property
    def agree_keyed_statements(self) -> int:
        return sum(1 for step in self.steps.values() if step > 0)

    @property
    def disagree_keyed_statements(self) -> int:
        return sum(1 for step in self.steps.values() if step < 0)

    @property
    def agree_share(self) -> Fraction | None:
        """The agree-keyed share of the range; None when no agreement statement moves the role."""
        return Fraction(self.agree_keyed, self.total) if self.total else None

    @property
    def disagree_share(self) -> Fraction | None:
        return Fraction(self.disagree_keyed, self.total) if self.total else None

    @property
    def lopsided(self) -> bool:
        """Whether the agree-keyed share lies outside KEYED_SHARE_LOW..KEYED_SHARE_HIGH."""
        share = self.agree_share
        return share is not None and not KEYED_SHARE_LOW <= share <= KEYED_SHARE_HIGH


# --- checking the caller's agreement questions --------------------------------------------


def check_agreement(table: EffectTable, agreement: Mapping[str, Sequence[str]]) -> None:
    """Raise ValueError unless every agreement question is in the table with its five options.

    The options must be listed in level order; that they are is the caller's word (the
    table knows effects, not levels).
    """
    for question, options in agreement.items():
        known = table.effects.get(question)
        if known is None:
            raise ValueError(f"agreement question {question!r} is not in the table")
        if len(options) != AGREEMENT_PLACES or sorted(options) != sorted(known):
            raise ValueError(
                f"agreement question {question!r} must list its {AGREEMENT_PLACES} options"
            )


# --- the exact fast path ------------------------------------------------------------------


@dataclass(frozen=True)
class _Packed:
    """An effect table laid out so that one addition adds a respondent's answer on every role.

    With every question answered, each role's lowest and highest raw score are fixed.
    Each option's effect on role ``r``, minus the question's smallest effect on ``r``, is
    a whole number from 0 up, and these numbers summed over the questions never exceed
    the role's span (highest minus lowest). So each option's numbers fit side by side
    in one whole number, ``bits`` to a role, and summing those whole numbers sums every
    role at once without one field spilling into the next: field ``r`` of the sum is
    ``raw - lowest`` for role ``r``. Times ``scales[r]`` it is the fit times
    ``common / 100``, a whole number: fits compare exactly, without fractions.
    """

    options: dict[str, dict[str, int]]  # question -> option -> its packed effects
    bits: int
    scales: list[int]  # per role; 0 for a role with no span, whose fit is always 0
    # role indices, the one that wins a tie first: lower display position, then key
    listed: list[int]

    @classmethod
    def of(cls, table: EffectTable) -> _Packed:
        roles = table.roles
        n_roles = len(roles)
        spans = [
            sum(bounds[i][1] - bounds[i][0] for bounds in table.bounds.values())
            for i in range(n_roles)
        ]
        bits = max(max(spans, default=0).bit_length(), 1)
        options = {
            question: {
                option: sum(
                    (effect - low) << (i * bits)
                    for i, (effect, (low, _high)) in enumerate(
                        zip(effects, table.bounds[question], strict=True)
                    )
                )
                for option, effects in per_option.items()
            }
            for question, per_option in table.effects.items()
        }
        common = math.lcm(*(s for s in spans if s)) if any(spans) else 1
        return cls(
            options=options,
            bits=bits,
            scales=[common // s if s else 0 for s in spans],
            listed=sorted(range(n_roles), key=lambda i: (roles[i].position, roles[i].key)),
        )

    def winner(self, total: int) -> int:
        """Return the index of the role a respondent whose packed sum is ``total`` ranks first."""
        mask = (1 << self.bits) - 1
        fits = [((total >> (i * self.bits)) & mask) * self.scales[i] for i in self.listed]
        # the first in tie order among the highest: index finds the first
        return self.listed[fits.index(max(fits))]


def count_first_places(table: EffectTable, respondents: int, rng: random.Random) -> list[int]:
    """Count, per role in the order of ``table.roles``, how often it comes out on top
    among ``respondents`` who answer every question uniformly at random.

    The answers are :func:`quiz.core.scoring.random_answers`'s: per respondent, per
    question in table order, ``rng.choice`` over its options. The ranking rule is
    :func:`quiz.core.scoring.rank_roles`'s, worked out many times faster
    (:class:`_Packed`). Ties go to the lower display position, then the key.
    """
    counts = [0] * len(table.roles)
    if not table.roles:
        return counts
    packed = _Packed.of(table)
    pools = [list(options.values()) for options in packed.options.values()]
    choice = rng.choice
    winner = packed.winner
    for _ in range(respondents):
        counts[winner(sum([choice(pool) for pool in pools]))] += 1
    return counts


def _uniform_indices(rng: random.Random, size: int, count: int) -> Sequence[int]:
    """Return ``count`` indices drawn uniformly from ``range(size)``.

    Drawn as random bytes, most of a sheet at once: bytes at or above the largest
    multiple of ``size`` under 256 are dropped (keeping them would favour the low
    indices), the rest taken modulo ``size``, all by ``bytes.translate`` in C.
    """
    if size > 256:
        return [rng.randrange(size) for _ in range(count)]
    limit = 256 - 256 % size
    dropped = bytes(range(limit, 256))
    to_index = bytes(b % size for b in range(256))
    indices = b""
    while len(indices) < count:
        missing = count - len(indices)
        # a little more than is missing, so that one more draw is seldom needed
        indices += rng.randbytes(missing + missing // 8 + 8).translate(to_index, dropped)
    return indices[:count]


@dataclass(frozen=True)
class _Draw:
    """One question's answers from every simulated respondent of a style."""

    question: str
    pool: tuple[str, ...]  # the options picked from
    # per respondent, the index of the option picked; None when the pool has one option
    picks: Sequence[int] | None


def _style_draws(
    table: EffectTable,
    agreement: Mapping[str, Sequence[str]],
    style: ResponseStyle,
    respondents: int,
    seed: int,
) -> list[_Draw]:
    """Draw every respondent's answers under ``style``, a question at a time, in table order.

    An agreement statement's answer comes from the style's places, a choice question's
    from all its options, uniformly, from the style's own seed (:func:`style_seed`). A
    question with one option to pick from takes it without drawing.
    """
    rng = random.Random(style_seed(style, seed))
    draws = []
    for question, options in table.effects.items():
        pool = (
            tuple(agreement[question][place] for place in style.places)
            if question in agreement
            else tuple(options)
        )
        picks = _uniform_indices(rng, len(pool), respondents) if len(pool) > 1 else None
        draws.append(_Draw(question, pool, picks))
    return draws


def _count_first_places_drawn(
    table: EffectTable, draws: Sequence[_Draw], respondents: int
) -> list[int]:
    """Count, per role in the order of ``table.roles``, how often it comes out on top.

    The same rule as :func:`count_first_places`, the packed sums added a question at a
    time over all respondents at once (the maps run in C); questions every respondent
    answers alike add the same to all.
    """
    counts = [0] * len(table.roles)
    if not table.roles:
        return counts
    packed = _Packed.of(table)
    constant = sum(
        packed.options[draw.question][draw.pool[0]] for draw in draws if draw.picks is None
    )
    totals = [constant] * respondents
    for draw in draws:
        if draw.picks is not None:
            column = tuple(packed.options[draw.question][option] for option in draw.pool)
            totals = list(map(operator.add, totals, map(column.__getitem__, draw.picks)))
    for total in totals:
        counts[packed.winner(total)] += 1
    return counts


# --- answer styles ------------------------------------------------------------------------


def style_seed(style: ResponseStyle, seed: int) -> str:
    """Return the seed of one style's respondents: each style draws its own."""
    return f"{style.key}:{seed}"


def style_picks(
    table: EffectTable,
    agreement: Mapping[str, Sequence[str]],
    style: ResponseStyle,
    respondents: int,
    seed: int = 0,
) -> dict[str, list[str]]:
    """Return every simulated respondent's answer to every question under ``style``.

    The very respondents :func:`style_balance` ranks: ``{q: picks[q][i] for q in picks}``
    is respondent ``i``'s answer sheet.
    """
    return {
        draw.question: [draw.pool[0]] * respondents
        if draw.picks is None
        else [draw.pool[i] for i in draw.picks]
        for draw in _style_draws(table, agreement, style, respondents, seed)
    }


def style_balance(
    table: EffectTable,
    agreement: Mapping[str, Sequence[str]],
    respondents: int = STYLE_RESPONDENTS,
    seed: int = 0,
    styles: Sequence[ResponseStyle] = RESPONSE_STYLES,
) -> list[StyleBalance]:
    """Return each style's share of first places per role; empty without agreement questions.

    Each style's respondents come from their own seed (:func:`style_seed`; they are
    :func:`style_picks`), so the same table always gives the same shares, and a style's
    figures do not depend on which other styles are simulated.
    """
    if respondents < 1:
        raise ValueError("respondents must be at least 1")
    check_agreement(table, agreement)
    if not agreement or not table.roles:
        return []
    even = 1 / len(table.roles)
    balances = []
    for style in styles:
        draws = _style_draws(table, agreement, style, respondents, seed)
        counts = _count_first_places_drawn(table, draws, respondents)
        balances.append(
            StyleBalance(
                style=style,
                shares={
                    role.key: count / respondents
                    for role, count in zip(table.roles, counts, strict=True)
                },
                even_share=even,
                respondents=respondents,
            )
        )
    return balances


# --- keying balance -----------------------------------------------------------------------


def keying_balance(
    table: EffectTable, agreement: Mapping[str, Sequence[str]]
) -> list[KeyingBalance]:
    """Return each role's keying balance, in the order of ``table.roles``.

    A statement's step on a role is the effect of the option one place above the
    midpoint ("Agree") minus the midpoint's ("Neither agree nor disagree"): positive is
    agree-keyed, negative disagree-keyed, zero does not move the role.
    """
    check_agreement(table, agreement)
    result = []
    for index, role in enumerate(table.roles):
        steps = {
            question: options[agreement[question][MIDPOINT + 1]][index]
            - options[agreement[question][MIDPOINT]][index]
            for question, options in table.effects.items()
            if question in agreement
        }
        result.append(
            KeyingBalance(
                role=role.key,
                steps=steps,
                agree_keyed=sum(step for step in steps.values() if step > 0),
                disagree_keyed=-sum(step for step in steps.values() if step < 0),
            )
        )
    return result
