"""Hypothesis strategies for malformed and edge-case API input values.

Each public function returns a Hypothesis ``SearchStrategy``, takes only
keyword arguments (plain data, so catalogs can pass them from YAML), rejects
bad arguments at call time with ``hypothesis.errors.InvalidArgument`` and
documents first the rule its values follow or break.  Known boundary values
come first so failures shrink to readable examples.

Catalogs use the dotted names in :data:`REGISTRY` via :func:`get`.
This package knows nothing about HTTP clients, catalogs or suites.
"""

from ._bodies import (
    MALFORMED_JSON_KINDS,
    deep_json_bodies,
    malformed_json_bodies,
    mismatched_content_types,
    oversized_json_bodies,
    wrong_top_level_json_bodies,
)
from ._credentials import (
    empty_credentials,
    expired_jwt_credentials,
    garbage_credentials,
    invalid_credentials,
    missing_credentials,
    unsigned_jwt_credentials,
    whitespace_credentials,
    wrong_scheme_credentials,
)
from ._formats import (
    EMAIL_POLICIES,
    JSON_TYPES,
    emails,
    https_urls,
    invalid_dates,
    invalid_emails,
    invalid_urls,
    json_values_not_of_type,
    numbers_outside,
    strings_too_long,
    valid_dates,
    values_outside_enum,
)
from ._idempotency import (
    at_limit_idempotency_keys,
    empty_idempotency_keys,
    idempotency_keys,
    invalid_char_idempotency_keys,
    invalid_idempotency_keys,
    too_long_idempotency_keys,
    too_short_idempotency_keys,
)
from ._identifiers import (
    CROCKFORD_BASE32,
    KNOWN_ID_PREFIXES,
    bad_body_prefixed_ids,
    malformed_prefixed_ids,
    malformed_ulids,
    malformed_uuids,
    no_prefix_ids,
    prefixed_ids,
    ulids,
    uuids,
    wrong_prefix_ids,
)
from ._patterns import strings_matching, strings_not_matching
from ._phones import e164_phone_numbers, non_e164_phone_numbers
from ._registry import REGISTRY, StrategyFactory, StrategyInfo, describe, get, names

__all__ = [
    # registry
    "REGISTRY",
    "StrategyFactory",
    "StrategyInfo",
    "describe",
    "get",
    "names",
    # identifiers
    "CROCKFORD_BASE32",
    "KNOWN_ID_PREFIXES",
    "bad_body_prefixed_ids",
    "malformed_prefixed_ids",
    "malformed_ulids",
    "malformed_uuids",
    "no_prefix_ids",
    "prefixed_ids",
    "ulids",
    "uuids",
    "wrong_prefix_ids",
    # idempotency keys
    "at_limit_idempotency_keys",
    "empty_idempotency_keys",
    "idempotency_keys",
    "invalid_char_idempotency_keys",
    "invalid_idempotency_keys",
    "too_long_idempotency_keys",
    "too_short_idempotency_keys",
    # phones
    "e164_phone_numbers",
    "non_e164_phone_numbers",
    # formats
    "EMAIL_POLICIES",
    "JSON_TYPES",
    "emails",
    "https_urls",
    "invalid_dates",
    "invalid_emails",
    "invalid_urls",
    "json_values_not_of_type",
    "numbers_outside",
    "strings_too_long",
    "valid_dates",
    "values_outside_enum",
    # patterns
    "strings_matching",
    "strings_not_matching",
    # bodies
    "MALFORMED_JSON_KINDS",
    "deep_json_bodies",
    "malformed_json_bodies",
    "mismatched_content_types",
    "oversized_json_bodies",
    "wrong_top_level_json_bodies",
    # credentials
    "empty_credentials",
    "expired_jwt_credentials",
    "garbage_credentials",
    "invalid_credentials",
    "missing_credentials",
    "unsigned_jwt_credentials",
    "whitespace_credentials",
    "wrong_scheme_credentials",
]
