"""The append-only rule: added codes are fine; removed, renamed or re-statused codes break."""

import pytest

from conformance.cli import main

BASE = """\
format: 1
api: {name: acme, title: Acme}
auth: {header: Authorization, scheme: Bearer}
envelopes:
  default:
    media_type: application/json
    code: {pointer: /errcode}
errors:
{errors}
"""


def entry(code, status, description=""):
    return f"  - {{code: {code}, status: {status}, description: '{description}', provenance: {{name: seed, status: seed}}}}"


def write(tmp_path, name, *entries):
    path = tmp_path / f"{name}.yaml"
    path.write_text(BASE.replace("{errors}", "\n".join(entries)))
    return str(path)


PAIRS = {
    "identical": (
        [entry("M_NOT_FOUND", 404), entry("M_FORBIDDEN", 403)],
        [entry("M_NOT_FOUND", 404), entry("M_FORBIDDEN", 403)],
        0,
        ["no code added, removed or changed"],
    ),
    "added": (
        [entry("M_NOT_FOUND", 404)],
        [entry("M_NOT_FOUND", 404), entry("M_LIMIT_EXCEEDED", 429)],
        0,
        ["added: M_LIMIT_EXCEEDED"],
    ),
    "removed": (
        [entry("M_NOT_FOUND", 404), entry("M_FORBIDDEN", 403)],
        [entry("M_NOT_FOUND", 404)],
        1,
        ["BREAKING removed: M_FORBIDDEN"],
    ),
    "renamed": (
        [entry("M_NOT_FOUND", 404, "No such room.")],
        [entry("M_ROOM_NOT_FOUND", 404, "No such room.")],
        1,
        ["BREAKING renamed: M_NOT_FOUND -> M_ROOM_NOT_FOUND"],
    ),
    "status-changed": (
        [entry("M_NOT_FOUND", 404)],
        [entry("M_NOT_FOUND", 410)],
        1,
        ["BREAKING status changed: M_NOT_FOUND 404 -> 410"],
    ),
    "status-set-narrowed": (
        [entry("M_BAD_JSON", "[400, 422]")],
        [entry("M_BAD_JSON", 400)],
        1,
        ["BREAKING status changed: M_BAD_JSON 400/422 -> 400"],
    ),
    "removed-and-added": (
        [entry("M_NOT_FOUND", 404, "No such room."), entry("M_FORBIDDEN", 403)],
        [entry("M_FORBIDDEN", 403), entry("M_UNKNOWN", 400, "Something else.")],
        1,
        ["BREAKING removed: M_NOT_FOUND", "added: M_UNKNOWN"],
    ),
}


@pytest.mark.parametrize("old, new, exit_code, lines", PAIRS.values(), ids=PAIRS.keys())
def test_diff(tmp_path, capsys, old, new, exit_code, lines):
    old_path = write(tmp_path, "old", *old)
    new_path = write(tmp_path, "new", *new)
    assert main(["diff", old_path, new_path]) == exit_code
    assert capsys.readouterr().out.splitlines() == lines


def test_diff_of_a_broken_catalog_names_the_problem(tmp_path, capsys):
    old_path = write(tmp_path, "old", entry("M_NOT_FOUND", 404))
    broken = tmp_path / "new.yaml"
    broken.write_text("format: 1\napi: [\n")
    assert main(["diff", old_path, str(broken)]) == 2
    assert capsys.readouterr().out.startswith(f"{broken}:3:1: YAML syntax:")
