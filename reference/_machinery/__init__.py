"""Shared machinery of the reference APIs (one small module per job).

* :mod:`.ids` - ULIDs, prefixed ids, UUID4
* :mod:`.store` - thread-safe in-memory resource store, one partition per tenant
* :mod:`.idempotency` - key bookkeeping (replay / conflict / in-use / reject-any-reuse)
* :mod:`.ratelimit` - token bucket per API key
* :mod:`.errors` - :class:`ApiError`
* :mod:`.envelope` - the per-API renderer contract
* :mod:`.state` - state machines for resources with statuses
* :mod:`.body` - JSON body parsing (malformed / wrong top-level type / wrong content-type)
* :mod:`.faults` - fault kinds and per-API declarations
* :mod:`.api` - :class:`ApiDefinition`, turns operations + hooks into a Starlette app
* :mod:`.openapi` - generic OpenAPI 3.0 builder
* :mod:`.server` - binding, readiness, subprocess / in-thread runners
"""
from . import convertors  # noqa: F401 - registers the {name:rest} path convertor
from .api import ApiDefinition, Ctx, Operation, Principal
from .body import BodyError, parse_json
from .envelope import Envelope
from .errors import ApiError
from .faults import FAULT_KINDS, Fault, FaultInfo, not_applicable
from .idempotency import IdempotencyConfig
from .ids import prefixed, ulid, uuid4
from .ratelimit import RateLimitConfig
from .state import StateMachine
from .store import Store

__all__ = [
    "ApiDefinition", "Ctx", "Operation", "Principal", "BodyError", "parse_json", "Envelope",
    "ApiError", "FAULT_KINDS", "Fault", "FaultInfo", "not_applicable", "IdempotencyConfig",
    "prefixed", "ulid", "uuid4", "RateLimitConfig", "StateMachine", "Store",
]
