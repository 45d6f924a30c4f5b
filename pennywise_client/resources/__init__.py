"""The SDK's namespaces, one module per noun: ``pw.groups`` is :class:`groups.Groups`,
``apw.groups`` (an :class:`~pennywise_client.AsyncPennywise`) is :class:`groups.AsyncGroups`.

Each module holds the noun's methods, written once as functions returning a description of
the generated call (``GroupCalls.create`` → a :class:`~pennywise_client._resource.Call`),
and its two namespaces, which wrap those same functions for the sync and the async client.
What the nouns share is in :mod:`pennywise_client._resource`; uploads and downloads in
:mod:`pennywise_client._files`.
"""

from pennywise_client.resources.activity import Activity, AsyncActivity
from pennywise_client.resources.auth import AsyncAuth, Auth
from pennywise_client.resources.balances import AsyncBalances, Balances
from pennywise_client.resources.events import AsyncEvents, Events
from pennywise_client.resources.exports import AsyncExports, Exports
from pennywise_client.resources.groups import AsyncGroups, Groups
from pennywise_client.resources.imports import AsyncImports, Imports
from pennywise_client.resources.invites import AsyncInvites, Invites
from pennywise_client.resources.members import AsyncMembers, Members
from pennywise_client.resources.rates import AsyncRates, Rates
from pennywise_client.resources.settle_up import AsyncSettleUp, SettleUp
from pennywise_client.resources.tokens import AsyncTokens, Tokens
from pennywise_client.resources.transactions import AsyncTransactions, Transactions
from pennywise_client.resources.users import AsyncUsers, Users
from pennywise_client.resources.webhooks import AsyncWebhooks, Webhooks

__all__ = [
    "Activity",
    "AsyncActivity",
    "AsyncAuth",
    "AsyncBalances",
    "AsyncEvents",
    "AsyncExports",
    "AsyncGroups",
    "AsyncImports",
    "AsyncInvites",
    "AsyncMembers",
    "AsyncRates",
    "AsyncSettleUp",
    "AsyncTokens",
    "AsyncTransactions",
    "AsyncUsers",
    "AsyncWebhooks",
    "Auth",
    "Balances",
    "Events",
    "Exports",
    "Groups",
    "Imports",
    "Invites",
    "Members",
    "Rates",
    "SettleUp",
    "Tokens",
    "Transactions",
    "Users",
    "Webhooks",
]
