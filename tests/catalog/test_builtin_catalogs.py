"""The shipped catalogs lint clean, the CLI lists them, and the format's schema is current."""

import json

import jsonschema
import pytest
import yaml

from conformance.catalog import builtin_names, load_catalog, resolve
from conformance.catalog.schema import SCHEMA_PATH, render
from conformance.cli import main
from conformance import strategies

SEED_APIS = ["customer-verification", "falu", "flireo", "flowbrite", "voipbin"]


def test_the_five_seed_catalogs_ship():
    assert set(SEED_APIS) <= set(builtin_names())


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_catalog_lints_clean(name, capsys):
    assert main(["lint", name]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_catalog_validates_against_the_committed_schema(name):
    """Editors validate with the committed JSON Schema: it must accept what the model accepts."""
    schema = json.loads(SCHEMA_PATH.read_text())
    data = yaml.safe_load(resolve(name).read_text())
    jsonschema.Draft202012Validator(schema).validate(data)


@pytest.mark.parametrize("name", builtin_names())
def test_catalog_names_its_schema_for_editors(name):
    first_line = resolve(name).read_text().splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=catalog.schema.json"


def test_committed_schema_matches_the_model():
    assert SCHEMA_PATH.read_text() == render(), "run: python -m conformance schema"


def test_schema_rejects_what_the_model_rejects():
    schema = json.loads(SCHEMA_PATH.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    bad = {"format": 1, "api": {"name": "x", "title": "X"}, "auth": {"header": "A"}, "envelopes": {}, "errors": [], "typo": 1}
    messages = {error.message for error in validator.iter_errors(bad)}
    assert "Additional properties are not allowed ('typo' was unexpected)" in messages


def test_list_prints_each_catalog_with_counts(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == builtin_names()
    flowbrite = next(line for line in lines if line.startswith("flowbrite"))
    catalog = load_catalog("flowbrite")
    assert f"{len(catalog.errors)} codes" in " ".join(flowbrite.split())


def test_strategies_lists_every_strategy_with_its_arguments_and_rule(capsys):
    assert main(["strategies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[::2]] == strategies.names()
    assert lines[4:6] == [
        "prefixed_id.valid              valid    prefix*, body, min_length, max_length",
        "    Prefixed id rule: ``prefix`` followed by a body of the given shape (ULID or alphanumeric).",
    ]
    missing = lines[2 * strategies.names().index("credential.missing")]
    assert missing == "credential.missing             invalid  scheme"
