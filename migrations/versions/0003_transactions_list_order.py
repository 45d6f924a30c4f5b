"""transactions list in the order they were entered within a day

The list is ordered by date, then by when each transaction was entered (newest first), then
by id; the index that serves it gains created_at.

Revision ID: 1de9039bdc35
Revises: e526a9630041
Create Date: 2026-11-29 04:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "1de9039bdc35"
down_revision: str | Sequence[str] | None = "e526a9630041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transactions_group_id_date_created_at_id",
            ["group_id", "date", "created_at", "id"],
            unique=False,
        )
        batch_op.drop_index("ix_transactions_group_id_date_id")


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transactions_group_id_date_id", ["group_id", "date", "id"], unique=False
        )
        batch_op.drop_index("ix_transactions_group_id_date_created_at_id")
