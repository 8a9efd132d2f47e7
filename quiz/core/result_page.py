"""What a result page shows, built from the stored outcome as plain data, never by scoring again.

A result is stored once, with the outcome it was scored to (see
:meth:`quiz.core.scoring.Outcome.as_dict`): its ranking, each role's strongest pushes and
the person's profile. :func:`result_page` reads that outcome with the bank of the result's
own quiz version, so a page reads the same however many versions are published after it.

A quick result (see :mod:`quiz.core.adaptive`) also says how settled its ranking is and
how many questions it rests on (:class:`QuickVerdict`, read from the stored answers with
the version's own table, so it reads the same every time).

The page opens with the top role's ``REASONS_SHOWN`` strongest reasons (see
:func:`strongest_reasons`): the answers that pointed toward it most strongly.

The page shows at most ``PUSHES_SHOWN`` pushes towards and away from each role, and says
which fewest answers would have put the runner-up on top, if no more than
``MOST_CHANGES_SHOWN`` would do it. That search costs far more than the rest of the page,
so it runs only when the caller passes one (:data:`ChangesSearch`): the result page itself
does; the share card and the comparison never do.

Plain data in, plain data out: nothing here imports Flask or the database. How much a role
draws on a skill or goal is said in English words marked with ``N_``; the page translates
them where it shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from quiz.core.adaptive import progress as quick_progress
from quiz.core.bank import Bank, BankDimension, BankRole
from quiz.core.changes import Changes, fewest_changes
from quiz.core.fit_bands import BAND_WORDS, MODERATE_FROM, STRONG_FROM, WEAK, fit_band
from quiz.core.messages import N_
from quiz.core.scoring import CLOSE_CALL_POINTS

PUSHES_SHOWN = 4
# the reasons the first screen gives for the best fit: enough to explain it, few enough to read
REASONS_SHOWN = 3
# More changes than this is no longer a small step: the page says the result is a clear one.
MOST_CHANGES_SHOWN = 6
# how much a role draws on a skill or goal (its emphasis, 0..3), in words; the lowest is
# "less central", not "not needed": people in a role still use skills it weighs at 0
EMPHASIS_WORDS = {0: N_("Less central"), 1: N_("Useful"), 2: N_("Important"), 3: N_("Central")}


@dataclass(frozen=True)
class StoredResult:
    """A result as it was stored: the outcome it was scored to and what it was scored from."""

    outcome: Mapping[str, Any]  # Outcome.as_dict(): "ranking", "profile", "close_call"
    answers: Mapping[str, str]  # question key -> option key, in the order they were given
    created_at: datetime
    # why the answers looked careless ("same-answer", "too-fast"); empty when they did not
    careless: tuple[str, ...] = ()
    seconds_taken: int | None = None
    # "full" or "quick"; None for a result that was never stored (the draft's preview)
    mode: str | None = None
    version_id: int | None = None  # None: scored with the draft, never published
    share_token: str | None = None


@dataclass(frozen=True)
class ShownPush:
    prompt: str
    answer: str
    points: float


@dataclass(frozen=True)
class ShownFit:
    role: BankRole
    rank: int
    fit: int
    toward: list[ShownPush]
    away: list[ShownPush]
    # the share of the version's earlier takers with a lower fit for the role, in whole
    # percent, as kept with the result (see quiz.core.norms); None without enough of them
    percentile: int | None = None

    @property
    def band(self) -> str:
        """Return the fit's band, "strong", "moderate" or "weak" (see quiz.core.fit_bands)."""
        return fit_band(self.fit)

    @property
    def band_words(self) -> str:
        """Return the band in English words, translated where shown."""
        return BAND_WORDS[self.band]

    @property
    def weak(self) -> bool:
        return self.band == WEAK


@dataclass(frozen=True)
class ProfileRow:
    dimension: BankDimension
    you: int | None
    # role key -> (emphasis 0..3, its English word from EMPHASIS_WORDS, translated where shown)
    emphasis: dict[str, tuple[int, str]]


@dataclass(frozen=True)
class ShownChange:
    number: int  # the question's number in the quiz
    prompt: str
    given: str
    instead: str


@dataclass(frozen=True)
class WhatWouldChange:
    """The fewest answers the taker would have to give differently for the runner-up to win."""

    role: BankRole
    changes: list[ShownChange]  # empty when no small change does it
    fits_after: list[tuple[BankRole, int]]  # best first


# A quick result not settled by the exact rule is called "likely" from this estimated
# chance of its top role staying first on, and "not settled" below it.
LIKELY_FROM = 0.5


