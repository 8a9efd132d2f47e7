"""The question bank as data: parse and validate a bank document, and export it again.

A bank document is the JSON described in docs/bank-format.md. It is what the app
seeds from, what a published quiz version stores, and what admins import and
export. Parsing checks everything scoring relies on and reports every problem
with its place in the document, so a bad file is refused whole.

The bank's own texts are English. Every dimension, role, question and choice option
may carry translations of its texts (:data:`TRANSLATABLE`), and
:meth:`Bank.in_language` gives the bank with its texts in one language, falling back
to the English of any text left untranslated. Translations are texts only: keys,
numbers and order never change with the language, so neither does scoring.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from quiz.core import scoring
from quiz.core.messages import N_, Message

FORMAT_VERSION = 1
# the bank ships in the package (quiz/data), beside the code that reads it
DEFAULT_BANK_PATH = Path(__file__).parent.parent / "data" / "default_bank.json"

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
DIMENSION_KINDS = ("skill", "goal", "interest")
QUESTION_KINDS = ("likert", "choice")
PROFILE_RANGE = (0, 3)
# A role's colour, drawn as its bars' fill and its mark beside text: "#" and six hex digits.
COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")
# Graphics must stand out from the white page by at least 3:1 (WCAG 2.2, non-text contrast).
LEAST_COLOUR_CONTRAST = 3.0
# The colours roles take by position when a document names none; each has at least 4.5:1
# contrast on white, so it serves for text as well as bars, and no two are alike in hue.
ROLE_PALETTE = (
    "#1d4ed8",
    "#0f766e",
    "#9333ea",
    "#c2410c",
    "#be123c",
    "#4d7c0f",
    "#0e7490",
    "#a21caf",
)
# An agreement statement of weight 1 spans 4 points from its lowest level to its highest
# (-2 to 2), so a choice option weighing 4 against one weighing 0 says as much as one
# statement does; and classic inventories score their options 0 to 4.
CHOICE_WEIGHT_RANGE = (-4, 4)
LIKERT_WEIGHT_RANGE = (-2, 2)
CHOICE_OPTIONS = (2, 6)
TEXT_LIMIT = 600
NAME_LIMIT = 120  # role and dimension names: what their database columns hold
LIST_LIMIT = 8
# A web address a role links to: an entry in a public occupation database. Only https, and
# only printable ASCII with no spaces (anything else is written percent-encoded), so what an
# admin sees is what a reader's browser opens.
URL_LIMIT = 300
URL_PATTERN = re.compile(
    r"https://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
    r"(?::[0-9]{1,5})?(?:[/?#][!-~]*)?"
)
# How a link is written as one line of text: its label, this, its address.
LINK_SEPARATOR = " | "
# Control characters a text may hold: line breaks (forms send a text area's as CR LF) and tabs.
ALLOWED_CONTROLS = frozenset("\t\n\r")
# The bidirectional embeddings, overrides and isolates: they reorder the text around them.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# The language of the bank's own texts; translations are keyed by other two-letter codes.
SOURCE_LANGUAGE = "en"
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
# The fields each kind of entry may translate, in the order a document lists them.
TRANSLATABLE = {
    "dimension": ("name", "description"),
    "role": (
        "name",
        "summary",
        "focus",
        "skills",
        "tasks",
        "goals",
        "typical_day",
        "learn_first",
        "first_project",
        "titles",
        "links",
    ),
    "question": ("prompt", "labels"),
    "option": ("label",),
}
# Fields holding a list of texts (a tuple in a bank): a role's lists of 1 to LIST_LIMIT,
# and an agreement question's own scale labels, exactly one per level.
ROLE_TEXT_LISTS = frozenset({"skills", "tasks", "goals", "learn_first"})
TEXT_LISTS = ROLE_TEXT_LISTS | {"labels", "titles"}
# Fields holding a list of links (a tuple of BankLink in a bank, of objects in a document).
LINK_LISTS = frozenset({"links"})

# Language code -> field -> translated text (a tuple of texts for a text list).
Translations = Mapping[str, Mapping[str, Any]]

# An agreement item's options, each multiplying the item's weights by its level:
# strong disagreement counts against what the item measures as much as strong
# agreement counts for it. These labels are the interface's, translated by the app's
# catalog (see ``likert_labels`` of :meth:`Bank.in_language`), unless the question
# carries its own five (``BankQuestion.labels``, lowest level first, translated by the bank).
LIKERT_SCALE = (
    ("1", "Strongly disagree", -2),
    ("2", "Disagree", -1),
    ("3", "Neither agree nor disagree", 0),
    ("4", "Agree", 1),
    ("5", "Strongly agree", 2),
)


def refused_character(text: str) -> str | None:
    """Return the first character a bank text may not hold, or None when it holds none.

    The rule for every text and every translation of a bank: no control character
    (Unicode category Cc) other than tab, line feed and carriage return; no lone UTF-16
    surrogate (Cs: it cannot be written as UTF-8, so any page showing it would fail);
    and none of the bidirectional embeddings, overrides and isolates U+202A to U+202E
    and U+2066 to U+2069 (they make a text read differently from how it is stored).
    The marks U+200E and U+200F stay allowed: right-to-left languages need them.
    """
    for character in text:
        if character in ALLOWED_CONTROLS:
            continue
        if character in DIRECTION_CONTROLS or unicodedata.category(character) in ("Cc", "Cs"):
            return character
    return None


def url_problem(url: str) -> str | None:
    """Return why ``url`` cannot be a role's link (an English reason that may name
    ``%(most)s``, the longest allowed), or None when it can.

    The rule: an ``https://`` address with a host name, at most URL_LIMIT characters of
    printable ASCII and no spaces, so no other scheme (``http:``, ``javascript:``) and no
    character that reads differently from what a browser opens.
    """
    if not url.startswith("https://"):
        return N_("must be a web address starting with https://")
    if len(url) > URL_LIMIT:
        return N_("must be at most %(most)s characters")
    if not URL_PATTERN.fullmatch(url):
        return N_(
            "must be a web address such as https://www.example.org/page, "
            "with no spaces (write other characters percent-encoded)"
        )
    return None


def character_code(character: str) -> str:
    """Name a character by its code point, as U+202E: a refused one cannot be shown itself."""
    return f"U+{ord(character):04X}"


def _shown(text: str) -> str:
    """Write ``text`` with each refused character as its JSON escape, so it can be shown."""
    if refused_character(text) is None:
        return text
    return "".join(f"\\u{ord(c):04x}" if refused_character(c) is not None else c for c in text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (a path into it; empty for the whole file)
    and why, as an English reason with named places for its values."""

    where: str
    reason: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def why(self) -> Message:
        """The reason with its values, to be worded in the reader's language."""
        return Message(self.reason, self.values)

    def __str__(self) -> str:
        why = str(self.why)
        return f"{self.where}: {why}" if self.where else why


