"""Does the quiz agree with people who do the job? Criterion evidence from real takers.

Plain data in, plain data out, like :mod:`quiz.core.quality`: this module imports nothing
from Flask, SQLAlchemy or the models. After their result, a taker may say what they do now:
one of the version's role keys, or one of :data:`OTHER_WORK` (working in data or software
in another role, studying or changing careers, something else). The caller passes the
version's :class:`~quiz.core.scoring.EffectTable`, its role keys and, for each careful
result that says what its taker does, ``(answers, top_role, work_now)``: the answers
(question key -> option key), the role the result put first, and the stated work. It gets
back counts, statistics and plain-language warnings as
:class:`~quiz.core.messages.Message` objects, worded where the report is shown.

The statistics
--------------
* The **confusion matrix** counts, for each stated work (every role, then
  :data:`OTHER_WORK`), how many results put each role first. It is shown whatever the
  numbers, since counts mislead nobody.
* A role's **hit rate** is the share of the people who say they work in it whose result
  put that role first: the diagonal cell of its row over the row's total. It is worked out
  for a role once at least ``min_group`` people say they work in it. With ``k`` roles,
  answering at random would hit about ``1 / k`` of the time; a quiz that agrees with
  people who do the job does clearly better.
* **Separation by the job** asks, for each question and each role, whether people who do
  the job answer it more in the role's favour than people in the other roles. A
  response's **item score** on a question for a role is the chosen option's effect on that
  role (raw units), as in the quality report's scales; questions whose options all have
  the same effect on the role are not part of its scale and are left out. The
  **standardized mean difference** (Cohen's d with a pooled standard deviation) compares
  the item scores of the people in the role (group 1) with those of the people who say
  they work in one of the *other roles* (group 2; the :data:`OTHER_WORK` answers are no
  role, so they are in neither group)::

      d = (mean_1 - mean_2) / s_pooled
      s_pooled = sqrt(((n_1 - 1) * var_1 + (n_2 - 1) * var_2) / (n_1 + n_2 - 2))

  with ``var`` the sample variance (divided by ``n - 1``). A positive d means the people
  who do the job score higher on the role's item, as its weights intend. When nobody's
  score varies within either group the pooled deviation is 0: d is then 0 when both
  groups have the same mean (the question separates nobody) and infinite, with the sign
  of the difference, when they do not (it separates them perfectly). Only responses
  that answer the question with one of its options count, and d is worked out once both
  groups have at least ``min_group`` such people.

The warnings
------------
* ``d < AGAINST_WEIGHTS_D``: the question **runs against its weights** for the role:
  people who do the job score *lower* on the role's item than people in other roles. An
  option's weights may point the wrong way. A warning.
* ``|d| < SEPARATES_NOBODY_D``: the question **separates nobody**: people in the role
  answer it much like everyone else. A note: the question may still measure something
  the role needs that other roles need as well.

The thresholds are the module constants below; each says why it has the value it has.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from quiz.core.messages import N_, Figure, Message
from quiz.core.scoring import EffectTable

# What a taker may say they do now besides one of the version's roles, in the order the
# report lists them: the form offers these, and they are no role, so a hit rate and the
# comparison groups leave them out.
OTHER_WORK = ("other-data-software", "student-or-changer", "something-else")

# A group this small gives a hit rate or a d that moves by more than the thresholds below
# from one person to the next: with 30 in each group, d's standard error is about 0.26.
# Thirty is the usual rule of thumb for a mean to settle.
MIN_GROUP = 30
# Cohen's conventional "small" effect is 0.2: below it in size, the two groups' item scores
# overlap almost entirely (some 92% of the distributions), so the question tells people who
# do the job from the others no better than a coin could.
SEPARATES_NOBODY_D = 0.2
# The mirror of the above: people who do the job score lower on the role's item by at least
# a small effect. The same margin below zero keeps noise around zero from raising a warning.
AGAINST_WEIGHTS_D = -0.2

SEPARATES_NOBODY = "separates-nobody"
AGAINST_WEIGHTS = "against-weights"


@dataclass(frozen=True)
class CriterionResponse:
    """One careful result whose taker said what they do now."""

    answers: Mapping[str, str]  # question key -> option key
    top_role: str  # the role the result put first
    work_now: str  # a role key of the version, or one of OTHER_WORK


@dataclass(frozen=True)
class CriterionTally:
    """The responses counted: every figure of the report follows from these counts exactly.

    The database keeps one per version, up to date as results come in and takers say what
    they do (``quiz.store.statistics``), so the report never reads the results themselves.
    """

    # stated work -> top role -> results
    top_roles: Mapping[str, Mapping[str, int]]
    # stated work -> question -> option -> answers
    answers: Mapping[str, Mapping[str, Mapping[str, int]]]

    @property
    def responses(self) -> int:
        return sum(n for row in self.top_roles.values() for n in row.values())


def tally(responses: Iterable[CriterionResponse]) -> CriterionTally:
    """Count ``responses`` into the tally the report reads."""
    top_roles: dict[str, Counter[str]] = {}
    answers: dict[str, dict[str, Counter[str]]] = {}
    for response in responses:
        top_roles.setdefault(response.work_now, Counter())[response.top_role] += 1
        by_question = answers.setdefault(response.work_now, {})
        for question, option in response.answers.items():
            by_question.setdefault(question, Counter())[option] += 1
    return CriterionTally(top_roles, answers)


@dataclass(frozen=True)
class HitRate:
    """How often the result put a role first for the people who say they work in it."""

    role: str
    group: int  # people who say they work in the role
    hits: int  # of them, those whose result put the role first

    @property
    def rate(self) -> float:
        return self.hits / self.group


@dataclass(frozen=True)
class JobSeparation:
    """How far one question's item score separates the people in a role from the other roles."""

    question: str
    role: str
    d: float  # Cohen's d, people in the role minus people in the other roles
    in_role: int  # people in the role who answered the question
    others: int  # people in the other roles who answered it

    @property
    def flag(self) -> str | None:
        """Return AGAINST_WEIGHTS, SEPARATES_NOBODY or None (see the module docstring)."""
        if self.d < AGAINST_WEIGHTS_D:
            return AGAINST_WEIGHTS
        if abs(self.d) < SEPARATES_NOBODY_D:
            return SEPARATES_NOBODY
        return None


