"""The import engine: one streaming pass that validates and writes, kept only if all is good.

The source is read once, forward, in bounded memory. Each row is parsed by the format's
parser, its members are matched (user mapping, then name, case-insensitive, else a planned
placeholder), and its entries are computed exactly as ``transactions.create`` would: by
:class:`pennywise_core.splits.FastCompute` for the plainly valid row, and by the input
schemas and :func:`pennywise_core.splits.compute` for any other (which also word its
errors). Rows are handled in batches: one ``SELECT import_key …`` per batch tells the rows
imported before (skipped) from the new ones. Every bad row is collected (up to
``error_limit`` errors; all of them are counted).

The new rows of a batch are written as soon as they are valid, in pieces, while the next
rows are read and computed (COPY on PostgreSQL, multi-row INSERTs on SQLite; one
statement in flight at a time, so the database works while Python reads), inside a
SAVEPOINT, after the placeholders they name. Writing stops, and the SAVEPOINT is rolled
back, the moment the import cannot succeed: a bad row, a member's import that needs new
people, an import key taken (by a concurrent import, or because the file names a row twice
in different batches; a key this import wrote is told from the group's by its transaction
id, see :class:`._ids.IdBlock`). The rest of the file is then only validated, so every bad row
is still reported, and the outcome is the one it would be had nothing been written before
the last row was read. A dry run writes nothing.

Records the file says repeat are gathered by series as they go by (:mod:`._recurrence`),
and once every row is read the rules they become are planned (a series that cannot be a
rule is a bad row of its latest record).

Then: any bad row → :class:`~pennywise_core.errors.ValidationError` listing them, nothing
written. Dry run → the report, nothing written. Otherwise, still inside the SAVEPOINT: the
placeholders no row named, the balance deltas once per currency, the recurring rules, and
one activity record for the import. The caller commits, as with every service.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import IO, Any, BinaryIO

import pydantic
from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from pennywise_core.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pennywise_core.models import (
    Group,
    Member,
    Role,
    SplitMode,
    Transaction,
    TransactionKind,
    User,
    utcnow,
)
from pennywise_core.money import Currency, allocate, format_amount, get_currency, parse_amount
from pennywise_core.rates import RateQuote, convert_amount, format_rate
from pennywise_core.rows import EntryRow, RowBuilder, TxRow, WriteConflict, Writer, dumps_params
from pennywise_core.schemas import PayerIn, SplitEntryIn, SplitIn
from pennywise_core.services import activity, balances, rates
from pennywise_core.services.access import membership
from pennywise_core.services.members import in_default_split
from pennywise_core.services.members import snapshot as member_snapshot
from pennywise_core.splits import FastCompute, compute
from pennywise_core.vocabulary import SPLIT_VALUE_FIELD

from ._common import (
    MEMBER_REF,
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
from ._detect import detect
from ._directory import Directory, NewMember
from ._formats import parser_class
from ._ids import IdBlock
from ._recurrence import PlannedRule, SeriesBook
from ._report import (
    CurrencyTotal,
    ImportBalance,
    ImportedMember,
    ImportReport,
    InvalidRow,
    KeptInNotes,
    Progress,
)
from ._source import Source, decoding_error

_CACHE_LIMIT = 4096


# --- the engine -----------------------------------------------------------------------------

_FIRST_PIECE = 64
"""Rows in the first write of a batch: small, so the database is soon busy again after the
batch's key look-up (a statement nothing else can overlap)."""
_PIECE = 1024
"""Rows in each further write (COPYs or INSERTs) of a batch."""
_YIELD_EVERY = 32
"""While a write is in flight, rows handled between two turns of the event loop: a write is
several exchanges with the database, each of which waits for such a turn."""


