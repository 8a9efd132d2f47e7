"""What one question reaches: the dimensions it measures and the role it moves most.

Plain data in, plain data out (see :mod:`quiz.core.scoring` for the model).

* A question **measures** a dimension when any of its options weighs on it (a weight
  other than 0). Dimensions are named in the order given.
* A question's **swing** on a role is the largest minus the smallest effect of its
  options on that role, where an option's effect is ``sum_d w(option, d) * p(role, d)``.
  It is how far answering the question can move the role's raw score.
* The role it **moves most** is the one with the largest swing. Ties go to the role
  placed first (lowest position, then key). A question that moves no role (every swing
  0, or no options) moves none: ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quiz.core.scoring import Role

Weights = Mapping[str, int]


def dimensions_measured(
    option_weights: Sequence[Weights], dimension_keys: Sequence[str]
) -> tuple[str, ...]:
    """Return the dimensions any option weighs on, in the order of ``dimension_keys``."""
    return tuple(
        key for key in dimension_keys if any(weights.get(key, 0) for weights in option_weights)
    )


def swing(option_weights: Sequence[Weights], role: Role) -> int:
    """Return how far the options' effects on ``role`` lie apart (0 without options)."""
    effects = [
        sum(weight * role.profile.get(dimension, 0) for dimension, weight in weights.items())
        for weights in option_weights
    ]
    return max(effects) - min(effects) if effects else 0


def role_moved_most(option_weights: Sequence[Weights], roles: Sequence[Role]) -> str | None:
    """Return the key of the role the question swings most, first placed on a tie."""
    best: tuple[int, Role] | None = None
    for role in sorted(roles, key=lambda r: (r.position, r.key)):
        role_swing = swing(option_weights, role)
        if role_swing > 0 and (best is None or role_swing > best[0]):
            best = (role_swing, role)
    return best[1].key if best else None