@dataclass(frozen=True)
class CriterionReport:
    """What the people who say what they do tell about the quiz's results."""

    roles: tuple[str, ...]
    # the rows of the confusion matrix: every role, then OTHER_WORK
    work_answers: tuple[str, ...]
    # stated work -> top role -> results; every row and column present, zeros included
    confusion: dict[str, dict[str, int]]
    # roles with at least min_group people in them, in the order of roles
    hit_rates: list[HitRate]
    # per question (the table's order), then role (the order of roles), where both groups
    # are large enough and the question is part of the role's scale
    separation: list[JobSeparation]
    responses: int
    min_group: int
    warnings: list[Message]
    notes: list[Message]

    def separation_rows(self) -> list[tuple[str, dict[str, JobSeparation]]]:
        """Return the separation by question (in the table's order), then role: one table row
        per question that any role has a d for."""
        rows: dict[str, dict[str, JobSeparation]] = {}
        for item in self.separation:
            rows.setdefault(item.question, {})[item.role] = item
        return list(rows.items())

    def separation_groups(self) -> dict[str, tuple[int, int]]:
        """Return, for each role whose every d rests on the same two groups, their sizes
        (people in the role, people in the other roles): a table can then say them once."""
        sizes: dict[str, set[tuple[int, int]]] = {}
        for item in self.separation:
            sizes.setdefault(item.role, set()).add((item.in_role, item.others))
        return {role: next(iter(seen)) for role, seen in sizes.items() if len(seen) == 1}

    @property
    def ready(self) -> bool:
        """Return whether any role has enough people for a hit rate."""
        return bool(self.hit_rates)


