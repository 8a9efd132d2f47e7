"""The rules a bank must pass before it is published, in words an admin can act on.

Everything :func:`quiz.core.bank.parse_bank` refuses is a reason not to publish
(a role with a missing text, a weight out of range, a choice question with fewer
than two options, ...). Those problems come with a path into the document
(``roles[1].typical_day``), which is exact for a file but means little on the
admin's screen, so each is restated with the name of what it is about. A bank
that parses must also use every dimension, and let every role come out on top.

Pure: each reason is a :class:`~quiz.core.messages.Message`, worded where it is
shown: in the admin's language on the admin's pages, in English on the command line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from quiz.core.bank import Bank, BankError, Problem, parse_bank
from quiz.core.messages import N_, Message, plural_message
from quiz.core.scoring import EffectTable, answers_favouring, rank_roles

PROMPT_SHOWN = 60
_PATH_PART = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")

# what a part of a reason may be: a message, or a name from the document written as it is
Said = Message | str


def _section_word(section: str) -> Said:
    words = {
        "dimensions": N_("Skills and goals"),
        "roles": N_("Roles"),
        "questions": N_("Questions"),
    }
    return Message(words[section]) if section in words else section


# How a document's field reads in a sentence: the name with spaces, in words.
_FIELD_WORDS = {
    "key": N_("key"),
    "name": N_("name"),
    "kind": N_("kind"),
    "description": N_("description"),
    "summary": N_("summary"),
    "focus": N_("focus"),
    "skills": N_("skills"),
    "tasks": N_("tasks"),
    "goals": N_("goals"),
    "typical_day": N_("typical day"),
    "learn_first": N_("what to learn first"),
    "first_project": N_("first project"),
    "prompt": N_("text"),
    "label": N_("text"),
    "labels": N_("answer labels"),
    "options": N_("options"),
    "translations": N_("translations"),
    "format": N_("format"),
}


def _field_word(name: str) -> Said:
    """Say how a document's field reads in a sentence: the name with spaces, in words."""
    return Message(_FIELD_WORDS[name]) if name in _FIELD_WORDS else name.replace("_", " ")


def _quoted(name: str) -> Message:
    # quotation marks differ between languages: “name” in English, „Name“ in German
    return Message(N_("“%(name)s”"), {"name": name})


def _joined(parts: list[Said], ending: str, **values: Said) -> Message:
    """Return ``parts`` joined by commas, then ``ending`` (a text with places for ``values``).

    The joining text is punctuation, not in the catalog: every language writes it as it is.
    """
    named = {f"part{n}": part for n, part in enumerate(parts)}
    text = ", ".join(f"%({name})s" for name in named) + ending
    return Message(text, {**named, **values})


def plain_reason(problem: Problem) -> Message:
    """Say why one of :func:`quiz.core.bank.parse_bank`'s problems is one."""
    return problem.why


def file_problem(problem: Problem) -> Message:
    """Say a problem with its path into the file."""
    if not problem.where:
        return problem.why
    return Message("%(where)s: %(reason)s", {"where": problem.where, "reason": problem.why})


def publish_problems(document: Any) -> list[Message]:
    """Return every reason ``document`` may not be published; empty when it may.

    Structural problems come first and alone: a bank that does not parse cannot
    be scored, so unused dimensions and unreachable roles are checked only once
    it does.
    """
    try:
        bank = parse_bank(document)
    except BankError as error:
        return [plain_problem(document, problem) for problem in error.details]
    return unused_dimensions(bank) + unreachable_roles(bank)


def plain_problem(document: Any, problem: Problem) -> Message:
    """Restate a ``path: reason`` problem naming the role, question or dimension it is about.

    ``roles[1].typical_day: must be a non-empty text`` becomes ``Role “Machine
    Learning Engineer” (ml-engineer), typical day: must be a non-empty text.``
    A problem whose path is not one of the document's is returned as its reason alone.
    """
    reason = plain_reason(problem)
    parts = [_PATH_PART.fullmatch(part) for part in problem.where.split(".")]
    if not problem.where or not all(parts):
        return reason
    steps = [(m.group(1), None if m.group(2) is None else int(m.group(2))) for m in parts if m]
    section, index = steps[0]
    item = _entry(document, section, index)
    if item is None or index is None:
        return _joined([_section_word(section)], ": %(reason)s.", reason=reason)
    if [name for name, _position in steps[1:]] == ["options"] and problem.reason.startswith(
        "must have"
    ):
        options = item.get("options")
        return plural_message(
            "%(question)s has %(num)s option; a choice question needs from 2 to 6.",
            "%(question)s has %(num)s options; a choice question needs from 2 to 6.",
            len(options) if isinstance(options, list) else 0,
            question=_describe(section, item, index),
        )

    words: list[Said] = [_describe(section, item, index)]
    dimensions = _dimension_names(document)
    node: dict[str, Any] | None = item
    rest = iter(steps[1:])
    for name, position in rest:
        if name in ("weights", "profile"):
            dimension = next(rest, ("", None))[0]
            on = dimensions.get(dimension, dimension)
            if name == "profile":
                words.append(
                    Message(N_("emphasis on %(dimension)s"), {"dimension": on})
                    if on
                    else Message(N_("emphasis"))
                )
            else:
                words.append(
                    Message(N_("weight on %(dimension)s"), {"dimension": on})
                    if on
                    else Message(N_("weight"))
                )
        elif name == "options" and position is not None:
            node = _entry(node, "options", position)
            key = node.get("key") if node else None
            words.append(
                Message(
                    N_("option %(key)s"),
                    {"key": key if isinstance(key, str) and key else position + 1},
                )
            )
        else:
            word = _field_word(name)
            if position is not None:
                word = Message(
                    N_("%(field)s, entry %(number)s"), {"field": word, "number": position + 1}
                )
            words.append(word)
    return _joined(words, ": %(reason)s.", reason=reason)


