"""Tests written against images-mock with the official openai SDK (fixture: conftest.py here).

    pip install pytest openai
    IMAGES_MOCK_BIN=/path/to/images-mock pytest examples/python
"""

import base64

import httpx
import openai
import pytest
from openai import OpenAI


@pytest.fixture
def client(images_mock):
    # Any non-empty key is accepted by the default scenario; no retries, so errors surface at once.
    return OpenAI(base_url=images_mock, api_key="sk-test", max_retries=0)


def test_generates_a_png_of_the_requested_size(client):
    result = client.images.generate(model="gpt-image-1.5", prompt="an otter", size="1024x1536")
    png = base64.b64decode(result.data[0].b64_json)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert result.size == "1024x1536"


def test_an_invalid_request_gets_the_real_apis_error(client):
    with pytest.raises(openai.BadRequestError) as raised:
        client.images.generate(model="gpt-image-1.5", prompt="an otter", n=0)
    assert raised.value.body["param"] == "n"


def test_the_journal_shows_what_was_sent(images_mock, client):
    admin = images_mock.removesuffix("/v1") + "/__admin"
    httpx.post(f"{admin}/reset").raise_for_status()
    client.images.generate(model="gpt-image-2", prompt="a journaled otter")
    entries = httpx.get(f"{admin}/requests", params={"endpoint": "generations"}).json()["requests"]
    assert len(entries) == 1
    assert entries[0]["status"] == 200
