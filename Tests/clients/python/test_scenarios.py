"""Scenario files as a user scripts them, seen through real clients (issue: scenario engine)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import time

import openai
import pytest
import requests
from openai import OpenAI

from mock_process import binary_path
from support import AUTH, JSON_HEADERS, KEY, TIMEOUT

FLAKY = """
version: 1
name: flaky
rules:
  - name: flaky-then-ok
    when: { endpoint: generations }
    sequence:
      - { error: server_error }
      - { error: rate_limit_exceeded, headers: { retry-after-ms: "50" } }
      - { images: generated }
"""

RATE_LIMITED = """
version: 1
name: limited
organization: org-suite
rate_limits:
  requests_per_minute: 5
"""

FAULTS = """
version: 1
name: faults
rules:
  - { name: reset, when: { prompt: reset }, fault: { kind: connection_reset } }
  - { name: empty, when: { prompt: empty }, fault: { kind: empty_response } }
  - { name: truncated, when: { prompt: truncated }, fault: { kind: truncated_body } }
  - { name: slow, when: { prompt: slow }, fault: { kind: slow_body, bytes: 2000, interval_ms: 100 } }
"""


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def generate(base_url: str, prompt: str, **extra) -> requests.Response:
    body = {"model": "gpt-image-1.5", "prompt": prompt, "quality": "low", **extra}
    return requests.post(f"{base_url}/v1/images/generations", headers=JSON_HEADERS, json=body, timeout=TIMEOUT)


def journal(base_url: str, **params) -> list[dict]:
    resp = requests.get(f"{base_url}/__admin/requests", params=params, timeout=TIMEOUT)
    assert resp.status_code == 200
    return resp.json()["requests"]


def test_sdk_retries_through_500_and_429_to_success(mock_factory, tmp_path):
    server = mock_factory("--scenario", str(write(tmp_path, "flaky.yaml", FLAKY)))
    with OpenAI(base_url=server.api_base, api_key=KEY, max_retries=2, timeout=TIMEOUT) as client:
        started = time.monotonic()
        result = client.images.generate(model="gpt-image-1.5", prompt="otter", quality="low", size="1024x1024")
        elapsed = time.monotonic() - started
    assert len(result.data) == 1 and result.data[0].b64_json
    entries = journal(server.base_url, endpoint="generations")
    assert [e["status"] for e in entries] == [500, 429, 200]
    assert all(e["rule"] == "flaky-then-ok" for e in entries)
    assert elapsed < 5  # the 429 asked for 50 ms, the 500 for the SDK's short backoff


def test_sixth_request_in_a_minute_is_refused_with_the_contract_429(mock_factory, tmp_path):
    server = mock_factory("--scenario", str(write(tmp_path, "limited.yaml", RATE_LIMITED)))
    remaining = []
    for _ in range(5):
        resp = generate(server.base_url, "x")
        assert resp.status_code == 200
        assert resp.headers["x-ratelimit-limit-requests"] == "5"
        remaining.append(resp.headers["x-ratelimit-remaining-requests"])
    assert remaining == ["4", "3", "2", "1", "0"]
    refused = generate(server.base_url, "x")
    assert refused.status_code == 429
    assert refused.content == (
        b'{\n  "error": {\n    "message": "Rate limit exceeded for requests per minute in organization org-suite. '
        b'Limit: 5/1min. Current: 6/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to '
        b'increase your rate limit.",\n    "type": "requests",\n    "param": null,\n    "code": "rate_limit_exceeded"\n  }\n}\n'
    )
    assert int(refused.headers["retry-after"]) >= 1
    assert 1 <= int(refused.headers["retry-after-ms"]) <= 12000
    assert refused.headers["x-ratelimit-remaining-requests"] == "0"
    # The SDK sees a RateLimitError it would retry after retry-after-ms.
    with OpenAI(base_url=server.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
        with pytest.raises(openai.RateLimitError) as info:
            client.images.generate(model="gpt-image-1.5", prompt="x", quality="low")
    assert info.value.code == "rate_limit_exceeded"


def raw_post(port: int, prompt: str) -> bytes:
    body = json.dumps({"model": "gpt-image-1.5", "prompt": prompt, "quality": "low"}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        )
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_each_fault_as_a_client_sees_it_and_the_next_request_is_served(mock_factory, tmp_path):
    server = mock_factory("--scenario", str(write(tmp_path, "faults.yaml", FAULTS)))
    with pytest.raises(requests.exceptions.ConnectionError):
        generate(server.base_url, "reset")
    assert raw_post(server.port, "reset") == b""

    empty = raw_post(server.port, "empty")
    assert empty.startswith(b"HTTP/1.1 200") and empty.endswith(b"\r\n\r\n")
    with pytest.raises((requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        generate(server.base_url, "empty").json()

    with pytest.raises((requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError, http.client.IncompleteRead)):
        generate(server.base_url, "truncated").content

    started = time.monotonic()
    slow = generate(server.base_url, "slow")
    elapsed = time.monotonic() - started
    assert slow.status_code == 200
    slices = (len(slow.content) + 1999) // 2000
    assert elapsed >= 0.1 * (slices - 1) * 0.9
    assert slow.json()["data"][0]["b64_json"]

    assert generate(server.base_url, "normal").status_code == 200
    faults = {e["rule"]: e["fault"] for e in journal(server.base_url) if e["rule"]}
    assert faults == {"reset": "connection_reset", "empty": "empty_response", "truncated": "truncated_body", "slow": "slow_body"}


def test_watch_reloads_and_an_invalid_edit_keeps_the_previous_scenario(mock_factory, tmp_path):
    path = write(tmp_path, "live.yaml", "version: 1\nname: first\nrules:\n  - { name: down, respond: { error: overloaded } }\n")
    server = mock_factory("--scenario", str(path), "--watch")
    assert generate(server.base_url, "x").status_code == 503
    time.sleep(1.1)  # modification times have a coarse grain on some filesystems
    path.write_text("version: 1\nname: second\nrules:\n  - { name: up, respond: { images: generated } }\n")
    deadline = time.monotonic() + 5
    while generate(server.base_url, "x").status_code != 200:
        assert time.monotonic() < deadline, "the edit was not picked up"
        time.sleep(0.2)
    time.sleep(1.1)
    path.write_text("version: 1\nrules:\n  - { name: broken, respond: { error: no_such_error } }\n")
    time.sleep(1.5)
    assert generate(server.base_url, "x").status_code == 200
    assert "no_such_error" in server.stderr()


def test_admin_api_rejects_an_invalid_scenario_and_keeps_the_old_one(mock_factory):
    server = mock_factory()
    bad = requests.post(f"{server.base_url}/__admin/scenario", data="version: 1\nrules: [{ name: x, respond: { error: nope } }]\n", timeout=TIMEOUT)
    assert bad.status_code == 400
    assert bad.json()["error"]["type"] == "invalid_scenario"
    assert any("nope" in p for p in bad.json()["error"]["problems"])
    good = requests.post(f"{server.base_url}/__admin/scenario", data="version: 1\nname: posted\nrules: [{ name: all, respond: { error: server_error } }]\n", timeout=TIMEOUT)
    assert good.status_code == 200
    assert generate(server.base_url, "x").status_code == 500
    assert requests.post(f"{server.base_url}/__admin/reset", timeout=TIMEOUT).json()["reset"] == ["journal", "sequences", "buckets"]
    assert journal(server.base_url) == []
    health = requests.get(f"{server.base_url}/__admin/health", timeout=TIMEOUT).json()
    assert health["scenario"] == "posted"


def test_admin_token_is_required_beyond_loopback(tmp_path):
    proc = subprocess.Popen([str(binary_path()), "serve", "--host", "0.0.0.0", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline().decode()
        port = int(line.rsplit(":", 1)[1])
        assert requests.get(f"http://127.0.0.1:{port}/__admin/requests", timeout=TIMEOUT).status_code == 403
        probe = requests.get(f"http://127.0.0.1:{port}/__admin/health", timeout=TIMEOUT)
        assert probe.status_code == 200 and probe.json() == {"status": "ok"}
        assert requests.post(f"http://127.0.0.1:{port}/v1/images/generations", headers=JSON_HEADERS,
                             json={"model": "gpt-image-2", "prompt": "x", "n": 0}, timeout=TIMEOUT).status_code == 400
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_validate_reports_problems_with_location_and_exit_status(tmp_path):
    good = write(tmp_path, "good.yaml", FLAKY)
    bad = write(tmp_path, "bad.yaml", "version: 1\nrules:\n  - name: x\n    respnd: { error: server_error }\n")
    ok = subprocess.run([str(binary_path()), "validate", str(good)], capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and ok.stdout == f"{good}: ok (1 rule)\n"
    failed = subprocess.run([str(binary_path()), "validate", str(bad)], capture_output=True, text=True, timeout=30)
    assert failed.returncode == 1
    assert f"{bad}:4:5: error:" in failed.stderr
    assert "respond" in failed.stderr  # the suggestion
    assert "    respnd: { error: server_error }\n    ^" in failed.stderr


STREAMING = """
version: 1
name: streaming
latency: { fixed_ms: 600 }
rules:
  - { name: broken, when: { prompt: broken }, fault: { kind: stream_error } }
