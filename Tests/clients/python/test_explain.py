"""`images-mock explain`: the offline reproducer for a 400, run as a user would."""

from __future__ import annotations

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
