"""invites addressed to an email

An admin adding someone by email makes a placeholder and an invite addressed to that email
(lower-cased, like ``users.email_normalized``); the person with that email sees it among
their invites and accepts or declines it. Invites made for a token stay addressed to nobody.

Revision ID: 7a61c2e0b4d9
Revises: 1de9039bdc35
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a61c2e0b4d9"
down_revision: str | Sequence[str] | None = "1de9039bdc35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
        batch_op.create_index("ix_invites_email", ["email"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_index("ix_invites_email")
        batch_op.drop_column("email")
