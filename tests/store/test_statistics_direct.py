"""The kept counts give exactly the norms and criterion evidence the results themselves give.

Each check works the figures out twice: from the counts (``criterion_tally``,
``version_norms``), and straight from every stored result of the version, picked here
by hand rather than by the store's own conditions.
"""

from __future__ import annotations

import random
from collections import Counter

from flask import Flask
from sqlalchemy import select, update

from quiz.core.criterion import CriterionReport, criterion_report
from quiz.core.norms import HIGHEST_FIT, Norms, norm_table
from quiz.db import db
from quiz.models import Result
from quiz.store.analytics import fold_new_results, forget_result
from quiz.store.demo import insert_demo_results
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import erase_result
from quiz.store.self_reports import record_work_now, withdraw_work_now, work_answers
from quiz.store.statistics import criterion_tally, version_norms

# small enough that a few hundred results give every role a hit rate and every question a d
MIN_GROUP = 5


def from_counts(version_id: int) -> tuple[CriterionReport, Norms]:
    bank = published_bank(version_id)
    roles = [role.key for role in bank.roles]
    report = criterion_report(
        bank.effect_table, roles, criterion_tally(version_id), min_group=MIN_GROUP
    )
    return report, version_norms(version_id)


def from_results(version_id: int) -> tuple[CriterionReport, Norms]:
    """Work the figures out from every real, careful, undeleted full-quiz result."""
    bank = published_bank(version_id)
    roles = [role.key for role in bank.roles]
    responses = []
    fits: dict[str, Counter[int]] = {role: Counter() for role in roles}
    for result in db.session.scalars(select(Result).where(Result.quiz_version_id == version_id)):
        if result.deleted_at or result.careless or result.synthetic or result.mode != "full":
            continue
        for entry in result.outcome["ranking"]:
            fits[entry["role"]][entry["fit"]] += 1
        if result.work_now is not None:
            responses.append((result.answers, result.top_role, result.work_now))
    report = criterion_report(bank.effect_table, roles, responses, min_group=MIN_GROUP)
    return report, norm_table(fits)


def assert_counts_match_results(app: Flask) -> CriterionReport:
    with app.app_context():
        version_id = latest_version_id()
        counted, counted_norms = from_counts(version_id)
        direct, direct_norms = from_results(version_id)
    assert counted.confusion == direct.confusion
    assert counted.hit_rates == direct.hit_rates
    # d from exact counts either way, so equal to the last bit
    assert [(s.question, s.role, s.d, s.in_role, s.others) for s in counted.separation] == [
        (s.question, s.role, s.d, s.in_role, s.others) for s in direct.separation
    ]
    assert counted == direct
    assert counted_norms.results == direct_norms.results
    assert dict(counted_norms.below) == dict(direct_norms.below)
    for role in direct_norms.below:
        for fit in range(HIGHEST_FIT + 1):
            assert counted_norms.percentile(role, fit, 1) == direct_norms.percentile(role, fit, 1)
    return direct


def test_counts_match_the_results_after_a_fold(app):
    with app.app_context():
        insert_demo_results(300, seed=31, as_real_takers=True)
        insert_demo_results(40, seed=32)  # synthetic: in neither computation
    report = assert_counts_match_results(app)
    # the check means something: every role has a hit rate and questions have a d
    assert report.responses >= 250
    assert len(report.hit_rates) == len(report.roles)
    assert report.separation
    with app.app_context():
        careless = db.session.scalar(
            select(Result.id).where(Result.careless.is_not(None), Result.synthetic.is_(False))
        )
    assert careless is not None  # careless real results were there to be left out


def test_counts_match_the_results_after_takers_change_withdraw_and_delete(app):
    with app.app_context():
        insert_demo_results(300, seed=33, as_real_takers=True)
        insert_demo_results(30, seed=34)
    assert_counts_match_results(app)

    rng = random.Random(5)
    with app.app_context():
        version_id = latest_version_id()
        roles = [role.key for role in published_bank(version_id).roles]
        offered = work_answers(roles)
        results = list(db.session.scalars(select(Result).order_by(Result.id)))
        chosen = rng.sample(results, 120)
        changed, withdrawn, deleted = chosen[:60], chosen[60:90], chosen[90:]
        for result in changed:
            record_work_now(result, rng.choice(offered), rng.randint(0, 60), roles)
        for result in withdrawn:
            withdraw_work_now(result)
        db.session.commit()
        # a withdrawn answer given again, and a changed one changed back and forth
        for result in withdrawn[:10] + changed[:10]:
            record_work_now(result, rng.choice(offered), None, roles)
        db.session.commit()
        for result in deleted:
            forget_result(result)
            erase_result(result)
        db.session.commit()
    assert_counts_match_results(app)


def test_counts_match_the_results_when_changes_come_before_the_fold(app):
    with app.app_context():
        insert_demo_results(200, seed=35, as_real_takers=True, fold=False)
        version_id = latest_version_id()
        roles = [role.key for role in published_bank(version_id).roles]
        results = list(db.session.scalars(select(Result).order_by(Result.id)))
        # quick-mode results stay out of both computations
        db.session.execute(
            update(Result).where(Result.id.in_([r.id for r in results[:15]])).values(mode="quick")
        )
        for result in results[15:35]:
            record_work_now(result, "something-else", 3, roles)
        for result in results[35:50]:
            withdraw_work_now(result)
        for result in results[50:60]:
            forget_result(result)
            erase_result(result)
        db.session.commit()
        while fold_new_results():
            pass
        insert_demo_results(100, seed=36, as_real_takers=True)
    report = assert_counts_match_results(app)
    assert sum(report.confusion["something-else"].values()) >= 20
