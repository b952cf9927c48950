"""Exact error bodies (current style), byte for byte, over `requests` and `httpx`.

Each row names the contract row (§7.2) it pins. Bodies are the 2-space pretty-printed
envelope with a trailing newline, keys in the order message, type, param, code.
"""

from __future__ import annotations

import json

import httpx
import pytest
import requests

from support import (
    AUTH, JSON_HEADERS, MALFORMED_JSON_MESSAGE, MISSING_KEY_MESSAGE, MULTIPART_TO_GENERATIONS_MESSAGE,
    TIMEOUT, assert_api_headers, assert_error, assert_error_fields, envelope, incorrect_key_message, post_json,
)

IRE = "invalid_request_error"
IGUE = "image_generation_user_error"
G1 = {"model": "gpt-image-1", "prompt": "a sea otter"}
G2 = {"model": "gpt-image-2", "prompt": "a sea otter"}


def unknown(name):
    return (f"Unknown parameter: '{name}'.", IRE, name, "unknown_parameter")


def invalid_type(name, expected, got):
    return (f"Invalid type for '{name}': expected {expected}, but got {got} instead.", IRE, name, "invalid_type")


def above(name, limit, got):
    return (f"Invalid '{name}': integer above maximum value. Expected a value <= {limit}, but got {got} instead.",
            IRE, name, "integer_above_max_value")


def below(name, limit, got):
    return (f"Invalid '{name}': integer below minimum value. Expected a value >= {limit}, but got {got} instead.",
            IRE, name, "integer_below_min_value")


def invalid_value(name, value, supported):
    return (f"Invalid value: '{value}'. Supported values are: {supported}.", IRE, name, "invalid_value")


def too_long(limit, got):
    return (f"Invalid 'prompt': string too long. Expected a string with maximum length {limit}, "
            f"but got a string with length {got} instead.", IRE, "prompt", "string_above_max_length")


GPT_QUALITY = "'low', 'medium', 'high', and 'auto'"
GPT1_SIZES = "'1024x1024', '1024x1536', '1536x1024', and 'auto'"
DALLE2_SIZES = "'256x256', '512x512', and '1024x1024'"

