"""Fixtures: images-mock child processes on port 0, always torn down.

- ``mock``            the default server (no extra CLI arguments), shared by the session.
- ``servers``         ``servers.get(*args)`` returns a server started with those extra CLI
                      arguments, shared by every test asking for the same arguments.
- ``mock_factory``    ``mock_factory(*args)`` starts a private server for one test; it is
                      stopped when the test ends (use it when the test kills or ages the server).
"""

from __future__ import annotations

import pytest

from mock_process import MockServer


class ServerPool:
    def __init__(self) -> None:
        self._servers: dict[tuple[str, ...], MockServer] = {}

    def get(self, *args: str) -> MockServer:
        server = self._servers.get(args)
        if server is None or not server.alive():
            if server is not None:
                server.stop()
            server = MockServer(*args).start()
            self._servers[args] = server
        return server

    def stop_all(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()


@pytest.fixture(scope="session")
def servers():
    pool = ServerPool()
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture(scope="session")
def mock(servers) -> MockServer:
    return servers.get()


@pytest.fixture
def mock_factory():
    started: list[MockServer] = []

    def start(*args: str) -> MockServer:
        server = MockServer(*args).start()
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture(autouse=True)
def _server_still_alive(request):
    """After each test, a shared server that crashed is reported with its stderr."""
    yield
    pool = request.getfixturevalue("servers") if "servers" in request.fixturenames else None
    if pool is None:
        return
    for args, server in list(pool._servers.items()):
        if not server.alive():
            pool._servers.pop(args)
            pytest.fail(
                f"images-mock {' '.join(args) or '(default)'} died during this test "
                f"(exit code {server.proc.returncode}); stderr:\n{server.stderr()}"
            )