"""


def test_sdk_iterates_a_paced_stream_and_raises_on_an_error_event(mock_factory, tmp_path):
    server = mock_factory("--scenario", str(write(tmp_path, "streaming.yaml", STREAMING)))
    with OpenAI(base_url=server.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
        started = time.monotonic()
        arrivals = []
        stream = client.images.generate(model="gpt-image-1.5", prompt="otter", quality="low", size="1024x1024",
                                        stream=True, partial_images=2)
        for event in stream:
            arrivals.append((event.type, time.monotonic() - started))
        assert [kind for kind, _ in arrivals] == [
            "image_generation.partial_image", "image_generation.partial_image", "image_generation.completed"]
        assert arrivals[-1][1] >= 0.55  # the scenario's latency, spread over the events
        assert arrivals[-1][1] - arrivals[0][1] >= 0.3

        with pytest.raises(openai.APIError) as info:
            for _ in client.images.generate(model="gpt-image-1.5", prompt="broken", quality="low", stream=True, partial_images=1):
                pass
        assert "The server had an error while processing your request." in str(info.value)


@pytest.mark.parametrize("query,needle", [
    ("limit=-1", "limit must be a whole number"),
    ("limit=1&limit=-5", "limit must be a whole number"),
    ("limit=abc", "limit must be a whole number"),
    ("status=abc", "status must be an HTTP status code"),
    ("endpoint=bogus", "endpoint must be one of"),
])
def test_admin_journal_filters_that_cannot_be_read_are_400(mock, query, needle):
    """A negative limit once trapped the server (suffix of a negative count); others were ignored."""
    resp = requests.get(mock.base_url + "/__admin/requests?" + query, timeout=TIMEOUT)
    assert resp.status_code == 400, resp.content[:200]
    error = resp.json()["error"]
    assert needle in error["message"], error
    assert error["type"] == "invalid_request_error", "the admin API answers in the OpenAI envelope too"
    assert requests.get(mock.base_url + "/__admin/requests?limit=0", timeout=TIMEOUT).json() == {"requests": []}


def alias_bomb(levels: int = 9) -> str:
    lines = ["version: 1", "rules:", "  - name: big", "    respond:", "      status: 200", "      body:",
             "        a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"        a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_not_expanded(mock, tmp_path):
    """678 bytes that name 10^9 values: validate took 10 GB and the admin POST killed the server."""
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    result = subprocess.run([str(binary_path()), "validate", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result.stdout[-500:] + result.stderr[-500:]
    assert "expands to more than 1,000,000 values" in result.stdout + result.stderr
    posted = requests.post(f"{mock.base_url}/__admin/scenario", data=alias_bomb(), timeout=TIMEOUT)
    assert posted.status_code == 400, posted.content[:300]
    assert requests.get(f"{mock.base_url}/__admin/health", timeout=TIMEOUT).status_code == 200


SCRIPTED_HEADERS = """
version: 1
rules:
  - name: fresh
    when: { prompt: { contains: fresh } }
    respond: { images: generated, headers: { x-foo: bar, openai-processing-ms: "42" } }
  - name: failing
    when: { prompt: { contains: fail } }
    respond: { error: server_error, headers: { x-request-id: req_fixed } }