class _Run:
    def __init__(
        self,
        session: AsyncSession,
        actor: User,
        group_id: uuid.UUID,
        parser: BaseParser,
        directory: Directory,
        options: ImportOptions,
        *,
        dry_run: bool,
        actor_role: Role,
        warnings: list[str],
        progress: Callable[[Progress], None] | None,
        skip_invalid: bool = False,
        group: Group | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.group_id = group_id
        self.group = group
        self._quotes: dict[tuple[str, dt.date], RateQuote] = {}
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
        """Rows that fail the import (none with ``skip_invalid``: see :meth:`problem`)."""
        self.skip_invalid = skip_invalid
        self.invalid = 0
        self.invalid_errors: list[FieldError] = []
        self._named: set[uuid.UUID] = set()
        """With ``skip_invalid``: the members the good rows name (a placeholder that only
        a bad row names is not created)."""
        self.rows = 0
        self.created = 0
        self.already = 0
        self.skipped = 0
        self.totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.counts: dict[str, int] = defaultdict(int)
        self.kept: dict[str, tuple[int, list[int]]] = {}
        """Per kept field: transactions, first rows (see :class:`KeptInNotes`)."""
        self._deltas: dict[str, dict[int, int]] = defaultdict(dict)
        """Per currency, ``{member index: Σpaid − Σowed}`` of every member a row touches."""
        self.batch: list[Record] = []
        self._fast_compute = FastCompute(directory.id_text)
        self._payers: dict[tuple[uuid.UUID, str | None], PayerIn] = {}
        self._entries: dict[tuple[SplitMode, uuid.UUID, str | None], SplitEntryIn] = {}
        # Writing while validating (see the module docstring).
        self.now = utcnow()
        self.writer: Writer | None = None if dry_run else Writer(session)
        """None once nothing more is written: a dry run, or the import is bound to fail."""
        self.conflict = False
        """An import key was taken (a concurrent import, or a row the file names twice)."""
        self.savepoint: AsyncSessionTransaction | None = None
        self.written = 0
        self._pending: asyncio.Task[None] | None = None
        self._placed: set[uuid.UUID] = set()
        self._ids = IdBlock()
        self._builder = (
            None
            if self.writer is None
            else RowBuilder(self.writer, group_id=group_id, created_by=actor.id, now=self.now)
        )
        self._member_hex: list[str] = []
        self.series = SeriesBook(
            parser.columns,
            group_currency=group.default_currency if group is not None else "",
            convert=options.convert,
        )
        self.rules: list[PlannedRule] = []
        """The recurring rules to create (planned once every row is read)."""

    # -- pass 1: validate (and write) --

    def problem(self, errors: Iterable[FieldError]) -> None:
        """A bad row: it fails the import, or (``skip_invalid``) is left out and listed."""
        if self.skip_invalid:
            self.invalid += 1
            for error in errors:
                if len(self.invalid_errors) < self.options.error_limit:
                    self.invalid_errors.append(error)
            return
        self.bad_rows += 1
        for error in errors:
            if len(self.errors) < self.options.error_limit:
                self.errors.append(error)

    async def validate(self, source: Source, parser_items: Iterable[Any]) -> None:
        batch_size = self.options.batch_size
        since_yield = 0
        for item in parser_items:
            if isinstance(item, Record):
                self.rows += 1
                self.batch.append(item)
                if len(self.batch) >= batch_size:
                    await self.flush_batch()
                    if self.progress is not None:
                        self.progress(Progress("validate", self.rows, source.bytes_read))
                elif self._pending is not None:
                    since_yield += 1
                    if since_yield >= _YIELD_EVERY:  # let the write in flight go on
                        since_yield = 0
                        await asyncio.sleep(0)
            elif isinstance(item, Problem):
                self.problem(item.errors)
            elif isinstance(item, MemberDecl):
                self._declare(item)
            elif isinstance(item, Skipped):
                self.skipped += 1
        await self.flush_batch()
        await self._settle()
        if self.series and not self.bad_rows:
            self.rules, errors = await self.series.plan(self.session, self.directory)
            for error in errors:
                self.problem([error])
        if self.bad_rows:
            await self.stop()
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
        existing: dict[str, uuid.UUID] = {}
        ours: set[str] = set()
        if not self.bad_rows:
            existing, ours = await self._existing([r.key for r in batch])
        seen: dict[str, int] = {}
        rows: list[tuple[Record, list[tuple[int, int, int]], str]] = []
        piece = _FIRST_PIECE
        since_yield = 0
        for record in batch:
            if self._pending is not None:
                since_yield += 1
                if since_yield >= _YIELD_EVERY:  # let the write in flight go on
                    since_yield = 0
                    await asyncio.sleep(0)
            if record.key in existing:
                self.already += 1
                if record.recurrence is not None:
                    self.series.add(record, existing[record.key])
                continue
            if record.key in ours:  # skip_invalid: written from an earlier batch
                self.problem(
                    [
                        FieldError(
                            ("row", record.row),
                            f"the same transaction as an earlier row (import key "
                            f"{record.key!r}); a file names each transaction once",
                        )
                    ]
                )
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
            as_read = record
            if (
                self.options.convert
                and record.conversion is None
                and record.kind is not TransactionKind.CONVERSION
            ):
                converted = await self._convert(record)
                if converted is None:
                    if record.recurrence is not None:
                        self.series.add(record, valid=False)
                    continue
                record = converted
            computed = self._compute(record)
            if record.recurrence is not None:
                self.series.add(as_read, valid=computed is not None)
            if computed is not None and self.writer is not None:
                rows.append((record, *computed))
                if len(rows) >= piece:
                    await self._write(rows)
                    rows, piece = [], _PIECE
        if rows:
            await self._write(rows)

    async def _convert(self, record: Record) -> Record | None:
        """``record`` booked in the group's currency (``ImportOptions.convert``), or None
        after reporting why it cannot be (no rate for its currency and day; amounts in its
        payers or an adjustment split that cannot be divided in proportion)."""
        assert self.group is not None
        target = get_currency(self.group.default_currency)
        source = record.currency
        if source.code == target.code:
            return record
        where = ("row", record.row, self.columns.currency)
        key = (source.code, record.date)
        quote = self._quotes.get(key)
        if quote is None:
            try:
                quote = await rates.quote(self.session, self.group, source.code, record.date)
            except NotFoundError as exc:
                self.problem([FieldError(where, exc.detail)])
                return None
            self._quotes[key] = quote
        amount = convert_amount(record.amount, source, quote.rate, target)
        if amount <= 0:
            self.problem([FieldError(where, f"is 0 {target.code} once converted")])
            return None
        try:
            paid_by = _in_proportion(record.paid_by, record.amount, amount, source, target)
            split = record.split
            if record.split_mode is SplitMode.EXACT:
                split = _in_proportion(split, record.amount, amount, source, target)
            elif record.split_mode is SplitMode.ADJUSTMENT and any(v for _, v in split):
                raise ValidationError.at(
                    "split", "an adjustment split's extras cannot be converted; import it as is"
                )
        except ValidationError as exc:
            self.problem([FieldError(where, exc.errors[0].msg if exc.errors else exc.detail)])
            return None
        return dataclasses.replace(
            record,
            amount=amount,
            currency=target,
            paid_by=paid_by,
            split=split,
            entries=None,
            conversion={
                "amount": record.amount,
                "currency": source.code,
                "rate": format_rate(quote.rate),
                "source": quote.source,
                "date": quote.valid_from.isoformat(),
            },
        )

    async def _existing(self, keys: list[str]) -> tuple[dict[str, uuid.UUID], set[str]]:
        """The keys the group had before this import (with their transaction), and
        (``skip_invalid``) those this import wrote. A key this import wrote (the file names
        a transaction twice, in different batches) is a conflict, as the database's unique
        constraint would say; with ``skip_invalid`` the later row is a bad row instead."""
        await self._settle()
        found = await _existing_keys(self.session, self.group_id, keys)
        ours = {key for key, tx_id in found.items() if tx_id in self._ids}
        before = {key: tx_id for key, tx_id in found.items() if key not in ours}
        if self.skip_invalid:
            return before, ours
        if ours and self.savepoint is not None:
            self.conflict = True
            await self.stop()
        return before, set()

    async def _write(self, rows: list[tuple[Record, list[tuple[int, int, int]], str]]) -> None:
        """Start writing ``rows`` (valid so far) once the previous write is done."""
        if self.bad_rows:
            await self.stop()
            return
        txs, entries = self._tuples(rows)  # while the previous write goes on
        await self._settle()
        if self.writer is None:
            return
        if self.savepoint is None:
            self.savepoint = await self.session.begin_nested()
        if any(m.id not in self._placed for m in self.new_members()):
            if self.actor_role.rank < Role.ADMIN.rank:  # refused after pass 1 anyway
                await self.stop()
                return
            try:
                await self._place_members()
            except IntegrityError:
                self.conflict = True
                await self.stop()
                return
        self._pending = asyncio.ensure_future(self.writer.insert(txs, entries))
        self.written += len(txs)
        await asyncio.sleep(0)  # send it

    def _tuples(
        self, rows: list[tuple[Record, list[tuple[int, int, int]], str]]
    ) -> tuple[list[TxRow], list[EntryRow]]:
        """The rows to insert, from :class:`~pennywise_core.rows.RowBuilder` (the one that
        ``transactions.create`` uses), with ids from the import's :class:`IdBlock`."""
        writer, builder = self.writer, self._builder
        assert writer is not None
        assert builder is not None
        ids, member_hex = self.directory.ids, self._member_hex
        while len(member_hex) < len(ids):
            member_hex.append(writer.uuid(ids[len(member_hex)]))
        add = builder.add
        for (record, computed, params), tx_id in zip(rows, self._ids.take(len(rows)), strict=True):
            if record.recurrence is not None:
                self.series.written(record.key, uuid.UUID(hex=tx_id))
            add(
                tx_id,
                record.kind._value_,
                record.description,
                record.amount,
                record.currency.code,
                record.date,
                record.category,
                record.notes,
                record.split_mode._value_,
                params,
                computed,
                member_hex,
                import_key=record.key,
                conversion=None if record.conversion is None else dumps_params(record.conversion),
                deleted_at=record.deleted_at,
                created_at=record.created_at,
                updated_at=record.updated_at,
            )
        return builder.take()

    async def _place_members(self) -> None:
        """Add the placeholders planned since the last call (before rows that name them)."""
        # Later timestamps by a microsecond each keep the file's order in every listing
        # ordered by creation (members; transactions of the same date).
        tick = dt.timedelta(microseconds=1)
        kept = {m.id for m in self.new_members()}
        for i, new in enumerate(self.directory.new.values()):
            if new.id in self._placed or new.id not in kept:
                continue
            self._placed.add(new.id)
            member = Member(
                id=new.id,
                group_id=self.group_id,
                user_id=None,
                display_name=new.name,
                role=new.role,
                weight=new.weight,
                created_at=self.now + i * tick,
                removed_at=self.now if new.removed else None,
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

    def new_members(self) -> list[NewMember]:
        """The placeholders to create: every one planned, or (``skip_invalid``) those a kept
        row names and those the file declares eagerly."""
        planned = self.directory.new.values()
        if not self.skip_invalid:
            return list(planned)
        return [m for m in planned if m.eager or m.id in self._named]

    async def _settle(self) -> None:
        """Wait for the write in flight; a refused one (a key taken) stops the writing."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            await pending
        except WriteConflict:
            self.conflict = True
            await self.stop()

    async def stop(self) -> None:
        """Write nothing more, and take back what was written: the import cannot succeed."""
        self.writer = None
        await self._settle()
        savepoint, self.savepoint = self.savepoint, None
        if savepoint is not None:
            await savepoint.rollback()

    async def abandon(self) -> None:
        """After an unexpected error: leave the session as it was before the import."""
        self.writer = None
        pending, self._pending = self._pending, None
        if pending is not None:
            with contextlib.suppress(Exception):
                await pending
        savepoint, self.savepoint = self.savepoint, None
        if savepoint is not None and savepoint.is_active:
            with contextlib.suppress(Exception):
                await savepoint.rollback()

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
            field_name = SPLIT_VALUE_FIELD[mode]
            if field_name is None or value is None:
                if value is not None and mode is SplitMode.EQUAL:
                    raise ValidationError.at(("split",), "an equal split takes no values")
                entry = SplitEntryIn(member_id=member_id)
            else:
                entry = SplitEntryIn.model_validate({"member_id": member_id, field_name: value})
            self._entries[key] = entry
        return entry

    def _compute(self, record: Record) -> tuple[list[tuple[int, int, int]], str] | None:
        directory = self.directory
        ref_index = directory.ref_index
        result: tuple[list[tuple[int, int, int]], str] | None = None
        try:
            try:
                payers = [(ref_index[ref], amount) for ref, amount in record.paid_by]
                split = [(ref_index[ref], value) for ref, value in record.split]
            except KeyError:  # a ref seen for the first time
                payers = [(directory.index_of(ref), amount) for ref, amount in record.paid_by]
                split = [(directory.index_of(ref), value) for ref, value in record.split]
        except ValidationError:
            pass  # the full path below says where
        else:
            result = self._fast_compute(
                record.kind, record.amount, record.currency, payers, record.split_mode, split
            )
        if result is None:
            result = self._compute_checked(record)
            if result is None:
                return None
        entries, params = result
        if record.entries is not None:
            expected = sorted(
                (str(directory.resolve(ref)), paid, owed) for ref, paid, owed in record.entries
            )
            id_text = directory.id_text
            if expected != sorted((id_text[m], paid, owed) for m, paid, owed in entries):
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
        if self.skip_invalid:
            resolve = directory.resolve
            self._named.update(resolve(ref) for ref, _ in record.paid_by)
            self._named.update(resolve(ref) for ref, _ in record.split)
        code = record.currency.code
        self.created += 1
        if record.kept:
            self._keep(record)
        self.counts[code] += 1
        self.totals[code][record.kind._value_] += record.amount
        if record.deleted_at is None:
            deltas = self._deltas[code]
            get = deltas.get
            for m, paid, owed in entries:
                deltas[m] = get(m, 0) + paid - owed
        return entries, params

    def _keep(self, record: Record) -> None:
        for name in record.kept:
            count, rows = self.kept.get(name, (0, []))
            if len(rows) < 10:
                rows.append(record.row)
            self.kept[name] = (count + 1, rows)

    def _compute_checked(self, record: Record) -> tuple[list[tuple[int, int, int]], str] | None:
        """The full path: through the input schemas and :func:`compute`, errors located."""
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
        index = self.directory.member_index
        entries = [(index(e.member_id), e.paid, e.owed) for e in computed.entries]
        return entries, dumps_params(computed.params)

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

    # -- pass 2: finish --

    async def write(self, source: Source) -> None:
        """The rest, once every row is valid: wait for the last write, add the members no
        row names (the lossless format's), apply the balance deltas, record the import."""
        try:
            await self._settle()
            if self.conflict:
                raise WriteConflict("an import key is taken")
            if self.progress is not None:
                self.progress(Progress("write", self.written, source.bytes_read))
            if self.savepoint is None:
                self.savepoint = await self.session.begin_nested()
            await self._place_members()
            # Every currency's deltas in one statement, in lock order (see apply_changes).
            await balances.apply_changes(
                self.session,
                group_id=self.group_id,
                changes={
                    (code, m): d
                    for code, deltas in self.deltas().items()
                    for m, d in deltas.items()
                    if d
                },
            )
            await self.series.create(self.session, self.actor, self.group_id, self.rules)
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
                    "new_members": [m.name for m in self.new_members()],
                    "invalid": self.invalid,
                    "recurring_rules_created": len(self.rules),
                    "totals": {
                        t.currency: t.model_dump(exclude={"currency"}) for t in self.totals_report()
                    },
                },
            )
            await self.session.flush()
        except (IntegrityError, WriteConflict) as exc:
            await self.abandon()
            raise _conflict() from exc
        savepoint, self.savepoint = self.savepoint, None
        await savepoint.commit()
        if self.progress is not None:
            self.progress(Progress("write", self.written, source.bytes_read))

    # -- report --

    def deltas(self) -> dict[str, dict[uuid.UUID, int]]:
        """Per currency, every member the rows touch and their balance change."""
        ids = self.directory.ids
        return {
            code: {ids[m]: d for m, d in deltas.items()} for code, deltas in self._deltas.items()
        }

    def totals_report(self) -> list[CurrencyTotal]:
        return [
            CurrencyTotal(
                currency=code,
                transactions=self.counts[code],
                expenses=format_amount(sums[TransactionKind.EXPENSE.value], code),
                income=format_amount(sums[TransactionKind.INCOME.value], code),
                transfers=format_amount(sums[TransactionKind.TRANSFER.value], code),
            )
            for code, sums in sorted(self.totals.items())
        ]

    async def report(self, current: dict[str, dict[uuid.UUID, int]]) -> ImportReport:
        """The report; ``current`` is the group's balances before the import."""
        directory = self.directory
        new = self.new_members()
        new_ids = {m.id for m in new}
        rows: list[ImportBalance] = []
        all_deltas = self.deltas()
        for code in sorted(set(current) | set(all_deltas)):
            before = current.get(code, {})
            deltas = all_deltas.get(code, {})
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
                for m in new
            ],
            totals=self.totals_report(),
            balances=rows,
            warnings=self.warnings[: self.options.error_limit],
            invalid=self.invalid,
            invalid_rows=[_invalid_row(e) for e in sorted(self.invalid_errors, key=_row_of)],
            kept_in_notes=[
                KeptInNotes(field=name, transactions=count, rows=rows)
                for name, (count, rows) in self.kept.items()
            ],
            recurring_rules_created=len(self.rules),
        )


