"""What would change a result: the fewest answers to give differently for another role to win.

The result page names the runner-up and the fewest answer changes that would have put it on
top. The search works on the same exact arithmetic as :mod:`quiz.core.scoring` (integers and
fractions), so the changes it names really do rank the role first. Plain data in, plain data out.
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate, repeat

from quiz.core.scoring import EffectTable, rank_roles


@dataclass(frozen=True)
class Change:
    """One answer to change, and how far it moves the role's lead, in exact fit points."""

    question: str
    from_option: str
    to_option: str
    gain: Fraction


@dataclass(frozen=True)
class Changes:
    """The fewest answer changes that rank ``role`` first, and every role's fit after them."""

    role: str
    changes: tuple[Change, ...]  # in the table's question order
    fits_after: dict[str, int]  # role -> shown fit (0-100) after the changes, best role first


# One way to change one answer in the search: (option position, option key, gain on each column;
# see fewest_changes)
_Move = tuple[int, str, tuple[int, ...]]
# A question the search may change: (position in the table, key, its helpful moves)
_Candidate = tuple[int, str, tuple[_Move, ...]]


def fewest_changes(
    table: EffectTable, answers: Mapping[str, str], role: str, *, limit: int = 6
) -> Changes | None:
    """Return the fewest answer changes that would rank ``role`` first, or None beyond ``limit``.

    A change gives an answered question another of its options; unanswered questions stay
    unanswered. "First" is rank_roles' ranking, ties included: the role must beat every rival
    listed before it and at least equal every rival listed after it. The answer is exact, not
    greedy: no smaller set of changes ranks the role first. Already first: no changes. No set of
    at most ``limit`` changes does it: None.

    Choice rule: among all sets of the fewest changes that rank the role first, the one leaving
    the largest lead (the role's exact fit minus the highest exact fit among the others) wins;
    among equal leads, the one whose changes come first in the table, compared change by change
    as (question position, option position) in the table's order. So the answer is unique.

    A change's ``gain`` is how much it alone moves the role's fit minus the fit of its closest
    rival before the changes (the role ranked first), in exact fit points; the gains add up to
    how much the whole set moves that difference.

    How: with the answered questions fixed, each role's lowest and highest raw score are fixed,
    so its fit is a fixed linear function of its raw score and a change moves every fit by a
    known amount. Against each rival ``r`` the role's lead, times ``span(role) * span(r) / 100``,
    is a whole number, and so is each change's gain against ``r``: the search adds integers.
    For k = 1, 2, ... a depth-first branch and bound tries k changes at a time (see
    :func:`_search_changes`); the first k with an answer is the fewest.
    """
    if limit < 0:
        raise ValueError("limit must be 0 or more")
    keys = [r.key for r in table.roles]
    if role not in keys:
        raise ValueError(f"unknown role {role!r}")
    ranking = rank_roles(table, answers).ranking  # also validates the answers
    if ranking[0].role == role:
        return Changes(role, (), {f.role: f.percent for f in ranking})

    target = keys.index(role)
    by_role = {f.role: f for f in ranking}
    # a role no answer can move (span 0) has raw == lowest and fit 0 whatever the changes,
    # so a unit span there keeps the arithmetic uniform
    spans = [max(by_role[k].highest - by_role[k].lowest, 1) for k in keys]
    above = [by_role[k].raw - by_role[k].lowest for k in keys]
    rivals = [i for i in range(len(keys)) if i != target]
    closest = rivals.index(keys.index(ranking[0].role))
    # lead over rival r = 100 * (above[t] / span[t] - above[r] / span[r]); times
    # span[t] * span[r] / 100 it is the whole number below, and so is every gain against r
    lead = [above[target] * spans[r] - above[r] * spans[target] for r in rivals]
    tie_rank = sorted(range(len(keys)), key=lambda i: (table.roles[i].position, keys[i]))
    # a rival listed before the role wins a tie, so the role must beat it by a whole unit
    floor = [1 if tie_rank.index(r) < tie_rank.index(target) else 0 for r in rivals]

    # Questions that can help, each with its helpful moves. A move that gains against no rival
    # is never part of a fewest set: dropping it leaves a smaller set that still works.
    candidates: list[_Candidate] = []
    for position, (question, options) in enumerate(table.effects.items()):
        chosen = answers.get(question)
        if chosen is None:
            continue
        now = options[chosen]
        moves = []
        for index, (option, effect) in enumerate(options.items()):
            delta = list(map(operator.sub, effect, now))
            # delta[t] * span[r] - delta[r] * span[t] for every role r (0 for the role itself)
            gains = list(
                map(
                    operator.sub,
                    map(operator.mul, spans, repeat(delta[target])),
                    map(operator.mul, delta, repeat(spans[target])),
                )
            )
            del gains[target]
            if max(gains) > 0:
                moves.append((index, option, tuple(gains)))
        if moves:
            candidates.append((position, question, tuple(moves)))

    scale = [spans[target] * spans[r] for r in rivals]
    found = _search_changes(candidates, lead, floor, scale, closest, limit)
    if found is None:
        return None
    new_answers = dict(answers)
    changes = []
    for _, question, (_, option, against) in sorted(found):
        new_answers[question] = option
        gain = Fraction(100 * against[closest], scale[closest])
        changes.append(Change(question, answers[question], option, gain))
    after = rank_roles(table, new_answers).ranking
    if after[0].role != role:  # the arithmetic above is exact; this guards against a slip
        raise AssertionError(f"changes found for {role!r} do not rank it first")
    return Changes(role, tuple(changes), {f.role: f.percent for f in after})