"""


def test_rule_headers_replace_built_in_ones_and_survive_a_fresh_render(mock_factory, tmp_path):
    """README: 'headers adds or replaces response headers'. They were lost whenever the images had
    to be rendered first, and a built-in header named by a rule was sent twice."""
    server = mock_factory("--scenario", str(write(tmp_path, "headers.yaml", SCRIPTED_HEADERS)))
    for i in range(3):
        resp = generate(server.base_url, f"fresh {i} {time.time()}")
        assert resp.status_code == 200, resp.content[:200]
        assert resp.headers.get("x-foo") == "bar"
        assert resp.raw.headers.getlist("openai-processing-ms") == ["42"]
    failed = generate(server.base_url, "fail")
    assert failed.status_code == 500
    assert failed.raw.headers.getlist("x-request-id") == ["req_fixed"]


SLOW_RULE = """
version: 1
rules:
  - name: slow
    when: { prompt: { contains: slow } }
    latency: { distribution: fixed, ms: 5000 }
    respond: { error: server_error }
"""


def test_latency_flag_overrides_a_rules_own_latency(mock_factory, tmp_path):
    """--latency-ms: 'Fixed delay before every API answer (overrides the scenario's latency)' —
    a rule's own latency too (it used to win, 5 s here)."""
    server = mock_factory("--scenario", str(write(tmp_path, "slow.yaml", SLOW_RULE)), "--latency-ms", "40")
    resp = generate(server.base_url, "slow please")
    assert resp.status_code == 500
    assert 40 <= int(resp.headers["openai-processing-ms"]) < 2000, resp.headers["openai-processing-ms"]