def _row_of(error: FieldError) -> int:
    loc = error.loc
    return loc[1] if len(loc) > 1 and loc[0] == "row" and isinstance(loc[1], int) else 0


def _invalid_row(error: FieldError) -> InvalidRow:
    """``("row", 17, "Cost")`` → row 17, column Cost."""
    loc = error.loc
    if len(loc) > 1 and loc[0] == "row" and isinstance(loc[1], int):
        rest = ".".join(str(part) for part in loc[2:])
        return InvalidRow(row=loc[1], column=rest or None, message=error.msg)
    return InvalidRow(row=None, column=".".join(map(str, loc)) or None, message=error.msg)


def _index_in(loc: tuple[str | int, ...]) -> int | None:
    for part in loc:
        if isinstance(part, int):
            return part
        if isinstance(part, str) and "." in part:  # "paid_by.1.amount"
            for piece in part.split("."):
                if piece.isdigit():
                    return int(piece)
    return None


def _in_proportion(
    parts: list[tuple[str, str | None]],
    total: int,
    converted: int,
    source: Currency,
    target: Currency,
) -> list[tuple[str, str | None]]:
    """Amounts that add up to ``total`` in ``source`` as amounts that add up to
    ``converted`` in ``target``, each in proportion (largest remainder): how a converted
    row's payers or exact split keep adding up. Parts without an amount stay without."""
    if all(value is None for _, value in parts):
        return parts
    amounts = [parse_amount(value or "0", source, field="split") for _, value in parts]
    if sum(amounts) != total:
        raise ValidationError.at("split", "the amounts do not add up to the row's amount")
    shares = allocate(converted, amounts)
    return [
        (ref, format_amount(share, target)) for (ref, _), share in zip(parts, shares, strict=True)
    ]


