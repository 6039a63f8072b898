"""Covering indexes for the compliance reports: a division's or an officer's duties by due date.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 00:05:00
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_obligation_division_due_report', 'obligation', ['division', 'due', 'rule', 'state', 'late', 'oic_id']
    )
    op.create_index('ix_obligation_oic_due_report', 'obligation', ['oic_id', 'due', 'rule', 'state', 'late'])


def downgrade() -> None:
    op.drop_index('ix_obligation_oic_due_report', table_name='obligation')
    op.drop_index('ix_obligation_division_due_report', table_name='obligation')
