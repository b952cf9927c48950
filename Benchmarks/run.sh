#!/usr/bin/env bash
# images-mock benchmarks: ratios against a plain-C libmicrohttpd baseline measured in the same run.
#
#   Benchmarks/run.sh                         build everything in release, run, write results/summary.md
#   BENCH_SCRATCH=.build-bench Benchmarks/run.sh   build the product into that scratch path (relative to
#                                             the repository root) instead of the default .build
#
# Prerequisites (Debian, after the project's setup): wrk, curl, python3, a C compiler, pkg-config and
# libmicrohttpd-dev (`apt-get install wrk curl python3 gcc pkg-config libmicrohttpd-dev`);
# hyperfine is optional (process-start diagnostic). Takes about 2 minutes once built.
#
# Knobs: BENCH_DURATION (per wrk run, default 10s), BENCH_ROUNDS (alternating mock/C rounds, 2),
# BENCH_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_STARTUP_RUNS (20), BENCH_COLD_SAMPLES (7),
# BENCH_STRICT=1 (exit 1 when a goal is missed), BENCH_COMMIT (label for the summary when the tree
# is not a git checkout).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
results="$here/results"
tools="$here/.build/tools"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
wrk_threads=${BENCH_WRK_THREADS:-2}
startup_runs=${BENCH_STARTUP_RUNS:-20}
cold_samples=${BENCH_COLD_SAMPLES:-7}
rounds=${BENCH_ROUNDS:-2}

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

for tool in swift cc pkg-config wrk curl python3; do
    command -v "$tool" >/dev/null || fail "$tool is required (see the prerequisites at the top of this script)"
done
pkg-config --exists libmicrohttpd || fail "libmicrohttpd-dev is required (pkg-config libmicrohttpd)"

mkdir -p "$results" "$tools"
rm -f "$results"/*.json "$results"/*.txt "$results"/*.body "$results"/*.headers "$results"/*.request "$results"/*.log

# ---------------------------------------------------------------------------------------------
say "build (release)"
scratch=()
[[ -n ${BENCH_SCRATCH:-} ]] && scratch=(--scratch-path "$BENCH_SCRATCH")
(cd "$root" && swift build -c release --product images-mock "${scratch[@]}")
mock="$(cd "$root" && swift build -c release --product images-mock "${scratch[@]}" --show-bin-path)/images-mock"
[[ -x $mock ]] || fail "no product at $mock"

baseline="$tools/mhd_baseline"
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
cc -O2 -Wall -Wextra -o "$baseline" "$here/baseline/mhd_baseline.c" $(pkg-config --cflags --libs libmicrohttpd)

(cd "$here/PlaceholderBench" && swift build -c release)
placeholder_bench="$(cd "$here/PlaceholderBench" && swift build -c release --show-bin-path)/PlaceholderBench"

# ---------------------------------------------------------------------------------------------
# Every server started here is stopped on exit, by its own pid. Idle servers cost nothing (they wait
# in epoll), so all three stay up and the measured runs alternate between them.
server_pids=()
server_pid=""
server_url=""
stop_servers() {
    local pid
    for pid in "${server_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    server_pids=()
}
trap stop_servers EXIT

# start_server NAME COMMAND...: starts it on a free port, waits for its ready line, sets server_url.
start_server() {
    local name=$1 out="$results/$1.log" pid
    shift
    "$@" --host 127.0.0.1 --port 0 >"$out" 2>&1 &
    pid=$!
    server_pids+=("$pid")
    server_pid=$pid
    for _ in $(seq 1 500); do
        grep -q 'listening on http://' "$out" && break
        kill -0 "$pid" 2>/dev/null || fail "$name exited before it was ready: $(cat "$out")"
        sleep 0.01
    done
    server_url=$(sed -n 's/.*listening on \(http:\/\/[0-9.]*:[0-9]*\).*/\1/p' "$out" | head -n 1)
    [[ -n $server_url ]] || fail "$name printed no ready line"
}

# capture NAME REQUEST_FILE URL: posts the request, keeps the body and the header block.
capture() {
    curl -sS -o "$results/$1.body" -D "$results/$1.headers" \
        -H 'Authorization: Bearer sk-bench' -H 'Content-Type: application/json' \
        --data-binary "@$2" "$3/v1/images/generations"
}

# warm NAME REQUEST_FILE URL: a short untimed run (connections, caches, CPU frequency).
warm() {
    BENCH_BODY_FILE=$2 wrk -t"$wrk_threads" -c"$connections" -d2s -s "$here/drivers/post.lua" \
        "$3/v1/images/generations" >/dev/null
}

