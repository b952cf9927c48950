"""`images-mock explain`: the offline reproducer for a 400, run as a user would."""

from __future__ import annotations

import json
import socket
import subprocess

import pytest

from mock_process import binary_path
from support import png_bytes

BOUNDARY = "4f1d2a"


def capture(part_type: str, newline: bytes = b"\r\n") -> bytes:
    body = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ngpt-image-1.5\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nadd a hat\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"upload\"\r\n"
        f"Content-Type: {part_type}\r\n\r\n"
    ).encode() + png_bytes(64, 64) + f"\r\n--{BOUNDARY}--\r\n".encode()
    head = [
        b"POST /v1/images/edits HTTP/1.1",
        b"Host: api.openai.com",
        b"Authorization: Bearer sk-captured",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}".encode(),
        f"Content-Length: {len(body)}".encode(),
    ]
    return newline.join(head) + newline + newline + body


def explain(tmp_path, data: bytes, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "captured.http"
    path.write_bytes(data)
    return subprocess.run([str(binary_path()), "explain", str(path), *args], capture_output=True, text=True, timeout=30)


def test_explain_reproduces_the_octet_stream_rejection(tmp_path):
    result = explain(tmp_path, capture("application/octet-stream"))
    assert result.returncode == 1
    assert "HTTP 400" in result.stdout
    assert ("Invalid file 'image': unsupported mimetype ('application/octet-stream'). "
            "Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.") in result.stdout
    assert "Why: The part's declared Content-Type decides" in result.stdout


def test_explain_accepts_a_valid_capture_with_lf_head(tmp_path):
    result = explain(tmp_path, capture("image/png", newline=b"\n"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HTTP 200" in result.stdout
    assert "note: the request head uses LF line endings" in result.stdout
    assert '"b64_json": "<base64 image>"' in result.stdout


def test_explain_reads_stdin_and_honours_the_era(tmp_path):
    data = capture("image/png")
    result = subprocess.run([str(binary_path()), "explain", "-", "--as-of", "2026-11-21"], input=data, capture_output=True, timeout=30)
    assert result.returncode == 0, result.stdout  # gpt-image-1.5 is live until 2026-12-01
    assert b"HTTP 200" in result.stdout
    result = subprocess.run([str(binary_path()), "explain", "-", "--as-of", "2026-12-01"], input=data, capture_output=True, timeout=30)
    assert result.returncode == 1
    assert b"The model 'gpt-image-1.5' does not exist." in result.stdout


@pytest.mark.parametrize("content", [None, b"", b"not an http request at all"], ids=["missing", "empty", "garbage"])
def test_a_capture_that_cannot_be_read_exits_2_with_the_reason(tmp_path, content):
    """0 means the request would succeed and 1 that it would fail; a file that is not a request is neither."""
    path = tmp_path / "capture.http"
    if content is not None:
        path.write_bytes(content)
    result = subprocess.run([str(binary_path()), "explain", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, (result.returncode, result.stderr[-300:])
    assert result.stderr.startswith("Error: "), result.stderr[-300:]
    assert "Usage:" not in result.stderr
    if content is None:
        assert result.stderr.strip().endswith(": no such file"), result.stderr


def test_a_folder_is_not_a_capture(tmp_path):
    result = subprocess.run([str(binary_path()), "explain", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip() == f"Error: cannot read '{tmp_path}': it is a directory", result.stderr


def live_answer(port: int, data: bytes) -> tuple[int, bytes]:
    """Status and body the running server gives to `data`, sent as it was captured (asking the
    server to close the connection after its answer, so the answer's end is the socket's)."""
    request_line, _, rest = data.partition(b"\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request_line + b"\r\nConnection: close\r\n" + rest)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def explained_answer(tmp_path, data: bytes, *args: str) -> tuple[int, bytes]:
    result = explain(tmp_path, data, *args)
    assert result.returncode in (0, 1), result.stderr
    status_line = next(line for line in result.stdout.splitlines() if line.startswith("HTTP "))
    body = result.stdout.split("\n\n", 2)[2].split("\n\nWhy: ")[0]
    return int(status_line.split()[1]), body.encode()


def edits_capture(head_lines: list[bytes], body: bytes) -> bytes:
    return b"\r\n".join(head_lines) + b"\r\n\r\n" + body


@pytest.mark.parametrize("case", ["conflicting lengths", "gzip coding", "absolute-form target", "over the body limit"])
def test_explain_agrees_with_the_server_on_framing_and_limits(tmp_path, servers, case):
    """explain once judged these by the body alone: 200 or a multipart error where the server said 400, 501 or 413."""
    valid = capture("image/png")
    head, _, body = valid.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if case == "conflicting lengths":
        lines.append(b"Content-Length: 5")
    elif case == "gzip coding":
        lines = [line for line in lines if not line.startswith(b"Content-Length")] + [b"Transfer-Encoding: gzip"]
    elif case == "absolute-form target":
        lines[0] = b"POST http://api.openai.com/v1/images/edits HTTP/1.1"
    limit = ["--max-body-bytes", "256"] if case == "over the body limit" else []
    server = servers.get(*limit)
    data = edits_capture(lines, body)
    live = live_answer(server.port, data)
    explained = explained_answer(tmp_path, data, *limit)
    expected = {"conflicting lengths": 400, "gzip coding": 501, "absolute-form target": 200, "over the body limit": 413}[case]
    assert live[0] == expected, live
    assert explained[0] == live[0], (explained, live)
    if expected != 200:
        assert json.loads(explained[1]) == json.loads(live[1])
