"""--hypothesis-redis: the Hypothesis example database in a real Redis server.

A failing example found by one run is replayed first by the next run, which shares nothing
with the first but the Redis URL (its local ``.hypothesis/`` directory is deleted in between).
"""

import shutil
import socket
import subprocess
import time

import pytest

needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server not installed (apt-get install -y redis-server); these tests start a real one",
)

PLUGINS = ("-p", "conformance.plugin", "-p", "conformance.report.plugin", "-p", "no:randomly", "--catalog", "flowbrite")

# x > 10**6 is rare among the first examples but always found within 300 (the 'thorough'
# profile); every tried value is appended to the file named by EXAMPLES_LOG.
PROPERTY = """
import os
from hypothesis import given, strategies as st

@given(st.integers())
def test_rare(x):
    with open(os.environ["EXAMPLES_LOG"], "a") as log:
        log.write(f"{x}\\n")
    assert x <= 10**6
"""
SHRUNK = "1000001"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    import redis

    port = _free_port()
    workdir = tmp_path / "redis"
    workdir.mkdir()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port} (exit {proc.poll()})")
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


def _run(pytester, log, *args):
    pytester._monkeypatch.setenv("EXAMPLES_LOG", str(log))
    pytester._monkeypatch.delenv("CI", raising=False)
    return pytester.runpytest_subprocess(*PLUGINS, *args)


def _tried(log) -> list[str]:
    return log.read_text().split()


@needs_redis
def test_failing_example_is_replayed_first_by_the_next_run(pytester, redis_url):
    import redis

    pytester.makepyfile(test_property=PROPERTY)
    first_log, second_log = pytester.path / "first.log", pytester.path / "second.log"

    first = _run(pytester, first_log, "--hypothesis-redis", redis_url, "--hypothesis-profile", "thorough")
    first.assert_outcomes(failed=1)
    first.stdout.fnmatch_lines([
        "conformance hypothesis profile: thorough+redis, *",
        f"conformance example database: redis {redis_url}",
        f"E       assert {SHRUNK} <= (10 ** 6)",
    ])
    tried = _tried(first_log)
    assert tried[0] != SHRUNK and SHRUNK in tried  # found by generation and shrinking, not replayed

    client = redis.Redis.from_url(redis_url)
    keys = client.keys("*")
    client.close()
    assert keys and all(key.startswith(b"conformance-example:") for key in keys)
    # Nothing was kept locally: the next run can only learn the example from Redis.
    shutil.rmtree(pytester.path / ".hypothesis", ignore_errors=True)

    second = _run(pytester, second_log, "--hypothesis-redis", redis_url, "--hypothesis-profile", "thorough")
    second.assert_outcomes(failed=1)
    second.stdout.fnmatch_lines([f"E       assert {SHRUNK} <= (10 ** 6)"])
    assert _tried(second_log)[0] == SHRUNK


@needs_redis
def test_reuse_phase_alone_fails_only_with_the_shared_database(pytester, redis_url):
    pytester.makepyfile(test_property=PROPERTY)
    pytester.makeconftest(
        "from hypothesis import Phase, settings\n"
        "settings.register_profile('replay', max_examples=300, deadline=None, phases=[Phase.reuse])\n"
    )
    found = _run(pytester, pytester.path / "found.log", "--hypothesis-redis", redis_url, "--hypothesis-profile", "thorough")
    found.assert_outcomes(failed=1)
    shutil.rmtree(pytester.path / ".hypothesis", ignore_errors=True)

    replayed = _run(pytester, pytester.path / "replayed.log", "--hypothesis-redis", redis_url, "--hypothesis-profile", "replay")
    replayed.assert_outcomes(failed=1)
    assert _tried(pytester.path / "replayed.log")[0] == SHRUNK

    # The same profile against an empty Redis database (db 1) has nothing to replay: no failure,
    # Hypothesis skips the test as it ran no example.
    empty = _run(pytester, pytester.path / "empty.log", "--hypothesis-redis", redis_url[:-1] + "1",
                 "--hypothesis-profile", "replay")
    empty.assert_outcomes(skipped=1)
    assert not (pytester.path / "empty.log").exists()


@needs_redis
def test_url_read_from_the_environment(pytester, redis_url):
    pytester.makepyfile(test_property="def test_nothing():\n    pass\n")
    pytester._monkeypatch.setenv("CONFORMANCE_HYPOTHESIS_REDIS", redis_url)
    result = pytester.runpytest_subprocess(*PLUGINS)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"conformance example database: redis {redis_url}"])


def test_unreachable_redis_is_one_clear_error(pytester):
    port = _free_port()  # nothing listens there
    pytester.makepyfile(test_property="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess(*PLUGINS, "--hypothesis-redis", f"redis://:s3cret-pw@127.0.0.1:{port}/0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line] == [
        f"ERROR: cannot reach --hypothesis-redis redis://127.0.0.1:{port}/0: "
        f"Error 111 connecting to 127.0.0.1:{port}. Connection refused."
    ]
    assert "s3cret-pw" not in result.stdout.str() + result.stderr.str()


def test_not_a_redis_url_is_one_clear_error(pytester):
    pytester.makepyfile(test_property="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess(*PLUGINS, "--hypothesis-redis", "127.0.0.1:6379")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line] == [
        "ERROR: --hypothesis-redis 127.0.0.1:6379 is not a Redis URL: "
        "Redis URL must specify one of the following schemes (redis://, rediss://, unix://)"
    ]