@dataclass(frozen=True)
class QuickVerdict:
    """How settled a quick result's ranking is, and how many questions it rests on.

    ``kind``, checked in this order:

    * ``"complete"``: every question was answered; the result is the full quiz's.
    * ``"no_single_role"``: the shown fits are a close call (the top two within
      ``CLOSE_CALL_POINTS``): the answers so far point to no single role. A close call is
      never called settled, even when the exact rule has decided the top role.
    * ``"settled"``: the exact rule holds: no way of answering the remaining questions
      would put another role first in the full quiz.
    * ``"likely"`` / ``"unsettled"``: the estimated chance that the top role stays first
      (``chance``, in whole percent, rounded down) is at least / below ``LIKELY_FROM``.
    """

    kind: str
    answered: int
    question_count: int
    chance: int  # percent; 100 only when settled or complete
    # the two roles named by "no single role"; empty otherwise
    roles: tuple[BankRole, ...] = ()


def quick_verdict(bank: Bank, answers: Mapping[str, str], close_call: bool) -> QuickVerdict:
    """Say how settled a quick result with ``answers`` is (see :class:`QuickVerdict`).

    ``close_call`` is the stored outcome's, so the page's close-call note and the verdict
    always agree.
    """
    state = quick_progress(bank.effect_table, answers, confidence=1.0)
    answered, count = len(answers), len(bank.questions)
    if answered >= count:
        return QuickVerdict("complete", answered, count, 100)
    if close_call and state.leader is not None and state.runner_up is not None:
        roles = (bank.role_by_key[state.leader], bank.role_by_key[state.runner_up])
        return QuickVerdict("no_single_role", answered, count, _percent(state.chance), roles)
    if state.decided:
        return QuickVerdict("settled", answered, count, 100)
    kind = "likely" if state.chance >= LIKELY_FROM else "unsettled"
    return QuickVerdict(kind, answered, count, _percent(state.chance))


def _percent(chance: float) -> int:
    # rounded down and kept below 100, so an estimate never reads as a certainty
    return min(99, int(chance * 100))


@dataclass(frozen=True)
class ResultPage:
    """Everything the result page shows, read from the stored outcome and its own version."""

    fits: list[ShownFit]
    profile: list[ProfileRow]
    close_call: bool
    close_call_points: int
    created_at: datetime
    # why the answers looked careless ("same-answer", "too-fast"); empty when they did not
    careless: tuple[str, ...] = ()
    seconds_taken: int | None = None
    # "full" or "quick" (see quiz.core.adaptive), and how many of the questions were answered
    mode: str = "full"
    answered: int = 0
    question_count: int = 0
    # None when the page was built without a search, or when there is no runner-up
    what_would_change: WhatWouldChange | None = None
    # how settled a quick result is; None for a full quiz
    quick: QuickVerdict | None = None
    # where the fit bands start (see quiz.core.fit_bands), for the page's key to them
    strong_from: int = STRONG_FROM
    moderate_from: int = MODERATE_FROM
    # how many earlier takers the percentiles compare with; None when there are none
    norm_results: int | None = None

    @property
    def top(self) -> ShownFit:
        return self.fits[0]

    @property
    def reasons(self) -> list[ShownPush]:
        """Return the top role's strongest reasons (see :func:`strongest_reasons`)."""
        return strongest_reasons(self.top)

    @property
    def runner_up(self) -> ShownFit | None:
        return self.fits[1] if len(self.fits) > 1 else None


def strongest_reasons(fit: ShownFit, count: int = REASONS_SHOWN) -> list[ShownPush]:
    """Return the ``count`` answers that pointed toward ``fit``'s role most strongly.

    Only answers that pushed toward the role count: a result whose answers all leaned away
    has no reasons to give. Pushes are compared as stored (rounded to one decimal place);
    equal ones keep their stored order, which is the question keys' order (see
    :mod:`quiz.core.scoring`), so the same result always gives the same reasons.
    """
    toward = [push for push in fit.toward if push.points > 0]
    return sorted(toward, key=lambda push: -push.points)[:count]


ChangesSearch = Callable[[Mapping[str, str], str], Changes | None]
"""Given the answers and a role's key, find the fewest changes that put that role on top."""


def changes_search(bank: Bank) -> ChangesSearch:
    """Return the search for ``bank``: up to ``MOST_CHANGES_SHOWN`` changes, searched each time."""

    def search(answers: Mapping[str, str], role: str) -> Changes | None:
        return fewest_changes(bank.effect_table, answers, role, limit=MOST_CHANGES_SHOWN)

    return search