ROWS = [
    # row 6 / 13: unknown parameters, per model
    ("6-temperature", {**G1, "temperature": 0.5}, unknown("temperature")),
    ("13-response_format-b64", {**G1, "response_format": "b64_json"}, unknown("response_format")),
    ("13-response_format-null", {"model": "gpt-image-1.5", "prompt": "x", "response_format": None}, unknown("response_format")),
    ("13-response_format-url-gpt-image-2", {**G2, "response_format": "url"}, unknown("response_format")),
    ("6-style-on-gpt", {**G1, "style": "vivid"}, unknown("style")),
    ("6-input_fidelity-on-generations", {**G1, "input_fidelity": "high"}, unknown("input_fidelity")),
    ("6-mask-on-generations", {**G1, "mask": "file-abc"}, unknown("mask")),
    ("6-images-on-generations", {**G1, "images": [{"file_id": "file-abc"}]}, unknown("images")),
    ("6-quality-on-dall-e-2", {"model": "dall-e-2", "prompt": "x", "quality": "standard"}, unknown("quality")),
    ("6-moderation-on-dall-e-3", {"model": "dall-e-3", "prompt": "x", "moderation": "low"}, unknown("moderation")),
    ("6-output_format-on-dall-e-2", {"model": "dall-e-2", "prompt": "x", "output_format": "png"}, unknown("output_format")),
    # rows 7, 8, 8a, 9: n
    ("7-n-string", {**G1, "n": "2"}, invalid_type("n", "an integer", "a string")),
    ("7-n-decimal", {**G1, "n": 1.5}, invalid_type("n", "an integer", "a decimal number")),
    ("7-n-boolean", {**G1, "n": True}, invalid_type("n", "an integer", "a boolean")),
    ("7-n-array", {**G1, "n": [1]}, invalid_type("n", "an integer", "an array")),
    ("7-n-object", {**G1, "n": {}}, invalid_type("n", "an integer", "an object")),
    ("8-n-zero", {**G1, "n": 0}, below("n", 1, 0)),
    ("8-n-negative", {**G1, "n": -1}, below("n", 1, -1)),
    ("8a-n-eleven", {**G1, "n": 11}, above("n", 10, 11)),
    ("8a-n-eleven-dall-e-2", {"model": "dall-e-2", "prompt": "x", "n": 11}, above("n", 10, 11)),
    ("9-n-two-dall-e-3", {"model": "dall-e-3", "prompt": "x", "n": 2}, ("You must provide n=1 for this model.", IRE, None, None)),
    # rows 1, 2, 2a, 14: prompt
    ("1-prompt-missing", {"model": "gpt-image-1"}, ("Missing required parameter: 'prompt'.", IRE, "prompt", "missing_required_parameter")),
    ("2-prompt-null", {"model": "gpt-image-1", "prompt": None}, invalid_type("prompt", "a string", "null")),
    ("2-prompt-integer", {"model": "gpt-image-1", "prompt": 123}, invalid_type("prompt", "a string", "an integer")),
    ("2a-prompt-empty", {"model": "gpt-image-1", "prompt": ""},
     ("Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead.",
      IRE, "prompt", "empty_string")),
    ("14-dall-e-2-1001", {"model": "dall-e-2", "prompt": "a" * 1001}, too_long(1000, 1001)),
    ("14-dall-e-2-1001-accented", {"model": "dall-e-2", "prompt": "\u00e9" * 1001}, too_long(1000, 1001)),
    ("14-dall-e-2-1001-astral", {"model": "dall-e-2", "prompt": "\U0001F600" * 1001}, too_long(1000, 1001)),
    ("14-default-model-1001", {"prompt": "b" * 1001}, too_long(1000, 1001)),
    ("14-dall-e-3-4001", {"model": "dall-e-3", "prompt": "c" * 4001}, too_long(4000, 4001)),
    ("14-gpt-32001", {"model": "gpt-image-1", "prompt": "d" * 32001}, too_long(32000, 32001)),
    # rows 4a, 5: model
    ("4a-model-integer", {"model": 123, "prompt": "x"}, invalid_type("model", "a string", "an integer")),
    ("4a-model-decimal", {"model": 1.5, "prompt": "x"}, invalid_type("model", "a string", "a decimal number")),
    ("4a-model-boolean", {"model": True, "prompt": "x"}, invalid_type("model", "a string", "a boolean")),
    ("4a-model-object", {"model": {}, "prompt": "x"}, invalid_type("model", "a string", "an object")),
    ("4a-model-array", {"model": [], "prompt": "x"}, invalid_type("model", "a string", "an array")),
    ("5-model-unknown", {"model": "foo-model", "prompt": "x"}, ("The model 'foo-model' does not exist.", IGUE, "model", "invalid_value")),
    ("5-model-non-ascii", {"model": "mod\u00e8le-\u00b7", "prompt": "x"},
     ("The model 'mod\u00e8le-\u00b7' does not exist.", IGUE, "model", "invalid_value")),
    ("6-unknown-astral-name", {**G1, "\U0001F600": 1}, unknown("\U0001F600")),
    ("5-model-empty", {"model": "", "prompt": "x"}, ("The model '' does not exist.", IGUE, "model", "invalid_value")),
    # rows 10*: size
    ("10a-dall-e-2-size", {"model": "dall-e-2", "prompt": "x", "size": "1536x1024"}, invalid_value("size", "1536x1024", DALLE2_SIZES)),
    ("10a-dall-e-2-auto", {"model": "dall-e-2", "prompt": "x", "size": "auto"}, invalid_value("size", "auto", DALLE2_SIZES)),
    ("10b-dall-e-3-size", {"model": "dall-e-3", "prompt": "x", "size": "512x512"},
     ("The size is not supported by this model.", IRE, None, "invalid_size")),
    ("10c-gpt-image-1-size", {**G1, "size": "1254x836"}, invalid_value("size", "1254x836", GPT1_SIZES)),
    ("10c-gpt-image-1.5-size", {"model": "gpt-image-1.5", "prompt": "x", "size": "512x512"}, invalid_value("size", "512x512", GPT1_SIZES)),
    ("10c-gpt-image-1-mini-size", {"model": "gpt-image-1-mini", "prompt": "x", "size": "1792x1024"}, invalid_value("size", "1792x1024", GPT1_SIZES)),
    ("10c-chatgpt-image-latest-size", {"model": "chatgpt-image-latest", "prompt": "x", "size": "1024x640"}, invalid_value("size", "1024x640", GPT1_SIZES)),
    ("10d-gpt-image-2-bogus", {**G2, "size": "bogus"},
     ("Invalid size 'bogus'. Expected WIDTHxHEIGHT, for example '1824x1024'.", IGUE, "size", "invalid_value")),
    ("10d-gpt-image-2-0x0", {**G2, "size": "0x0"},
     ("Invalid size '0x0'. Expected WIDTHxHEIGHT, for example '1824x1024'.", IGUE, "size", "invalid_value")),
    ("10d-gpt-image-2.5-bogus", {"model": "gpt-image-2.5-flare", "prompt": "x", "size": "bogus"},
     ("Invalid size 'bogus'. Expected WIDTHxHEIGHT, for example '1824x1024'.", IGUE, "size", "invalid_value")),
    ("10f-size-integer", {**G2, "size": 1024}, invalid_type("size", "a string", "an integer")),
    # rows 11*: quality, style
    ("11-quality-ultra", {**G1, "quality": "ultra"}, invalid_value("quality", "ultra", GPT_QUALITY)),
    ("11-quality-empty", {**G1, "quality": ""}, invalid_value("quality", "", GPT_QUALITY)),
    ("11-quality-standard", {**G2, "quality": "standard"}, invalid_value("quality", "standard", GPT_QUALITY)),
    ("11-quality-hd", {"model": "gpt-image-1.5", "prompt": "x", "quality": "hd"}, invalid_value("quality", "hd", GPT_QUALITY)),
    ("11a-quality-integer", {**G1, "quality": 5},
     ("Invalid type for 'quality': expected one of 'low', 'medium', 'high', or 'auto', but got an integer instead.",
      IRE, "quality", "invalid_type")),
    ("11b-dall-e-3-quality", {"model": "dall-e-3", "prompt": "x", "quality": "ultra"}, invalid_value("quality", "ultra", "'standard' and 'hd'")),
    ("11b-dall-e-3-style", {"model": "dall-e-3", "prompt": "x", "style": "bogus"}, invalid_value("style", "bogus", "'vivid' and 'natural'")),
    # rows 12*: output_format, background, moderation, output_compression, partial_images, stream
    ("12-output_format", {**G1, "output_format": "bmp"}, invalid_value("output_format", "bmp", "'png', 'webp', and 'jpeg'")),
    ("12a-background", {**G1, "background": "bogus"}, invalid_value("background", "bogus", "'transparent', 'opaque', and 'auto'")),
    ("12b-moderation", {**G1, "moderation": "bogus"}, invalid_value("moderation", "bogus", "'auto' and 'low'")),
    ("12d-output_compression-101", {**G1, "output_format": "jpeg", "output_compression": 101}, above("output_compression", 100, 101)),
    ("12d-output_compression-minus1", {**G1, "output_format": "webp", "output_compression": -1}, below("output_compression", 0, -1)),
    ("12e-partial_images-4", {**G1, "stream": True, "partial_images": 4}, above("partial_images", 3, 4)),
    ("12e-partial_images-minus1", {**G1, "stream": True, "partial_images": -1}, below("partial_images", 0, -1)),
    ("12f-stream-string", {**G1, "stream": "yes"}, invalid_type("stream", "a boolean", "a string")),
    # §7.3: first error only, in the measured order, whatever the key order of the body
    ("order-model-before-unknown-and-prompt", {"temperature": 1, "prompt": "", "model": "foo-model"},
     ("The model 'foo-model' does not exist.", IGUE, "model", "invalid_value")),
    ("order-unknown-before-prompt", {"model": "gpt-image-1", "temperature": 1}, unknown("temperature")),
    ("order-prompt-before-n", {"n": 0, "model": "gpt-image-1", "prompt": ""},
     ("Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead.",
      IRE, "prompt", "empty_string")),
    ("order-n-before-quality", {"quality": "ultra", "n": 0, **G1}, below("n", 1, 0)),
    ("order-quality-before-output_compression", {"output_compression": 101, "quality": "ultra", **G1},
     invalid_value("quality", "ultra", GPT_QUALITY)),
    ("order-output_compression-before-size", {"size": "bogus", "output_compression": 101, **G2},
     above("output_compression", 100, 101)),
]


