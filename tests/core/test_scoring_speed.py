"""Benchmarks of the scoring core, and a deterministic check that its work grows linearly.

The benchmarks (pytest-benchmark's ``benchmark`` fixture) report timings; they assert
nothing about time, because a shared machine makes any time threshold flaky. The speed
figures for a closing note come from ``bench/scoring.py``, as ratios against baselines
timed in the same run. Rounds are bounded, so these tests take about a second even when
pytest-benchmark runs them (the default); ``--benchmark-disable`` runs each target once,
``--benchmark-skip`` skips the benchmarks and keeps the linear-growth tests.

Linear growth is checked without a clock: the tests count the Python steps (trace events:
calls, lines, returns, in every frame, the standard library included) that scoring takes,
which is the same number on every run and every machine with the same Python.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

from quiz.core.scoring import EffectTable, Outcome, rank_roles

BENCH_SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "scoring.py"


def load_bench() -> ModuleType:
    """Import bench/scoring.py, so tests and script time the very same instruments."""
    spec = importlib.util.spec_from_file_location("bench_scoring", BENCH_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def table_and_answers(questions: int, roles: int) -> tuple[EffectTable, dict[str, str]]:
    """Return the compiled synthetic instrument of this size and a full random answer set."""
    instrument = bench.synthetic_instrument(questions, roles)
    return EffectTable.from_instrument(instrument), bench.full_answers(instrument)


def assert_complete(outcome: Outcome, roles: int) -> None:
    assert [f.rank for f in outcome.ranking] == list(range(1, roles + 1))
    assert len(outcome.profile) == bench.DIMENSIONS


# --- benchmarks: reported, never asserted on ------------------------------------------------

# 20 rounds of 5 calls: enough for a stable median, about 0.1 s per size at the target speed
ROUNDS = {"rounds": 20, "iterations": 5, "warmup_rounds": 1}


@pytest.mark.parametrize("questions", [100, 200, 400])
def test_benchmark_rank_roles_with_20_roles(benchmark: Any, questions: int) -> None:
    table, answers = table_and_answers(questions, 20)
    benchmark.group = "rank_roles, 20 roles (target: 200 questions under 1 ms)"

    outcome = benchmark.pedantic(rank_roles, args=(table, answers), **ROUNDS)

    assert_complete(outcome, 20)


def test_benchmark_scoring_and_storing_200_questions_20_roles(benchmark: Any) -> None:
    table, answers = table_and_answers(200, 20)
    benchmark.group = "what storing a result costs: rank_roles + as_dict"

    data = benchmark.pedantic(lambda: rank_roles(table, answers).as_dict(), **ROUNDS)

    assert len(data["ranking"]) == 20


def test_benchmark_compiling_the_effect_table_200_questions_20_roles(benchmark: Any) -> None:
    instrument = bench.synthetic_instrument(200, 20)
    benchmark.group = "EffectTable.from_instrument, once per quiz version"

    table = benchmark.pedantic(
        EffectTable.from_instrument, args=(instrument,), rounds=5, iterations=1
    )

    assert len(table.effects) == 200


# --- linear growth, counted rather than timed --------------------------------------------------


def python_steps(func: Callable[[], object]) -> int:
    """Return how many trace events running ``func`` produces: a clock-free measure of work."""
    steps = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal steps
        steps += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        func()
    finally:
        sys.settrace(previous)
    return steps


def scoring_steps(questions: int, roles: int) -> int:
    """Count the steps of scoring a full answer set and making it JSON-ready, pushes and all."""
    table, answers = table_and_answers(questions, roles)
    return python_steps(lambda: rank_roles(table, answers).as_dict())


@pytest.mark.parametrize(
    "sizes",
    [
        pytest.param([(100, 20), (200, 20), (400, 20)], id="questions"),
        pytest.param([(200, 10), (200, 20), (200, 40)], id="roles"),
    ],
)
def test_scoring_work_grows_linearly(sizes: list[tuple[int, int]]) -> None:
    small, middle, large = (scoring_steps(*size) for size in sizes)

    # Each doubling adds as many answers (or roles) as the last two put together, so linear
    # work adds twice the steps it added before; quadratic work would add four times.
    # Random instruments make some answers push no role, hence the margin.
    assert small < middle < large
    assert (large - middle) / (middle - small) == pytest.approx(2, rel=0.1)
