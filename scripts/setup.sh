#!/usr/bin/env bash
# Installs what building images-mock needs on Debian (bookworm) with Swift 6.3 already present:
# the C libraries of scripts/apt-packages.txt. Idempotent: apt is only called for missing packages.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf 'setup: %s\n' "$*" >&2; }

command -v swift >/dev/null 2>&1 || { log "error: swift is not on PATH (Swift 6.3 is required)"; exit 1; }

mapfile -t packages < <(grep -v '^\s*#' "$ROOT/scripts/apt-packages.txt" | sed '/^\s*$/d')
if [ "${1:-}" = "--with-test-tools" ]; then packages+=(nodejs); fi

missing=()
for package in "${packages[@]}"; do
    if [ "$package" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    log "installing with apt-get: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" = "0" ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
