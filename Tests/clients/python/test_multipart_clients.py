"""Multipart edits and variations sent by real clients: curl -F, requests, httpx (sync and
async) and the openai SDK, each building its own body, boundary and part headers.

Contract §3.2, §3.3, §3.5, §7.2 rows 17–25f, §8, §9. The mock runs with its defaults (every
model live, current error style), so dall-e-2 edits and variations are served. Error bodies are
compared byte for byte (support.assert_error); where the mock is more precise than the real API
(malformed bodies, row 20), the message and the `x-images-mock-diagnosis` header are pinned too.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import subprocess
from pathlib import Path

import httpx
import openai
import pytest
import requests
from openai import AsyncOpenAI, OpenAI
from PIL import Image
from requests.structures import CaseInsensitiveDict

from support import AUTH, KEY, TIMEOUT, assert_error, assert_image, decode_image, has_alpha

IRE = "invalid_request_error"
IGUE = "image_generation_user_error"
EDITS = "/v1/images/edits"
VARIATIONS = "/v1/images/variations"

OCTET = ("Invalid file '{param}': unsupported mimetype ('application/octet-stream'). "
         "Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.")
NO_MIMETYPE = ("Invalid file '{param}': failed to determine mimetype. Ensure you are providing the file's "
               "mimetype as part of the 'Content-Type' header.")
UNDECODABLE = "Invalid image file or mode for image {n}, please check your image file."
MASK_NO_ALPHA = "Invalid mask image format - mask image missing alpha channel"
IMAGE_AS_TEXT = "Invalid type for 'image': expected one of an array of files or file, but got a string instead."
DALLE_ARRAY = "Invalid type for 'image': expected a file, but got an array instead."
DALLE_PNG = "Uploaded image must be a PNG and less than 4 MB."
IMAGES_PART = "Unknown parameter: 'images'. For multipart/form-data use 'image' or 'image[]'."
N_NOT_INT = ("Invalid type for 'n': expected an integer, but got a string value that could not be "
             "converted into an integer.")
TOO_MANY = ("Invalid 'image': array too long. Expected an array with maximum length 16, but got an array "
            "with length 17 instead.")
JSON_TO_MULTIPART = ("Invalid Content-Type header ({header}), expected multipart/form-data. (HINT: If you're "
                     "using curl, you can pass -H 'Content-Type: multipart/form-data')")
# The mock's own words for malformed bodies (contract row 20 / §8: the real API has none).
SET_BY_HAND = "Don't set Content-Type by hand; let your HTTP client add the boundary."
LF_ONLY_HINT = (
    "The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after "
    "part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, "
    "or passed through a tool that converts line endings; let your HTTP client build the body.")
TRUNCATED_HINT = (
    "The body is cut short: check that the client sends the whole body (Content-Length, a stream that was already "
    "read, a proxy limit) and ends it with the closing boundary line.")
JSON_AS_MULTIPART_HINT = (
    "The body is JSON but the Content-Type says multipart/form-data: send Content-Type: application/json with a "
    "JSON body, or build a real multipart body (curl -F, files= in requests/httpx, FormData).")
BOUNDARY_MISMATCH_HINT = (
    "The Content-Type boundary must be the one the body was built with; this happens when Content-Type is set by "
    "hand (or copied from another request) while the client generates its own boundary. " + SET_BY_HAND)

GPT = {"model": "gpt-image-1.5", "prompt": "put a tiny hat on it", "quality": "low"}


# -- images made in memory --------------------------------------------------------------------

FILL = {"RGBA": (200, 40, 40, 255), "RGB": (200, 40, 40), "L": 128, "LA": (128, 255), "P": 3}


def image_bytes(width: int, height: int, mode: str = "RGBA", fmt: str = "PNG") -> bytes:
    image = Image.new(mode, (width, height), FILL[mode])
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def mask_bytes(width: int, height: int, mode: str = "RGBA") -> bytes:
    """A mask whose left half is fully transparent (the area to edit)."""
    image = Image.new(mode, (width, height), FILL[mode])
    if mode in ("RGBA", "LA"):
        clear = (0, 0, 0, 0) if mode == "RGBA" else (0, 0)
        for x in range(width // 2):
            for y in range(height):
                image.putpixel((x, y), clear)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SQUARE = image_bytes(64, 64)
LANDSCAPE = image_bytes(96, 64)
PORTRAIT = image_bytes(64, 96, "RGB")


def png(name: str = "a.png", data: bytes = SQUARE, ctype: str | None = "image/png"):
    return (name, data) if ctype is None else (name, data, ctype)


def images_of(body: dict) -> list[str]:
    return [item["b64_json"] for item in body["data"]]


def diagnosis(resp) -> str | None:
    return resp.headers.get("x-images-mock-diagnosis")


def quoted(text: str, limit: int | None = None) -> str:
    """The mock's rendering of an ASCII excerpt in a message (MultipartText.quoted)."""
    shown = text if limit is None else text[:limit]
    out = shown.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"' + ("…" if limit is not None and len(text) > limit else "")


# -- curl -------------------------------------------------------------------------------------

class CurlResponse:
    """Just enough of a response for support.assert_error."""

    def __init__(self, status_line: str, headers: CaseInsensitiveDict, content: bytes) -> None:
        self.status_line = status_line
        self.status_code = int(status_line.split()[1])
        self.headers = headers
        self.content = content

    def json(self):
        return json.loads(self.content)


