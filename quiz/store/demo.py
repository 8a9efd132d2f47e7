"""Synthetic results for trying the analytics and the quality report, and for measuring scale.

The respondents
---------------
Each synthetic respondent leans towards one role, chosen uniformly, and answers
every question of the latest published version on their own: option ``o`` of a
question is picked with probability proportional to ``exp(BETA * n(o))``, where
``n(o)`` is the option's effect on the role placed between the question's
smallest (0) and largest (1) effect on it (0.5 for all when they are equal). So
answers are consistent, which gives the reliability statistics something to
find, but not deterministic.

About CARELESS_SHARE of them are careless: half are straight-liners (the first
option everywhere), half are speeders (uniformly random answers at a few seconds
a question). Everyone else takes about five minutes (log-normal). Whether a
result is flagged is decided by :func:`quiz.core.careless.careless_reasons`, exactly as
for a real result, never by the kind of respondent.

Every result is stored with ``synthetic`` set, so the analytics page can say how many
of its results are made up and the quality report's statistics leave them all out.

As if real people took it
-------------------------
With ``as_real_takers`` the results are stored as a real taker's would be: not
``synthetic``, a full quiz, and each with what its taker says they do now. That is
for proving, on a large database, that the statistics about takers (norms and
criterion evidence) come out right and fast; never use it on a database whose
statistics people read. A respondent leaning towards a role says they work in it
with probability STATED_WORK_SHARE; otherwise they name any other answer the
version offers (another of its roles or one of ``OTHER_WORK``), uniformly. A
careless respondent follows no role, so names any answer uniformly. Years are
uniform from 0 to MOST_DEMO_YEARS, and the answer is given a few minutes after
the result. Stated work is drawn per result, from a generator of its own, so the
same seed gives the same answers in both kinds of run.

Scoring costs some 300 µs a result, so at most POOL_SIZE respondents are made up
and scored; a larger count draws its results from that pool at random, each with
its own share token and time. Each respondent's answers and outcome are turned
into JSON text once, not once per result drawn: that halves the time a million
results take to insert.

The rest
--------
Times are spread uniformly over the last ``days`` days, ending ten minutes ago,
so the analytics fold takes them at once; ids rise with time, as they would. Every
result reached every quiz page; on top of that come about ABANDONED_SHARE as many
visits that stopped part way, more of them early than late: these go into the
``reached`` daily counts. Finally the new results are folded into the daily counts.

The same seed gives the same respondents, answers, durations and order; only the
share tokens and the times (which count back from now) differ.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, bindparam, insert, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from quiz.core.bank import Bank
from quiz.core.careless import careless_reasons
from quiz.core.result_page import PUSHES_SHOWN
from quiz.core.scoring import rank_roles
from quiz.db import db
from quiz.models import Result
from quiz.store import analytics
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import asked_questions, new_share_token
from quiz.store.self_reports import work_answers

# how sharply a respondent prefers the options that favour their role
BETA = 2.5
CARELESS_SHARE = 0.03
# a careful respondent's time: log-normal, median five minutes
MEDIAN_SECONDS = 300
SECONDS_SIGMA = 0.45
# straight-liners click through faster than careful respondents, but not absurdly fast
STRAIGHT_LINER_MEDIAN_SECONDS = 150
# a speeder's seconds per question, drawn uniformly between these
SPEEDER_SECONDS_PER_QUESTION = (0.5, 1.5)
# visits that stop part way, as a share of the results
ABANDONED_SHARE = 0.4
# each further page keeps this share of the abandoning visits that reached the one before
ABANDONED_GO_ON = 0.6
# no result is newer than this, so the analytics fold counts them at once
NEWEST_AGE = timedelta(minutes=10)
# A leaning is what the answers show, not the job: many lean towards a role they study for
# or are moving into. 0.7 leaves the criterion evidence hit rates well above chance (1 / the
# number of roles) but short of perfect, and fills every row of its confusion matrix.
STATED_WORK_SHARE = 0.7
MOST_DEMO_YEARS = 12
# a taker says what they do after reading their result: within this many seconds of it
MOST_SECONDS_TO_REPORT = 300
POOL_SIZE = 20_000
BATCH_SIZE = 5_000
PROGRESS_EVERY = 100_000


@dataclass(frozen=True)
class Respondent:
    """One made-up result, scored, before it gets a token and a time."""

    answers: dict[str, str]
    outcome: dict[str, Any]
    top_role: str
    seconds_taken: int
    careless: str | None
    # the role the answers lean towards; None for a careless respondent, who follows none
    leaning: str | None


def insert_demo_results(
    count: int,
    *,
    days: int = 90,
    seed: int = 0,
    pool: int = POOL_SIZE,
    progress: Callable[[str], None] | None = None,
    as_real_takers: bool = False,
    fold: bool = True,
) -> int:
    """Insert ``count`` synthetic results for the latest published version; return how many.

    At most ``pool`` distinct respondents are scored; with more results than that,
    each result is one of them drawn at random. Commits every BATCH_SIZE results,
    then adds the pages reached and, unless ``fold`` is off, folds the new results
    into the daily counts. ``as_real_takers`` stores them as real results with a
    stated work (see the module docstring). ``progress`` hears a line of news now
    and then.
    """
    if count < 1 or days < 1 or pool < 1:
        raise ValueError("count, days and pool must be at least 1")
    say = progress or (lambda message: None)
    version_id = latest_version_id()
    if version_id is None:
        raise LookupError("no quiz version is published yet")
    bank = published_bank(version_id)
    rng = random.Random(seed)

    # each respondent's JSON columns as text, written as they are (see SerialisedJSON)
    respondents = [
        (
            json.dumps(person.answers),
            json.dumps(person.outcome),
            person.top_role,
            person.seconds_taken,
            person.careless,
            person.leaning,
        )
        for person in make_respondents(bank, min(count, pool), rng)
    ]
    # its own generator, so the answers drawn from rng are the same in both kinds of run
    work_rng = random.Random(f"stated work {seed}")
    offered = work_answers([role.key for role in bank.roles])
    say(f"Scored {len(respondents):,} respondents.")
    statement = insert(Result).values(
        answers=bindparam("answers", type_=SerialisedJSON()),
        outcome=bindparam("outcome", type_=SerialisedJSON()),
    )

    finished: Counter[date] = Counter()
    abandoned: Counter[tuple[date, int]] = Counter()
    pages = len(bank.pages(current_app.config["QUESTIONS_PER_PAGE"]))
    inserted = 0
    batch: list[dict[str, Any]] = []
    for number, created_at in enumerate(spread_times(count, days, rng)):
        answers, outcome, top_role, seconds, careless, leaning = respondents[
            number if count <= pool else rng.randrange(len(respondents))
        ]
        work: dict[str, Any] = {"work_now": None, "work_years": None, "work_reported_at": None}
        if as_real_takers:
            work = {
                "work_now": stated_work(leaning, offered, work_rng),
                "work_years": work_rng.randint(0, MOST_DEMO_YEARS),
                "work_reported_at": created_at
                + timedelta(seconds=work_rng.uniform(1, MOST_SECONDS_TO_REPORT)),
            }
        batch.append(
            {
                "share_token": new_share_token(),
                "quiz_version_id": version_id,
                "answers": answers,
                "outcome": outcome,
                "top_role": top_role,
                "created_at": created_at,
                "delete_key_hash": None,
                "deleted_at": None,
                "seconds_taken": seconds,
                "careless": careless,
                "mode": "full",
                **work,
                # made up all the same, but counted as a person's when asked to be
                "synthetic": not as_real_takers,
            }
        )
        day = created_at.date()
        finished[day] += 1
        if rng.random() < ABANDONED_SHARE:
            abandoned[(day, stop_page(pages, rng))] += 1
        if len(batch) == BATCH_SIZE or number == count - 1:
            db.session.execute(statement, batch)
            db.session.commit()
            inserted += len(batch)
            batch = []
            if inserted % PROGRESS_EVERY < BATCH_SIZE or inserted == count:
                say(f"Inserted {inserted:,} of {count:,} results.")

    analytics.add_counts(reached_counts(version_id, pages, finished, abandoned))
    db.session.commit()
    say("Added the pages reached to the daily counts.")
    # after a bulk load the planner's statistics are stale until autovacuum gets round to
    # it, and with them it picks whole-table scans for queries an index answers at once
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    if not fold:
        return inserted

    folded = 0
    limit = current_app.config["ANALYTICS_FOLD_LIMIT"]
    while added := analytics.fold_new_results(limit):
        folded += added
    say(f"Counted {folded:,} results into the daily counts.")
    return inserted


class SerialisedJSON(TypeDecorator[str]):
    """A JSON column's value given as JSON text already, stored as it is.

    The text is what the JSON type itself would store (``json.dumps`` of the value),
    so the stored results read back exactly like real ones.
    """

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def make_respondents(bank: Bank, count: int, rng: random.Random) -> Iterator[Respondent]:
    """Make up and score ``count`` respondents, each leaning towards a random role."""
    table = bank.effect_table
    asked = asked_questions(bank)
    per_question = current_app.config["CARELESS_SECONDS_PER_QUESTION"]
    leanings = [(role.key, answer_weights(bank, index)) for index, role in enumerate(table.roles)]
    for _ in range(count):
        leaning: str | None = None
        if rng.random() < CARELESS_SHARE:
            if rng.random() < 0.5:
                answers = {q.key: q.options[0] for q in asked}
                seconds = log_normal_seconds(STRAIGHT_LINER_MEDIAN_SECONDS, rng)
            else:
                answers = {q.key: rng.choice(q.options) for q in asked}
                seconds = round(len(asked) * rng.uniform(*SPEEDER_SECONDS_PER_QUESTION))
        else:
            leaning, weights = rng.choice(leanings)
            answers = {q.key: rng.choices(q.options, cum_weights=weights[q.key])[0] for q in asked}
            seconds = log_normal_seconds(MEDIAN_SECONDS, rng)
        # scored and flagged as quiz.store.results.create_result does
        outcome = rank_roles(table, answers)
        reasons = careless_reasons(asked, answers, seconds, per_question)
        yield Respondent(
            answers=answers,
            outcome=outcome.as_dict(pushes_per_side=PUSHES_SHOWN),
            top_role=outcome.ranking[0].role,
            seconds_taken=seconds,
            careless=",".join(reasons) or None,
            leaning=leaning,
        )


def stated_work(leaning: str | None, offered: list[str], rng: random.Random) -> str:
    """Return what a respondent says they do now: their leaning role with probability
    STATED_WORK_SHARE, else any other answer ``offered``, uniformly (any at all without one)."""
    if leaning is None:
        return rng.choice(offered)
    if rng.random() < STATED_WORK_SHARE:
        return leaning
    return rng.choice([answer for answer in offered if answer != leaning])


def answer_weights(bank: Bank, role_index: int) -> dict[str, list[float]]:
    """Return, per question, the cumulative weights of its options for someone leaning to a role."""
    weights = {}
    for question in bank.questions:
        effects = [
            bank.effect_table.effects[question.key][option.key][role_index]
            for option in question.options
        ]
        low, high = min(effects), max(effects)
        normalised = [(e - low) / (high - low) if high > low else 0.5 for e in effects]
        running = 0.0
        cumulative = []
        for n in normalised:
            running += math.exp(BETA * n)
            cumulative.append(running)
        weights[question.key] = cumulative
    return weights


def log_normal_seconds(median: float, rng: random.Random) -> int:
    return max(1, round(rng.lognormvariate(math.log(median), SECONDS_SIGMA)))


def spread_times(count: int, days: int, rng: random.Random) -> Iterator[datetime]:
    """Yield ``count`` times spread uniformly over the last ``days`` days, oldest first.

    Ending NEWEST_AGE ago. Done a day's slice at a time, so only one slice's times
    are ever sorted in memory.
    """
    end = datetime.now(UTC) - NEWEST_AGE
    span = days * 86400 - NEWEST_AGE.total_seconds()
    start = end - timedelta(seconds=span)
    slices = math.ceil(span / 86400)
    per_slice = Counter(min(int(rng.random() * span // 86400), slices - 1) for _ in range(count))
    for index in range(slices):
        low = index * 86400
        high = min(low + 86400, span)
        offsets = sorted(rng.uniform(low, high) for _ in range(per_slice[index]))
        for offset in offsets:
            yield min(start + timedelta(seconds=offset), end)


def stop_page(pages: int, rng: random.Random) -> int:
    """Return the last page an abandoning visit reached: 1 most often, each next one less."""
    page = 1
    while page < pages and rng.random() < ABANDONED_GO_ON:
        page += 1
    return page


def reached_counts(
    version_id: int,
    pages: int,
    finished: Counter[date],
    abandoned: Counter[tuple[date, int]],
) -> dict[analytics.CountKey, int]:
    """Return the ``reached`` daily counts: every result reached every page, and part-way visits."""
    counts: Counter[analytics.CountKey] = Counter()
    for day, results in finished.items():
        for page in range(1, pages + 1):
            counts[(version_id, analytics.REACHED, day, "", str(page), False)] += results
    for (day, last), visits in abandoned.items():
        for page in range(1, last + 1):
            counts[(version_id, analytics.REACHED, day, "", str(page), False)] += visits
    return counts
