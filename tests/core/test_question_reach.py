"""The dimensions a question measures and the role it moves most, worked by hand."""

from __future__ import annotations

from quiz.core.question_reach import dimensions_measured, role_moved_most, swing
from quiz.core.scoring import Role

# A small bank: two dimensions, three roles.
#   analyst: stats 2, product 0      engineer: stats 0, product 1      lead: stats 1, product 1
ANALYST = Role("analyst", 0, {"stats": 2})
ENGINEER = Role("engineer", 1, {"product": 1})
LEAD = Role("lead", 2, {"stats": 1, "product": 1})
ROLES = (LEAD, ENGINEER, ANALYST)  # deliberately out of position order
DIMENSIONS = ("stats", "product")

# Option A weighs stats 3; option B weighs product 2.
#   effects  analyst: A 6, B 0 -> swing 6;  engineer: A 0, B 2 -> 2;  lead: A 3, B 2 -> 1
STATS_OR_PRODUCT = ({"stats": 3}, {"product": 2})


def test_swings_are_the_spread_of_effects() -> None:
    assert swing(STATS_OR_PRODUCT, ANALYST) == 6
    assert swing(STATS_OR_PRODUCT, ENGINEER) == 2
    assert swing(STATS_OR_PRODUCT, LEAD) == 1
    assert swing((), ANALYST) == 0


def test_role_moved_most_has_the_largest_swing() -> None:
    assert role_moved_most(STATS_OR_PRODUCT, ROLES) == "analyst"


def test_product_only_question_moves_the_engineer_and_the_lead_equally_first_placed_wins() -> None:
    # A: product 0, B: product 3 -> engineer swing 3, lead swing 3, analyst 0
    options = ({}, {"product": 3})
    assert role_moved_most(options, ROLES) == "engineer"
    assert role_moved_most(options, (LEAD, Role("engineer", 5, {"product": 1}))) == "lead"


def test_question_whose_options_move_every_role_equally_moves_none() -> None:
    same = ({"stats": 1}, {"stats": 1})
    assert role_moved_most(same, ROLES) is None
    assert role_moved_most((), ROLES) is None
    assert role_moved_most(STATS_OR_PRODUCT, ()) is None


def test_dimensions_measured_in_dimension_order_and_ignoring_zero_weights() -> None:
    assert dimensions_measured(({"product": 2}, {"stats": 1}), DIMENSIONS) == ("stats", "product")
    assert dimensions_measured(({"stats": 0}, {"product": 1}), DIMENSIONS) == ("product",)
    assert dimensions_measured(({},), DIMENSIONS) == ()
