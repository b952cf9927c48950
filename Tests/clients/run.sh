#!/usr/bin/env bash
# Real-client compatibility suite: the official openai SDK, requests, httpx and curl
# (pytest), then Node's built-in fetch (node --test), all against a prebuilt images-mock.
#
#   Tests/clients/run.sh                      # uses .build/debug/images-mock
#   IMAGES_MOCK_BIN=/path/to/images-mock Tests/clients/run.sh
#   Tests/clients/run.sh -k errors            # extra arguments go to pytest
#
# It does not build the binary. Exit status is non-zero when either runner fails.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

export IMAGES_MOCK_BIN="${IMAGES_MOCK_BIN:-.build/debug/images-mock}"
case "$IMAGES_MOCK_BIN" in /*) ;; *) IMAGES_MOCK_BIN="$ROOT/$IMAGES_MOCK_BIN" ;; esac
if [ ! -x "$IMAGES_MOCK_BIN" ]; then
    echo "run.sh: images-mock binary not found or not executable: $IMAGES_MOCK_BIN" >&2
    echo "run.sh: build it first (swift build) or set IMAGES_MOCK_BIN" >&2
    exit 2
fi

scripts/setup-python.sh || { echo "run.sh: Python setup failed" >&2; exit 2; }
scripts/setup-browser.sh || { echo "run.sh: browser setup failed (chromium for test_dashboard.py)" >&2; exit 2; }

status=0

echo "== pytest Tests/clients/python"
.venv/bin/python -m pytest -q -p no:cacheprovider Tests/clients/python "$@" || status=1

echo "== node --test Tests/clients/node/"
if command -v node >/dev/null 2>&1; then
    node --test Tests/clients/node/ || status=1
else
    echo "run.sh: node not found; the Node client tests did not run" >&2
    status=1
fi

exit "$status"
