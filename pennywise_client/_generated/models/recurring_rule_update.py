from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.schedule_in import ScheduleIn
    from ..models.template_update import TemplateUpdate


T = TypeVar("T", bound="RecurringRuleUpdate")


@_attrs_define
class RecurringRuleUpdate:
    """What to change; applies to the occurrences still to come (past ones stay).

    Attributes:
        transaction (None | TemplateUpdate | Unset):
        schedule (None | ScheduleIn | Unset):
    """

    transaction: None | TemplateUpdate | Unset = UNSET
    schedule: None | ScheduleIn | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.schedule_in import ScheduleIn
        from ..models.template_update import TemplateUpdate

        transaction: dict[str, Any] | None | Unset
        if isinstance(self.transaction, Unset):
            transaction = UNSET
        elif isinstance(self.transaction, TemplateUpdate):
            transaction = self.transaction.to_dict()
        else:
            transaction = self.transaction

        schedule: dict[str, Any] | None | Unset
        if isinstance(self.schedule, Unset):
            schedule = UNSET
        elif isinstance(self.schedule, ScheduleIn):
            schedule = self.schedule.to_dict()
        else:
            schedule = self.schedule

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if transaction is not UNSET:
            field_dict["transaction"] = transaction
        if schedule is not UNSET:
            field_dict["schedule"] = schedule

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.schedule_in import ScheduleIn
        from ..models.template_update import TemplateUpdate

        d = dict(src_dict)

        def _parse_transaction(data: object) -> None | TemplateUpdate | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                transaction_type_0 = TemplateUpdate.from_dict(data)

                return transaction_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TemplateUpdate | Unset, data)

        transaction = _parse_transaction(d.pop("transaction", UNSET))

        def _parse_schedule(data: object) -> None | ScheduleIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                schedule_type_0 = ScheduleIn.from_dict(data)

                return schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ScheduleIn | Unset, data)

        schedule = _parse_schedule(d.pop("schedule", UNSET))

        recurring_rule_update = cls(
            transaction=transaction,
            schedule=schedule,
        )

        return recurring_rule_update
