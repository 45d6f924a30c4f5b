"""The ORM: SQLAlchemy 2 typed declarative models.

Conventions:

* UUID primary keys, timezone-aware UTC timestamps (:class:`UTCDateTime` restores the zone
  that SQLite drops), money as ``BigInteger`` minor units beside a ``currency`` code.
* Every table that holds group data carries ``group_id``, so the data can one day be
  distributed by group without a redesign.
* Relationships are ``lazy="raise"``: a query states what it loads (``selectinload``).
* Constraint names follow :data:`NAMING_CONVENTION`, so Alembic batch mode on SQLite can
  find and alter them.
* The schema only ever changes through an Alembic revision in ``migrations/``.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stored by the models; importable from here as before.
from pennywise_core.vocabulary import Frequency
from pennywise_core.vocabulary import Role as Role
from pennywise_core.vocabulary import SplitMode as SplitMode
from pennywise_core.vocabulary import TransactionKind as TransactionKind

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def utctoday() -> date:
    """Today in UTC: a transaction's default date, and the day whose rates convert."""
    return datetime.now(UTC).date()


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC on every backend.

    PostgreSQL keeps the zone (``timestamptz``); SQLite keeps none, so values are converted
    to UTC on the way in and marked UTC on the way out. A naive datetime is refused: it is
    always a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime  # (TypeDecorator answers ``object``)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Pennywise stores aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal stored as text, so no backend ever rounds it through a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        uuid.UUID: Uuid,
        Decimal: DecimalText,
        date: Date,
    }


def _str_enum(cls: type[enum.StrEnum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: portable, readable in SQL, and
    # adding a value is a batch migration rather than an ALTER TYPE.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(320))
    # Lower-cased email: the unique key, so "Ann@x.org" and "ann@x.org" are one account.
    email_normalized: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    google_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Bumped when the password changes or every session is ended: tokens issued before
    # ``sessions_valid_after`` are refused.
    sessions_valid_after: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.email_normalized}>"


class Group(TimestampMixin, Base):
    __tablename__ = "groups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    default_currency: Mapped[str] = mapped_column(String(3))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    archived_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    members: Mapped[list[Member]] = relationship(
        back_populates="group", lazy="raise", order_by="Member.created_at"
    )

    # SQLAlchemy adds "AND version = :old" to every UPDATE and bumps it: a concurrent write
    # that slipped in between our read and our flush is detected, never overwritten.
    __mapper_args__ = {"version_id_col": version}


class Member(Base):
    """A person in a group: a registered user, or a named placeholder (``user_id`` is None).

    A member is never deleted while entries refer to it; removing sets ``removed_at``.
    """

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        # (group_id, id) is unique so entries and balances can carry group_id with a
        # foreign key that proves the member belongs to that very group.
        UniqueConstraint("group_id", "id", name="uq_members_group_id_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(_str_enum(Role, "role"))
    weight: Mapped[Decimal] = mapped_column(default=Decimal(1))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    group: Mapped[Group] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise")

    @property
    def is_placeholder(self) -> bool:
        return self.user_id is None


class Transaction(TimestampMixin, Base):
    """An expense, income or transfer in one currency.

    ``split`` keeps the split mode's parameters exactly as given (decimal strings), so an
    edit can recompute the entries; the entries themselves are the source of truth for
    balances.
    """

    __tablename__ = "transactions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        # The key of the source row an import created this from: a re-import adds nothing.
        UniqueConstraint("group_id", "import_key"),
        # The list order: by date, then as entered (see services.transactions.list_transactions).
        Index(
            "ix_transactions_group_id_date_created_at_id", "group_id", "date", "created_at", "id"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    kind: Mapped[TransactionKind] = mapped_column(_str_enum(TransactionKind, "transaction_kind"))
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    date: Mapped[date]
    category: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    split_mode: Mapped[SplitMode] = mapped_column(_str_enum(SplitMode, "split_mode"))
    split_params: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    deleted_at: Mapped[datetime | None]
    import_key: Mapped[str | None] = mapped_column(String(200))
    # Entered in another currency and booked in this one: what was entered and the rate
    # used (see services.transactions.conversion_of); None for a transaction booked as given.
    conversion: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)

    entries: Mapped[list[Entry]] = relationship(
        back_populates="transaction",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="Entry.position",
    )

    __mapper_args__ = {"version_id_col": version}


class Entry(Base):
    """One member's part in a transaction: what they paid and what they owe (minor units).

    For every transaction Σpaid = Σowed = amount. A member's balance is Σpaid − Σowed.
    """

    __tablename__ = "entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "member_id"],
            ["members.group_id", "members.id"],
            name="fk_entries_group_id_member_id_members",
        ),
        CheckConstraint("paid >= 0 AND owed >= 0", name="non_negative"),
        Index("ix_entries_member_id", "member_id"),
    )

    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transactions.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    group_id: Mapped[uuid.UUID] = mapped_column()
    # Keeps the order the entries were given in, for stable output.
    position: Mapped[int] = mapped_column(Integer)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    owed: Mapped[int] = mapped_column(BigInteger, default=0)

    transaction: Mapped[Transaction] = relationship(back_populates="entries", lazy="raise")


