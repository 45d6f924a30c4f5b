"""recurring rules and their occurrences

A rule is a template transaction with a schedule; each occurrence is an ordinary
transaction, linked to its rule and date by a row whose primary key (rule, date) makes it
created once however many schedulers run.

Revision ID: 5b2e8d4a9c61
Revises: 3c9d5e1f7a20
Create Date: 2026-12-06 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b2e8d4a9c61"
down_revision: str | Sequence[str] | None = "3c9d5e1f7a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recurring_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("template", sa.JSON(), nullable=False),
        sa.Column(
            "every",
            sa.Enum(
                "daily",
                "weekly",
                "monthly",
                "yearly",
                name="frequency",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("repeat_interval", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=True),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("max_count", sa.Integer(), nullable=True),
        sa.Column("done_through", sa.Date(), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "repeat_interval >= 1", name=op.f("ck_recurring_rules_repeat_interval_positive")
        ),
        sa.CheckConstraint(
            "until IS NULL OR max_count IS NULL", name=op.f("ck_recurring_rules_until_or_max_count")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_recurring_rules_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_recurring_rules_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_rules")),
    )
    op.create_index("ix_recurring_rules_group_id", "recurring_rules", ["group_id"])
    op.create_table(
        "recurring_occurrences",
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["recurring_rules.id"],
            name=op.f("fk_recurring_occurrences_rule_id_recurring_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_recurring_occurrences_transaction_id_transactions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("rule_id", "occurs_on", name=op.f("pk_recurring_occurrences")),
    )
    op.create_index(
        "ix_recurring_occurrences_transaction_id", "recurring_occurrences", ["transaction_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_recurring_occurrences_transaction_id", table_name="recurring_occurrences")
    op.drop_table("recurring_occurrences")
    op.drop_index("ix_recurring_rules_group_id", table_name="recurring_rules")
    op.drop_table("recurring_rules")