FILE_SETTINGS = """
version: 1
error_style: legacy
auth: { keys: [sk-file] }
"""


def test_scenario_posted_to_the_admin_api_keeps_the_command_line_flags(mock_factory, tmp_path):
    """README: flags override the same settings in scenario files — a posted one too, as a
    --watch reload always did (the post used to drop them)."""
    path = write(tmp_path, "settings.yaml", FILE_SETTINGS)
    server = mock_factory("--scenario", str(path), "--api-key", "sk-cli", "--error-style", "current")

    def status_with(key: str) -> requests.Response:
        return requests.post(f"{server.base_url}/v1/images/generations", json={"model": "gpt-image-1", "prompt": "x", "n": 99},
                             headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)

    def check() -> None:
        assert status_with("sk-file").status_code == 401
        rejected = status_with("sk-cli")
        assert rejected.status_code == 400
        assert list(rejected.json()["error"]) == ["message", "type", "param", "code"]  # current style's key order

    check()
    posted = requests.post(f"{server.base_url}/__admin/scenario", data=FILE_SETTINGS, timeout=TIMEOUT)
    assert posted.status_code == 200, posted.content[:300]
    check()


def test_admin_scenario_must_be_utf8_like_a_file(mock):
    """A posted scenario with bad bytes was decoded into U+FFFD and matched on that."""
    body = b'version: 1\nrules: [{ name: x, when: { prompt: { contains: "\xc3\x28" } }, respond: { error: server_error } }]\n'
    resp = requests.post(f"{mock.base_url}/__admin/scenario", data=body, timeout=TIMEOUT)
    assert resp.status_code == 400, resp.content[:300]
    assert any("not UTF-8 text" in p for p in resp.json()["error"]["problems"])


def test_many_rules_are_checked_in_linear_time(tmp_path):
    """20,000 rules took 13 s to validate (each name was compared with every earlier one)."""
    lines = ["version: 1", "rules:"] + [
        f'  - {{ name: r{i}, when: {{ prompt: {{ contains: "x{i}" }} }}, respond: {{ error: server_error }} }}' for i in range(20_000)]
    lines.append('  - { name: r7, respond: { error: server_error } }')
    path = tmp_path / "many.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = subprocess.run([str(binary_path()), "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "rule name 'r7' is already used by rule 8" in result.stdout + result.stderr


