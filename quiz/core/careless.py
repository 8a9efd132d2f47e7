"""Careless answers: a result whose answers look unread is flagged when it is stored.

Flagged results are kept and shown to their taker, but the quality statistics leave them
out. Plain data in, plain data out, like the rest of :mod:`quiz.core`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SAME_ANSWER = "same-answer"
TOO_FAST = "too-fast"
# Picking the option in the same place on every one of 4 or more questions is unlikely
# by chance; on an agreement scale (where a steady "Agree" is plausible for a while) it
# takes 6 items before a single unvaried answer looks like straight-lining.
SAME_PLACE_MIN_ANSWERS = 4
SAME_AGREEMENT_MIN_ANSWERS = 6


@dataclass(frozen=True)
class AskedQuestion:
    """A question as the person saw it: its options in display order."""

    key: str
    options: tuple[str, ...]
    agreement: bool  # an agreement-scale (likert) item


def careless_reasons(
    questions: Sequence[AskedQuestion],
    answers: Mapping[str, str],
    seconds_taken: int | None,
    seconds_per_question: float,
) -> tuple[str, ...]:
    """Return why ``answers`` look careless (SAME_ANSWER, TOO_FAST, in that order); () if not.

    Only answers to ``questions`` that name one of its options count.

    * SAME_ANSWER: at least SAME_PLACE_MIN_ANSWERS questions are answered and every
      answer is the option in the same place (always the first, say); or at least
      SAME_AGREEMENT_MIN_ANSWERS agreement items are answered and every one of them got
      the option in the same place (straight-lining down the agreement scale).
    * TOO_FAST: the time taken is known and is less than ``seconds_per_question`` for
      each answer counted.
    """
    places: list[int] = []
    agreement_places: list[int] = []
    for question in questions:
        option = answers.get(question.key)
        if option is None or option not in question.options:
            continue
        place = question.options.index(option)
        places.append(place)
        if question.agreement:
            agreement_places.append(place)
    reasons = []
    if (len(places) >= SAME_PLACE_MIN_ANSWERS and len(set(places)) == 1) or (
        len(agreement_places) >= SAME_AGREEMENT_MIN_ANSWERS and len(set(agreement_places)) == 1
    ):
        reasons.append(SAME_ANSWER)
    if seconds_taken is not None and seconds_taken < seconds_per_question * len(places):
        reasons.append(TOO_FAST)
    return tuple(reasons)
