"""Victims' satisfaction surveys (an append-only entry of the victim's record).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 22:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLE = 'satisfaction_survey'


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('overall', sa.Integer(), nullable=True),
    sa.Column('kept_informed', sa.Integer(), nullable=True),
    sa.Column('treatment', sa.Integer(), nullable=True),
    sa.Column('ease_of_contact', sa.Integer(), nullable=True),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('retracted', sa.Boolean(), nullable=False),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['corrects_id'], ['satisfaction_survey.id'], name=op.f('fk_satisfaction_survey_corrects_id_satisfaction_survey')),
    sa.ForeignKeyConstraint(['link_id'], ['crime_person.id'], name=op.f('fk_satisfaction_survey_link_id_crime_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_survey')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_satisfaction_survey_corrects_id'))
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_survey_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_satisfaction_survey_link_id'), ['link_id'], unique=False)
    _refuse_changes(create=True)


def _refuse_changes(*, create: bool) -> None:
    """The append-only guard, as revisions 0001 and 0005 make them."""
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for verb in ('UPDATE', 'DELETE'):
            if create:
                op.execute(
                    f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: add a correction instead'); END"
                )
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb.lower()}")
    elif dialect == 'postgresql':
        if create:
            op.execute(
                f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                "FOR EACH ROW EXECUTE FUNCTION vicman_refuse_change()"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")


def downgrade() -> None:
    _refuse_changes(create=False)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satisfaction_survey_link_id'))
        batch_op.drop_index(batch_op.f('ix_satisfaction_survey_at'))
    op.drop_table(TABLE)
