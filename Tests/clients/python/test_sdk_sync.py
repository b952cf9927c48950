"""The official openai SDK (sync client) against images-mock: generations and errors."""

from __future__ import annotations

import json
import re
import time

import openai
import pytest
import requests
from openai import OpenAI

from support import KEY, REQUEST_ID, TIMEOUT, assert_image, decode_image, has_alpha

GPT_QUALITIES = {"low", "medium", "high", "xhigh", "max"}


@pytest.fixture(scope="module")
def client(mock):
    with OpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as c:
        yield c


def check_usage(usage) -> None:
    assert usage is not None, "GPT responses carry usage"
    for field in ("input_tokens", "output_tokens", "total_tokens"):
        value = getattr(usage, field)
        assert isinstance(value, int) and value >= 0, (field, value)
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens, usage
    details = usage.input_tokens_details
    assert details is not None, "usage.input_tokens_details is required"
    assert isinstance(details.text_tokens, int) and isinstance(details.image_tokens, int), details


def check_gpt_response(resp, *, n: int, fmt: str, size: str | None = None) -> None:
    assert isinstance(resp.created, int) and abs(resp.created - time.time()) < 600, resp.created
    assert resp.data is not None and len(resp.data) == n, f"expected {n} images, got {resp.data and len(resp.data)}"
    assert resp.output_format == fmt
    assert resp.size is not None and re.fullmatch(r"\d+x\d+", resp.size), f"size must be resolved WxH, got {resp.size!r}"
    if size is not None and size != "auto":
        assert resp.size == size
    assert resp.quality in GPT_QUALITIES, f"quality must be resolved, got {resp.quality!r}"
    assert resp.background in ("opaque", "transparent"), f"background must be resolved, got {resp.background!r}"
    check_usage(resp.usage)
    for item in resp.data:
        assert item.url is None, "GPT models never return url"
        assert item.b64_json, "GPT models return b64_json"
        assert_image(item.b64_json, resp.size, fmt)


GPT_CASES = [
    pytest.param("gpt-image-1", dict(size="1024x1536", output_format="jpeg", quality="low"), 1, "jpeg", id="gpt-image-1-jpeg-portrait"),
    pytest.param("gpt-image-1.5", dict(size="1536x1024", output_format="webp", quality="medium", n=2), 2, "webp", id="gpt-image-1.5-webp-n2"),
    pytest.param("gpt-image-1-mini", dict(size="1024x1024", output_format="png", quality="high"), 1, "png", id="gpt-image-1-mini-png"),
    pytest.param("chatgpt-image-latest", dict(), 1, "png", id="chatgpt-image-latest-defaults"),
    pytest.param("gpt-image-2", dict(size="1024x640"), 1, "png", id="gpt-image-2-free-size-min-pixels"),
    pytest.param("gpt-image-2-2026-04-21", dict(size="1920x640", output_format="webp"), 1, "webp", id="gpt-image-2-snapshot-3to1"),
    pytest.param("gpt-image-2", dict(size="auto", quality="auto"), 1, "png", id="gpt-image-2-auto"),
    pytest.param("gpt-image-2.5-flare", dict(size="1024x1024", quality="xhigh"), 1, "png", id="gpt-image-2.5-flare-xhigh"),
    pytest.param("gpt-image-2.5-sunburst-2026-09-08", dict(size="1024x1024", quality="max", output_format="jpeg", output_compression=40), 1, "jpeg", id="gpt-image-2.5-sunburst-snapshot-max-jpeg"),
]


@pytest.mark.parametrize("model,kwargs,n,fmt", GPT_CASES)
def test_gpt_generation(client, model, kwargs, n, fmt):
    resp = client.images.generate(model=model, prompt="a sea otter holding a wrench", **kwargs)
    check_gpt_response(resp, n=n, fmt=fmt, size=kwargs.get("size"))
    if "quality" in kwargs and kwargs["quality"] != "auto":
        assert resp.quality == kwargs["quality"]
    if fmt == "jpeg":
        assert resp.background == "opaque", "JPEG cannot carry transparency"


def test_gpt_default_size_is_resolved_to_a_listed_size(client):
    resp = client.images.generate(model="gpt-image-1", prompt="lighthouse", quality="low")
    assert resp.size in ("1024x1024", "1536x1024", "1024x1536"), resp.size
    check_gpt_response(resp, n=1, fmt="png")


@pytest.mark.parametrize("model,fmt", [("gpt-image-1", "png"), ("gpt-image-1.5", "webp")])
def test_transparent_background_has_alpha(client, model, fmt):
    resp = client.images.generate(
        model=model, prompt="a sticker of a fox", size="1024x1024", background="transparent",
        output_format=fmt, quality="low",
    )
    check_gpt_response(resp, n=1, fmt=fmt, size="1024x1024")
    assert resp.background == "transparent"
    image = decode_image(resp.data[0].b64_json)
    assert has_alpha(image), f"background=transparent must give an image with alpha, got mode {image.mode}"
    alpha_min, _ = image.convert("RGBA").getchannel("A").getextrema()
    assert alpha_min == 0, "a transparent background has at least some fully transparent pixels"


