"""A path convertor for ids exactly as sent.

Starlette's ``path`` convertor is ``.*``, which neither matches a newline nor stops ``$``
from matching before a trailing one: an id like "\\n<uuid>" would be an unknown route and
"<uuid>\\n" would arrive as the bare uuid. ``{id:rest}`` takes the rest of the path,
whatever it holds, so the API's own validation sees the id the client sent.
"""
from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class RestConvertor(Convertor):
    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("rest", RestConvertor())
