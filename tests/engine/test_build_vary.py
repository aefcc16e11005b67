"""Every ``vary.target`` of the catalog format places the drawn value where it says: one row
per target, each read back from the request as it goes on the wire."""

from __future__ import annotations

import json
import typing
from urllib.parse import parse_qs, urlsplit

import pytest

from conformance.catalog import load_catalog
from conformance.catalog.model import Step, Vary
from conformance.engine.build import RequestBuilder, Variables

CATALOG = load_catalog("flowbrite")  # auth header X-API-KEY, idempotency header X-IDEMPOTENCY-KEY
DRAWN = "drawn-7Qx"
STEP = Step.model_validate({
    "method": "POST", "path": "/wallets/{walletId}", "query": {"page": 1},
    "headers": {"Accept-Language": "en"}, "json": {"name": "Ops", "owner": {"id": "u1"}},
})


def header(request, name):
    return next((value for key, value in request.headers.items() if key.lower() == name.lower()), None)


# target -> (vary name, where the drawn value must be found)
PLACES = {
    "header": ("Accept-Language", lambda r: header(r, "Accept-Language")),
    "query": ("page", lambda r: parse_qs(urlsplit(r.url).query)["page"][0]),
    "path": ("walletId", lambda r: urlsplit(r.url).path.rsplit("/", 1)[1]),
    "json": ("/owner/id", lambda r: json.loads(r.content)["owner"]["id"]),
    "body": (None, lambda r: r.content.decode()),
    "content-type": (None, lambda r: header(r, "Content-Type")),
    "credential": (None, lambda r: header(r, CATALOG.auth.header)),
    "idempotency-key": (None, lambda r: header(r, CATALOG.idempotency.header)),
}


def test_the_table_covers_every_target_of_the_format():
    (targets,) = typing.get_args(Vary.model_fields["target"].annotation),
    assert set(PLACES) == set(targets)


@pytest.mark.parametrize("target", sorted(PLACES))
def test_the_drawn_value_is_where_the_target_says(target):
    name, read = PLACES[target]
    builder = RequestBuilder(CATALOG, "http://127.0.0.1:9", {"primary": "fbk_sandbox_key_0001"})
    plain = builder.build(STEP, Variables({"walletId": "w1"}))
    varied = builder.build(STEP, Variables({"walletId": "w1"}), vary=Vary(target=target, name=name, strategy="x"), value=DRAWN)
    assert read(varied) == DRAWN
    assert read(plain) != DRAWN


def test_a_header_drawn_as_none_is_absent():
    builder = RequestBuilder(CATALOG, "http://127.0.0.1:9", {"primary": "fbk_sandbox_key_0001"})
    request = builder.build(STEP, Variables({"walletId": "w1"}), vary=Vary(target="header", name="accept-language", strategy="x"), value=None)
    assert header(request, "Accept-Language") is None