def test_journal_keeps_parameters_as_parsed(mock):
    """Design: the journal holds *parsed* parameters: JSON values keep their types, form fields
    are the text they were sent as; files are summarised, never kept."""
    from support import png_bytes
    assert generate(mock.base_url, "typed", n=2, partial_images=None, background="auto").status_code == 200
    entry = journal(mock.base_url)[-1]
    assert entry["parameters"] == {"model": "gpt-image-1.5", "prompt": "typed", "quality": "low", "n": 2,
                                   "partial_images": None, "background": "auto"}
    resp = requests.post(f"{mock.base_url}/v1/images/edits", headers=AUTH, timeout=TIMEOUT,
                         data={"model": "gpt-image-1", "prompt": "form", "n": "2"},
                         files={"image": ("a.png", png_bytes(64, 64), "image/png")})
    assert resp.status_code == 200, resp.content[:300]
    entry = journal(mock.base_url)[-1]
    assert entry["parameters"] == {"model": "gpt-image-1", "prompt": "form", "n": "2"}
    assert [(f["field"], f["format"], f["width"]) for f in entry["files"]] == [("image", "png", 64)]


def test_canned_images_come_back_in_the_requested_size_format_and_background(mock_factory):
    """Design §1: every image is in the requested format and exact size, canned files included.
    The repository's fox is a 256x256 RGB PNG."""
    import base64
    import io

    from PIL import Image

    from mock_process import REPO_ROOT
    fox = (REPO_ROOT / "scenarios" / "images" / "fox.png").read_bytes()
    server = mock_factory("--scenario", str(REPO_ROOT / "scenarios" / "canned-images.yaml"))
    client = OpenAI(api_key=KEY, base_url=server.base_url + "/v1", max_retries=0)

    result = client.images.generate(model="gpt-image-1", prompt="a fox", size="1024x1536", output_format="webp",
                                    quality="low", n=2)
    assert (result.size, result.output_format, result.background) == ("1024x1536", "webp", "opaque")
    for item in result.data:
        image = Image.open(io.BytesIO(base64.b64decode(item.b64_json)))
        assert (image.format, image.size, image.mode) == ("WEBP", (1024, 1536), "RGB")
    result = client.images.generate(model="gpt-image-1", prompt="a fox", size="1536x1024", background="transparent",
                                    quality="low")
    image = Image.open(io.BytesIO(base64.b64decode(result.data[0].b64_json)))
    assert (image.format, image.size, image.mode) == ("PNG", (1536, 1024), "RGBA")

    result = client.images.generate(model="dall-e-2", prompt="a fox", size="512x512", response_format="b64_json")
    image = Image.open(io.BytesIO(base64.b64decode(result.data[0].b64_json)))
    assert (image.format, image.size) == ("PNG", (512, 512))

    # Already the requested size, format and background: the file itself, byte for byte.
    result = client.images.generate(model="dall-e-2", prompt="a fox", size="256x256", response_format="b64_json")
    assert base64.b64decode(result.data[0].b64_json) == fox


def sequence_file(tmp_path, name: str, prompt: str, first_status: int, rule_name: str | None = None) -> str:
    named = f"name: {rule_name}, " if rule_name else ""
    steps = ", ".join(f"{{ status: {first_status + step}, body: {{ step: {step} }} }}" for step in range(3))
    return str(write(tmp_path, name, f"version: 1\nrules:\n  - {{ {named}when: {{ prompt: {{ contains: {prompt} }} }}, "
                                     f"sequence: [{steps}] }}\n"))


def test_unnamed_rules_of_two_files_keep_their_own_sequences(mock_factory, tmp_path):
    """Both files' first unnamed rule was called rule-1, so they shared one sequence counter:
    alpha, alpha, beta answered 201, 202, 213."""
    first = sequence_file(tmp_path, "a.yaml", "alpha", 201)
    second = sequence_file(tmp_path, "b.yaml", "beta", 211)
    server = mock_factory("--scenario", first, "--scenario", second)
    statuses = [generate(server.base_url, prompt).status_code for prompt in ("alpha", "alpha", "beta", "beta")]
    assert statuses == [201, 202, 211, 212]
    assert [entry["rule"] for entry in journal(server.base_url)][-4:] == ["rule-1", "rule-1", "rule-2", "rule-2"]


