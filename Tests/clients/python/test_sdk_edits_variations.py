"""A few edits/variations calls through the SDK: what its multipart encoder really sends.

The SDK sends a file given as a (name, bytes, type) tuple with that part Content-Type, raw bytes
as `filename="upload"` with `application/octet-stream` (rejected by the real API for GPT models:
contract row 25), and a list of files as repeated `image[]` parts (contract §9).
"""

from __future__ import annotations

import base64

import openai
import pytest
import requests
from openai import OpenAI

from support import KEY, TIMEOUT, assert_image, png_bytes

OCTET = ("Invalid file '{param}': unsupported mimetype ('application/octet-stream'). "
         "Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.")


@pytest.fixture(scope="module")
def client(mock):
    with OpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as c:
        yield c


@pytest.fixture(scope="module")
def square_png():
    return png_bytes(256, 256)


def test_edit_single_file_tuple(client, square_png):
    resp = client.images.edit(model="gpt-image-1", image=("otter.png", square_png, "image/png"),
                              prompt="add a hat", size="1024x1024", quality="low")
    assert len(resp.data) == 1
    assert_image(resp.data[0].b64_json, "1024x1024", "png")
    assert resp.usage is not None


def test_edit_list_of_files_is_sent_as_image_array(client, square_png):
    resp = client.images.edit(model="gpt-image-1.5",
                              image=[("a.png", square_png, "image/png"), ("b.png", square_png, "image/png")],
                              prompt="combine", size="1536x1024", quality="low", output_format="webp")
    assert_image(resp.data[0].b64_json, "1536x1024", "webp")


def test_edit_raw_bytes_become_octet_stream(client, square_png):
    with pytest.raises(openai.BadRequestError) as info:
        client.images.edit(model="gpt-image-1", image=square_png, prompt="add a hat")
    exc = info.value
    assert exc.body == {"message": OCTET.format(param="image"), "type": "invalid_request_error",
                        "param": "image", "code": "unsupported_file_mimetype"}


def test_edit_list_of_raw_bytes_has_indexed_param(client, square_png):
    with pytest.raises(openai.BadRequestError) as info:
        client.images.edit(model="gpt-image-1", image=[square_png], prompt="add a hat")
    exc = info.value
    assert (exc.param, exc.code) == ("image[0]", "unsupported_file_mimetype")
    assert exc.body["message"] == OCTET.format(param="image[0]")


def test_dalle2_variation(client, square_png):
    resp = client.images.create_variation(image=("sq.png", square_png, "image/png"), model="dall-e-2",
                                          size="256x256", n=2, response_format="b64_json")
    assert len(resp.data) == 2
    for item in resp.data:
        assert_image(item.b64_json, "256x256", "png")


def test_json_edit_with_data_url(mock, square_png):
    data_url = "data:image/png;base64," + base64.b64encode(square_png).decode()
    resp = requests.post(mock.url("/v1/images/edits"), timeout=TIMEOUT,
                         headers={"Authorization": f"Bearer {KEY}"},
                         json={"model": "gpt-image-2", "prompt": "x", "images": [{"image_url": data_url}],
                               "size": "1024x1024", "quality": "low"})
    assert resp.status_code == 200, resp.content[:500]
    assert_image(resp.json()["data"][0]["b64_json"], "1024x1024", "png")


def test_variations_bare_404_after_retirement(servers, square_png):
    server = servers.get("--as-of", "2026-08-29")
    with OpenAI(base_url=server.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as c:
        with pytest.raises(openai.NotFoundError) as info:
            c.images.create_variation(image=("sq.png", square_png, "image/png"), model="dall-e-2")
    assert info.value.response.content == b""
    assert info.value.response.headers.get("x-content-type-options") == "nosniff"
