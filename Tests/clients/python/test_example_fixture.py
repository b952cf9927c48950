"""The documented pytest fixture of examples/python/ is itself tested here.

examples/python/conftest.py is loaded under its own module name (this folder has a conftest.py
of its own), its fixtures and the example tests are imported into this module so pytest collects
them, and the fixture's promises are checked: a free port, a ``/v1`` base URL, and a server that is
always terminated, even when the block using it raises.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mock_process import REPO_ROOT, binary_path

EXAMPLES = REPO_ROOT / "examples" / "python"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The example finds the binary through IMAGES_MOCK_BIN or PATH; default to the one this suite uses.
os.environ.setdefault("IMAGES_MOCK_BIN", str(binary_path()))

example_fixtures = _load("images_mock_example_conftest", EXAMPLES / "conftest.py")
example_tests = _load("images_mock_example_tests", EXAMPLES / "test_example.py")

# Fixtures and tests found in this module's namespace are collected by pytest as if defined here.
images_mock = example_fixtures.images_mock
images_mock_args = example_fixtures.images_mock_args
client = example_tests.client
test_example_generates_a_png = example_tests.test_generates_a_png_of_the_requested_size
test_example_invalid_request = example_tests.test_an_invalid_request_gets_the_real_apis_error
test_example_journal = example_tests.test_the_journal_shows_what_was_sent


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def test_the_fixture_yields_the_v1_base_url_of_a_free_port(images_mock):
    parts = urlsplit(images_mock)
    assert parts.scheme == "http" and parts.hostname == "127.0.0.1"
    assert parts.port and parts.port > 0
    assert parts.path == "/v1"
    assert _accepts_connections(parts.port)


def test_the_server_is_terminated_after_the_block():
    with example_fixtures.images_mock_server() as base_url:
        port = urlsplit(base_url).port
        assert _accepts_connections(port)
    assert not _accepts_connections(port)


def test_the_server_is_terminated_when_the_block_raises():
    port = None
    with pytest.raises(ZeroDivisionError):
        with example_fixtures.images_mock_server() as base_url:
            port = urlsplit(base_url).port
            1 / 0
    assert port is not None and not _accepts_connections(port)


def test_arguments_reach_the_server(tmp_path):
    scenario = tmp_path / "named.yaml"
    scenario.write_text("version: 1\nname: from-the-fixture\nrules: []\n")
    import httpx

    with example_fixtures.images_mock_server("--scenario", str(scenario)) as base_url:
        health = httpx.get(base_url.removesuffix("/v1") + "/__admin/health").json()
    assert health["scenario"] == "from-the-fixture"


def test_the_binary_is_found_on_path(monkeypatch):
    binary = Path(os.environ["IMAGES_MOCK_BIN"])
    monkeypatch.delenv("IMAGES_MOCK_BIN")
    monkeypatch.setenv("PATH", str(binary.parent))
    assert example_fixtures.images_mock_binary() == str(binary.parent / "images-mock")


def test_a_missing_binary_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("IMAGES_MOCK_BIN", str(tmp_path / "nothing-here"))
    with pytest.raises(RuntimeError, match="not an executable file"):
        example_fixtures.images_mock_binary()
    monkeypatch.delenv("IMAGES_MOCK_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="not on PATH"):
        example_fixtures.images_mock_binary()


def test_a_server_that_fails_to_start_is_reported_with_its_stderr(tmp_path):
    with pytest.raises(RuntimeError, match="did not start") as raised:
        with example_fixtures.images_mock_server("--scenario", str(tmp_path / "missing.yaml")):
            pass
    assert "missing.yaml" in str(raised.value)
