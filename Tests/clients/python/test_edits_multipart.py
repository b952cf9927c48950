"""Edits and variations as real multipart clients send them (requests, curl), and the JSON
form of edits. Exact bodies where contract §7.2 gives the text; fields only where it does not."""

from __future__ import annotations

import base64
import io
import json
import subprocess

import openai
import pytest
import requests
from openai import OpenAI
from PIL import Image

from support import (
    AUTH, KEY, TIMEOUT, assert_api_headers, assert_error, assert_error_fields, assert_image, png_bytes,
)

IRE = "invalid_request_error"
IGUE = "image_generation_user_error"
GPT_TYPES = "'image/jpeg', 'image/png', and 'image/webp'"


@pytest.fixture(scope="module")
def rgba_png():
    return png_bytes(256, 256)


@pytest.fixture(scope="module")
def rgb_png():
    return png_bytes(256, 256, mode="RGB")


def edit(server, fields, files, path="/v1/images/edits"):
    return requests.post(server.url(path), headers=AUTH, data=fields, files=files, timeout=TIMEOUT)


# -- successes ---------------------------------------------------------------------------------

def test_gpt_edit_with_image_array(mock, rgba_png):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat", "size": "1024x1536", "quality": "low", "n": "2"},
                [("image[]", ("a.png", rgba_png, "image/png")), ("image[]", ("b.png", rgba_png, "image/png"))])
    assert resp.status_code == 200, resp.content[:500]
    assert_api_headers(resp)
    body = resp.json()
    assert len(body["data"]) == 2 and body["size"] == "1024x1536"
    for item in body["data"]:
        assert_image(item["b64_json"], "1024x1536", "png")


def test_dalle2_edit_with_rgba_png(mock, rgba_png):
    resp = edit(mock, {"model": "dall-e-2", "prompt": "hat", "size": "256x256"}, {"image": ("a.png", rgba_png, "image/png")})
    assert resp.status_code == 200, resp.content[:500]
    url = resp.json()["data"][0]["url"]
    fetched = requests.get(url, timeout=TIMEOUT)
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/png"


def test_edit_stream_uses_image_edit_events(mock, rgba_png):
    with OpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
        events = list(client.images.edit(model="gpt-image-1", image=("a.png", rgba_png, "image/png"), prompt="hat",
                                         size="1024x1024", quality="low", stream=True, partial_images=1))
    types = [e.type for e in events]
    assert types[-1] == "image_edit.completed", types
    assert set(types[:-1]) <= {"image_edit.partial_image"}, types
    assert_image(events[-1].b64_json, "1024x1024", "png")


def test_curl_form_edit(mock, rgba_png, tmp_path):
    image = tmp_path / "otter.png"
    image.write_bytes(rgba_png)
    proc = subprocess.run(
        ["curl", "-sS", "--max-time", "15", mock.url("/v1/images/edits"), "-H", f"Authorization: Bearer {KEY}",
         "-F", "model=gpt-image-1.5", "-F", "prompt=add a hat", "-F", "quality=low", "-F", "size=1024x1024",
         "-F", f"image[]=@{image}", "-F", f"image[]=@{image};type=image/png"],
        capture_output=True, timeout=20)
    assert proc.returncode == 0, proc.stderr.decode()
    body = json.loads(proc.stdout)
    assert "data" in body, body
    assert_image(body["data"][0]["b64_json"], "1024x1024", "png")


# -- multipart errors with exact text ----------------------------------------------------------

def test_missing_image(mock):
    resp = requests.post(mock.url("/v1/images/edits"), headers=AUTH, timeout=TIMEOUT,
                         files={"model": (None, "gpt-image-1"), "prompt": (None, "hat")})
    assert_error(resp, 400, "Missing required parameter: 'image'.", IRE, "image", "missing_required_parameter")


def test_file_part_without_content_type(mock, rgba_png):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat"}, {"image": ("a.png", rgba_png)})
    part_headers = resp.request.body.split(b'filename="a.png"', 1)[1].split(b"\r\n\r\n", 1)[0]
    assert b"content-type" not in part_headers.lower(), part_headers
    assert_error(resp, 400, "Invalid file 'image': failed to determine mimetype. Ensure you are providing the file's "
                 "mimetype as part of the 'Content-Type' header.", IRE, "image", "missing_file_mimetype")


