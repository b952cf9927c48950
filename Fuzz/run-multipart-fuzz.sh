#!/usr/bin/env bash
# Fuzzes the multipart parser with libFuzzer + AddressSanitizer.
#
# Usage: Fuzz/run-multipart-fuzz.sh [SECONDS] [EXTRA LIBFUZZER OPTIONS...]
#   SECONDS defaults to 60. New inputs go to .build/fuzz/multipart-corpus (the committed seeds in
#   Fuzz/corpus/multipart are only read); crashes are written to .build/fuzz/ as crash-*.
#   Reproduce one with: .build/fuzz/multipart-fuzz .build/fuzz/crash-<hash>
#
# The parser has no dependency outside Sources/ImagesMockCore/Multipart, so the target is those
# files plus Fuzz/MultipartFuzz/main.swift compiled as one module.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
out=.build/fuzz
mkdir -p "$out/multipart-corpus"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name MultipartFuzz \
    Sources/ImagesMockCore/Multipart/*.swift Fuzz/MultipartFuzz/main.swift \
    -o "$out/multipart-fuzz"

exec "$out/multipart-fuzz" "$out/multipart-corpus" Fuzz/corpus/multipart \
    -dict=Fuzz/multipart.dict -max_total_time="$seconds" -artifact_prefix="$out/" \
    -print_final_stats=1 "$@"
