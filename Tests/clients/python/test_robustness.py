"""Odd but legal (or plainly broken) requests that real clients send; the server must answer
with the contract's envelope and stay up (the autouse fixture checks the process after each test)."""

from __future__ import annotations

import json

import httpx
import pytest
import requests

from support import (
    AUTH, JSON_HEADERS, MALFORMED_JSON_MESSAGE, TIMEOUT, assert_error, assert_error_fields, assert_image, post_json,
)

IRE = "invalid_request_error"


@pytest.mark.parametrize("raw", [
    pytest.param(b"", id="empty-body"),
    pytest.param(b"[]", id="array"),
    pytest.param(b'"just a string"', id="string"),
    pytest.param(b"null", id="null"),
    pytest.param(b'{"model":"gpt-image-1","prompt":"x"} trailing', id="trailing-garbage"),
    pytest.param(b'{"model":' + b"[" * 100_000 + b"]" * 100_000 + b',"prompt":"x"}', id="nested-100k-deep"),
    pytest.param(b'{"model":"gpt-image-1","prompt":"\xff\xfe"}', id="invalid-utf8"),
])
def test_body_that_is_not_a_json_object(mock, raw):
    assert_error(post_json(mock.base_url, raw), 400, MALFORMED_JSON_MESSAGE)


@pytest.mark.parametrize("nested", [False, True], ids=["top-level", "inside-user"])
def test_object_with_half_a_million_distinct_keys(mock, nested):
    """Distinct keys once cost a scan of the keys before them each: 200,000 took 40 s and held a
    polling thread all along. Within the client's timeout now, and the first key is the one named."""
    members = ",".join(f'"k{i}":1' for i in range(500_000))
    if nested:
        body = '{"model":"gpt-image-1","prompt":"x","user":{' + members + '}}'
        resp = post_json(mock.base_url, body)
        assert resp.status_code in (200, 400), resp.content[:300]
    else:
        body = '{"model":"gpt-image-1","prompt":"x",' + members + '}'
        assert_error_fields(post_json(mock.base_url, body), 400, type=IRE, param="k0", code="unknown_parameter")
    # The server is still answering everyone else.
    ok = post_json(mock.base_url, {"model": "gpt-image-1", "prompt": "x", "size": "1024x1024", "quality": "low"})
    assert ok.status_code == 200, ok.content[:300]
    assert_image(ok.json()["data"][0]["b64_json"], "1024x1024", "png")


def test_huge_integer_n(mock):
    resp = post_json(mock.base_url, b'{"model":"gpt-image-1","prompt":"x","n":99999999999999999999999}')
    assert_error_fields(resp, 400, type=IRE, param="n")


def test_user_may_be_a_number(mock):
    """Contract §3.1: a non-string `user: 123` was accepted (MEASURED-3P)."""
    resp = post_json(mock.base_url, {"model": "gpt-image-1", "prompt": "x", "user": 123, "size": "1024x1024", "quality": "low"})
    assert resp.status_code == 200, resp.content[:300]


def test_prompt_length_counts_scalars_in_raw_utf8(mock):
    """The same limit whether non-ASCII arrives as raw UTF-8 or as \\u escapes."""
    over = json.dumps({"model": "dall-e-2", "prompt": "\U0001F600" * 1001}, ensure_ascii=False).encode("utf-8")
    assert_error(post_json(mock.base_url, over), 400,
                 "Invalid 'prompt': string too long. Expected a string with maximum length 1000, "
                 "but got a string with length 1001 instead.", IRE, "prompt", "string_above_max_length")
    at = json.dumps({"model": "dall-e-2", "prompt": "\u00e9" * 1000, "size": "256x256"}, ensure_ascii=False).encode("utf-8")
    assert post_json(mock.base_url, at).status_code == 200


