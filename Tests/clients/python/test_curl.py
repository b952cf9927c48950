"""curl, run as a subprocess: status lines, headers with -i, --data-binary @file, -F."""

from __future__ import annotations

import base64
import json
import re
import subprocess

import pytest

from support import KEY, MULTIPART_TO_GENERATIONS_MESSAGE, REQUEST_ID, assert_image, envelope



def curl(*args: str) -> tuple[str, dict[str, str], bytes]:
    """Runs `curl -sS -i ...`; returns (status line, lower-cased headers, body bytes)."""
    proc = subprocess.run(["curl", "-sS", "-i", "--max-time", "15", *args], capture_output=True, timeout=20)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout
    # With Expect: 100-continue curl may print an interim "HTTP/1.1 100 Continue" block first.
    while out.startswith(b"HTTP/1.1 100"):
        out = out.split(b"\r\n\r\n", 1)[1]
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, body


def test_curl_generation_from_file(mock, tmp_path):
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"model": "gpt-image-1", "prompt": "curl otter", "size": "1024x1024", "quality": "low"}))
    status, headers, data = curl(
        "-X", "POST", mock.url("/v1/images/generations"),
        "-H", f"Authorization: Bearer {KEY}", "-H", "Content-Type: application/json",
        "--data-binary", f"@{body}",
    )
    assert status == "HTTP/1.1 200 OK", status
    assert headers["content-type"] == "application/json"
    assert REQUEST_ID.match(headers["x-request-id"])
    assert headers["openai-version"] == "2020-10-01"
    assert re.fullmatch(r"\d+", headers["openai-processing-ms"])
    assert headers["x-content-type-options"] == "nosniff"
    assert int(headers["content-length"]) == len(data)
    parsed = json.loads(data)
    assert_image(parsed["data"][0]["b64_json"], "1024x1024", "png")


@pytest.mark.parametrize("status_line,args,expected", [
    ("HTTP/1.1 400 Bad Request",
     ["-H", f"Authorization: Bearer {KEY}", "-H", "Content-Type: application/json",
      "--data-binary", '{"model":"gpt-image-1","prompt":"x","temperature":1}'],
     envelope("Unknown parameter: 'temperature'.", "invalid_request_error", "temperature", "unknown_parameter")),
    ("HTTP/1.1 401 Unauthorized",
     ["-H", "Content-Type: application/json", "--data-binary", '{"model":"gpt-image-1","prompt":"x"}'],
     None),
])
def test_curl_error_status_lines(mock, status_line, args, expected):
    status, headers, data = curl("-X", "POST", mock.url("/v1/images/generations"), *args)
    assert status == status_line
    assert headers["content-type"] == "application/json"
    if expected is not None:
        assert data == expected
    else:
        assert json.loads(data)["error"]["type"] == "invalid_request_error"


def test_curl_unknown_route(mock):
    status, headers, data = curl("-X", "POST", mock.url("/v1/images/foo"), "-H", f"Authorization: Bearer {KEY}",
                                 "-H", "Content-Type: application/json", "--data-binary", "{}")
    assert status == "HTTP/1.1 404 Not Found"
    assert json.loads(data)["error"]["message"] == "Invalid URL (POST /v1/images/foo)"


def test_curl_form_to_generations(mock):
    status, headers, data = curl("-X", "POST", mock.url("/v1/images/generations"), "-H", f"Authorization: Bearer {KEY}",
                                 "-F", "model=gpt-image-1", "-F", "prompt=otter")
    assert status == "HTTP/1.1 400 Bad Request"
    assert data == envelope(MULTIPART_TO_GENERATIONS_MESSAGE, "invalid_request_error", None, "unsupported_content_type")


def test_curl_large_prompt_with_expect_100_continue(mock, tmp_path):
    body = tmp_path / "big.json"
    body.write_text(json.dumps({"model": "gpt-image-1", "prompt": "w" * 32000, "size": "1024x1024", "quality": "low"}))
    status, headers, data = curl(
        "-X", "POST", mock.url("/v1/images/generations"), "-H", f"Authorization: Bearer {KEY}",
        "-H", "Content-Type: application/json", "-H", "Expect: 100-continue", "--data-binary", f"@{body}",
    )
    assert status == "HTTP/1.1 200 OK", (status, data[:300])
    assert len(json.loads(data)["data"]) == 1


def test_curl_downloads_image_url(mock, tmp_path):
    status, _, data = curl("-X", "POST", mock.url("/v1/images/generations"), "-H", f"Authorization: Bearer {KEY}",
                           "-H", "Content-Type: application/json",
                           "--data-binary", '{"model":"dall-e-2","prompt":"x","size":"512x512"}')
    assert status == "HTTP/1.1 200 OK"
    url = json.loads(data)["data"][0]["url"]
    out = tmp_path / "img.png"
    proc = subprocess.run(["curl", "-sS", "--fail", "--max-time", "15", "-o", str(out), url], capture_output=True, timeout=20)
    assert proc.returncode == 0, proc.stderr.decode()
    assert_image(base64.b64encode(out.read_bytes()).decode(), "512x512", "png")
