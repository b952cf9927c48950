"""A pytest fixture that runs images-mock for your test session.

Copy this file next to your tests (or into your own conftest.py). It needs only the standard
library and pytest; your tests use whatever client you like (the openai SDK, httpx, ...).

    def test_generate(images_mock):              # images_mock == "http://127.0.0.1:PORT/v1"
        client = OpenAI(base_url=images_mock, api_key="sk-test")
        ...

How it works:

- The binary is ``$IMAGES_MOCK_BIN`` if set, else ``images-mock`` on ``PATH``.
- It is started once per test session with ``serve --host 127.0.0.1 --port 0``: the system picks
  a free port, so parallel sessions never collide. The fixture waits for the line the server
  prints when it is ready (``images-mock listening on http://127.0.0.1:PORT``) and yields the
  base URL the OpenAI SDKs want, ending in ``/v1``.
- The server is always terminated (SIGTERM, then SIGKILL after 10 s) when the session ends,
  even when tests fail or the session is interrupted.
- Extra command-line arguments come from the ``images_mock_args`` fixture; override it in your
  own conftest.py to load a scenario::

      @pytest.fixture(scope="session")
      def images_mock_args():
          return ["--scenario", "tests/scenarios/flaky.yaml", "--seed", "1"]

- The admin API lives at the server root: ``images_mock.removesuffix("/v1") + "/__admin/..."``
  (``POST /__admin/reset`` between tests, ``GET /__admin/requests`` to see what was sent).

``images_mock_server(*args)`` is the same thing as a context manager, for code outside pytest.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
from typing import Iterator

import pytest

READY = re.compile(r"^images-mock listening on (http://\S+)$")
START_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 10.0


def images_mock_binary() -> str:
    """``$IMAGES_MOCK_BIN``, else ``images-mock`` found on ``PATH``."""
    configured = os.environ.get("IMAGES_MOCK_BIN")
    if configured:
        if not os.access(configured, os.X_OK):
            raise RuntimeError(f"IMAGES_MOCK_BIN={configured} is not an executable file")
        return configured
    found = shutil.which("images-mock")
    if found is None:
        raise RuntimeError("images-mock is not on PATH; install it or set IMAGES_MOCK_BIN to the binary")
    return found


@contextlib.contextmanager
def images_mock_server(*args: str) -> Iterator[str]:
    """Runs ``images-mock serve`` on a free loopback port and yields its ``.../v1`` base URL.

    The process is terminated when the block exits, whether normally or by an exception.
    """
    command = [images_mock_binary(), "serve", "--host", "127.0.0.1", "--port", "0", *args]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        # Read the ready line on a thread, so a server that hangs cannot hang the session.
        first_line: list[str] = []
        reader = threading.Thread(target=lambda: first_line.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        ready = READY.match(first_line[0].strip()) if first_line else None
        if ready is None:
            process.kill()
            _, stderr = process.communicate(timeout=STOP_TIMEOUT_SECONDS)
            seen = first_line[0].strip() if first_line else "nothing"
            raise RuntimeError(f"images-mock did not start (first line: {seen!r}); stderr:\n{stderr}")
        # Keep draining stderr so a chatty server never blocks on a full pipe.
        threading.Thread(target=process.stderr.read, daemon=True).start()
        yield ready.group(1) + "/v1"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="session")
def images_mock_args() -> list[str]:
    """Extra ``images-mock serve`` arguments; override to pass ``--scenario FILE`` and the like."""
    return []


@pytest.fixture(scope="session")
def images_mock(images_mock_args: list[str]) -> Iterator[str]:
    """The base URL of a running images-mock, ending in ``/v1`` (for ``OpenAI(base_url=...)``)."""
    with images_mock_server(*images_mock_args) as base_url:
        yield base_url
