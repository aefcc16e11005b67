"""The plugin outside this checkout's habits: options from any directory, usage errors without
values, a guest's manners, the in-process target (--app) and the catalog in users' own tests."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from conformance import ErrorContract, reference
from conformance.usage import redact_usage

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
SECRET = "sk_typo_SECRET_0c9f1e7a5b3d"
BURST = {"REFERENCE_FLOWBRITE_BURST": "100000"}  # one shared key for a whole run
OUTCOME = re.compile(r"^(\S+::\S+) (PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)\b")


def run(pytester, *args, paths=(str(SUITES),)):
    return pytester.runpytest_subprocess(*paths, "-p", "no:randomly", *args)


def test_catalog_path_with_a_space_from_another_directory(pytester, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "my-api.yaml"
    elsewhere.write_text((REPO / "catalogs" / "flowbrite.yaml").read_text())
    result = run(pytester, "--catalog", str(elsewhere), "--api-key", SECRET, "--collect-only", "-q")
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["*suites/test_auth.py::test_credential_rejected[[]flowbrite:auth.missing-key[]]"])
    assert SECRET not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    "typed, shown",
    [
        (["--api-kye", SECRET], "unrecognized arguments: --api-kye [REDACTED]"),
        ([f"--api-kye={SECRET}"], "unrecognized arguments: --api-kye=[REDACTED]"),
        (["--max-rps", SECRET], "argument --max-rps: invalid float value: '[REDACTED]'"),
    ],
)
def test_usage_errors_show_option_names_not_values(pytester, typed, shown):
    result = run(pytester, "--catalog", "flowbrite", *typed)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert any(line.endswith(shown) for line in result.stderr.lines), result.stderr.str()
    assert SECRET not in result.stdout.str() + result.stderr.str()


def test_redact_usage_keeps_words_that_merely_contain_a_value():
    message = "error: argument --max-body: invalid int value: '12'\n  inifile: catalog12.yaml"
    assert redact_usage(message, ["--max-body", "12"]) == (
        "error: argument --max-body: invalid int value: '[REDACTED]'\n  inifile: catalog12.yaml"
    )


def test_the_suites_without_a_catalog_are_a_usage_error(pytester, monkeypatch):
    monkeypatch.delenv("CONFORMANCE_CATALOG", raising=False)
    result = run(pytester, "-o", "conformance_catalog=")  # this checkout's ini asks for 'all'

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: no catalog selected: give --catalog NAME|PATH ('all': every built-in catalog)"])


def test_a_guest_loads_no_hypothesis_profile_and_adds_no_header(pytester, monkeypatch):
    """The user's own test sees the settings Hypothesis alone would give it (its `ci` profile
    where CI is set, `default` elsewhere), with or without --catalog."""
    monkeypatch.delenv("CONFORMANCE_CATALOG", raising=False)
    pytester.makepyfile(
        test_mine="""
        import pathlib
        from hypothesis import given, settings, strategies as st

        @given(st.integers())
        def test_my_settings(n):
            pathlib.Path("seen.txt").write_text(settings.get_current_profile_name() + repr(settings()))
        """
    )
    seen = pytester.path / "seen.txt"
    hypothesis_alone = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:conformance.plugin",
                                                     "-p", "no:conformance.report.plugin")
    hypothesis_alone.assert_outcomes(passed=1)
    expected = seen.read_text()
    alone = pytester.runpytest_subprocess("-p", "no:randomly")
    alone.assert_outcomes(passed=1)
    assert seen.read_text() == expected
    assert not [line for line in alone.stdout.lines if line.startswith("conformance")]
    with_catalog = pytester.runpytest_subprocess("test_mine.py", "--catalog", "flowbrite", "-p", "no:randomly")
    with_catalog.assert_outcomes(passed=1)
    assert seen.read_text() == expected
    with_catalog.stdout.fnmatch_lines(["conformance catalogs: flowbrite"])


def _outcomes(result) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in map(OUTCOME.match, result.stdout.lines) if m}


@pytest.mark.parametrize("fault", [None, "wrong-status"])
def test_app_in_process_gets_the_verdicts_of_a_socket(pytester, monkeypatch, flowbrite_credentials, fault):
    """The same probes, the same seed: --app against the reference app in this process and
    --base-url against the same app served on loopback pass and fail alike."""
    for name, value in BURST.items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(apps=f"from conformance.reference.flowbrite import build_app\napp = build_app(fault={fault!r})\n")
    common = ["--catalog", "flowbrite", "-v", "-m", "not burst",
              "--hypothesis-profile", "smoke", "--hypothesis-seed", "1"]
    with reference.start("flowbrite", fault=fault, env=BURST) as server:
        socket = run(pytester, *common, "--base-url", server.url)
    in_process = run(pytester, *common, "--app", "apps:app")
    in_process.stdout.fnmatch_lines(["conformance target: app apps:app in this process"])
    assert _outcomes(socket) and _outcomes(in_process) == _outcomes(socket)
    # the OpenAPI route reaches the app in process through the suite's transport too
    openapi = [outcome for test, outcome in _outcomes(in_process).items() if "openapi" in test]
    assert len(openapi) == 2 and "SKIPPED" not in openapi, openapi
    assert ("FAILED" in _outcomes(socket).values()) == (fault is not None)


def test_app_that_is_not_importable_is_one_clear_error(pytester):
    result = run(pytester, "--catalog", "flowbrite", "--app", "no_such_module:app")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --app no_such_module:app: cannot import no_such_module: *"])


def test_the_catalog_judges_a_testclient_response():
    contract = ErrorContract.load("flowbrite")
    healthy = TestClient(reference.build_app("flowbrite"))
    verdict = contract.check(healthy.get("/v1/wallets"), expect="api.common.unauthorized")
    assert verdict.code == "api.common.unauthorized"

    faulty = TestClient(reference.build_app("flowbrite", fault="missing-header"))
    with pytest.raises(AssertionError) as failure:
        contract.check(faulty.get("/v1/wallets"), expect="api.common.unauthorized")
    lines = str(failure.value).splitlines()
    assert lines[0] == "Missing required header"
    assert "Reproduce: curl -sS -i -X GET http://testserver/v1/wallets" in "\n".join(lines)


def test_conformance_run_keeps_the_working_directory_as_rootdir(pytester, tmp_path_factory):
    """``conformance run --catalog ../elsewhere/x.yaml``: the value is passed on as
    ``--catalog=...``, so pytest does not read it as a path when it picks its rootdir."""
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "my-api.yaml"
    elsewhere.write_text((REPO / "catalogs" / "flowbrite.yaml").read_text())
    result = pytester.run(sys.executable, "-m", "conformance", "run", "--catalog", str(elsewhere),
                          "--api-key", SECRET, "--collect-only", "-p", "no:randomly")
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["conformance catalogs: flowbrite", f"rootdir: {pytester.path}"])
    assert SECRET not in result.stdout.str() + result.stderr.str()
