"""How roles overlap and differ, read from their profiles: checked against hand-worked numbers."""

from __future__ import annotations

import pytest

from quiz.core.bank import load_bank_file
from quiz.core.role_overlap import PairOverlap, RoleProfile, pair_overlap, roles_overlap

DIMENSIONS = ("stats", "code", "models", "product", "ops")
# stats: both strongly; code: both somewhat (3 and 1); models: both somewhat (1 and 1);
# product: only the analyst, strongly; ops: the builder only, and only lightly
ANALYST = RoleProfile("analyst", {"stats": 3, "code": 3, "models": 1, "product": 2})
BUILDER = RoleProfile("builder", {"stats": 2, "code": 1, "models": 1, "ops": 1})
OUTSIDER = RoleProfile("outsider", {"ops": 3})


def test_a_pair_sorts_each_dimension_into_shared_strongly_somewhat_or_one_sided() -> None:
    pair = pair_overlap(ANALYST, BUILDER, DIMENSIONS)

    assert pair.both_strongly == ("stats",)
    assert pair.both_somewhat == ("code", "models")
    assert pair.only_first == ("product",)
    # ops: the builder draws on it, but only lightly, so it sets neither role apart
    assert pair.only_second == ()


def test_overlap_is_the_shared_emphasis_over_the_larger_rounded_half_up() -> None:
    # smaller of each: 2 + 1 + 1 + 0 + 0 = 4; larger of each: 3 + 3 + 1 + 2 + 1 = 10
    assert pair_overlap(ANALYST, BUILDER, DIMENSIONS).overlap == 40
    # builder and outsider: shared 0 + 0 + 0 + 0 + 1 = 1; larger 2 + 1 + 1 + 0 + 3 = 7
    # 100/7 = 14.29 -> 14
    assert pair_overlap(BUILDER, OUTSIDER, DIMENSIONS).overlap == 14
    # 1 in 8 = 12.5: a half rounds up
    halves = pair_overlap(RoleProfile("a", {"x": 1}), RoleProfile("b", {"x": 3, "y": 5}), "xy")
    assert halves.overlap == 13


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (ANALYST, ANALYST, 100),
        (ANALYST, OUTSIDER, 0),
        (RoleProfile("empty", {}), RoleProfile("void", {}), 0),
    ],
)
def test_overlap_runs_from_none_to_identical(
    first: RoleProfile, second: RoleProfile, overlap: int
) -> None:
    assert pair_overlap(first, second, DIMENSIONS).overlap == overlap


def test_every_role_set_gives_common_ground_own_ground_and_each_pair_once() -> None:
    overlap = roles_overlap([ANALYST, BUILDER, OUTSIDER], DIMENSIONS)

    assert overlap.common_ground == ()  # the outsider draws on ops alone
    assert roles_overlap([ANALYST, BUILDER], DIMENSIONS).common_ground == (
        "stats",
        "code",
        "models",
    )
    # own ground: strongly by the role, not at all by any other
    assert overlap.own_ground == {"analyst": ("product",), "builder": (), "outsider": ()}
    assert [(p.first, p.second) for p in overlap.pairs] == [
        ("analyst", "builder"),
        ("analyst", "outsider"),
        ("builder", "outsider"),
    ]


def test_a_roles_pairs_are_turned_to_put_it_first() -> None:
    overlap = roles_overlap([ANALYST, BUILDER, OUTSIDER], DIMENSIONS)

    pairs = overlap.pairs_with("builder")

    assert [(p.first, p.second) for p in pairs] == [("builder", "analyst"), ("builder", "outsider")]
    assert pairs[0] == PairOverlap(
        first="builder",
        second="analyst",
        both_strongly=("stats",),
        both_somewhat=("code", "models"),
        only_first=(),
        only_second=("product",),
        overlap=40,
    )
    # builder and outsider: stats 2 and 0 is the builder's own; ops 1 and 3 is shared
    assert (pairs[1].only_first, pairs[1].both_somewhat) == (("stats",), ("ops",))


def test_the_default_banks_roles_overlap_as_worked_out_by_hand() -> None:
    bank = load_bank_file()
    overlap = roles_overlap(
        [RoleProfile(r.key, r.profile) for r in bank.roles], [d.key for d in bank.dimensions]
    )

    assert overlap.common_ground == ("model-training", "software")
    ml, ai = overlap.pairs_with("ml-engineer")[1], overlap.pairs_with("ai-engineer")[1]
    assert (ml.first, ml.second) == ("ml-engineer", "ai-engineer")
    assert ml.both_strongly == ("software",)  # 2 and 2
    assert ml.both_somewhat == ("model-training",)  # 2 and 1
    # shared 1 + 2 = 3; larger 2 + 2 + 3 * 3 (MLE's own) + 3 * 5 (AIE's own) = 28; 10.7 -> 11
    assert ml.overlap == ai.overlap == 11
    data_ml = overlap.pairs_with("data-scientist")[0]
    # shared 1 + 1 = 2; larger 3 * 3 + 2 + 2 + 3 * 3 = 22; 9.1 -> 9
    assert data_ml.overlap == 9
    assert data_ml.only_first == ("statistics", "exploration", "decisions")