@pytest.fixture(scope="module")
def httpx_client(mock):
    with httpx.Client(base_url=mock.base_url, headers=JSON_HEADERS, timeout=TIMEOUT) as client:
        yield client


@pytest.fixture(scope="module")
def requests_session():
    with requests.Session() as session:
        yield session


@pytest.mark.parametrize("body,expected", [pytest.param(b, e, id=i) for i, b, e in ROWS])
def test_exact_error_body(mock, requests_session, body, expected):
    message, type_, param, code = expected
    resp = post_json(mock.base_url, body, session=requests_session)
    assert_error(resp, 400, message, type_, param, code)
    assert_api_headers(resp)


@pytest.mark.parametrize("body,expected", [pytest.param(b, e, id=i) for i, b, e in ROWS])
def test_exact_error_body_httpx(httpx_client, body, expected):
    """The same rows over one keep-alive httpx connection."""
    resp = httpx_client.post("/v1/images/generations", content=json.dumps(body).encode())
    assert resp.status_code == 400, resp.content
    assert resp.content == envelope(*expected)
    assert resp.headers["content-type"] == "application/json"


def test_exact_error_body_over_httpx(mock):
    with httpx.Client(base_url=mock.base_url, headers=AUTH, timeout=TIMEOUT) as client:
        resp = client.post("/v1/images/generations", json={**G1, "n": 11})
    assert resp.status_code == 400
    assert resp.content == envelope(*above("n", 10, 11))
    assert resp.headers["content-type"] == "application/json"


