"""The question bank as data: parse and validate a bank document, and export it again.

A bank document is the JSON described in docs/bank-format.md. It is what the app
seeds from, what a published quiz version stores, and what admins import and
export. Parsing checks everything scoring relies on and reports every problem
with its place in the document, so a bad file is refused whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from quiz import scoring

FORMAT_VERSION = 1
DEFAULT_BANK_PATH = Path(__file__).parent / "data" / "default_bank.json"

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
DIMENSION_KINDS = ("skill", "goal")
QUESTION_KINDS = ("likert", "choice")
PROFILE_RANGE = (0, 3)
CHOICE_WEIGHT_RANGE = (-3, 3)
LIKERT_WEIGHT_RANGE = (-2, 2)
CHOICE_OPTIONS = (2, 6)
TEXT_LIMIT = 600
NAME_LIMIT = 120  # role and dimension names: what their database columns hold
LIST_LIMIT = 8

# An agreement item's options, each multiplying the item's weights by its level:
# strong disagreement counts against what the item measures as much as strong
# agreement counts for it.
LIKERT_SCALE = (
    ("1", "Strongly disagree", -2),
    ("2", "Disagree", -1),
    ("3", "Neither agree nor disagree", 0),
    ("4", "Agree", 1),
    ("5", "Strongly agree", 2),
)


class BankError(ValueError):
    """A bank document is invalid; ``problems`` lists each place and reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class BankDimension:
    key: str
    name: str
    kind: str
    description: str


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


@dataclass(frozen=True)
class BankOption:
    key: str
    label: str
    weights: Mapping[str, int]


