"""Typed models: the editable draft of the quiz, its published versions, and results.

The draft (dimensions, roles, questions, options and their weights) is what admins
edit. Publishing freezes the draft into a :class:`QuizVersion` holding the whole
bank document; takers are only ever served published versions, and every
:class:`Result` keeps the version it was scored with, so a share link shows the
same page forever.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from quiz.db import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Dimension(db.Model):
    """A skill or goal that roles are profiled on and answers weigh on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # "skill", "goal" or "interest"
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # Texts in other languages, by language code then field: {"de": {"name": "..."}}.
    # Published with the bank; a field left out is shown in the bank's own language.
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )


class Role(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    focus: Mapped[str] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(JSON)
    tasks: Mapped[list[str]] = mapped_column(JSON)
    goals: Mapped[list[str]] = mapped_column(JSON)
    typical_day: Mapped[str] = mapped_column(Text)
    learn_first: Mapped[list[str]] = mapped_column(JSON)
    first_project: Mapped[str] = mapped_column(Text)
    # Job titles people in the role typically hold, in the order shown.
    titles: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Links to the role's entries in public occupation databases: [{"label": ..., "url": ...}].
    links: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # "#rrggbb"; empty: the palette's colour for the role's place.
    colour: Mapped[str] = mapped_column(String(7), default="", server_default=text("''"))
    position: Mapped[int] = mapped_column(default=0)
    # Texts in other languages, by language code then field: {"de": {"name": "..."}}.
    # Published with the bank; a field left out is shown in the bank's own language.
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on every save, so a second admin saving a stale copy is refused.
    revision: Mapped[int] = mapped_column(default=1)
    emphases: Mapped[list[RoleEmphasis]] = relationship(
        back_populates="role", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": revision}


class RoleEmphasis(db.Model):
    """How much a role draws on one dimension (0 to 3)."""

    __table_args__ = (UniqueConstraint("role_id", "dimension_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"))
    emphasis: Mapped[int]
    role: Mapped[Role] = relationship(back_populates="emphases")
    dimension: Mapped[Dimension] = relationship()


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # "likert" or "choice"
    prompt: Mapped[str] = mapped_column(Text)
    # An agreement question's own five answer labels, lowest level first ("Strongly
    # dislike" ... "Strongly like"); empty: the app's own labels are shown. Their
    # translations are the "labels" field of ``translations``.
    labels: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    position: Mapped[int] = mapped_column(default=0)
    # Texts in other languages, by language code then field: {"de": {"name": "..."}}.
    # Published with the bank; a field left out is shown in the bank's own language.
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on every save, so a second admin saving a stale copy is refused.
    revision: Mapped[int] = mapped_column(default=1)
    options: Mapped[list[Option]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Option.position"
    )
    weights: Mapped[list[QuestionWeight]] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": revision}


class QuestionWeight(db.Model):
    """An agreement item's weight on a dimension (its options multiply it by their level)."""

    __table_args__ = (UniqueConstraint("question_id", "dimension_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"))
    weight: Mapped[int]
    dimension: Mapped[Dimension] = relationship()


class Option(db.Model):
    __table_args__ = (UniqueConstraint("question_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    # Texts in other languages, by language code then field: {"de": {"name": "..."}}.
    # Published with the bank; a field left out is shown in the bank's own language.
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    question: Mapped[Question] = relationship(back_populates="options")
    weights: Mapped[list[OptionWeight]] = relationship(cascade="all, delete-orphan")


class OptionWeight(db.Model):
    __table_args__ = (UniqueConstraint("option_id", "dimension_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("option.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"))
    weight: Mapped[int]
    dimension: Mapped[Dimension] = relationship()


class QuizVersion(db.Model):
    """A published, immutable snapshot of the whole bank."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    bank: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Result(db.Model):
    """One taker's answers and the outcome they were shown, reachable by its share token."""

    id: Mapped[int] = mapped_column(primary_key=True)
    share_token: Mapped[str] = mapped_column(String(64), unique=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id"), index=True)
    answers: Mapped[dict[str, str]] = mapped_column(JSON)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON)
    top_role: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    # Only a hash of the private delete key is kept: the key itself is shown once, to the taker.
    delete_key_hash: Mapped[str | None] = mapped_column(String(64))
    # Set when the taker deleted it: the answers are gone and the share link answers 410.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # From the first quiz page shown to the finish; None when the session did not say.
    seconds_taken: Mapped[int | None]
    # Why the answers look careless ("same-answer", "too-fast", comma-separated), or None.
    # Flagged results are kept and shown, but left out of the quality statistics.
    careless: Mapped[str | None] = mapped_column(String(40))
    # How the quiz was taken: "full" (every question) or "quick" (adaptive, stopped
    # once the top role was settled; see quiz/core/adaptive.py).
    mode: Mapped[str] = mapped_column(String(10), default="full", server_default="full")
    # What the taker says they do now, if they chose to say (never scored): a role key of
    # the result's version or one of quiz.store.self_reports.OTHER_WORK; and for how many
    # years. Written only by quiz.store.self_reports; erased with the result.
    work_now: Mapped[str | None] = mapped_column(String(40))
    work_years: Mapped[int | None] = mapped_column(SmallInteger)
    work_reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Made up by `flask demo-results`, not given by a person: left out of every statistic
    # that describes takers, and counted apart on the analytics page.
    synthetic: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The one-time id of the quiz run that finished with this result, from the taker's
    # progress: unique, so a finish sent twice (double click, resent form) stores one
    # result (quiz.store.results.create_result). None for results made without one.
    finish_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    quiz_version: Mapped[QuizVersion] = relationship()

    __table_args__ = (Index("ix_result_real_by_version", "quiz_version_id", "synthetic", "id"),)


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class Admin(db.Model, UserMixin):
    """Someone who may edit and publish the quiz.

    A signed-in session names the admin by :meth:`get_id`, which carries the account's
    ``session_nonce``; the session opens the admin area only while the nonce is the same
    (``quiz.admin.auth.load_admin``). :func:`quiz.store.admins.end_sessions` draws a new
    one, which ends every session signed in before. A random nonce rather than a counter,
    so an account created after another was deleted never accepts the old one's cookies,
    even where the database hands out the deleted row's id again.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    # "owner", "editor" or "viewer" (quiz.core.admin_roles); admins from before roles own
    role: Mapped[str] = mapped_column(String(10), default="owner", server_default="owner")

    def get_id(self) -> str:
        """Name this admin in the session: the id and the nonce, as ``"7:3f9c..."``."""
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class AdminInvitation(db.Model):
    """A one-time link an owner made for a colleague to become an admin with ``role``.

    Only a hash of the link's token is kept (``token_hash``), so the table read by
    someone else opens no account. The link works until ``expires_at``, once: accepting
    it sets ``used_at``; an owner withdrawing it sets ``withdrawn_at``.
    ``invited_by`` is the inviting owner's email as it was, kept after they leave.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(db.Model):
    """Who changed what in the quiz, and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class DailyCount(db.Model):
    """A count of one thing that happened to one quiz version on one day (UTC).

    The analytics page adds these up instead of reading every result, so it stays
    fast with millions of results. ``measure`` says what is counted:

    * ``finished``: results, by top role (``value``);
    * ``seconds``: results, by seconds taken (``value``);
    * ``answer``: answers, by question (``subject``) and option (``value``);
    * ``reached``: quiz pages shown for the first time in a visit, by page (``value``).

    The first three are folded in from stored results (see :mod:`quiz.store.analytics`);
    ``reached`` is counted as pages are shown.
    """

    quiz_version_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_version.id", ondelete="CASCADE"), primary_key=True
    )
    measure: Mapped[str] = mapped_column(String(10), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    subject: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    careless: Mapped[bool] = mapped_column(primary_key=True, default=False)
    count: Mapped[int]


class CountedResults(db.Model):
    """How far the daily counts have read: every result up to ``last_result_id`` is in them.

    One row. Taking its lock is how folding and deleting results keep out of each
    other's way.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    last_result_id: Mapped[int] = mapped_column(default=0)


class StatisticsCount(db.Model):
    """A count over one quiz version's real, careful full-quiz results: what the norms and
    the criterion evidence are worked out from, so neither reads the results themselves.

    Kept by :mod:`quiz.store.statistics`: added to when results are folded in (see
    :class:`CountedResults`), and changed when a folded result's taker says what they do
    now, changes or withdraws it, or deletes the result. ``measure`` says what is counted:

    * ``fit``: results, by role (``subject``) and fit percent (``value``);
    * ``top``: results whose taker says what they do (``work``), by top role (``value``);
    * ``answer``: answers of those results, by stated work, question (``subject``) and
      option (``value``).
    """

    quiz_version_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_version.id", ondelete="CASCADE"), primary_key=True
    )
    measure: Mapped[str] = mapped_column(String(10), primary_key=True)
    work: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    subject: Mapped[str] = mapped_column(String(40), primary_key=True, default="")
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int]


class VersionNorms(db.Model):
    """A quiz version's norms as the result page reads them: one row, found by its key.

    Worked out from the ``fit`` counts (:func:`quiz.core.norms.norm_table`) whenever they
    change, so showing a percentile never adds anything up.
    """

    quiz_version_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_version.id", ondelete="CASCADE"), primary_key=True
    )
    # the real, careful full-quiz results the norms rest on
    results: Mapped[int]
    # role key -> [how many results had a fit lower than p, for p from 0 to 100]
    below: Mapped[dict[str, list[int]]] = mapped_column(JSON)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdminTwoFactor(db.Model):
    """An admin's second factor: the secret their authenticator app shares, encrypted.

    One row per admin who turned two-factor sign-in on; none means it is off. The secret is
    kept encrypted with a key derived from ``SECRET_KEY`` (:mod:`quiz.store.two_factor`) and
    never shown again after setup. ``last_used_step`` is the 30-second time step of the last
    code accepted, so a code is never accepted twice. Declared from this side, with its
    backref, so the admin account itself needs no column for it.
    """

    admin_id: Mapped[int] = mapped_column(
        ForeignKey("admin.id", ondelete="CASCADE"), primary_key=True
    )
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    last_used_step: Mapped[int] = mapped_column(default=0)
    enabled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    admin: Mapped[Admin] = relationship(
        backref=backref("two_factor", uselist=False, cascade="all, delete-orphan")
    )


class RecoveryCode(db.Model):
    """One unused recovery code of an admin's, as a salted hash; used, it is deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admin.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(100))
    admin: Mapped[Admin] = relationship(
        backref=backref("recovery_codes", cascade="all, delete-orphan")
    )


class SiteSetting(db.Model):
    """A site-wide setting the admins change, by name (such as ``two_factor_required``)."""

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class WebhookEndpoint(db.Model):
    """An address an owner registered to be sent events (quiz.store.webhooks), and which.

    ``events`` is a comma-separated list of event names (quiz.store.webhooks.EVENTS).
    Its secret signs every request to it; it is shown to the owner once, at creation.
    Signing needs the secret itself (a hash could not sign), so ``secret_encrypted`` holds it
    encrypted with a key derived from ``SECRET_KEY`` (quiz.store.secrets_at_rest).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[str] = mapped_column(String(200))
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254))


class WebhookEvent(db.Model):
    """The outbox: one event, written in the same transaction as the change it reports.

    ``id`` is a UUID the receivers see (``X-CareerFit-Event-Id``) to drop duplicates.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # indexed: pruning (quiz.store.webhooks.prune_events) looks for the old ones every pass
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class WebhookDelivery(db.Model):
    """One event on its way to one endpoint: ``pending`` until ``sent``, or ``failed`` for good.

    A worker claims a due delivery by setting ``claimed_until`` (a lease); a claim that is
    not finished by then (the worker was killed) lapses, and another pass sends it again.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_event.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[WebhookEvent] = relationship()
    endpoint: Mapped[WebhookEndpoint] = relationship(
        backref=backref("deliveries", cascade="all, delete-orphan", passive_deletes=True)
    )

    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)


