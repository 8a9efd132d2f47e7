"""The default question bank: it parses, it can reach every role, it is balanced, and it
exports unchanged; broken bank documents are refused with the exact place of each problem."""

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from quiz.core import scoring
from quiz.core.bank import (
    DEFAULT_BANK_PATH,
    TRANSLATABLE,
    Bank,
    BankError,
    TranslatableText,
    load_bank_file,
    parse_bank,
)

ROLE_KEYS = ("data-scientist", "ml-engineer", "ai-engineer")
ROLE_NAMES = ("Data Scientist", "Machine Learning Engineer", "AI Engineer")
ROLE_TEXTS = ("name", "summary", "focus", "typical_day", "first_project")
ROLE_LISTS = ("skills", "tasks", "goals", "learn_first")
MAX_TOP_SHARE = 0.40

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
LIKERT = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "likert")
CHOICE = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "choice")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank_file()


def describe_answers(bank: Bank, answers: dict[str, str]) -> str:
    """Return the answers as readable lines: question prompt -> option label."""
    return "\n".join(
        f"  {bank.question_by_key[q].prompt} -> {bank.option_label(q, o)}"
        for q, o in answers.items()
    )


def test_default_bank_has_a_quiz_sized_mix_of_both_question_kinds(bank):
    kinds = [q.kind for q in bank.questions]
    assert 24 <= len(kinds) <= 40
    assert {"likert", "choice"} <= set(kinds)


def test_default_bank_describes_the_three_roles_with_every_text(bank):
    assert tuple(r.key for r in bank.roles) == ROLE_KEYS
    assert tuple(r.name for r in bank.roles) == ROLE_NAMES
    for role in bank.roles:
        for field in ROLE_TEXTS:
            assert getattr(role, field), f"{role.key}.{field} is empty"
        for field in ROLE_LISTS:
            assert getattr(role, field), f"{role.key}.{field} is empty"
            assert all(getattr(role, field)), f"{role.key}.{field} has an empty item"


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_answering_in_favour_of_a_role_ranks_it_first(bank, role):
    answers = scoring.answers_favouring(bank.effect_table, role)
    outcome = scoring.rank_roles(bank.effect_table, answers)
    ranking = ", ".join(f"{f.role} {f.percent}" for f in outcome.ranking)
    assert outcome.ranking[0].role == role, (
        f"{role} is not first ({ranking}) for these answers:\n{describe_answers(bank, answers)}"
    )


def test_random_respondents_do_not_favour_any_role(bank):
    shares = scoring.top_role_shares(bank.effect_table, 10_000, seed=0)
    shown = ", ".join(f"{role} {share:.1%}" for role, share in shares.items())
    assert max(shares.values()) <= MAX_TOP_SHARE, f"top-role shares: {shown}"


def test_every_dimension_is_measured_by_a_question_and_emphasised_by_a_role(bank):
    asked = {d for q in bank.questions for o in q.options for d, w in o.weights.items() if w}
    profiled = {d for r in bank.roles for d, p in r.profile.items() if p}
    dimensions = {d.key for d in bank.dimensions}
    assert dimensions - asked == set(), "no question measures these"
    assert dimensions - profiled == set(), "no role profile uses these"


def test_every_question_moves_at_least_two_roles_differently(bank):
    # Compare each role's effects within the question scaled to 0..1: a role the question
    # cannot move is all zeros, and two roles whose options rise and fall alike look the same.
    useless = []
    for question, options in bank.effect_table.effects.items():
        shapes = set()
        for column in zip(*options.values(), strict=True):
            low, high = min(column), max(column)
            shapes.add(tuple(Fraction(e - low, high - low) if high > low else 0 for e in column))
        if len(shapes) < 2:
            useless.append(bank.question_by_key[question].prompt)
    assert useless == []


def test_default_bank_file_is_what_export_writes(bank):
    assert bank.to_document() == DOCUMENT


def test_exported_document_parses_back_to_the_same_bank(bank):
    document = bank.to_document()
    again = parse_bank(document)
    assert again == bank
    assert again.to_document() == document


