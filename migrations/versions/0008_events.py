"""the events outbox: what a group's listeners are told, in commit order

One row per event, written with the change it tells (by the activity log). ``txid`` is
the writer's ``pg_current_xact_id()`` on PostgreSQL (0 on SQLite), so readers can order
events as their transactions end; ``id`` never repeats (AUTOINCREMENT on SQLite).

Revision ID: 9e4b2c7a1f03
Revises: 7d1f3a6c2b84
Create Date: 2026-12-07 23:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e4b2c7a1f03"
down_revision: str | Sequence[str] | None = "7d1f3a6c2b84"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_events_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_group_id_txid_id", "events", ["group_id", "txid", "id"])


def downgrade() -> None:
    op.drop_index("ix_events_group_id_txid_id", table_name="events")
    op.drop_table("events")