async def _existing_keys(
    session: AsyncSession, group_id: uuid.UUID, keys: list[str]
) -> dict[str, uuid.UUID]:
    """Which of ``keys`` the group has already, with their transaction: one query per batch.

    The keys travel as one parameter, so the statement is the same for every batch and
    compiled (and on PostgreSQL prepared) once: an array (``= ANY(:keys)``) on PostgreSQL,
    a JSON array read by ``json_each`` on SQLite.
    """
    column = Transaction.import_key
    if session.get_bind().dialect.name == "postgresql":
        condition = column == any_(bindparam("keys", keys, type_=postgresql.ARRAY(String)))
    else:
        listed = func.json_each(bindparam("keys", json.dumps(keys), type_=String)).table_valued(
            "value"
        )
        condition = column.in_(select(listed.c.value))
    rows = await session.execute(
        select(column, Transaction.id).where(Transaction.group_id == group_id, condition)
    )
    return {key: tx_id for key, tx_id in rows if key is not None}


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
    skip_invalid: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> ImportReport:
    """Import ``source`` into the group; see :mod:`pennywise_core.imports`.

    ``skip_invalid``: import the good rows and list each bad one in the report
    (``invalid``, ``invalid_rows``), rather than refuse the whole file."""
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
        directory = Directory(members, options.member_map, warn)
        context = ParseContext(
            group_currency=found.group.default_currency,
            currency=options.currency,
            warn=warn,
            default_members=[
                MEMBER_REF + str(m.id)
                for m in members
                if m.removed_at is None and in_default_split(m)
            ],
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
            skip_invalid=skip_invalid,
            group=found.group,
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
            new_members = state.new_members()
            if new_members and found.role.rank < Role.ADMIN.rank:
                names = ", ".join(m.name for m in new_members)
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
        except BaseException:
            await state.abandon()  # nothing of the import stays in the session
            raise
    finally:
        src.close()
