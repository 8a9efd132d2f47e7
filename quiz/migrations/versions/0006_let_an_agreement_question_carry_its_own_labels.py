"""Let an agreement question carry its own five answer labels

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # every existing question keeps showing the app's own labels: an empty list
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('labels', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('labels')
