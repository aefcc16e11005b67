"""The distribution as a new user meets it: the wheel (not an editable install) in a fresh
virtualenv without the test extras (no pytest-xdist, no reference servers), run from an
empty directory that holds only a copy of a seed catalog.

The wheel is built and installed once per session (about a minute: the dependencies are
installed for real); the reference APIs the runs judge are started from this checkout, as
a user would start their own staging server.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conformance import reference

REPO = Path(__file__).resolve().parents[2]
SECRET = "sk_typo_SECRET_d41d8cd98f00b204"


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtualenv holding the built wheel."""
    root = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(root / "dist"), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (root / "dist").glob("*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / "bin"
    install = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-2000:]
    return bin_dir


@pytest.fixture(scope="module")
def servers():
    env = {"REFERENCE_FLOWBRITE_BURST": "100000"}  # one shared key for the whole run
    started = {"ok": reference.start("flowbrite", env=env), "faulty": reference.start("flowbrite", fault="wrong-status", env=env)}
    yield started
    for server in started.values():
        server.stop()


@pytest.fixture
def workdir(tmp_path) -> Path:
    """An empty directory holding only a copy of a seed catalog."""
    shutil.copy(REPO / "catalogs" / "flowbrite.yaml", tmp_path / "flowbrite.yaml")
    return tmp_path


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CONFORMANCE_", "PYTEST_", "FLOWBRITE_"))}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def target_args(server, profile: tuple[str, ...] = ("--hypothesis-profile", "smoke")) -> list[str]:
    key = reference.credentials("flowbrite")["primary"]
    return ["--catalog", "./flowbrite.yaml", "--base-url", server.url, "--api-key", key,
            "-p", "no:randomly", *profile, "-m", "not burst"]


def test_one_top_level_import_name(installed):
    site = next((installed.parent / "lib").glob("python*/site-packages"))
    (dist_info,) = site.glob("error_contract_conformance-*.dist-info")
    with open(dist_info / "RECORD", newline="") as fh:
        tops = {Path(row[0]).parts[0] for row in csv.reader(fh)}
    importable = {top for top in tops if not top.endswith(".dist-info") and top != ".."}
    assert importable == {"conformance"}
    assert (dist_info / "top_level.txt").read_text().split() == ["conformance"]


@pytest.mark.parametrize("how", ["pytest", "conformance run"])
def test_empty_directory_runs_the_packaged_suites(installed, servers, workdir, how):
    command = [str(installed / "pytest")] if how == "pytest" else [str(installed / "conformance"), "run"]
    key = reference.credentials("flowbrite")["primary"]

    passed = run([*command, *target_args(servers["ok"])], workdir)
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert f"conformance target: {servers['ok'].url}" in passed.stdout
    assert "conformance catalogs: flowbrite" in passed.stdout

    failed = run([*command, *target_args(servers["faulty"])], workdir)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "Wrong HTTP status" in failed.stdout
    for result in (passed, failed):
        assert key not in result.stdout + result.stderr


def test_a_mistyped_option_exits_4_without_the_value(installed, workdir):
    for command in ([str(installed / "conformance"), "run", "--catalog", "x.yaml", "--api-kye", SECRET],
                    [str(installed / "conformance"), "run", "--catalog", "x.yaml", f"--api-kye={SECRET}"],
                    [str(installed / "pytest"), "--catalog", "x.yaml", f"--api-kye={SECRET}"]):
        result = run(command, workdir)
        output = result.stdout + result.stderr
        assert result.returncode == 4, output
        assert "unrecognized arguments: --api-kye" in output
        assert SECRET not in output


def test_a_guest_in_the_users_own_run(installed, servers, workdir):
    """Without --catalog the plugin does nothing; with it, the user's own tests keep the
    settings Hypothesis alone gives them (no profile loaded for the session), and no xdist
    is needed."""
    (workdir / "test_mine.py").write_text(
        "import pathlib\n"
        "from hypothesis import given, settings, strategies as st\n"
        "\n"
        "@given(st.integers())\n"
        "def test_my_settings(n):\n"
        "    pathlib.Path('seen.txt').write_text(settings.get_current_profile_name() + repr(settings()))\n"
    )
    seen = workdir / "seen.txt"
    hypothesis_alone = run([str(installed / "pytest"), "-q", "-p", "no:randomly", "-p", "no:conformance.plugin",
                            "-p", "no:conformance.report.plugin"], workdir)
    assert hypothesis_alone.returncode == 0, hypothesis_alone.stdout[-3000:]
    expected = seen.read_text()
    alone = run([str(installed / "pytest"), "-q", "-p", "no:randomly"], workdir)
    assert alone.returncode == 0, alone.stdout[-3000:]
    assert seen.read_text() == expected
    assert "conformance" not in alone.stdout
    assert alone.stdout.strip().splitlines()[-1].startswith("1 passed")

    both = run([str(installed / "pytest"), "test_mine.py", "--pyargs", "conformance.suites", *target_args(servers["ok"], profile=())],
                workdir)
    assert both.returncode == 0, both.stdout[-3000:]
    assert "INTERNALERROR" not in both.stdout + both.stderr
    assert "warning" not in both.stdout.splitlines()[-1]  # e.g. xdist's marks without xdist
    assert "conformance catalogs: flowbrite" in both.stdout
    assert seen.read_text() == expected


def test_embedded_apis_need_the_reference_extra(installed, workdir):
    result = run([str(installed / "pytest"), "--catalog", "./flowbrite.yaml"], workdir)
    assert result.returncode == 4
    assert ("ERROR: the embedded reference APIs need the 'reference' extra "
            "(pip install 'error-contract-conformance[reference]'); or give --base-url URL") in result.stderr


def test_the_catalog_in_the_users_own_tests(installed, workdir):
    (workdir / "test_contract.py").write_text(
        "import httpx, pytest\n"
        "from conformance import ErrorContract\n"
        "\n"
        "contract = ErrorContract.load('flowbrite.yaml')\n"
        "HEADERS = {'X-Correlation-Id': '01ARZ3NDEKTSV4RRFFQ69G5FAV'}\n"
        "\n"
        "def unauthorized(status):\n"
        "    body = {'error': {'status': status, 'code': 'api.common.unauthorized', 'message': 'no key'}}\n"
        "    return httpx.Response(status, json=body, headers=HEADERS)\n"
        "\n"
        "def test_a_conforming_answer_passes():\n"
        "    assert contract.check(unauthorized(401), expect='api.common.unauthorized').code == 'api.common.unauthorized'\n"
        "\n"
        "def test_a_wrong_status_is_the_engines_failure():\n"
        "    with pytest.raises(AssertionError, match='Wrong HTTP status'):\n"
        "        contract.check(unauthorized(403), expect='api.common.unauthorized')\n"
    )
    result = run([str(installed / "pytest"), "-q", "-p", "no:randomly", "test_contract.py"], workdir)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("2 passed")
