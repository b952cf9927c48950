"""The official openai SDK (AsyncOpenAI) against images-mock."""

from __future__ import annotations

import asyncio

import openai
import pytest
from openai import AsyncOpenAI

from support import KEY, REQUEST_ID, TIMEOUT, assert_image


def run(coro):
    return asyncio.run(coro)


def test_async_generations_concurrently(mock):
    cases = [
        ("gpt-image-1", dict(size="1024x1024", quality="low"), "1024x1024", "png"),
        ("gpt-image-1.5", dict(size="1024x1536", quality="low", output_format="jpeg"), "1024x1536", "jpeg"),
        ("gpt-image-1-mini", dict(size="1536x1024", quality="low", output_format="webp"), "1536x1024", "webp"),
        ("gpt-image-2", dict(size="1280x720", quality="low"), "1280x720", "png"),
        ("dall-e-2", dict(size="256x256", response_format="b64_json"), "256x256", "png"),
        ("dall-e-3", dict(size="1024x1024", response_format="b64_json"), "1024x1024", "png"),
    ]

    async def main():
        async with AsyncOpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
            return await asyncio.gather(*[
                client.images.generate(model=model, prompt=f"async {model}", **kwargs)
                for model, kwargs, _, _ in cases
            ])

    results = run(main())
    for (model, _, size, fmt), resp in zip(cases, results):
        assert len(resp.data) == 1, model
        assert_image(resp.data[0].b64_json, size, fmt)
        if model.startswith("gpt"):
            assert resp.size == size and resp.output_format == fmt and resp.usage is not None
        if model == "dall-e-3":
            assert resp.data[0].revised_prompt


def test_async_raw_response_headers(mock):
    async def main():
        async with AsyncOpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
            raw = await client.images.with_raw_response.generate(model="gpt-image-1", prompt="otter",
                                                                 size="1024x1024", quality="low")
            return raw.headers, raw.parse()

    headers, parsed = run(main())
    assert REQUEST_ID.match(headers["x-request-id"])
    assert headers["openai-version"] == "2020-10-01"
    assert parsed._request_id == headers["x-request-id"]


def test_async_errors(mock, servers):
    keyed = servers.get("--api-key", "sk-test-accepted-key-000000000000000000000000000000000")

    async def main():
        async with AsyncOpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
            bad = client.images.generate(model="gpt-image-1", prompt="otter", quality="ultra")  # type: ignore[arg-type]
            results = await asyncio.gather(bad, return_exceptions=True)
        async with AsyncOpenAI(base_url=keyed.api_base, api_key="sk-not-the-right-key-0000000000",
                               max_retries=0, timeout=TIMEOUT) as client:
            results += await asyncio.gather(client.images.generate(model="gpt-image-1", prompt="otter"),
                                            return_exceptions=True)
        return results

    bad_quality, unauthorized = run(main())
    assert isinstance(bad_quality, openai.BadRequestError), bad_quality
    assert (bad_quality.status_code, bad_quality.code, bad_quality.param) == (400, "invalid_value", "quality")
    assert bad_quality.body["message"] == "Invalid value: 'ultra'. Supported values are: 'low', 'medium', 'high', and 'auto'."
    assert REQUEST_ID.match(bad_quality.request_id or "")
    assert isinstance(unauthorized, openai.AuthenticationError), unauthorized
    assert (unauthorized.status_code, unauthorized.code) == (401, "invalid_api_key")


def test_async_stream(mock):
    async def main():
        async with AsyncOpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as client:
            stream = await client.images.generate(model="gpt-image-1", prompt="otter", size="1024x1024",
                                                  quality="low", stream=True, partial_images=1)
            return [event async for event in stream]

    events = run(main())
    assert events and events[-1].type == "image_generation.completed", [e.type for e in events]
    assert_image(events[-1].b64_json, "1024x1024", "png")
