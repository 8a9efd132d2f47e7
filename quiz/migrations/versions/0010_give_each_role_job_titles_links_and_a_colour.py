"""Give each role typical job titles, links to occupation databases and a colour of its own

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# What the default bank gave its roles when this revision was written, by role key, with
# the German translations it carries. Copied here, not read from the bank file: the file
# goes on changing, and a migration must do the same thing whenever it runs.
_DATA_SCIENTISTS = 'https://www.onetonline.org/link/summary/15-2051.00'
DEFAULT_ROLES = {
    'data-scientist': {
        'titles': ['Data Scientist', 'Product Data Scientist', 'Decision Scientist',
                   'Research Data Scientist'],
        'links': [{'label': 'O*NET OnLine: Data Scientists (15-2051.00)',
                   'url': _DATA_SCIENTISTS}],
        'de': {
            'titles': ['Data Scientist', 'Datenwissenschaftler/in', 'Product Data Scientist',
                       'Decision Scientist', 'Research Data Scientist'],
            'links': [{'label': 'O*NET OnLine (USA, auf Englisch): Data Scientists (15-2051.00)',
                       'url': _DATA_SCIENTISTS}],
        },
    },
    'ml-engineer': {
        'titles': ['Machine Learning Engineer', 'MLOps Engineer', 'ML Platform Engineer',
                   'Applied ML Engineer'],
        'links': [],
        'de': {
            'titles': ['Machine Learning Engineer', 'Ingenieur/in für maschinelles Lernen',
                       'MLOps Engineer', 'ML Platform Engineer', 'Applied ML Engineer'],
        },
    },
    'ai-engineer': {
        'titles': ['AI Engineer', 'Applied AI Engineer', 'LLM Engineer', 'Generative AI Engineer',
                   'AI Solutions Engineer'],
        'links': [],
        'de': {
            'titles': ['AI Engineer', 'KI-Ingenieur/in', 'Applied AI Engineer', 'LLM Engineer',
                       'Generative AI Engineer', 'AI Solutions Engineer'],
        },
    },
}
NEW_TRANSLATED_FIELDS = ('titles', 'links')

role = sa.table(
    'role',
    sa.column('id', sa.Integer),
    sa.column('key', sa.String),
    sa.column('titles', sa.JSON),
    sa.column('links', sa.JSON),
    sa.column('translations', sa.JSON),
)


def upgrade():
    # every role starts with none, and the palette's colour for its place ...
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('titles', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('links', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.add_column(sa.Column('colour', sa.String(length=7), server_default=sa.text("''"), nullable=False))
    # ... except the default bank's roles, which get the titles and links it now gives them,
    # and their German where the role is translated into German
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(role.c.id, role.c.key, role.c.translations).where(
            role.c.key.in_(list(DEFAULT_ROLES))
        )
    ).all()
    for row_id, key, translations in rows:
        given = DEFAULT_ROLES[key]
        translations = dict(translations or {})
        if isinstance(translations.get('de'), dict):
            translations['de'] = {**translations['de'], **given['de']}
        bind.execute(
            role.update()
            .where(role.c.id == row_id)
            .values(titles=given['titles'], links=given['links'], translations=translations)
        )


def downgrade():
    # the translations must lose the fields too: the older bank refuses them as untranslatable
    bind = op.get_bind()
    for row_id, translations in bind.execute(sa.select(role.c.id, role.c.translations)).all():
        kept = {
            code: {name: text for name, text in texts.items() if name not in NEW_TRANSLATED_FIELDS}
            if isinstance(texts, dict)
            else texts
            for code, texts in (translations or {}).items()
        }
        kept = {code: texts for code, texts in kept.items() if texts}
        if kept != (translations or {}):
            bind.execute(role.update().where(role.c.id == row_id).values(translations=kept))
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.drop_column('colour')
        batch_op.drop_column('links')
        batch_op.drop_column('titles')
