"""Drop two obligation indexes no query uses: every obligation write paid for them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 18:52:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_obligation_crime_id", table_name="obligation")
    op.drop_index("ix_obligation_person_id", table_name="obligation")


def downgrade() -> None:
    op.create_index("ix_obligation_person_id", "obligation", ["person_id"])
    op.create_index("ix_obligation_crime_id", "obligation", ["crime_id"])