def test_opaque_background_is_echoed(client):
    resp = client.images.generate(model="gpt-image-1", prompt="fox", size="1024x1024", background="opaque", quality="low")
    assert resp.background == "opaque"


def test_gpt_raw_body_shape(client):
    raw = client.images.with_raw_response.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low", n=2)
    assert REQUEST_ID.match(raw.headers["x-request-id"])
    body = json.loads(raw.text)
    assert {"created", "data", "background", "output_format", "quality", "size", "usage"} <= set(body), sorted(body)
    assert [sorted(item) for item in body["data"]] == [["b64_json"], ["b64_json"]]
    first, second = (decode_image(item["b64_json"]) for item in body["data"])
    assert first.tobytes() != second.tobytes(), "each of the n images is visibly distinct"
    assert len(first.getcolors(1 << 24) or []) > 1, "a placeholder is not a flat colour"
    parsed = raw.parse()
    assert parsed._request_id == raw.headers["x-request-id"]


def test_same_request_gives_same_image_and_prompt_changes_it(client):
    def once(prompt):
        return client.images.generate(model="gpt-image-1", prompt=prompt, size="1024x1024", quality="low").data[0].b64_json

    first, again, other = once("a red kite"), once("a red kite"), once("a blue kite")
    assert first == again, "placeholders are deterministic for (prompt, size, index, seed)"
    assert first != other, "a different prompt gives a different placeholder"


def test_whitespace_prompt_is_accepted(client):
    resp = client.images.generate(model="gpt-image-1", prompt="   ", size="1024x1024", quality="low")
    assert len(resp.data) == 1


def test_explicit_nulls_count_as_absent(client):
    resp = client.images.generate(
        model="gpt-image-1", prompt="otter",
        extra_body={"n": None, "quality": None, "size": None, "stream": None,
                    "output_compression": None, "partial_images": None},
    )
    check_gpt_response(resp, n=1, fmt="png")


def test_safety_identifier_is_echoed(client):
    resp = client.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low",
                                  safety_identifier="user-1234")
    assert resp.safety_identifier == "user-1234"


def test_user_is_echoed_as_the_safety_identifier(client):
    """Contract §4: the effective identifier, `safety_identifier` or its deprecated fallback `user`."""
    resp = client.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low", user="u-77")
    assert resp.safety_identifier == "u-77"
    both = client.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low",
                                  user="u-77", safety_identifier="s-1")
    assert both.safety_identifier == "s-1"
    # The SDK's type: `user` counts when `safety_identifier` is omitted, null or empty; an empty
    # identifier is no identifier.
    empty = client.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low",
                                   user="u-77", safety_identifier="")
    assert empty.safety_identifier == "u-77"
    neither = client.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low", user="")
    assert neither.safety_identifier is None
    assert "safety_identifier" not in neither.model_dump(exclude_unset=True)


# -- DALL·E ----------------------------------------------------------------------------------

def fetch_png(url: str, base_url: str, size: str) -> None:
    assert re.fullmatch(re.escape(base_url) + r"/v1/files/images/[^/?#]+\.png", url), url
    resp = requests.get(url, timeout=TIMEOUT)  # deliberately without Authorization
    assert resp.status_code == 200, (url, resp.status_code, resp.content[:300])
    assert resp.headers.get("content-type") == "image/png", resp.headers.get("content-type")
    import base64
    assert_image(base64.b64encode(resp.content).decode(), size, "png")


def test_dalle2_url_default_and_follow(client, mock):
    resp = client.images.generate(model="dall-e-2", prompt="a watercolor hedgehog", size="256x256", n=3)
    assert len(resp.data) == 3
    urls = [item.url for item in resp.data]
    assert len(set(urls)) == 3, urls
    for item in resp.data:
        assert item.b64_json is None and item.revised_prompt is None
        fetch_png(item.url, mock.base_url, "256x256")
    # DALL·E answers carry none of the GPT echo fields or usage.
    assert resp.usage is None and resp.size is None and resp.output_format is None


