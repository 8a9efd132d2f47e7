"""Store each finished quiz once: a result remembers the one-time id of the run that made it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finish_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_result_finish_id'), ['finish_id'])


def downgrade():
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_result_finish_id'), type_='unique')
        batch_op.drop_column('finish_id')