def test_example_in_the_format_guide_is_a_valid_bank():
    guide = (Path(__file__).parents[2] / "docs" / "bank-format.md").read_text(encoding="utf-8")
    example = guide.split("## Example", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    bank = parse_bank(json.loads(example))
    assert bank.to_document() == json.loads(example)


def broken(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """Return a deep copy of the default document with ``change`` applied to it."""
    document = copy.deepcopy(DOCUMENT)
    change(document)
    return document


def set_weight(where: str, value: object) -> Callable[[dict[str, Any]], object]:
    """Return a change that sets weight ``statistics`` of the likert or choice example."""

    def change(document: dict[str, Any]) -> None:
        if where == "likert":
            document["questions"][LIKERT]["weights"]["statistics"] = value
        else:
            document["questions"][CHOICE]["options"][1]["weights"]["statistics"] = value

    return change


def keep_first_option(document: dict[str, Any]) -> None:
    """Cut the choice example down to its first option."""
    del document["questions"][CHOICE]["options"][1:]


LIKERT_WEIGHT = f"questions[{LIKERT}].weights.statistics"
CHOICE_WEIGHT = f"questions[{CHOICE}].options[1].weights.statistics"


@pytest.mark.parametrize(
    ("document", "path"),
    [
        pytest.param(broken(lambda d: d.update(format=2)), "format", id="wrong-format"),
        pytest.param(broken(lambda d: d.pop("questions")), "questions", id="no-questions"),
        pytest.param(
            broken(lambda d: d["roles"][1].pop("typical_day")),
            "roles[1].typical_day",
            id="missing-role-text",
        ),
        pytest.param(
            broken(lambda d: d["roles"][2].update(skills=[])),
            "roles[2].skills",
            id="empty-role-list",
        ),
        pytest.param(
            broken(lambda d: d["roles"][0]["profile"].update(statistics=4)),
            "roles[0].profile.statistics",
            id="profile-out-of-range",
        ),
        pytest.param(
            broken(lambda d: d["roles"][1].update(key=d["roles"][0]["key"])),
            "roles",
            id="duplicate-role-key",
        ),
        pytest.param(
            broken(lambda d: d["questions"][1].update(key=d["questions"][0]["key"])),
            "questions",
            id="duplicate-question-key",
        ),
        pytest.param(
            broken(lambda d: d["questions"][0].update(key="Q 1")),
            "questions[0].key",
            id="key-not-matching-pattern",
        ),
        pytest.param(broken(set_weight("likert", 3)), LIKERT_WEIGHT, id="likert-weight-above-2"),
        pytest.param(broken(set_weight("choice", 5)), CHOICE_WEIGHT, id="choice-weight-above-4"),
        pytest.param(broken(set_weight("choice", -5)), CHOICE_WEIGHT, id="choice-weight-below-4"),
        pytest.param(broken(set_weight("choice", 1.5)), CHOICE_WEIGHT, id="fractional-weight"),
        pytest.param(broken(set_weight("choice", "2")), CHOICE_WEIGHT, id="text-weight"),
        pytest.param(broken(set_weight("likert", True)), LIKERT_WEIGHT, id="boolean-weight"),
        pytest.param(
            broken(lambda d: d["questions"][CHOICE]["options"][0]["weights"].update(astrology=1)),
            f"questions[{CHOICE}].options[0].weights.astrology",
            id="weight-on-unknown-dimension",
        ),
        pytest.param(
            broken(keep_first_option),
            f"questions[{CHOICE}].options",
            id="choice-with-one-option",
        ),
        pytest.param(
            broken(lambda d: d["questions"][CHOICE].update(kind="slider")),
            f"questions[{CHOICE}].kind",
            id="unknown-question-kind",
        ),
    ],
)
def test_broken_document_is_refused_naming_the_exact_place(document, path):
    with pytest.raises(BankError) as refused:
        parse_bank(document)
    places = [problem.split(": ", 1)[0] for problem in refused.value.problems]
    assert places == [path], refused.value.problems


@pytest.mark.parametrize("document", [[], "bank", None, 1], ids=["list", "text", "null", "number"])
def test_document_that_is_not_an_object_is_refused(document):
    with pytest.raises(BankError) as refused:
        parse_bank(document)
    assert refused.value.problems == ["the document must be a JSON object"]


# ---------------------------------------------------------------- translations


def translated(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """Return the default document without translations, with ``change`` applied to it."""
    document = copy.deepcopy(DOCUMENT)
    for entry in (
        document["dimensions"]
        + document["roles"]
        + document["questions"]
        + [o for q in document["questions"] for o in q.get("options", [])]
    ):
        entry.pop("translations", None)
    change(document)
    return document


def translate(*path_and_texts: Any) -> Callable[[dict[str, Any]], None]:
    """Return a change that sets the ``translations`` of the entry at ``path``."""
    *path, texts = path_and_texts

    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path:
            target = target[step]
        target["translations"] = texts

    return change


def test_default_bank_is_translated_into_german_completely(bank):
    assert bank.languages == {"de"}
    assert bank.translation_gaps("de") == []
    # 160 texts, the three roles' job titles and the one role's link to its database entry
    assert len(bank.translatable_texts()) == 164
    german = bank.in_language("de")
    # role names are used as they are in German; everything a taker reads as a sentence is new
    assert tuple(r.name for r in german.roles) == ROLE_NAMES
    for original, text in zip(bank.questions, german.questions, strict=True):
        assert text.prompt != original.prompt
        if original.kind == "choice":
            assert all(
                a.label != b.label for a, b in zip(original.options, text.options, strict=True)
            )
    for original, text in zip(bank.roles, german.roles, strict=True):
        for field in ("summary", "focus", "typical_day", "first_project", *ROLE_LISTS):
            assert getattr(text, field) != getattr(original, field), (original.key, field)
    assert german.dimensions[0].name == "Statistik & Experimente"


def test_german_of_the_default_bank_writes_quotes_and_umlauts_the_german_way(bank):
    german = bank.in_language("de")
    texts = [t.text for t in german.translatable_texts()]
    assert any("ä" in t or "ö" in t or "ü" in t or "ß" in t for t in texts)
    quoted = [t for t in texts if "„" in t or "“" in t or '"' in t]
    assert quoted and all(t.startswith("„") and t.endswith("“") for t in quoted)


def test_partial_translations_parse_and_leave_the_rest_english():
    document = translated(
        lambda d: (
            translate("roles", 0, {"de": {"summary": " Findet Belege. ", "skills": ["Statistik"]}})(
                d
            ),
            translate("questions", CHOICE, "options", 0, {"de": {"label": "Grafik"}})(d),
            translate("dimensions", 0, {"fr": {"name": "Statistiques"}, "de": {}})(d),
        )
    )
    bank = parse_bank(document)
    assert bank.roles[0].translations == {
        "de": {"summary": "Findet Belege.", "skills": ("Statistik",)}
    }
    assert bank.questions[CHOICE].options[0].translations == {"de": {"label": "Grafik"}}
    # a language with no texts is no translation at all
    assert bank.dimensions[0].translations == {"fr": {"name": "Statistiques"}}
    assert bank.languages == {"de", "fr"}

    german = bank.in_language("de")
    assert german.roles[0].summary == "Findet Belege."
    assert german.roles[0].skills == ("Statistik",)
    assert german.roles[0].focus == bank.roles[0].focus
    assert german.roles[1] == replace(bank.roles[1], translations={})
    assert german.questions[CHOICE].options[0].label == "Grafik"
    assert german.questions[CHOICE].options[1].label == bank.questions[CHOICE].options[1].label
    assert german.dimensions[0].name == bank.dimensions[0].name
    assert bank.in_language("fr").dimensions[0].name == "Statistiques"
    assert len(bank.translation_gaps("de")) == len(bank.translatable_texts()) - 3


WHAT_TRANSLATES = {
    "dimension": "name, description",
    "role": (
        "name, summary, focus, skills, tasks, goals, typical_day, learn_first, first_project, "
        "titles, links"
    ),
    "question": "prompt",
    "option": "label",
}
LISTS = "must be a list of 1 to 8 non-empty texts"


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        pytest.param(
            translate("roles", 1, {"de": {"skills": []}}),
            ["roles[1].translations.de.skills: " + LISTS],
            id="empty-list",
        ),
        pytest.param(
            translate("roles", 1, {"de": {"goals": ["ein Ziel"] * 9}}),
            ["roles[1].translations.de.goals: " + LISTS],
            id="list-of-nine",
        ),
        pytest.param(
            translate("roles", 1, {"de": {"tasks": "eine Aufgabe"}}),
            ["roles[1].translations.de.tasks: " + LISTS],
            id="text-for-a-list",
        ),
        pytest.param(
            translate("roles", 1, {"de": {"summary": ["ein Satz"]}}),
            ["roles[1].translations.de.summary: must be a non-empty text"],
            id="list-for-a-text",
        ),
        pytest.param(
            translate("roles", 1, {"de": {"learn_first": ["SQL", "x" * 601]}}),
            ["roles[1].translations.de.learn_first[1]: must be at most 600 characters"],
            id="list-entry-too-long",
        ),
        pytest.param(
            translate("questions", 2, {"de": {"prompt": "   "}}),
            ["questions[2].translations.de.prompt: must be a non-empty text"],
            id="blank-prompt",
        ),
        pytest.param(
            translate("questions", 2, {"de": {"prompt": "x" * 601}}),
            ["questions[2].translations.de.prompt: must be at most 600 characters"],
            id="prompt-too-long",
        ),
        pytest.param(
            translate("questions", 2, {"de": {"prompt": "Null\x00Byte"}}),
            ["questions[2].translations.de.prompt: must not contain NUL characters"],
            id="nul-character",
        ),
        pytest.param(
            translate("dimensions", 0, {"de": {"name": "x" * 121}}),
            ["dimensions[0].translations.de.name: must be at most 120 characters"],
            id="name-too-long",
        ),
        pytest.param(
            translate("dimensions", 0, {"de": {"description": ""}}),
            ["dimensions[0].translations.de.description: must be a non-empty text"],
            id="empty-description",
        ),
        pytest.param(
            translate("questions", 2, {"xx-y": {"prompt": "Text"}}),
            [
                "questions[2].translations.xx-y: "
                "must be a language code of two lowercase letters, such as de"
            ],
            id="bad-language-code",
        ),
        pytest.param(
            translate("questions", 2, {"DE": {"prompt": "Text"}}),
            [
                "questions[2].translations.DE: "
                "must be a language code of two lowercase letters, such as de"
            ],
            id="upper-case-code",
        ),
        pytest.param(
            translate("roles", 0, {"en": {"name": "Data Scientist"}}),
            ["roles[0].translations.en: must not be en: the bank's own texts are English"],
            id="english",
        ),
        pytest.param(
            translate("roles", 0, {"de": "Data Scientist"}),
            ["roles[0].translations.de: must be an object of field names to translated texts"],
            id="language-not-an-object",
        ),
        pytest.param(
            translate("roles", 0, [{"de": {"name": "Data Scientist"}}]),
            ["roles[0].translations: must be an object of language codes to translated texts"],
            id="translations-not-an-object",
        ),
        pytest.param(
            translate("roles", 0, {"de": {"key": "datenwissenschaft"}}),
            [
                "roles[0].translations.de.key: cannot be translated; "
                f"translatable here: {WHAT_TRANSLATES['role']}"
            ],
            id="role-key",
        ),
        pytest.param(
            translate("dimensions", 0, {"de": {"kind": "Fähigkeit"}}),
            [
                "dimensions[0].translations.de.kind: cannot be translated; "
                f"translatable here: {WHAT_TRANSLATES['dimension']}"
            ],
            id="dimension-kind",
        ),
        pytest.param(
            translate("questions", CHOICE, {"de": {"label": "Text"}}),
            [
                f"questions[{CHOICE}].translations.de.label: cannot be translated; "
                "translatable here: prompt"
            ],
            id="label-of-a-question",
        ),
        pytest.param(
            translate("questions", CHOICE, "options", 1, {"de": {"prompt": "Text"}}),
            [
                f"questions[{CHOICE}].options[1].translations.de.prompt: cannot be translated; "
                "translatable here: label"
            ],
            id="prompt-of-an-option",
        ),
        pytest.param(
            lambda d: (
                translate("roles", 2, {"de": {"typical_day": ""}, "en": {}})(d),
                translate("questions", 0, {"d": {"prompt": "Text"}})(d),
            ),
            [
                "roles[2].translations.de.typical_day: must be a non-empty text",
                "roles[2].translations.en: must not be en: the bank's own texts are English",
                "questions[0].translations.d: "
                "must be a language code of two lowercase letters, such as de",
            ],
            id="every-problem-at-once",
        ),
    ],
)
def test_broken_translations_are_refused_naming_the_exact_place(change, problems):
    with pytest.raises(BankError) as refused:
        parse_bank(translated(change))
    assert refused.value.problems == problems


def test_translations_export_in_one_order_and_round_trip_byte_for_byte():
    # languages and fields in no particular order, and spaces around the texts
    document = translated(
        lambda d: (
            translate(
                "roles",
                0,
                {
                    "fr": {"name": "Data Scientist"},
                    "de": {"skills": ["Statistik"], "summary": "Findet Belege.", "name": " DS "},
                },
            )(d),
            translate("questions", CHOICE, "options", 1, {"de": {"label": "Zwei"}})(d),
        )
    )
    first = json.dumps(parse_bank(document).to_document(), indent=2, ensure_ascii=False)
    again = json.dumps(parse_bank(json.loads(first)).to_document(), indent=2, ensure_ascii=False)
    assert again == first
    exported = json.loads(first)
    assert list(exported["roles"][0]["translations"]) == ["de", "fr"]
    assert list(exported["roles"][0]["translations"]["de"]) == ["name", "summary", "skills"]
    assert exported["roles"][0]["translations"]["de"]["name"] == "DS"
    # only what has translations carries the field
    assert "translations" not in exported["roles"][1]
    assert "translations" not in exported["questions"][CHOICE]["options"][0]


def test_default_bank_file_round_trips_byte_for_byte_with_its_german():
    text = DEFAULT_BANK_PATH.read_text(encoding="utf-8")
    bank = parse_bank(json.loads(text))
    assert json.dumps(bank.to_document(), indent=2, ensure_ascii=False) + "\n" == text


def test_in_language_keeps_keys_numbers_and_order_so_scoring_is_unchanged(bank):
    german = bank.in_language("de")
    assert [d.key for d in german.dimensions] == [d.key for d in bank.dimensions]
    assert [(r.key, r.position, r.profile) for r in german.roles] == [
        (r.key, r.position, r.profile) for r in bank.roles
    ]
    assert [
        (q.key, q.kind, q.weights, [(o.key, o.weights) for o in q.options])
        for q in german.questions
    ] == [
        (q.key, q.kind, q.weights, [(o.key, o.weights) for o in q.options]) for q in bank.questions
    ]
    assert german.effect_table is bank.effect_table
    assert german.instrument is bank.instrument
    for role in ROLE_KEYS:
        answers = scoring.answers_favouring(bank.effect_table, role)
        assert scoring.rank_roles(german.effect_table, answers) == scoring.rank_roles(
            bank.effect_table, answers
        )
    # a bank for showing: its texts are German, and it carries no translations itself
    assert german.languages == frozenset()
    assert german.role_by_key["ml-engineer"].summary.startswith("Bringt")


def test_in_language_translates_agreement_labels_with_the_labels_it_is_given(bank):
    labels = {"1": "Stimme gar nicht zu", "5": "Stimme voll zu"}
    german = bank.in_language("de", likert_labels=labels)
    likert = german.questions[LIKERT]
    assert [o.label for o in likert.options] == [
        "Stimme gar nicht zu",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Stimme voll zu",
    ]
    assert [o.weights for o in likert.options] == [
        o.weights for o in bank.questions[LIKERT].options
    ]
    # a language the bank has no texts in still gets the interface's labels
    french = bank.in_language("fr", likert_labels={"4": "D'accord"})
    assert french.questions[LIKERT].options[3].label == "D'accord"
    assert french.questions[0].prompt == bank.questions[0].prompt


def test_in_language_is_made_once_per_language_and_english_is_the_bank_itself(bank):
    labels = {"1": "Stimme gar nicht zu"}
    assert bank.in_language("de") is bank.in_language("de")
    assert bank.in_language("de", labels) is bank.in_language("de", dict(labels))
    assert bank.in_language("de", labels) is not bank.in_language("de")
    assert bank.in_language("en") is bank
    assert bank.in_language("en", labels) is bank
    assert bank.in_language("fr") is bank


def test_translation_gaps_name_each_untranslated_text_in_document_order():
    document = translated(translate("questions", 1, {"de": {"prompt": "Neue Daten"}}))
    bank = parse_bank(document)
    gaps = bank.translation_gaps("de")
    assert len(gaps) == len(bank.translatable_texts()) - 1
    assert gaps[0] == TranslatableText(
        "dimension", "statistics", "name", "Statistics & experiments"
    )
    role_gaps = [g for g in gaps if g.kind == "role" and g.key == "data-scientist"]
    assert [g.field for g in role_gaps] == list(TRANSLATABLE["role"])
    skills = next(g for g in role_gaps if g.field == "skills")
    assert skills.text == "\n".join(bank.roles[0].skills)
    question_gaps = [(g.kind, g.key, g.field, g.option) for g in gaps if g.key == "q02"]
    assert question_gaps == [("option", "q02", "label", key) for key in "abcd"]
    # an empty description has nothing to translate
    empty = parse_bank(translated(lambda d: d["dimensions"][0].update(description="")))
    assert ("dimension", "statistics", "description") not in {
        (t.kind, t.key, t.field) for t in empty.translatable_texts()
    }


def test_translations_example_in_the_format_guide_is_a_valid_bank():
    guide = (Path(__file__).parents[2] / "docs" / "bank-format.md").read_text(encoding="utf-8")
    section = guide.split("## Translations", 1)[1]
    example = section.split("```json", 1)[1].split("```", 1)[0]
    bank = parse_bank(json.loads(example))
    assert bank.to_document() == json.loads(example)
    assert bank.languages == {"de"}
