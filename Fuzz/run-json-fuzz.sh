#!/usr/bin/env bash
# Fuzzes the JSON parser and writer with libFuzzer + AddressSanitizer.
#
# Usage: Fuzz/run-json-fuzz.sh [SECONDS] [EXTRA LIBFUZZER OPTIONS...]
#   New inputs go to .build/fuzz/json-corpus (the committed seeds in Fuzz/corpus/json are only
#   read); crashes are written to .build/fuzz/ as crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
out=.build/fuzz
mkdir -p "$out/json-corpus"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name JSONFuzz \
    Sources/ImagesMockCore/JSON/*.swift Fuzz/JSONFuzz/main.swift \
    -o "$out/json-fuzz"

exec "$out/json-fuzz" "$out/json-corpus" Fuzz/corpus/json \
    -max_len=4096 -max_total_time="$seconds" -artifact_prefix="$out/" -print_final_stats=1 "$@"
