"""Give each admin a role (owner, editor or viewer), and keep invitations to join as one

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # every admin from before roles could do everything: they stay able to, as owners
    with op.batch_alter_table('admin', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('role', sa.String(length=10), server_default='owner', nullable=False)
        )

    op.create_table('admin_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_admin_invitation_token_hash'))
    )


def downgrade():
    op.drop_table('admin_invitation')
    with op.batch_alter_table('admin', schema=None) as batch_op:
        batch_op.drop_column('role')