@dataclass(frozen=True)
class BankQuestion:
    key: str
    kind: str
    prompt: str
    options: tuple[BankOption, ...]
    # an agreement item's own weights (its options' weights are these times the level)
    weights: Mapping[str, int]


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

    def option_label(self, question: str, option: str) -> str:
        """Return the text of ``option`` in ``question``."""
        return next(o.label for o in self.question_by_key[question].options if o.key == option)

    def to_document(self) -> dict[str, Any]:
        """Return the bank as a document that :func:`parse_bank` reads back unchanged."""
        return {
            "format": FORMAT_VERSION,
            "dimensions": [
                {"key": d.key, "name": d.name, "kind": d.kind, "description": d.description}
                for d in self.dimensions
            ],
            "roles": [
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
                    "profile": self._in_dimension_order(r.profile),
                }
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
            doc["weights"] = self._in_dimension_order(question.weights)
        else:
            doc["options"] = [
                {"key": o.key, "label": o.label, "weights": self._in_dimension_order(o.weights)}
                for o in question.options
            ]
        return doc


def likert_options(weights: Mapping[str, int]) -> tuple[BankOption, ...]:
    """Return an agreement item's five options, each weighing ``weights`` times its level."""
    return tuple(
        BankOption(key, label, {d: level * w for d, w in weights.items() if level})
        for key, label, level in LIKERT_SCALE
    )


def load_bank_file(path: str | Path = DEFAULT_BANK_PATH) -> Bank:
    """Read and parse a bank document from a JSON file."""
    return parse_bank_text(Path(path).read_text(encoding="utf-8"))


def parse_bank_text(text: str) -> Bank:
    """Parse a bank document from JSON text; a syntax error is reported with its line."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BankError([f"line {error.lineno}, column {error.colno}: {error.msg}"]) from None
    except (ValueError, RecursionError):
        # a number too long to read, or nesting too deep: no bank looks like that
        raise BankError(
            ["the file is not a bank document: it is nested or sized beyond reason"]
        ) from None
    return parse_bank(document)


def parse_bank(document: Any) -> Bank:
    """Validate a bank document and return it as a :class:`Bank`.

    Raises :class:`BankError` listing every problem found, each with its path
    in the document (``questions[3].options[1].weights.statistics``).
    """
    check = _Checker()
    if not isinstance(document, dict):
        raise BankError(["the document must be a JSON object"])
    if type(document.get("format")) is not int or document["format"] != FORMAT_VERSION:
        check.problem("format", f"must be {FORMAT_VERSION}")

    dimensions = [
        BankDimension(
            key=check.key(d, f"dimensions[{i}]"),
            name=check.text(d, "name", f"dimensions[{i}]", limit=NAME_LIMIT),
            kind=check.choice(d, "kind", DIMENSION_KINDS, f"dimensions[{i}]"),
            description=check.text(d, "description", f"dimensions[{i}]", required=False),
        )
        for i, d in check.items(document, "dimensions", "")
    ]
    check.unique([d.key for d in dimensions], "dimensions")
    dimension_keys = {d.key for d in dimensions}

    roles = []
    for i, r in check.items(document, "roles", ""):
        where = f"roles[{i}]"
        roles.append(
            BankRole(
                key=check.key(r, where),
                name=check.text(r, "name", where, limit=NAME_LIMIT),
                summary=check.text(r, "summary", where),
                focus=check.text(r, "focus", where),
                skills=check.texts(r, "skills", where),
                tasks=check.texts(r, "tasks", where),
                goals=check.texts(r, "goals", where),
                typical_day=check.text(r, "typical_day", where),
                learn_first=check.texts(r, "learn_first", where),
                first_project=check.text(r, "first_project", where),
                position=i,
                profile=check.weights(r, "profile", where, dimension_keys, PROFILE_RANGE),
            )
        )
        if isinstance(r.get("profile"), dict) and not any(r["profile"].values()):
            check.problem(f"{where}.profile", "needs at least one dimension above 0")
    check.unique([r.key for r in roles], "roles")

    questions = []
    for i, q in check.items(document, "questions", ""):
        where = f"questions[{i}]"
        kind = check.choice(q, "kind", QUESTION_KINDS, where)
        if kind == "likert":
            weights = check.weights(q, "weights", where, dimension_keys, LIKERT_WEIGHT_RANGE)
            if isinstance(q.get("weights"), dict) and not any(q["weights"].values()):
                check.problem(f"{where}.weights", "needs at least one weight that is not 0")
            options = likert_options(weights)
        elif kind == "choice":
            weights = {}
            options = tuple(
                BankOption(
                    key=check.key(o, f"{where}.options[{j}]"),
                    label=check.text(o, "label", f"{where}.options[{j}]"),
                    weights=check.weights(
                        o, "weights", f"{where}.options[{j}]", dimension_keys, CHOICE_WEIGHT_RANGE
                    ),
                )
                for j, o in check.items(q, "options", where, CHOICE_OPTIONS)
            )
            check.unique([o.key for o in options], f"{where}.options")
        else:
            weights, options = {}, ()
        questions.append(
            BankQuestion(
                key=check.key(q, where),
                kind=kind,
                prompt=check.text(q, "prompt", where),
                options=options,
                weights=weights,
            )
        )
    check.unique([q.key for q in questions], "questions")

    if check.problems:
        raise BankError(check.problems)
    return Bank(dimensions=tuple(dimensions), roles=tuple(roles), questions=tuple(questions))


class _Checker:
    """Collect problems while reading a document, so one pass reports them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, why: str) -> None:
        self.problems.append(f"{where}: {why}")

    def items(
        self, parent: Any, name: str, where: str, count: tuple[int, int] = (1, 200)
    ) -> list[tuple[int, dict[str, Any]]]:
        path = f"{where}.{name}" if where else name
        value = parent.get(name) if isinstance(parent, dict) else None
        if not isinstance(value, list):
            self.problem(path, "must be a list")
            return []
        if not count[0] <= len(value) <= count[1]:
            self.problem(path, f"must have from {count[0]} to {count[1]} entries")
        good = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                good.append((i, item))
            else:
                self.problem(f"{path}[{i}]", "must be an object")
        return good

    def key(self, parent: dict[str, Any], where: str) -> str:
        value = parent.get("key")
        if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
            self.problem(
                f"{where}.key",
                "must be 1 to 40 lowercase letters, digits or hyphens, "
                "starting with a letter or digit",
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
            self.problem(f"{where}.{name}", "must be a non-empty text")
            return ""
        value = value.strip()
        if "\x00" in value:
            self.problem(f"{where}.{name}", "must not contain NUL characters")
        if len(value) > limit:
            self.problem(f"{where}.{name}", f"must be at most {limit} characters")
        return value

    def texts(self, parent: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
        value = parent.get(name)
        if (
            not isinstance(value, list)
            or not 1 <= len(value) <= LIST_LIMIT
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.problem(f"{where}.{name}", f"must be a list of 1 to {LIST_LIMIT} non-empty texts")
            return ()
        for j, v in enumerate(value):
            if "\x00" in v:
                self.problem(f"{where}.{name}[{j}]", "must not contain NUL characters")
            if len(v.strip()) > TEXT_LIMIT:
                self.problem(f"{where}.{name}[{j}]", f"must be at most {TEXT_LIMIT} characters")
        return tuple(v.strip() for v in value)

    def choice(
        self, parent: dict[str, Any], name: str, allowed: tuple[str, ...], where: str
    ) -> str:
        value = parent.get(name)
        if value not in allowed:
            self.problem(f"{where}.{name}", f"must be one of {', '.join(allowed)}")
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
            self.problem(f"{where}.{name}", "must be an object of dimension keys to whole numbers")
            return {}
        weights = {}
        for dimension, weight in value.items():
            path = f"{where}.{name}.{dimension}"
            if dimension not in dimensions:
                self.problem(path, "is not a dimension of this bank")
            elif (
                isinstance(weight, bool)
                or not isinstance(weight, int)
                or not bounds[0] <= weight <= bounds[1]
            ):
                self.problem(path, f"must be a whole number from {bounds[0]} to {bounds[1]}")
            elif weight:
                weights[dimension] = weight
        return weights

    def unique(self, keys: list[str], where: str) -> None:
        seen = set()
        for key in keys:
            if key and key in seen:
                self.problem(where, f"key {key!r} is used more than once")
            seen.add(key)