def curl(mock, path: str, *args: str, auth: bool = True) -> CurlResponse:
    argv = ["curl", "-sS", "-i", "--max-time", "15", mock.url(path)]
    if auth:
        argv += ["-H", f"Authorization: Bearer {KEY}"]
    proc = subprocess.run([*argv, *args], capture_output=True, timeout=20)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout
    while out.startswith(b"HTTP/1.1 100"):  # interim answer to Expect: 100-continue
        out = out.split(b"\r\n\r\n", 1)[1]
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = CaseInsensitiveDict()
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return CurlResponse(lines[0], headers, body)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """Image files on disk for curl -F name=@file and the SDK's file handles."""
    root = tmp_path_factory.mktemp("multipart-files")
    (root / "square.png").write_bytes(SQUARE)
    (root / "landscape.png").write_bytes(LANDSCAPE)
    (root / "portrait.png").write_bytes(PORTRAIT)
    (root / "photo.jpg").write_bytes(image_bytes(64, 96, "RGB", "JPEG"))
    (root / "sticker.webp").write_bytes(image_bytes(80, 80, "RGBA", "WEBP"))
    (root / "mask.png").write_bytes(mask_bytes(96, 64))
    (root / "square-mask.png").write_bytes(mask_bytes(64, 64))
    (root / "a.bin").write_bytes(SQUARE)
    (root / "rgb-square.png").write_bytes(image_bytes(64, 64, "RGB"))
    (root / "wide.png").write_bytes(image_bytes(64, 48))
    return root





class TestCurl:
    def test_single_image_size_auto_follows_landscape_input(self, mock, files):
        resp = curl(mock, EDITS, "-F", "model=gpt-image-1.5", "-F", "prompt=add a red balloon",
                    "-F", f"image=@{files / 'landscape.png'}", "-F", "size=auto", "-F", "quality=low")
        assert resp.status_line == "HTTP/1.1 200 OK", resp.content[:500]
        assert resp.headers["content-type"] == "application/json"
        body = resp.json()
        assert (body["size"], body["output_format"], body["quality"]) == ("1536x1024", "png", "low")
        assert len(body["data"]) == 1 and "url" not in body["data"][0]
        assert_image(body["data"][0]["b64_json"], "1536x1024", "png")
        assert body["usage"]["total_tokens"] == body["usage"]["input_tokens"] + body["usage"]["output_tokens"]

    def test_image_array_with_mask_and_converted_numbers(self, mock, files):
        resp = curl(mock, EDITS, "-F", "model=gpt-image-1.5", "-F", "prompt=merge them",
                    "-F", f"image[]=@{files / 'landscape.png'}", "-F", f"image[]=@{files / 'portrait.png'}",
                    "-F", f"image[]=@{files / 'photo.jpg'}", "-F", f"mask=@{files / 'mask.png'}",
                    "-F", "n=2", "-F", "output_format=webp", "-F", "output_compression=60",
                    "-F", "quality=low", "-F", "stream=false", "-F", "input_fidelity=high")
        assert resp.status_code == 200, resp.content[:500]
        body = resp.json()
        assert body["size"] == "1536x1024", "size auto follows the first image (landscape)"
        assert body["output_format"] == "webp"
        assert len(body["data"]) == 2
        for b64 in images_of(body):
            assert_image(b64, "1536x1024", "webp")

    def test_octet_stream_part_is_row_25(self, mock, files):
        resp = curl(mock, EDITS, "-F", "model=gpt-image-1.5", "-F", "prompt=x",
                    "-F", f"image=@{files / 'a.bin'};type=application/octet-stream")
        assert_error(resp, 400, OCTET.format(param="image"), IRE, "image", "unsupported_file_mimetype")
        assert "declared Content-Type decides" in diagnosis(resp)

    def test_octet_stream_in_image_array_has_indexed_param(self, mock, files):
        resp = curl(mock, EDITS, "-F", "model=gpt-image-1.5", "-F", "prompt=x",
                    "-F", f"image[]=@{files / 'square.png'}", "-F", f"image[]=@{files / 'a.bin'}")
        assert_error(resp, 400, OCTET.format(param="image[1]"), IRE, "image[1]", "unsupported_file_mimetype")

    def test_forgotten_at_sign_sends_image_as_text(self, mock, files):
        """`-F image=photo.png` (no @) sends the file name as a text field: row 25d."""
        resp = curl(mock, EDITS, "-F", "model=gpt-image-1.5", "-F", "prompt=x", "-F", "image=square.png")
        assert_error(resp, 400, IMAGE_AS_TEXT, IRE, "image", "invalid_type")
        assert "arrived as a text field" in diagnosis(resp)

    def test_dalle2_variation(self, mock, files):
        resp = curl(mock, VARIATIONS, "-F", "model=dall-e-2", "-F", f"image=@{files / 'rgb-square.png'}",
                    "-F", "n=2", "-F", "size=256x256", "-F", "response_format=b64_json")
        assert resp.status_code == 200, resp.content[:500]
        body = resp.json()
        assert set(body) == {"created", "data"}
        assert len(body["data"]) == 2
        for b64 in images_of(body):
            assert_image(b64, "256x256", "png")

    def test_dalle2_variation_url_by_default(self, mock, files, tmp_path):
        resp = curl(mock, VARIATIONS, "-F", "model=dall-e-2", "-F", f"image=@{files / 'square.png'}",
                    "-F", "size=256x256")
        assert resp.status_code == 200, resp.content[:500]
        (item,) = resp.json()["data"]
        assert set(item) == {"url"}
        out = tmp_path / "variation.png"
        proc = subprocess.run(["curl", "-sS", "--fail", "--max-time", "15", "-o", str(out), item["url"]],
                              capture_output=True, timeout=20)
        assert proc.returncode == 0, proc.stderr.decode()
        assert_image(base64.b64encode(out.read_bytes()).decode(), "256x256", "png")

    def test_multipart_header_by_hand_with_json_body(self, mock):
        """The classic mistake: -H 'Content-Type: multipart/form-data' -d '{...}'."""
        resp = curl(mock, EDITS, "-H", "Content-Type: multipart/form-data",
                    "-d", '{"model":"gpt-image-1.5","prompt":"x"}')
        assert_error(resp, 400, 'Invalid Content-Type "multipart/form-data": the boundary parameter is missing, '
                                "so the body cannot be split into parts.")
        assert diagnosis(resp) == SET_BY_HAND

    def test_boundary_by_hand_with_json_body(self, mock):
        body = '{"model":"gpt-image-1.5","prompt":"a JSON body"}'
        resp = curl(mock, EDITS, "-H", "Content-Type: multipart/form-data; boundary=XyZ", "--data-binary", body)
        # The excerpt is cut at 32 bytes and ends with "…", written as \u2026 like Python's json.dumps (§7.1).
        assert resp.status_code == 400 and resp.headers["content-type"] == "application/json"
        assert resp.content.endswith(b"\n  }\n}\n") and b'\\"\\u2026 and' in resp.content, resp.content
        assert resp.json() == {"error": {
            "message": f'Malformed multipart body: expected the boundary line "--XyZ" at byte 0, but the body starts '
                       f"with {quoted(body, 32)} and the boundary line never occurs in its {len(body)} bytes.",
            "type": IRE, "param": None, "code": None}}
        assert diagnosis(resp) == JSON_AS_MULTIPART_HINT

    def test_short_json_body_with_boundary_by_hand(self, mock):
        body = '{"model":"gpt-image-2"}'
        resp = curl(mock, EDITS, "-H", "Content-Type: multipart/form-data; boundary=XyZ", "--data-binary", body)
        assert_error(resp, 400, f'Malformed multipart body: expected the boundary line "--XyZ" at byte 0, but the '
                                f"body starts with {quoted(body, 32)} and the boundary line never occurs in its "
                                f"{len(body)} bytes.")
        assert diagnosis(resp) == JSON_AS_MULTIPART_HINT

    @pytest.mark.parametrize("header", ["application/json", "application/json; charset=UTF-8"])
    def test_json_to_variations_is_415_with_header_echoed(self, mock, header):
        resp = curl(mock, VARIATIONS, "-H", f"Content-Type: {header}", "-d", '{"model":"dall-e-2"}')
        assert resp.status_line == "HTTP/1.1 415 Unsupported Media Type"
        assert_error(resp, 415, JSON_TO_MULTIPART.format(header=header))
        assert "only takes multipart/form-data" in diagnosis(resp)


