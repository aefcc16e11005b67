"""One probe bound to one target: the building blocks the suites compose.

A suite module (one per scenario kind) reads like the scenario: set up, send the
control, vary, check. Everything about HTTP, credentials, placeholders and verdicts
lives here and below.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urljoin

import pytest
from hypothesis import given, reject, settings

from ..catalog.model import Probe, Step
from . import profiles
from .build import NOTHING, UnsendableValue, Variables
from .failures import ConformanceFailure, InvalidInputAccepted, ProbeSetupError
from .judge import MISSING, Verdict, locate, resolve_pointer
from .target import Target
from .transport import Exchange


class ProbeCase:
    def __init__(self, target: Target, probe: Probe):
        self.target = target
        self.probe = probe

    @property
    def expect(self) -> tuple[str, ...]:
        return self.probe.expected_codes

    def __repr__(self) -> str:
        return f"<ProbeCase {self.target.name}:{self.probe.id}>"

    # -- preconditions ------------------------------------------------------------------

    def require_credentials(self) -> None:
        """Skip (with the reason) when a credential the probe uses was not provided."""
        needed = {step.credential for step in [*self.probe.setup, self.probe.request] if step.credential}
        if self.probe.kind == "auth":
            needed.add("primary")
        missing = sorted(name for name in needed if name not in self.target.credentials)
        if missing:
            envs = [self.target.catalog.auth.credentials[name].env for name in missing if name in self.target.catalog.auth.credentials]
            pytest.skip(f"credential {', '.join(missing)} not provided (set {', '.join(envs) or 'it'})")

    def setup(self) -> Variables:
        """Run the setup steps; capture what later steps need."""
        self.require_credentials()
        variables = Variables()
        for index, step in enumerate(self.probe.setup, start=1):
            exchange = self.send(variables, step=step, vary=False)
            allowed = step.expect_status
            if not (exchange.status in allowed if allowed else exchange.ok):
                self._setup_problem(f"setup step {index} ({step.method} {step.path}) answered {exchange.status or exchange.error}", exchange)
            self.capture(step, exchange, variables)
        return variables

    def capture(self, step: Step, exchange: Exchange, variables: Variables) -> None:
        """Store what ``step.capture`` names: a body pointer, or a header (``{header: Location}``)
        narrowed by a pattern; a URL capture resolved against the request's URL (RFC 3986
        section 5.2; RFC 9110 section 10.2.2), which the builder's gate checks when it is used."""
        if not step.capture:
            return
        body: Any = MISSING
        if any(isinstance(place, str) or place.pointer is not None for place in step.capture.values()):
            try:
                body = json.loads(exchange.body)
            except (ValueError, RecursionError):
                self._setup_problem(f"{step.method} {step.path}: response is not JSON, nothing to capture", exchange)
        for name, place in step.capture.items():
            if isinstance(place, str):
                value, where = resolve_pointer(body, place), place
            else:
                value, where = locate(place, body, exchange.headers), f"header {place.header}" if place.header else place.pointer
                if place.pattern is not None:
                    where += f" matching {place.pattern}"
            if value is MISSING:
                self._setup_problem(f"{step.method} {step.path}: nothing at {where} to capture as {name!r}", exchange)
            if not isinstance(place, str) and place.is_url:
                value = urljoin(exchange.request.url, str(value))
            variables[name] = value

    def control(self, variables: Variables) -> Exchange:
        """Send the request unvaried (auth probes: with the primary credential); it must succeed,
        or the probe measures its own setup rather than the API."""
        credential = "primary" if self.probe.kind == "auth" else NOTHING
        exchange = self.send(variables, vary=False, credential=credential)
        if not exchange.ok:
            self._setup_problem(
                f"the control request (unvaried) answered {exchange.status or exchange.error}; expected 2xx", exchange
            )
        return exchange

    def expect_success(self, exchange: Exchange, what: str) -> None:
        """``exchange`` must be a 2xx for the scenario to go on. An error answer is still
        judged (its envelope must conform) before it is called a setup problem."""
        if exchange.ok:
            return
        if exchange.is_error:
            self.check(exchange, expect=())
        self._setup_problem(f"{what} answered {exchange.status or exchange.error}; expected 2xx", exchange)

    def _setup_problem(self, message: str, exchange: Exchange) -> None:
        body = exchange.body[:300].decode("utf-8", "replace")
        self.target.recorder.add_setup_problem(self.target.name, self.probe.id, message)
        raise ProbeSetupError(
            message,
            ("Probe", f"{self.target.name}:{self.probe.id}"),
            ("Body", body or None),
            ("Reproduce", self.target.reproducer(exchange)),
        )

    # -- sending and judging ------------------------------------------------------------

    def send(
        self,
        variables: Variables,
        value: Any = NOTHING,
        *,
        step: Step | None = None,
        vary: bool = True,
        allow_429: bool = False,
        idempotency_key: str | None = None,
        credential: str | None | Any = NOTHING,
    ) -> Exchange:
        """Send ``step`` (default: the request under test), with ``value`` placed where the
        probe's ``vary`` says unless ``vary`` is false; ``idempotency_key`` and ``credential``
        (a name, None: none) override the step's."""
        step = step or self.probe.request
        varied = vary and value is not NOTHING
        try:
            return self.target.send(step, variables, probe=self.probe, allow_429=allow_429,
                                    vary=self.probe.vary if varied else None, value=value if varied else NOTHING,
                                    idempotency_key=idempotency_key, credential=credential)
        except UnsendableValue:
            # Not a verdict on the API: the value cannot travel in HTTP/1.1 at all.
            reject()

    def fail(self, failure: ConformanceFailure, exchange: Exchange) -> None:
        """Record and raise a failure the suite decided itself (a replay that differs, an
        error never produced; e.g. ``case.fail(ReplayNotHonoured(scenario=...), answer)``)
        through the judge's path (``Target.conclude``), so the terminal summary and every
        report count it."""
        self.target.conclude(self.probe, self.expect, Verdict(exchange=exchange, failures=[failure]))

    def check(self, exchange: Exchange, *, value: Any = NOTHING, expect: tuple[str, ...] | None = None) -> Verdict:
        """Judge an answer to the request under test against the probe's ``expect`` and its
        request's ``expect_status``; with ``expect`` given (an answer met on the way), against
        those codes alone."""
        if expect is not None:
            return self.target.check(exchange, self.probe, expect, value=value)
        return self.target.check(exchange, self.probe, self.expect, value=value, statuses=self.probe.pinned_statuses)

    def send_many(self, variables: Variables, count: int, *, idempotency_key: str | None = None) -> list[Exchange]:
        """``count`` copies of the request at once (idempotency concurrency)."""
        with ThreadPoolExecutor(max_workers=count) as pool:
            futures = [pool.submit(self.send, variables, vary=False, idempotency_key=idempotency_key) for _ in range(count)]
            return [future.result() for future in futures]

    # -- property-based variation ------------------------------------------------------

    def every_varied_value_fails(self, variables: Variables | None = None) -> None:
        """The common scenario: set up, send the control, then every value the strategy
        draws for the varied part must produce an expected code."""
        variables = self.setup() if variables is None else variables
        self.control(variables)
        # A value the API accepted may have created data, so sending it again (Hypothesis
        # replays failing examples) can fail differently, e.g. as a duplicate. The
        # acceptance is the finding: a replayed value re-raises it without a new request.
        accepted: dict[str, InvalidInputAccepted] = {}

        @self.given
        def rejected(value: Any) -> None:
            key = repr(value)
            if key in accepted:
                raise accepted[key]
            try:
                self.check(self.send(variables, value), value=value)
            except InvalidInputAccepted as failure:
                accepted[key] = failure
                raise

        rejected()

    def given(self, test: Callable[[Any], None]) -> Callable[[], None]:
        """Wrap ``test(value)`` in Hypothesis, drawing from the probe's strategy."""
        from conformance import strategies

        vary = self.probe.vary
        if vary is None:
            raise ProbeSetupError(f"probe {self.probe.id} has no 'vary'")
        strategy = strategies.get(vary.strategy, **vary.args)
        wrapped = given(value=strategy)(test)
        base = profiles.current()
        if self.probe.max_examples is not None:
            base = settings(parent=base, max_examples=min(self.probe.max_examples, base.max_examples))
        return base(wrapped)
