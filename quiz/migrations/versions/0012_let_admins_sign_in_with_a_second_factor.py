"""Let admins sign in with a second factor, and let the site require it of every admin

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'admin_two_factor',
        sa.Column('admin_id', sa.Integer(), nullable=False),
        sa.Column('secret_encrypted', sa.String(length=255), nullable=False),
        sa.Column('last_used_step', sa.Integer(), nullable=False),
        sa.Column('enabled_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['admin_id'], ['admin.id'], name=op.f('fk_admin_two_factor_admin_id_admin'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('admin_id', name=op.f('pk_admin_two_factor')),
    )
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('admin_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['admin_id'], ['admin.id'], name=op.f('fk_recovery_code_admin_id_admin'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_admin_id'), ['admin_id'], unique=False)
    op.create_table(
        'site_setting',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_site_setting')),
    )


def downgrade():
    op.drop_table('site_setting')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_admin_id'))
    op.drop_table('recovery_code')
    op.drop_table('admin_two_factor')
