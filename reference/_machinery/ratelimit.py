"""Token-bucket rate limiting, one bucket per API key."""
from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimitConfig:
    """``capacity`` tokens (burst); ``refill_tokens`` added every ``refill_seconds``.

    ``env_prefix`` (e.g. ``REFERENCE_FLOWBRITE``) lets ``<prefix>_BURST``,
    ``<prefix>_REFILL_TOKENS`` and ``<prefix>_REFILL_SECONDS`` override the defaults at
    app-build time, so a test can provoke a 429 quickly without changing the documented numbers.
    """

    capacity: int
    refill_tokens: float
    refill_seconds: float
    env_prefix: str | None = None

    def resolved(self) -> "RateLimitConfig":
        if not self.env_prefix:
            return self
        env = os.environ
        p = self.env_prefix
        return RateLimitConfig(
            capacity=int(env.get(f"{p}_BURST", self.capacity)),
            refill_tokens=float(env.get(f"{p}_REFILL_TOKENS", self.refill_tokens)),
            refill_seconds=float(env.get(f"{p}_REFILL_SECONDS", self.refill_seconds)),
            env_prefix=None,
        )

    @property
    def rate(self) -> float:
        """Tokens per second."""
        return self.refill_tokens / self.refill_seconds


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # whole seconds until one token is available (0 when allowed)
    reset_at: int  # unix time when the bucket is full again


class TokenBucket:
    def __init__(self, config: RateLimitConfig, clock=time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self.tokens = float(config.capacity)
        self.stamp = clock()

    def take(self, cost: float = 1.0) -> Decision:
        cfg = self.config
        now = self.clock()
        self.tokens = min(cfg.capacity, self.tokens + (now - self.stamp) * cfg.rate)
        self.stamp = now
        full_in = (cfg.capacity - self.tokens) / cfg.rate if cfg.rate > 0 else 0
        if self.tokens >= cost:
            self.tokens -= cost
            full_in += cost / cfg.rate if cfg.rate > 0 else 0
            return Decision(True, cfg.capacity, int(self.tokens), 0, int(time.time() + full_in + 0.999))
        wait = (cost - self.tokens) / cfg.rate if cfg.rate > 0 else 3600
        return Decision(False, cfg.capacity, 0, max(1, math.ceil(wait)), int(time.time() + full_in + 0.999))


class RateLimiter:
    """Buckets keyed by an arbitrary string (normally the API key). Thread-safe."""

    def __init__(self, config: RateLimitConfig, max_keys: int = 50_000) -> None:
        self.config = config.resolved()
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self.max_keys = max_keys

    def hit(self, key: str, cost: float = 1.0) -> Decision:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._buckets.pop(next(iter(self._buckets)))
                bucket = self._buckets[key] = TokenBucket(self.config)
            return bucket.take(cost)
