"""Fixtures of the hostile-server tests: one server per module, and the TCP connections this
process opens (the in-process suite runs included), to prove no traffic left for elsewhere."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from hostile_server import HostileServer  # noqa: E402


@pytest.fixture(scope="module")
def server():
    server = HostileServer().start()
    yield server
    server.stop()


@pytest.fixture
def connects(monkeypatch):
    """Every outgoing TCP connection of this process, by address."""
    seen: list[tuple] = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        seen.append(tuple(address[:2]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return seen
