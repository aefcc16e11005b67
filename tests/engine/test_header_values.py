"""Varied header values are sent as drawn or not at all (RFC 9110 section 5.5).

A server parses a field value without the spaces and tabs at its ends, and refuses CR, LF and
NUL; a drawn value that would arrive as another value is rejected (Hypothesis draws another),
so no verdict is about a value the API never saw.
"""

import pytest

from conformance.engine.build import UnsendableValue, header_value


@pytest.mark.parametrize("value", [" 00", "00 ", "\tkey", "key\t", "  ", " ", "Bearer token "])
def test_a_value_the_server_would_trim_is_not_sent(value):
    with pytest.raises(UnsendableValue, match="whitespace at an end"):
        header_value(value)


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\x00b"])
def test_a_value_http_cannot_carry_is_not_sent(value):
    with pytest.raises(UnsendableValue, match="CR, LF or NUL"):
        header_value(value)


@pytest.mark.parametrize("value, sent", [("0 0", "0 0"), ("Bearer\tkey", "Bearer\tkey"), ("", ""),
                                         ("\u00a0", "\u00a0"), ("é", "é"),
                                         ("😀", "😀".encode("utf-8").decode("latin-1"))])
def test_inner_whitespace_and_other_text_are_sent_as_drawn(value, sent):
    assert header_value(value) == sent
    assert header_value(value) == header_value(value).strip(" \t")  # what the server parses