# -- sizes of the gpt-image-2 family whose exact text the contract leaves UNCONFIRMED ---------

@pytest.mark.parametrize("size", ["9x9", "1000x1000"])
def test_gpt_image_2_size_not_divisible_by_16(mock, size):
    resp = post_json(mock.base_url, {**G2, "size": size})
    assert_error_fields(resp, 400, type=IGUE, param="size", code="invalid_value",
                        message_contains="Width and height must both be divisible by 16.")


@pytest.mark.parametrize("size,why", [
    ("2048x672", "aspect ratio above 3:1"),
    ("672x2048", "aspect ratio below 1:3"),
    ("1008x640", "645,120 pixels < 655,360"),
    ("3840x2176", "8,355,840 pixels > 8,294,400"),
    ("3856x1296", "long edge 3856 > 3840"),
])
def test_gpt_image_2_size_limits(mock, size, why):
    resp = post_json(mock.base_url, {**G2, "size": size})
    assert_error_fields(resp, 400, param="size", code="invalid_value")


def test_gpt_image_2_size_uppercase_x_is_not_the_grammar(mock):
    resp = post_json(mock.base_url, {**G2, "size": "1024X1024"})
    assert_error_fields(resp, 400, type=IGUE, param="size", code="invalid_value",
                        message_startswith="Invalid size '1024X1024'.")


def test_response_format_bad_value_on_dalle(mock):
    resp = post_json(mock.base_url, {"model": "dall-e-2", "prompt": "x", "response_format": "foo"})
    assert_error_fields(resp, 400, param="response_format", code="invalid_value")


