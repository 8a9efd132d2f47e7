"""Count what the norms and the criterion evidence rest on

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 06:30:00.000000

"""
from collections import Counter

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    statistics_count = op.create_table('statistics_count',
    sa.Column('quiz_version_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=10), nullable=False),
    sa.Column('work', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['quiz_version_id'], ['quiz_version.id'], name=op.f('fk_statistics_count_quiz_version_id_quiz_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('quiz_version_id', 'measure', 'work', 'subject', 'value', name=op.f('pk_statistics_count'))
    )
    op.create_table('version_norms',
    sa.Column('quiz_version_id', sa.Integer(), nullable=False),
    sa.Column('results', sa.Integer(), nullable=False),
    sa.Column('below', sa.JSON(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['quiz_version_id'], ['quiz_version.id'], name=op.f('fk_version_norms_quiz_version_id_quiz_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('quiz_version_id', name=op.f('pk_version_norms'))
    )
    _count_folded_results(statistics_count)


def _count_folded_results(statistics_count):
    """Count the results the analytics fold has already taken in, as it would have counted
    them (quiz.store.statistics.statistics_of_result); the fold counts the rest. The norms
    are worked out from these counts by the next fold or `flask --app quiz results count`."""
    bind = op.get_bind()
    mark = bind.execute(sa.text('SELECT last_result_id FROM counted_results WHERE id = 1')).scalar()
    if not mark:
        return
    result = sa.table(
        'result',
        sa.column('id', sa.Integer), sa.column('quiz_version_id', sa.Integer),
        sa.column('deleted_at'), sa.column('careless'), sa.column('synthetic', sa.Boolean),
        sa.column('mode'), sa.column('work_now'), sa.column('top_role'),
        sa.column('answers', sa.JSON), sa.column('outcome', sa.JSON),
    )
    rows = bind.execute(
        sa.select(result.c.quiz_version_id, result.c.work_now, result.c.top_role,
                  result.c.answers, result.c.outcome)
        .where(result.c.id <= mark, result.c.deleted_at.is_(None), result.c.careless.is_(None),
               result.c.synthetic.is_(False), result.c.mode == 'full')
        .execution_options(yield_per=BATCH)
    )
    counts = Counter()
    for version_id, work, top_role, answers, outcome in rows:
        for entry in outcome['ranking']:
            counts[(version_id, 'fit', '', entry['role'], str(entry['fit']))] += 1
        if work is not None:
            counts[(version_id, 'top', work, '', top_role)] += 1
            for question, option in answers.items():
                counts[(version_id, 'answer', work, question, option)] += 1
    if counts:
        op.bulk_insert(statistics_count, [
            {'quiz_version_id': k[0], 'measure': k[1], 'work': k[2], 'subject': k[3],
             'value': k[4], 'count': n}
            for k, n in sorted(counts.items())
        ])


def downgrade():
    op.drop_table('version_norms')
    op.drop_table('statistics_count')
