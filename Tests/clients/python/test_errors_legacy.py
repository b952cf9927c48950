"""`--error-style legacy`: era-A wording and alphabetical key order (code, message, param, type)."""

from __future__ import annotations

import pytest
import requests

from support import MISSING_KEY_MESSAGE, TIMEOUT, assert_api_headers, assert_error, incorrect_key_message, post_json

IRE = "invalid_request_error"
ACCEPTED = "sk-test-accepted-key-000000000000000000000000000000000"


@pytest.fixture(scope="module")
def legacy(servers):
    return servers.get("--error-style", "legacy")


ROWS = [
    ("1a-prompt-missing", {"model": "dall-e-2"}, "'prompt' is a required property", None),
    ("6a-unknown-parameter", {"model": "dall-e-2", "prompt": "x", "temperature": 0.5},
     "Additional properties are not allowed ('temperature' was unexpected)", None),
    ("8b-n-above", {"model": "dall-e-2", "prompt": "x", "n": 11}, "11 is greater than the maximum of 10 - 'n'", None),
    ("8b-n-below", {"model": "dall-e-2", "prompt": "x", "n": 0}, "0 is less than the minimum of 1 - 'n'", None),
    ("10-size", {"model": "dall-e-2", "prompt": "x", "size": "1536x1024"},
     "'1536x1024' is not one of ['256x256', '512x512', '1024x1024'] - 'size'", None),
    ("13a-response_format", {"model": "dall-e-2", "prompt": "x", "response_format": "foo"},
     "'foo' is not one of ['url', 'b64_json'] - 'response_format'", None),
    ("14a-prompt-too-long", {"model": "dall-e-2", "prompt": "p" * 1001},
     "Prompt must be length 1000 or less. Your prompt length is 1001. Please reduce your prompt length.", None),
    ("9-dall-e-3-n", {"model": "dall-e-3", "prompt": "x", "n": 2}, "You must provide n=1 for this model.", None),
    ("10b-dall-e-3-size", {"model": "dall-e-3", "prompt": "x", "size": "512x512"},
     "The size is not supported by this model.", "invalid_size"),
]


@pytest.mark.parametrize("body,message,code", [pytest.param(b, m, c, id=i) for i, b, m, c in ROWS])
def test_legacy_exact_body(legacy, body, message, code):
    resp = post_json(legacy.base_url, body)
    assert_error(resp, 400, message, IRE, None, code, legacy=True)
    assert_api_headers(resp)


def test_legacy_missing_key(legacy):
    resp = requests.post(legacy.url("/v1/images/generations"), json={"model": "dall-e-2", "prompt": "x"}, timeout=TIMEOUT)
    assert_error(resp, 401, MISSING_KEY_MESSAGE, legacy=True)


def test_legacy_incorrect_key(servers):
    server = servers.get("--error-style", "legacy", "--api-key", ACCEPTED)
    key = "sk-qtKGh" + "Q" * 39 + "xymX"
    resp = requests.post(server.url("/v1/images/generations"), json={"model": "dall-e-2", "prompt": "x"},
                         headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)
    assert_error(resp, 401, incorrect_key_message("sk-qtKGh" + "*" * 39 + "xymX"), IRE, None, "invalid_api_key", legacy=True)


def test_legacy_unknown_route(legacy):
    resp = post_json(legacy.base_url, {"prompt": "x"}, path="/v1/images/foo")
    assert_error(resp, 404, "Invalid URL (POST /v1/images/foo)", legacy=True)


def test_legacy_success_is_unchanged(legacy):
    resp = post_json(legacy.base_url, {"model": "dall-e-2", "prompt": "x", "size": "256x256", "response_format": "b64_json"})
    assert resp.status_code == 200, resp.content[:500]
    body = resp.json()
    assert sorted(body) == ["created", "data"] and "b64_json" in body["data"][0]
