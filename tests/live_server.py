"""The app served by uvicorn in a thread, for tests that need real HTTP (emulators, a browser, proxies).

``running_server(config)`` binds its own socket on a free port (no window in which another process can take
the port between choosing and binding it) and waits on an explicit readiness signal: the server sets an
event once its startup has finished, or its thread sets it on the way out when startup failed. The wait is
bounded, and it returns as soon as the signal comes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

STARTUP_DEADLINE_S = 60.0


class SignallingServer(uvicorn.Server):
    """A uvicorn server that sets ``ready`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


@contextmanager
def running_server(config: uvicorn.Config, timeout: float = STARTUP_DEADLINE_S) -> Iterator[str]:
    """Serve ``config``'s app on a free port of ``config.host``; yields the base URL, stops it after."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((config.host, 0))
    port = int(sock.getsockname()[1])
    server = SignallingServer(config)

    def run() -> None:
        try:
            server.run(sockets=[sock])
        finally:
            server.ready.set()  # startup failed or the server ended: nobody waits in vain

    thread = threading.Thread(target=run, name="test-uvicorn", daemon=True)
    thread.start()
    try:
        server.ready.wait(timeout)
        if not server.started:
            raise RuntimeError(f"the test server did not start within {timeout:.0f} s")
        host = "127.0.0.1" if config.host in ("", "0.0.0.0") else config.host
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