# -- requests ---------------------------------------------------------------------------------

def post(mock, data=None, files=None, path=EDITS, headers=None, **kwargs) -> requests.Response:
    return requests.post(mock.url(path), data=data, files=files, headers={**AUTH, **(headers or {})},
                         timeout=TIMEOUT, **kwargs)


class TestRequests:
    def test_tuple_with_type_and_text_fields(self, mock):
        resp = post(mock, {**GPT, "size": "1024x1024", "output_format": "jpeg", "output_compression": "70",
                           "user": "user-42", "background": "opaque"},
                    {"image": png("otter.png", PORTRAIT)})
        assert resp.status_code == 200, resp.content[:500]
        body = resp.json()
        assert (body["size"], body["output_format"], body["background"]) == ("1024x1024", "jpeg", "opaque")
        assert_image(body["data"][0]["b64_json"], "1024x1024", "jpeg")

    def test_list_of_image_array_parts_in_three_formats(self, mock):
        files = [("image[]", png("p.png", PORTRAIT)),
                 ("image[]", ("l.jpg", image_bytes(96, 64, "RGB", "JPEG"), "image/jpeg")),
                 ("image[]", ("s.webp", image_bytes(64, 64, "RGBA", "WEBP"), "image/webp"))]
        resp = post(mock, {**GPT, "size": "auto"}, files)
        assert resp.status_code == 200, resp.content[:500]
        body = resp.json()
        assert body["size"] == "1024x1536", "size auto follows the first image (portrait)"
        assert_image(body["data"][0]["b64_json"], "1024x1536", "png")

    @pytest.mark.parametrize("mode", ["L", "LA", "P", "RGB"])
    def test_input_modes_accepted(self, mock, mode):
        resp = post(mock, {**GPT, "size": "1024x1024"}, {"image": png(data=image_bytes(64, 64, mode))})
        assert resp.status_code == 200, resp.content[:500]

    def test_sixteen_images_accepted(self, mock):
        files = [("image[]", png(f"{i}.png", image_bytes(32 + i, 32))) for i in range(16)]
        resp = post(mock, {**GPT, "size": "1024x1024"}, files)
        assert resp.status_code == 200, resp.content[:500]
        assert_image(resp.json()["data"][0]["b64_json"], "1024x1024", "png")

    def test_seventeen_images_rejected(self, mock):
        files = [("image[]", png(f"{i}.png")) for i in range(17)]
        assert_error(post(mock, GPT, files), 400, TOO_MANY, IRE, "image", "array_above_max_length")

    def test_tuple_without_type_is_row_25b(self, mock):
        assert_error(post(mock, GPT, {"image": png(ctype=None)}), 400, NO_MIMETYPE.format(param="image"),
                     IRE, "image", "missing_file_mimetype")

    def test_array_part_without_type_has_indexed_param(self, mock):
        resp = post(mock, GPT, [("image[]", png(ctype=None)), ("image[]", png(ctype=None))])
        assert_error(resp, 400, NO_MIMETYPE.format(param="image[0]"), IRE, "image[0]", "missing_file_mimetype")
        assert "no Content-Type header" in diagnosis(resp)

    def test_png_declared_octet_stream(self, mock):
        resp = post(mock, GPT, {"image": png(ctype="application/octet-stream")})
        assert_error(resp, 400, OCTET.format(param="image"), IRE, "image", "unsupported_file_mimetype")

    def test_undecodable_bytes_declared_png_is_row_25c(self, mock):
        resp = post(mock, GPT, {"image": png("broken.png", b"\x89PNG\r\n\x1a\nnot really")})
        assert_error(resp, 400, UNDECODABLE.format(n=1), IGUE, "image")

    def test_undecodable_second_image_names_image_2(self, mock):
        resp = post(mock, GPT, [("image[]", png()), ("image[]", png("b.png", b"junk"))])
        assert_error(resp, 400, UNDECODABLE.format(n=2), IGUE, "image[1]")

    @pytest.mark.parametrize("mode", ["RGB", "L"])
    def test_mask_without_alpha(self, mock, mode):
        resp = post(mock, GPT, {"image": png(), "mask": png("m.png", image_bytes(64, 64, mode))})
        assert_error(resp, 400, MASK_NO_ALPHA, IGUE, "mask", "invalid_mask_image_format")

    def test_mask_with_alpha_accepted(self, mock):
        for mode in ("RGBA", "LA"):
            resp = post(mock, {**GPT, "size": "1024x1024"}, {"image": png(), "mask": png("m.png", mask_bytes(64, 64, mode))})
            assert resp.status_code == 200, (mode, resp.content[:500])

    def test_mask_of_other_dimensions(self, mock):
        resp = post(mock, GPT, {"image": png(data=LANDSCAPE), "mask": png("m.png", mask_bytes(64, 64))})
        assert_error(resp, 400, "Invalid mask image - mask and image must have the same dimensions, got 64x64 "
                                "and 96x64.", IRE, "mask")

    def test_image_as_text_field(self, mock):
        """(None, value) makes requests send a text part named image: row 25d."""
        resp = post(mock, GPT, {"image": (None, "otter.png")})
        assert_error(resp, 400, IMAGE_AS_TEXT, IRE, "image", "invalid_type")

    @pytest.mark.parametrize("model", ["gpt-image-1.5", "dall-e-2"])
    def test_part_named_images(self, mock, model):
        resp = post(mock, {"model": model, "prompt": "x"}, {"images": png()})
        assert_error(resp, 400, IMAGES_PART, IRE, "images", "invalid_value")
        assert "'image[]'" in diagnosis(resp)

    @pytest.mark.parametrize("value", ["abc", "2.5"])
    def test_n_not_an_integer(self, mock, value):
        assert_error(post(mock, {**GPT, "n": value}, {"image": png()}), 400, N_NOT_INT, IRE, "n", "invalid_type")

    def test_numbers_and_booleans_as_text(self, mock):
        resp = post(mock, {**GPT, "n": "3", "size": "1024x1024", "stream": "false", "output_format": "webp",
                           "output_compression": "0"}, {"image": png()})
        assert resp.status_code == 200, resp.content[:500]
        assert resp.headers["content-type"] == "application/json"
        assert len(resp.json()["data"]) == 3

    @pytest.mark.parametrize("model", ["gpt-image-1", "gpt-image-1.5"])
    def test_input_fidelity(self, mock, model):
        resp = post(mock, {**GPT, "model": model, "input_fidelity": "high", "size": "1024x1024"}, {"image": png()})
        assert resp.status_code == 200, resp.content[:500]

    def test_json_blob_in_one_form_field(self, mock):
        """The blog-post bug: data={"json": json.dumps({...})} next to the file."""
        blob = json.dumps({"model": "gpt-image-1.5", "prompt": "x", "size": "1024x1024"})
        resp = post(mock, {"json": blob}, {"image": png()})
        assert_error(resp, 400, "Unknown parameter: 'json'.", IRE, "json", "unknown_parameter")
        assert "never reads a JSON document inside a form field" in diagnosis(resp)

    @pytest.mark.parametrize("field", ["params", "options", "metadata"])
    def test_json_blob_in_a_field_of_any_name(self, mock, field):
        """The same mistake whatever the field is called: the diagnosis reads the value."""
        blob = json.dumps({"model": "gpt-image-1.5", "prompt": "x"})
        resp = post(mock, {field: f"  {blob}\n"}, {"image": png()})
        assert_error(resp, 400, f"Unknown parameter: '{field}'.", IRE, field, "unknown_parameter")
        assert "never reads a JSON document inside a form field" in diagnosis(resp)

    def test_data_without_files_is_urlencoded_415(self, mock):
        resp = post(mock, {**GPT, "image": "a.png"})
        assert_error(resp, 415, JSON_TO_MULTIPART.format(header="application/x-www-form-urlencoded"))

    def test_manual_content_type_with_other_boundary(self, mock):
        resp = post(mock, GPT, {"image": png()}, headers={"Content-Type": "multipart/form-data; boundary=myboundary"})
        sent = resp.request.body
        first_line = sent[:sent.index(b"\r\n")].decode()
        assert first_line.startswith("--") and first_line != "--myboundary"
        assert_error(resp, 400, f"Malformed multipart body: the body's first line is {quoted(first_line)}, but the "
                                'Content-Type boundary is "myboundary"; expected the boundary line "--myboundary" '
                                "at byte 0.")
        assert diagnosis(resp) == BOUNDARY_MISMATCH_HINT

    def test_manual_content_type_without_boundary(self, mock):
        resp = post(mock, GPT, {"image": png()}, headers={"Content-Type": "multipart/form-data"})
        assert_error(resp, 400, 'Invalid Content-Type "multipart/form-data": the boundary parameter is missing, '
                                "so the body cannot be split into parts.")
        assert diagnosis(resp) == SET_BY_HAND

    def test_lf_only_line_endings(self, mock):
        body = b'--B\nContent-Disposition: form-data; name="prompt"\n\nx\n--B--\n'
        resp = post(mock, body, headers={"Content-Type": "multipart/form-data; boundary=B"})
        assert_error(resp, 400, 'Malformed multipart body: a bare LF ("\\n") at byte 3 ends the boundary line "--B" '
                                '(at byte 0); multipart requires CRLF ("\\r\\n") line endings.')
        assert diagnosis(resp) == LF_ONLY_HINT

    def test_missing_closing_boundary(self, mock):
        body = (b'--B\r\nContent-Disposition: form-data; name="model"\r\n\r\ngpt-image-1.5\r\n'
                b'--B\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nx')
        resp = post(mock, body, headers={"Content-Type": "multipart/form-data; boundary=B"})
        assert_error(resp, 400, f'Malformed multipart body: the body ended at byte {len(body)} inside part 2 '
                                '("prompt"), before the closing boundary line "--B--".')
        assert diagnosis(resp) == TRUNCATED_HINT


    def test_quoted_boundary_parameter(self, mock):
        """§8: a quoted boundary (as .NET writes it) is accepted."""
        request = requests.Request("POST", mock.url(EDITS), headers=AUTH, data={**GPT, "size": "1024x1024"},
                                   files={"image": png()}).prepare()
        boundary = request.headers["Content-Type"].split("boundary=", 1)[1]
        request.headers["Content-Type"] = f'multipart/form-data; boundary="{boundary}"'
        with requests.Session() as session:
            resp = session.send(request, timeout=TIMEOUT)
        assert resp.status_code == 200, resp.content[:500]

    def test_hand_built_body_with_preamble_lowercase_headers_and_epilogue(self, mock):
        """§8: header names in any case, a preamble and an epilogue (RFC 2046) are accepted."""
        parts = [b'content-disposition: form-data; name="model"\r\n\r\ngpt-image-1.5',
                 b'CONTENT-DISPOSITION: form-data; name="prompt"\r\n\r\nhand made',
                 b"Content-Disposition: form-data; name=size\r\n\r\n1024x1024",
                 b'content-disposition: form-data; name="image"; filename="a.png"\r\ncontent-type: IMAGE/PNG\r\n\r\n'
                 + SQUARE]
        body = (b"This is the preamble.\r\n--=_b0und=_\r\n" + b"\r\n--=_b0und=_\r\n".join(parts)
                + b"\r\n--=_b0und=_--\r\nepilogue\r\n")
        resp = post(mock, body, headers={"Content-Type": 'multipart/form-data; boundary="=_b0und=_"'})
        assert resp.status_code == 200, resp.content[:500]
        assert_image(resp.json()["data"][0]["b64_json"], "1024x1024", "png")

    def test_non_ascii_file_names(self, mock):
        name = 'loutre-\u00e9t\u00e9 "1".png'
        resp = post(mock, {**GPT, "size": "1024x1024"}, {"image": png(name)})
        assert resp.status_code == 200, resp.content[:500]
        with httpx.Client(timeout=TIMEOUT) as client:
            resp = client.post(mock.url(EDITS), headers=AUTH, data={**GPT, "size": "1024x1024"},
                               files={"image": png("\u30e9\u30c3\u30b3.png")})
        assert resp.status_code == 200, resp.content[:500]

    def test_repeated_image_parts_form_an_array(self, mock):
        """Two parts both named image: read as an array, so errors carry an indexed param."""
        resp = post(mock, GPT, [("image", png()), ("image", png("b.png", ctype="application/octet-stream"))])
        assert_error(resp, 400, OCTET.format(param="image[1]"), IRE, "image[1]", "unsupported_file_mimetype")

    def test_repeated_text_field(self, mock):
        """requests sends a list value as repeated parts; the mock is strict about it (§8)."""
        resp = post(mock, {"model": "gpt-image-1.5", "prompt": ["first", "second"]}, {"image": png()})
        sent = resp.request.body
        header = b'Content-Disposition: form-data; name="prompt"'
        first = sent.index(header)
        second = sent.index(header, first + 1)
        assert_error(resp, 400, f'Malformed multipart body: the text field "prompt" is sent twice (part 2 at byte '
                                f"{first} and part 3 at byte {second}); each parameter may appear once.")
        assert diagnosis(resp) == "Send each parameter once; only file fields (image, image[]) may repeat."

    def test_empty_file_part(self, mock):
        assert_error(post(mock, GPT, {"image": png(data=b"")}), 400, UNDECODABLE.format(n=1), IGUE, "image")

    def test_missing_prompt(self, mock):
        resp = post(mock, {"model": "gpt-image-1.5"}, {"image": png()})
        assert_error(resp, 400, "Missing required parameter: 'prompt'.", IRE, "prompt", "missing_required_parameter")

    def test_missing_image(self, mock):
        resp = post(mock, None, {"model": (None, "gpt-image-1.5"), "prompt": (None, "x")})
        assert_error(resp, 400, "Missing required parameter: 'image'.", IRE, "image", "missing_required_parameter")

    @pytest.mark.parametrize("extra,message,param,code", [
        ({"n": "11"}, "Invalid 'n': integer above maximum value. Expected a value <= 10, but got 11 instead.",
         "n", "integer_above_max_value"),
        ({"n": "0"}, "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
         "n", "integer_below_min_value"),
        ({"output_compression": "abc"}, "Invalid type for 'output_compression': expected an integer, but got a "
         "string value that could not be converted into an integer.", "output_compression", "invalid_type"),
        ({"output_compression": "101"}, "Invalid 'output_compression': integer above maximum value. Expected a "
         "value <= 100, but got 101 instead.", "output_compression", "integer_above_max_value"),
        ({"quality": ""}, "Invalid value: ''. Supported values are: 'low', 'medium', 'high', and 'auto'.",
         "quality", "invalid_value"),
        ({"size": "256x256"}, "Invalid value: '256x256'. Supported values are: '1024x1024', '1024x1536', "
         "'1536x1024', and 'auto'.", "size", "invalid_value"),
        ({"response_format": "b64_json"}, "Unknown parameter: 'response_format'.", "response_format",
         "unknown_parameter"),
    ], ids=["n-11", "n-0", "compression-abc", "compression-101", "quality-empty", "size-dalle", "response_format"])
    def test_text_field_validation(self, mock, extra, message, param, code):
        assert_error(post(mock, {**GPT, **extra}, {"image": png()}), 400, message, IRE, param, code)


