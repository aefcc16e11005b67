"""Serving an app: own-socket binding, readiness, subprocess and in-thread runners."""
from __future__ import annotations

import asyncio
import atexit
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Callable

import uvicorn

ENV_WATCH_STDIN = "REFERENCE_EXIT_ON_STDIN_EOF"


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted sockets
    sock.bind((host, port))
    sock.listen(256)
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn Server that calls ``on_ready`` once it is accepting connections."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets=None) -> None:  # noqa: D401
        await super().startup(sockets=sockets)
        if self.on_ready is not None and not self.should_exit:
            self.on_ready()


def make_config(app) -> uvicorn.Config:
    return uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                          timeout_graceful_shutdown=1, timeout_keep_alive=5, loop="asyncio",
                          http="h11")


def watch_parent(poll: float = 0.5) -> None:
    """Exit this process when the parent goes away (or stdin closes, when asked via env)."""
    parent = os.getppid()

    def poll_parent() -> None:
        while True:
            time.sleep(poll)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=poll_parent, name="reference-parent-watch", daemon=True).start()
    if os.environ.get(ENV_WATCH_STDIN) == "1":
        def read_stdin() -> None:
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except Exception:  # noqa: BLE001
                pass
            os._exit(0)
        threading.Thread(target=read_stdin, name="reference-stdin-watch", daemon=True).start()


def serve_forever(app, name: str, host: str, port: int) -> None:
    """CLI mode: bind, print ``NAME listening on http://HOST:PORT`` once ready, serve."""
    sock = bind_socket(host, port)
    real_port = sock.getsockname()[1]
    url_host = f"[{host}]" if ":" in host else host

    def ready() -> None:
        sys.stdout.write(f"{name} listening on http://{url_host}:{real_port}\n")
        sys.stdout.flush()

    watch_parent()
    server = _Server(make_config(app), on_ready=ready)
    asyncio.run(server.serve(sockets=[sock]))


# --------------------------------------------------------------------------------------
_running: "set[RunningServer]" = set()


@atexit.register
def _stop_all() -> None:
    for srv in list(_running):
        try:
            srv.stop()
        except Exception:  # noqa: BLE001
            pass


class RunningServer:
    """A started reference API. ``url``, ``name``, ``fault``, ``pid`` (None in-process)."""

    def __init__(self, name: str, url: str, fault: str | None, *, process=None,
                 server: _Server | None = None, thread: threading.Thread | None = None) -> None:
        self.name = name
        self.url = url
        self.fault = fault
        self._process = process
        self._server = server
        self._thread = thread
        self.pid: int | None = process.pid if process is not None else None
        self._stopped = False
        _running.add(self)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def running(self) -> bool:
        if self._stopped:
            return False
        if self._process is not None:
            return self._process.poll() is None
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 3.0) -> None:
        if self._stopped:
            return
        self._stopped = True
        _running.discard(self)
        if self._process is not None:
            proc = self._process
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout)
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream:
                        stream.close()
                except Exception:  # noqa: BLE001
                    pass
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout)

    def __enter__(self) -> "RunningServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningServer({self.name!r}, url={self.url!r}, fault={self.fault!r}, pid={self.pid})"


def start_subprocess(name: str, *, fault: str | None, port: int, host: str = "127.0.0.1",
                     timeout: float = 10.0, env: dict[str, str] | None = None) -> RunningServer:
    cmd = [sys.executable, "-m", "conformance.reference", name, "--port", str(port), "--host", host]
    if fault:
        cmd += ["--fault", fault]
    child_env = dict(os.environ)
    # The folder holding the top-level package, so the child imports this very copy.
    top = sys.modules[__name__.split(".")[0]]
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(top.__file__)))
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (pkg_parent, child_env.get("PYTHONPATH", "")) if p)
    child_env[ENV_WATCH_STDIN] = "1"
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    if env:
        child_env.update(env)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env)
    first: list[bytes] = []
    got = threading.Event()

    def reader() -> None:
        line = proc.stdout.readline()
        first.append(line)
        got.set()
        for _ in iter(proc.stdout.readline, b""):  # keep draining so the child never blocks
            pass

    threading.Thread(target=reader, name=f"reference-{name}-stdout", daemon=True).start()
    if not got.wait(timeout) or not first or not first[0]:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"reference API {name!r} did not start (exit code {proc.returncode})")
    line = first[0].decode().strip()
    marker = " listening on "
    if marker not in line:
        proc.kill()
        raise RuntimeError(f"unexpected first line from reference API {name!r}: {line!r}")
    url = line.split(marker, 1)[1]
    return RunningServer(name, url, fault, process=proc)


def start_in_process(name: str, app, *, fault: str | None, port: int, host: str = "127.0.0.1",
                     timeout: float = 10.0) -> RunningServer:
    sock = bind_socket(host, port)
    real_port = sock.getsockname()[1]
    ready = threading.Event()
    server = _Server(make_config(app), on_ready=ready.set)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            ready.set()
            sock.close()

    thread = threading.Thread(target=run, name=f"reference-{name}", daemon=True)
    thread.start()
    if not ready.wait(timeout) or errors or not server.started:
        server.should_exit = True
        raise RuntimeError(f"reference API {name!r} did not start in-process: {errors}")
    url_host = f"[{host}]" if ":" in host else host
    return RunningServer(name, f"http://{url_host}:{real_port}", fault, server=server, thread=thread)
