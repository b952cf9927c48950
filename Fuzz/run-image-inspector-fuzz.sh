#!/usr/bin/env bash
# Fuzzes ImageInspector.inspect with libFuzzer and AddressSanitizer, and checks that inspecting
# only what the multipart parser's image sieve keeps gives the same result as the whole file.
#
#   Fuzz/run-image-inspector-fuzz.sh [SECONDS] [LIBFUZZER_FLAGS...]     (SECONDS defaults to 60)
#
# The target is compiled straight from the inspector's source files (and the sieve's) plus ImageTypes.swift (which
# supplies ImageFormat and has no imports), so neither SwiftPM nor the image C libraries are
# involved. Seeds come from Fuzz/corpus/image-inspector (committed, read only) and the mutations
# use Fuzz/image-inspector.dict (signatures, chunk types, markers). New inputs go to
# .build/fuzz/image-inspector/corpus, crashes to .build/fuzz/image-inspector/artifacts.
# Exit status: 0 when the time ran out without a finding, non-zero otherwise.
set -euo pipefail

seconds="${1:-60}"
[ "$#" -gt 0 ] && shift
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS] [LIBFUZZER_FLAGS...]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work=.build/fuzz/image-inspector
mkdir -p "$work/corpus" "$work/artifacts"

sources=(
  Sources/ImagesMockCodecs/ImageTypes.swift
  Sources/ImagesMockCore/Images/ImageInspector.swift
  Sources/ImagesMockCore/Images/ImageInspector+PNG.swift
  Sources/ImagesMockCore/Images/ImageInspector+JPEG.swift
  Sources/ImagesMockCore/Images/ImageInspector+WebP.swift
  Sources/ImagesMockCore/Images/CRC32.swift
  Sources/ImagesMockCore/Images/ImageBytes.swift
  Sources/ImagesMockCore/Multipart/ImageStructureSieve.swift
  Fuzz/ImageInspectorFuzz/main.swift
)

echo "building $work/fuzzer"
# -O keeps Swift's bounds and overflow checks (only -Ounchecked drops them); -g symbolizes reports.
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
  -module-name ImageInspectorFuzz -use-ld=lld \
  "${sources[@]}" -o "$work/fuzzer"

echo "fuzzing for ${seconds}s"
exec "$work/fuzzer" "$work/corpus" Fuzz/corpus/image-inspector \
  -dict=Fuzz/image-inspector.dict -max_total_time="$seconds" -artifact_prefix="$work/artifacts/" \
  -print_final_stats=1 "$@"
