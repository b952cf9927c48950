#!/usr/bin/env bash
# Installs Debian's headless-capable `chromium` for the dashboard browser test
# (Tests/clients/python/test_dashboard.py).
#
#   scripts/setup-browser.sh     # idempotent; a no-op when chromium is already on PATH
#
# Needs root (or passwordless sudo) only when chromium is missing.
set -euo pipefail

log() { printf 'setup-browser: %s\n' "$*" >&2; }

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    log "error: chromium is missing and installing it needs root"
    exit 1
fi

log "installing chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends chromium >/dev/null; then
    "${SUDO[@]}" apt-get update >/dev/null
    "${SUDO[@]}" apt-get install -y --no-install-recommends chromium >/dev/null
fi
command -v chromium >/dev/null 2>&1 || { log "error: chromium still not on PATH after install"; exit 1; }
log "chromium ready: $(chromium --version 2>/dev/null || echo unknown version)"
