"""Sending schemathesis's generated requests through the suite's transport.

Schemathesis builds each request (``Case.as_transport_kwargs``: method, URL, headers, query,
body as its serializers encode them); this module sends it through the run's
:class:`~conformance.engine.transport.Transport`, so the OpenAPI route keeps every guarantee
of the run: ``--max-requests`` and ``--max-rps`` (shared across xdist workers), the body cap,
one deadline per request, no redirect followed, no proxy, and the request counts in the cost
lines. Before anything is sent, the URL passes the run's gate (same origin, under the
catalog's ``base_path``): a generated path parameter such as ``..%2F..%2Fadmin`` that would
resolve outside the API is refused, never sent (RFC 3986 section 5.2.4).

The answer goes back to schemathesis's checks as a schemathesis ``Response`` built from the
exchange; :func:`exchange_of` hands the catalog check the exchange itself (truncation and
transport errors included), which a ``Response`` cannot carry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from schemathesis.core.transport import Response

from ..engine.build import OutsideBasePath
from ..engine.transport import Exchange, OutgoingRequest, Transport

__all__ = ["Refused", "SuiteSender", "exchange_of"]

# The exchange behind each Response being validated (schemathesis's Response has __slots__).
_EXCHANGES: dict[int, Exchange] = {}


def exchange_of(response: Any) -> Exchange | None:
    """The suite's exchange behind a Response that :class:`SuiteSender` built, else None."""
    return _EXCHANGES.get(id(response))


class Refused(Exception):
    """The request would leave the API (another origin, or a path outside ``base_path``)."""


class SuiteSender:
    """Sends a schemathesis case through ``transport``, after ``gate`` accepted its URL.

    ``gate(url)`` raises :class:`~conformance.engine.failures.OutsideBasePath` for a URL the
    run must not send (the pytest route passes ``RequestBuilder.check_url``).
    """

    def __init__(self, transport: Transport, *, gate: Callable[[str], None] | None = None):
        self.transport = transport
        self.gate = gate

    def prepare(self, case: Any, *, base_url: str, headers: dict[str, str] | None) -> tuple[OutgoingRequest, dict, requests.PreparedRequest]:
        """The request schemathesis would send for ``case``, as bytes on the wire."""
        kwargs = case.as_transport_kwargs(base_url=base_url, headers=headers)
        fields = {key: kwargs[key] for key in ("method", "url", "headers", "params", "data", "json", "files", "cookies", "auth") if key in kwargs}
        prepared = requests.Request(**fields).prepare()
        body = prepared.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        request = OutgoingRequest(
            method=str(prepared.method),
            url=str(prepared.url),
            headers={str(name): str(value) for name, value in prepared.headers.items()},
            content=body,
        )
        return request, kwargs, prepared

    def send(self, case: Any, *, base_url: str, headers: dict[str, str] | None) -> tuple[Exchange, dict, requests.PreparedRequest]:
        request, kwargs, prepared = self.prepare(case, base_url=base_url, headers=headers)
        if self.gate is not None:
            try:
                self.gate(request.url)
            except OutsideBasePath as exc:
                raise Refused(str(exc)) from None
        return self.transport.send(request), kwargs, prepared

    @staticmethod
    def response(exchange: Exchange, prepared: requests.PreparedRequest) -> Response:
        """A schemathesis Response for an exchange that got a status (with all its header values)."""
        headers: dict[str, list[str]] = {}
        for name, value in exchange.headers.multi_items():
            headers.setdefault(name.lower(), []).append(value)
        response = Response(
            status_code=exchange.status,
            headers=headers,
            content=exchange.body,
            request=prepared,
            elapsed=exchange.elapsed,
            verify=True,
            stream_cut_short=exchange.truncated,
        )
        _EXCHANGES[id(response)] = exchange
        return response

    @staticmethod
    def release(response: Response) -> None:
        _EXCHANGES.pop(id(response), None)
