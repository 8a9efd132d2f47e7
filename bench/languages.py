"""What a second language and quick mode cost: page times in German against English, in one run.

    .venv/bin/python bench/languages.py [--rounds 200]

Runs the whole app in process (the Flask test client) on a fresh SQLite file with the
default bank, and times, as medians of ``--rounds`` requests each:

* the landing page, a quiz page and a result page in English (the baseline) and in German
  (the catalog lookups, the version's bank in German, locale-aware numbers);
* a quick-mode question page (the adaptive core picks the question) against a page of the
  full quiz;
* a whole quick quiz and a whole full quiz, from the first page to the stored result.

Every figure is also given as a ratio to its English or full-quiz baseline from the same
run (the two are measured turn about): the machine is shared and noisy, so the ratios are
what to compare between runs. It also reports the memory the first German page leaves behind
in the process (the catalog and the German bank, kept for later requests), by tracemalloc.
The simulated taker picks the same place on a question every time (by its name), which
leans to no role, so quick mode asks more than it does of a person with a clear leaning.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask.testing import FlaskClient  # noqa: E402

from quiz import create_app  # noqa: E402

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
OPTION = re.compile(r'name="(q-[^"]+)" type="radio" value="([^"]+)"')
QUESTION = re.compile(r'name="question" type="hidden" value="([^"]*)"')


def interleaved_medians(
    baseline: Callable[[], object], other: Callable[[], object], rounds: int
) -> tuple[float, float]:
    """Return the median milliseconds of each, run turn about so drift hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for work, kept in ((baseline, times[0]), (other, times[1])):
            start = time.perf_counter()
            work()
            kept.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def get(client: FlaskClient, url: str, headers: dict[str, str]) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def pick(name: str, values: list[str]) -> str:
    return values[sum(map(ord, name)) % len(values)]


def full_quiz(client: FlaskClient) -> tuple[str, int]:
    """Take the whole quiz; return the result's address and the questions answered."""
    page, answered = 1, 0
    while True:
        html = get(client, f"/quiz/{page}", ENGLISH)
        options: dict[str, list[str]] = {}
        for name, value in OPTION.findall(html):
            options.setdefault(name, []).append(value)
        answered += len(options)
        data = {name: pick(name, values) for name, values in options.items()}
        response = client.post(f"/quiz/{page}", data={**data, "forward": "x"})
        if "/r/" in response.headers["Location"]:
            return response.headers["Location"], answered
        page += 1


def quick_quiz(client: FlaskClient) -> tuple[str, int]:
    """Take the quick quiz; return the result's address and the questions answered."""
    answered = 0
    while True:
        html = get(client, "/quiz/quick", ENGLISH)
        ((name, _),) = {n: v for n, v in OPTION.findall(html)}.items()
        values = [v for n, v in OPTION.findall(html) if n == name]
        question = QUESTION.search(html)
        assert question
        answered += 1
        response = client.post(
            "/quiz/quick",
            data={"question": question.group(1), name: pick(name, values), "forward": "x"},
        )
        if "/r/" in response.headers["Location"]:
            return response.headers["Location"], answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            }
        )
        client = app.test_client()

        get(app.test_client(), "/", ENGLISH)  # templates compiled, bank parsed
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        get(app.test_client(), "/", GERMAN)
        german_kept = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()

        result, _ = full_quiz(client)
        rows: list[tuple[str, float, float]] = []
        for name, url in (("landing page", "/"), ("quiz page", "/quiz/1"), ("result page", result)):
            english, german = interleaved_medians(
                lambda u=url: get(client, u, ENGLISH), lambda u=url: get(client, u, GERMAN), rounds
            )
            rows.append((name, english, german))

        full_page, quick_page = interleaved_medians(
            lambda: get(app.test_client(), "/quiz/1", ENGLISH),
            lambda: get(app.test_client(), "/quiz/quick", ENGLISH),
            rounds,
        )

        quizzes = max(10, rounds // 10)
        full_answered = quick_answered = 0
        start = time.perf_counter()
        for _ in range(quizzes):
            full_answered += full_quiz(app.test_client())[1]
        full_time = (time.perf_counter() - start) * 1000 / quizzes
        start = time.perf_counter()
        for _ in range(quizzes):
            quick_answered += quick_quiz(app.test_client())[1]
        quick_time = (time.perf_counter() - start) * 1000 / quizzes

    print(f"medians of {rounds} requests; whole quizzes: mean of {quizzes}")
    print(f"{'page':<14}{'English ms':>12}{'German ms':>12}{'German/English':>16}")
    for name, english, german in rows:
        print(f"{name:<14}{english:>12.2f}{german:>12.2f}{german / english:>16.2f}")
    print()
    print(f"{'':<26}{'full ms':>10}{'quick ms':>10}{'quick/full':>12}")
    print(
        f"{'first question page':<26}{full_page:>10.2f}{quick_page:>10.2f}"
        f"{quick_page / full_page:>12.2f}"
    )
    print(
        f"{'whole quiz, to the result':<26}{full_time:>10.1f}{quick_time:>10.1f}"
        f"{quick_time / full_time:>12.2f}"
    )
    print(
        f"{'questions answered (mean)':<26}{full_answered / quizzes:>10.1f}"
        f"{quick_answered / quizzes:>10.1f}{quick_answered / full_answered:>12.2f}"
    )
    print()
    print(
        f"memory kept by the first German page (catalog, German bank): {german_kept / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
