"""STATISTICS_MINIMUM_RESULTS: a whole number of results of at least 1, checked at start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import TEST_CONFIG

from quiz import create_app


def start(tmp_path: Path, **settings: Any):
    return create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "SEED_ON_START": False,
            **settings,
        }
    )


def test_the_minimum_is_100_real_careful_results_by_default(tmp_path: Path) -> None:
    assert start(tmp_path).config["STATISTICS_MINIMUM_RESULTS"] == 100


@pytest.mark.parametrize("minimum", [0, -5, 2.5, "100", True, None])
def test_a_minimum_that_is_not_a_whole_number_above_0_stops_the_app_from_starting(
    tmp_path: Path, minimum: object
) -> None:
    with pytest.raises(
        RuntimeError,
        match=r"STATISTICS_MINIMUM_RESULTS must be a whole number of results of at least 1, "
        r"such as 100, not ",
    ):
        start(tmp_path, STATISTICS_MINIMUM_RESULTS=minimum)


def test_the_minimum_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATISTICS_MINIMUM_RESULTS", "250")
    assert start(tmp_path).config["STATISTICS_MINIMUM_RESULTS"] == 250


@pytest.mark.parametrize("value", ["many", "12.5"])
def test_a_minimum_in_the_environment_that_is_no_number_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("STATISTICS_MINIMUM_RESULTS", value)
    with pytest.raises(
        RuntimeError, match=f"STATISTICS_MINIMUM_RESULTS must be a whole number, not '{value}'"
    ):
        start(tmp_path)


def test_a_minimum_above_the_quality_sample_could_never_be_met_and_is_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(RuntimeError, match=r"QUALITY_SAMPLE_SIZE \(50\) must be a whole number"):
        start(tmp_path, STATISTICS_MINIMUM_RESULTS=60, QUALITY_SAMPLE_SIZE=50)
    assert start(tmp_path, STATISTICS_MINIMUM_RESULTS=50, QUALITY_SAMPLE_SIZE=50)