@pytest.mark.parametrize("declared", ["image/gif", "application/octet-stream"])
def test_unsupported_declared_mimetype_gpt(mock, rgba_png, declared):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat"}, {"image": ("a.png", rgba_png, declared)})
    assert_error(resp, 400, f"Invalid file 'image': unsupported mimetype ('{declared}'). Supported file formats are "
                 f"{GPT_TYPES}.", IRE, "image", "unsupported_file_mimetype")


def test_unsupported_declared_mimetype_second_of_array(mock, rgba_png):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat"},
                [("image[]", ("a.png", rgba_png, "image/png")), ("image[]", ("b.png", rgba_png, "application/octet-stream"))])
    assert_error(resp, 400, "Invalid file 'image[1]': unsupported mimetype ('application/octet-stream'). Supported file "
                 f"formats are {GPT_TYPES}.", IRE, "image[1]", "unsupported_file_mimetype")


def test_unsupported_declared_mimetype_dalle2(mock, rgba_png):
    resp = edit(mock, {"model": "dall-e-2", "prompt": "hat"}, {"image": ("a.png", rgba_png, "application/octet-stream")})
    assert_error(resp, 400, "Invalid file 'image': unsupported mimetype ('application/octet-stream'). Supported file "
                 "formats are 'image/png'.", IRE, "image", "unsupported_file_mimetype")


def test_image_sent_as_text_field(mock):
    resp = requests.post(mock.url("/v1/images/edits"), headers=AUTH, timeout=TIMEOUT,
                         files={"model": (None, "gpt-image-1"), "prompt": (None, "hat"), "image": (None, "a.png")})
    assert_error(resp, 400, "Invalid type for 'image': expected one of an array of files or file, but got a string instead.",
                 IRE, "image", "invalid_type")


def test_image_array_to_dalle2(mock, rgba_png):
    resp = edit(mock, {"model": "dall-e-2", "prompt": "hat"}, [("image[]", ("a.png", rgba_png, "image/png"))])
    assert_error(resp, 400, "Invalid type for 'image': expected a file, but got an array instead.", IRE, "image", "invalid_type")


def test_part_named_images(mock, rgba_png):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat"}, [("images", ("a.png", rgba_png, "image/png"))])
    assert_error_fields(resp, 400, type=IRE, code="invalid_value")
    assert resp.json()["error"]["message"] == "Unknown parameter: 'images'. For multipart/form-data use 'image' or 'image[]'."


@pytest.mark.parametrize("value", ["abc", "2.5"])
def test_multipart_n_not_an_integer(mock, rgba_png, value):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat", "n": value}, {"image": ("a.png", rgba_png, "image/png")})
    assert_error(resp, 400, "Invalid type for 'n': expected an integer, but got a string value that could not be "
                 "converted into an integer.", IRE, "n", "invalid_type")


def test_multipart_empty_quality(mock, rgba_png):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat", "quality": ""}, {"image": ("a.png", rgba_png, "image/png")})
    assert_error(resp, 400, "Invalid value: ''. Supported values are: 'low', 'medium', 'high', and 'auto'.",
                 IRE, "quality", "invalid_value")


def test_dalle2_non_square(mock):
    resp = edit(mock, {"model": "dall-e-2", "prompt": "hat"}, {"image": ("a.png", png_bytes(512, 256), "image/png")})
    assert_error(resp, 400, "Invalid input image - expected an image with equal width and height, got 512x256 instead.")


def test_dalle2_rgb_without_mask(mock, rgb_png):
    resp = edit(mock, {"model": "dall-e-2", "prompt": "hat"}, {"image": ("a.png", rgb_png, "image/png")})
    assert_error(resp, 400, "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB.")


def test_dalle2_not_a_png(mock):
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (1, 2, 3)).save(out, format="JPEG")
    resp = edit(mock, {"model": "dall-e-2", "prompt": "hat"}, {"image": ("a.png", out.getvalue(), "image/png")})
    error = assert_error_fields(resp, 400, type=IRE, param=None)
    assert error["message"] == "Uploaded image must be a PNG and less than 4 MB."


def test_gpt_undecodable_image(mock):
    resp = edit(mock, {"model": "gpt-image-1", "prompt": "hat"}, {"image": ("a.png", b"\x89PNG\r\n\x1a\nnot really", "image/png")})
    error = assert_error_fields(resp, 400, type=IGUE)
    assert error["message"].startswith("Invalid image file or mode for image "), error["message"]
    assert error["message"].endswith(", please check your image file."), error["message"]


# -- JSON edits --------------------------------------------------------------------------------

