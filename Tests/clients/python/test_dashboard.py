"""The demo dashboard (GET /__admin/ui) in a real headless browser.

Debian's `chromium` is installed by scripts/setup-browser.sh (called from Tests/clients/run.sh).
The page polls GET /__admin/requests with fetch; `--virtual-time-budget` lets that first poll and
the gallery's image loads finish before the DOM is dumped or the screenshot taken.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests

from mock_process import REPO_ROOT
from support import JSON_HEADERS, TIMEOUT

ARTIFACTS = REPO_ROOT / "Tests" / "artifacts"
PROMPT = "dashboard-probe: a teal heron wading at dusk 7Q2"


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed; run scripts/setup-browser.sh (as root)")
    return path


def browse(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="images-mock-chromium-") as profile:
        return subprocess.run(
            [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
             "--virtual-time-budget=3000", *extra, url],
            capture_output=True, text=True, timeout=90,
        )


def generate(server, prompt: str) -> dict:
    response = requests.post(
        f"{server.base_url}/v1/images/generations", headers=JSON_HEADERS, timeout=TIMEOUT,
        json={"model": "gpt-image-1", "prompt": prompt, "quality": "low", "size": "1024x1024"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def dump_dom(url: str) -> str:
    result = browse(url, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def gallery_sources(dom: str) -> list[str]:
    return re.findall(r'<img[^>]*\bsrc="(/__admin/images/[^"]+)"', dom)


def test_dashboard_shows_the_request_and_its_image(mock_factory):
    server = mock_factory()
    generate(server, PROMPT)
    journal = requests.get(f"{server.base_url}/__admin/requests", timeout=TIMEOUT).json()["requests"]
    expected = journal[-1]["images"]
    assert len(expected) == 1 and expected[0].startswith("/__admin/images/img-")

    url = f"{server.base_url}/__admin/ui"
    dom = dump_dom(url)
    assert PROMPT in dom
    sources = gallery_sources(dom)
    assert expected[0] in sources, sources
    image = requests.get(server.base_url + expected[0], timeout=TIMEOUT)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "dashboard.png"
    screenshot.unlink(missing_ok=True)
    result = browse(url, f"--screenshot={screenshot}", "--window-size=1280,900")
    assert result.returncode == 0, result.stderr[-2000:]
    assert screenshot.exists()
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000, f"screenshot is only {len(data)} bytes"


def test_dashboard_passes_the_admin_token(mock_factory):
    server = mock_factory("--admin-token", "dash-secret")
    generate(server, PROMPT + " (token)")
    assert requests.get(f"{server.base_url}/__admin/ui", timeout=TIMEOUT).status_code == 401

    dom = dump_dom(f"{server.base_url}/__admin/ui?token=dash-secret")
    assert PROMPT + " (token)" in dom
    sources = gallery_sources(dom)
    assert sources and all(src.endswith("?token=dash-secret") for src in sources), sources
    image = requests.get(server.base_url + sources[0].replace("&amp;", "&"), timeout=TIMEOUT)
    assert image.status_code == 200