class Balance(Base):
    """A member's running balance in one currency, kept in step with every write.

    Reading balances costs O(members) instead of a scan over transactions;
    :func:`pennywise_core.services.balances.verify` recomputes them from the entries.
    """

    __tablename__ = "balances"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "member_id"],
            ["members.group_id", "members.id"],
            name="fk_balances_group_id_member_id_members",
            ondelete="CASCADE",
        ),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class Activity(Base):
    """An append-only record of one change: who did what to which thing, before and after."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_group_id_created_at", "group_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[uuid.UUID]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """The outbox: one row per thing a group's listeners are told (the event stream, and
    webhooks), written in the same transaction as the change it tells, by the activity log.

    ``txid`` orders events as their transactions end, not as they began: PostgreSQL's
    ``pg_current_xact_id()`` of the writer (:mod:`pennywise_core.services.events` reads
    only events older than every transaction still running, so none can appear behind a
    reader's position later). SQLite runs one writer at a time, so ``id`` alone is that
    order and ``txid`` is 0.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_group_id_txid_id", "group_id", "txid", "id"),
        {"sqlite_autoincrement": True},  # ids never reused: they are positions
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    txid: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID | None]
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[uuid.UUID]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookSubscription(TimestampMixin, Base):
    """A URL that is told a group's events of the given types, signed with ``secret`` (the
    Standard Webhooks scheme, :mod:`pennywise_core.webhooks`).

    ``after_txid``/``after_id``: the outbox position up to which the group's events have
    been looked at for it (queued as deliveries, or not of its types); a new subscription
    starts at the stream's end. ``previous_secret`` still signs, beside the new one, until
    ``previous_secret_expires_at``, so receivers can switch after a rotation. Disabled
    (``disabled_at``) by an admin, or by the worker after ``failures_in_a_row`` deliveries
    gave up: nothing is queued for it while it is.

    The secrets are stored as they are: signing needs them (HMAC), so they cannot be hashed
    like passwords and API tokens.
    """

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index("ix_webhook_subscriptions_group_id", "group_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None]
    after_txid: Mapped[int] = mapped_column(BigInteger, default=0)
    after_id: Mapped[int] = mapped_column(BigInteger, default=0)
    failures_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(300))


class WebhookDelivery(Base):
    """One event to be sent to one subscription, and how its sending went: the delivery log.

    ``status`` is ``pending`` until it was answered 2xx (``delivered``) or gave up after
    the configured attempts (``failed``). A worker *claims* a pending delivery by moving
    ``next_attempt_at`` past the attempt's timeout (a lease) and counting the attempt, then
    sends outside any transaction, then marks the result if the claim is still its own: a
    worker that dies between sending and marking leaves the delivery to be sent again once
    the lease ends, under the same ``webhook-id``, so nothing is lost and a receiver that
    de-duplicates by id sees nothing twice. The unique (subscription, event) means an event
    is queued once per subscription, however many workers look.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription_id_created_at", "subscription_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("events.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(String(1000))
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExchangeRate(Base):
    """A group's own rate: ``1 currency = rate <the group's currency>`` from ``valid_from``
    on, until a later rate of the same currency. Set by admins; where a day has none, the
    reference rates answer (:mod:`pennywise_core.rates`)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("group_id", "currency", "valid_from"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal]
    valid_from: Mapped[date]
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- authentication and request bookkeeping ------------------------------------------------
# Everything an API process would otherwise keep in memory lives here, so that any number
# of stateless processes on one database behave exactly like one (DESIGN.md, "Scale").
# Opaque tokens (refresh, API, invite) are stored only as the SHA-256 of the token.


