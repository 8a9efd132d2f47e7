"""Simulate quick mode on a bank: how often it agrees with the full quiz, how short it is.

    .venv/bin/python bench/quick_mode.py [--bank FILE] [--respondents 10000] [--seed 0]
        [--confidence X[,Y...]] [--clear-chance X[,Y...]] [--min-answered N[,M...]]

Two groups of simulated respondents, ``--respondents`` each, every one with a full answer
sheet drawn up front from a fixed seed:

* **uniform**: every option equally likely (``scoring.random_answers``);
* **leaning**: each leans to a role drawn at random; per question, an option is drawn with
  probability proportional to ``exp(2.5 * n)``, ``n`` being the option's effect on that role
  placed between the question's smallest (0) and largest (1) effect on it (all options
  alike when the question does not move the role).

Each respondent then takes the quick quiz: ``adaptive.next_question`` picks a question, the
answer is the one on their sheet, until it returns None. Per group it reports:

* ``close``: the share whose FULL quiz result is a close call (its top two within
  ``CLOSE_CALL_POINTS``); a close call has no single right answer, so agreement leaves it out;
* ``agree``: among the others, the share whose quick top role (the first of
  ``quick_outcome``, the role the result page names first) is the full quiz's top role;
* ``claimed``: the same, counting a "no single role" stop as a miss (it names no single
  role) — target at least 95%, judged on the lower end of its 95% interval (normal
  approximation, ``p - 1.96 * sqrt(p * (1 - p) / n)``) so that sampling luck does not pass it;
* ``median`` and ``p90``: the number of questions asked (nearest rank) — target: a median of
  at most 12 for the leaning group; ``mean`` as a share of the bank's questions;
* ``set/conf/none/cmp``: how the quizzes stopped, in percent: the top role settled by the
  exact rule, confident, no single role, every question answered;
* ``none ok``: of the "no single role" stops, the share whose full quiz is a close call;
* ``1+close``: the share of stops that name one role (settled or confident) while the fits
  shown are a close call — a result page that would put "settled" or "likely" beside
  "close call";
* ``ms/resp``: the wall time of one respondent's quick quiz (the machine is shared: times
  drift between runs).

It runs every combination of the settings given (by default the module's constants) and
names the combination meeting both targets with the fewest questions overall, or says that
none does. The settings are set on the module for the run only; the bank is never changed.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quiz.core import adaptive  # noqa: E402
from quiz.core.bank import DEFAULT_BANK_PATH, load_bank_file  # noqa: E402
from quiz.core.scoring import EffectTable, random_answers, rank_roles  # noqa: E402

GROUPS = ("uniform", "leaning")
LEAN_STRENGTH = 2.5
TARGET_AGREEMENT = 0.95
TARGET_MEDIAN_LEANING = 12
# the stop reasons in the order printed; "decided" is the exact rule: the top role is settled
REASONS = ("decided", "confident", "no_single_role", "complete")


def leaning_answers(table: EffectTable, rng: random.Random) -> dict[str, str]:
    """Return a full answer sheet leaning toward one role drawn at random."""
    role = rng.randrange(len(table.roles))
    answers: dict[str, str] = {}
    for question, options in table.effects.items():
        low, high = table.bounds[question][role]
        keys = list(options)
        weights = [
            math.exp(LEAN_STRENGTH * ((options[k][role] - low) / (high - low) if high > low else 0))
            for k in keys
        ]
        answers[question] = rng.choices(keys, weights)[0]
    return answers


def sheets(table: EffectTable, group: str, respondents: int, seed: int) -> list[dict[str, str]]:
    """Return the group's full answer sheets, the same for every setting."""
    rng = random.Random(f"{group}-{seed}")
    draw = random_answers if group == "uniform" else leaning_answers
    return [draw(table, rng) for _ in range(respondents)]


@dataclass
class Tally:
    clear: int = 0  # full quiz not a close call
    agree: int = 0  # of those, same top role
    claimed: int = 0  # of those, same top role and not stopped as "no single role"
    asked: list[int] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    no_single_close: int = 0  # "no single role" stops whose full quiz is a close call
    one_role_close: int = 0  # stops naming one role while the shown fits are a close call
    seconds: float = 0.0


def simulate(
    table: EffectTable,
    group_sheets: list[dict[str, str]],
    confidence: float,
    full: list[tuple[str, bool]],
) -> Tally:
    """Run every sheet through the quick quiz at ``confidence``."""
    tally = Tally()
    clock = time.perf_counter
    for sheet, (top, close) in zip(group_sheets, full, strict=True):
        given: dict[str, str] = {}
        started = clock()
        while (question := adaptive.next_question(table, given, confidence=confidence)) is not None:
            given[question] = sheet[question]
        shown = adaptive.quick_outcome(table, given)
        quick_top = shown.ranking[0].role
        tally.seconds += clock() - started
        reason = adaptive.progress(table, given, confidence=confidence).reason or "?"
        tally.reasons[reason] += 1
        tally.asked.append(len(given))
        if reason == "no_single_role":
            tally.no_single_close += close
        if reason in ("decided", "confident"):
            tally.one_role_close += shown.close_call
        if not close:
            tally.clear += 1
            tally.agree += quick_top == top
            tally.claimed += quick_top == top and reason != "no_single_role"
    return tally


