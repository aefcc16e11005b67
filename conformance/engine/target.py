"""A target: one catalog, one base URL, its credentials, one transport and one judge."""

from __future__ import annotations

import copy
import email.utils
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..catalog.model import Catalog, Probe, Step, Vary
from . import secrets
from .build import NOTHING, OutsideBasePath, RequestBuilder, Variables
from .curl import to_curl
from .failures import ConformanceFailure, ProbeSetupError
from .judge import Judge, Verdict
from .record import Observation, Recorder
from .transport import Exchange, Transport

MAX_RETRY_AFTER = 10.0  # a hostile Retry-After must not stall the run for hours
MAX_429_RETRIES = 5
MAX_RETRY_WAIT = 60.0  # all Retry-After waits of one target together: a server that always 429s cannot stall the run


@dataclass
class Target:
    catalog: Catalog
    base_url: str
    credentials: dict[str, str] = field(repr=False)  # never in a repr (--showlocals)
    transport: Transport
    strict_planned: bool = False
    strict_should: bool = False  # RFC 2119 SHOULD rules fail instead of warning
    embedded: bool = False
    mint_key: object | None = None  # embedded: a callable returning a fresh valid key
    recorder: Recorder = field(default_factory=Recorder)
    retry_waited: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        for value in self.credentials.values():
            # The scheme says which encodings the value travels in (Basic: RFC 7617 base64).
            secrets.register(value, scheme=self.catalog.auth.scheme)
        self.judge = Judge(self.catalog, strict_planned=self.strict_planned, strict_should=self.strict_should)
        self.builder = RequestBuilder(self.catalog, self.base_url, self.credentials)

    def fork_with_fresh_primary(self) -> Target:
        """A view of this target whose 'primary' credential is a freshly minted key (embedded
        reference APIs only): every test then has its own tenant and its own rate-limit
        bucket, so no test's data or burst leaks into another's. Shares transport, judge and
        recorder."""
        if self.mint_key is None:
            return self
        key = self.mint_key()
        secrets.register(key)
        forked = copy.copy(self)
        forked.credentials = {**self.credentials, "primary": key}
        forked.builder = RequestBuilder(self.catalog, self.base_url, forked.credentials)
        return forked

    @property
    def name(self) -> str:
        return self.catalog.api.name

    def burst_credential(self, name: str) -> str | None:
        """The credential for a rate-limit burst: a fresh key where the target can mint one
        (embedded reference APIs), so the limit it hits is nobody else's."""
        if name in self.credentials:
            return name
        if self.mint_key is not None:
            key = self.mint_key()
            secrets.register(key)
            # Stored under its own name so the probe's setup steps can use it too; the
            # suites call this on a per-test fork, so the key goes no further than the test.
            self.credentials[name] = key
            return name
        return None

    def send(
        self,
        step: Step,
        variables: Variables,
        *,
        probe: Probe,
        allow_429: bool = False,
        vary: Vary | None = None,
        value: object = NOTHING,
        idempotency_key: str | None = None,
        credential: str | None | object = NOTHING,
    ) -> Exchange:
        """Build and send one request (``vary``/``value`` and the rest: see
        ``RequestBuilder.build``). A 429 outside a rate-limit probe is judged as an error
        response, then the request is retried after Retry-After (capped)."""
        try:
            request = self.builder.build(step, variables, vary=vary, value=value, idempotency_key=idempotency_key,
                                         credential=credential)
        except OutsideBasePath as exc:
            # The catalog's path (or a drawn one) would leave the API: nothing was sent.
            self.recorder.add_setup_problem(self.name, probe.id, str(exc).splitlines()[1], reason="outside-base-path")
            raise
        waited = 0.0
        for attempt in range(MAX_429_RETRIES + 1):
            exchange = self.transport.send(request)
            if exchange.status != 429 or allow_429:
                return exchange
            self.conclude(probe, (), self.judge.judge(exchange))
            delay = retry_after_seconds(exchange.headers.get("retry-after"))
            if attempt == MAX_429_RETRIES or self.retry_waited + delay > MAX_RETRY_WAIT:
                break
            self.retry_waited += delay
            waited += delay
            time.sleep(delay)
        # Still limited: the probe never reached what it tests, so this is not its failure.
        # RFC 6585 section 4 / RFC 9110 section 10.2.3: Retry-After is the wait a rerun needs.
        header = exchange.headers.get("retry-after")
        needed = float(round(retry_after_seconds(header, capped=False))) if header else None
        wait_text = f"wait {needed:g} s (Retry-After: {header})" if needed is not None else "no Retry-After given"
        self.recorder.add_setup_problem(
            self.name, probe.id, f"rate-limited: the target kept answering 429; {wait_text}",
            reason="rate-limited", retry_after=header, wait_seconds=needed,
        )
        raise ProbeSetupError(
            f"rate-limited: the target kept answering 429 (Retry-After: {header or 'none'}; "
            f"waited {waited:.1f} s here, {self.retry_waited:.1f} of {MAX_RETRY_WAIT:g} s allowed per target); "
            "lower --max-rps or use a credential with a higher limit",
            ("Wait needed", f"{needed:g} s" if needed is not None else None),
            ("Probe", f"{self.name}:{probe.id}"),
            ("Reproduce", self.reproducer(exchange)),
        )

    def check(self, exchange: Exchange, probe: Probe, expect: tuple[str, ...], *, value: object = NOTHING,
              statuses: tuple[int, ...] = ()) -> Verdict:
        """Judge ``exchange``; raise its first failure with the probe, input and reproducer."""
        return self.conclude(probe, expect, self.judge.judge(exchange, expect, statuses=statuses), value=value)

    def conclude(self, probe: Probe, expect: tuple[str, ...], verdict: Verdict, *, value: object = NOTHING) -> Verdict:
        """Record ``verdict``; if it failed, raise its first failure with the probe, input and
        reproducer. The one path of every verdict, the judge's and the suites' own."""
        for warning in verdict.warnings:
            warning.add_context(("Probe", f"{self.name}:{probe.id}"), ("Reproduce", self.reproducer(verdict.exchange)))
        observation = self.record(probe, expect, verdict)
        if verdict.failures:
            # What the run's findings and reports say of this failure if it is the one
            # pytest finally reports (after shrinking: the example the terminal shows).
            verdict.failures[0].observation = observation
            verdict.failures[0].add_context(
                ("Probe", f"{self.name}:{probe.id}"),
                ("Input", secrets.redact(repr(value)) if value is not NOTHING else None),
                ("Reproduce", self.reproducer(verdict.exchange)),
            )
            verdict.raise_first()
        return verdict

    def reproducer(self, exchange: Exchange) -> str:
        return to_curl(exchange.request, auth_header=self.catalog.auth.header)

    def record(self, probe: Probe, expect: tuple[str, ...], verdict: Verdict) -> Observation:
        exchange = verdict.exchange
        failure: ConformanceFailure | None = verdict.failures[0] if verdict.failures else None
        return self.recorder.add(
            Observation(
                catalog=self.name,
                probe=probe.id,
                kind=probe.kind,
                expected=list(expect),
                method=exchange.request.method,
                path=urlsplit(secrets.redact(exchange.request.url)).path,
                status=exchange.status,
                code=verdict.code if isinstance(verdict.code, str) else None,
                passed=failure is None,
                failure=failure.kind if failure else None,
                title=failure.title if failure else None,
                message=str(failure) if failure else None,
                reproducer=self.reproducer(exchange) if failure else None,
                notes=list(verdict.notes),
                warnings=[secrets.redact(warning.render()) for warning in verdict.warnings],
            )
        )


def retry_after_seconds(value: str | None, *, default: float = 1.0, capped: bool = True) -> float:
    """RFC 9110 section 10.2.3: delay-seconds or an HTTP-date; capped at MAX_RETRY_AFTER
    (``capped=False``: the wait as asked, for the report), never negative."""
    limit = MAX_RETRY_AFTER if capped else float("inf")  # read at call time: tests lower it
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return min(float(value), limit)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return default
    return max(0.0, min(when - time.time(), limit))
