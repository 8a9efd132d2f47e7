"""Checks a bank must pass before it is published, in words an admin can act on.

Everything :func:`quiz.core.bank.parse_bank` refuses is a reason not to publish
(a role with a missing text, a weight out of range, a choice question with fewer
than two options, ...). Those problems come with a path into the document
(``roles[1].typical_day``), which is exact for a file but means little on the
admin's screen, so each is restated with the name of what it is about. A bank
that parses must also use every dimension, and let every role come out on top.

The words are the admin's language on the admin's pages; outside a request (the
``flask bank`` commands) they stay English, as all command output does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext as _n

from quiz.core.bank import Bank, BankError, Problem, parse_bank
from quiz.core.scoring import EffectTable, answers_favouring, rank_roles

PROMPT_SHOWN = 60
_PATH_PART = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")


def _section_word(section: str) -> str:
    words = {"dimensions": _("Skills and goals"), "roles": _("Roles"), "questions": _("Questions")}
    return words.get(section, section)


def _field_word(name: str) -> str:
    """Say how a document's field reads in a sentence: the name with spaces, in words."""
    words = {
        "key": _("key"),
        "name": _("name"),
        "kind": _("kind"),
        "description": _("description"),
        "summary": _("summary"),
        "focus": _("focus"),
        "skills": _("skills"),
        "tasks": _("tasks"),
        "goals": _("goals"),
        "typical_day": _("typical day"),
        "learn_first": _("what to learn first"),
        "first_project": _("first project"),
        "prompt": _("text"),
        "label": _("text"),
        "options": _("options"),
        "translations": _("translations"),
        "format": _("format"),
    }
    return words.get(name, name.replace("_", " "))


def _quoted(name: str) -> str:
    # quotation marks differ between languages: “name” in English, „Name“ in German
    return _("“%(name)s”", name=name)


def plain_reason(problem: Problem) -> str:
    """Say why one of :func:`quiz.core.bank.parse_bank`'s problems is one, in the reader's words."""
    return _(problem.reason, **problem.values)


def file_problem(problem: Problem) -> str:
    """Say a problem with its path into the file, the reason in the reader's words."""
    return f"{problem.where}: {plain_reason(problem)}" if problem.where else plain_reason(problem)


def publish_problems(document: Any) -> list[str]:
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


def plain_problem(document: Any, problem: Problem) -> str:
    """Restate a ``path: reason`` problem naming the role, question or dimension it is about.

    ``roles[1].typical_day: must be a non-empty text`` becomes ``Role “Machine
    Learning Engineer” (ml-engineer), typical day: must be a non-empty text.``
    A problem whose path is not one of the document's is returned unchanged.
    """
    reason = plain_reason(problem)
    parts = [_PATH_PART.fullmatch(part) for part in problem.where.split(".")]
    if not problem.where or not all(parts):
        return reason
    steps = [(m.group(1), None if m.group(2) is None else int(m.group(2))) for m in parts if m]
    section, index = steps[0]
    item = _entry(document, section, index)
    if item is None or index is None:
        return f"{_section_word(section)}: {reason}."
    if [name for name, _position in steps[1:]] == ["options"] and problem.reason.startswith(
        "must have"
    ):
        options = item.get("options")
        return _n(
            "%(question)s has %(num)s option; a choice question needs from 2 to 6.",
            "%(question)s has %(num)s options; a choice question needs from 2 to 6.",
            len(options) if isinstance(options, list) else 0,
            question=_describe(section, item, index),
        )

    words = [_describe(section, item, index)]
    dimensions = _dimension_names(document)
    node: dict[str, Any] | None = item
    rest = iter(steps[1:])
    for name, position in rest:
        if name in ("weights", "profile"):
            dimension = next(rest, ("", None))[0]
            on = dimensions.get(dimension, dimension)
            if name == "profile":
                words.append(_("emphasis on %(dimension)s", dimension=on) if on else _("emphasis"))
            else:
                words.append(_("weight on %(dimension)s", dimension=on) if on else _("weight"))
        elif name == "options" and position is not None:
            node = _entry(node, "options", position)
            key = node.get("key") if node else None
            words.append(
                _("option %(key)s", key=key if isinstance(key, str) and key else position + 1)
            )
        else:
            word = _field_word(name)
            if position is not None:
                word = _("%(field)s, entry %(number)s", field=word, number=position + 1)
            words.append(word)
    return f"{', '.join(words)}: {reason}."


def _entry(parent: Any, name: str, index: int | None) -> dict[str, Any] | None:
    """Return ``parent[name][index]`` if it is an object, else None."""
    values = parent.get(name) if isinstance(parent, dict) else None
    if index is None or not isinstance(values, list) or index >= len(values):
        return None
    value = values[index]
    return value if isinstance(value, dict) else None


def _describe(section: str, item: dict[str, Any], index: int) -> str:
    """Name an entry the way the admin screens do: a role by name, a question by its prompt."""
    key = item.get("key") if isinstance(item.get("key"), str) and item.get("key") else None
    if section == "questions":
        prompt = item.get("prompt")
        question = _("Question %(key)s", key=key or index + 1)
        if isinstance(prompt, str) and prompt.strip():
            return f"{question} {_quoted(_shorten(prompt))}"
        return question
    noun = {"roles": _("Role"), "dimensions": _("Skill or goal")}.get(section, section)
    name = item.get("name")
    named = _quoted(name.strip()) if isinstance(name, str) and name.strip() else str(index + 1)
    return f"{noun} {named}" + (f" ({key})" if key else "")


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PROMPT_SHOWN else text[: PROMPT_SHOWN - 1].rstrip() + "…"


def _dimension_names(document: Any) -> dict[str, str]:
    dimensions = document.get("dimensions") if isinstance(document, dict) else None
    if not isinstance(dimensions, list):
        return {}
    return {
        d["key"]: _quoted(d["name"]) if isinstance(d.get("name"), str) else d["key"]
        for d in dimensions
        if isinstance(d, dict) and isinstance(d.get("key"), str)
    }


def unused_dimensions(bank: Bank) -> list[str]:
    """Name each dimension that no question weighs or no role's profile draws on."""
    asked = {d for q in bank.questions for o in q.options for d, w in o.weights.items() if w}
    profiled = {d for r in bank.roles for d, e in r.profile.items() if e}
    problems = []
    for d in bank.dimensions:
        if d.key not in asked:
            problems.append(
                _(
                    "Skill or goal “%(name)s” (%(key)s) is not weighed by any question: "
                    "no answer can say anything about it.",
                    name=d.name,
                    key=d.key,
                )
            )
        if d.key not in profiled:
            problems.append(
                _(
                    "Skill or goal “%(name)s” (%(key)s) is not part of any role's profile: "
                    "it cannot move any role's fit.",
                    name=d.name,
                    key=d.key,
                )
            )
    return problems


def unreachable_roles(bank: Bank) -> list[str]:
    """Name each role that no answers we can find put on top."""
    table = bank.effect_table
    problems = []
    for role in bank.roles:
        if reaching_answers(table, role.key) is None:
            winner = rank_roles(table, answers_favouring(table, role.key)).ranking[0].role
            problems.append(
                _(
                    "Role “%(name)s” (%(key)s) can never come out on top: even answering "
                    "every question in its favour ranks “%(winner)s” first.",
                    name=role.name,
                    key=role.key,
                    winner=bank.role_by_key[winner].name,
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
