"""The first screen's three strongest reasons, checked against figures worked out by hand.

The bank is tests/support/small_banks.py's choice-only one: three roles, each weighing one
skill of its own, and seven choice questions whose option for a role weighs 1 to 3 on that
role's skill. The answers pick Alpha's option on questions 1, 3, 5 and 6 and Beta's on 2, 4
and 7.

For Alpha, an option's effect is its weight on analysis when it is Alpha's option and 0
otherwise, so each question spans 0..w, and the whole quiz spans 0..13 (3+1+2+3+1+2+1). An
answer's push is 100 * (effect - w/2) / 13: choosing Alpha's option pushes +50w/13 toward
Alpha, any other option -50w/13 away from it.

    question   Alpha's weight   answer   push on Alpha
    1          3                Alpha    +150/13 = +11.5
    2          1                Beta      -50/13 =  -3.8
    3          2                Alpha    +100/13 =  +7.7
    4          3                Beta     -150/13 = -11.5
    5          1                Alpha     +50/13 =  +3.8
    6          2                Alpha    +100/13 =  +7.7
    7          1                Beta      -50/13 =  -3.8

Alpha's fit is 50 + 150/13 = 61.5, rounded 62. Beta's weights are 2,3,1,3,2,1,1 (13): its
options were chosen on 2, 4 and 7 (weights 3, 3, 1), so its fit is 50 + 50 * (7 - 6) / 13,
53.8, rounded 54. Gamma's options were never chosen: 0. Alpha comes first, and its three
strongest reasons are question 1 (+11.5), then questions 3 and 6 (+7.7 each, equal: question
key order puts 3 first); question 5 (+3.8) is the fourth and is left out.
"""

from __future__ import annotations

from datetime import datetime

from small_banks import choice_only_document

from quiz.core.bank import parse_bank
from quiz.core.result_page import (
    PUSHES_SHOWN,
    REASONS_SHOWN,
    ShownFit,
    ShownPush,
    StoredResult,
    result_page,
    strongest_reasons,
)
from quiz.core.scoring import rank_roles

BANK = parse_bank(choice_only_document())
ANSWERS = {f"choice-{n}": ("alpha" if n in (1, 3, 5, 6) else "beta") for n in range(1, 8)}


def page_for(answers: dict[str, str]):
    outcome = rank_roles(BANK.effect_table, answers).as_dict(pushes_per_side=PUSHES_SHOWN)
    stored = StoredResult(outcome=outcome, answers=answers, created_at=datetime(2026, 3, 1))
    return result_page(BANK, stored)


def test_the_hand_worked_ranking_holds() -> None:
    page = page_for(ANSWERS)
    assert [(f.role.key, f.fit) for f in page.fits] == [("alpha", 62), ("beta", 54), ("gamma", 0)]


def test_the_three_strongest_reasons_are_the_answers_that_pushed_the_top_role_most() -> None:
    reasons = page_for(ANSWERS).reasons

    assert REASONS_SHOWN == 3
    assert [(r.prompt, r.answer, r.points) for r in reasons] == [
        ("Which task would you pick first (1)?", "The alpha task", 11.5),
        ("Which task would you pick first (3)?", "The alpha task", 7.7),
        ("Which task would you pick first (6)?", "The alpha task", 7.7),
    ]


def test_answers_that_pushed_away_are_never_reasons() -> None:
    # Alpha's option only on question 1 and Gamma's elsewhere: one answer pushed toward
    # Alpha (+11.5) and six away; Gamma (weights 1,2,3,1,2,3,2 = 14) comes first instead
    answers = {f"choice-{n}": ("alpha" if n == 1 else "gamma") for n in range(1, 8)}
    page = page_for(answers)
    alpha = next(f for f in page.fits if f.role.key == "alpha")

    assert [(r.prompt, r.points) for r in strongest_reasons(alpha)] == [
        ("Which task would you pick first (1)?", 11.5)
    ]
    assert page.top.role.key == "gamma"
    # Gamma: +50*w/14 for questions 2..7 (w = 2,3,1,2,3,2): 3 and 6 give 10.7, then 2, 5, 7
    assert [(r.prompt, r.points) for r in page.reasons] == [
        ("Which task would you pick first (3)?", 10.7),
        ("Which task would you pick first (6)?", 10.7),
        ("Which task would you pick first (2)?", 7.1),
    ]


def test_the_strongest_come_first_whatever_order_the_pushes_arrive_in() -> None:
    role = BANK.roles[0]
    pushes = [
        ShownPush(f"q{n}", "a", points) for n, points in enumerate((1.0, 9.5, -2.0, 4.2, 9.5))
    ]
    fit = ShownFit(role=role, rank=1, fit=70, toward=pushes, away=[])

    assert [(p.prompt, p.points) for p in strongest_reasons(fit)] == [
        ("q1", 9.5),
        ("q4", 9.5),
        ("q3", 4.2),
    ]
    assert strongest_reasons(ShownFit(role=role, rank=1, fit=20, toward=[], away=[])) == []
