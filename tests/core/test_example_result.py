"""The landing page's example result: a believable answer sheet, scored by the real scorer."""

from __future__ import annotations

from quiz.core.bank import load_bank_file
from quiz.core.example_result import example_answers, example_result
from quiz.core.scoring import rank_roles


def test_the_example_answers_every_question_leaning_to_the_first_role_then_the_second() -> None:
    bank = load_bank_file()

    answers = example_answers(bank)

    assert list(answers) == [q.key for q in bank.questions]
    ranking = [entry["role"] for entry in example_result(bank).outcome["ranking"]]
    assert ranking == [r.key for r in bank.roles]  # first, second, then the rest


def test_no_agreement_answer_of_the_example_sits_at_an_end_of_the_scale() -> None:
    bank = load_bank_file()

    answers = example_answers(bank)

    for question, levels in bank.agreement_levels.items():
        assert answers[question] not in (levels[0], levels[-1]), question


def test_the_example_is_scored_by_the_real_scorer_and_is_no_perfect_fit() -> None:
    bank = load_bank_file()

    stored = example_result(bank)

    outcome = rank_roles(bank.effect_table, stored.answers)
    assert [e["fit"] for e in stored.outcome["ranking"]] == [f.percent for f in outcome.ranking]
    top = stored.outcome["ranking"][0]["fit"]
    assert 50 <= top < 100  # leaning toward the first role, as a real person might, not all the way
    assert stored.mode == "full"
