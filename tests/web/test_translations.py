"""The translation catalogs: complete, faithful to their placeholders, and compiled as written.

The strings are read from the code and templates the way `pybabel extract` reads them
(babel.cfg), so a string added without a translation fails here, not in front of a reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from helpers import extracted_messages, translation_catalog

from quiz import PACKAGE_DIR
from quiz.web.i18n import DEFAULT_LANGUAGE, LANGUAGES

ROOT = PACKAGE_DIR.parent
TRANSLATIONS = PACKAGE_DIR / "translations"
METHODS = [("quiz/**.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


@pytest.fixture(scope="module")
def messages() -> dict[str | tuple[str, str], str]:
    return extracted_messages(METHODS)


def test_the_babel_config_reads_the_same_files_as_this_test() -> None:
    config = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    assert re.findall(r"^\[(\w+): ([^\]]+)\]", config, re.M) == [
        (method, pattern) for pattern, method in METHODS
    ]


def test_there_are_interface_strings_to_translate(messages) -> None:
    # a broken extraction would find nothing and pass every test below
    assert len(messages) > 300
    assert "Skip to content" in messages


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_has_a_translation(messages, language: str) -> None:
    translations = translation_catalog(language)
    missing = []
    for message, where in messages.items():
        entry = translations.get(message)
        strings = entry and ([entry.string] if isinstance(message, str) else list(entry.string))
        if not strings or not all(strings):
            missing.append(f"{where}: {message!r}")
    assert not missing, f"{len(missing)} strings have no {language} translation:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_exactly_the_placeholders_of_their_english(language: str) -> None:
    wrong = []
    for entry in translation_catalog(language):
        if not entry.id or not entry.string:
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            # a singular may leave out %(num)s ("one answer"); nothing else may go missing
            got = sorted(PLACEHOLDER.findall(string))
            if got != wanted and not (len(ids) == 2 and set(got) <= set(wanted)):
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_is_the_written_one(language: str) -> None:
    def plain(catalog: Catalog) -> dict[object, object]:
        # the .mo reader gives plurals as lists, the .po reader as tuples
        def same(value: object) -> object:
            return tuple(value) if isinstance(value, (list, tuple)) else value

        return {same(e.id): same(e.string) for e in catalog if e.id and any(same(e.string))}

    written = plain(translation_catalog(language))
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = plain(read_mo(handle))
    # (compiling fills a plural left untranslated with its English: the test above catches it)
    assert {key: compiled.get(key) for key in written} == written, (
        "messages.mo is out of date: run "
        f"`pybabel compile -d quiz/translations -l {language}` (docs/translating.md)"
    )


def test_every_offered_language_has_a_catalog() -> None:
    for language in TRANSLATED:
        assert Path(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").is_file()
