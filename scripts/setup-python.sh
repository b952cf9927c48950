#!/usr/bin/env bash
# Creates (or refreshes) the Python virtual environment used by the real-client
# compatibility suite in Tests/clients/python.
#
#   scripts/setup-python.sh            # idempotent; a no-op when already up to date
#   PYTHON=python3.12 scripts/setup-python.sh
#
# The venv lives at <repo>/.venv (git-ignored). The pinned packages are listed in
# Tests/clients/python/requirements.txt. A stamp file inside the venv records the
# sha256 of that file plus the interpreter version; when both match, the script exits
# at once without touching pip, so re-runs cost a few milliseconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQS="$ROOT/Tests/clients/python/requirements.txt"
STAMP="$VENV/.images-mock-requirements.stamp"
PYTHON="${PYTHON:-python3}"

log() { printf 'setup-python: %s\n' "$*" >&2; }

command -v "$PYTHON" >/dev/null 2>&1 || { log "error: $PYTHON not found"; exit 1; }
[ -f "$REQS" ] || { log "error: $REQS is missing"; exit 1; }

hash_of() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
    else "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
    fi
}
want="$(hash_of "$REQS") $("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"

# Fast path: venv present, interpreter works, stamp matches.
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] \
   && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    exit 0
fi

# `python3 -m venv` needs ensurepip; Debian ships it separately (python3-venv).
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        ver="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        log "installing python3-venv with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq "python${ver}-venv" >/dev/null 2>&1 \
            || apt-get install -y -qq python3-venv >/dev/null
    else
        log "error: the venv/ensurepip module is missing; install python3-venv (as root: apt-get install python3-venv)"
        exit 1
    fi
fi

# (Re)create the venv when it is missing or broken (e.g. the interpreter moved).
recreate=0
if ! [ -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pip' >/dev/null 2>&1; then
    recreate=1
elif [ -f "$STAMP" ] && [ "$(cut -d' ' -f2 "$STAMP")" != "${want#* }" ]; then
    recreate=1   # built with another interpreter version
fi
if [ "$recreate" = 1 ]; then
    log "creating $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
fi

log "installing $(grep -cvE '^\s*(#|$)' "$REQS") pinned packages"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q --no-input -r "$REQS"
printf '%s\n' "$want" > "$STAMP"
log "ready: $VENV"