def _entry(parent: Any, name: str, index: int | None) -> dict[str, Any] | None:
    """Return ``parent[name][index]`` if it is an object, else None."""
    values = parent.get(name) if isinstance(parent, dict) else None
    if index is None or not isinstance(values, list) or index >= len(values):
        return None
    value = values[index]
    return value if isinstance(value, dict) else None


def _describe(section: str, item: dict[str, Any], index: int) -> Said:
    """Name an entry the way the admin screens do: a role by name, a question by its prompt."""
    key = item.get("key") if isinstance(item.get("key"), str) and item.get("key") else None
    if section == "questions":
        prompt = item.get("prompt")
        question = Message(N_("Question %(key)s"), {"key": key or index + 1})
        if isinstance(prompt, str) and prompt.strip():
            return Message(
                "%(question)s %(prompt)s",
                {"question": question, "prompt": _quoted(_shorten(prompt))},
            )
        return question
    nouns = {"roles": N_("Role"), "dimensions": N_("Skill or goal")}
    noun: Said = Message(nouns[section]) if section in nouns else section
    name = item.get("name")
    named: Said = (
        _quoted(name.strip()) if isinstance(name, str) and name.strip() else str(index + 1)
    )
    if key:
        return Message("%(noun)s %(name)s (%(key)s)", {"noun": noun, "name": named, "key": key})
    return Message("%(noun)s %(name)s", {"noun": noun, "name": named})


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PROMPT_SHOWN else text[: PROMPT_SHOWN - 1].rstrip() + "…"


def _dimension_names(document: Any) -> dict[str, Said]:
    dimensions = document.get("dimensions") if isinstance(document, dict) else None
    if not isinstance(dimensions, list):
        return {}
    return {
        d["key"]: _quoted(d["name"]) if isinstance(d.get("name"), str) else d["key"]
        for d in dimensions
        if isinstance(d, dict) and isinstance(d.get("key"), str)
    }


def unused_dimensions(bank: Bank) -> list[Message]:
    """Name each dimension that no question weighs or no role's profile draws on."""
    asked = {d for q in bank.questions for o in q.options for d, w in o.weights.items() if w}
    profiled = {d for r in bank.roles for d, e in r.profile.items() if e}
    problems = []
    for d in bank.dimensions:
        if d.key not in asked:
            problems.append(
                Message(
                    N_(
                        "Skill or goal “%(name)s” (%(key)s) is not weighed by any question: "
                        "no answer can say anything about it."
                    ),
                    {"name": d.name, "key": d.key},
                )
            )
        if d.key not in profiled:
            problems.append(
                Message(
                    N_(
                        "Skill or goal “%(name)s” (%(key)s) is not part of any role's profile: "
                        "it cannot move any role's fit."
                    ),
                    {"name": d.name, "key": d.key},
                )
            )
    return problems


def unreachable_roles(bank: Bank) -> list[Message]:
    """Name each role that no answers we can find put on top."""
    table = bank.effect_table
    problems = []
    for role in bank.roles:
        if reaching_answers(table, role.key) is None:
            winner = rank_roles(table, answers_favouring(table, role.key)).ranking[0].role
            problems.append(
                Message(
                    N_(
                        "Role “%(name)s” (%(key)s) can never come out on top: even answering "
                        "every question in its favour ranks “%(winner)s” first."
                    ),
                    {"name": role.name, "key": role.key, "winner": bank.role_by_key[winner].name},
                )
            )
    return problems


@dataclass(frozen=True)
class RoleReach:
    """Whether a role can come out on top, and answers that prove it."""

    role: str
    answers: list[tuple[int, str, str]]  # (question number, prompt, chosen answer); [] if none
    fit: int | None
    runner_up_fit: int | None


