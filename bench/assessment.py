"""Print what the weights alone say about a bank: answer styles, equal say, keying and balance.

    .venv/bin/python bench/assessment.py [--bank FILE] [--respondents 5000]
                                         [--style-respondents 2000]
    .venv/bin/python bench/assessment.py --live [--database-url URL]

By default it reads the bank the app ships (quiz/data/default_bank.json); ``--bank`` reads
another bank file; ``--live`` reads the newest published version from the app's database
(``--database-url``, or DATABASE_URL). It builds the parts of the quality report that need
no answers (quiz/core/quality.py, quiz/core/response_styles.py) and prints:

* **answer styles**: per style, each role's share of first places among simulated people
  who answer every agreement statement in that style and every choice question at random;
  ``*`` marks a share over the warning limit;
* **equal say**: per question, its share of each role's range (``*`` over the limit), then
  per role the median range over the questions that move it and the largest range's
  ratio to it;
* **keying balance**: per role, the agree- and disagree-keyed shares of its agreement range;
* **random balance**: each role's share of first places under uniformly random answers;
* the report's **warnings** and notes, in English, and how long the figures took to work
  out. The simulations use fixed seeds: the same bank always prints the same figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quiz.core.bank import DEFAULT_BANK_PATH, Bank, load_bank_file  # noqa: E402
from quiz.core.messages import Message  # noqa: E402
from quiz.core.quality import (  # noqa: E402
    OUTSIZED_SAY,
    RANDOM_RESPONDENTS,
    QualityReport,
    quality_report,
    weight_figures,
)
from quiz.core.response_styles import (  # noqa: E402
    KEYED_SHARE_HIGH,
    KEYED_SHARE_LOW,
    STYLE_HIGH_SHARE,
    STYLE_RESPONDENTS,
)

STYLE_WIDTH = 24
QUESTION_WIDTH = 44


def live_bank(database_url: str | None) -> tuple[Bank, str]:
    """Return the newest published version's bank from the app's database, and its name."""
    from quiz import create_app
    from quiz.store.publishing import latest_version_id, published_bank

    config = {"SECRET_KEY": "bench"}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    app = create_app(config)
    with app.app_context():
        version_id = latest_version_id()
        if version_id is None:
            raise SystemExit("nothing is published yet")
        return published_bank(version_id), f"the live version (id {version_id})"


def percent(share: float) -> str:
    return f"{share * 100:5.1f}%"


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_styles(report: QualityReport, names: dict[str, str], width: int) -> None:
    print("\n== Answer styles: share of first places ==")
    if not report.styles:
        print("no agreement statements: no answer styles to try")
        return
    roles = list(names)
    respondents = report.styles[0].respondents
    limit = STYLE_HIGH_SHARE * report.styles[0].even_share
    print(
        f"{respondents:,} simulated people per style; * over {limit:.1%} "
        f"({STYLE_HIGH_SHARE} × the even share)"
    )
    for balance in report.styles:
        print(f"  {balance.style.key}: {Message(balance.style.name)}")
    print(f"{'style':<{STYLE_WIDTH}}" + "".join(f" {names[r][:width]:>{width}}" for r in roles))
    random_row = {share.role: share.share for share in report.balance}
    print(
        f"{'every question at random':<{STYLE_WIDTH}}"
        + "".join(f" {percent(random_row[r]):>{width}}" for r in roles)
    )
    for balance in report.styles:
        cells = [percent(balance.shares[r]) + ("*" if r in balance.leaders else " ") for r in roles]
        print(
            f"{balance.style.key:<{STYLE_WIDTH}}" + "".join(f" {cell:>{width}}" for cell in cells)
        )


def print_say(report: QualityReport, bank: Bank, names: dict[str, str], width: int) -> None:
    print("\n== Equal say: each question's share of each role's range ==")
    print(f"* more than {OUTSIZED_SAY} × the median range over the questions that move the role")
    roles = list(names)
    print(
        f"{'question':<{QUESTION_WIDTH}}" + "".join(f" {names[r][:width]:>{width}}" for r in roles)
    )
    say = {s.role: s for s in report.say}
    for number, question in enumerate(bank.questions, start=1):
        label = cut(
            f"{number:>2} {question.kind:<6} {question.key}: {question.prompt}", QUESTION_WIDTH
        )
        cells = [
            percent(say[r].shares[question.key]) + ("*" if question.key in say[r].outsized else " ")
            for r in roles
        ]
        print(f"{label:<{QUESTION_WIDTH}}" + "".join(f" {cell:>{width}}" for cell in cells))
    print()
    for role in roles:
        s = say[role]
        if s.median is None:
            print(f"{names[role]}: no question moves it")
            continue
        largest = max(s.ranges.values())
        print(
            f"{names[role]}: span {s.span}, median range {float(s.median):g}, "
            f"largest {largest}, largest / median {s.largest_to_median:.2f}, "
            f"{len(s.outsized)} over the limit"
        )


def print_keying(report: QualityReport, names: dict[str, str]) -> None:
    print("\n== Keying balance of the agreement statements ==")
    print(
        f"balanced: {float(KEYED_SHARE_LOW):.0%} to {float(KEYED_SHARE_HIGH):.0%} agree-keyed; "
        "* outside"
    )
    if not report.keying or not any(k.steps for k in report.keying):
        print("no agreement statements: no keying to balance")
        return
    for keying in report.keying:
        name = names[keying.role]
        if keying.agree_share is None:
            print(f"{name}: —  (no agreement statement moves it)")
            continue
        print(
            f"{name}: {float(keying.agree_share):.1%} agree-keyed "
            f"({statements(keying.agree_keyed_statements)}, {keying.agree_keyed} raw points a "
            f"step), {float(keying.disagree_share or 0):.1%} disagree-keyed "
            f"({statements(keying.disagree_keyed_statements)}, {keying.disagree_keyed})"
            + (" *" if keying.lopsided else "")
        )


def statements(count: int) -> str:
    return f"{count} statement" + ("" if count == 1 else "s")


def print_balance(report: QualityReport, names: dict[str, str], respondents: int) -> None:
    print("\n== Random balance: share of first places under uniformly random answers ==")
    print(f"{respondents:,} simulated people")
    for share in report.balance:
        print(f"{names[share.role]}: {share.share:.1%} (even share {share.even_share:.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--bank", type=Path, default=None, help="a bank file (JSON)")
    source.add_argument(
        "--live", action="store_true", help="the newest published version in the database"
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--respondents", type=int, default=RANDOM_RESPONDENTS)
    parser.add_argument("--style-respondents", type=int, default=STYLE_RESPONDENTS)
    args = parser.parse_args()
    if args.respondents < 1 or args.style_respondents < 1:
        parser.error("the numbers of respondents must be at least 1")

    if args.live:
        bank, name = live_bank(args.database_url)
    else:
        path = args.bank or DEFAULT_BANK_PATH
        bank, name = load_bank_file(path), str(path)
    table = bank.effect_table
    agreement = bank.agreement_levels
    start = time.perf_counter()
    figures = weight_figures(
        table,
        respondents=args.respondents,
        agreement=agreement,
        style_respondents=args.style_respondents,
    )
    seconds = time.perf_counter() - start
    names = {role.key: role.name for role in bank.roles}
    labels = {q.key: f"Question {n} ({q.key})" for n, q in enumerate(bank.questions, start=1)}
    report = quality_report(table, [], question_labels=labels, role_names=names, figures=figures)
    width = max(8, min(26, max((len(n) for n in names.values()), default=8)))

    print(f"Bank: {name}")
    print(
        f"{len(bank.questions)} questions ({len(agreement)} agreement, "
        f"{len(bank.questions) - len(agreement)} choice), {len(bank.roles)} roles"
    )
    print_styles(report, names, width)
    print_say(report, bank, names, width)
    print_keying(report, names)
    print_balance(report, names, args.respondents)
    print(f"\n== Warnings ({len(report.warnings)}) ==")
    for warning in report.warnings:
        print(f"- {warning}")
    # the report is given no answers, so its note on when reliability is worked out says nothing
    notes = [n for n in report.notes if "Reliability" not in str(n)]
    if notes:
        print("\n== Notes ==")
        for note in notes:
            print(f"- {note}")
    print(f"\nWorked out in {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
