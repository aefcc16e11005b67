"""Usage errors name options, never their values.

A mistyped option (``--api-kye KEY``) is unknown to every parser, so nothing knows that the
word after it is a credential; argparse would print it back ("unrecognized arguments:
--api-kye KEY"). Every value the user typed is therefore redacted from a usage error, and
so is every registered credential: the error keeps the option names, which is what the user
needs to fix the command line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from .engine import secrets


def typed_values(argv: Sequence[str]) -> set[str]:
    """The values on a command line: every word that is not an option name, and the part
    after ``=`` of ``--name=value``."""
    values = set()
    for token in map(str, argv):
        if token.startswith("-"):
            name, equals, value = token.partition("=")
            if equals and value:
                values.add(value)
        elif token:
            values.add(token)
    return values


def redact_usage(message: str, argv: Sequence[str]) -> str:
    for value in sorted(typed_values(argv), key=len, reverse=True):
        # whole words only: a value "1" must not eat the digits of "line 12"
        message = re.sub(rf"(?<![^\s'\"=,\[(]){re.escape(value)}(?![^\s'\",\])])", secrets.REDACTED, message)
    return secrets.redact(message)


def redacting(parse: Callable) -> Callable:
    """Wrap a pytest ``Parser`` method so the UsageError it raises is redacted."""
    from pytest import UsageError

    @functools.wraps(parse)
    def wrapper(args, *rest, **kwargs):
        try:
            return parse(args, *rest, **kwargs)
        except UsageError as exc:
            raise UsageError(*(redact_usage(str(part), list(args)) for part in exc.args)) from None

    return wrapper