def role_reach(bank: Bank) -> list[RoleReach]:
    """Find, for each role, answers that rank it first, as the quality report shows them."""
    table = bank.effect_table
    numbers = {q.key: n for n, q in enumerate(bank.questions, start=1)}
    reach = []
    for role in bank.roles:
        answers = reaching_answers(table, role.key)
        if answers is None:
            reach.append(RoleReach(role.key, [], None, None))
            continue
        ranking = rank_roles(table, answers).ranking
        shown = [
            (numbers[q], bank.question_by_key[q].prompt, bank.option_label(q, o))
            for q, o in sorted(answers.items(), key=lambda item: numbers[item[0]])
        ]
        runner_up = ranking[1].percent if len(ranking) > 1 else None
        reach.append(RoleReach(role.key, shown, ranking[0].percent, runner_up))
    return reach


def reaching_answers(table: EffectTable, role: str) -> dict[str, str] | None:
    """Return answers (to every question) that rank ``role`` first, or None if none are found.

    Starts from the answers most in the role's favour. If another role still
    ranks first there (say, one that draws on the same skills and is listed
    earlier), changes one answer at a time while that improves the role's lead
    over its closest rival. This local search may miss a winning combination,
    but answers it returns always rank the role first.
    """
    answers = answers_favouring(table, role)
    if _ranks_first(table, answers, role):
        return answers
    answers = _improve_lead(table, role, answers)
    return answers if _ranks_first(table, answers, role) else None


def _ranks_first(table: EffectTable, answers: Mapping[str, str], role: str) -> bool:
    return rank_roles(table, answers).ranking[0].role == role


def _improve_lead(table: EffectTable, role: str, answers: dict[str, str]) -> dict[str, str]:
    """Change single answers while that raises ``role``'s lead; return the best answers found.

    With every question answered, the lowest and highest raw score of each role
    are fixed, so a fit is a fixed linear function of the raw score and a change
    of answer moves it by a known amount.
    """
    roles = table.roles
    target = [r.key for r in roles].index(role)
    low = [sum(table.bounds[q][i][0] for q in table.effects) for i in range(len(roles))]
    high = [sum(table.bounds[q][i][1] for q in table.effects) for i in range(len(roles))]
    raw = [sum(table.effects[q][o][i] for q, o in answers.items()) for i in range(len(roles))]
    # ties go to the role listed first (then by key), as in rank_roles
    order = sorted(range(len(roles)), key=lambda i: (roles[i].position, roles[i].key))
    beats = {i: order.index(target) < order.index(i) for i in range(len(roles))}

    def lead(scores: list[int]) -> tuple[Fraction, int]:
        fits = [
            Fraction(scores[i] - low[i], high[i] - low[i]) if high[i] > low[i] else Fraction(0)
            for i in range(len(roles))
        ]
        rivals = [i for i in range(len(roles)) if i != target]
        if not rivals:
            return Fraction(1), 0
        margin = min(fits[target] - fits[i] for i in rivals)
        # at an equal margin, prefer fewer rivals that win the tie
        tied_losses = sum(1 for i in rivals if fits[target] == fits[i] and not beats[i])
        return margin, -tied_losses

    best = lead(raw)
    improved = True
    while improved:
        improved = False
        for question, options in table.effects.items():
            current = options[answers[question]]
            for option, effect in options.items():
                scores = [raw[i] - current[i] + effect[i] for i in range(len(roles))]
                score = lead(scores)
                if score > best:
                    best, raw, current = score, scores, effect
                    answers[question] = option
                    improved = True
    return answers


# the texts that open a check about one item, and the kind of item each names
_SUBJECT_TEXTS = {
    "Question %(key)s": "question",
    N_(
        "Skill or goal “%(name)s” (%(key)s) is not weighed by any question: "
        "no answer can say anything about it."
    ): "dimension",
    N_(
        "Skill or goal “%(name)s” (%(key)s) is not part of any role's profile: "
        "it cannot move any role's fit."
    ): "dimension",
    N_(
        "Role “%(name)s” (%(key)s) can never come out on top: even answering "
        "every question in its favour ranks “%(winner)s” first."
    ): "role",
}
_SUBJECT_NOUNS = {"Role": "role", "Skill or goal": "dimension"}


def problem_subject(problem: Message) -> tuple[str, str] | None:
    """Return the kind ("question", "role" or "dimension") and key a check is about, if any.

    The first item the message names wins: a problem with a question's option is
    about that question, whose page edits its options.
    """
    pending: list[object] = [problem]
    while pending:
        said = pending.pop(0)
        if not isinstance(said, Message):
            continue
        key = said.values.get("key")
        if isinstance(key, str) and key:
            if said.text in _SUBJECT_TEXTS:
                return _SUBJECT_TEXTS[said.text], key
            noun = said.values.get("noun")
            if isinstance(noun, Message) and noun.text in _SUBJECT_NOUNS:
                return _SUBJECT_NOUNS[noun.text], key
        pending.extend(said.values.values())
    return None
