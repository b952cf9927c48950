"""Model catalogue and history: every model live by default; --as-of and --require-model."""

from __future__ import annotations

import pytest

from support import assert_error, post_json

IRE = "invalid_request_error"
MISSING_MODEL = ("Missing required parameter: 'model'.", IRE, "model", "missing_required_parameter")


def does_not_exist(model):
    return (f"The model '{model}' does not exist.", "image_generation_user_error", "model", "invalid_value")


def minimal_request(model: str) -> dict:
    if model == "dall-e-2":
        return {"model": model, "prompt": "x", "size": "256x256", "response_format": "b64_json"}
    if model == "dall-e-3":
        return {"model": model, "prompt": "x", "response_format": "b64_json"}
    return {"model": model, "prompt": "x", "size": "1024x1024", "quality": "low"}


ALL_MODELS = [
    "dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest",
    "gpt-image-2", "gpt-image-2-2026-04-21",
    "gpt-image-2.5-sunburst", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst-2026-09-08", "gpt-image-2.5-flare-2026-09-08",
    "gpt-image-2.6-sunburst", "gpt-image-2.6-flare",
]


@pytest.mark.parametrize("model", ALL_MODELS)
def test_every_model_is_live_by_default(mock, model):
    resp = post_json(mock.base_url, minimal_request(model))
    assert resp.status_code == 200, resp.content[:500]
    assert len(resp.json()["data"]) == 1


def test_require_model_flag(servers):
    server = servers.get("--require-model")
    assert_error(post_json(server.base_url, {"prompt": "x"}), 400, *MISSING_MODEL)
    assert post_json(server.base_url, minimal_request("dall-e-2")).status_code == 200


def test_missing_model_is_reported_before_other_defects(servers):
    server = servers.get("--require-model")
    assert_error(post_json(server.base_url, {"prompt": "", "n": 0, "temperature": 1}), 400, *MISSING_MODEL)


@pytest.mark.parametrize("args", [("--require-model",), ("--as-of", "2026-05-12"), ("--as-of", "2026-11-21")])
def test_model_null_when_model_is_required(servers, args):
    """Contract row 4a (measured while `model` is required)."""
    server = servers.get(*args)
    expected = ("Invalid type for 'model': expected a string, but got null instead.", IRE, "model", "invalid_type")
    assert_error(post_json(server.base_url, {"model": None, "prompt": "x"}), 400, *expected)


def test_model_null_while_model_is_optional_counts_as_omitted(mock):
    """Before the retirement the SDK typed `model` as optional and nullable; null then means the default."""
    resp = post_json(mock.base_url, {"model": None, "prompt": "x", "size": "256x256"})
    assert resp.status_code == 200, resp.content[:500]
    assert "url" in resp.json()["data"][0]


def test_day_before_retirement_model_still_defaults(servers):
    server = servers.get("--as-of", "2026-05-11")
    resp = post_json(server.base_url, {"prompt": "x", "size": "256x256"})
    assert resp.status_code == 200, resp.content[:500]
    assert "url" in resp.json()["data"][0]


def test_retirement_day(servers):
    server = servers.get("--as-of", "2026-05-12")
    assert_error(post_json(server.base_url, {"prompt": "x"}), 400, *MISSING_MODEL)
    assert_error(post_json(server.base_url, minimal_request("dall-e-2")), 400, *does_not_exist("dall-e-2"))
    assert_error(post_json(server.base_url, minimal_request("dall-e-3")), 400, *does_not_exist("dall-e-3"))
    assert post_json(server.base_url, minimal_request("gpt-image-1")).status_code == 200


def test_gpt_image_1_shutdown_boundary(servers):
    assert post_json(servers.get("--as-of", "2026-10-22").base_url, minimal_request("gpt-image-1")).status_code == 200
    late = servers.get("--as-of", "2026-10-23")
    assert_error(post_json(late.base_url, minimal_request("gpt-image-1")), 400, *does_not_exist("gpt-image-1"))


@pytest.mark.parametrize("model", ["dall-e-2", "dall-e-3", "gpt-image-1"])
def test_gone_by_2026_11_21(servers, model):
    server = servers.get("--as-of", "2026-11-21")
    assert_error(post_json(server.base_url, minimal_request(model)), 400, *does_not_exist(model))


def test_retired_model_reported_before_unknown_parameter(servers):
    server = servers.get("--as-of", "2026-11-21")
    body = {"model": "dall-e-3", "prompt": "", "temperature": 1}
    assert_error(post_json(server.base_url, body), 400, *does_not_exist("dall-e-3"))


@pytest.mark.parametrize("model", ["gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest", "gpt-image-2", "gpt-image-2.5-flare"])
def test_still_live_on_2026_11_21(servers, model):
    server = servers.get("--as-of", "2026-11-21")
    resp = post_json(server.base_url, minimal_request(model))
    assert resp.status_code == 200, resp.content[:500]
