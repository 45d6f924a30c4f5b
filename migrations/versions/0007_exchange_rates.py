"""exchange rates, transactions converted at entry, and the conversion kind

A group keeps its own rates (``1 CUR = RATE <group currency>`` from a date on); a
transaction entered in another currency and booked in the group's keeps what was entered
and the rate used in ``conversion``. A transaction may be of the kind ``conversion`` (a
settle-up in one currency moves balances between currencies with them): the kind's CHECK
constraint is made again (on SQLite by rebuilding the table, with foreign keys off: see
``pennywise_core.db._migrate``).

Revision ID: 7d1f3a6c2b84
Revises: 5b2e8d4a9c61
Create Date: 2026-12-07 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d1f3a6c2b84"
down_revision: str | Sequence[str] | None = "5b2e8d4a9c61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_exchange_rates_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_exchange_rates_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rates")),
        sa.UniqueConstraint(
            "group_id",
            "currency",
            "valid_from",
            name=op.f("uq_exchange_rates_group_id_currency_valid_from"),
        ),
    )
    with op.batch_alter_table("transactions", recreate="auto") as batch:
        batch.add_column(sa.Column("conversion", sa.JSON(), nullable=True))
        batch.drop_constraint(op.f("ck_transactions_transaction_kind"), type_="check")
        batch.create_check_constraint(
            op.f("ck_transactions_transaction_kind"), f"kind IN ({_quoted(KINDS)})"
        )


def downgrade() -> None:
    conversions = op.get_bind().execute(
        sa.text("SELECT count(*) FROM transactions WHERE kind = 'conversion'")
    )
    if conversions.scalar():
        raise RuntimeError(
            "the database holds conversions, which the previous revision cannot store; "
            "delete them (settle-ups in one currency) before downgrading"
        )
    with op.batch_alter_table("transactions", recreate="auto") as batch:
        batch.drop_constraint(op.f("ck_transactions_transaction_kind"), type_="check")
        batch.create_check_constraint(
            op.f("ck_transactions_transaction_kind"), f"kind IN ({_quoted(KINDS[:-1])})"
        )
        batch.drop_column("conversion")
    op.drop_table("exchange_rates")


KINDS = ("expense", "income", "transfer", "conversion")


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)
