"""A delay before every answer, so a loopback reference API behaves like a staging server.

``--latency MS`` (or ``REFERENCE_LATENCY``): ``50`` waits 50 ms before each response starts,
``40-60`` a uniformly drawn 40..60 ms. The wait is ``asyncio.sleep`` in the ASGI layer, so a
slow answer holds neither the event loop nor other connections: concurrent clients overlap
their waits as they would against a real remote server.
"""
from __future__ import annotations

import asyncio
import os
import random

ENV_LATENCY = "REFERENCE_LATENCY"


def parse(spec: str | float | int | None) -> tuple[float, float] | None:
    """``"50"`` -> (0.05, 0.05); ``"40-60"`` -> (0.04, 0.06); empty/None/0 -> None (no delay)."""
    if spec is None:
        return None
    text = str(spec).strip()
    if not text:
        return None
    low_text, sep, high_text = text.partition("-")
    try:
        low = float(low_text)
        high = float(high_text) if sep else low
    except ValueError:
        raise ValueError(f"latency {text!r}: expected milliseconds, e.g. 50 or 40-60") from None
    if low < 0 or high < low:
        raise ValueError(f"latency {text!r}: expected 0 <= low <= high milliseconds")
    if high == 0:
        return None
    return low / 1000.0, high / 1000.0


def from_env() -> tuple[float, float] | None:
    return parse(os.environ.get(ENV_LATENCY))


class Latency:
    """ASGI middleware: sleep once per HTTP request, before the app answers."""

    def __init__(self, app, delay: tuple[float, float]) -> None:
        self.app = app
        self.low, self.high = delay

    async def __call__(self, scope, receive, send) -> None:
        if scope.get("type") == "http":
            await asyncio.sleep(self.low if self.low == self.high else random.uniform(self.low, self.high))
        await self.app(scope, receive, send)


def wrap(app, spec: str | float | int | None = None):
    """``app`` delayed by ``spec`` (or by ``REFERENCE_LATENCY`` when ``spec`` is None)."""
    delay = parse(spec) if spec is not None else from_env()
    return Latency(app, delay) if delay else app
