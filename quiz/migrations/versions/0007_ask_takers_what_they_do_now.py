"""Ask takers what they do now: an optional, unscored answer kept with the result

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # all nullable: results stored before were never asked, and the answer is optional
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_now', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('work_years', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('work_reported_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_column('work_reported_at')
        batch_op.drop_column('work_years')
        batch_op.drop_column('work_now')
