"""Shared helpers: raw HTTP calls, exact error bodies, image checks."""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Any

import requests
from PIL import Image

KEY = "sk-test-client-suite-0123456789abcdefghijklmnopqrstuvwxyz"
AUTH = {"Authorization": f"Bearer {KEY}"}
JSON_HEADERS = {**AUTH, "Content-Type": "application/json"}
TIMEOUT = 30

REQUEST_ID = re.compile(r"^req_[0-9a-f]{32}$")

MISSING_KEY_MESSAGE = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header "
    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
    "username) if you're accessing the API from your browser and are prompted for a username and "
    "password. You can obtain an API key from https://platform.openai.com/account/api-keys."
)
MALFORMED_JSON_MESSAGE = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
    "valid JSON. If you have trouble figuring out how to fix this, please contact us through our "
    "help center at help.openai.com.)"
)
MULTIPART_TO_GENERATIONS_MESSAGE = (
    "Unsupported content type: 'multipart/form-data'. This API method only accepts "
    "'application/json' requests, but you specified the header 'Content-Type: multipart/form-data'. "
    "Please try again with a supported content type."
)


def incorrect_key_message(masked: str) -> str:
    return (
        f"Incorrect API key provided: {masked}. "
        "You can find your API key at https://platform.openai.com/account/api-keys."
    )


def envelope(
    message: str | None,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
    *,
    legacy: bool = False,
) -> bytes:
    """The exact bytes of an error body: 2-space pretty JSON plus a trailing newline.

    Current style orders the keys message, type, param, code; legacy (era A) orders them
    alphabetically: code, message, param, type. Non-ASCII characters are written as \\u escapes
    (surrogate pairs beyond the BMP), as Python's `json.dumps(indent=2)` does: contract §7.1
    derives the byte format from exactly that rendering.
    """
    if legacy:
        error = {"code": code, "message": message, "param": param, "type": type}
    else:
        error = {"message": message, "type": type, "param": param, "code": code}
    return (json.dumps({"error": error}, indent=2) + "\n").encode("ascii")


def post_json(base_url: str, body: Any, *, headers: dict | None = None, path: str = "/v1/images/generations",
              session: requests.Session | None = None) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    sender = session or requests
    return sender.post(base_url + path, data=data, headers=headers or JSON_HEADERS, timeout=TIMEOUT)


def describe(resp: requests.Response) -> str:
    return f"{resp.request.method} {resp.request.url} -> {resp.status_code}\n{resp.content[:2000]!r}"


def assert_error(resp, status: int, message: str | None, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None, *, legacy: bool = False) -> None:
    """Compares the whole error body byte for byte, plus status and content type."""
    expected = envelope(message, type, param, code, legacy=legacy)
    content = resp.content
    assert resp.status_code == status, f"expected {status}; got {describe(resp)}"
    assert content == expected, (
        f"error body differs\nexpected: {expected!r}\nactual:   {content!r}"
    )
    assert resp.headers.get("content-type") == "application/json", resp.headers.get("content-type")


def error_of(resp) -> dict:
    body = resp.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert list(error)[:4] == ["message", "type", "param", "code"], list(error)
    return error


def assert_error_fields(resp, status: int, *, type: str | None = None, param: Any = ...,
                        code: Any = ..., message_contains: str | None = None,
                        message_startswith: str | None = None) -> dict:
    """For rows whose exact text the contract marks UNCONFIRMED: check what is known."""
    assert resp.status_code == status, f"expected {status}; got {describe(resp)}"
    assert resp.content.endswith(b"}\n"), resp.content
    error = error_of(resp)
    if type is not None:
        assert error["type"] == type, error
    if param is not ...:
        assert error["param"] == param, error
    if code is not ...:
        assert error["code"] == code, error
    if message_contains is not None:
        assert message_contains in (error["message"] or ""), error
    if message_startswith is not None:
        assert (error["message"] or "").startswith(message_startswith), error
    return error


def assert_api_headers(resp) -> None:
    """The headers every API response carries (contract §6, design)."""
    h = resp.headers
    assert REQUEST_ID.match(h.get("x-request-id", "")), f"x-request-id: {h.get('x-request-id')!r}"
    assert re.fullmatch(r"\d+", h.get("openai-processing-ms", "")), h.get("openai-processing-ms")
    assert h.get("openai-version") == "2020-10-01", h.get("openai-version")
    assert h.get("openai-organization"), "openai-organization header missing or empty"
    assert h.get("x-content-type-options") == "nosniff", h.get("x-content-type-options")


def decode_image(b64: str) -> Image.Image:
    raw = base64.b64decode(b64, validate=True)
    image = Image.open(io.BytesIO(raw))
    image.load()
    return image


PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def assert_image(b64: str, size: str, fmt: str) -> Image.Image:
    image = decode_image(b64)
    width, height = (int(v) for v in size.split("x"))
    assert image.format == PIL_FORMAT[fmt], f"expected {fmt}, decoded {image.format}"
    assert image.size == (width, height), f"expected {size}, decoded {image.size}"
    return image


def has_alpha(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        return True
    return image.mode == "P" and "transparency" in image.info


def png_bytes(width: int, height: int, mode: str = "RGBA", color=(200, 40, 40, 255)) -> bytes:
    image = Image.new(mode, (width, height), color if mode == "RGBA" else color[:3])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
