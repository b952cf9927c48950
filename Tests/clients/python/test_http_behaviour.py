"""Transport-level behaviour: headers, keep-alive, concurrency, image URLs, process lifecycle."""

from __future__ import annotations

import base64
import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import requests

from mock_process import LISTENING
from support import (
    AUTH, JSON_HEADERS, REQUEST_ID, TIMEOUT, assert_api_headers, assert_image, envelope, post_json,
)

SMALL = {"model": "dall-e-2", "prompt": "tiny", "size": "256x256", "response_format": "b64_json"}
BAD = {"model": "gpt-image-1", "prompt": "x", "n": 11}


# -- headers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["success-gpt", "success-dalle", "error-400", "error-401", "error-404"])
def test_api_headers_on_every_response(mock, case):
    if case == "success-gpt":
        resp = post_json(mock.base_url, {"model": "gpt-image-1", "prompt": "x", "size": "1024x1024", "quality": "low"})
    elif case == "success-dalle":
        resp = post_json(mock.base_url, SMALL)
    elif case == "error-400":
        resp = post_json(mock.base_url, BAD)
    elif case == "error-401":
        resp = requests.post(mock.url("/v1/images/generations"), json=SMALL, timeout=TIMEOUT)
    else:
        resp = post_json(mock.base_url, SMALL, path="/v1/images/nope")
    assert_api_headers(resp)
    assert resp.headers["content-type"] == "application/json", resp.headers["content-type"]
    assert int(resp.headers["content-length"]) == len(resp.content)


def test_request_ids_are_unique(mock):
    with requests.Session() as s:
        ids = [post_json(mock.base_url, BAD, session=s).headers["x-request-id"] for _ in range(20)]
    assert all(REQUEST_ID.match(i) for i in ids), ids
    assert len(set(ids)) == 20


# -- keep-alive -------------------------------------------------------------------------------

def test_keep_alive_http_client_same_socket(mock):
    """Several requests, successes and errors, on one TCP connection."""
    conn = http.client.HTTPConnection("127.0.0.1", mock.port, timeout=TIMEOUT)
    try:
        conn.connect()
        sock = conn.sock
        local = sock.getsockname()
        for i, body in enumerate([SMALL, BAD, SMALL, b'{"broken', SMALL]):
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            conn.request("POST", "/v1/images/generations", body=raw, headers=JSON_HEADERS)
            resp = conn.getresponse()
            data = resp.read()
            assert resp.status in (200, 400), (i, resp.status, data[:300])
            assert (resp.getheader("connection") or "").lower() != "close", f"request {i} closed the connection"
            assert conn.sock is sock and sock.getsockname() == local, f"connection was not reused after request {i}"
        # A GET of a 404 route on the same connection, too.
        conn.request("GET", "/v1/images/generations", headers=AUTH)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 404 and conn.sock is sock
    finally:
        conn.close()


def test_keep_alive_httpx_client(mock):
    with httpx.Client(base_url=mock.base_url, headers=AUTH, timeout=TIMEOUT) as client:
        addresses = set()
        for body in [SMALL, BAD, SMALL, BAD, SMALL]:
            resp = client.post("/v1/images/generations", json=body)
            assert resp.status_code in (200, 400)
            addresses.add(resp.extensions["network_stream"].get_extra_info("client_addr"))
    assert len(addresses) == 1, f"httpx opened {len(addresses)} connections: {addresses}"


def test_keep_alive_requests_session(mock):
    with requests.Session() as session:
        statuses = [post_json(mock.base_url, body, session=session).status_code for body in [SMALL, BAD] * 4]
    assert statuses == [200, 400] * 4


