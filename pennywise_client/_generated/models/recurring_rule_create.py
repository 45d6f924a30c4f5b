from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.schedule_in import ScheduleIn
    from ..models.transaction_template import TransactionTemplate


T = TypeVar("T", bound="RecurringRuleCreate")


@_attrs_define
class RecurringRuleCreate:
    """
    Attributes:
        transaction (TransactionTemplate): A transaction as `POST /transactions` takes it, without `group_id`, `date`
            and `import_key`: what every occurrence of a recurring rule is.
        schedule (ScheduleIn):
    """

    transaction: TransactionTemplate
    schedule: ScheduleIn

    def to_dict(self) -> dict[str, Any]:
        transaction = self.transaction.to_dict()

        schedule = self.schedule.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "transaction": transaction,
                "schedule": schedule,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.schedule_in import ScheduleIn
        from ..models.transaction_template import TransactionTemplate

        d = dict(src_dict)
        transaction = TransactionTemplate.from_dict(d.pop("transaction"))

        schedule = ScheduleIn.from_dict(d.pop("schedule"))

        recurring_rule_create = cls(
            transaction=transaction,
            schedule=schedule,
        )

        return recurring_rule_create
