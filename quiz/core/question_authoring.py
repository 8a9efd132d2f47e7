"""What an admin writing a question needs worked out: a key from its text, and its effects.

Plain data in, plain data out, like :mod:`quiz.core.scoring`, whose model this follows.

Effects
-------
An option's **effect** on a role is ``e(option, role) = sum_d w(option, d) * p(role, d)``:
what choosing it adds to the role's raw score. The fit places the raw score between the
smallest and largest score the answered questions allow, so what choosing an option does
to a role's fit is how its effect stands against the question's other options: its
**lead** is the effect minus the midpoint of the question's smallest and largest effect
on that role (the scoring core's *push*, in raw units). A positive lead moves the role's
fit up, a negative one down; a question whose options all have the same effect on a role
(every lead 0) does not move that role at all.

The effects are computed by :class:`quiz.core.scoring.EffectTable` itself, from a one-
question instrument, so the editor can never show another number than scoring uses.

Keys
----
A suggested key is the text's first words in lowercase ASCII letters and digits joined by
hyphens (accents dropped, at most ``SUGGESTED_KEY_LENGTH`` characters, cut at a word's
end), or ``"q"`` when no letter or digit is left. A key already taken gets the smallest
free suffix ``-2``, ``-3``, ... static/js/question-authoring.js follows the same rule, so
the key suggested while typing is the one the server would fill in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from quiz.core.scoring import EffectTable, Instrument, Option, Question, Role

# short enough to read in a table, well under the 40 characters a key may have
SUGGESTED_KEY_LENGTH = 32
FALLBACK_KEY = "q"
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class RoleEffect:
    """What choosing one option does to one role: its effect and its lead (see module)."""

    effect: int
    lead: Fraction

    @property
    def direction(self) -> str:
        """Say which way choosing the option moves the role's fit: "up", "down" or "none"."""
        if self.lead > 0:
            return "up"
        if self.lead < 0:
            return "down"
        return "none"


def option_effects(
    options: Sequence[Mapping[str, int]], profiles: Sequence[Mapping[str, int]]
) -> tuple[tuple[RoleEffect, ...], ...]:
    """Return each option's effect on each role, options and roles in the order given.

    ``options`` holds each option's weight per dimension key; ``profiles`` each role's
    emphasis per dimension key. A dimension missing from either counts as 0.
    """
    if not options:
        return ()
    roles = tuple(Role(str(i), i, profile) for i, profile in enumerate(profiles))
    question = Question("q", tuple(Option(str(i), weights) for i, weights in enumerate(options)))
    table = EffectTable.from_instrument(Instrument((), roles, (question,)))
    effects = table.effects["q"]
    bounds = table.bounds["q"]
    return tuple(
        tuple(
            RoleEffect(effect, effect - Fraction(low + high, 2))
            for effect, (low, high) in zip(effects[str(i)], bounds, strict=True)
        )
        for i in range(len(options))
    )


def slug(text: str) -> str:
    """Return ``text`` as a suggested key, before any clash with a taken one is resolved."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = ""
    for word in _WORD.findall(ascii_text.lower()):
        longer = f"{key}-{word}" if key else word
        if len(longer) > SUGGESTED_KEY_LENGTH:
            # a first word longer than the limit is cut; later ones are left out whole
            key = key or word[:SUGGESTED_KEY_LENGTH]
            break
        key = longer
    return key or FALLBACK_KEY


def suggest_key(text: str, taken: Container[str]) -> str:
    """Return a key for ``text`` that is not in ``taken`` (see the module docstring)."""
    base = slug(text)
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: SUGGESTED_KEY_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


OPTION_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def option_keys(stored: Mapping[int, str], option_ids: Sequence[int | None]) -> list[str]:
    """Return the key each option of a saved list has or will get, in the list's order.

    A stored option (its id in ``stored``, which maps ids to keys) keeps its key for life:
    stored answers name it. A new one (id None) takes the first letter no stored option
    of the question uses, removed ones included, so a key is never reused in the save
    that frees it. An id not in ``stored`` gets "?": the save will refuse it as stale.
    """
    free = iter([letter for letter in OPTION_LETTERS if letter not in set(stored.values())])
    return [
        stored.get(option_id, "?") if option_id is not None else next(free, "?")
        for option_id in option_ids
    ]
