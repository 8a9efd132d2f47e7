"""Hand-set answer patterns for previewing a result: the same place everywhere, or leaning
towards one role.

Plain data in, plain data out (see :mod:`quiz.core.scoring` for the model).

* A **position pattern** picks the option at the same place in every question: the
  ``first``, the ``last``, or the ``middle`` one (of an even number, the earlier of the
  two middle ones: the third of five, the second of four).
* A **role-leaning pattern** picks, for every question, the option that moves the role's
  fit most: the one with the largest effect ``e(option, role) = sum_d w(option, d) *
  p(role, d)``, which gives the largest push towards the role. Among options with the
  same effect, the one moving the other roles least in total wins (so the role leads by
  as much as the question allows), then the first in the question's order. Answering
  so gives the role a fit of 100, or 0 when no question can move it; another role can
  still rank first, when answering for this role moves it as far (a tie goes to the
  role placed first) — :func:`quiz.core.publish_rules.reaching_answers` searches for
  answers that put a role on top.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quiz.core.messages import N_
from quiz.core.scoring import Role

POSITIONS = ("first", "middle", "last")
# the buttons' words, translated where they are shown
POSITION_NAMES = {
    "first": N_("First option everywhere"),
    "middle": N_("Middle option everywhere"),
    "last": N_("Last option everywhere"),
}
ROLE_PREFIX = "role:"

Weights = Mapping[str, int]


def option_at(options: Sequence[str], position: str) -> str:
    """Return the option key at ``position`` ("first", "middle" or "last") of ``options``."""
    if not options:
        raise ValueError("a question without options has no option to pick")
    if position == "first":
        return options[0]
    if position == "last":
        return options[-1]
    if position == "middle":
        return options[(len(options) - 1) // 2]
    raise ValueError(f"unknown position {position!r}")


def position_answers(options: Mapping[str, Sequence[str]], position: str) -> dict[str, str]:
    """Return the option at ``position`` for every question with options.

    ``options`` maps each question key to its option keys in the order takers see them.
    """
    return {question: option_at(keys, position) for question, keys in options.items() if keys}


def leaning_option(options: Mapping[str, Weights], role: Role, roles: Sequence[Role]) -> str:
    """Return the option that moves ``role``'s fit most (see the module docstring).

    ``options`` maps each option key to its weights, in the question's order; ``roles``
    are every role scored, ``role`` among them.
    """
    if not options:
        raise ValueError("a question without options has no option to pick")

    def effect(weights: Weights, on: Role) -> int:
        return sum(weight * on.profile.get(dimension, 0) for dimension, weight in weights.items())

    def strength(item: tuple[int, tuple[str, Weights]]) -> tuple[int, int, int]:
        place, (_key, weights) = item
        others = sum(effect(weights, other) for other in roles if other.key != role.key)
        return (effect(weights, role), -others, -place)

    _place, (key, _weights) = max(enumerate(options.items()), key=strength)
    return key


def leaning_answers(
    questions: Mapping[str, Mapping[str, Weights]], role: str, roles: Sequence[Role]
) -> dict[str, str]:
    """Return, for every question with options, the option that moves ``role``'s fit most.

    ``questions`` maps each question key to its options' weights (option key -> weights, in
    the order takers see them). Raises ``KeyError`` for a role not among ``roles``.
    """
    leaning = next((r for r in roles if r.key == role), None)
    if leaning is None:
        raise KeyError(role)
    return {
        question: leaning_option(options, leaning, roles)
        for question, options in questions.items()
        if options
    }


def pattern_answers(
    pattern: str, questions: Mapping[str, Mapping[str, Weights]], roles: Sequence[Role]
) -> dict[str, str]:
    """Return the answers of ``pattern``: a position ("first", "middle", "last") or
    ``"role:<key>"`` for leaning towards that role.

    Raises ``ValueError`` for a pattern that is neither (a role it names that is not among
    ``roles`` included).
    """
    if pattern in POSITIONS:
        return position_answers({q: list(o) for q, o in questions.items()}, pattern)
    if pattern.startswith(ROLE_PREFIX):
        try:
            return leaning_answers(questions, pattern[len(ROLE_PREFIX) :], roles)
        except KeyError:
            raise ValueError(f"unknown role in pattern {pattern!r}") from None
    raise ValueError(f"unknown pattern {pattern!r}")


def patterns(roles: Sequence[Role]) -> tuple[str, ...]:
    """Return every pattern there is for ``roles``: the positions, then one per role."""
    return (*POSITIONS, *(ROLE_PREFIX + role.key for role in roles))