def json_edit(server, body, content_type="application/json"):
    return requests.post(server.url("/v1/images/edits"), data=json.dumps(body), timeout=TIMEOUT,
                         headers={**AUTH, "Content-Type": content_type})


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def test_json_edit_missing_images(mock):
    resp = json_edit(mock, {"model": "gpt-image-2", "prompt": "x"})
    assert_error(resp, 400, "Missing required parameter: 'images'.", IRE, "images", "missing_required_parameter")
    assert '"images": [{"image_url"' in resp.headers["x-images-mock-diagnosis"]


@pytest.mark.parametrize("body", [
    pytest.param({"image_url": "https://example.com/a.png"}, id="top-level-image_url"),
    pytest.param({"images": ["https://example.com/a.png"]}, id="urls-as-plain-strings"),
])
def test_json_edit_image_references_in_the_wrong_shape(mock, body):
    """The real 400 names the key; the diagnosis shows the shape 'images' must have."""
    resp = json_edit(mock, {"model": "gpt-image-2", "prompt": "x", **body})
    assert resp.status_code == 400, resp.content[:300]
    assert '"images": [{"image_url"' in resp.headers["x-images-mock-diagnosis"]


def test_json_edit_image_key(mock, rgba_png):
    resp = json_edit(mock, {"model": "gpt-image-2", "prompt": "x", "image": data_url(rgba_png)})
    assert_error_fields(resp, 400, type=IRE, code="invalid_value")
    assert resp.json()["error"]["message"] == "Unknown parameter: 'image'. For application/json on /v1/images/edits, use 'images' (array)."


@pytest.mark.parametrize("images,param,code,tail", [
    ([], "images", "empty_array", None),
    (None, "images", "invalid_type", "but got null instead."),
    ({}, "images", "invalid_type", "but got an object instead."),
    (["str"], "images[0]", "invalid_type", "but got a string instead."),
])
def test_json_edit_images_shape(mock, images, param, code, tail):
    resp = json_edit(mock, {"model": "gpt-image-2", "prompt": "x", "images": images})
    error = assert_error_fields(resp, 400, type=IRE, param=param, code=code)
    if tail:
        assert error["message"].endswith(tail), error["message"]


def test_json_edit_before_2026_08_is_415(servers, rgba_png):
    server = servers.get("--as-of", "2026-07-01")
    ctype = "application/json; charset=UTF-8"
    resp = json_edit(server, {"model": "gpt-image-1", "prompt": "x", "images": [{"image_url": data_url(rgba_png)}]}, ctype)
    assert_error(resp, 415, f"Invalid Content-Type header ({ctype}), expected multipart/form-data. (HINT: If you're "
                 "using curl, you can pass -H 'Content-Type: multipart/form-data')")


# -- variations --------------------------------------------------------------------------------

def test_json_to_variations_is_415(mock):
    resp = requests.post(mock.url("/v1/images/variations"), json={"model": "dall-e-2"}, headers=AUTH, timeout=TIMEOUT)
    assert_error(resp, 415, "Invalid Content-Type header (application/json), expected multipart/form-data. (HINT: If "
                 "you're using curl, you can pass -H 'Content-Type: multipart/form-data')")


def test_prompt_on_variations_is_unknown(mock, rgba_png):
    resp = edit(mock, {"model": "dall-e-2", "prompt": "x"}, {"image": ("a.png", rgba_png, "image/png")},
                path="/v1/images/variations")
    assert_error(resp, 400, "Unknown parameter: 'prompt'.", IRE, "prompt", "unknown_parameter")


def test_variation_url(mock, rgb_png):
    resp = edit(mock, {"model": "dall-e-2", "size": "512x512"}, {"image": ("a.png", rgb_png, "image/png")},
                path="/v1/images/variations")
    assert resp.status_code == 200, resp.content[:500]
    url = resp.json()["data"][0]["url"]
    fetched = requests.get(url, timeout=TIMEOUT)
    assert_image(base64.b64encode(fetched.content).decode(), "512x512", "png")


def test_sdk_edit_without_mimetype_list_of_bytes_via_sdk_reports_index(mock, rgba_png):
    with OpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
        with pytest.raises(openai.BadRequestError) as info:
            client.images.edit(model="gpt-image-1", image=[("a.png", rgba_png, "image/png"), rgba_png], prompt="x")
    assert (info.value.param, info.value.code) == ("image[1]", "unsupported_file_mimetype")