class BankError(ValueError):
    """A bank document is invalid; ``problems`` lists each place and reason, in English.

    ``details`` holds the same problems as :class:`Problem` objects, for saying them in
    another language.
    """

    def __init__(self, details: list[Problem]):
        self.details = details
        self.problems = [str(problem) for problem in details]
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class BankDimension:
    key: str
    name: str
    kind: str
    description: str
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class BankLink:
    """A link from a role to its entry in a public occupation database, such as O*NET."""

    label: str
    url: str

    @property
    def line(self) -> str:
        """Return the link as one line of text: "Label | https://..."."""
        return f"{self.label}{LINK_SEPARATOR}{self.url}"


@dataclass(frozen=True)
class BankRole:
    key: str
    name: str
    summary: str
    focus: str
    skills: tuple[str, ...]
    tasks: tuple[str, ...]
    goals: tuple[str, ...]
    typical_day: str
    learn_first: tuple[str, ...]
    first_project: str
    position: int
    profile: Mapping[str, int]
    translations: Translations = field(default_factory=dict)
    # "#rrggbb" (lowercase); empty: the palette's colour for the role's position
    colour: str = ""
    # job titles people in this role typically hold, such as "Applied Scientist"
    titles: tuple[str, ...] = ()
    # the role's entries in public occupation databases
    links: tuple[BankLink, ...] = ()

    @property
    def shown_colour(self) -> str:
        """Return the colour the role is drawn in everywhere: its own, or its position's."""
        return self.colour or ROLE_PALETTE[self.position % len(ROLE_PALETTE)]