def test_a_rule_name_used_in_two_files_is_refused(tmp_path):
    first = sequence_file(tmp_path, "a.yaml", "alpha", 201, rule_name="flaky")
    second = sequence_file(tmp_path, "b.yaml", "beta", 211, rule_name="flaky")
    result = subprocess.run([str(binary_path()), "serve", "--port", "0", "--scenario", first, "--scenario", second],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"{second}: error: rule name 'flaky' is already used in {first}" in result.stderr, result.stderr


def test_a_posted_scenario_brings_its_journal_size_and_seed(mock_factory):
    """journal_size and seed of a scenario posted at run time were ignored: the journal kept its
    start-up size and ids and fault chances went on from the old random stream."""
    server = mock_factory()
    posted = requests.post(f"{server.base_url}/__admin/scenario", timeout=TIMEOUT, data=(
        "version: 1\njournal_size: 2\nseed: 42\nrules:\n"
        "  - { name: coin, when: { prompt: { contains: coin } }, fault: { kind: connection_reset, probability: 0.5 } }\n"))
    assert posted.status_code == 200, posted.content[:300]

    def run() -> list[str]:
        outcomes = []
        for index in range(8):
            try:
                resp = generate(server.base_url, "coin" if index % 2 else "plain")
                outcomes.append(resp.headers["x-request-id"] if resp.status_code == 200 else str(resp.status_code))
            except requests.ConnectionError:
                outcomes.append("reset")
        return outcomes

    first = run()
    assert len(journal(server.base_url)) == 2
    assert requests.post(f"{server.base_url}/__admin/reset", timeout=TIMEOUT).status_code == 200
    assert run() == first
    assert "reset" in first and any(outcome.startswith("req_") for outcome in first), first


def test_sdk_does_not_retry_a_request_no_bucket_could_ever_hold(mock_factory, tmp_path):
    """n above images_per_minute can never pass: the 429 once said retry-after: 60 and the SDK
    (default retries) slept two minutes before failing."""
    path = write(tmp_path, "small.yaml", "version: 1\nrate_limits: { images_per_minute: 2 }\n")
    server = mock_factory("--scenario", str(path))
    client = OpenAI(api_key=KEY, base_url=server.base_url + "/v1")
    started = time.monotonic()
    with pytest.raises(openai.RateLimitError) as raised:
        client.images.generate(model="gpt-image-1.5", prompt="too many", quality="low", n=3)
    assert time.monotonic() - started < 5
    assert raised.value.response.headers.get("x-should-retry") == "false"
    assert len([e for e in journal(server.base_url) if e["endpoint"] == "generations"]) == 1


def test_a_reset_body_that_cannot_be_read_resets_nothing(mock):
    """{"journl": false} once reset everything, journal included."""
    assert generate(mock.base_url, "kept").status_code == 200
    before = len(journal(mock.base_url))
    for body in ('{"journl": false}', '{"journal": "no"}', "nope", "[]"):
        resp = requests.post(f"{mock.base_url}/__admin/reset", data=body, timeout=TIMEOUT)
        assert resp.status_code == 400, (body, resp.status_code)
        assert "journal, sequences and buckets" in resp.json()["error"]["message"]
    assert len(journal(mock.base_url)) == before
    kept = requests.post(f"{mock.base_url}/__admin/reset", json={"journal": False}, timeout=TIMEOUT)
    assert kept.status_code == 200 and kept.json() == {"reset": ["sequences", "buckets"]}
    assert len(journal(mock.base_url)) == before


def test_public_url_must_be_an_http_base(tmp_path):
    for bad in ("notaurl/", "ftp://mock", "http://"):
        result = subprocess.run([str(binary_path()), "serve", "--port", "0", "--public-url", bad],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 64, (bad, result.returncode, result.stderr[-300:])
        assert "--public-url must be an http:// or https:// URL" in result.stderr


def test_dalle_requests_cost_no_tokens(mock_factory, tmp_path):
    """DALL·E answers carry no usage; a dall-e-2 request once cost 12,481 tokens."""
    path = write(tmp_path, "tpm.yaml", "version: 1\nrate_limits: { tokens_per_minute: 1000 }\n")
    server = mock_factory("--scenario", str(path))
    resp = requests.post(f"{server.base_url}/v1/images/generations", headers=JSON_HEADERS, timeout=TIMEOUT,
                         json={"model": "dall-e-2", "prompt": "x", "size": "256x256", "n": 3})
    assert resp.status_code == 200, resp.content[:300]
    assert resp.headers["x-ratelimit-remaining-tokens"] == "1000"