@pytest.mark.parametrize("prompt,model", [
    ("a" * 1000, "dall-e-2"),
    ("\u00e9" * 1000, "dall-e-2"),
    ("\U0001F600" * 1000, "dall-e-2"),   # 1000 scalars, 2000 UTF-16 units, 4000 UTF-8 bytes
    ("c" * 4000, "dall-e-3"),
])
def test_prompt_at_the_limit_is_accepted(mock, prompt, model):
    resp = post_json(mock.base_url, {"model": model, "prompt": prompt, "size": "1024x1024" if model == "dall-e-3" else "256x256"})
    assert resp.status_code == 200, resp.content[:500]


# -- authentication: rows 15 and 16 -----------------------------------------------------------

ACCEPTED = "sk-test-accepted-key-000000000000000000000000000000000"
SECOND = "sk-proj-second-accepted-key-999999999999999999999999999"


@pytest.fixture(scope="module")
def keyed(servers):
    return servers.get("--api-key", ACCEPTED, "--api-key", SECOND)


def test_missing_authorization(mock):
    resp = requests.post(mock.url("/v1/images/generations"), json=G1, timeout=TIMEOUT)
    assert_error(resp, 401, MISSING_KEY_MESSAGE)
    assert_api_headers(resp)


def test_missing_authorization_on_keyed_server(keyed):
    resp = requests.post(keyed.url("/v1/images/generations"), json=G1, timeout=TIMEOUT)
    assert_error(resp, 401, MISSING_KEY_MESSAGE)


@pytest.mark.parametrize("key,masked", [
    ("sk-qtKGh" + "Z" * 39 + "xymX", "sk-qtKGh" + "*" * 39 + "xymX"),        # the contract's 51-char example
    ("sk-proj-" + "abcdefghij" * 5 + "wxyz", "sk-proj-" + "*" * 50 + "wxyz"),  # sk-proj- is exactly 8 chars
    ("sk-abcdefgh1234", "sk-abcde" + "***" + "1234"),                      # 15 chars: 8 + 3 stars + 4
])
def test_incorrect_key_is_masked(keyed, key, masked):
    resp = requests.post(keyed.url("/v1/images/generations"), json=G1,
                         headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)
    assert_error(resp, 401, incorrect_key_message(masked), IRE, None, "invalid_api_key")
    assert_api_headers(resp)


def test_short_incorrect_key_is_never_echoed_in_full(keyed):
    key = "sk-zq7w9"
    resp = requests.post(keyed.url("/v1/images/generations"), json=G1,
                         headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)
    error = assert_error_fields(resp, 401, type=IRE, param=None, code="invalid_api_key",
                                message_startswith="Incorrect API key provided: ")
    assert key not in error["message"], error["message"]