def test_head_on_an_image_url_gives_the_get_length_and_no_body(client):
    """RFC 9110 §9.3.2: HEAD answers as GET without the body; its Content-Length was 0 once.
    Pipelined on one connection, a stray body after the HEAD would corrupt the GET after it."""
    import http.client
    from urllib.parse import urlsplit
    url = urlsplit(client.images.generate(model="dall-e-2", prompt="head", size="256x256").data[0].url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
    connection.request("HEAD", url.path)
    head = connection.getresponse()
    assert head.status == 200 and head.read() == b""
    length = int(head.getheader("Content-Length"))
    connection.request("GET", url.path)
    get = connection.getresponse()
    body = get.read()
    assert get.status == 200 and len(body) == length > 0 and body.startswith(b"\x89PNG")
    connection.close()


def test_an_http10_request_without_host_gets_urls_of_the_listening_address(mock):
    """Without a Host header the URL once named port 80; it must point at the mock itself."""
    import socket
    body = json.dumps({"model": "dall-e-2", "prompt": "no host", "size": "256x256"}).encode()
    with socket.create_connection(("127.0.0.1", mock.port), timeout=TIMEOUT) as connection:
        connection.sendall(b"POST /v1/images/generations HTTP/1.0\r\nAuthorization: Bearer " + KEY.encode()
                           + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
                           + b"\r\n\r\n" + body)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    url = json.loads(received.split(b"\r\n\r\n", 1)[1])["data"][0]["url"]
    assert url.startswith(f"http://127.0.0.1:{mock.port}/v1/files/images/"), url
    assert requests.get(url, timeout=TIMEOUT).status_code == 200


def test_dalle2_b64(client):
    resp = client.images.generate(model="dall-e-2", prompt="hedgehog", size="512x512", response_format="b64_json")
    assert len(resp.data) == 1 and resp.data[0].url is None
    assert_image(resp.data[0].b64_json, "512x512", "png")


def test_dalle2_raw_body_has_only_created_and_data(client):
    raw = client.images.with_raw_response.generate(model="dall-e-2", prompt="hedgehog", size="256x256")
    body = json.loads(raw.text)
    assert sorted(body) == ["created", "data"], sorted(body)
    assert sorted(body["data"][0]) == ["url"]


def test_model_omitted_defaults_to_dalle2(client, mock):
    resp = client.images.generate(prompt="a small house")
    assert len(resp.data) == 1 and resp.data[0].url, resp
    assert resp.usage is None
    fetch_png(resp.data[0].url, mock.base_url, "1024x1024")


def test_model_omitted_with_a_gpt_only_parameter_is_gpt_image_1(client):
    """Contract §2: dall-e-2 "unless a parameter specific to the GPT image models is used"."""
    resp = client.images.generate(prompt="a small house", quality="low", output_format="webp")
    assert resp.data[0].b64_json and resp.data[0].url is None, resp
    assert resp.usage is not None and resp.output_format == "webp"
    assert_image(resp.data[0].b64_json, "1024x1024", "webp")


def test_dalle3_url_with_revised_prompt(client, mock):
    resp = client.images.generate(model="dall-e-3", prompt="a castle at dawn", size="1792x1024", quality="hd", style="natural")
    assert len(resp.data) == 1
    item = resp.data[0]
    assert isinstance(item.revised_prompt, str) and item.revised_prompt.strip(), item.revised_prompt
    fetch_png(item.url, mock.base_url, "1792x1024")


def test_dalle3_b64_portrait(client):
    resp = client.images.generate(model="dall-e-3", prompt="a tall tower", size="1024x1792", response_format="b64_json")
    item = resp.data[0]
    assert item.url is None and item.revised_prompt
    assert_image(item.b64_json, "1024x1792", "png")


# -- streaming -------------------------------------------------------------------------------

def test_stream_partials_then_completed(client):
    stream = client.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low",
                                    stream=True, partial_images=2)
    events = list(stream)
    assert events, "no SSE events"
    assert events[-1].type == "image_generation.completed", [e.type for e in events]
    partials = [e for e in events[:-1]]
    assert all(e.type == "image_generation.partial_image" for e in partials), [e.type for e in events]
    assert len(partials) <= 2
    assert [e.partial_image_index for e in partials] == list(range(len(partials)))
    final = events[-1]
    assert_image(final.b64_json, final.size, final.output_format)
    assert final.size == "1024x1024"
    assert final.usage is not None and final.usage.total_tokens == final.usage.input_tokens + final.usage.output_tokens


def test_stream_without_partials_is_one_completed_event(client):
    events = list(client.images.generate(model="gpt-image-1.5", prompt="otter", size="1024x1024",
                                         quality="low", stream=True, partial_images=0))
    assert [e.type for e in events] == ["image_generation.completed"]


def test_stream_completed_event_echoes_the_safety_identifier(client):
    events = list(client.images.generate(model="gpt-image-1.5", prompt="otter", size="1024x1024",
                                         quality="low", stream=True, safety_identifier="sid-9"))
    assert events[-1].type == "image_generation.completed"
    assert events[-1].safety_identifier == "sid-9"


# -- errors through the SDK ------------------------------------------------------------------

