"""Published banks as a reader sees them: in their language, with the interface's labels.

Texts a version has no translation of stay English; the agreement scale's labels come from
the interface's catalog, except on a question with labels of its own, which the bank
translates like its other texts. Cached per version and language, as versions never change.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, lazy_gettext

from quiz.core.bank import SOURCE_LANGUAGE, Bank, TranslatableText
from quiz.store.caches import app_cache
from quiz.store.publishing import VERSIONS_KEPT, published_bank
from quiz.web.i18n import LANGUAGES, current_language

# The agreement scale's labels, marked for the catalog: the bank keeps them in English
# (quiz.core.bank.LIKERT_SCALE) and leaves translating them to the interface. A question
# with labels of its own shows those instead (quiz.core.bank.BankQuestion.labels).
LIKERT_LABELS = {
    "1": lazy_gettext("Strongly disagree"),
    "2": lazy_gettext("Disagree"),
    "3": lazy_gettext("Neither agree nor disagree"),
    "4": lazy_gettext("Agree"),
    "5": lazy_gettext("Strongly agree"),
}


def shown_bank(version_id: int, language: str | None = None) -> Bank:
    """Return a published version's bank in ``language``, by default the request's.

    Texts the version has no translation of stay English; the agreement labels come
    from the interface's catalog. Outside a request (the command line) the default is
    English. Cached per version and language, as versions never change.
    """
    shown_language = language or current_language()
    return app_cache("shown banks", VERSIONS_KEPT * len(LANGUAGES)).get(
        (version_id, shown_language),
        lambda: shown_in_language(published_bank(version_id), shown_language),
    )


def shown_in_language(bank: Bank, language: str | None = None) -> Bank:
    """Return ``bank`` as a taker reading ``language`` (by default the request's) sees it."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE:
        return bank
    return bank.in_language(language, likert_labels=likert_labels(language))


def likert_labels(language: str) -> dict[str, str]:
    """Return the agreement scale's labels in ``language``, from the interface's catalog."""
    with force_locale(language):
        return {key: str(label) for key, label in LIKERT_LABELS.items()}


@dataclass(frozen=True)
class TranslationStatus:
    """How much of a bank is translated into one language, and what is still missing."""

    language: str
    language_name: str
    total: int
    gaps: list[TranslatableText]

    @property
    def translated(self) -> int:
        return self.total - len(self.gaps)


def translation_status(bank: Bank) -> list[TranslationStatus]:
    """Return the translation status of ``bank`` in every language the app offers but English."""
    total = len(bank.translatable_texts())
    return [
        TranslationStatus(code, name, total, bank.translation_gaps(code))
        for code, name in LANGUAGES.items()
        if code != SOURCE_LANGUAGE
    ]
