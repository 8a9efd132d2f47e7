"""Time the scoring core on synthetic instruments, against a plain-Python yardstick.

    .venv/bin/python bench/scoring.py [--questions 50,100,200,400] [--roles 5,10,20,40]
                                      [--repeat 7] [--compare OTHER_SCORING.py]

For every size it builds a synthetic instrument from a fixed seed (12 dimensions; half the
questions are choices with 4 options weighing on 1-3 dimensions, half are Likert-like with 5
options weighing -2..2 on 1-2 dimensions; weights stay within -3..3, role profiles 0..3), builds
the EffectTable once, draws one full random answer set, and times ``rank_roles`` with timeit,
keeping the best of ``--repeat`` runs; the runs of everything timed for a size take turns, so
load from other processes hits them alike. It prints, per size:

* ``table ms``: the one-off cost of ``EffectTable.from_instrument``;
* ``score µs`` and ``ns/cell``: one scoring, and that divided by questions × roles. Linear
  growth shows as a ns/cell column that stays flat as the sizes grow;
* ``loop µs`` and ``× loop``: the baseline, a plain Python loop summing questions × roles
  integers from lists of lists, timed the same way in the same run, and scoring's ratio to it.

Then a headline for 200 questions × 20 roles (the size of the production target, 1 ms), with a
second baseline: ``json.dumps`` of that outcome's ``as_dict()``.

Absolute times on a shared machine drift from run to run; the ratios to the baselines measured
in the same run are the figures to compare between runs and machines.

``--compare PATH`` also times another version of the scoring module, loaded from a file, on the
same instruments and answers, checks it gives the same outcomes, and prints the speed-up. To
measure a change against the last commit::

    git show HEAD:quiz/core/scoring.py > /tmp/scoring_head.py
    .venv/bin/python bench/scoring.py --compare /tmp/scoring_head.py

``tests/core/test_scoring_speed.py`` builds its instruments with :func:`synthetic_instrument`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import timeit
from collections.abc import Callable
from types import ModuleType
from typing import Any

from quiz.core import scoring
from quiz.core.scoring import Dimension, Instrument, Option, Question, Role

DIMENSIONS = 12
CHOICE_OPTIONS = "abcd"
LIKERT_LEVELS = (-2, -1, 0, 1, 2)
HEADLINE = (200, 20)
TARGET_MICROSECONDS = 1000


def synthetic_instrument(
    n_questions: int, n_roles: int, n_dimensions: int = DIMENSIONS, seed: int = 0
) -> Instrument:
    """Return a reproducible instrument of the given size.

    Roles and questions come from separate seeded streams, so a smaller instrument is a prefix
    of a larger one: growing a size adds questions or roles and changes none already there.
    """
    dims = [f"dim{j:02d}" for j in range(n_dimensions)]
    role_rng = random.Random(seed * 2)
    roles = tuple(
        Role(f"role{i:02d}", i + 1, {d: role_rng.randint(0, 3) for d in dims})
        for i in range(n_roles)
    )
    question_rng = random.Random(seed * 2 + 1)
    questions = []
    for k in range(n_questions):
        if k % 2 == 0:
            options = tuple(
                Option(
                    key,
                    {
                        d: question_rng.randint(-3, 3)
                        for d in question_rng.sample(dims, question_rng.randint(1, 3))
                    },
                )
                for key in CHOICE_OPTIONS
            )
        else:
            measured = question_rng.sample(dims, question_rng.randint(1, 2))
            directions = {d: question_rng.choice((-1, 1)) for d in measured}
            options = tuple(
                Option(str(n), {d: sign * level for d, sign in directions.items()})
                for n, level in enumerate(LIKERT_LEVELS, start=1)
            )
        questions.append(Question(f"q{k:03d}", options))
    return Instrument(
        dimensions=tuple(Dimension(d, "skill") for d in dims),
        roles=roles,
        questions=tuple(questions),
    )


def full_answers(instrument: Instrument, seed: int = 0) -> dict[str, str]:
    """Return one reproducible random option for every question."""
    rng = random.Random(seed)
    return {q.key: rng.choice(q.options).key for q in instrument.questions}


def integer_rows(n_questions: int, n_roles: int) -> list[list[int]]:
    """Return the baseline's data: one list of small integers per question, one per role."""
    rng = random.Random(0)
    return [[rng.randint(-9, 9) for _ in range(n_roles)] for _ in range(n_questions)]


def sum_rows(rows: list[list[int]]) -> int:
    """Sum every integer with a plain loop: the least a per-cell Python pass can cost."""
    total = 0
    for row in rows:
        for value in row:
            total += value
    return total


