"""The default bank passes every check of the quality report, by the margins it promises.

These are the figures the bank is held to, read from the same functions the admin quality page
uses: no answer style puts a role on top more than 45% of the time, uniformly random answers no
more than 40%, no question has more than twice the median say on any role, and each role's
agreement statements are between 40% and 60% agree-keyed.
"""

from __future__ import annotations

from fractions import Fraction

from quiz.core.bank import load_bank_file
from quiz.core.quality import quality_report, question_say, random_balance
from quiz.core.response_styles import RESPONSE_STYLES, keying_balance, style_balance

BANK = load_bank_file()
TABLE = BANK.effect_table


def test_the_report_raises_no_warning_on_the_default_bank() -> None:
    report = quality_report(
        TABLE,
        [],
        question_labels={q.key: q.key for q in BANK.questions},
        role_names={r.key: r.name for r in BANK.roles},
        agreement=BANK.agreement_levels,
    )
    assert [str(w) for w in report.warnings] == []


def test_no_answer_style_puts_a_role_on_top_more_than_45_percent() -> None:
    balances = style_balance(TABLE, BANK.agreement_levels)
    assert {b.style.key for b in balances} == {s.key for s in RESPONSE_STYLES}
    assert len(balances) >= 8
    for balance in balances:
        assert max(balance.shares.values()) <= 0.45, (balance.style.key, balance.shares)


def test_random_answers_put_no_role_on_top_more_than_40_percent() -> None:
    shares = random_balance(TABLE)
    assert len(shares) == 3
    assert max(share.share for share in shares) <= 0.40
    assert min(share.share for share in shares) >= 0.25


def test_no_question_has_more_than_twice_the_median_say_on_any_role() -> None:
    for say in question_say(TABLE):
        assert say.median is not None
        assert max(say.ranges.values()) <= 2 * say.median, say.role
        assert say.outsized == []


def test_each_role_is_keyed_both_ways_in_balance() -> None:
    for keying in keying_balance(TABLE, BANK.agreement_levels):
        assert keying.agree_keyed_statements >= 2
        assert keying.disagree_keyed_statements >= 2
        assert Fraction(2, 5) <= keying.agree_share <= Fraction(3, 5), keying.role


def test_the_bank_has_30_to_40_questions_and_most_choices_share_an_option_between_roles() -> None:
    assert 30 <= len(BANK.questions) <= 40
    choices = [q for q in BANK.questions if q.kind == "choice"]
    shared = 0
    for question in choices:
        effects = TABLE.effects[question.key].values()
        if any(sum(1 for e in effect if abs(e) >= 4) >= 2 for effect in effects):
            shared += 1
    assert shared > len(choices) / 2


def test_no_central_skill_is_called_not_needed_on_the_result_page() -> None:
    from quiz.core.result_page import EMPHASIS_WORDS

    assert "Not needed" not in {str(word) for word in EMPHASIS_WORDS.values()}
    assert str(EMPHASIS_WORDS[0]) == "Less central"