def contrast_on_white(colour: str) -> float:
    """Return the WCAG contrast ratio of a "#rrggbb" colour against white (1 to 21)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


@dataclass(frozen=True)
class BankOption:
    key: str
    label: str
    weights: Mapping[str, int]
    translations: Translations = field(default_factory=dict)


@dataclass(frozen=True)
class BankQuestion:
    key: str
    kind: str
    prompt: str
    options: tuple[BankOption, ...]
    # an agreement item's own weights (its options' weights are these times the level)
    weights: Mapping[str, int]
    translations: Translations = field(default_factory=dict)
    # an agreement item's own five labels, lowest level first; () shows the app's labels
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class TranslatableText:
    """One text of the bank a translation can replace, named the way an admin finds it."""

    kind: str  # "dimension", "role", "question" or "option"
    key: str  # the dimension's, role's or question's key; an option's question's key
    field: str
    text: str  # the English original
    option: str = ""  # an option's own key


@dataclass(frozen=True)
class Bank:
    """A validated question bank: the texts people read and the numbers scoring uses."""

    dimensions: tuple[BankDimension, ...]
    roles: tuple[BankRole, ...]
    questions: tuple[BankQuestion, ...]

    @cached_property
    def instrument(self) -> scoring.Instrument:
        return scoring.Instrument(
            dimensions=tuple(scoring.Dimension(d.key, d.kind) for d in self.dimensions),
            roles=tuple(scoring.Role(r.key, r.position, r.profile) for r in self.roles),
            questions=tuple(
                scoring.Question(q.key, tuple(scoring.Option(o.key, o.weights) for o in q.options))
                for q in self.questions
            ),
        )

    @cached_property
    def effect_table(self) -> scoring.EffectTable:
        return scoring.EffectTable.from_instrument(self.instrument)

    @cached_property
    def role_by_key(self) -> dict[str, BankRole]:
        return {r.key: r for r in self.roles}

    @cached_property
    def question_by_key(self) -> dict[str, BankQuestion]:
        return {q.key: q for q in self.questions}

    @cached_property
    def agreement_levels(self) -> dict[str, tuple[str, ...]]:
        """Return each agreement question's option keys in level order, strongest disagreement
        first: what the effect table cannot tell (it knows effects, not kinds or levels)."""
        return {
            q.key: tuple(o.key for o in q.options) for q in self.questions if q.kind == "likert"
        }

    def pages(self, per_page: int) -> list[tuple[BankQuestion, ...]]:
        """Split the questions into pages of at most ``per_page``, spread evenly.

        Spread evenly, page sizes differing by at most one, so the last page is never a
        short one: 35 questions at 6 a page make 6 pages of 6, 6, 6, 6, 6 and 5; 32 make
        6, 6, 5, 5, 5 and 5 (not 6, 6, 6, 6, 6 and 2).
        """
        count = max(1, math.ceil(len(self.questions) / per_page))
        # the first `longer` pages take one question more: sizes differ by at most one
        size, longer = divmod(len(self.questions), count)
        pages = []
        start = 0
        for page in range(count):
            end = start + size + (1 if page < longer else 0)
            pages.append(self.questions[start:end])
            start = end
        return pages

    def option_label(self, question: str, option: str) -> str:
        """Return the text of ``option`` in ``question``."""
        return next(o.label for o in self.question_by_key[question].options if o.key == option)

    @cached_property
    def languages(self) -> frozenset[str]:
        """Return the codes of the languages any text of the bank is translated into."""
        return frozenset(code for item in self._translatable_items() for code in item.translations)

    def in_language(self, code: str, likert_labels: Mapping[str, str] | None = None) -> Bank:
        """Return the bank with its texts in language ``code`` where they are translated.

        A text without a translation keeps its English; keys, numbers and order are the
        same, so the bank scores exactly as this one does (it shares this bank's
        ``instrument`` and ``effect_table``). ``likert_labels`` maps an agreement
        option's key ("1" to "5") to its label in that language: those labels belong to
        the interface, so the caller translates them. The result carries no translations
        of its own. English, or a language the bank has nothing in, gives this bank back;
        a bank never changes, so each language is made once and kept.
        """
        labels = tuple(sorted(likert_labels.items())) if likert_labels else ()
        if code == SOURCE_LANGUAGE or (code not in self.languages and not labels):
            return self
        made: dict[tuple[str, tuple[tuple[str, str], ...]], Bank] = self._in_languages
        bank = made.get((code, labels))
        if bank is None:
            bank = made[(code, labels)] = self._translated(code, dict(labels))
        return bank

    @cached_property
    def _in_languages(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], Bank]:
        return {}

    def _translated(self, code: str, likert_labels: Mapping[str, str]) -> Bank:
        def question_in(question: BankQuestion) -> BankQuestion:
            shown: BankQuestion = _in(question, code, "question")
            if question.kind != "likert":
                options = tuple(_in(o, code, "option") for o in question.options)
            elif shown.labels:
                # the question's own labels, translated where the bank translates them
                options = tuple(
                    replace(o, label=label)
                    for o, label in zip(question.options, shown.labels, strict=True)
                )
            else:
                options = tuple(
                    replace(o, label=likert_labels.get(o.key, o.label)) for o in question.options
                )
            return replace(shown, options=options)

        bank = Bank(
            dimensions=tuple(_in(d, code, "dimension") for d in self.dimensions),
            roles=tuple(_in(r, code, "role") for r in self.roles),
            questions=tuple(question_in(q) for q in self.questions),
        )
        # the same numbers: share what scoring built from them rather than build it again
        # (effect tables are also cached elsewhere by identity)
        bank.__dict__["instrument"] = self.instrument
        bank.__dict__["effect_table"] = self.effect_table
        return bank

    def translatable_texts(self) -> list[TranslatableText]:
        """Return every text a translation can replace, in document order.

        An empty dimension description is left out: there is nothing to translate. An
        agreement question's own labels are one text (the five, a line each); the app's
        labels, shown where a question has none, are the interface's and not among them.
        """
        texts = []
        for kind, item, key, option in self._translatable_entries():
            for name in TRANSLATABLE[kind]:
                value = getattr(item, name)
                if value:
                    text = "\n".join(_line(v) for v in value) if isinstance(value, tuple) else value
                    texts.append(TranslatableText(kind, key, name, text, option))
        return texts

    def translation_gaps(self, code: str) -> list[TranslatableText]:
        """Return the texts with no translation into language ``code``, in document order."""
        translated = {
            (kind, key, option): set(item.translations.get(code, {}))
            for kind, item, key, option in self._translatable_entries()
        }
        return [
            text
            for text in self.translatable_texts()
            if text.field not in translated[(text.kind, text.key, text.option)]
        ]

    def _translatable_entries(
        self,
    ) -> list[tuple[str, BankDimension | BankRole | BankQuestion | BankOption, str, str]]:
        entries: list[tuple[str, BankDimension | BankRole | BankQuestion | BankOption, str, str]]
        entries = [("dimension", d, d.key, "") for d in self.dimensions]
        entries += [("role", r, r.key, "") for r in self.roles]
        for q in self.questions:
            entries.append(("question", q, q.key, ""))
            if q.kind == "choice":
                entries += [("option", o, q.key, o.key) for o in q.options]
        return entries

    def _translatable_items(self) -> list[BankDimension | BankRole | BankQuestion | BankOption]:
        return [item for _kind, item, _key, _option in self._translatable_entries()]

    def to_document(self) -> dict[str, Any]:
        """Return the bank as a document that :func:`parse_bank` reads back unchanged."""
        return {
            "format": FORMAT_VERSION,
            "dimensions": [
                _with_translations(
                    {"key": d.key, "name": d.name, "kind": d.kind, "description": d.description},
                    d.translations,
                    "dimension",
                )
                for d in self.dimensions
            ],
            "roles": [
                _with_translations(
                    {
                        "key": r.key,
                        "name": r.name,
                        "summary": r.summary,
                        "focus": r.focus,
                        "skills": list(r.skills),
                        "tasks": list(r.tasks),
                        "goals": list(r.goals),
                        "typical_day": r.typical_day,
                        "learn_first": list(r.learn_first),
                        "first_project": r.first_project,
                        **({"titles": list(r.titles)} if r.titles else {}),
                        **({"links": document_value(r.links)} if r.links else {}),
                        **({"colour": r.colour} if r.colour else {}),
                        "profile": self._in_dimension_order(r.profile),
                    },
                    r.translations,
                    "role",
                )
                for r in self.roles
            ],
            "questions": [self._question_document(q) for q in self.questions],
        }

    def _in_dimension_order(self, weights: Mapping[str, int]) -> dict[str, int]:
        # one canonical order, so export -> import -> export gives identical files
        return {d.key: weights[d.key] for d in self.dimensions if d.key in weights}

    def _question_document(self, question: BankQuestion) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "key": question.key,
            "kind": question.kind,
            "prompt": question.prompt,
        }
        if question.kind == "likert":
            if question.labels:
                doc["labels"] = list(question.labels)
            doc["weights"] = self._in_dimension_order(question.weights)
        else:
            doc["options"] = [
                _with_translations(
                    {
                        "key": o.key,
                        "label": o.label,
                        "weights": self._in_dimension_order(o.weights),
                    },
                    o.translations,
                    "option",
                )
                for o in question.options
            ]
        return _with_translations(doc, question.translations, "question")


def _in(item: Any, code: str, kind: str) -> Any:
    """Return ``item`` with its texts in language ``code`` where translated, and no translations."""
    texts = item.translations.get(code, {})
    return replace(
        item,
        translations={},
        **{
            name: tuple(texts[name]) if name in TEXT_LISTS | LINK_LISTS else texts[name]
            for name in TRANSLATABLE[kind]
            if name in texts
        },
    )


def _with_translations(
    document: dict[str, Any], translations: Translations, kind: str
) -> dict[str, Any]:
    """Add ``translations`` to an entry's document, if it has any, in one canonical order.

    Languages are sorted and fields follow :data:`TRANSLATABLE`, so export -> import ->
    export gives identical files. A field this kind cannot translate is kept, after
    the others, so that parsing the draft's document names it as a problem.
    """
    out = {}
    for code in sorted(translations, key=str):
        texts = translations[code]
        if not isinstance(texts, Mapping):
            out[code] = texts
            continue
        known = [name for name in TRANSLATABLE[kind] if name in texts]
        unknown = sorted((name for name in texts if name not in TRANSLATABLE[kind]), key=str)
        fields = {name: document_value(texts[name]) for name in known + unknown}
        if fields:
            out[code] = fields
    if out:
        document["translations"] = out
    return document


def document_value(value: Any) -> Any:
    """Return a field's value as a document (and a JSON column) holds it: a tuple as a
    list, a link as an object of its label and address."""
    if isinstance(value, tuple | list):
        return [document_value(v) for v in value]
    if isinstance(value, BankLink):
        return {"label": value.label, "url": value.url}
    return value


def _line(value: Any) -> str:
    return value.line if isinstance(value, BankLink) else str(value)


def likert_options(
    weights: Mapping[str, int], labels: tuple[str, ...] = ()
) -> tuple[BankOption, ...]:
    """Return an agreement item's five options, each weighing ``weights`` times its level.

    ``labels`` are the question's own five, lowest level first; without them the options
    carry the app's labels (:data:`LIKERT_SCALE`). The keys are "1" to "5" either way.
    """
    own = labels if len(labels) == len(LIKERT_SCALE) else ()
    return tuple(
        BankOption(
            key, own[i] if own else label, {d: level * w for d, w in weights.items() if level}
        )
        for i, (key, label, level) in enumerate(LIKERT_SCALE)
    )


def load_bank_file(path: str | Path = DEFAULT_BANK_PATH) -> Bank:
    """Read and parse a bank document from a JSON file."""
    return parse_bank_text(Path(path).read_text(encoding="utf-8"))


def parse_bank_text(text: str) -> Bank:
    """Parse a bank document from JSON text; a syntax error is reported with its line.

    A key that appears twice in one object is refused with the object's path: JSON
    readers disagree on which of the two counts, so the file does not say what it means.
    """
    try:
        document = json.loads(text, object_pairs_hook=_KeyedObject.of)
    except json.JSONDecodeError as error:
        raise BankError(
            [
                Problem(
                    "",
                    N_("line %(line)s, column %(column)s: %(what)s"),
                    {"line": error.lineno, "column": error.colno, "what": error.msg},
                )
            ]
        ) from None
    except (ValueError, RecursionError):
        # a number too long to read, or nesting too deep: no bank looks like that
        raise BankError(
            [
                Problem(
                    "", N_("the file is not a bank document: it is nested or sized beyond reason")
                )
            ]
        ) from None
    repeated = _repeated_keys(document)
    if repeated:
        raise BankError(repeated)
    return parse_bank(document)


class _KeyedObject(dict[str, Any]):
    """A JSON object read with a key more than once, remembering which keys."""

    repeated: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        read = dict(pairs)
        if len(read) == len(pairs):
            return read
        marked = cls(read)
        counts = Counter(key for key, _ in pairs)
        marked.repeated = tuple(key for key, count in counts.items() if count > 1)
        return marked


def _repeated_keys(document: Any) -> list[Problem]:
    """Find every object of ``document`` that had a key twice, with its path (no recursion:
    the document may be nested as deeply as the JSON reader allows)."""
    problems = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key in node.repeated if isinstance(node, _KeyedObject) else ():
                problems.append(
                    Problem(
                        _shown(path),
                        N_('the key "%(key)s" appears more than once'),
                        {"key": _shown(key)},
                    )
                )
            children = [(f"{path}.{key}" if path else key, value) for key, value in node.items()]
        elif isinstance(node, list):
            children = [(f"{path}[{i}]", value) for i, value in enumerate(node)]
        else:
            continue
        stack.extend(reversed(children))
    return problems


def parse_bank(document: Any) -> Bank:
    """Validate a bank document and return it as a :class:`Bank`.

    Raises :class:`BankError` listing every problem found, each with its path
    in the document (``questions[3].options[1].weights.statistics``).
    """
    reader = _DocumentReader()
    if not isinstance(document, dict):
        raise BankError([Problem("", N_("the document must be a JSON object"))])
    if type(document.get("format")) is not int or document["format"] != FORMAT_VERSION:
        reader.problem("format", N_("must be %(value)s"), value=FORMAT_VERSION)

    dimensions = [
        BankDimension(
            key=reader.key(d, f"dimensions[{i}]"),
            name=reader.text(d, "name", f"dimensions[{i}]", limit=NAME_LIMIT),
            kind=reader.choice(d, "kind", DIMENSION_KINDS, f"dimensions[{i}]"),
            description=reader.text(d, "description", f"dimensions[{i}]", required=False),
            translations=reader.translations(d, f"dimensions[{i}]", "dimension"),
        )
        for i, d in reader.items(document, "dimensions", "")
    ]
    reader.unique([d.key for d in dimensions], "dimensions")
    dimension_keys = {d.key for d in dimensions}

    roles = []
    for i, r in reader.items(document, "roles", ""):
        where = f"roles[{i}]"
        roles.append(
            BankRole(
                key=reader.key(r, where),
                name=reader.text(r, "name", where, limit=NAME_LIMIT),
                summary=reader.text(r, "summary", where),
                focus=reader.text(r, "focus", where),
                skills=reader.texts(r, "skills", where),
                tasks=reader.texts(r, "tasks", where),
                goals=reader.texts(r, "goals", where),
                typical_day=reader.text(r, "typical_day", where),
                learn_first=reader.texts(r, "learn_first", where),
                first_project=reader.text(r, "first_project", where),
                position=i,
                profile=reader.weights(r, "profile", where, dimension_keys, PROFILE_RANGE),
                translations=reader.translations(r, where, "role"),
                colour=reader.colour(r, where),
                titles=reader.titles(r, "titles", where, least=0),
                links=reader.links(r, "links", where, least=0),
            )
        )
        if isinstance(r.get("profile"), dict) and not any(r["profile"].values()):
            reader.problem(f"{where}.profile", N_("needs at least one dimension above 0"))
    reader.unique([r.key for r in roles], "roles")

    questions = []
    for i, q in reader.items(document, "questions", ""):
        where = f"questions[{i}]"
        kind = reader.choice(q, "kind", QUESTION_KINDS, where)
        labels: tuple[str, ...] = ()
        if kind == "likert":
            weights = reader.weights(q, "weights", where, dimension_keys, LIKERT_WEIGHT_RANGE)
            if isinstance(q.get("weights"), dict) and not any(q["weights"].values()):
                reader.problem(f"{where}.weights", N_("needs at least one weight that is not 0"))
            if "labels" in q:
                labels = reader.labels(q, "labels", where)
            options = likert_options(weights, labels)
        elif kind == "choice":
            weights = {}
            options = tuple(
                BankOption(
                    key=reader.key(o, f"{where}.options[{j}]"),
                    label=reader.text(o, "label", f"{where}.options[{j}]"),
                    weights=reader.weights(
                        o, "weights", f"{where}.options[{j}]", dimension_keys, CHOICE_WEIGHT_RANGE
                    ),
                    translations=reader.translations(o, f"{where}.options[{j}]", "option"),
                )
                for j, o in reader.items(q, "options", where, CHOICE_OPTIONS)
            )
            reader.unique([o.key for o in options], f"{where}.options")
            if "labels" in q:
                reader.problem(
                    f"{where}.labels",
                    N_("only an agreement question has labels; a choice question's options do"),
                )
        else:
            weights, options = {}, ()
        # only an agreement question has labels to translate; a choice question's options
        # carry its answer texts
        fields = TRANSLATABLE["question"] if kind == "likert" else ("prompt",)
        translations = reader.translations(q, where, "question", fields)
        if kind == "likert" and "labels" not in q:
            for code, texts in translations.items():
                if "labels" in texts:
                    reader.problem(
                        f"{where}.translations.{code}.labels",
                        N_("can be translated only where the question has labels of its own"),
                    )
        questions.append(
            BankQuestion(
                key=reader.key(q, where),
                kind=kind,
                prompt=reader.text(q, "prompt", where),
                options=options,
                weights=weights,
                translations=translations,
                labels=labels,
            )
        )
    reader.unique([q.key for q in questions], "questions")

    if reader.problems:
        raise BankError(reader.problems)
    return Bank(dimensions=tuple(dimensions), roles=tuple(roles), questions=tuple(questions))


class _DocumentReader:
    """Read a bank document's parts, collecting problems so one pass reports them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, where: str, reason: str, **values: Any) -> None:
        # a path holds the document's own names, which may hold characters no page can show
        shown = {name: _shown(v) if isinstance(v, str) else v for name, v in values.items()}
        self.problems.append(Problem(_shown(where), reason, shown))

    def plain(self, value: str, where: str) -> None:
        """Report a text holding a character :func:`refused_character` refuses."""
        if "\x00" in value:
            self.problem(where, N_("must not contain NUL characters"))
        elif (character := refused_character(value)) is not None:
            self.problem(
                where,
                N_(
                    "must not contain the character %(character)s "
                    "(a control, text direction or broken character)"
                ),
                character=character_code(character),
            )

    def items(
        self, parent: Any, name: str, where: str, count: tuple[int, int] = (1, 200)
    ) -> list[tuple[int, dict[str, Any]]]:
        path = f"{where}.{name}" if where else name
        value = parent.get(name) if isinstance(parent, dict) else None
        if not isinstance(value, list):
            self.problem(path, N_("must be a list"))
            return []
        if not count[0] <= len(value) <= count[1]:
            self.problem(
                path, N_("must have from %(low)s to %(high)s entries"), low=count[0], high=count[1]
            )
        good = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                good.append((i, item))
            else:
                self.problem(f"{path}[{i}]", N_("must be an object"))
        return good

    def key(self, parent: dict[str, Any], where: str) -> str:
        value = parent.get("key")
        if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
            self.problem(
                f"{where}.key",
                N_(
                    "must be 1 to 40 lowercase letters, digits or hyphens, "
                    "starting with a letter or digit"
                ),
            )
            return ""
        return value

    def text(
        self,
        parent: dict[str, Any],
        name: str,
        where: str,
        required: bool = True,
        limit: int = TEXT_LIMIT,
    ) -> str:
        value = parent.get(name, None if required else "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(f"{where}.{name}", N_("must be a non-empty text"))
            return ""
        value = value.strip()
        self.plain(value, f"{where}.{name}")
        if len(value) > limit:
            self.problem(f"{where}.{name}", N_("must be at most %(most)s characters"), most=limit)
        return value

    def colour(self, parent: dict[str, Any], where: str) -> str:
        """Read a role's optional colour: "#rrggbb" that stands out on white; "" if none."""
        value = parent.get("colour", "")
        if value == "":
            return ""
        if not isinstance(value, str) or not COLOUR_PATTERN.fullmatch(value):
            self.problem(f"{where}.colour", N_("must be a colour written as # and six hex digits"))
            return ""
        ratio = contrast_on_white(value)
        if ratio < LEAST_COLOUR_CONTRAST:
            self.problem(
                f"{where}.colour",
                N_("must stand out on white by at least 3:1 (it has %(ratio)s:1)"),
                ratio=f"{ratio:.1f}",
            )
        return value.lower()

    def texts(self, parent: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
        value = parent.get(name)
        if (
            not isinstance(value, list)
            or not 1 <= len(value) <= LIST_LIMIT
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.problem(
                f"{where}.{name}",
                N_("must be a list of 1 to %(most)s non-empty texts"),
                most=LIST_LIMIT,
            )
            return ()
        return self._each_text(value, f"{where}.{name}")

    def _each_text(self, value: list[str], where: str) -> tuple[str, ...]:
        """Check each text of a list the way a single text is checked; return them stripped."""
        for j, v in enumerate(value):
            self.plain(v, f"{where}[{j}]")
            if len(v.strip()) > TEXT_LIMIT:
                self.problem(
                    f"{where}[{j}]", N_("must be at most %(most)s characters"), most=TEXT_LIMIT
                )
        return tuple(v.strip() for v in value)

    def titles(self, parent: dict[str, Any], name: str, where: str, least: int) -> tuple[str, ...]:
        """Read a role's job titles: ``least`` to LIST_LIMIT names (absent: none)."""
        value = parent.get(name, [])
        if (
            not isinstance(value, list)
            or not least <= len(value) <= LIST_LIMIT
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.problem(
                f"{where}.{name}",
                N_("must be a list of %(least)s to %(most)s non-empty job titles"),
                least=least,
                most=LIST_LIMIT,
            )
            return ()
        for j, v in enumerate(value):
            self.plain(v, f"{where}.{name}[{j}]")
            if len(v.strip()) > NAME_LIMIT:
                self.problem(
                    f"{where}.{name}[{j}]",
                    N_("must be at most %(most)s characters"),
                    most=NAME_LIMIT,
                )
        return tuple(v.strip() for v in value)

    def links(
        self, parent: dict[str, Any], name: str, where: str, least: int
    ) -> tuple[BankLink, ...]:
        """Read a role's links: ``least`` to LIST_LIMIT objects of a label and an https address."""
        value = parent.get(name, [])
        path = f"{where}.{name}"
        if not isinstance(value, list) or not least <= len(value) <= LIST_LIMIT:
            self.problem(
                path,
                N_("must be a list of %(least)s to %(most)s links, each a label and an address"),
                least=least,
                most=LIST_LIMIT,
            )
            return ()
        links = []
        for j, item in enumerate(value):
            here = f"{path}[{j}]"
            if not isinstance(item, dict):
                self.problem(here, N_("must be an object with a label and a url"))
                continue
            for extra in sorted((k for k in item if k not in ("label", "url")), key=str):
                self.problem(
                    f"{here}.{extra}", N_("is not a field of a link: it has a label and a url")
                )
            label = self.text(item, "label", here, limit=NAME_LIMIT)
            links.append(BankLink(label, self.url(item, "url", here)))
        return tuple(links)

    def url(self, parent: dict[str, Any], name: str, where: str) -> str:
        """Read a web address that :func:`url_problem` finds nothing wrong with."""
        value = parent.get(name)
        path = f"{where}.{name}"
        if not isinstance(value, str):
            self.problem(path, N_("must be a web address starting with https://"))
            return ""
        value = value.strip()
        if refused_character(value) is not None:
            self.plain(value, path)
        elif (reason := url_problem(value)) is not None:
            self.problem(path, reason, most=URL_LIMIT)
        return value

    def labels(self, parent: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
        """Read an agreement question's own labels: one text per level, lowest first."""
        value = parent.get(name)
        count = len(LIKERT_SCALE)
        if (
            not isinstance(value, list)
            or len(value) != count
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.problem(
                f"{where}.{name}",
                N_("must be a list of exactly %(count)s non-empty texts, lowest level first"),
                count=count,
            )
            return ()
        return self._each_text(value, f"{where}.{name}")

    def translations(
        self,
        parent: dict[str, Any],
        where: str,
        kind: str,
        fields: tuple[str, ...] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Read an entry's translations; return them languages sorted, fields in table order.

        Each translated text follows the rules of the text it translates. A language
        with no texts is left out, as export leaves it out. ``fields`` narrows what this
        entry may translate (by default every field of its ``kind``).
        """
        value = parent.get("translations", {})
        path = f"{where}.translations"
        if not isinstance(value, dict):
            self.problem(path, N_("must be an object of language codes to translated texts"))
            return {}
        fields = TRANSLATABLE[kind] if fields is None else fields
        found = {}
        for code, texts in value.items():
            here = f"{path}.{code}"
            if not isinstance(code, str) or not LANGUAGE_CODE.fullmatch(code):
                self.problem(
                    here, N_("must be a language code of two lowercase letters, such as de")
                )
                continue
            if code == SOURCE_LANGUAGE:
                self.problem(here, N_("must not be en: the bank's own texts are English"))
                continue
            if not isinstance(texts, dict):
                self.problem(here, N_("must be an object of field names to translated texts"))
                continue
            for name in texts:
                if name not in fields:
                    self.problem(
                        f"{here}.{name}",
                        N_("cannot be translated; translatable here: %(fields)s"),
                        fields=", ".join(fields),
                    )
            read = {
                name: self.labels(texts, name, here)
                if name == "labels"
                else self.titles(texts, name, here, least=1)
                if name == "titles"
                else self.links(texts, name, here, least=1)
                if name in LINK_LISTS
                else self.texts(texts, name, here)
                if name in TEXT_LISTS
                else self.text(
                    texts, name, here, limit=NAME_LIMIT if name == "name" else TEXT_LIMIT
                )
                for name in fields
                if name in texts
            }
            if read:
                found[code] = read
        return {code: found[code] for code in sorted(found)}

    def choice(
        self, parent: dict[str, Any], name: str, allowed: tuple[str, ...], where: str
    ) -> str:
        value = parent.get(name)
        if value not in allowed:
            self.problem(
                f"{where}.{name}", N_("must be one of %(allowed)s"), allowed=", ".join(allowed)
            )
            return ""
        return str(value)

    def weights(
        self,
        parent: dict[str, Any],
        name: str,
        where: str,
        dimensions: set[str],
        bounds: tuple[int, int],
    ) -> dict[str, int]:
        value = parent.get(name)
        if not isinstance(value, dict):
            self.problem(
                f"{where}.{name}", N_("must be an object of dimension keys to whole numbers")
            )
            return {}
        weights = {}
        for dimension, weight in value.items():
            path = f"{where}.{name}.{dimension}"
            if dimension not in dimensions:
                self.problem(path, N_("is not a dimension of this bank"))
            elif (
                isinstance(weight, bool)
                or not isinstance(weight, int)
                or not bounds[0] <= weight <= bounds[1]
            ):
                self.problem(
                    path,
                    N_("must be a whole number from %(low)s to %(high)s"),
                    low=bounds[0],
                    high=bounds[1],
                )
            elif weight:
                weights[dimension] = weight
        return weights

    def unique(self, keys: list[str], where: str) -> None:
        seen = set()
        for key in keys:
            if key and key in seen:
                self.problem(where, N_("key %(key)s is used more than once"), key=repr(key))
            seen.add(key)
