"""The catalog inside your own tests: judge a response you obtained yourself.

The same judge as the suites (status, code, envelope, headers, planned codes), raising the
same failure classes with the same "Label: value" lines, so a team reuses its catalog in
existing integration tests, or in process with Starlette's or FastAPI's ``TestClient``::

    from conformance import ErrorContract

    contract = ErrorContract.load("catalogs/my-api.yaml")

    def test_unknown_wallet(client):
        response = client.get("/v1/wallets/00000000-0000-0000-0000-000000000000")
        contract.check(response, expect="wallet_not_found")

``response`` is an ``httpx.Response`` (what ``TestClient`` returns), anything with
``status_code``, ``headers`` and ``content`` (``requests.Response``), or nothing, with
``status``, ``headers`` and ``body`` given as keywords.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from .catalog import Catalog, load_catalog
from .engine.curl import to_curl
from .engine.judge import Judge, Verdict
from .engine.transport import Exchange, OutgoingRequest


class ErrorContract:
    """One catalog's judge, for responses the caller obtained."""

    def __init__(self, catalog: Catalog, *, strict_planned: bool = False):
        self.catalog = catalog
        self._judge = Judge(catalog, strict_planned=strict_planned)

    @classmethod
    def load(cls, name_or_path: str | Path, *, strict_planned: bool = False) -> ErrorContract:
        """A built-in catalog by name or a YAML file; a broken file raises ``CatalogError``
        naming the file, the line and the rule."""
        return cls(load_catalog(name_or_path), strict_planned=strict_planned)

    def judge(
        self,
        response: Any = None,
        *,
        expect: str | tuple[str, ...] | list[str] = (),
        status: int | None = None,
        headers: Any = None,
        body: bytes | str | None = None,
        method: str = "GET",
        url: str = "http://testserver/",
    ) -> Verdict:
        """The verdict on one response: ``verdict.passed``, ``verdict.code``, ``verdict.failures``.
        ``expect``: the code (or any of the codes) the request must produce; empty: any
        answer is fine, but an error answer must still conform to the catalog."""
        exchange = _exchange(response, status=status, headers=headers, body=body, method=method, url=url)
        return self._judge.judge(exchange, (expect,) if isinstance(expect, str) else tuple(expect))

    def check(self, response: Any = None, **kwargs: Any) -> Verdict:
        """As :meth:`judge`, raising the first failure (an ``AssertionError`` subclass) with
        a curl reproducer of the request, credentials redacted, where the request is known."""
        verdict = self.judge(response, **kwargs)
        if verdict.failures:
            verdict.failures[0].add_context(
                ("Reproduce", to_curl(verdict.exchange.request, auth_header=self.catalog.auth.header))
            )
            verdict.raise_first()
        return verdict


def _exchange(response: Any, *, status, headers, body, method: str, url: str) -> Exchange:
    request = OutgoingRequest(method, url)
    if response is not None:
        status = response.status_code
        headers = response.headers
        if isinstance(response, httpx.Response):
            response.read()
            try:
                sent = response.request
            except RuntimeError:  # built by hand, without a request
                sent = None
            if sent is not None:
                try:
                    content = sent.content or None
                except httpx.RequestNotRead:  # a streamed upload: the reproducer goes without it
                    content = None
                headers_sent = {k: v for k, v in sent.headers.items() if k.lower() != "host"}  # curl sets it
                request = OutgoingRequest(sent.method, str(sent.url), headers_sent, content)
        body = response.content
    if status is None:
        raise TypeError("give a response, or status= (with headers= and body=)")
    if isinstance(body, str):
        body = body.encode("utf-8")
    return Exchange(request=request, status=int(status), headers=httpx.Headers(headers or {}), body=body or b"")
