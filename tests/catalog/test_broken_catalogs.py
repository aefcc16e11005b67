"""Broken catalogs: each gives one clear ``file:line:col: message [rule]`` line, never a traceback."""

import textwrap

import pytest

from conformance.cli import main

VALID = """\
format: 1
api: {name: acme, title: Acme}
auth:
  header: Authorization
  scheme: Bearer
  credentials:
    primary: {env: ACME_KEY}
envelopes:
  default:
    media_type: application/json
    schema: {type: object, required: [errcode, error]}
    code: {pointer: /errcode}
    message: {pointer: /error}
errors:
  - code: M_NOT_FOUND
    status: 404
    provenance: {name: seed, status: seed}
  - code: M_LIMIT_EXCEEDED
    status: 429
    provenance: {name: seed, status: seed}
probes:
  - id: unknown-room
    kind: routing
    request: {method: GET, path: /rooms/nope}
    expect: M_NOT_FOUND
"""


def lint(tmp_path, capsys, text):
    path = tmp_path / "acme.yaml"
    path.write_text(textwrap.dedent(text))
    code = main(["lint", str(path)])
    out = capsys.readouterr().out.replace(str(path), "acme.yaml")
    return code, out.splitlines()


def test_valid_catalog_is_clean(tmp_path, capsys):
    assert lint(tmp_path, capsys, VALID) == (0, [])


BROKEN = {
    "yaml-syntax": (
        VALID.replace("  default:\n", "  default:\n   - oops\n"),
        "acme.yaml:11:15: YAML syntax: mapping values are not allowed here [yaml-syntax]",
    ),
    "duplicate-yaml-key": (
        VALID.replace("api: {name: acme, title: Acme}", "api: {name: acme, title: Acme}\napi: {name: again, title: Again}"),
        "acme.yaml:3:1: YAML syntax: while constructing a mapping found duplicate key 'api' [yaml-syntax]",
    ),
    "unknown-key": (
        VALID.replace("    status: 404\n", "    status: 404\n    stauts: 404\n"),
        "acme.yaml:17:5: errors[0].stauts: unknown key [unknown-key]",
    ),
    "wrong-type": (
        VALID.replace("status: 429", "status: many"),
        "acme.yaml:19:13: errors[1].status: Input should be a valid integer, unable to parse string as an integer (got 'many') [int_parsing]",
    ),
    "status-out-of-range": (
        VALID.replace("status: 429", "status: 200"),
        "acme.yaml:19:13: errors[1].status: an error status must be 4xx or 5xx, not 200 [value]",
    ),
    "bad-pointer": (
        VALID.replace("code: {pointer: /errcode}", "code: {pointer: errcode}"),
        "acme.yaml:12:21: envelopes.default.code.pointer: bad JSON pointer 'errcode': must be empty or start with '/', with '~' only as '~0' or '~1' (RFC 6901) [value]",
    ),
    "bad-regex": (
        VALID.replace("code: {pointer: /errcode}", "code: {pointer: /errcode, pattern: '([a-z'}"),
        "acme.yaml:12:40: envelopes.default.code.pattern: bad regular expression '([a-z': unterminated character set at position 1 [value]",
    ),
    "missing-required": (
        VALID.replace("    provenance: {name: seed, status: seed}\n  - code: M_LIMIT", "  - code: M_LIMIT"),
        "acme.yaml:15:5: errors[0].provenance: required key 'provenance' is missing [required-key]",
    ),
    "duplicate-code": (
        VALID.replace("code: M_LIMIT_EXCEEDED", "code: M_NOT_FOUND"),
        "acme.yaml:18:11: duplicate code 'M_NOT_FOUND' (first at errors[0]) [unique-codes]",
    ),
    "probe-expects-unknown-code": (
        VALID.replace("expect: M_NOT_FOUND", "expect: M_NOT_FUND"),
        "acme.yaml:25:13: probe expects unknown code 'M_NOT_FUND'; did you mean 'M_NOT_FOUND'? [defined-codes]",
    ),
    "planned-surfaces-as-undefined": (
        VALID.replace("    status: 404\n", "    status: 404\n    planned: {surfaces_as: M_UNKNOWN}\n"),
        "acme.yaml:17:28: planned code surfaces as undefined code 'M_UNKNOWN' [defined-codes]",
    ),
    "status-contradicts-status-map": (
        VALID.replace("    message: {pointer: /error}\n", "    message: {pointer: /error}\n    status: {pointer: /status}\n    status_map: {NOT_FOUND: 404}\n"),
        "acme.yaml:21:13: status 429 of 'M_LIMIT_EXCEEDED' is not in envelope 'default' status_map (allows [404]) [status-map]",
    ),
    "unknown-strategy": (
        VALID.replace(
            "    request: {method: GET, path: /rooms/nope}\n",
            "    request: {method: GET, path: '/rooms/{room}'}\n    vary: {target: path, name: room, strategy: uuid.broken}\n",
        ),
        "acme.yaml:25:48: unknown strategy 'uuid.broken'; did you mean 'uuid.malformed'? [known-strategy]",
    ),
    "invalid-json-schema": (
        VALID.replace("schema: {type: object, required: [errcode, error]}", "schema: {type: objekt}"),
        "acme.yaml:11:20: invalid JSON Schema: 'objekt' is not valid under any of the given schemas [json-schema]",
    ),
    "unknown-credential": (
        VALID.replace("request: {method: GET, path: /rooms/nope}", "request: {method: GET, path: /rooms/nope, credential: admin}"),
        "acme.yaml:24:59: unknown credential 'admin'; defined: primary [known-credential]",
    ),
    "not-a-mapping": (
        "- just\n- a list\n",
        "acme.yaml:1:1: a catalog is a YAML mapping at the top level [top-level-mapping]",
    ),
}


@pytest.mark.parametrize("text, line", BROKEN.values(), ids=BROKEN.keys())
def test_broken_catalog_reports_file_line_and_rule(tmp_path, capsys, text, line):
    code, lines = lint(tmp_path, capsys, text)
    assert code == 1
    assert line in lines


def test_missing_file_is_one_clean_line(tmp_path, capsys):
    code = main(["lint", str(tmp_path / "nope.yaml")])
    out = capsys.readouterr().out.strip()
    assert code == 1
    assert out.startswith(str(tmp_path / "nope.yaml") + ":1:1: cannot read file: No such file or directory")


def test_unknown_builtin_name_lists_the_builtins(capsys):
    assert main(["lint", "nosuchapi"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("nosuchapi:1:1: no such catalog; built-in catalogs: ")
    assert "flowbrite" in out
