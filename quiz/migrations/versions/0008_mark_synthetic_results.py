"""Mark synthetic results, so the statistics about takers can leave them out

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # results stored before are taken as real: nothing recorded which ones demo-results made
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('synthetic', sa.Boolean(), server_default=sa.false(), nullable=False))
        # the quality report reads a version's latest real, careful results by id
        batch_op.create_index('ix_result_real_by_version', ['quiz_version_id', 'synthetic', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_index('ix_result_real_by_version')
        batch_op.drop_column('synthetic')