def best_seconds(
    funcs: dict[str, Callable[[], object]], repeat: int, budget: float = 0.03
) -> dict[str, float]:
    """Return the best time of one call of each function, over ``repeat`` runs of ``budget`` s.

    The runs take turns (a, b, c, a, b, c, ...), so a burst of load from another process
    slows every function's runs alike instead of all the runs of one, and each function's
    best run comes from about the same quiet moments: what keeps the ratios honest.
    """
    timers = {name: timeit.Timer(func) for name, func in funcs.items()}
    numbers = {
        name: max(1, int(budget / max(min(timer.repeat(3, 1)), 1e-9)))
        for name, timer in timers.items()
    }
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(numbers[name]) / numbers[name])
    return best


def load_module(path: str) -> ModuleType:
    """Import a scoring module from a file, under a name of its own."""
    spec = importlib.util.spec_from_file_location("scoring_compared", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


def exact(outcome: Any) -> tuple[object, ...]:
    """Return what two versions must agree on: the JSON data and the exact fits."""
    return outcome.as_dict(), [(f.role, f.fit) for f in outcome.ranking]


def parse_sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def measure(
    n_questions: int, n_roles: int, repeat: int, other: ModuleType | None
) -> dict[str, float]:
    """Return the seconds per call of everything the table shows for one size."""
    instrument = synthetic_instrument(n_questions, n_roles)
    answers = full_answers(instrument)
    table = scoring.EffectTable.from_instrument(instrument)
    rows = integer_rows(n_questions, n_roles)
    data = scoring.rank_roles(table, answers).as_dict()
    funcs: dict[str, Callable[[], object]] = {
        "table": lambda: scoring.EffectTable.from_instrument(instrument),
        "score": lambda: scoring.rank_roles(table, answers),
        # what storing a result costs: scoring plus the JSON-ready data, pushes and all
        "store": lambda: scoring.rank_roles(table, answers).as_dict(),
        "loop": lambda: sum_rows(rows),
        "json": lambda: json.dumps(data),
    }
    if other is not None:
        other_table = other.EffectTable.from_instrument(instrument)
        if exact(other.rank_roles(other_table, answers)) != exact(
            scoring.rank_roles(table, answers)
        ):
            raise SystemExit(f"the compared module disagrees at {n_questions}×{n_roles}")
        funcs["other"] = lambda: other.rank_roles(other_table, answers)
        funcs["other store"] = lambda: other.rank_roles(other_table, answers).as_dict()
    figures = best_seconds(funcs, repeat)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=parse_sizes, default=[50, 100, 200, 400])
    parser.add_argument("--roles", type=parse_sizes, default=[5, 10, 20, 40])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure; best kept")
    parser.add_argument("--compare", metavar="PATH", help="another scoring.py to time alongside")
    args = parser.parse_args()
    other = load_module(args.compare) if args.compare else None

    header = (
        f"{'questions':>9} {'roles':>5} {'cells':>6} {'table ms':>9} {'score µs':>9} "
        f"{'ns/cell':>8} {'loop µs':>8} {'× loop':>7}"
    )
    if other is not None:
        header += f" {'other µs':>9} {'speed-up':>8}"
    print(f"Python {sys.version.split()[0]}, best of {args.repeat} runs per figure\n")
    print(header)
    headline: dict[str, float] = {}
    for n_questions in args.questions:
        for n_roles in args.roles:
            cells = n_questions * n_roles
            f = measure(n_questions, n_roles, args.repeat, other)
            line = (
                f"{n_questions:>9} {n_roles:>5} {cells:>6} {f['table'] * 1e3:>9.2f} "
                f"{f['score'] * 1e6:>9.1f} {f['score'] * 1e9 / cells:>8.1f} "
                f"{f['loop'] * 1e6:>8.1f} {f['score'] / f['loop']:>7.1f}"
            )
            if other is not None:
                line += f" {f['other'] * 1e6:>9.1f} {f['other'] / f['score']:>7.1f}×"
            print(line)
            if (n_questions, n_roles) == HEADLINE:
                headline = f

    if headline:
        print_headline(headline)


def print_headline(f: dict[str, float]) -> None:
    """Print the target size's figures as ratios to the two baselines of the same run."""
    print(f"\n{HEADLINE[0]} questions × {HEADLINE[1]} roles (target {TARGET_MICROSECONDS} µs):")
    rows = [("rank_roles", "score"), ("rank_roles + as_dict", "store")]
    if "other" in f:
        rows += [("compared rank_roles", "other"), ("compared + as_dict", "other store")]
    for label, key in rows:
        print(
            f"  {label:<22} {f[key] * 1e6:>7.0f} µs = {f[key] / f['loop']:6.1f} × loop, "
            f"{f[key] / f['json']:5.2f} × json"
        )
    print(
        f"  baselines: loop = a plain loop summing {HEADLINE[0] * HEADLINE[1]} integers "
        f"({f['loop'] * 1e6:.1f} µs); json = json.dumps of the outcome's as_dict() "
        f"({f['json'] * 1e6:.0f} µs)"
    )


if __name__ == "__main__":
    main()
