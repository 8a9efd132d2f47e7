"""Let counsellors, teachers and bootcamps run groups whose members' results they see

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quiz_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('join_code', sa.String(length=64), nullable=False),
        sa.Column('short_code', sa.String(length=8), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('opened', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('started', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['admin.id'], name=op.f('fk_quiz_group_owner_id_admin'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_group')),
        sa.UniqueConstraint('join_code', name=op.f('uq_quiz_group_join_code')),
        sa.UniqueConstraint('short_code', name=op.f('uq_quiz_group_short_code')),
    )
    with op.batch_alter_table('quiz_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_group_owner_id'), ['owner_id'], unique=False)
    op.create_table(
        'group_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('result_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('display_name', sa.String(length=60), server_default=sa.text("''"), nullable=False),
        sa.Column('shares_result', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['quiz_group.id'], name=op.f('fk_group_member_group_id_quiz_group'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['result_id'], ['result.id'], name=op.f('fk_group_member_result_id_result'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_member')),
        sa.UniqueConstraint('group_id', 'result_id', name=op.f('uq_group_member_group_id')),
    )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_member_result_id'), ['result_id'], unique=False)


def downgrade():
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_member_result_id'))
        batch_op.drop_index(batch_op.f('ix_group_member_group_id'))
    op.drop_table('group_member')
    with op.batch_alter_table('quiz_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_group_owner_id'))
    op.drop_table('quiz_group')