def result_page(
    bank: Bank, stored: StoredResult, search: ChangesSearch | None = None
) -> ResultPage:
    """Build the result page from the outcome as it was stored, never by scoring again.

    With ``search`` the page also says what would change the result (see
    :func:`what_would_change`); without it, it does not, and costs no search.
    """
    outcome = stored.outcome

    def shown(pushes: list[list[Any]]) -> list[ShownPush]:
        return [
            ShownPush(bank.question_by_key[q].prompt, bank.option_label(q, o), points)
            for q, o, points in pushes[:PUSHES_SHOWN]
        ]

    fits = [
        ShownFit(
            role=bank.role_by_key[entry["role"]],
            rank=entry["rank"],
            fit=entry["fit"],
            toward=shown(entry["toward"]),
            away=shown(entry["away"]),
            percentile=entry.get("percentile"),
        )
        for entry in outcome["ranking"]
    ]
    profile = [
        ProfileRow(
            dimension=d,
            you=outcome["profile"].get(d.key),
            emphasis={
                r.key: (r.profile.get(d.key, 0), EMPHASIS_WORDS[r.profile.get(d.key, 0)])
                for r in bank.roles
            },
        )
        for d in bank.dimensions
    ]
    # a result scored in the preview has no mode: it is a full quiz
    mode = stored.mode or "full"
    what = None
    if search is not None:
        what = what_would_change(bank, stored.answers, fits, search, asked_in_order=mode == "quick")
    return ResultPage(
        fits=fits,
        profile=profile,
        close_call=outcome["close_call"],
        close_call_points=CLOSE_CALL_POINTS,
        created_at=as_utc(stored.created_at),
        careless=stored.careless,
        seconds_taken=stored.seconds_taken,
        mode=mode,
        answered=len(stored.answers),
        question_count=len(bank.questions),
        what_would_change=what,
        quick=quick_verdict(bank, stored.answers, outcome["close_call"])
        if mode == "quick"
        else None,
        norm_results=outcome.get("norm_results"),
    )


def what_would_change(
    bank: Bank,
    answers: Mapping[str, str],
    fits: list[ShownFit],
    search: ChangesSearch,
    asked_in_order: bool = False,
) -> WhatWouldChange | None:
    """Say which answers, fewest first, would have put the runner-up on top (None: one role).

    Questions are numbered as the taker saw them: in the bank's order, or, for quick mode
    (``asked_in_order``), in the order ``answers`` were given, which is how they are stored.
    """
    if len(fits) < 2:
        return None
    runner_up = fits[1].role
    found = search(answers, runner_up.key)
    if found is None:
        return WhatWouldChange(runner_up, [], [])
    order = list(answers) if asked_in_order else [q.key for q in bank.questions]
    numbers = {key: n for n, key in enumerate(order, start=1)}
    return WhatWouldChange(
        role=runner_up,
        changes=[
            ShownChange(
                number=numbers[c.question],
                prompt=bank.question_by_key[c.question].prompt,
                given=bank.option_label(c.question, c.from_option),
                instead=bank.option_label(c.question, c.to_option),
            )
            for c in found.changes
        ],
        fits_after=[(bank.role_by_key[role], fit) for role, fit in found.fits_after.items()],
    )


@dataclass(frozen=True)
class ShareLinks:
    """Plain links that share a result on other sites: no script of theirs, no request."""

    linkedin: str
    whatsapp: str
    x: str
    email: str


def share_links(url: str, text: str, subject: str) -> ShareLinks:
    """Return the links that share ``url`` with ``text`` (and ``subject``, for e-mail).

    Every value is percent-encoded in full (a space as %20, never +, which a mail program
    would show as a plus sign). LinkedIn takes the address only, and reads the rest from
    the page's own og: tags; WhatsApp and e-mail carry the text and the address in one.
    """

    def query(**values: str) -> str:
        return urlencode(values, quote_via=quote, safe="")

    return ShareLinks(
        linkedin="https://www.linkedin.com/sharing/share-offsite/?" + query(url=url),
        whatsapp="https://wa.me/?" + query(text=f"{text} {url}"),
        x="https://twitter.com/intent/tweet?" + query(url=url, text=text),
        email="mailto:?" + query(subject=subject, body=f"{text}\n\n{url}"),
    )


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def result_json(bank: Bank, stored: StoredResult, version_number: int) -> dict[str, Any]:
    """Return the public JSON form of a result, best role first.

    Each role's ``band`` is read from its stored fit (see :mod:`quiz.core.fit_bands`), and
    its ``percentile`` (the share of the version's earlier takers with a lower fit) is the
    one kept with the result: None until the version had enough real, careful results,
    and for quick-mode results (see :mod:`quiz.core.norms`).
    """
    return {
        "token": stored.share_token,
        "quiz_version": version_number,
        "created_at": as_utc(stored.created_at).isoformat(),
        "mode": stored.mode,
        "ranking": [
            {
                "slug": entry["role"],
                "name": bank.role_by_key[entry["role"]].name,
                "fit": entry["fit"],
                "rank": entry["rank"],
                "band": fit_band(entry["fit"]),
                "percentile": entry.get("percentile"),
            }
            for entry in stored.outcome["ranking"]
        ],
    }
