"""Business rules. Every function takes ``(session, actor, …)`` then keyword arguments.

Services load through the actor's memberships, so another group's id is a
:class:`~pennywise_core.errors.NotFoundError`, exactly like an id that does not exist, and a
role that is too low is a :class:`~pennywise_core.errors.PermissionDeniedError`. They
``flush()`` but never commit: the caller owns the transaction, which makes "transaction +
entries + balances + activity" one atomic write by construction.
"""
