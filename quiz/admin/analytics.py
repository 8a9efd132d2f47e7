"""What the answers say: the analytics page, its CSV download, and each version's quality report."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, stream_with_context
from sqlalchemy import select

from quiz.admin import bp
from quiz.admin.analytics_forms import filter_from_query
from quiz.admin.publishing import NO_SUCH_VERSION
from quiz.core.bank import Bank
from quiz.core.chart_axes import count_ticks, date_ticks
from quiz.core.criterion import criterion_report
from quiz.core.messages import N_, Message
from quiz.core.plain_readings import alpha_reading, item_rest_reading
from quiz.core.publish_rules import RoleReach, role_reach
from quiz.core.quality import (
    OUTSIZED_SAY,
    RANDOM_RESPONDENTS,
    WeightFigures,
    quality_report,
    weight_figures,
)
from quiz.core.response_styles import (
    KEYED_SHARE_HIGH,
    KEYED_SHARE_LOW,
    STYLE_HIGH_SHARE,
    STYLE_RESPONDENTS,
)
from quiz.db import db
from quiz.models import QuizVersion
from quiz.store.analytics import (
    careful_responses,
    fold_new_results,
    read_analytics,
    result_totals,
    uncounted_results,
)
from quiz.store.caches import app_cache
from quiz.store.export import results_csv
from quiz.store.publishing import VERSIONS_KEPT, latest_version_id
from quiz.store.statistics import criterion_tally
from quiz.web.banks import shown_bank
from quiz.web.self_reports import work_choices

PROMPT_SHOWN = 60


@bp.get("/analytics")
def analytics() -> tuple[str, int]:
    """Show results per day, top roles, answers, time taken and drop-off for the filter."""
    form, result_filter = filter_from_query(request.args)
    if result_filter is None:
        return render_template("admin/analytics.html", form=form, report=None), 400
    fold_new_results(limit=current_app.config["ANALYTICS_FOLD_LIMIT"])
    version_id = result_filter.version_id or latest_version_id()
    bank = shown_bank(version_id) if version_id is not None else None
    report = read_analytics(result_filter)
    return render_template(
        "admin/analytics.html",
        form=form,
        report=report,
        count_marks=count_ticks(max((n for _day, n in report.per_day), default=0)),
        date_marks=date_ticks(len(report.per_day), at_most=5),
        bank=bank,
        uncounted=uncounted_results(),
        query=request.args.to_dict(),
    ), 200


@bp.get("/analytics/results.csv")
def results_download() -> Response | tuple[str, int]:
    """Stream the results the filter picks as CSV, a batch at a time."""
    form, result_filter = filter_from_query(request.args)
    if result_filter is None:
        return render_template("admin/analytics.html", form=form, report=None), 400
    name = f"career-fit-results-{result_filter.first_day}-to-{result_filter.last_day}.csv"
    response = Response(stream_with_context(results_csv(result_filter)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.cache_control.no_store = True
    return response


@bp.get("/versions/<int:number>/quality")
def quality(number: int) -> str:
    """Show how well a published version measures: reach, balance, separation, reliability.

    Reliability and the criterion evidence describe takers, so they rest on real, careful
    results only, and are shown once STATISTICS_MINIMUM_RESULTS of them are in. The
    criterion evidence is worked out from the version's counts, brought up to date first.
    """
    version = db.session.scalar(select(QuizVersion).where(QuizVersion.number == number))
    if version is None:
        abort(404, NO_SUCH_VERSION)
    fold_new_results(limit=current_app.config["ANALYTICS_FOLD_LIMIT"])
    bank = shown_bank(version.id)
    responses = careful_responses(version.id, current_app.config["QUALITY_SAMPLE_SIZE"])
    totals = result_totals(real_only=True)
    every_total = result_totals()
    report = quality_report(
        bank.effect_table,
        responses,
        question_labels=question_labels(bank),
        role_names={r.key: r.name for r in bank.roles},
        min_responses=current_app.config["STATISTICS_MINIMUM_RESULTS"],
        figures=_weight_figures(version.id, bank),
    )
    criterion = criterion_report(
        bank.effect_table,
        [r.key for r in bank.roles],
        criterion_tally(version.id),
        question_labels=question_labels(bank),
        role_names={r.key: r.name for r in bank.roles},
        min_responses=current_app.config["STATISTICS_MINIMUM_RESULTS"],
    )
    return render_template(
        "admin/quality.html",
        number=number,
        bank=bank,
        report=report,
        criterion=criterion,
        work_labels={choice.value: choice.label for choice in work_choices(bank.roles)},
        reach=_reach(version.id, bank),
        careful=totals.get((version.id, False), 0),
        flagged=totals.get((version.id, True), 0),
        synthetic=_version_total(every_total, version.id) - _version_total(totals, version.id),
        balance_respondents=RANDOM_RESPONDENTS,
        style_respondents=STYLE_RESPONDENTS,
        style_high_share=STYLE_HIGH_SHARE,
        keyed_share=(float(KEYED_SHARE_LOW), float(KEYED_SHARE_HIGH)),
        outsized_say=OUTSIZED_SAY,
        question_numbers={q.key: n for n, q in enumerate(bank.questions, start=1)},
        alpha_reading=alpha_reading,
        item_rest_reading=item_rest_reading,
    )


def _version_total(totals: dict[tuple[int, bool], int], version_id: int) -> int:
    """Add up one version's careful and careless results in ``result_totals``."""
    return sum(n for (counted_version, _), n in totals.items() if counted_version == version_id)


def question_labels(bank: Bank) -> dict[str, Message]:
    """Name each question by its number and the start of its prompt."""
    labels = {}
    for number, question in enumerate(bank.questions, start=1):
        prompt = question.prompt
        if len(prompt) > PROMPT_SHOWN:
            prompt = prompt[: PROMPT_SHOWN - 1].rstrip() + "…"
        labels[question.key] = Message(
            N_("Question %(number)s (“%(prompt)s”)"), {"number": number, "prompt": prompt}
        )
    return labels


def _weight_figures(version_id: int, bank: Bank) -> WeightFigures:
    """Work out what the weights alone say, once per version: its weights never change."""
    return app_cache("weight figures", VERSIONS_KEPT).get(
        version_id,
        lambda: weight_figures(bank.effect_table, agreement=bank.agreement_levels),
    )


def _reach(version_id: int, bank: Bank) -> list[RoleReach]:
    """Find answers that put each role on top, once per version: its weights never change."""
    return app_cache("role reach", VERSIONS_KEPT).get(version_id, lambda: role_reach(bank))
