"""Dotted-name registry: catalogs refer to strategies as ``uuid.malformed`` plus plain-data ``args``."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from . import _bodies as b
from . import _credentials as c
from . import _formats as f
from . import _identifiers as i
from . import _idempotency as k
from . import _patterns as r
from . import _phones as p

__all__ = ["REGISTRY", "StrategyFactory", "StrategyInfo", "describe", "get", "names"]

StrategyFactory = Callable[..., SearchStrategy[Any]]


@dataclass(frozen=True)
class StrategyInfo:
    name: str
    summary: str  # first docstring line: the rule followed or broken
    invalid: bool  # True if every value violates the rule
    parameters: tuple[tuple[str, bool], ...]  # (argument name, required)


# name -> (factory, invalid).  Order is the documentation order.
_ENTRIES: dict[str, tuple[StrategyFactory, bool]] = {
    "uuid.valid": (i.uuids, False),
    "uuid.malformed": (i.malformed_uuids, True),
    "prefixed_id.valid": (i.prefixed_ids, False),
    "prefixed_id.wrong_prefix": (i.wrong_prefix_ids, True),
    "prefixed_id.no_prefix": (i.no_prefix_ids, True),
    "prefixed_id.bad_body": (i.bad_body_prefixed_ids, True),
    "prefixed_id.malformed": (i.malformed_prefixed_ids, True),
    "ulid.valid": (i.ulids, False),
    "ulid.malformed": (i.malformed_ulids, True),
    "idempotency_key.valid": (k.idempotency_keys, False),
    "idempotency_key.at_limit": (k.at_limit_idempotency_keys, False),
    "idempotency_key.too_long": (k.too_long_idempotency_keys, True),
    "idempotency_key.too_short": (k.too_short_idempotency_keys, True),
    "idempotency_key.invalid_chars": (k.invalid_char_idempotency_keys, True),
    "idempotency_key.empty": (k.empty_idempotency_keys, True),
    "idempotency_key.invalid": (k.invalid_idempotency_keys, True),
    "phone.e164": (p.e164_phone_numbers, False),
    "phone.non_e164": (p.non_e164_phone_numbers, True),
    "email.valid": (f.emails, False),
    "email.invalid": (f.invalid_emails, True),
    "date.valid": (f.valid_dates, False),
    "date.invalid": (f.invalid_dates, True),
    "url.https": (f.https_urls, False),
    "url.invalid": (f.invalid_urls, True),
    "enum.outside": (f.values_outside_enum, True),
    "number.outside": (f.numbers_outside, True),
    "string.too_long": (f.strings_too_long, True),
    "string.matching": (r.strings_matching, False),
    "string.not_matching": (r.strings_not_matching, True),
    "json_type.wrong": (f.json_values_not_of_type, True),
    "json_body.malformed": (b.malformed_json_bodies, True),
    "json_body.wrong_top_level": (b.wrong_top_level_json_bodies, True),
    "json_body.deep": (b.deep_json_bodies, True),
    "json_body.oversized": (b.oversized_json_bodies, True),
    "content_type.mismatched": (b.mismatched_content_types, True),
    "credential.missing": (c.missing_credentials, True),
    "credential.empty": (c.empty_credentials, True),
    "credential.wrong_scheme": (c.wrong_scheme_credentials, True),
    "credential.garbage": (c.garbage_credentials, True),
    "credential.jwt_unsigned": (c.unsigned_jwt_credentials, True),
    "credential.jwt_expired": (c.expired_jwt_credentials, True),
    "credential.whitespace": (c.whitespace_credentials, True),
    "credential.invalid": (c.invalid_credentials, True),
}

REGISTRY: Mapping[str, StrategyFactory] = MappingProxyType({n: e[0] for n, e in _ENTRIES.items()})


def names() -> list[str]:
    """All registered strategy names, in documentation order."""
    return list(REGISTRY)


def _lookup(name: str) -> StrategyFactory:
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(name), REGISTRY, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else f"; known: {', '.join(REGISTRY)}"
        raise KeyError(f"unknown strategy {name!r}{hint}") from None


def _parameters(factory: StrategyFactory) -> tuple[tuple[str, bool], ...]:
    sig = inspect.signature(factory)
    return tuple(
        (pname, param.default is inspect.Parameter.empty)
        for pname, param in sig.parameters.items()
        if param.kind is inspect.Parameter.KEYWORD_ONLY
    )


def get(name: str, /, **args: Any) -> SearchStrategy[Any]:
    """Build the strategy registered as ``name`` with keyword ``args``.

    Raises ``KeyError`` (with close matches) for an unknown name and
    ``InvalidArgument`` naming the argument for unknown, missing or bad args.
    """
    factory = _lookup(name)
    params = dict(_parameters(factory))
    for arg in args:
        if arg not in params:
            raise InvalidArgument(
                f"{name}: unexpected argument {arg!r}; accepted: {', '.join(params) or 'none'}"
            )
    for arg, required in params.items():
        if required and arg not in args:
            raise InvalidArgument(f"{name}: missing required argument {arg!r}")
    return factory(**args)


def describe(name: str) -> StrategyInfo:
    """Name, one-line rule summary, invalid flag and parameters of a registered strategy."""
    factory = _lookup(name)
    doc = inspect.getdoc(factory) or ""
    summary = doc.strip().splitlines()[0] if doc.strip() else ""
    return StrategyInfo(name=name, summary=summary, invalid=_ENTRIES[name][1], parameters=_parameters(factory))