def test_unknown_parameter_raises_bad_request(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-1", prompt="otter", extra_body={"temperature": 0.5})
    exc = info.value
    assert exc.status_code == 400
    assert exc.code == "unknown_parameter"
    assert exc.param == "temperature"
    assert exc.type == "invalid_request_error"
    assert REQUEST_ID.match(exc.request_id or ""), exc.request_id
    assert exc.body == {"message": "Unknown parameter: 'temperature'.", "type": "invalid_request_error",
                        "param": "temperature", "code": "unknown_parameter"}
    assert "Unknown parameter: 'temperature'." in str(exc)


def test_response_format_on_gpt_model_is_rejected(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-1", prompt="otter", response_format="b64_json")
    assert (info.value.code, info.value.param) == ("unknown_parameter", "response_format")


def test_n_above_maximum(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-1", prompt="otter", n=11)
    exc = info.value
    assert (exc.code, exc.param, exc.type) == ("integer_above_max_value", "n", "invalid_request_error")
    assert exc.message.endswith("Invalid 'n': integer above maximum value. Expected a value <= 10, but got 11 instead.")


def test_unknown_model(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="foo-model", prompt="otter")
    exc = info.value
    assert (exc.code, exc.param, exc.type) == ("invalid_value", "model", "image_generation_user_error")
    assert exc.body["message"] == "The model 'foo-model' does not exist."


def test_request_ids_differ_between_errors(client):
    ids = set()
    for _ in range(3):
        with pytest.raises(openai.BadRequestError) as info:
            client.images.generate(model="gpt-image-1", prompt="")
        ids.add(info.value.request_id)
    assert len(ids) == 3, ids


def test_wrong_key_raises_authentication_error(servers):
    keyed = servers.get("--api-key", "sk-test-accepted-key-000000000000000000000000000000000")
    with OpenAI(base_url=keyed.api_base, api_key="sk-test-wrong-key-11111111111111111111111111111111111",
                max_retries=0, timeout=TIMEOUT) as c:
        with pytest.raises(openai.AuthenticationError) as info:
            c.images.generate(model="gpt-image-1", prompt="otter")
    exc = info.value
    assert exc.status_code == 401
    assert (exc.code, exc.param, exc.type) == ("invalid_api_key", None, "invalid_request_error")
    assert REQUEST_ID.match(exc.request_id or "")
    with OpenAI(base_url=keyed.api_base, api_key="sk-test-accepted-key-000000000000000000000000000000000",
                max_retries=0, timeout=TIMEOUT) as c:
        assert c.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024", quality="low").data


def test_unknown_route_raises_not_found(client):
    with pytest.raises(openai.NotFoundError) as info:
        client.post("/images/foo", cast_to=object, body={"prompt": "x"})
    exc = info.value
    assert exc.status_code == 404
    assert exc.body["message"] == "Invalid URL (POST /v1/images/foo)"
    assert (exc.code, exc.param, exc.type) == (None, None, "invalid_request_error")


def test_retired_model_with_as_of(servers):
    late = servers.get("--as-of", "2026-11-21")
    with OpenAI(base_url=late.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as c:
        with pytest.raises(openai.BadRequestError) as info:
            c.images.generate(model="dall-e-3", prompt="otter")
    exc = info.value
    assert (exc.code, exc.param, exc.type) == ("invalid_value", "model", "image_generation_user_error")
    assert exc.body["message"] == "The model 'dall-e-3' does not exist."


def test_gpt_answers_before_june_2025_lack_the_echo_fields(mock_factory):
    """Contract §4: the echo fields arrived on 2025-06-26; older recordings of gpt-image-1 lack them."""
    for as_of, echoed in (("2025-06-25", False), ("2025-06-26", True)):
        server = mock_factory("--as-of", as_of)
        client = OpenAI(api_key=KEY, base_url=server.base_url + "/v1", max_retries=0)
        raw = client.images.with_raw_response.generate(model="gpt-image-1", prompt="otter", quality="low")
        body = json.loads(raw.text)
        expected = ["created", "data", "background", "output_format", "size", "quality", "usage"] if echoed \
            else ["created", "data", "usage"]
        assert list(body) == expected, (as_of, list(body))


def test_organization_and_project_are_echoed_when_the_client_names_them(mock):
    """Contract §6.1/§6.2: the SDK sends OpenAI-Organization / OpenAI-Project when configured."""
    client = OpenAI(api_key=KEY, base_url=mock.base_url + "/v1", organization="org-team", project="proj_demo", max_retries=0)
    raw = client.images.with_raw_response.generate(model="dall-e-2", prompt="x", size="256x256")
    assert raw.headers["openai-organization"] == "org-team"
    assert raw.headers["openai-project"] == "proj_demo"
    plain = OpenAI(api_key=KEY, base_url=mock.base_url + "/v1", max_retries=0)
    assert "openai-project" not in plain.images.with_raw_response.generate(model="dall-e-2", prompt="x", size="256x256").headers