def _search_changes(
    candidates: list[_Candidate],
    lead: list[int],
    floor: list[int],
    scale: list[int],
    closest: int,
    limit: int,
) -> list[tuple[int, str, _Move]] | None:
    """Return fewest_changes' choice as (position, question, move) triples, or None.

    Columns: one per rival, its lead and gains in units of ``100 / scale[r]`` fit points; the
    lead must end at least ``floor[r]``. A set of k changes takes its questions in the sorted
    order of the candidates (strongest against the closest rival first), and a branch is cut
    as soon as on some column its lead so far plus the largest gains still possible there (the
    best moves of the best questions left, which may differ from column to column) falls short.
    Extra columns that add up several rivals' columns tighten the bound when no move is best
    against all of them at once. Once a set is found, later sets must leave at least its lead
    on every column, and one leaving just as much wins only if it comes earlier in the table.

    Two questions whose helpful moves have the same gains, in the same order, are
    interchangeable, and the choice rule prefers the earlier question, and there the earlier
    option: so the later one is taken only right after the earlier, with a move no earlier in
    its list than the earlier one's.
    """
    if limit == 0 or not candidates:
        return None
    n_rivals = len(lead)
    # Sums of several rivals' columns, each weighed roughly per fit point (any weights of 0 or
    # more give a sound bound): each rival still ahead (or winning a tie) with the closest, and
    # all of them together.
    ahead = [r for r in range(n_rivals) if lead[r] < floor[r]]
    top_scale = max(scale)
    weight = [max(1, round(top_scale / s)) for s in scale]
    groups = [sorted({closest, r}) for r in ahead if r != closest]
    if len(ahead) > 2:
        groups.append(ahead)
    mixes = [tuple(weight[r] if r in group else 0 for r in range(n_rivals)) for group in groups]

    def widen(values: Sequence[int]) -> tuple[int, ...]:
        return (*values, *(sum(map(operator.mul, mix, values)) for mix in mixes))

    moves_of = [
        tuple((i, o, widen(g)) for i, o, g in moves) if mixes else moves
        for _, _, moves in candidates
    ]
    best_gains = [
        tuple(map(max, *(m[2] for m in moves))) if len(moves) > 1 else moves[0][2]
        for moves in moves_of
    ]
    shapes = [tuple(g for _, _, g in moves) for moves in moves_of]
    order = sorted(range(len(candidates)), key=lambda c: (-best_gains[c][closest], shapes[c], c))
    moves_of = [moves_of[c] for c in order]
    best_gains = [best_gains[c] for c in order]
    twin = [j > 0 and shapes[order[j]] == shapes[order[j - 1]] for j in range(len(order))]

    n = len(order)
    depth = min(limit, n)
    width = len(best_gains[0])
    # reach[j][m][col]: the largest total of best gains on col from m questions taken among
    # candidates j, j+1, ... (only read where at least m remain)
    zero = (0,) * width
    reach: list[list[tuple[int, ...]]] = [[zero] for _ in range(n + 1)]
    tops: list[list[int]] = [[] for _ in range(width)]  # the largest, smallest first
    for j in range(n - 1, -1, -1):
        for top, gain in zip(tops, best_gains[j], strict=True):
            if len(top) < depth:
                bisect.insort(top, gain)
            elif gain > top[0]:
                del top[0]
                bisect.insort(top, gain)
        reach[j].extend(zip(*(accumulate(reversed(top)) for top in tops), strict=True))

    need = widen(floor)
    best: tuple[Fraction, list[tuple[int, int]], list[tuple[int, int]]] | None = None
    picks: list[tuple[int, int]] = []  # (sorted candidate, move number)

    def settle(margins: Sequence[int]) -> None:
        nonlocal best, need
        score = min(Fraction(100 * m, s) for m, s in zip(margins, scale, strict=False))
        key = sorted((candidates[order[j]][0], moves_of[j][i][0]) for j, i in picks)
        if best is None or score > best[0] or (score == best[0] and key < best[1]):
            best = (score, key, list(picks))
            need = widen(
                [max(f, math.ceil(score * s / 100)) for f, s in zip(floor, scale, strict=True)]
            )

    def visit(start: int, left: int, margins: Sequence[int]) -> None:
        for j in range(start, n - left + 1):
            # no set taking its next question from j on can make it, nor from any later j
            if any(map(operator.lt, map(operator.add, margins, reach[j][left]), need)):
                return
            first_move = 0
            if twin[j]:
                if not picks or picks[-1][0] != j - 1:
                    continue
                first_move = picks[-1][1]
            after_j = reach[j + 1][left - 1]
            moves = moves_of[j]
            for i in range(first_move, len(moves)):
                moved = tuple(map(operator.add, margins, moves[i][2]))
                if any(map(operator.lt, map(operator.add, moved, after_j), need)):
                    continue
                picks.append((j, i))
                if left == 1:
                    settle(moved)
                else:
                    visit(j + 1, left - 1, moved)
                picks.pop()

    for k in range(1, depth + 1):
        visit(0, k, widen(lead))
        if best is not None:
            return [
                (candidates[order[j]][0], candidates[order[j]][1], candidates[order[j]][2][i])
                for j, i in best[2]
            ]
    return None
