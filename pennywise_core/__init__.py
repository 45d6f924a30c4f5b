"""Pennywise core: money, ledger maths, models and services.

The pieces most programs need::

    from pennywise_core import db
    from pennywise_core.services import groups, transactions, balances

Importing this package reads no configuration and touches no database.
"""

from pennywise_core.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PennywiseError,
    PermissionDeniedError,
    StaleVersionError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "NotFoundError",
    "PennywiseError",
    "PermissionDeniedError",
    "StaleVersionError",
    "ValidationError",
    "__version__",
]
