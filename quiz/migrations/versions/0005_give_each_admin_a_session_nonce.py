"""Give each admin a session nonce, so sign-out and a password change end every session

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:20:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('admin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=True))

    # every existing admin gets a nonce of its own; sessions signed in before this
    # revision named the admin without one, and no longer open the admin area
    admin = sa.table('admin', sa.column('id', sa.Integer), sa.column('session_nonce', sa.String))
    connection = op.get_bind()
    for (admin_id,) in connection.execute(sa.select(admin.c.id)).all():
        connection.execute(
            admin.update()
            .where(admin.c.id == admin_id)
            .values(session_nonce=secrets.token_hex(16))
        )

    with op.batch_alter_table('admin', schema=None) as batch_op:
        batch_op.alter_column('session_nonce', existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table('admin', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')
