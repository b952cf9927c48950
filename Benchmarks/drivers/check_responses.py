#!/usr/bin/env python3
"""Checks the responses captured from the mock before they are replayed by the C baseline.

generations: 200, JSON, data[0].b64_json decodes to a 1024x1024 PNG.
error:       400, JSON error envelope.
edits:       200, JSON, data[0].b64_json decodes to a 1024x1024 PNG (the 4 MB upload was accepted).
Usage: check_responses.py RESULTS_DIR [NAME ...]   (default: generations error)
"""
import base64
import json
import struct
import sys


def status_of(headers_path):
    """The final status of a `curl -D` header block (after any 100 Continue)."""
    status = None
    with open(headers_path, "rb") as headers:
        for line in headers:
            if line.startswith(b"HTTP/"):
                status = int(line.split()[1])
    return status


def check_image(results, name):
    status = status_of(f"{results}/{name}.headers")
    with open(f"{results}/{name}.body", "rb") as body_file:
        raw = body_file.read()
    if status != 200:
        sys.exit(f"check_responses: {name} answered {status}: {raw[:300]!r}")
    png = base64.b64decode(json.loads(raw)["data"][0]["b64_json"])
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        sys.exit(f"check_responses: {name}: data[0].b64_json is not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    if (width, height) != (1024, 1024):
        sys.exit(f"check_responses: {name}: the PNG is {width}x{height}, not 1024x1024")
    print(f"  {name}: 200, {len(raw)} body bytes, b64_json = {len(png)}-byte {width}x{height} PNG")


def check_error(results, name):
    status = status_of(f"{results}/{name}.headers")
    with open(f"{results}/{name}.body", "rb") as body_file:
        raw = body_file.read()
    error = json.loads(raw).get("error", {})
    if status != 400 or "message" not in error:
        sys.exit(f"check_responses: the {name} request answered {status}: {raw[:300]!r}")
    print(f"  {name}: 400, {len(raw)} body bytes: {error['message'][:80]!r}")


CHECKS = {"generations": check_image, "error": check_error, "edits": check_image}


def main(results, names):
    for name in names or ["generations", "error"]:
        CHECKS[name](results, name)


if __name__ == "__main__":
    if len(sys.argv) < 2 or any(name not in CHECKS for name in sys.argv[2:]):
        sys.exit(f"usage: check_responses.py RESULTS_DIR [{' | '.join(CHECKS)} ...]")
    main(sys.argv[1], sys.argv[2:])