class TestRequestsDalle2:
    D2 = {"model": "dall-e-2", "prompt": "a sunlit lounge with a flamingo", "size": "256x256"}

    def test_edit_url_by_default(self, mock):
        resp = post(mock, self.D2, {"image": png()})
        assert resp.status_code == 200, resp.content[:500]
        body = resp.json()
        assert set(body) == {"created", "data"}
        (item,) = body["data"]
        assert set(item) == {"url"}
        fetched = requests.get(item["url"], timeout=TIMEOUT)
        assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/png"
        assert_image(base64.b64encode(fetched.content).decode(), "256x256", "png")

    def test_edit_b64_json_with_mask_on_rgb_image(self, mock):
        resp = post(mock, {**self.D2, "n": "2", "response_format": "b64_json"},
                    {"image": png(data=image_bytes(64, 64, "RGB")), "mask": png("m.png", mask_bytes(64, 64))})
        assert resp.status_code == 200, resp.content[:500]
        for b64 in images_of(resp.json()):
            assert_image(b64, "256x256", "png")

    @pytest.mark.parametrize("mode", ["L", "LA"])
    def test_edit_without_mask_accepts_l_and_la(self, mock, mode):
        resp = post(mock, self.D2, {"image": png(data=image_bytes(64, 64, mode))})
        assert resp.status_code == 200, resp.content[:500]

    def test_image_array_is_row_25e(self, mock):
        assert_error(post(mock, self.D2, [("image[]", png())]), 400, DALLE_ARRAY, IRE, "image", "invalid_type")

    def test_jpeg_bytes_declared_png_is_row_21(self, mock):
        resp = post(mock, self.D2, {"image": png(data=image_bytes(64, 64, "RGB", "JPEG"))})
        assert_error(resp, 400, DALLE_PNG, IRE, None, "invalid_image_format")

    def test_declared_jpeg_is_row_25a(self, mock):
        resp = post(mock, self.D2, {"image": png("a.jpg", image_bytes(64, 64, "RGB", "JPEG"), "image/jpeg")})
        assert_error(resp, 400, "Invalid file 'image': unsupported mimetype ('image/jpeg'). Supported file formats "
                                "are 'image/png'.", IRE, "image", "unsupported_file_mimetype")

    def test_non_square_is_row_22(self, mock):
        resp = post(mock, self.D2, {"image": png(data=image_bytes(64, 48))})
        assert_error(resp, 400, "Invalid input image - expected an image with equal width and height, got 64x48 "
                                "instead.")

    def test_rgb_without_mask_is_row_23(self, mock):
        resp = post(mock, self.D2, {"image": png(data=image_bytes(64, 64, "RGB"))})
        assert_error(resp, 400, "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB.")

    def test_variation_rgb_and_rgba(self, mock):
        for mode in ("RGB", "RGBA"):
            resp = post(mock, {"model": "dall-e-2", "size": "256x256", "response_format": "b64_json"},
                        {"image": png(data=image_bytes(64, 64, mode))}, path=VARIATIONS)
            assert resp.status_code == 200, (mode, resp.content[:500])
            assert_image(resp.json()["data"][0]["b64_json"], "256x256", "png")

    def test_png_of_four_mib_or_more_is_row_21(self, mock):
        side = 1040  # 1040 * 1040 * 4 bytes stored uncompressed: just over 4 MiB
        image = Image.frombytes("RGBA", (side, side), bytes(range(256)) * (side * side * 4 // 256))
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=0)
        assert out.tell() >= 4 * 1024 * 1024
        assert_error(post(mock, self.D2, {"image": png("big.png", out.getvalue())}), 400, DALLE_PNG, IRE, None,
                     "invalid_image_format")

    def test_empty_file_part(self, mock):
        assert_error(post(mock, self.D2, {"image": png(data=b"")}), 400, DALLE_PNG, IRE, None, "invalid_image_format")

    def test_variation_with_prompt(self, mock):
        resp = post(mock, {"model": "dall-e-2", "prompt": "x"}, {"image": png()}, path=VARIATIONS)
        assert_error(resp, 400, "Unknown parameter: 'prompt'.", IRE, "prompt", "unknown_parameter")
        assert "/v1/images/edits" in diagnosis(resp)

    def test_variation_with_gpt_model(self, mock):
        resp = post(mock, {"model": "gpt-image-1.5"}, {"image": png()}, path=VARIATIONS)
        assert_error(resp, 400, "Invalid value: 'gpt-image-1.5'. Supported values are: 'dall-e-2'.",
                     IRE, "model", "invalid_value")

    def test_variation_non_square(self, mock):
        resp = post(mock, {"model": "dall-e-2"}, {"image": png(data=image_bytes(64, 48))}, path=VARIATIONS)
        assert_error(resp, 400, "Invalid input image - expected an image with equal width and height, got 64x48 "
                                "instead.")


# -- httpx ------------------------------------------------------------------------------------

def test_httpx_sync_edit_and_errors(mock):
    with httpx.Client(base_url=mock.base_url, headers=AUTH, timeout=TIMEOUT) as client:
        ok = client.post(EDITS, data={**GPT, "size": "auto", "output_format": "png", "background": "transparent"},
                         files=[("image[]", png("l.png", LANDSCAPE)), ("image[]", png("s.png"))])
        assert ok.status_code == 200, ok.content[:500]
        body = ok.json()
        assert (body["size"], body["background"]) == ("1536x1024", "transparent")
        assert has_alpha(assert_image(body["data"][0]["b64_json"], "1536x1024", "png"))

        # httpx sends a file given as raw bytes with a type guessed from the file name.
        guessed = client.post(EDITS, data={**GPT, "size": "1024x1024"}, files={"image": ("otter.png", SQUARE)})
        assert guessed.status_code == 200, guessed.content[:500]

        no_name = client.post(EDITS, data=GPT, files={"image": ("upload", SQUARE)})
        assert_error(no_name, 400, OCTET.format(param="image"), IRE, "image", "unsupported_file_mimetype")

        variation = client.post(VARIATIONS, data={"model": "dall-e-2", "n": "1", "size": "512x512",
                                                  "response_format": "b64_json"},
                                files={"image": ("sq.png", SQUARE, "image/png")})
        assert variation.status_code == 200, variation.content[:500]
        assert_image(variation.json()["data"][0]["b64_json"], "512x512", "png")


def test_httpx_async_concurrent_edits(mock):
    cases = [
        ({**GPT, "size": "1024x1024"}, {"image": png()}, ("1024x1024", "png")),
        ({**GPT, "size": "auto", "output_format": "jpeg"}, [("image[]", png("p.png", PORTRAIT))], ("1024x1536", "jpeg")),
        ({**GPT, "model": "gpt-image-1", "size": "1536x1024", "output_format": "webp"},
         {"image": png("l.png", LANDSCAPE), "mask": png("m.png", mask_bytes(96, 64))}, ("1536x1024", "webp")),
        ({"model": "dall-e-2", "prompt": "x", "size": "256x256", "response_format": "b64_json"},
         {"image": png()}, ("256x256", "png")),
    ]

    async def main():
        async with httpx.AsyncClient(base_url=mock.base_url, headers=AUTH, timeout=TIMEOUT) as client:
            answers = await asyncio.gather(*[client.post(EDITS, data=data, files=files) for data, files, _ in cases])
            error = await client.post(EDITS, data=GPT, files={"image": ("a.png", SQUARE, "application/octet-stream")})
            return answers, error

    answers, error = asyncio.run(main())
    for (_, _, (size, fmt)), resp in zip(cases, answers):
        assert resp.status_code == 200, resp.content[:500]
        assert_image(resp.json()["data"][0]["b64_json"], size, fmt)
    assert_error(error, 400, OCTET.format(param="image"), IRE, "image", "unsupported_file_mimetype")


# -- openai SDK -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(mock):
    with OpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as c:
        yield c


class TestSDK:
    def test_edit_with_file_handles_and_mask(self, client, files):
        with open(files / "landscape.png", "rb") as image, open(files / "mask.png", "rb") as mask:
            resp = client.images.edit(model="gpt-image-1.5", image=image, mask=mask, prompt="fill the left half",
                                      quality="low", input_fidelity="high")
        assert resp.size == "1536x1024" and resp.output_format == "png"
        assert_image(resp.data[0].b64_json, "1536x1024", "png")
        assert resp.usage is not None and resp.usage.input_tokens_details is not None

    def test_edit_with_list_of_two_files(self, client):
        resp = client.images.edit(model="gpt-image-1", image=[png("p.png", PORTRAIT), png("s.png")],
                                  prompt="combine", quality="low", n=2, output_format="jpeg")
        assert resp.size == "1024x1536"
        assert len(resp.data) == 2
        for item in resp.data:
            assert item.url is None
            assert_image(item.b64_json, "1024x1536", "jpeg")

    def test_edit_mask_without_alpha(self, client):
        with pytest.raises(openai.BadRequestError) as info:
            client.images.edit(model="gpt-image-1.5", image=png(), mask=png("m.png", image_bytes(64, 64, "RGB")),
                               prompt="x")
        assert info.value.body == {"message": MASK_NO_ALPHA, "type": IGUE, "param": "mask",
                                   "code": "invalid_mask_image_format"}

    def test_edit_seventeen_files(self, client):
        with pytest.raises(openai.BadRequestError) as info:
            client.images.edit(model="gpt-image-1.5", image=[png(f"{i}.png") for i in range(17)], prompt="x")
        assert (info.value.param, info.value.code) == ("image", "array_above_max_length")
        assert info.value.body["message"] == TOO_MANY

    def test_create_variation_b64_json(self, client, files):
        resp = client.images.create_variation(image=files / "square.png", model="dall-e-2", n=2, size="256x256",
                                              response_format="b64_json")
        assert len(resp.data) == 2
        for item in resp.data:
            assert item.url is None
            assert_image(item.b64_json, "256x256", "png")

    def test_dalle2_edit_through_sdk(self, client):
        resp = client.images.edit(model="dall-e-2", image=png(), prompt="x", size="256x256")
        assert resp.data[0].url and resp.data[0].b64_json is None

    def test_stream_edit_events(self, client):
        stream = client.images.edit(model="gpt-image-1.5", image=png("p.png", PORTRAIT), prompt="paint it",
                                    quality="low", stream=True, partial_images=2, output_format="webp")
        events = list(stream)
        types = [event.type for event in events]
        assert types[-1] == "image_edit.completed", types
        partials = events[:-1]
        assert all(t == "image_edit.partial_image" for t in types[:-1]), types
        assert 1 <= len(partials) <= 2
        assert [event.partial_image_index for event in partials] == list(range(len(partials)))
        final = events[-1]
        assert (final.size, final.output_format) == ("1024x1536", "webp")
        assert_image(final.b64_json, "1024x1536", "webp")
        assert final.usage.total_tokens == final.usage.input_tokens + final.usage.output_tokens
        for event in partials:
            assert decode_image(event.b64_json).format == "WEBP"

    def test_stream_wire_format(self, mock):
        """The SDK does not check event names (§5); read the raw frames: event: line == data type."""
        with requests.post(mock.url(EDITS), headers=AUTH, timeout=TIMEOUT, stream=True,
                           data={**GPT, "stream": "true", "partial_images": "1", "size": "1024x1024"},
                           files={"image": png()}) as resp:
            assert resp.status_code == 200
            assert resp.headers["content-type"].startswith("text/event-stream")
            raw = resp.content.decode()
        frames = [frame for frame in raw.split("\n\n") if frame.strip()]
        names = []
        for frame in frames:
            lines = frame.split("\n")
            assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), lines[:2]
            name = lines[0][len("event: "):]
            assert json.loads(lines[1][len("data: "):])["type"] == name
            names.append(name)
        assert names[-1] == "image_edit.completed" and set(names[:-1]) <= {"image_edit.partial_image"}, names
        assert "[DONE]" not in raw

    def test_async_sdk_edit_and_variation(self, mock):
        async def main():
            async with AsyncOpenAI(base_url=mock.api_base, api_key=KEY, max_retries=0, timeout=TIMEOUT) as c:
                return await asyncio.gather(
                    c.images.edit(model="gpt-image-1.5", image=[png("l.png", LANDSCAPE)], prompt="x", quality="low"),
                    c.images.create_variation(image=png(), model="dall-e-2", size="256x256", response_format="b64_json"),
                )

        edit, variation = asyncio.run(main())
        assert_image(edit.data[0].b64_json, "1536x1024", "png")
        assert_image(variation.data[0].b64_json, "256x256", "png")


