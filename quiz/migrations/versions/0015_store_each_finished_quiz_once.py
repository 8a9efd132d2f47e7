"""Store each finished quiz once: a result remembers the one-time id of the run that made it,
and a join in the frame is counted as started once per run

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
    op.create_table(
        'group_start',
        sa.Column('finish_id', sa.String(length=32), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['quiz_group.id'], name=op.f('fk_group_start_group_id_quiz_group'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('finish_id', name=op.f('pk_group_start')),
    )
    with op.batch_alter_table('group_start', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_start_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_start_started_at'), ['started_at'], unique=False)


def downgrade():
    op.drop_table('group_start')
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_result_finish_id'), type_='unique')
        batch_op.drop_column('finish_id')
