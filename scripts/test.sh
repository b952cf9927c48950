#!/usr/bin/env bash
# Fresh Debian machine -> every test: Swift unit and loopback tests, then the real-client suite
# (openai SDK, requests, httpx, curl, Node fetch) against the built binary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh --with-test-tools

echo "== swift build (warnings are errors, explicit import check)"
swift build --build-tests --explicit-target-dependency-import-check error

logs="$ROOT/.build/test-logs"
mkdir -p "$logs"

echo "== swift test"
swift test --skip-build --explicit-target-dependency-import-check error 2>&1 | tee "$logs/swift.log"

echo "== real clients"
IMAGES_MOCK_BIN="$ROOT/.build/debug/images-mock" Tests/clients/run.sh 2>&1 | tee "$logs/clients.log"

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

# One closing line for every runner above (each would have stopped this script on a failure).
swift_count=$(grep -oE 'Test run with [0-9]+ tests? in [0-9]+ suites? passed' "$logs/swift.log" | grep -oE '[0-9]+' | head -n 1)
xctest_count=$(grep -oE 'Executed [0-9]+ tests?, with 0 failures' "$logs/swift.log" | tail -n 1 | grep -oE '[0-9]+' | head -n 1)
pytest_count=$(grep -oE '^[0-9]+ passed' "$logs/clients.log" | tail -n 1 | grep -oE '[0-9]+')
node_count=0
for count in $(grep -oE '^# pass [0-9]+' "$logs/clients.log" | grep -oE '[0-9]+'); do node_count=$(( node_count + count )); done
total=$(( ${swift_count:-0} + ${xctest_count:-0} + ${pytest_count:-0} + ${node_count:-0} ))
echo "swift ${swift_count:-0}, xctest ${xctest_count:-0}, pytest ${pytest_count:-0}, node ${node_count:-0}"
echo "tests: $total passed, 0 failed"