class TestFileSizeLimit:
    """Files of 50 MiB and more: the same answer whether the validator saw the whole file or the
    parser stopped reading it at its 50 MiB cap (one byte more), once the model is known."""

    CAP = 50 * 1024 * 1024
    MESSAGE = "Invalid file '{label}': the file is {size}; it must be under 52428800 bytes (50 MB)."

    @staticmethod
    def big(size: int) -> bytes:
        return SQUARE + b"\0" * (size - len(SQUARE))

    def test_gpt_file_of_exactly_50_mib(self, mock):
        resp = post(mock, GPT, {"image": png(data=self.big(self.CAP))})
        assert_error(resp, 400, self.MESSAGE.format(label="image", size="52428800 bytes"), IRE, "image", "file_too_large")

    def test_gpt_file_past_the_streaming_cap(self, mock):
        resp = post(mock, GPT, [("image[]", png(data=SQUARE)), ("image[]", png(data=self.big(self.CAP + 1)))])
        assert_error(resp, 400, self.MESSAGE.format(label="image[1]", size="over 52428800 bytes"), IRE, "image[1]", "file_too_large")
        assert "stopped at byte 52428800" in diagnosis(resp)

    @pytest.mark.parametrize("path", [EDITS, VARIATIONS])
    def test_dalle2_file_past_the_streaming_cap_is_row_21(self, mock, path):
        fields = {"model": "dall-e-2", "prompt": "x"} if path == EDITS else {"model": "dall-e-2"}
        resp = post(mock, fields, {"image": png(data=self.big(self.CAP + 1))}, path=path)
        assert_error(resp, 400, "Uploaded image must be a PNG and less than 4 MB.", IRE, None, "invalid_image_format")

    def test_model_field_after_the_file_leaves_the_parser_to_speak(self, mock):
        files = [("image", png(data=self.big(self.CAP + 1))), ("model", (None, "gpt-image-1.5")), ("prompt", (None, "x"))]
        resp = post(mock, None, files)
        assert resp.status_code == 400, resp.content[:300]
        assert resp.json()["error"]["message"].startswith("Multipart file too large: file part \"image\""), resp.content[:300]