class WebhookAttempt(db.Model):
    """One try at sending a delivery: the answer's status code, or the error, and how long."""

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    duration_ms: Mapped[int] = mapped_column(default=0)
    delivery: Mapped[WebhookDelivery] = relationship(
        backref=backref("attempt_rows", cascade="all, delete-orphan", passive_deletes=True)
    )


class Group(db.Model):
    """A counsellor's, teacher's or bootcamp's group: people who take the quiz through its link.

    Found by its join link's ``join_code`` (unguessable, ``secrets.token_urlsafe``) or by its
    ``short_code``, eight characters a person can type. ``owner_id`` is the admin it belongs
    to (who sees it is :func:`quiz.store.groups.visible_groups`); None once that admin is
    removed, when only owners and editors see it. ``opened`` and ``started`` count browsers
    that opened the join page and that joined; a member is added when their result is stored.
    Closed (``closed_at`` set, or the day after ``closes_on`` come) it takes nobody new.
    """

    __tablename__ = "quiz_group"  # "group" is a word SQL keeps for itself

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin.id", ondelete="SET NULL"), index=True
    )
    join_code: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(8), unique=True)
    closes_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    started: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    owner: Mapped[Admin | None] = relationship()


class GroupMember(db.Model):
    """One person's result in a group, with the name they chose to give, if any.

    ``number`` counts members within the group ("Member 7"). ``shares_result`` says whether
    they let the group's owner open their result page. Goes with the group, and with the
    result when its taker deletes it.
    """

    __table_args__ = (UniqueConstraint("group_id", "result_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_group.id", ondelete="CASCADE"), index=True
    )
    result_id: Mapped[int] = mapped_column(ForeignKey("result.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    display_name: Mapped[str] = mapped_column(String(60), default="", server_default=text("''"))
    shares_result: Mapped[bool] = mapped_column(default=False, server_default=false())
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    result: Mapped[Result] = relationship()


class GroupStart(db.Model):
    """One run of the quiz joined to a group in another site's frame, by its finish id.

    The frame keeps no cookie, so the join form sent twice (a double click, a resend) would
    count two starts; its finish id, minted with the join page, is stored here once and
    the group's ``started`` counted only then (quiz.store.groups.count_started_once).
    Rows older than a join page's life are pruned as new ones come.
    """

    finish_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_group.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
