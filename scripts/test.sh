#!/usr/bin/env bash
# Fresh Debian machine -> every test: Swift unit and loopback tests, then the real-client suite
# (openai SDK, requests, httpx, curl, Node fetch) against the built binary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh --with-test-tools

echo "== swift build (warnings are errors, explicit import check)"
swift build --build-tests --explicit-target-dependency-import-check error

echo "== swift test"
swift test --skip-build --explicit-target-dependency-import-check error

echo "== real clients"
IMAGES_MOCK_BIN="$ROOT/.build/debug/images-mock" Tests/clients/run.sh

echo "== fuzz: parser, image inspector, JSON (short runs from the committed corpora; FUZZ_SECONDS=0 skips)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
if [ "$FUZZ_SECONDS" -gt 0 ]; then
    mkdir -p .build/fuzz
    for target in multipart image-inspector json; do
        log=".build/fuzz/$target.log"
        if Fuzz/run-$target-fuzz.sh "$FUZZ_SECONDS" >"$log" 2>&1; then
            echo "$target: $(grep -E 'stat::number_of_executed_units' "$log" | tr -s ' ') (no crash)"
        else
            cat "$log"
            echo "fuzz: $target failed" >&2
            exit 1
        fi
    done
fi
