from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recurring_rule_read_status import (
    RecurringRuleReadStatus,
    check_recurring_rule_read_status,
)

if TYPE_CHECKING:
    from ..models.recurring_rule_read_transaction import RecurringRuleReadTransaction
    from ..models.schedule_read import ScheduleRead


T = TypeVar("T", bound="RecurringRuleRead")


@_attrs_define
class RecurringRuleRead:
    """
    Attributes:
        id (UUID):
        group_id (UUID):
        transaction (RecurringRuleReadTransaction):
        schedule (ScheduleRead):
        status (RecurringRuleReadStatus):
        next_date (datetime.date | None):
        done_through (datetime.date | None):
        created_by (None | UUID):
        version (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: UUID
    group_id: UUID
    transaction: RecurringRuleReadTransaction
    schedule: ScheduleRead
    status: RecurringRuleReadStatus
    next_date: datetime.date | None
    done_through: datetime.date | None
    created_by: None | UUID
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        group_id = str(self.group_id)

        transaction = self.transaction.to_dict()

        schedule = self.schedule.to_dict()

        status: str = self.status

        next_date: None | str
        if isinstance(self.next_date, datetime.date):
            next_date = self.next_date.isoformat()
        else:
            next_date = self.next_date

        done_through: None | str
        if isinstance(self.done_through, datetime.date):
            done_through = self.done_through.isoformat()
        else:
            done_through = self.done_through

        created_by: None | str
        if isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        version = self.version

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        updated_at = self.updated_at.isoformat().replace("+00:00", "Z")

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "group_id": group_id,
                "transaction": transaction,
                "schedule": schedule,
                "status": status,
                "next_date": next_date,
                "done_through": done_through,
                "created_by": created_by,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.recurring_rule_read_transaction import RecurringRuleReadTransaction
        from ..models.schedule_read import ScheduleRead

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        group_id = UUID(d.pop("group_id"))

        transaction = RecurringRuleReadTransaction.from_dict(d.pop("transaction"))

        schedule = ScheduleRead.from_dict(d.pop("schedule"))

        status = check_recurring_rule_read_status(d.pop("status"))

        def _parse_next_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_date_type_0 = datetime.date.fromisoformat(data)

                return next_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        next_date = _parse_next_date(d.pop("next_date"))

        def _parse_done_through(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                done_through_type_0 = datetime.date.fromisoformat(data)

                return done_through_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        done_through = _parse_done_through(d.pop("done_through"))

        def _parse_created_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        created_by = _parse_created_by(d.pop("created_by"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        recurring_rule_read = cls(
            id=id,
            group_id=group_id,
            transaction=transaction,
            schedule=schedule,
            status=status,
            next_date=next_date,
            done_through=done_through,
            created_by=created_by,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
        )

        recurring_rule_read.additional_properties = d
        return recurring_rule_read

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