def test_connection_still_usable_after_401(mock):
    """An early 401 on a request with a body must not break the next request on the connection."""
    with requests.Session() as session:
        big = json.dumps({**SMALL, "prompt": "z" * 900, "user": "u" * 200_000}).encode()
        r1 = session.post(mock.url("/v1/images/generations"), data=big,
                          headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
        assert r1.status_code == 401
        r2 = post_json(mock.base_url, SMALL, session=session)
        assert r2.status_code == 200, r2.content[:300]


# -- concurrency ------------------------------------------------------------------------------

def test_32_concurrent_clients(mock):
    def one(i: int):
        with requests.Session() as s:
            if i % 4 == 3:
                return "error", post_json(mock.base_url, BAD, session=s)
            return "ok", post_json(mock.base_url, {**SMALL, "prompt": f"concurrent {i}"}, session=s)

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(one, range(32)))
    ids = set()
    for kind, resp in results:
        ids.add(resp.headers.get("x-request-id"))
        if kind == "ok":
            assert resp.status_code == 200, resp.content[:300]
            assert_image(resp.json()["data"][0]["b64_json"], "256x256", "png")
        else:
            assert resp.status_code == 400
            assert resp.content == envelope(
                "Invalid 'n': integer above maximum value. Expected a value <= 10, but got 11 instead.",
                "invalid_request_error", "n", "integer_above_max_value")
    assert len(ids) == 32, "every response has its own x-request-id"
    assert mock.alive()


def test_concurrent_requests_are_not_serialised_behind_a_slow_one(mock):
    """Eight GPT generations in parallel finish; the server keeps answering small requests meanwhile."""
    body = {"model": "gpt-image-1", "prompt": "parallel", "size": "1536x1024", "quality": "high", "n": 2}
    with ThreadPoolExecutor(max_workers=9) as pool:
        big = [pool.submit(post_json, mock.base_url, {**body, "prompt": f"parallel {i}"}) for i in range(8)]
        small = pool.submit(post_json, mock.base_url, BAD)
        assert small.result().status_code == 400
        for future in big:
            resp = future.result()
            assert resp.status_code == 200, resp.content[:300]
            assert len(resp.json()["data"]) == 2


# -- image URLs -------------------------------------------------------------------------------

def dalle_url(server) -> str:
    resp = post_json(server.base_url, {"model": "dall-e-2", "prompt": "url", "size": "256x256"})
    assert resp.status_code == 200, resp.content[:300]
    url = resp.json()["data"][0]["url"]
    assert re.fullmatch(re.escape(server.base_url) + r"/v1/files/images/[^/?#]+\.png", url), url
    return url


def test_image_url_without_auth(mock):
    url = dalle_url(mock)
    resp = requests.get(url, timeout=TIMEOUT)
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "image/png"
    assert resp.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert_image(base64.b64encode(resp.content).decode(), "256x256", "png")


def test_image_url_unknown_id_is_404(mock):
    resp = requests.get(mock.url("/v1/files/images/doesnotexist.png"), timeout=TIMEOUT)
    assert resp.status_code == 404


def test_image_url_expires_after_ttl(mock_factory):
    server = mock_factory("--image-url-ttl", "1")
    url = dalle_url(server)
    assert requests.get(url, timeout=TIMEOUT).status_code == 200
    time.sleep(1.5)
    assert requests.get(url, timeout=TIMEOUT).status_code == 404


# -- process lifecycle ------------------------------------------------------------------------

def test_listening_line_and_sigterm_exit_zero(mock_factory):
    server = mock_factory("--seed", "42")
    assert LISTENING.match(server.stdout_lines[0])
    assert post_json(server.base_url, SMALL).status_code == 200
    assert server.terminate() == 0, f"SIGTERM must exit 0; stderr:\n{server.stderr()}"


def test_two_servers_on_port_zero_get_different_ports(mock_factory):
    a, b = mock_factory(), mock_factory()
    assert a.port != b.port


def test_seed_makes_images_repeatable_across_processes(mock_factory):
    body = {"model": "gpt-image-1", "prompt": "seeded", "size": "1024x1024", "quality": "low"}
    a, b = mock_factory("--seed", "7"), mock_factory("--seed", "7")
    first = post_json(a.base_url, body).json()["data"][0]["b64_json"]
    second = post_json(b.base_url, body).json()["data"][0]["b64_json"]
    assert first == second
    # Design: placeholders are deterministic for (prompt, size, index, seed): another seed, another picture.
    other = post_json(mock_factory("--seed", "8").base_url, body).json()["data"][0]["b64_json"]
    assert other != first


# -- server-sent events on the wire -----------------------------------------------------------

