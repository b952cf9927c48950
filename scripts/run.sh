#!/usr/bin/env bash
# Fresh Debian machine -> a running mock on its built-in default behaviour.
#   scripts/run.sh                     # http://127.0.0.1:8080
#   scripts/run.sh --port 0 --seed 7   # any `images-mock serve` flags
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
# A static standard library starts ~40 % faster (Benchmarks/README.md).
swift build -c release --product images-mock --static-swift-stdlib >&2
exec .build/release/images-mock serve "$@"
