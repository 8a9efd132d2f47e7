"""The difference between two banks, on banks built by hand."""

from __future__ import annotations

from dataclasses import replace

from quiz.core.bank import Bank, BankDimension, BankOption, BankQuestion, BankRole, Problem
from quiz.core.bank_diff import Named, bank_diff, missing_translations
from quiz.core.publish_rules import plain_problem, problem_subject, unused_dimensions


def dimension(key: str, name: str = "") -> BankDimension:
    return BankDimension(key, name or key.capitalize(), "skill", f"About {key}.")


def role(key: str, profile: dict[str, int]) -> BankRole:
    name = key.capitalize()
    return BankRole(
        key=key,
        name=name,
        summary=f"{name} work.",
        focus="Focus.",
        skills=("A skill",),
        tasks=("A task",),
        goals=("A goal",),
        typical_day="A day.",
        learn_first=("Basics",),
        first_project="A project.",
        position=0,
        profile=profile,
    )


def question(key: str, options: tuple[BankOption, ...]) -> BankQuestion:
    return BankQuestion(key, "choice", f"Question {key}?", options, {})


def bank() -> Bank:
    return Bank(
        dimensions=(dimension("analysis"), dimension("building")),
        roles=(role("alpha", {"analysis": 1}), role("beta", {"building": 1})),
        questions=(
            question(
                "q1",
                (
                    BankOption("a", "Analyse", {"analysis": 2}),
                    BankOption("b", "Build", {"building": 2}),
                ),
            ),
            question("q2", (BankOption("a", "Yes", {"analysis": 1}),)),
        ),
    )


def test_equal_banks_have_an_empty_difference() -> None:
    diff = bank_diff(bank(), bank())
    assert diff.is_empty
    assert diff.change_count == 0


def test_no_older_bank_means_everything_is_added() -> None:
    diff = bank_diff(None, bank())
    assert [n.key for n in diff.questions_added] == ["q1", "q2"]
    assert [n.key for n in diff.roles_added] == ["alpha", "beta"]
    assert [n.key for n in diff.dimensions_added] == ["analysis", "building"]
    assert not diff.is_empty


def test_added_and_removed_questions_are_named_by_prompt() -> None:
    older = bank()
    newer = replace(
        older,
        questions=(older.questions[0], question("q3", (BankOption("a", "X", {}),))),
    )
    diff = bank_diff(older, newer)
    assert diff.questions_added == (Named("q3", "Question q3?"),)
    assert diff.questions_removed == (Named("q2", "Question q2?"),)
    assert diff.questions_changed == ()


def test_a_changed_question_names_prompt_kind_and_each_option_change() -> None:
    older = bank()
    q1 = older.questions[0]
    changed = replace(
        q1,
        prompt="A new prompt?",
        kind="likert",
        options=(
            BankOption("a", "Analyse data", {"analysis": 2}),
            BankOption("c", "Ship", {"building": 1}),
        ),
    )
    diff = bank_diff(older, replace(older, questions=(changed, older.questions[1])))
    (change,) = diff.questions_changed
    assert change.key == "q1"
    assert change.fields == ("kind", "prompt")
    assert change.options_added == ("c",)
    assert change.options_removed == ("b",)
    assert change.options_relabelled == ("a",)
    assert change.options_reweighted == ()


def test_reweighted_option_and_reordered_options() -> None:
    older = bank()
    q1 = older.questions[0]
    b, a = q1.options[1], replace(q1.options[0], weights={"analysis": 3})
    diff = bank_diff(older, replace(older, questions=(replace(q1, options=(b, a)),)))
    (change,) = diff.questions_changed
    assert change.options_reweighted == ("a",)
    assert change.options_relabelled == ()
    assert "option order" in change.fields
    assert diff.questions_removed == (Named("q2", "Question q2?"),)


def test_moving_a_question_is_no_change() -> None:
    older = bank()
    newer = replace(older, questions=tuple(reversed(older.questions)))
    assert bank_diff(older, newer).is_empty


def test_roles_added_retired_and_changed_name_their_fields() -> None:
    older = bank()
    alpha = replace(older.roles[0], summary="Different.", profile={"analysis": 2})
    gamma = role("gamma", {"building": 2})
    diff = bank_diff(older, replace(older, roles=(alpha, gamma)))
    assert diff.roles_added == (Named("gamma", "Gamma"),)
    assert diff.roles_retired == (Named("beta", "Beta"),)
    (change,) = diff.roles_changed
    assert change.key == "alpha"
    assert change.fields == ("summary", "profile")


def test_dimensions_added_removed_and_changed() -> None:
    older = bank()
    analysis = replace(older.dimensions[0], name="Data analysis", kind="goal")
    diff = bank_diff(older, replace(older, dimensions=(analysis, dimension("shipping"))))
    assert diff.dimensions_added == (Named("shipping", "Shipping"),)
    assert diff.dimensions_removed == (Named("building", "Building"),)
    (change,) = diff.dimensions_changed
    assert change.fields == ("name", "kind")
    assert change.name == "Data analysis"


def test_translations_are_no_change_but_are_counted_missing() -> None:
    older = bank()
    translated = replace(older.dimensions[0], translations={"de": {"name": "Analyse"}})
    newer = replace(older, dimensions=(translated, older.dimensions[1]))
    assert bank_diff(older, newer).is_empty
    (german,) = missing_translations(newer, ["de"])
    assert german.language == "de"
    assert german.total == len(newer.translatable_texts())
    assert german.missing == german.total - 1


def test_a_fully_translated_language_is_not_listed() -> None:
    older = bank()
    assert missing_translations(older, []) == []
    assert [m.language for m in missing_translations(older, ["de", "fr"])] == ["de", "fr"]


def test_a_check_names_the_item_it_is_about() -> None:
    lonely = replace(bank(), dimensions=(*bank().dimensions, dimension("shipping")))
    assert {problem_subject(m) for m in unused_dimensions(lonely)} == {("dimension", "shipping")}
    document = bank().to_document()
    role_problem = plain_problem(document, Problem("roles[1].summary", "must be a text"))
    assert problem_subject(role_problem) == ("role", "beta")
    option_problem = plain_problem(document, Problem("questions[0].options[1].label", "too long"))
    assert problem_subject(option_problem) == ("question", "q1")
    assert problem_subject(plain_problem(document, Problem("", "not a bank"))) is None
