"""What a gate costs the target: requests sent per catalog, per code exercised and per probe,
counted against what reached the server (a recording loopback proxy, not the suite's word)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from conformance import reference
from conformance.catalog import load_catalog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugin"))
from wiretap import Wiretap  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
API = "flowbrite"


def test_requests_sent_are_the_requests_the_server_received(pytester, monkeypatch, tmp_path):
    creds = reference.credentials(API)
    monkeypatch.setenv("CONFORMANCE_API_KEY", creds["primary"])
    for name, spec in load_catalog(API).auth.credentials.items():
        if name in creds:
            monkeypatch.setenv(spec.env, creds[name])
    with reference.start(API, env={"REFERENCE_FLOWBRITE_BURST": "100000"}) as server, Wiretap(server.url) as tap:
        result = pytester.runpytest_subprocess(
            str(SUITES / "test_fields.py"), str(SUITES / "test_auth.py"), "--catalog", API, "--base-url", tap.url,
            "-p", "no:randomly", "--hypothesis-profile", "smoke", "--hypothesis-seed", "1",
            "--conformance-report", str(tmp_path),
        )
    assert result.ret == 0, result.stdout.str()
    received = len(tap.seen) - 1  # the run's one reachability check is no catalog's
    line = next(line for line in result.stdout.lines if line.startswith(f"{API} cost: "))
    sent, per_code, per_probe, probes = re.fullmatch(
        rf"{API} cost: (\d+) requests sent, ([\d.]+) per code exercised, ([\d.]+) per probe \((\d+) probes\)", line).groups()
    assert int(sent) == received
    assert int(probes) == 8  # 3 auth + 5 field probes
    cost = json.loads((tmp_path / "report.json").read_text())["catalogs"][API]["cost"]
    exercised = json.loads((tmp_path / "report.json").read_text())["catalogs"][API]["counts"]["exercised"]
    assert cost == {"requests_sent": received, "probes_run": 8, "requests_per_code": round(received / exercised, 1),
                    "requests_per_probe": round(received / 8, 1)}
    assert float(per_code) == cost["requests_per_code"] and float(per_probe) == cost["requests_per_probe"]