def standardized_mean_difference(first: Sequence[int], second: Sequence[int]) -> float:
    """Return Cohen's d of ``first`` against ``second``, with the pooled standard deviation.

    Exact arithmetic up to the square root, so the order of the scores never matters and
    swapping the groups gives exactly ``-d``. With no spread in either group, d is 0 for
    equal means and infinite (signed) otherwise. Each group needs at least one score and
    the two together at least three.
    """
    return standardized_mean_difference_of_counts(Counter(first), Counter(second))


def standardized_mean_difference_of_counts(
    first: Mapping[int, int], second: Mapping[int, int]
) -> float:
    """Return Cohen's d like :func:`standardized_mean_difference`, from each group's counts
    of each score (score -> how many have it): the same number, without the list."""
    n1, n2 = sum(first.values()), sum(second.values())
    if n1 < 1 or n2 < 1 or n1 + n2 < 3:
        raise ValueError("each group needs a score, and the two together at least three")
    mean1 = Fraction(sum(x * n for x, n in first.items()), n1)
    mean2 = Fraction(sum(x * n for x, n in second.items()), n2)
    squares = sum(n * (x - mean1) ** 2 for x, n in first.items()) + sum(
        n * (x - mean2) ** 2 for x, n in second.items()
    )
    pooled_variance = Fraction(squares) / (n1 + n2 - 2)
    difference = mean1 - mean2
    if pooled_variance == 0:
        return 0.0 if difference == 0 else math.copysign(math.inf, difference)
    # the magnitude is worked out once and signed, so d(a, b) == -d(b, a) to the last bit
    size = math.sqrt(float(difference**2 / pooled_variance))
    return size if difference > 0 else -size


def confusion_matrix(
    roles: Sequence[str], top_roles: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, int]]:
    """Count results by stated work (rows: roles, then OTHER_WORK) and top role (columns),
    from a tally's ``top_roles``.

    Raises ValueError for a stated work or top role that is none of these.
    """
    rows = (*roles, *OTHER_WORK)
    matrix = {work: dict.fromkeys(roles, 0) for work in rows}
    for work, counted in top_roles.items():
        row = matrix.get(work)
        if row is None:
            raise ValueError(f"unknown stated work {work!r}")
        for top_role, n in counted.items():
            if top_role not in row:
                raise ValueError(f"unknown top role {top_role!r}")
            row[top_role] += n
    return matrix


def hit_rates(
    roles: Sequence[str], confusion: Mapping[str, Mapping[str, int]], min_group: int = MIN_GROUP
) -> list[HitRate]:
    """Return each role's hit rate from the confusion matrix, for groups of min_group or more."""
    rates = []
    for role in roles:
        group = sum(confusion[role].values())
        if group >= min_group:
            rates.append(HitRate(role=role, group=group, hits=confusion[role][role]))
    return rates


def job_separation(
    table: EffectTable,
    roles: Sequence[str],
    answers: Mapping[str, Mapping[str, Mapping[str, int]]],
    min_group: int = MIN_GROUP,
) -> list[JobSeparation]:
    """Return each question's d for each role whose two groups have min_group answers or more.

    ``answers`` is a tally's: stated work -> question -> option -> answers. See the module
    docstring: group 1 says it works in the role, group 2 in another of ``roles``; an
    answer counts for a question when it is one of its options.
    """
    index = {r.key: i for i, r in enumerate(table.roles)}
    unknown = [role for role in roles if role not in index]
    if unknown:
        raise ValueError(f"roles not in the table: {unknown!r}")
    found = []
    for question, options in table.effects.items():
        # per stated role: the counts of each option of this question
        chosen = {role: answers.get(role, {}).get(question, {}) for role in roles}
        for role in roles:
            i = index[role]
            effects = {option: effect[i] for option, effect in options.items()}
            if len(set(effects.values())) < 2:
                continue  # not part of the role's scale: no answer moves it
            mine: Counter[int] = Counter()
            theirs: Counter[int] = Counter()
            for work, counted in chosen.items():
                scores = mine if work == role else theirs
                for option, n in counted.items():
                    if option in effects:
                        scores[effects[option]] += n
            in_role, others = sum(mine.values()), sum(theirs.values())
            if in_role >= min_group and others >= min_group:
                d = standardized_mean_difference_of_counts(mine, theirs)
                found.append(JobSeparation(question, role, d, in_role, others))
    return found


