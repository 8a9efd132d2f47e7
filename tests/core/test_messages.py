"""Messages: how pure code says a text to be worded where it is shown. Pure: no app."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from helpers import CATALOG_KEYWORDS, extracted_messages, imports_beyond

from quiz import PACKAGE_DIR
from quiz.core import messages, quality
from quiz.core.bank import Problem
from quiz.core.messages import N_, Figure, Message, plural_message, written_figure


class Bracketing:
    """A catalog that words every text in brackets, to see what goes through it."""

    def gettext(self, message: str, /) -> str:
        return f"[{message}]"

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return f"[{singular if n == 1 else plural}]"


def comma_number(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def test_messages_import_nothing_but_the_standard_library() -> None:
    source = Path(messages.__file__).read_text(encoding="utf-8")
    assert imports_beyond(source, {"flask", "flask_babel", "sqlalchemy", "werkzeug"}) == []


def test_a_message_reads_as_english_with_its_values_in_place() -> None:
    message = Message(N_("Role “%(name)s” (%(key)s)"), {"name": "Data Scientist", "key": "ds"})
    assert str(message) == "Role “Data Scientist” (ds)"
    assert f"- {message}" == "- Role “Data Scientist” (ds)"


def test_a_message_without_values_keeps_its_text_as_written() -> None:
    # like gettext with no values: a "%" is not a place to fill
    assert str(Message("100%")) == "100%"
    assert str(Message("%(points)s%% of %(all)s", {"points": 5, "all": 9})) == "5% of 9"


def test_nested_messages_are_worded_first_in_the_same_catalog() -> None:
    inner = Message(N_("Question %(key)s"), {"key": "q1"})
    outer = Message(N_("%(question)s is unclear."), {"question": inner})
    assert str(outer) == "Question q1 is unclear."
    assert outer.worded(Bracketing(), comma_number) == "[[Question q1] is unclear.]"


def test_plain_values_are_written_as_they_are_not_through_the_catalog() -> None:
    message = Message(N_("Hello %(name)s"), {"name": "world"})
    assert message.worded(Bracketing(), comma_number) == "[Hello world]"


@pytest.mark.parametrize(
    ("count", "english"),
    [
        (0, "0 people have answered."),
        (1, "1 person has answered."),
        (2, "2 people have answered."),
    ],
)
def test_a_plural_message_chooses_its_form_by_count(count: int, english: str) -> None:
    message = plural_message("%(num)s person has answered.", "%(num)s people have answered.", count)
    assert str(message) == english
    assert message.count == count
    assert message.worded(Bracketing(), comma_number) == f"[{english}]"


def test_a_plural_message_fills_its_other_values_too() -> None:
    message = plural_message(
        "%(num)s of %(needed)s has answered.", "%(num)s of %(needed)s have answered.", 3, needed=50
    )
    assert str(message) == "3 of 50 have answered."


@pytest.mark.parametrize(
    ("figure", "english", "comma"),
    [
        (Figure(12.5, 1), "12.5", "12,5"),
        (Figure(0.123456), "0.12", "0,12"),
        (Figure(-0.25), "−0.25", "−0,25"),  # a true minus sign
        (Figure(-0.001), "0.00", "0,00"),  # never "-0.00"
        (Figure(-0.0, 0), "0", "0"),
        (Figure(33.333, 0), "33", "33"),
    ],
)
def test_a_figure_is_written_with_its_places_the_readers_way(
    figure: Figure, english: str, comma: str
) -> None:
    assert str(Message("%(x)s", {"x": figure})) == english
    assert written_figure(figure, comma_number) == comma


def test_a_problem_holds_its_reason_as_a_message_and_reads_as_before() -> None:
    problem = Problem("roles[1].name", N_("must be %(value)s"), {"value": 1})
    assert problem.why == Message("must be %(value)s", {"value": 1})
    assert str(problem) == "roles[1].name: must be 1"
    assert str(Problem("", N_("the document must be a JSON object"))) == (
        "the document must be a JSON object"
    )


def test_plural_messages_are_extracted_with_both_forms() -> None:
    assert CATALOG_KEYWORDS["plural_message"] == (1, 2)
    found = extracted_messages([("quiz/core/**.py", "python")])
    assert (
        "Reliability is worked out once %(needed)s real, careful results answer every "
        "question; %(num)s has so far — %(more)s more needed.",
        "Reliability is worked out once %(needed)s real, careful results answer every "
        "question; %(num)s have so far — %(more)s more needed.",
    ) in found
    assert "%(question)s does not separate any two roles: every answer moves them alike." in found


def test_pybabel_finds_both_forms_through_babel_cfg() -> None:
    with (PACKAGE_DIR.parent / "babel.cfg").open(encoding="utf-8") as config:
        _methods, options = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, **options["quiz/**.py"]["keywords"]}
    found = {
        message
        for _line, message, _comments, _context in extract_from_file(
            "python", str(Path(quality.__file__)), keywords=keywords
        )
    }
    assert any(isinstance(m, tuple) and m[1].endswith("more needed.") for m in found)
