#!/usr/bin/env python3
"""Checks the responses captured from the mock before they are replayed by the C baseline.

generations: 200, JSON, data[0].b64_json decodes to a 1024x1024 PNG.
error:       400, JSON error envelope.
Usage: check_responses.py RESULTS_DIR
"""
import base64
import json
import struct
import sys


def status_of(headers_path):
    with open(headers_path, "rb") as headers:
        return int(headers.readline().split()[1])


def main(results):
    status = status_of(f"{results}/generations.headers")
    with open(f"{results}/generations.body", "rb") as body_file:
        raw = body_file.read()
    if status != 200:
        sys.exit(f"check_responses: generations answered {status}: {raw[:300]!r}")
    png = base64.b64decode(json.loads(raw)["data"][0]["b64_json"])
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        sys.exit("check_responses: data[0].b64_json is not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    if (width, height) != (1024, 1024):
        sys.exit(f"check_responses: the PNG is {width}x{height}, not 1024x1024")
    print(f"  generations: 200, {len(raw)} body bytes, b64_json = {len(png)}-byte {width}x{height} PNG")

    status = status_of(f"{results}/error.headers")
    with open(f"{results}/error.body", "rb") as body_file:
        raw = body_file.read()
    error = json.loads(raw).get("error", {})
    if status != 400 or "message" not in error:
        sys.exit(f"check_responses: the error request answered {status}: {raw[:300]!r}")
    print(f"  error: 400, {len(raw)} body bytes: {error['message'][:80]!r}")


if __name__ == "__main__":
    main(sys.argv[1])