class RefreshToken(Base):
    """One opaque refresh token (``pwr_…``) in a rotation family.

    Logging in starts a family; each refresh marks the presented token used and issues the
    next one in the same family. Presenting a used token again means it was copied: the
    whole family is revoked.
    """

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        Index("ix_refresh_tokens_user_id", "user_id"),
        Index("ix_refresh_tokens_family_id", "family_id"),
        Index("ix_refresh_tokens_expires_at", "expires_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ApiToken(Base):
    """A personal token for scripts (``pwt_…``): scoped, expiring, revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("scope IN ('read', 'write')", name="scope"),
        Index("ix_api_tokens_user_id", "user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, kept in clear so a list can say which is which.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One failed sign-in, counted against an account and against a client address.

    ``key_hash`` is a SHA-256: for a sign-in, of the normalised email *with* the client's
    network (kind ``account``: an account is never throttled alone, or a stranger could
    lock its owner out) and of the network alone (kind ``address``); for a wrong current
    password on a password change, of the email alone (kind ``account``). So the table holds
    no address or email in clear and an email that has no account is counted exactly like
    one that has. Rows older than the throttling window are deleted.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        CheckConstraint("kind IN ('account', 'address')", name="kind"),
        Index("ix_login_attempts_key_hash_attempted_at", "key_hash", "attempted_at"),
        Index("ix_login_attempts_attempted_at", "attempted_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(8))
    key_hash: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRecord(Base):
    """The stored response to a creating request made with an ``Idempotency-Key``.

    ``status`` is None while the request that claimed the key is still running (inside its
    own database transaction, so other transactions never see that state unless the caller
    commits between claim and save). ``fingerprint`` names the method, the path and the
    SHA-256 of the body; the same key with another fingerprint is refused.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_idempotency_records_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[Any | None] = mapped_column(JSON)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class Invite(Base):
    """A single-use, expiring invitation to claim a placeholder member: a link (``pwi_…``)
    for whoever holds it, or, when ``email`` is set, addressed to the user with that email
    (its token is never shown), who finds it among their invites."""

    __tablename__ = "invites"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "member_id"],
            ["members.group_id", "members.id"],
            name="fk_invites_group_id_member_id_members",
            ondelete="CASCADE",
        ),
        Index("ix_invites_group_id_member_id", "group_id", "member_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    member_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # The addressee, lower-cased like ``User.email_normalized``; None: whoever has the token.
    email: Mapped[str | None] = mapped_column(String(320), index=True)


class RateLimitCounter(Base):
    """How many requests one client made in one fixed window (:mod:`pennywise_core.ratelimit`).

    ``key`` is the SHA-256 of what is counted (a principal, or a client network), so the
    table holds no token, user id or address in clear; ``window_start`` is the window's
    first second (Unix time). Rows of past windows are deleted as the windows pass.
    """

    __tablename__ = "rate_limit_counters"
    __table_args__ = (Index("ix_rate_limit_counters_window_start", "window_start"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer)


# --- recurring expenses -------------------------------------------------------------------


class RecurringRule(TimestampMixin, Base):
    """A transaction that repeats: a template (what ``POST /transactions`` takes, without
    the group, date and import key) and a schedule (:class:`pennywise_core.schedule.Schedule`,
    one column per field). Each occurrence is an ordinary transaction, linked to the rule
    and its date by :class:`RecurringOccurrence`.

    ``done_through``: every date up to it is done (created, or passed while paused); the
    scheduler creates what falls after it up to today (every missed one after downtime).
    """

    __tablename__ = "recurring_rules"
    __table_args__ = (
        CheckConstraint("repeat_interval >= 1", name="repeat_interval_positive"),
        CheckConstraint("until IS NULL OR max_count IS NULL", name="until_or_max_count"),
        Index("ix_recurring_rules_group_id", "group_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    template: Mapped[dict[str, Any]] = mapped_column(JSON)
    every: Mapped[Frequency] = mapped_column(_str_enum(Frequency, "frequency"))
    repeat_interval: Mapped[int] = mapped_column(Integer, default=1)
    weekdays: Mapped[list[int] | None] = mapped_column(JSON)
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date]
    until: Mapped[date | None]
    max_count: Mapped[int | None] = mapped_column(Integer)
    done_through: Mapped[date | None]
    paused_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class RecurringOccurrence(Base):
    """One occurrence of a rule: the primary key (rule, date) is what makes each one
    created once, however many schedulers run at once (a scheduler claims the row before it
    creates the transaction; a second claim waits for the first and finds it taken)."""

    __tablename__ = "recurring_occurrences"
    __table_args__ = (Index("ix_recurring_occurrences_transaction_id", "transaction_id"),)

    rule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recurring_rules.id", ondelete="CASCADE"), primary_key=True
    )
    occurs_on: Mapped[date] = mapped_column(primary_key=True)
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("transactions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