@pytest.mark.parametrize("key", [ACCEPTED, SECOND])
def test_accepted_keys(keyed, key):
    resp = requests.post(keyed.url("/v1/images/generations"),
                         json={"model": "dall-e-2", "prompt": "x", "size": "256x256"},
                         headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.content[:500]


def test_any_key_accepted_without_api_key_flag(mock):
    resp = requests.post(mock.url("/v1/images/generations"),
                         json={"model": "dall-e-2", "prompt": "x", "size": "256x256"},
                         headers={"Authorization": "Bearer whatever"}, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.content[:500]


def test_empty_bearer_is_rejected(mock):
    resp = requests.post(mock.url("/v1/images/generations"), json=G1,
                         headers={"Authorization": "Bearer "}, timeout=TIMEOUT)
    assert_error_fields(resp, 401, type=IRE, param=None)


def test_authentication_precedes_body_parsing(keyed):
    resp = requests.post(keyed.url("/v1/images/generations"), data=b"{not json",
                         headers={"Authorization": "Bearer sk-abcdefgh1234", "Content-Type": "application/json"},
                         timeout=TIMEOUT)
    assert_error(resp, 401, incorrect_key_message("sk-abcde***1234"), IRE, None, "invalid_api_key")


# -- content types: rows 18 and 19 ------------------------------------------------------------

def test_multipart_to_generations(mock):
    resp = requests.post(mock.url("/v1/images/generations"), headers=AUTH, timeout=TIMEOUT,
                         files={"model": (None, "gpt-image-1"), "prompt": (None, "otter")})
    assert resp.request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert_error(resp, 400, MULTIPART_TO_GENERATIONS_MESSAGE, IRE, None, "unsupported_content_type")


@pytest.mark.parametrize("raw", [
    b'{"model": "gpt-image-1", "prompt": ',
    b'{"model": "gpt-image-1", "prompt": "x",}',
    b"model=gpt-image-1&prompt=x",
])
def test_malformed_json(mock, raw):
    resp = post_json(mock.base_url, raw)
    assert_error(resp, 400, MALFORMED_JSON_MESSAGE)
    assert_api_headers(resp)


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/json; charset=UTF-8"])
def test_json_with_charset_is_accepted(mock, content_type):
    resp = requests.post(mock.url("/v1/images/generations"), timeout=TIMEOUT,
                         data=json.dumps({"model": "dall-e-2", "prompt": "x", "size": "256x256"}).encode(),
                         headers={**AUTH, "Content-Type": content_type})
    assert resp.status_code == 200, resp.content[:500]


# -- unknown routes and methods: rows 30, 30a, 31 ---------------------------------------------

def assert_invalid_url(resp, method, path):
    # The design fixes type invalid_request_error and null param/code; contract row 30 shows the
    # era-A key order for this message, so either key order is accepted here.
    assert resp.status_code == 404, resp.content
    message = f"Invalid URL ({method} {path})"
    assert resp.content in (envelope(message), envelope(message, legacy=True)), resp.content
    assert resp.headers.get("content-type") == "application/json"
    assert_api_headers(resp)


def test_unknown_route(mock):
    resp = post_json(mock.base_url, {"prompt": "x"}, path="/v1/images/foo")
    assert_invalid_url(resp, "POST", "/v1/images/foo")


def test_wrong_method(mock):
    resp = requests.get(mock.url("/v1/images/generations"), headers=AUTH, timeout=TIMEOUT)
    assert_invalid_url(resp, "GET", "/v1/images/generations")


@pytest.mark.parametrize("method,path", [("POST", "/v1/images/foo"), ("GET", "/v1/images/generations")])
def test_bare_404_after_2026_08_29(servers, method, path):
    server = servers.get("--as-of", "2026-08-29")
    resp = requests.request(method, server.url(path), headers=JSON_HEADERS, data=b'{"prompt":"x"}', timeout=TIMEOUT)
    assert resp.status_code == 404
    assert resp.content == b""
    assert resp.headers.get("x-content-type-options") == "nosniff"


@pytest.mark.parametrize("body,needle", [
    pytest.param({"model": "gpt-image-1", "prompt": "x", "n": 99}, "'n' is an integer from 1 to 10", id="range"),
    pytest.param({"model": "gpt-image-1", "prompt": "x", "colour": "red"}, "gpt-image-1 on /v1/images/generations takes: ", id="unknown"),
    pytest.param({"model": "nope", "prompt": "x"}, "Models that answer /v1/images/generations: ", id="model"),
    pytest.param({"model": "dall-e-3", "prompt": "x", "quality": "ultra"}, "'quality' is one of 'standard', 'hd'", id="enum"),
    pytest.param({"model": "gpt-image-1", "prompt": "x", "background": "transparent", "output_format": "jpeg"},
                 "jpeg has no alpha channel", id="relation"),
])
def test_every_validation_error_has_a_diagnosis(mock, body, needle):
    """README: a 4xx also carries x-images-mock-diagnosis; where no check wrote one, the catalog's rule."""
    resp = requests.post(mock.base_url + "/v1/images/generations", json=body, headers=AUTH, timeout=TIMEOUT)
    assert resp.status_code in (400, 404), resp.content[:300]
    assert needle in resp.headers.get("x-images-mock-diagnosis", ""), resp.headers.get("x-images-mock-diagnosis")
