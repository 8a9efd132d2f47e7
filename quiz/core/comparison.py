"""Compare two results: pair their roles and skills by key and say in words where they differ.

Each side is a result page read with its own quiz version's bank (see
:func:`quiz.core.result_page.result_page`), so two results from different versions still compare.
Roles, and skills and goals, are paired by key; a key only one version has is shown on its
own side and left out of the reading.

The reading, in this order:

* Best fits: the same role key on top of both rankings says "You both fit X best";
  otherwise both top roles are named with their fits.
* Roles: of the roles both rankings hold, the ``ROLES_NAMED`` whose fits differ most, if
  they differ by at least ``NOTABLE_FIT_GAP`` points ("much better" from ``BIG_FIT_GAP``).
* Skills and goals: of those both profiles measured, the ``LEVELS_NAMED`` that differ most,
  if by at least ``NOTABLE_LEVEL_GAP`` ("much more" from ``BIG_LEVEL_GAP``).
* Equal gaps keep the order of the tables: the first person's bank order, then what only
  the second person's version has.

Who is who: each side says how sentences name it (:data:`Who`): ``"you"``, the viewer's own
result; ``"your friend"``, the other result beside the viewer's when the viewer gave no name;
``"named"``, by its label (the name the viewer gave their friend, or "Person A" and "Person B"
for someone who took neither). A sentence about the viewer is worded to them ("X fits you
much better", "You lean more towards X"); the viewer's side, when there is one, is side ``a``.

Plain data in, plain data out: nothing here imports Flask or the database. The reading is
a list of :class:`~quiz.core.messages.Message`, worded where it is shown, in the viewer's
language (``str()`` words it in English). :func:`comparison_json` gives the same comparison
as the JSON the API answers (docs/api.md), worded and linked by functions its caller passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from quiz.core.messages import N_, Message
from quiz.core.result_page import ProfileRow, ResultPage, ShownFit, as_utc

# Neutral names for anyone who took neither result: the earlier result is Person A.
LABELS = (N_("Person A"), N_("Person B"))
# The names a viewer sees when one of the two results is their own.
YOU = N_("You")
YOUR_FRIEND = N_("Your friend")
ROLES_NAMED = 2
NOTABLE_FIT_GAP = 10
BIG_FIT_GAP = 25
LEVELS_NAMED = 3
NOTABLE_LEVEL_GAP = 15
BIG_LEVEL_GAP = 40


# how sentences name a side: see the module's docstring
Who = Literal["you", "your friend", "named"]


@dataclass(frozen=True)
class Side:
    """One person's result as the comparison shows it."""

    label: str
    token: str
    version: int  # the quiz version's number
    page: ResultPage
    who: Who = "named"


@dataclass(frozen=True)
class RolePair:
    """One role key and each side's fit for it (None where that side's version lacks it)."""

    key: str
    a: ShownFit | None
    b: ShownFit | None

    @property
    def name(self) -> str:
        return _one_name(f.role.name for f in (self.a, self.b) if f is not None)

    @property
    def gap(self) -> int | None:
        """Return how many fit points A is above B (negative: below); None unless both have it."""
        if self.a is None or self.b is None:
            return None
        return self.a.fit - self.b.fit


@dataclass(frozen=True)
class LevelPair:
    """One skill or goal and each side's level (a row is None where its version lacks it)."""

    key: str
    a: ProfileRow | None
    b: ProfileRow | None

    @property
    def name(self) -> str:
        return _one_name(r.dimension.name for r in (self.a, self.b) if r is not None)

    @property
    def kind(self) -> str:
        row = self.a or self.b
        assert row is not None
        return row.dimension.kind

    @property
    def gap(self) -> int | None:
        """Return how far A's level is above B's; None unless both were measured."""
        if self.a is None or self.b is None or self.a.you is None or self.b.you is None:
            return None
        return self.a.you - self.b.you


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    roles: list[RolePair]
    levels: list[LevelPair]
    reading: list[Message]

    @property
    def same_top(self) -> bool:
        return self.a.page.top.role.key == self.b.page.top.role.key

    @property
    def same_version(self) -> bool:
        return self.a.version == self.b.version


