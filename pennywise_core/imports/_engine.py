"""The import engine: one streaming validation pass, then one batched write pass.

Pass 1 (validate) reads the source once, forward, in bounded memory. Each row is parsed by
the format's parser, its members are matched (user mapping, then name, case-insensitive,
else a planned placeholder), and its entries are computed by
:func:`pennywise_core.splits.compute`, exactly as ``transactions.create`` would. Rows are
handled in batches: one ``SELECT import_key … IN (…)`` per batch tells the rows imported
before (skipped) from the new ones, whose computed rows are appended to an anonymous
temporary file (the *spool*, on disk, ``marshal`` batches). Nothing is written to the
database in this pass. Every bad row is collected (up to ``error_limit`` errors; all of
them are counted).

Then: any bad row → :class:`~pennywise_core.errors.ValidationError` listing them, nothing
written. Dry run → the report, nothing written. Otherwise pass 2 (write), inside a SAVEPOINT:
the planned placeholders, then the spool batch by batch (COPY on PostgreSQL, executemany
elsewhere), the balance deltas once per currency, and one activity record for the import.
The caller commits, as with every service.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import marshal
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, BinaryIO, Literal

import pydantic
from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import (
    ConflictError,
    FieldError,
    PermissionDeniedError,
    ValidationError,
)
from pennywise_core.models import (
    Member,
    Role,
    SplitMode,
    Transaction,
    TransactionKind,
    User,
    utcnow,
)
from pennywise_core.money import format_amount
from pennywise_core.schemas import PayerIn, SplitEntryIn, SplitIn
from pennywise_core.services import activity, balances
from pennywise_core.services.access import membership
from pennywise_core.services.members import snapshot as member_snapshot
from pennywise_core.splits import compute

from ._common import (
    BaseParser,
    Columns,
    ImportOptions,
    MemberDecl,
    ParseContext,
    Problem,
    Record,
    Skipped,
    canonical_decimal,
    shown,
)
from ._source import Source, decoding_error
from ._writer import EntryRow, TxRow, WriteConflict, insert_rows

MEMBER_REF = "\x00member:"
"""A ref naming a member by id (``MEMBER_REF + str(member_id)``) rather than by name."""

_FIELD_OF_MODE = {
    SplitMode.EQUAL: None,
    SplitMode.SHARES: "shares",
    SplitMode.PERCENT: "percent",
    SplitMode.EXACT: "amount",
    SplitMode.ADJUSTMENT: "amount",
}
_CACHE_LIMIT = 4096


# --- options, progress and the report -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """Reported after every batch: the phase, rows handled so far, bytes read so far."""

    phase: Literal["validate", "write"]
    rows: int
    bytes_read: int


class ImportedMember(pydantic.BaseModel):
    display_name: str
    member_id: uuid.UUID | None
    """None in a dry run: the member does not exist yet."""
    role: Role
    weight: str


class CurrencyTotal(pydantic.BaseModel):
    currency: str
    transactions: int
    expenses: str
    income: str
    transfers: str


class ImportBalance(pydantic.BaseModel):
    member_id: uuid.UUID | None
    display_name: str
    currency: str
    balance: str


class ImportReport(pydantic.BaseModel):
    """What an import did, or (``dry_run``) would do."""

    format: str
    dry_run: bool
    rows: int
    """Transactions read from the file."""
    created: int
    """Transactions created (dry run: that would be created)."""
    already_imported: int
    """Rows whose import key is already in the group: skipped (idempotent re-runs)."""
    skipped: int
    """Rows that are not transactions (e.g. a zero amount)."""
    new_members: list[ImportedMember]
    totals: list[CurrencyTotal]
    """Per currency, the sums of what is created, by kind."""
    balances: list[ImportBalance]
    """Every balance the import touches, as it is after the import."""
    warnings: list[str]


# --- members --------------------------------------------------------------------------------


@dataclass(slots=True)
class _NewMember:
    id: uuid.UUID
    name: str
    weight: Decimal
    role: Role
    removed: bool
    registered: bool
    eager: bool


class _Directory:
    """Who a ref in the file is: a member of the group, or a placeholder to create."""

    def __init__(
        self,
        members: list[Member],
        member_map: Mapping[str, uuid.UUID],
        warn: Callable[[str], None],
    ) -> None:
        self._warn = warn
        self.current = {m.id for m in members if m.removed_at is None}
        self.names: dict[uuid.UUID, str] = {m.id: m.display_name for m in members}
        self.order: dict[uuid.UUID, int] = {m.id: i for i, m in enumerate(members)}
        self._by_name = {m.display_name.casefold(): m.id for m in members if m.removed_at is None}
        errors = [
            FieldError(("member_map", name), f"{member_id} is not a current member of this group")
            for name, member_id in member_map.items()
            if member_id not in self.current
        ]
        if errors:
            raise ValidationError(str(errors[0]), errors)
        self._map = {name.strip().casefold(): member_id for name, member_id in member_map.items()}
        self._decls: dict[str, MemberDecl] = {}
        self._refs: dict[str, uuid.UUID] = {}
        self.new: dict[str, _NewMember] = {}

    def declare(self, decl: MemberDecl) -> None:
        self._decls[decl.ref] = decl
        if decl.eager:
            self.resolve(decl.ref)

    def resolve(self, ref: str) -> uuid.UUID:
        found = self._refs.get(ref)
        if found is not None:
            return found
        if ref.startswith(MEMBER_REF):
            member_id = uuid.UUID(ref.removeprefix(MEMBER_REF))
            if member_id not in self.current:
                raise ValidationError.at(
                    "member", f"{member_id} is not a current member of this group"
                )
            self._refs[ref] = member_id
            return member_id
        decl = self._decls.get(ref)
        name = decl.name if decl is not None else ref
        key = name.casefold()
        matched = self._map.get(key) or self._by_name.get(key)
        if matched is None:
            planned = self.new.get(key)
            if planned is None:
                planned = _NewMember(
                    id=uuid.uuid4(),
                    name=name,
                    weight=decl.weight if decl else Decimal(1),
                    role=decl.role if decl else Role.MEMBER,
                    removed=decl.removed if decl else False,
                    registered=decl.registered if decl else False,
                    eager=decl.eager if decl else False,
                )
                self.new[key] = planned
                self.names[planned.id] = name
                self.order[planned.id] = len(self.order)
                if planned.registered:
                    self._warn(
                        f"{name} was a registered user in the file but matches no member of "
                        "this group; added as a placeholder (invite them to claim it)"
                    )
            matched = planned.id
        self._refs[ref] = matched
        return matched


# --- the engine -----------------------------------------------------------------------------

# One spooled row: kind, description, amount, currency, date ordinal, category, notes,
# split mode, split params (JSON), deleted_at, import key, created_at, updated_at, entries.
_Spooled = tuple[
    str,
    str,
    int,
    str,
    int,
    str | None,
    str | None,
    str,
    str,
    str | None,
    str,
    str | None,
    str | None,
    tuple[tuple[bytes, int, int], ...],
]


class _Run:
    def __init__(
        self,
        session: AsyncSession,
        actor: User,
        group_id: uuid.UUID,
        parser: BaseParser,
        directory: _Directory,
        options: ImportOptions,
        *,
        dry_run: bool,
        actor_role: Role,
        warnings: list[str],
        progress: Callable[[Progress], None] | None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.group_id = group_id
        self.parser = parser
        self.columns: Columns = parser.columns
        self.directory = directory
        self.options = options
        self.dry_run = dry_run
        self.actor_role = actor_role
        self.warnings = warnings
        self.progress = progress
        self.errors: list[FieldError] = []
        self.bad_rows = 0
        self.rows = 0
        self.created = 0
        self.already = 0
        self.skipped = 0
        self.totals: dict[str, dict[TransactionKind, int]] = defaultdict(lambda: defaultdict(int))
        self.counts: dict[str, int] = defaultdict(int)
        self.deltas: dict[str, dict[uuid.UUID, int]] = defaultdict(lambda: defaultdict(int))
        self.batch: list[Record] = []
        self.spool: IO[bytes] | None = None
        self._payers: dict[tuple[uuid.UUID, str | None], PayerIn] = {}
        self._entries: dict[tuple[SplitMode, uuid.UUID, str | None], SplitEntryIn] = {}

    # -- pass 1 --

    def problem(self, errors: Iterable[FieldError]) -> None:
        self.bad_rows += 1
        for error in errors:
            if len(self.errors) < self.options.error_limit:
                self.errors.append(error)

    async def validate(self, source: Source, parser_items: Iterable[Any]) -> None:
        for item in parser_items:
            if isinstance(item, Record):
                self.rows += 1
                self.batch.append(item)
                if len(self.batch) >= self.options.batch_size:
                    await self.flush_batch()
                    if self.progress is not None:
                        self.progress(Progress("validate", self.rows, source.bytes_read))
            elif isinstance(item, Problem):
                self.problem(item.errors)
            elif isinstance(item, MemberDecl):
                self._declare(item)
            elif isinstance(item, Skipped):
                self.skipped += 1
        await self.flush_batch()
        if self.progress is not None:
            self.progress(Progress("validate", self.rows, source.bytes_read))

    def _declare(self, decl: MemberDecl) -> None:
        if decl.role in (Role.OWNER, Role.ADMIN) and self.actor_role is not Role.OWNER:
            self.warnings.append(
                f"{decl.name} is {decl.role} in the file; only an owner can grant that, "
                "so a new placeholder for them is a member"
            )
            decl = MemberDecl(
                decl.ref,
                decl.name,
                decl.weight,
                Role.MEMBER,
                decl.registered,
                decl.removed,
                decl.eager,
            )
        self.directory.declare(decl)

    async def flush_batch(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        existing: set[str] = set()
        if not self.bad_rows:
            existing = await _existing_keys(self.session, self.group_id, [r.key for r in batch])
        seen: dict[str, int] = {}
        spooled: list[_Spooled] = []
        for record in batch:
            if record.key in existing:
                self.already += 1
                continue
            if record.key in seen:
                self.problem(
                    [
                        FieldError(
                            ("row", record.row),
                            f"the same transaction as row {seen[record.key]} (import key "
                            f"{record.key!r}); a file names each transaction once",
                        )
                    ]
                )
                continue
            seen[record.key] = record.row
            row = self._compute(record)
            if row is not None and not self.bad_rows and not self.dry_run:
                spooled.append(row)
        if spooled:
            if self.spool is None:
                self.spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by run())
            data = marshal.dumps(spooled)
            self.spool.write(len(data).to_bytes(8, "little"))
            self.spool.write(data)

    def _payer(self, member_id: uuid.UUID, amount: str | None) -> PayerIn:
        key = (member_id, amount)
        payer = self._payers.get(key)
        if payer is None:
            if len(self._payers) > _CACHE_LIMIT:
                self._payers.clear()
            payer = self._payers[key] = PayerIn(member_id=member_id, amount=amount)
        return payer

    def _entry(self, mode: SplitMode, member_id: uuid.UUID, value: str | None) -> SplitEntryIn:
        key = (mode, member_id, value)
        entry = self._entries.get(key)
        if entry is None:
            if len(self._entries) > _CACHE_LIMIT:
                self._entries.clear()
            field_name = _FIELD_OF_MODE[mode]
            if field_name is None or value is None:
                if value is not None and mode is SplitMode.EQUAL:
                    raise ValidationError.at(("split",), "an equal split takes no values")
                entry = SplitEntryIn(member_id=member_id)
            else:
                entry = SplitEntryIn.model_validate({"member_id": member_id, field_name: value})
            self._entries[key] = entry
        return entry

    def _compute(self, record: Record) -> _Spooled | None:
        columns = self.columns
        try:
            payer_ids = [self.directory.resolve(ref) for ref, _ in record.paid_by]
            split_ids = [self.directory.resolve(ref) for ref, _ in record.split]
        except ValidationError as exc:
            self.problem([FieldError(("row", record.row, columns.paid_by), exc.errors[0].msg)])
            return None
        try:
            payers = [
                self._payer(m, amount)
                for m, (_, amount) in zip(payer_ids, record.paid_by, strict=True)
            ]
        except pydantic.ValidationError as exc:
            self.problem([self._pydantic_error(record, columns.paid_by, record.paid_by, exc)])
            return None
        try:
            split = SplitIn(
                mode=record.split_mode,
                entries=[
                    self._entry(record.split_mode, m, value)
                    for m, (_, value) in zip(split_ids, record.split, strict=True)
                ],
            )
        except pydantic.ValidationError as exc:
            self.problem([self._pydantic_error(record, columns.split, record.split, exc)])
            return None
        except ValidationError as exc:
            self.problem([FieldError(("row", record.row, columns.split), exc.errors[0].msg)])
            return None
        try:
            computed = compute(
                kind=record.kind,
                amount=record.amount,
                currency=record.currency,
                paid_by=payers,
                split=split,
                members=payer_ids + split_ids,
            )
        except ValidationError as exc:
            self.problem(self._relocate(record, exc))
            return None
        entries = computed.entries
        if record.entries is not None:
            expected = sorted(
                (str(self.directory.resolve(ref)), paid, owed) for ref, paid, owed in record.entries
            )
            if expected != sorted((str(e.member_id), e.paid, e.owed) for e in entries):
                self.problem(
                    [
                        FieldError(
                            ("row", record.row, "entries"),
                            "the entries do not match what the split computes to; "
                            "the document was changed by hand",
                        )
                    ]
                )
                return None
        if self.bad_rows:
            return None
        code = record.currency.code
        self.created += 1
        self.counts[code] += 1
        self.totals[code][record.kind] += record.amount
        if record.deleted_at is None:
            deltas = self.deltas[code]
            for e in entries:
                deltas[e.member_id] += e.paid - e.owed
        return (
            record.kind.value,
            record.description,
            record.amount,
            code,
            record.date.toordinal(),
            record.category,
            record.notes,
            record.split_mode.value,
            _dumps(computed.params),
            record.deleted_at.isoformat() if record.deleted_at else None,
            record.key,
            record.created_at.isoformat() if record.created_at else None,
            record.updated_at.isoformat() if record.updated_at else None,
            tuple((e.member_id.bytes, e.paid, e.owed) for e in entries),
        )

    def _relocate(self, record: Record, exc: ValidationError) -> list[FieldError]:
        """Errors from the split maths, pointed at the file's row and column."""
        columns = self.columns
        errors = []
        for error in exc.errors or (FieldError(("split",), exc.detail),):
            head = error.loc[0] if error.loc else "split"
            column = {
                "paid_by": columns.paid_by,
                "amount": columns.amount,
                "split": columns.split,
            }.get(str(head).split(".")[0], columns.split)
            pairs = record.paid_by if column == columns.paid_by else record.split
            msg = error.msg
            index = _index_in(error.loc)
            if index is not None and index < len(pairs):
                name, value = pairs[index]
                who = name.removeprefix(MEMBER_REF)
                msg = (
                    f"value {shown(value)} for {who}: {msg}"
                    if value is not None
                    else f"{who}: {msg}"
                )
            errors.append(FieldError(("row", record.row, column), msg))
        return errors

    def _pydantic_error(
        self,
        record: Record,
        column: str,
        pairs: list[tuple[str, str | None]],
        exc: pydantic.ValidationError,
    ) -> FieldError:
        first = exc.errors()[0]
        value = first.get("input")
        return FieldError(
            ("row", record.row, column), f"value {shown(value)}: {first.get('msg', 'invalid')}"
        )

    # -- pass 2 --

    async def write(self, source: Source) -> None:
        now = utcnow()
        async with self.session.begin_nested():
            try:
                await self._write(now, source)
            except (IntegrityError, WriteConflict) as exc:
                raise _conflict() from exc

    async def _write(self, now: dt.datetime, source: Source) -> None:
        # Later timestamps by a microsecond each keep the file's order in every listing
        # ordered by creation (members; transactions of the same date).
        tick = dt.timedelta(microseconds=1)
        for i, planned in enumerate(self.directory.new.values()):
            member = Member(
                id=planned.id,
                group_id=self.group_id,
                user_id=None,
                display_name=planned.name,
                role=planned.role,
                weight=planned.weight,
                created_at=now + i * tick,
                removed_at=now if planned.removed else None,
            )
            self.session.add(member)
            activity.record(
                self.session,
                self.actor,
                group_id=self.group_id,
                action="member.add",
                target_type="member",
                target_id=member.id,
                after=member_snapshot(member),
            )
        await self.session.flush()
        if self.progress is not None:
            self.progress(Progress("write", 0, source.bytes_read))
        if self.spool is not None:
            await self._write_spool(self.spool, now, source)
        for code, deltas in self.deltas.items():
            await balances.apply(
                self.session,
                group_id=self.group_id,
                currency=code,
                entries=[(m, d, 0) for m, d in deltas.items() if d],
                sign=1,
            )
        activity.record(
            self.session,
            self.actor,
            group_id=self.group_id,
            action="import",
            target_type="group",
            target_id=self.group_id,
            after={
                "format": self.parser.format,
                "created": self.created,
                "already_imported": self.already,
                "skipped": self.skipped,
                "new_members": [m.name for m in self.directory.new.values()],
                "totals": {
                    t.currency: t.model_dump(exclude={"currency"}) for t in self.totals_report()
                },
            },
        )
        await self.session.flush()

    async def _write_spool(self, spool: IO[bytes], now: dt.datetime, source: Source) -> None:
        """Insert the spooled rows, one batch at a time.

        Each batch's INSERT/COPY runs as a task while the next batch is being prepared
        (with a yield to the event loop every few hundred rows), so the database's own work
        on a batch overlaps with Python's work on the next one. Only one statement is ever
        in flight, and nothing else touches the session meanwhile.
        """
        tick = dt.timedelta(microseconds=1)
        group_id, actor_id = self.group_id, self.actor.id
        members: dict[bytes, uuid.UUID] = {}
        written = 0
        pending: asyncio.Task[None] | None = None
        spool.seek(0)
        try:
            while size := int.from_bytes(spool.read(8), "little"):
                batch: list[_Spooled] = marshal.loads(spool.read(size))  # noqa: S302 (ours)
                txs: list[TxRow] = []
                entries: list[EntryRow] = []
                for row in batch:
                    tx_id = uuid.uuid4()
                    created = now + written * tick
                    written += 1
                    txs.append(
                        (
                            tx_id,
                            group_id,
                            row[0],
                            row[1],
                            row[2],
                            row[3],
                            dt.date.fromordinal(row[4]),
                            row[5],
                            row[6],
                            row[7],
                            row[8],
                            actor_id,
                            dt.datetime.fromisoformat(row[9]) if row[9] else None,
                            row[10],
                            1,
                            dt.datetime.fromisoformat(row[11]) if row[11] else created,
                            dt.datetime.fromisoformat(row[12]) if row[12] else created,
                        )
                    )
                    for position, (m, paid, owed) in enumerate(row[13]):
                        member_id = members.get(m)
                        if member_id is None:
                            member_id = members[m] = uuid.UUID(bytes=m)
                        entries.append((tx_id, member_id, group_id, position, paid, owed))
                    if not written % 256:
                        await asyncio.sleep(0)  # let the batch in flight progress
                if pending is not None:
                    await pending
                pending = asyncio.ensure_future(insert_rows(self.session, txs, entries))
                await asyncio.sleep(0)
                if self.progress is not None:
                    self.progress(Progress("write", written - len(txs), source.bytes_read))
            if pending is not None:
                task, pending = pending, None
                await task
            if self.progress is not None:
                self.progress(Progress("write", written, source.bytes_read))
        finally:
            if pending is not None:  # an error while preparing: let the statement finish
                with contextlib.suppress(Exception):
                    await pending

    # -- report --

    def totals_report(self) -> list[CurrencyTotal]:
        return [
            CurrencyTotal(
                currency=code,
                transactions=self.counts[code],
                expenses=format_amount(sums[TransactionKind.EXPENSE], code),
                income=format_amount(sums[TransactionKind.INCOME], code),
                transfers=format_amount(sums[TransactionKind.TRANSFER], code),
            )
            for code, sums in sorted(self.totals.items())
        ]

    async def report(self, current: dict[str, dict[uuid.UUID, int]]) -> ImportReport:
        """The report; ``current`` is the group's balances before the import."""
        directory = self.directory
        new_ids = {m.id for m in directory.new.values()}
        rows: list[ImportBalance] = []
        for code in sorted(set(current) | set(self.deltas)):
            before = current.get(code, {})
            deltas = self.deltas.get(code, {})
            for member_id in sorted(
                set(before) | set(deltas), key=lambda m: directory.order.get(m, 0)
            ):
                hidden = self.dry_run and member_id in new_ids
                rows.append(
                    ImportBalance(
                        member_id=None if hidden else member_id,
                        display_name=directory.names.get(member_id, str(member_id)),
                        currency=code,
                        balance=format_amount(
                            before.get(member_id, 0) + deltas.get(member_id, 0), code
                        ),
                    )
                )
        return ImportReport(
            format=self.parser.format,
            dry_run=self.dry_run,
            rows=self.rows,
            created=self.created,
            already_imported=self.already,
            skipped=self.skipped,
            new_members=[
                ImportedMember(
                    display_name=m.name,
                    member_id=None if self.dry_run else m.id,
                    role=m.role,
                    weight=canonical_decimal(m.weight),
                )
                for m in directory.new.values()
            ],
            totals=self.totals_report(),
            balances=rows,
            warnings=self.warnings[: self.options.error_limit],
        )


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _index_in(loc: tuple[str | int, ...]) -> int | None:
    for part in loc:
        if isinstance(part, int):
            return part
        if isinstance(part, str) and "." in part:  # "paid_by.1.amount"
            for piece in part.split("."):
                if piece.isdigit():
                    return int(piece)
    return None


