"""The API-specific error/success renderer contract."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ApiError

if TYPE_CHECKING:  # pragma: no cover
    from .api import Ctx

Path = tuple  # a path of keys into the body, e.g. ("error", "message")


class Envelope:
    """Subclass per API. Member paths tell the generic fault code where things live.

    * ``status_path``: body member holding the HTTP status (None if the body has none).
    * ``code_path`` / ``message_path``: where the code and the human message are.
    * ``required_paths``: members removed by ``missing-member`` (first one by default).
    * ``detail_paths``: members removed by ``missing-detail-member``.
    """

    media_type: str = "application/json"
    status_path: Path | None = None
    code_path: Path | None = None
    message_path: Path | None = None
    required_paths: tuple[Path, ...] = ()
    detail_paths: tuple[Path, ...] = ()

    def body(self, err: ApiError, ctx: "Ctx") -> dict | None:
        """The error body as a JSON-able dict, or None for no body."""
        raise NotImplementedError

    def headers(self, err: ApiError, ctx: "Ctx") -> dict[str, str]:
        return dict(err.headers)

    def media_type_for(self, err: ApiError) -> str:
        return self.media_type

    def success(self, data: Any) -> Any:
        """Wrap a success payload (default: as-is)."""
        return data


def get_path(body: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(body, (dict, list)):
            return None
        try:
            body = body[key]
        except (KeyError, IndexError, TypeError):
            return None
    return body


def set_path(body: Any, path: Path, value: Any) -> bool:
    parent = get_path(body, path[:-1]) if len(path) > 1 else body
    if isinstance(parent, dict) and path[-1] in parent:
        parent[path[-1]] = value
        return True
    return False


def del_path(body: Any, path: Path) -> bool:
    parent = get_path(body, path[:-1]) if len(path) > 1 else body
    if isinstance(parent, dict) and path[-1] in parent:
        del parent[path[-1]]
        return True
    return False