def test_chunked_request_body(mock):
    body = json.dumps({"model": "dall-e-2", "prompt": "chunked", "size": "256x256", "response_format": "b64_json"}).encode()

    def pieces():
        for i in range(0, len(body), 7):
            yield body[i:i + 7]

    with httpx.Client(timeout=TIMEOUT) as client:
        resp = client.post(mock.url("/v1/images/generations"), content=pieces(), headers=JSON_HEADERS)
    assert resp.request.headers.get("transfer-encoding") == "chunked"
    assert resp.status_code == 200, resp.content[:300]
    assert_image(resp.json()["data"][0]["b64_json"], "256x256", "png")


def test_transparent_background_needs_png_or_webp(mock):
    """Contract §3.1: `transparent` requires png or webp output (message not captured)."""
    resp = post_json(mock.base_url, {"model": "gpt-image-1", "prompt": "x", "background": "transparent",
                                     "output_format": "jpeg"})
    assert_error_fields(resp, 400, type=IRE)


def test_unsupported_openai_version_header(mock):
    headers = {**JSON_HEADERS, "OpenAI-Version": "2022-12-01"}
    resp = requests.post(mock.url("/v1/images/generations"), headers=headers, timeout=TIMEOUT,
                         data=json.dumps({"model": "dall-e-2", "prompt": "x", "size": "256x256"}))
    error = assert_error_fields(resp, 400, type=IRE)
    assert error["message"] == (
        "Unsupported OpenAI-Version header provided: 2022-12-01. (HINT: you can provide any of the following "
        "supported versions: 2020-10-01, 2020-11-07. Alternatively, you can simply omit this header to use the "
        "default version associated with your account.)")


@pytest.mark.parametrize("version", ["2020-10-01", "2020-11-07"])
def test_supported_openai_version_header(mock, version):
    resp = requests.post(mock.url("/v1/images/generations"), headers={**JSON_HEADERS, "OpenAI-Version": version},
                         data=json.dumps({"model": "dall-e-2", "prompt": "x", "size": "256x256"}), timeout=TIMEOUT)
    assert resp.status_code == 200, resp.content[:300]


def test_large_dalle2_batch(mock):
    resp = post_json(mock.base_url, {"model": "dall-e-2", "prompt": "ten", "size": "256x256", "n": 10})
    assert resp.status_code == 200
    urls = [item["url"] for item in resp.json()["data"]]
    assert len(urls) == 10 and len(set(urls)) == 10
    with requests.Session() as session:
        for url in urls:
            assert session.get(url, timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("size", ["3840x2160", "640x1920"])
def test_gpt_image_2_size_extremes_accepted(mock, size):
    resp = post_json(mock.base_url, {"model": "gpt-image-2", "prompt": "edge", "size": size, "output_format": "jpeg",
                                     "quality": "low"})
    assert resp.status_code == 200, resp.content[:300]
    body = resp.json()
    assert body["size"] == size
    assert_image(body["data"][0]["b64_json"], size, "jpeg")


def test_shutdown_does_not_wait_for_queued_renders(mock_factory):
    """A queue of large renders held SIGTERM 45 s past a 1 s drain timeout; renders not yet begun
    now answer 503 at once, and the process exits."""
    import signal
    import threading
    import time

    server = mock_factory("--drain-timeout", "0.2")
    answers: list[requests.Response | Exception] = []

    def render(index: int) -> None:
        try:
            answers.append(requests.post(server.url("/v1/images/generations"), headers=JSON_HEADERS, timeout=120, json={
                "model": "gpt-image-2", "prompt": f"queued render {index}", "size": "3840x2160", "n": 10}))
        except requests.RequestException as exc:
            answers.append(exc)

    threads = [threading.Thread(target=render, args=(index,)) for index in range(24)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=60) == 0
    exit_seconds = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=30)
    abandoned = [a for a in answers if isinstance(a, requests.Response) and a.status_code == 503]
    assert abandoned, [getattr(a, "status_code", a) for a in answers]
    assert abandoned[0].json()["error"]["type"] == "server_error"
    assert exit_seconds < 30, exit_seconds