def criterion_report(
    table: EffectTable,
    roles: Sequence[str],
    responses: CriterionTally | Sequence[CriterionResponse | tuple[Mapping[str, str], str, str]],
    min_group: int = MIN_GROUP,
    question_labels: Mapping[str, Message | str] | None = None,
    role_names: Mapping[str, str] | None = None,
    min_responses: int = 0,
) -> CriterionReport:
    """Work out the criterion evidence for one version (see the module docstring).

    ``responses`` are careful results whose takers said what they do now: a
    :class:`CriterionTally` of them, or each as :class:`CriterionResponse` or ``(answers,
    top_role, work_now)``. Below ``min_responses`` of them no hit rate or d is worked out,
    and a note says how many more are needed (the confusion matrix is shown regardless).
    ``question_labels`` and ``role_names`` name questions and roles in the messages (the
    keys otherwise).
    """
    if min_group < 2:
        raise ValueError("min_group must be at least 2")
    if isinstance(responses, CriterionTally):
        counted = responses
    else:
        counted = tally(
            r if isinstance(r, CriterionResponse) else CriterionResponse(*r) for r in responses
        )
    roles = tuple(roles)
    confusion = confusion_matrix(roles, counted.top_roles)
    total = counted.responses
    enough = total >= min_responses
    rates = hit_rates(roles, confusion, min_group) if enough else []
    separation = job_separation(table, roles, counted.answers, min_group) if enough else []
    labels = question_labels or {}
    names = role_names or {}

    def question(key: str) -> Message | str:
        return labels.get(key) or Message(N_("Question %(key)s"), {"key": key})

    def role(key: str) -> str:
        return names.get(key, key)

    warnings: list[Message] = []
    notes: list[Message] = []
    if not enough:
        notes.append(
            Message(
                N_(
                    "Criterion evidence is worked out once %(needed)s real, careful results "
                    "say what their takers do; %(num)s do so far — %(more)s more needed."
                ),
                {"needed": min_responses, "num": total, "more": min_responses - total},
            )
        )
    elif not rates:
        notes.append(
            Message(
                N_(
                    "Criterion evidence is worked out for a role once %(needed)s people say "
                    "they work in it; the most for any role so far is %(most)s."
                ),
                {
                    "needed": min_group,
                    "most": max((sum(confusion[r].values()) for r in roles), default=0),
                },
            )
        )
    for item in separation:
        values = {
            "question": question(item.question),
            "role": role(item.role),
            "d": Figure(item.d, 2),
            "in_role": item.in_role,
            "others": item.others,
        }
        if item.flag == AGAINST_WEIGHTS:
            warnings.append(
                Message(
                    N_(
                        "%(question)s runs against its weights for %(role)s: people who work "
                        "as %(role)s score lower on it than people in other roles "
                        "(d = %(d)s; %(in_role)s against %(others)s people)."
                    ),
                    values,
                )
            )
        elif item.flag == SEPARATES_NOBODY:
            notes.append(
                Message(
                    N_(
                        "%(question)s separates nobody for %(role)s: people who work as "
                        "%(role)s answer it much like people in other roles "
                        "(d = %(d)s; %(in_role)s against %(others)s people)."
                    ),
                    values,
                )
            )
    return CriterionReport(
        roles=roles,
        work_answers=(*roles, *OTHER_WORK),
        confusion=confusion,
        hit_rates=rates,
        separation=separation,
        responses=total,
        min_group=min_group,
        warnings=warnings,
        notes=notes,
    )
