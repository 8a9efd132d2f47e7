from quiz.core.audit_targets import TargetName, name_target

NAMES = {"role": {"ml": "ML engineer"}, "question": {"q1": "Do you like numbers?"}}


def test_a_known_role_is_named() -> None:
    assert name_target("role ml", NAMES) == TargetName("role", "ml", "ML engineer")


def test_a_key_no_longer_there_keeps_no_name() -> None:
    assert name_target("question gone", NAMES) == TargetName("question", "gone", None)


def test_targets_that_are_not_bank_items_are_left_alone() -> None:
    assert name_target("quiz version 3", NAMES) is None
    assert name_target("admin@example.com", NAMES) is None
    assert name_target("role", NAMES) is None