def test_sse_framing(mock):
    """`stream: true` is decided from the body (the SDK keeps `accept: application/json`)."""
    body = {"model": "gpt-image-1", "prompt": "otter", "size": "1024x1024", "quality": "low",
            "stream": True, "partial_images": 2}
    with httpx.Client(timeout=TIMEOUT) as client:
        resp = client.post(mock.url("/v1/images/generations"), json=body,
                           headers={**AUTH, "Accept": "application/json"})
    assert resp.status_code == 200, resp.content[:300]
    assert resp.headers["content-type"].startswith("text/event-stream"), resp.headers["content-type"]
    assert REQUEST_ID.match(resp.headers.get("x-request-id", ""))
    text = resp.text
    assert "[DONE]" not in text, "no [DONE] terminator by default"
    frames = [f for f in text.split("\n\n") if f.strip()]
    types = []
    for frame in frames:
        lines = frame.split("\n")
        assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), frame[:200]
        name = lines[0][len("event: "):]
        data = json.loads(lines[1][len("data: "):])
        assert data["type"] == name, (name, data["type"])
        types.append(name)
        if name.endswith("partial_image"):
            assert {"b64_json", "created_at", "size", "quality", "background", "output_format",
                    "partial_image_index"} <= set(data), sorted(data)
        else:
            assert {"b64_json", "created_at", "size", "quality", "background", "output_format", "usage"} <= set(data), sorted(data)
            assert_image(data["b64_json"], data["size"], data["output_format"])
    assert types[-1] == "image_generation.completed", types
    assert set(types[:-1]) <= {"image_generation.partial_image"} and len(types) <= 3, types


# -- body size limit (design: 413 with an envelope, sent as soon as the limit is crossed) -------

def test_body_over_64_mib_gets_413(mock):
    import select
    import socket

    declared = 65 * 1024 * 1024
    sock = socket.create_connection(("127.0.0.1", mock.port), timeout=TIMEOUT)
    try:
        sock.sendall((f"POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Authorization: Bearer sk-test\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {declared}\r\n\r\n").encode())
        chunk = b" " * (1024 * 1024)
        sent = 0
        while sent < declared:
            readable, _, _ = select.select([sock], [], [], 0 if sent else 0.5)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < data.find(b"\r\n\r\n") + 20:
            try:
                piece = sock.recv(65536)
            except ConnectionResetError:
                break
            if not piece:
                break
            data += piece
    finally:
        sock.close()
    assert data.startswith(b"HTTP/1.1 413"), data[:300]
    body = data.split(b"\r\n\r\n", 1)[1]
    assert body.startswith(b'{\n  "error": {\n    "message": '), body[:300]


# -- request framing (RFC 9112 §6): answered at once, in the envelope -------------------------

def raw_exchange(port: int, request: bytes) -> bytes:
    """Sends the bytes, then reads until the server closes (a framing error closes at once)."""
    import socket

    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        sock.sendall(request)
        data = b""
        while True:
            piece = sock.recv(65536)
            if not piece:
                return data
            data += piece
    finally:
        sock.close()


