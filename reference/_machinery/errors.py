"""The structured error raised by handlers and rendered by an API-specific envelope."""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """``ApiError(code, status, message, **extras, headers=...)``.

    ``extras`` are envelope-specific members (e.g. ``validation_errors``, ``param``,
    ``field``, ``details``, ``retry_after``); the API's :class:`Envelope` decides how they
    appear in the body. ``headers`` are added to the response as-is. ``status`` may be
    ``None`` only for envelopes that map codes to statuses themselves.
    """

    def __init__(self, code: str | None, status: int, message: str = "", *,
                 headers: dict[str, str] | None = None, **extras: Any) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.code = code
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.extras = extras

    def clone(self, **changes: Any) -> "ApiError":
        """A copy with ``code`` / ``status`` / ``message`` changed."""
        new = ApiError(changes.get("code", self.code), changes.get("status", self.status),
                       changes.get("message", self.message), headers=dict(self.headers),
                       **dict(self.extras))
        return new

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"ApiError({self.code!r}, {self.status}, {self.message!r}, extras={self.extras!r})"


class HtmlCrash(Exception):
    """Raised under the ``html-500`` fault: rendered as a framework HTML 500 page."""