def compare(a: Side, b: Side) -> Comparison:
    """Pair both sides' roles and skills by key and read where they differ."""
    fits_a = {f.role.key: f for f in a.page.fits}
    fits_b = {f.role.key: f for f in b.page.fits}
    roles = [
        RolePair(key, fits_a.get(key), fits_b.get(key))
        for key in _keys(_by_position(a.page.fits), _by_position(b.page.fits))
    ]
    rows_a = {r.dimension.key: r for r in a.page.profile}
    rows_b = {r.dimension.key: r for r in b.page.profile}
    levels = [LevelPair(key, rows_a.get(key), rows_b.get(key)) for key in _keys(rows_a, rows_b)]
    reading = [
        _best_fits(a, b),
        *_role_differences(a, b, roles),
        *_level_differences(a, b, levels),
    ]
    return Comparison(a=a, b=b, roles=roles, levels=levels, reading=reading)


def _by_position(fits: list[ShownFit]) -> list[str]:
    """Return the role keys in the bank's display order (a ranking is in fit order)."""
    return [f.role.key for f in sorted(fits, key=lambda f: f.role.position)]


def _keys(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Return the first side's keys in order, then the keys only the second side has."""
    return list(dict.fromkeys([*first, *second]))


def _one_name(names: Iterable[str]) -> str:
    """Return the name both versions give, or both names when a later version renamed it."""
    return " / ".join(dict.fromkeys(names))


def _best_fits(a: Side, b: Side) -> Message:
    top_a, top_b = a.page.top, b.page.top
    said = {"a": a.label, "b": b.label, "fit_a": top_a.fit, "fit_b": top_b.fit}
    if top_a.role.key == top_b.role.key:
        name = _one_name([top_a.role.name, top_b.role.name])
        return Message(
            N_("You both fit %(role)s best (%(a)s %(fit_a)s%%, %(b)s %(fit_b)s%%)."),
            {**said, "role": name},
        )
    if a.who == "you":
        sentence = _FITS_DIFFER_TO_YOU[b.who == "your friend"]
    else:
        sentence = N_(
            "Your best fits differ: %(a)s leans to %(role_a)s (%(fit_a)s%%), "
            "%(b)s to %(role_b)s (%(fit_b)s%%)."
        )
    return Message(sentence, {**said, "role_a": top_a.role.name, "role_b": top_b.role.name})


# by whether the friend is unnamed: a name stands as it is, "your friend" is lower case
_FITS_DIFFER_TO_YOU = {
    False: N_(
        "Your best fits differ: you lean to %(role_a)s (%(fit_a)s%%), "
        "%(b)s to %(role_b)s (%(fit_b)s%%)."
    ),
    True: N_(
        "Your best fits differ: you lean to %(role_a)s (%(fit_a)s%%), "
        "your friend to %(role_b)s (%(fit_b)s%%)."
    ),
}


Pair = TypeVar("Pair", RolePair, LevelPair)


def _biggest(pairs: list[Pair], notable: int, named: int) -> list[tuple[Pair, int]]:
    """Return up to ``named`` pairs with their gap, at least ``notable`` apart, biggest first."""
    gapped = [(p, gap) for p in pairs if (gap := p.gap) is not None and abs(gap) >= notable]
    # sorted() is stable: equal gaps keep the order of the tables
    return sorted(gapped, key=lambda item: -abs(item[1]))[:named]


def _role_differences(a: Side, b: Side, roles: list[RolePair]) -> list[Message]:
    if all(role.gap is None for role in roles):
        return []  # no role in common: naming the best fits says it all
    biggest = _biggest(roles, NOTABLE_FIT_GAP, ROLES_NAMED)
    if not biggest:
        return [
            Message(
                N_(
                    "Every role fits you both about equally: no fit differs by %(points)s "
                    "points or more."
                ),
                {"points": NOTABLE_FIT_GAP},
            )
        ]
    sentences = []
    for role, gap in biggest:
        assert role.a is not None and role.b is not None  # a gap needs both
        ahead, high, low = (a, role.a.fit, role.b.fit) if gap > 0 else (b, role.b.fit, role.a.fit)
        sentence = _FITS_BETTER[ahead.who][abs(gap) >= BIG_FIT_GAP]
        said = {"role": role.name, "person": ahead.label, "high": high, "low": low}
        sentences.append(Message(sentence, said))
    return sentences


def _level_differences(a: Side, b: Side, levels: list[LevelPair]) -> list[Message]:
    if all(level.gap is None for level in levels):
        return []  # nothing both measured
    biggest = _biggest(levels, NOTABLE_LEVEL_GAP, LEVELS_NAMED)
    if not biggest:
        return [
            Message(
                N_("Your skills and goals are close: none differs by %(points)s points or more."),
                {"points": NOTABLE_LEVEL_GAP},
            )
        ]
    sentences = []
    for level, gap in biggest:
        assert level.a is not None and level.b is not None  # a gap needs both
        assert level.a.you is not None and level.b.you is not None
        ahead, high, low = (
            (a, level.a.you, level.b.you) if gap > 0 else (b, level.b.you, level.a.you)
        )
        sentence = _LEANS_MORE[ahead.who][abs(gap) >= BIG_LEVEL_GAP]
        sentences.append(
            Message(sentence, {"person": ahead.label, "name": level.name, "high": high, "low": low})
        )
    return sentences


# each by how the sentence names the person, then by whether the gap is big
_FITS_BETTER: dict[Who, dict[bool, str]] = {
    "you": {
        False: N_("%(role)s fits you better (%(high)s%% vs %(low)s%%)."),
        True: N_("%(role)s fits you much better (%(high)s%% vs %(low)s%%)."),
    },
    "your friend": {
        False: N_("%(role)s fits your friend better (%(high)s%% vs %(low)s%%)."),
        True: N_("%(role)s fits your friend much better (%(high)s%% vs %(low)s%%)."),
    },
    "named": {
        False: N_("%(role)s fits %(person)s better (%(high)s%% vs %(low)s%%)."),
        True: N_("%(role)s fits %(person)s much better (%(high)s%% vs %(low)s%%)."),
    },
}
_LEANS_MORE: dict[Who, dict[bool, str]] = {
    "you": {
        False: N_("You lean more towards %(name)s (%(high)s vs %(low)s)."),
        True: N_("You lean much more towards %(name)s (%(high)s vs %(low)s)."),
    },
    "your friend": {
        False: N_("Your friend leans more towards %(name)s (%(high)s vs %(low)s)."),
        True: N_("Your friend leans much more towards %(name)s (%(high)s vs %(low)s)."),
    },
    "named": {
        False: N_("%(person)s leans more towards %(name)s (%(high)s vs %(low)s)."),
        True: N_("%(person)s leans much more towards %(name)s (%(high)s vs %(low)s)."),
    },
}


def comparison_json(
    comparison: Comparison,
    language: str,
    result_url: Callable[[str], str],
    word: Callable[[Message], str],
) -> dict[str, Any]:
    """Return the comparison as the public JSON the API answers: its data, never its markup.

    Each side carries its label, share token, result address (``result_url`` of the
    token), quiz version and ranking, best fit first, with the names of its own version in
    ``language``. ``roles`` and ``levels`` are the tables, in their order, with each side's
    fit or level and the gap (A minus B); a value is None where that side's version lacks
    the role or skill, or (for a level) its answers did not measure it, and the gap is None
    unless both sides have a value. ``reading`` is the sentences, each worded by ``word``.
    """

    def side(person: Side) -> dict[str, Any]:
        return {
            "label": person.label,
            "token": person.token,
            "url": result_url(person.token),
            "quiz_version": person.version,
            "created_at": as_utc(person.page.created_at).isoformat(),
            "mode": person.page.mode,
            "ranking": [
                {
                    "slug": f.role.key,
                    "name": f.role.name,
                    "fit": f.fit,
                    "rank": f.rank,
                    "band": f.band,
                    "percentile": f.percentile,
                }
                for f in person.page.fits
            ],
        }

    return {
        "language": language,
        "same_version": comparison.same_version,
        "same_top": comparison.same_top,
        "a": side(comparison.a),
        "b": side(comparison.b),
        "roles": [
            {
                "slug": role.key,
                "name": role.name,
                "fit_a": None if role.a is None else role.a.fit,
                "fit_b": None if role.b is None else role.b.fit,
                "gap": role.gap,
            }
            for role in comparison.roles
        ],
        "levels": [
            {
                "key": level.key,
                "name": level.name,
                "kind": level.kind,
                "level_a": None if level.a is None else level.a.you,
                "level_b": None if level.b is None else level.b.you,
                "gap": level.gap,
            }
            for level in comparison.levels
        ],
        "reading": [word(sentence) for sentence in comparison.reading],
    }