async def _existing_keys(session: AsyncSession, group_id: uuid.UUID, keys: list[str]) -> set[str]:
    """Which of ``keys`` the group has already: one query per batch.

    PostgreSQL gets the keys as one array parameter (``= ANY(:keys)``), so the statement is
    the same for every batch and prepared once; elsewhere an expanding ``IN``.
    """
    column = Transaction.import_key
    if session.get_bind().dialect.name == "postgresql":
        condition = column == any_(bindparam("keys", keys, type_=postgresql.ARRAY(String)))
    else:
        condition = column.in_(keys)
    rows = await session.scalars(select(column).where(Transaction.group_id == group_id, condition))
    return {key for key in rows if key is not None}


def _conflict() -> ConflictError:
    return ConflictError(
        "an import key is already taken: the file names the same transaction twice, or "
        "another import of these rows ran at the same time; run the import again"
    )


async def run(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    source: BinaryIO | IO[bytes] | Iterable[bytes],
    *,
    format: str | None = None,
    options: ImportOptions | None = None,
    dry_run: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> ImportReport:
    """Import ``source`` into the group; see :mod:`pennywise_core.imports`."""
    from ._detect import detect
    from ._formats import parser_class

    options = options or ImportOptions()
    if options.error_limit < 1 or options.batch_size < 1:
        raise ValidationError.at("options", "error_limit and batch_size must be at least 1")
    found = await membership(session, actor, group_id, min_role=Role.MEMBER, writable=True)
    src = Source(source)
    try:
        name = format or ("bank-csv" if options.bank is not None else detect(src.head()))
        parser_type = parser_class(name)
        warnings: list[str] = []

        def warn(message: str) -> None:
            if message not in warnings and len(warnings) < options.error_limit:
                warnings.append(message)

        members = list(
            (
                await session.scalars(
                    select(Member)
                    .where(Member.group_id == group_id)
                    .order_by(Member.created_at, Member.id)
                )
            ).all()
        )
        directory = _Directory(members, options.member_map, warn)
        context = ParseContext(
            group_currency=found.group.default_currency,
            currency=options.currency,
            warn=warn,
            default_members=[MEMBER_REF + str(m.id) for m in members if m.removed_at is None],
            actor_ref=MEMBER_REF + str(found.member.id),
        )
        parser = parser_type(context, options)
        state = _Run(
            session,
            actor,
            group_id,
            parser,
            directory,
            options,
            dry_run=dry_run,
            actor_role=found.role,
            warnings=warnings,
            progress=progress,
        )
        try:
            try:
                if parser.needs_prescan:
                    parser.prescan(src.text(parser.encoding, keep=True))
                    text = src.again(parser.encoding)
                else:
                    text = src.text(parser.encoding)
                await state.validate(src, parser.items(text))
            except UnicodeDecodeError as exc:
                raise decoding_error(exc, parser.encoding) from None
            if state.bad_rows:
                shown_note = (
                    f" (the first {len(state.errors)} errors are listed)"
                    if state.bad_rows > len(state.errors)
                    else ""
                )
                first = state.errors[0] if state.errors else None
                raise ValidationError(
                    f"{state.bad_rows} bad row{'s' if state.bad_rows != 1 else ''} in the "
                    f"{name} file; nothing was imported{shown_note}"
                    + (f". First: {first}" if first else ""),
                    state.errors,
                )
            if directory.new and found.role.rank < Role.ADMIN.rank:
                names = ", ".join(m.name for m in directory.new.values())
                if not dry_run:
                    raise PermissionDeniedError(
                        f"this import adds members ({names}); only an admin can add members. "
                        "Map them to existing members with member_map, or ask an admin"
                    )
                warn(f"only an admin can run this import: it adds members ({names})")
            before = await balances.amounts(session, group_id)
            if not dry_run:
                await state.write(src)
            return await state.report(before)
        finally:
            if state.spool is not None:
                state.spool.close()
    finally:
        src.close()