# cpu_ticks PID: user + system CPU time the process has used so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clock_ticks=$(getconf CLK_TCK)

# load NAME REQUEST_FILE URL PID: one measured wrk run, appended to results/wrk-NAME.txt with the CPU
# time the server and wrk used meanwhile (diagnostics: CPU per request, insensitive to other load).
load() {
    local before after
    local TIMEFORMAT="WRKCPU user=%3U sys=%3S"
    before=$(cpu_ticks "$4")
    { time BENCH_BODY_FILE=$2 wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency \
        -s "$here/drivers/post.lua" "$3/v1/images/generations" >>"$results/wrk-$1.txt"; } 2>>"$results/wrk-$1.txt"
    after=$(cpu_ticks "$4")
    echo "SERVERCPU ticks=$((after - before)) hz=$clock_ticks" >>"$results/wrk-$1.txt"
    printf '  %-18s %s\n' "$1" "$(grep '^Requests/sec' "$results/wrk-$1.txt" | tail -n 1)"
}

# ---------------------------------------------------------------------------------------------
say "1. start -> first 200 on /__admin/health ($startup_runs runs each, interleaved)"
python3 "$here/drivers/startup.py" --runs "$startup_runs" --out "$results/startup.json" \
    "mock=$(printf '%q' "$mock") serve" "c=$(printf '%q' "$baseline")"
if command -v hyperfine >/dev/null; then
    # Diagnostic only: the cost of starting each process at all (load, link, runtime init).
    hyperfine -N --style none --warmup 3 --runs 30 --export-json "$results/process-start.json" \
        "$(printf '%q' "$mock") --version" "$(printf '%q' "$baseline") --version" >/dev/null 2>&1 \
        || echo "  (hyperfine failed; process-start diagnostic skipped)"
fi

# ---------------------------------------------------------------------------------------------
say "2. generations and errors: wrk -t$wrk_threads -c$connections -d$duration, $rounds rounds"
printf '%s' '{"model":"gpt-image-1.5","prompt":"bench","size":"1024x1024","quality":"low"}' >"$results/generations.request"
printf '%s' '{"model":"gpt-image-1.5","prompt":"bench","size":"1024x1024","quality":"low","bench_unknown":1}' >"$results/error.request"

start_server mock "$mock" serve --seed 1
mock_url=$server_url
mock_pid=$server_pid
capture generations "$results/generations.request" "$mock_url"
capture error "$results/error.request" "$mock_url"
python3 "$here/drivers/check_responses.py" "$results"

start_server baseline-generations "$baseline" --body "$results/generations.body" --headers "$results/generations.headers"
c_generations_url=$server_url
c_generations_pid=$server_pid
start_server baseline-error "$baseline" --status 400 --body "$results/error.body" --headers "$results/error.headers"
c_error_url=$server_url
c_error_pid=$server_pid
capture baseline-generations "$results/generations.request" "$c_generations_url"
capture baseline-error "$results/error.request" "$c_error_url"
cmp -s "$results/generations.body" "$results/baseline-generations.body" || fail "the C baseline's generations body differs"
cmp -s "$results/error.body" "$results/baseline-error.body" || fail "the C baseline's error body differs"

warm mock-generations "$results/generations.request" "$mock_url"
warm c-generations "$results/generations.request" "$c_generations_url"
warm mock-error "$results/error.request" "$mock_url"
warm c-error "$results/error.request" "$c_error_url"
# Rounds alternate mock and C so that drift in the machine's load hits both alike.
for round in $(seq 1 "$rounds"); do
    echo "  round $round of $rounds"
    load mock-generations "$results/generations.request" "$mock_url" "$mock_pid"
    load c-generations "$results/generations.request" "$c_generations_url" "$c_generations_pid"
    load mock-error "$results/error.request" "$mock_url" "$mock_pid"
    load c-error "$results/error.request" "$c_error_url" "$c_error_pid"
done
stop_servers

# ---------------------------------------------------------------------------------------------
say "3. placeholder generation, cold and cached ($cold_samples cold samples per variant)"
"$placeholder_bench" --cold "$cold_samples" --json >"$results/placeholder.json"

# ---------------------------------------------------------------------------------------------
say "summary"
python3 "$here/drivers/summarize.py" "$results" --root "$root" --duration "$duration" \
    --connections "$connections" --wrk-threads "$wrk_threads" ${BENCH_STRICT:+--strict}
