"""Starting and stopping the images-mock binary for the client suite.

The binary is `.build/debug/images-mock` at the repository root unless the environment
variable IMAGES_MOCK_BIN names another one. Each server listens on 127.0.0.1 with port 0;
its port is read from the one line it prints when ready:

    images-mock listening on http://127.0.0.1:PORT
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
LISTENING = re.compile(r"^images-mock listening on (http://127\.0\.0\.1:(\d+))$")
START_TIMEOUT = 15.0


def binary_path() -> Path:
    value = os.environ.get("IMAGES_MOCK_BIN")
    path = Path(value) if value else REPO_ROOT / ".build" / "debug" / "images-mock"
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


class MockServer:
    """One running `images-mock serve` child process."""

    def __init__(self, *extra_args: str) -> None:
        self.args = tuple(extra_args)
        self.proc: subprocess.Popen[bytes] | None = None
        self.base_url = ""
        self.port = 0
        self.stdout_lines: list[str] = []
        self._stderr = tempfile.TemporaryFile()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "MockServer":
        binary = binary_path()
        if not binary.exists():
            raise RuntimeError(
                f"images-mock binary not found at {binary}; build it first "
                "(swift build) or point IMAGES_MOCK_BIN at it"
            )
        cmd = [str(binary), "serve", "--host", "127.0.0.1", "--port", "0", *self.args]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr
        )
        lines: "queue.Queue[str | None]" = queue.Queue()

        def pump() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for raw in self.proc.stdout:
                lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

        deadline = time.monotonic() + START_TIMEOUT
        first: str | None = None
        try:
            first = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pass
        if first is None:
            exited = self.proc.poll() is not None
            self.stop()
            what = (f"exited with code {self.proc.returncode} before printing its listening line"
                    if exited else f"did not print its listening line within {START_TIMEOUT}s")
            raise RuntimeError(f"images-mock {' '.join(self.args)} {what}; stderr:\n{self.stderr()}")
        self.stdout_lines.append(first)
        match = LISTENING.match(first)
        if not match:
            self.stop()
            raise RuntimeError(f"unexpected first stdout line {first!r}; stderr:\n{self.stderr()}")
        self.base_url, self.port = match.group(1), int(match.group(2))
        assert self.port > 0, "port 0 must be replaced by the real port in the listening line"
        self._first_request(deadline)
        return self

    def _first_request(self, deadline: float) -> None:
        """Sends one request, then checks that the child is still alive."""
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/v1/__client_suite_probe", headers={"Authorization": "Bearer sk-probe"})
                conn.getresponse().read()
                conn.close()
                break
            except OSError as exc:  # refused while still binding: retry briefly
                last_error = exc
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError(f"no HTTP answer on port {self.port}: {last_error}; stderr:\n{self.stderr()}")
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"images-mock exited (code {self.proc.returncode}) right after its first request; "
                f"stderr:\n{self.stderr()}"
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def terminate(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, then wait; returns the exit code (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
                return None
        return self.proc.returncode

    def stop(self) -> None:
        try:
            self.terminate()
        finally:
            if self.proc is not None and self.proc.stdout is not None:
                try:
                    self.proc.stdout.close()
                except OSError:
                    pass

    def stderr(self, limit: int = 4000) -> str:
        try:
            self._stderr.flush()
            self._stderr.seek(0)
            data = self._stderr.read()
        except (OSError, ValueError):
            return "<stderr unavailable>"
        return data[-limit:].decode("utf-8", "replace")

    # -- convenience -----------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        """Base URL for the OpenAI SDK (it appends /images/generations)."""
        return self.base_url + "/v1"

    def url(self, path: str) -> str:
        return self.base_url + path
