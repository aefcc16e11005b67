"""The pytest plugin as a user meets it: header lines, errors, test ids, skips."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import reference

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"


def run(pytester, *args, env=None, paths=(str(SUITES),)):
    for name, value in (env or {}).items():
        pytester._monkeypatch.setenv(name, value)
    return pytester.runpytest_subprocess(*paths, "-p", "no:randomly", *args)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_header_says_when_the_seed_is_random(pytester):
    result = run(pytester, "--catalog", "flowbrite", "--collect-only", "--hypothesis-profile", "dev")
    result.stdout.fnmatch_lines(["conformance hypothesis profile: dev, seed: random (fix one with --hypothesis-seed=N)"])


def test_header_names_target_catalogs_and_profile(pytester):
    result = run(pytester, "--catalog", "flowbrite", "--collect-only", "--hypothesis-profile", "ci", "--hypothesis-seed", "7")
    result.stdout.fnmatch_lines(
        [
            "conformance target: embedded reference APIs on 127.0.0.1",
            "conformance catalogs: flowbrite",
            "conformance hypothesis profile: ci, seed: 7",
        ]
    )


def test_test_ids_read_api_colon_probe(pytester):
    result = run(pytester, "--catalog", "flowbrite", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "*suites/test_auth.py::test_credential_rejected[[]flowbrite:auth.missing-key[]]",
            "*suites/test_rate_limits.py::test_burst_hits_rate_limit[[]flowbrite:rate-limit.burst[]]",
        ]
    )


def test_unreachable_base_url_is_one_clear_error(pytester):
    port = free_port()
    result = run(pytester, "--catalog", "flowbrite", "--base-url", f"http://127.0.0.1:{port}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: cannot reach --base-url http://127.0.0.1:{port}: ConnectError: *"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_base_url_needs_exactly_one_catalog(pytester):
    result = run(pytester, "--catalog", "flowbrite", "--catalog", "falu", "--base-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --base-url needs exactly one --catalog (got 2: flowbrite, falu)"])


def test_broken_catalog_stops_the_run_with_its_lines(pytester):
    broken = pytester.path / "broken.yaml"
    broken.write_text("format: 1\napi: {name: broken, title: B}\nauth: {header: A}\nenvelopes: {}\nerrors: []\nextra: 1\n")
    result = run(pytester, "--catalog", str(broken))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[:4] == [
        "ERROR: broken catalog:",
        "broken.yaml:4:12: envelopes: Dictionary should have at least 1 item after validation, not 0 (got {}) [min-length]",
        "broken.yaml:5:9: errors: List should have at least 1 item after validation, not 0 (got []) [min-length]",
        "broken.yaml:6:1: extra: unknown key [unknown-key]",
    ]


def test_missing_credentials_skip_with_the_variable_to_set(pytester):
    with reference.start("flowbrite") as server:
        result = run(
            pytester, "--catalog", "flowbrite", "--base-url", server.url, "-k", "no-permission", "-rs",
            env={"CONFORMANCE_API_KEY": reference.credentials("flowbrite")["primary"], "FLOWBRITE_FORBIDDEN_KEY": ""},
        )
    result.stdout.fnmatch_lines(["SKIPPED * credential forbidden not provided (set FLOWBRITE_FORBIDDEN_KEY)"])


def test_run_against_a_server_started_by_hand(pytester):
    """The same catalog passes with --base-url against `python -m conformance.reference flowbrite`."""
    # Its limit raised (the run shares one key): under the ci profile the default bucket runs
    # dry and the run waits on Retry-After for half a minute, which tests the limiter, not this.
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.reference", "flowbrite", "--port", "0"], stdout=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "REFERENCE_FLOWBRITE_BURST": "100000"},
    )
    try:
        url = process.stdout.readline().split(" listening on ")[1].strip()
        creds = reference.credentials("flowbrite")
        result = run(
            pytester, "--catalog", "flowbrite", "--base-url", url, "-m", "not burst",
            env={"CONFORMANCE_API_KEY": creds["primary"], "FLOWBRITE_FORBIDDEN_KEY": creds["forbidden"]},
        )
    finally:
        process.terminate()
        process.wait(timeout=5)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, result.stdout.str()[-3000:]
    assert outcomes["passed"] >= 10
    result.stdout.fnmatch_lines(["flowbrite: 8 codes, * exercised, * conforming, 0 failing, *"])


def test_same_results_under_xdist(pytester):
    """Observations from the workers are merged: -n 2 reports what a serial run reports."""
    serial = run(pytester, "--catalog", "flowbrite", "-m", "not burst")
    parallel = run(pytester, "--catalog", "flowbrite", "-m", "not burst", "-n", "2")
    summary = [line for line in serial.stdout.lines if line.startswith("flowbrite: ")]
    assert summary == [line for line in parallel.stdout.lines if line.startswith("flowbrite: ")]
    assert summary and " 0 failing" in summary[0]
    counts = lambda result: {k: v for k, v in result.parseoutcomes().items() if k in ("passed", "failed", "skipped", "error")}  # noqa: E731
    assert counts(serial) == counts(parallel)  # xdist does not report deselected items


def test_failure_shows_expected_received_entry_input_and_reproducer(pytester):
    creds = reference.credentials("flowbrite")
    with reference.start("flowbrite", fault="wrong-status") as server:
        result = run(
            pytester, "--catalog", "flowbrite", "--base-url", server.url, "--hypothesis-profile", "ci",
            paths=[f"{SUITES}/test_fields.py::test_invalid_field_rejected[flowbrite:wallets.create.currency]"],
            env={"CONFORMANCE_API_KEY": creds["primary"]},
        )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "Wrong HTTP status",
            "Code: api.common.validationFailed",
            "Expected status: 400",
            "Received status: 422",
            "Catalog entry: flowbrite api.common.validationFailed (400, status seed, name seed)",
            "Probe: flowbrite:wallets.create.currency",
            "Input: *",
            f"Reproduce: curl -sS -i -X POST {server.url}/v1/wallets -H 'X-API-KEY: [[]REDACTED[]]' *",
            "",
            f"Replay: pytest '*suites/test_fields.py::test_invalid_field_rejected[[]flowbrite:wallets.create.currency[]]' "
            f"--catalog=flowbrite --base-url={server.url} --hypothesis-profile=ci",
        ]
    )
    assert creds["primary"] not in result.stdout.str()