def percentile(values: list[int], share: float) -> int:
    """Return the nearest-rank percentile: the smallest value at least ``share`` of them reach."""
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


def lower_bound(share: float, n: int) -> float:
    """Return the lower end of the 95% interval of a share measured on ``n`` (normal approx.)."""
    return share - 1.96 * math.sqrt(share * (1 - share) / n) if n else 0.0


def row(label: str, group: str, tally: Tally, total: int) -> tuple[str, dict[str, float]]:
    n = len(tally.asked)
    agree = tally.agree / tally.clear if tally.clear else 1.0
    claimed = tally.claimed / tally.clear if tally.clear else 1.0
    figures = {
        "claimed_low": lower_bound(claimed, tally.clear),
        "median": statistics.median_low(tally.asked),
        "mean": statistics.fmean(tally.asked),
    }
    stops = "/".join(f"{100 * tally.reasons[r] / n:.0f}" for r in REASONS)
    none = tally.reasons["no_single_role"]
    none_ok = f"{100 * tally.no_single_close / none:.0f}%" if none else "-"
    text = (
        f"{label:>14}  {group:<8} {100 * (n - tally.clear) / n:>5.1f}% "
        f"{100 * agree:>6.1f}% {100 * claimed:>7.1f}% "
        f"{figures['median']:>6} {percentile(tally.asked, 0.9):>4} "
        f"{100 * figures['mean'] / total:>5.1f}%  {stops:>13}  {none_ok:>7}  "
        f"{100 * tally.one_role_close / n:>7.1f}%  "
        f"{1000 * tally.seconds / n:>7.2f}"
    )
    return text, figures


def floats(text: str | None, default: float) -> tuple[float, ...]:
    return (default,) if text is None else tuple(float(x) for x in text.split(","))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bank", type=Path, default=DEFAULT_BANK_PATH, help="a bank JSON file")
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--confidence", help="X or X,Y,... (default: the module's)")
    parser.add_argument("--clear-chance", help="no single role: X or X,Y,...")
    parser.add_argument("--min-answered", help="no single role: N or N,M,...")
    args = parser.parse_args(argv)
    confidences = floats(args.confidence, adaptive.DEFAULT_CONFIDENCE)
    # a module without the "no single role" rule (an older one) runs with its own rules
    has_rule = hasattr(adaptive, "NO_SINGLE_ROLE_CLEAR_CHANCE")
    clear_chances = floats(args.clear_chance, getattr(adaptive, "NO_SINGLE_ROLE_CLEAR_CHANCE", 0))
    min_answered = floats(args.min_answered, getattr(adaptive, "NO_SINGLE_ROLE_MIN_ANSWERED", 0))

    bank = load_bank_file(args.bank)
    table = bank.effect_table
    total = len(table.effects)
    drawn = {g: sheets(table, g, args.respondents, args.seed) for g in GROUPS}
    full = {}
    for g in GROUPS:
        outcomes = [rank_roles(table, s) for s in drawn[g]]
        full[g] = [(o.ranking[0].role, o.close_call) for o in outcomes]
    print(
        f"bank {args.bank.name}: {total} questions, {len(table.roles)} roles; "
        f"{args.respondents} respondents per group; seed {args.seed}"
    )
    print(
        f"{'conf/clear/min':>14}  {'group':<8} {'close':>6} {'agree':>7} {'claimed':>8} "
        f"{'median':>6} {'p90':>4} {'mean':>6}  {'set/conf/none/cmp%':>13}  {'none ok':>7}  "
        f"{'1+close':>8}  "
        f"{'ms/resp':>7}"
    )
    best: tuple[float, str] | None = None
    for confidence, clear_chance, least in itertools.product(
        confidences, clear_chances, min_answered
    ):
        if has_rule:
            adaptive.NO_SINGLE_ROLE_CLEAR_CHANCE = clear_chance  # type: ignore[misc]
            adaptive.NO_SINGLE_ROLE_MIN_ANSWERED = int(least)  # type: ignore[misc]
            label = f"{confidence:.2f}/{clear_chance:.2f}/{int(least)}"
        else:
            label = f"{confidence:.2f}"
        results = {}
        overall: list[int] = []
        for group in GROUPS:
            tally = simulate(table, drawn[group], confidence, full[group])
            text, results[group] = row(label, group, tally, total)
            print(text, flush=True)
            overall += tally.asked
        agreement = all(results[g]["claimed_low"] >= TARGET_AGREEMENT for g in GROUPS)
        short = results["leaning"]["median"] <= TARGET_MEDIAN_LEANING
        if agreement and short:
            candidate = (statistics.fmean(overall), label)
            best = candidate if best is None or candidate < best else best

    if best is not None:
        print(f"meets both targets, fewest questions overall: {best[1]}")
    else:
        print(
            f"no setting meets both targets (claimed >= {100 * TARGET_AGREEMENT:.0f}% on both "
            f"groups, leaning median <= {TARGET_MEDIAN_LEANING})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
