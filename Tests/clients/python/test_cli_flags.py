"""The CLI refuses flag values the server cannot keep, with a usage error (exit 64) before it
starts, and reports run-time failures (a port in use) as such (exit 1, no usage text)."""

from __future__ import annotations

import socket
import subprocess

import pytest
import requests

from mock_process import binary_path
from support import AUTH, TIMEOUT


def run(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary_path()), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("flag,value,needle", [
    ("--image-url-ttl", "inf", "--image-url-ttl must be"),
    ("--image-url-ttl", "nan", "--image-url-ttl must be"),
    ("--image-url-ttl", "1e308", "--image-url-ttl must be"),
    ("--drain-timeout", "inf", "--drain-timeout must be"),
    ("--drain-timeout", "1e300", "--drain-timeout must be"),
    ("--connection-timeout", "4294967296", "--connection-timeout must be"),
    ("--connection-timeout", "0", "--connection-timeout must be"),
    ("--journal-size", "9223372036854775807", "--journal-size must be"),
    ("--threads", "0", "--threads must be"),
    ("--connection-limit", "0", "--connection-limit must be"),
    ("--latency-ms", "999999999999", "--latency-ms must be"),
    # These two once got as far as the listener and exited 1 without a usage line.
    ("--port", "99999", "--port must be 0 to 65535"),
    ("--host", "example.com", "--host must be a numeric address"),
])
def test_out_of_range_flags_are_usage_errors(flag, value, needle):
    """Each of these once started (or crashed with SIGILL on first use) instead of saying no."""
    result = run("serve", "--port", "0", f"{flag}={value}")
    assert result.returncode == 64, (result.returncode, result.stderr[-500:])
    assert needle in result.stderr, result.stderr[-500:]


def test_models_not_yet_released_are_soon_not_gone():
    listed = run("models", "--as-of", "2023-12-01")
    assert listed.returncode == 0, listed.stderr[-300:]
    states = {line.split()[0]: line.split()[1] for line in listed.stdout.splitlines() if line.strip()}
    assert states["dall-e-2"] == "live"
    assert states["gpt-image-1"] == "soon", "released 2025-04-23"
    retired = run("models", "--as-of", "2026-12-01")
    assert {line.split()[0]: line.split()[1] for line in retired.stdout.splitlines() if line.strip()}["dall-e-2"] == "gone"


def test_models_as_of_must_be_a_date():
    result = run("models", "--as-of", "garbage")
    assert result.returncode == 64, result.stdout[-300:]
    assert "--as-of must be a date YYYY-MM-DD" in result.stderr


def test_port_in_use_is_a_run_time_error_not_usage():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run("serve", "--host", "127.0.0.1", "--port", str(port))
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert "port is in use" in result.stderr, result.stderr[-500:]
    assert "Usage:" not in result.stderr


def test_public_url_with_a_trailing_slash(servers):
    server = servers.get("--public-url", "http://mock.example:8080/")
    resp = requests.post(server.url("/v1/images/generations"), json={"model": "dall-e-2", "prompt": "x", "size": "256x256"},
                         headers=AUTH, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.content[:300]
    url = resp.json()["data"][0]["url"]
    assert url.startswith("http://mock.example:8080/v1/files/images/"), url


def test_errors_lists_the_named_errors_and_shows_one():
    """Design §1: `images-mock errors` lists the errors a scenario can name."""
    listed = run("errors")
    assert listed.returncode == 0, listed.stderr[-300:]
    names = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    assert {"content_policy_violation", "moderation_blocked", "rate_limit_exceeded", "server_error"} <= set(names), names
    shown = run("errors", "--show", "rate_limit_exceeded")
    assert shown.returncode == 0 and shown.stdout.startswith("HTTP 429\n"), shown.stdout[:200]
    assert '"code": "rate_limit_exceeded"' in shown.stdout
    unknown = run("errors", "--show", "nope")
    assert unknown.returncode == 64 and "content_policy_violation" in unknown.stderr


# The entry point parses a serve command line with `Serve` alone and hands everything else
# (help, version, other subcommands, usage mistakes) to the whole command tree. These pin that
# both routes answer as the command tree always did.

def test_flags_without_a_subcommand_serve():
    """`serve` is the default subcommand: flags alone start the server."""
    proc = subprocess.Popen([str(binary_path()), "--host", "127.0.0.1", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("images-mock listening on http://127.0.0.1:"), line
        resp = requests.get(line.rsplit(" ", 1)[1] + "/__admin/health", timeout=TIMEOUT)
        assert resp.status_code == 200 and resp.json()["status"] == "ok"
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0


@pytest.mark.parametrize("args", [["serve", "--threads", "0"], ["--threads", "0"], ["serve", "--port", "abc"], ["--bogus"], ["serve", "serve"]])
def test_serve_usage_errors_name_the_whole_command(args):
    result = run(*args)
    assert result.returncode == 64, (result.returncode, result.stderr[-500:])
    assert "Usage: images-mock serve" in result.stderr, result.stderr[-500:]
    assert "See 'images-mock serve --help'" in result.stderr, result.stderr[-500:]


def test_help_and_version_come_from_the_command_tree():
    root = run("--help")
    assert root.returncode == 0
    assert "USAGE: images-mock <subcommand>" in root.stdout and "serve (default)" in root.stdout, root.stdout[:600]
    serve = run("serve", "--help")
    assert serve.returncode == 0
    assert "USAGE: images-mock serve" in serve.stdout and "--latency-ms" in serve.stdout, serve.stdout[:600]
    for args in (["--version"], ["--port", "0", "--version"]):
        version = run(*args)
        assert version.returncode == 0 and version.stdout.strip() == "0.1.0", (args, version.stdout, version.stderr[-300:])
