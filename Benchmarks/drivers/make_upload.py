#!/usr/bin/env python3
"""Builds an edits upload for benchmarks 5 and 6: a PNG of RGB noise and the multipart body around it.

The noise (seeded, so every run posts the same bytes) does not compress: a 1200x1200 PNG is about
4.3 MB and a 3700x3700 one about 41 MB, real PNGs the mock inspects and accepts. The body is what
curl -F sends: text fields model=gpt-image-1.5, prompt=bench, quality=low, size=1024x1024, then the
file part `image` (filename a.png, Content-Type image/png).

Writes OUT.multipart (the body) and OUT.content-type (the request's Content-Type value);
nothing is rebuilt when both exist for the same size and seed (OUT.stamp records them).

Usage: make_upload.py --side 1200 --out DIR/NAME [--seed 1] [--compress-level 1]
Needs Pillow (the project's .venv has it).
"""
import argparse
import io
import os
import random

from PIL import Image

BOUNDARY = "------------------------imagesmockbench7d41"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, required=True, help="the square image's side, in pixels")
    parser.add_argument("--out", required=True, help="path prefix of the files written")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compress-level", type=int, default=1, help="zlib level (noise stays the same size)")
    options = parser.parse_args()

    stamp = f"side={options.side} seed={options.seed} level={options.compress_level} boundary={BOUNDARY}\n"
    files = [options.out + suffix for suffix in (".multipart", ".content-type", ".stamp")]
    if all(os.path.exists(name) for name in files):
        with open(options.out + ".stamp") as existing:
            if existing.read() == stamp:
                print(f"  {options.out}.multipart: {os.path.getsize(files[0]):,} bytes (kept)")
                return

    side = options.side
    noise = random.Random(options.seed).randbytes(side * side * 3)
    png = io.BytesIO()
    Image.frombytes("RGB", (side, side), noise).save(png, "PNG", compress_level=options.compress_level)
    png = png.getvalue()

    body = io.BytesIO()
    for name, value in (("model", "gpt-image-1.5"), ("prompt", "bench"), ("quality", "low"), ("size", "1024x1024")):
        body.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    body.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n'
               f"Content-Type: image/png\r\n\r\n".encode())
    body.write(png)
    body.write(f"\r\n--{BOUNDARY}--\r\n".encode())

    os.makedirs(os.path.dirname(os.path.abspath(options.out)), exist_ok=True)
    with open(files[0], "wb") as out:
        out.write(body.getvalue())
    with open(files[1], "w") as out:
        out.write(f"multipart/form-data; boundary={BOUNDARY}")
    with open(files[2], "w") as out:
        out.write(stamp)
    print(f"  {options.out}.multipart: {len(body.getvalue()):,} bytes ({side}x{side} noise PNG of {len(png):,} bytes)")


if __name__ == "__main__":
    main()