@pytest.mark.parametrize("headers,status,needle", [
    pytest.param("Content-Length: 5\r\nContent-Length: 2\r\n", 400, b"conflicting Content-Length", id="two-lengths"),
    pytest.param("Transfer-Encoding: gzip\r\n", 501, b"Unsupported Transfer-Encoding: gzip", id="gzip-coding"),
    pytest.param("Transfer-Encoding: gzip, chunked\r\n", 501, b"Unsupported Transfer-Encoding: gzip, chunked", id="gzip-then-chunked"),
    # Accepted once, and the connection stayed open: a second, pipelined request was served.
    pytest.param("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", 400, b"both Content-Length and Transfer-Encoding", id="length-and-chunked"),
])
def test_untrustworthy_framing_is_refused_at_once(mock, headers, status, needle):
    """Once the head is read: libmicrohttpd alone took the first length or waited 60 s for a body."""
    head = ("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
            "Content-Type: application/json\r\n" + headers + "\r\n").encode()
    data = raw_exchange(mock.port, head + b"{}")
    assert data.startswith(f"HTTP/1.1 {status} ".encode()), data[:300]
    head_part, body = data.split(b"\r\n\r\n", 1)
    assert b"x-request-id: req_" in head_part.lower()
    assert needle in body, body[:300]
    assert json.loads(body)["error"]["type"] == "invalid_request_error"
    # The same length twice is no conflict.
    ok = raw_exchange(mock.port, b"POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    assert ok.startswith(b"HTTP/1.1 400 "), ok[:200]
    assert b"conflicting" not in ok


def test_a_length_too_large_for_64_bits_is_refused_before_the_body(servers):
    """2^63 and above overflowed the length check: 100 Continue was sent and the body awaited."""
    server = servers.get("--max-body-bytes", "1000000")
    head = ("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
            "Content-Type: application/json\r\nContent-Length: 9223372036854775809\r\nExpect: 100-continue\r\n\r\n").encode()
    data = raw_exchange(server.port, head)
    assert data.startswith(b"HTTP/1.1 413 "), data[:300]
    assert b"100 Continue" not in data
    assert json.loads(data.split(b"\r\n\r\n", 1)[1])["error"]["message"].startswith("Request body too large")


@pytest.mark.parametrize("path", ["/__admin/health", "/__admin/requests", "/__admin/ui"])
def test_head_on_admin_pages_is_get_without_the_body(mock, path):
    get = requests.get(mock.base_url + path, timeout=TIMEOUT)
    head = requests.head(mock.base_url + path, timeout=TIMEOUT)
    assert get.status_code == head.status_code == 200, (get.status_code, head.status_code)
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_an_encoded_nul_does_not_cut_the_path(mock):
    """libmicrohttpd decoded %00 into the C string it hands over, ending the path there:
    /__admin/requests%00 was served as /__admin/requests, and an image URL with '%00.jpg' appended
    found the PNG. %00 now stays as sent; other escapes are decoded as before."""
    assert requests.get(mock.base_url + "/__admin/requests%00", timeout=TIMEOUT).status_code == 404
    assert requests.get(mock.base_url + "/__admin/requ%65sts", timeout=TIMEOUT).status_code == 200
    made = post_json(mock.base_url, {"model": "dall-e-2", "prompt": "nul", "size": "256x256"})
    url = made.json()["data"][0]["url"]
    assert requests.get(url, timeout=TIMEOUT).status_code == 200
    assert requests.get(url + "%00.jpg", timeout=TIMEOUT).status_code == 404


# -- half-closed clients (shutdown(SHUT_WR) after the request, as `nc -N` and some proxies do) ---

@pytest.mark.parametrize("delayed", [False, True], ids=["fresh-render", "latency"])
def test_half_closed_client_gets_its_answer_when_the_answer_waits(servers, delayed):
    """An answer that waits (a fresh render, a delay) suspends the connection. libmicrohttpd 0.9.75
    used to read the client's half-close on resume as an error and drop the answer: 2 to 6 of 10
    came back empty while another connection was open."""
    import socket

    server = servers.get("--latency-ms", "30") if delayed else servers.get()
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    idle.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n")
    try:
        for i in range(12):
            body = json.dumps({"model": "gpt-image-1.5", "prompt": f"half-closed {i} {time.time()}",
                               "size": "1024x1024", "quality": "low"}).encode()
            request = (b"POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n"
                       b"Content-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
            try:
                sock.sendall(request)
                sock.shutdown(socket.SHUT_WR)
                data = b""
                while True:
                    piece = sock.recv(1 << 20)
                    if not piece:
                        break
                    data += piece
            finally:
                sock.close()
            assert data.startswith(b"HTTP/1.1 200 "), (i, data[:200])
            assert b'"b64_json"' in data
    finally:
        idle.close()


def test_cors_preflight_has_one_allow_origin(mock):
    """Browsers refuse a preflight whose allow-origin has several values ('*, *')."""
    resp = requests.options(mock.base_url + "/v1/images/generations", timeout=TIMEOUT, headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert resp.status_code == 204, resp.content[:200]
    raw = [value for name, value in resp.raw.headers.items() if name.lower() == "access-control-allow-origin"]
    assert raw == ["*"], raw
    assert "POST" in resp.headers["access-control-allow-methods"]
    assert resp.headers["access-control-allow-headers"] == "authorization, content-type"
