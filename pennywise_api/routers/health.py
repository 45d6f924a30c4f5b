"""``/healthz`` (the process is up) and ``/readyz`` (the database is reachable and current)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from pennywise_api.responses import problem_responses
from pennywise_api.schemas import HealthRead, ReadinessRead
from pennywise_core.db import RETRY_AFTER_SECONDS, check_schema, head_revision
from pennywise_core.errors import SchemaOutOfDateError

router = APIRouter(tags=["health"])


@router.get("/healthz", name="live")
async def live() -> HealthRead:
    """Always ok while the process serves requests: for liveness probes."""
    return HealthRead(status="ok")


@router.get("/readyz", name="ready", responses=problem_responses(503))
async def ready(request: Request) -> ReadinessRead:
    """Ok when the database answers and its schema is at this version's revision; else a
    503 with ``Retry-After``, until the database is back (no restart needed)."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        raise HTTPException(503, "the database is not open yet", headers=retry)
    try:
        await check_schema(engine)
    except SchemaOutOfDateError:
        raise
    except Exception as exc:  # any failure to reach the database means "not ready"
        raise HTTPException(
            503, f"the database is not reachable ({type(exc).__name__})", headers=retry
        ) from None
    return ReadinessRead(status="ready", revision=head_revision())
