"""The API's data shapes, as generated from ``openapi.json`` (attrs classes).

What the SDK returns (``GroupRead``, ``TransactionRead``…) and what it accepts for nested
inputs (``SplitIn``, ``SplitEntryIn``, ``PayerIn``). Amounts are decimal strings;
``to_dict()`` gives the JSON form. ``UNSET`` marks an optional field that is not sent.
"""

from pennywise_client._generated import models as _models
from pennywise_client._generated.models import *  # noqa: F403
from pennywise_client._generated.types import UNSET, Unset

__all__ = [*_models.__all__, "UNSET", "Unset"]
