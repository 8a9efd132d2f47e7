"""Keep webhook signing secrets encrypted at rest, and index events by age for pruning

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 21:30:00.000000

The secrets are encrypted with a key derived from SECRET_KEY (quiz.store.secrets_at_rest):
the app's, as the migration runs inside it, else the environment's. Downgrading decrypts
them again, and refuses, changing nothing, while one cannot be read with that key.

No table is rebuilt on SQLite: the app turns its foreign keys on, and dropping the old
webhook_endpoint to rebuild it would take every delivery along (ON DELETE CASCADE). The
columns are added and dropped in place instead (SQLite 3.35 or later).
"""

import os

from alembic import op
import sqlalchemy as sa
from flask import current_app, has_app_context

from quiz.store import secrets_at_rest


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

endpoint = sa.table(
    "webhook_endpoint",
    sa.column("id", sa.Integer),
    sa.column("secret", sa.String),
    sa.column("secret_encrypted", sa.String),
)


def secret_key():
    key = current_app.config.get("SECRET_KEY") if has_app_context() else None
    key = key or os.environ.get("SECRET_KEY")
    if not key:
        raise RuntimeError(
            "Set SECRET_KEY to the site's own before migrating: webhook secrets are "
            "encrypted with a key made from it."
        )
    return str(key)


def upgrade():
    key = secret_key()
    connection = op.get_bind()
    plain = connection.execute(sa.select(endpoint.c.id, endpoint.c.secret)).all()
    # a constant default lets SQLite add a NOT NULL column in place; every row is filled next
    op.add_column(
        "webhook_endpoint",
        sa.Column("secret_encrypted", sa.String(length=255), server_default="", nullable=False),
    )
    for endpoint_id, secret in plain:
        connection.execute(
            endpoint.update()
            .where(endpoint.c.id == endpoint_id)
            .values(
                secret_encrypted=secrets_at_rest.encrypt(
                    secret, secrets_at_rest.WEBHOOK_SIGNING, key
                )
            )
        )
    if connection.dialect.name != "sqlite":  # SQLite drops a default only by rebuilding
        op.alter_column("webhook_endpoint", "secret_encrypted", server_default=None)
    op.drop_column("webhook_endpoint", "secret")
    op.create_index(
        op.f("ix_webhook_event_created_at"), "webhook_event", ["created_at"], unique=False
    )


def downgrade():
    key = secret_key()
    connection = op.get_bind()
    stored = connection.execute(sa.select(endpoint.c.id, endpoint.c.secret_encrypted)).all()
    plain = {
        endpoint_id: secrets_at_rest.decrypt(token, secrets_at_rest.WEBHOOK_SIGNING, key)
        for endpoint_id, token in stored
    }
    unreadable = sorted(endpoint_id for endpoint_id, secret in plain.items() if secret is None)
    if unreadable:
        raise RuntimeError(
            "The signing secrets of webhook endpoints "
            + ", ".join(str(endpoint_id) for endpoint_id in unreadable)
            + " cannot be read with this SECRET_KEY: set the one they were stored with, "
            "or remove those endpoints, then downgrade again."
        )
    op.drop_index(op.f("ix_webhook_event_created_at"), table_name="webhook_event")
    op.add_column(
        "webhook_endpoint",
        sa.Column("secret", sa.String(length=100), server_default="", nullable=False),
    )
    for endpoint_id, secret in plain.items():
        connection.execute(
            endpoint.update().where(endpoint.c.id == endpoint_id).values(secret=secret)
        )
    if connection.dialect.name != "sqlite":
        op.alter_column("webhook_endpoint", "secret", server_default=None)
    op.drop_column("webhook_endpoint", "secret_encrypted")
