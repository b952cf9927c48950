#!/usr/bin/env bash
# images-mock benchmarks: ratios against a plain-C libmicrohttpd baseline measured in the same run.
#
#   Benchmarks/run.sh                         build everything in release, run, write results/summary.md
#   BENCH_SCRATCH=.build-bench Benchmarks/run.sh   build the product into that scratch path (relative to
#                                             the repository root) instead of the default .build
#
# Prerequisites (Debian, after the project's setup): wrk, curl, python3, a C compiler, pkg-config and
# libmicrohttpd-dev (`apt-get install wrk curl python3 gcc pkg-config libmicrohttpd-dev`);
# hyperfine is optional (process-start diagnostic); benchmarks 5 and 6 need Pillow (the project's
# .venv has it). Takes about 3 minutes once built.
#
# Benchmarks: 1 start -> first 200, 2 generations/error throughput, 3 placeholder generation,
# 4 multipart parser in-process, 5 edits with a 4 MB upload, 6 concurrent 40 MB uploads,
# 7 10,000 concurrent delayed requests, 8 rule matching at 1,000 rules.
# Skip any with BENCH_SKIP_STARTUP=1 (1), BENCH_SKIP_THROUGHPUT=1 (2), BENCH_SKIP_PLACEHOLDER=1 (3),
# BENCH_SKIP_MULTIPART=1 (4), BENCH_SKIP_EDITS=1 (5), BENCH_SKIP_UPLOADS=1 (6),
# BENCH_SKIP_CONCURRENCY=1 (7), BENCH_SKIP_RULES=1 (8).
#
# Knobs: BENCH_DURATION (per wrk run of 2, default 10s), BENCH_ROUNDS (alternating rounds of 2, 5
# and 8, 2), BENCH_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_STARTUP_RUNS (20),
# BENCH_COLD_SAMPLES (7), BENCH_MULTIPART_RUNS (31), BENCH_EDITS_DURATION (5s),
# BENCH_EDITS_CONNECTIONS (8), BENCH_UPLOADS (20), BENCH_UPLOAD_SIDE (3700: a ~41 MB PNG),
# BENCH_BURST (10000), BENCH_BURST_LATENCY_MS (1000), BENCH_BURST_ROUNDS (3), BENCH_RULE_COUNT (1000),
# BENCH_RULES_DURATION (5s), BENCH_PYTHON (a python3 with Pillow; default the repository's
# .venv/bin/python, else python3), BENCH_STRICT=1 (exit 1 when a goal is missed), BENCH_COMMIT
# (label for the summary when the tree is not a git checkout).
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
multipart_runs=${BENCH_MULTIPART_RUNS:-31}
edits_duration=${BENCH_EDITS_DURATION:-5s}
edits_connections=${BENCH_EDITS_CONNECTIONS:-8}
uploads=${BENCH_UPLOADS:-20}
upload_side=${BENCH_UPLOAD_SIDE:-3700}
burst=${BENCH_BURST:-10000}
burst_latency_ms=${BENCH_BURST_LATENCY_MS:-1000}
burst_rounds=${BENCH_BURST_ROUNDS:-3}
rule_count=${BENCH_RULE_COUNT:-1000}
rules_duration=${BENCH_RULES_DURATION:-5s}
data="$here/.build/data"

# enabled NAME: whether benchmark NAME runs (BENCH_SKIP_NAME unset or 0).
enabled() {
    local knob="BENCH_SKIP_$1"
    [[ ${!knob:-0} == 0 ]]
}

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

for tool in swift cc pkg-config wrk curl python3; do
    command -v "$tool" >/dev/null || fail "$tool is required (see the prerequisites at the top of this script)"
done
pkg-config --exists libmicrohttpd || fail "libmicrohttpd-dev is required (pkg-config libmicrohttpd)"

python=${BENCH_PYTHON:-}
if [[ -z $python ]]; then
    python=python3
    [[ -x $root/.venv/bin/python ]] && python="$root/.venv/bin/python"
fi
if enabled EDITS || enabled UPLOADS; then
    "$python" -c 'import PIL' 2>/dev/null \
        || fail "benchmarks 5 and 6 need Pillow in $python (set BENCH_PYTHON, or skip them: BENCH_SKIP_EDITS=1 BENCH_SKIP_UPLOADS=1)"
fi

mkdir -p "$results" "$tools" "$data"
rm -f "$results"/*.json "$results"/*.txt "$results"/*.body "$results"/*.headers "$results"/*.request "$results"/*.log

# ---------------------------------------------------------------------------------------------
say "build (release)"
scratch=()
[[ -n ${BENCH_SCRATCH:-} ]] && scratch=(--scratch-path "$BENCH_SCRATCH")
(cd "$root" && swift build -c release --product images-mock --static-swift-stdlib "${scratch[@]}")
mock="$(cd "$root" && swift build -c release --product images-mock --static-swift-stdlib "${scratch[@]}" --show-bin-path)/images-mock"
[[ -x $mock ]] || fail "no product at $mock"

baseline="$tools/mhd_baseline"
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
cc -O2 -Wall -Wextra -o "$baseline" "$here/baseline/mhd_baseline.c" $(pkg-config --cflags --libs libmicrohttpd)

cc -O2 -Wall -Wextra -o "$tools/burst" "$here/drivers/burst.c"

if enabled PLACEHOLDER; then
    # Without manifest caching: the cached build plan of this package does not see a source
    # file added to the root package it depends on by path (the first build after such a
    # commit failed with "cannot find ... in scope").
    (cd "$here/InProcess" && swift build -c release --disable-build-manifest-caching)
    placeholder_bench="$(cd "$here/InProcess" && swift build -c release --show-bin-path)/PlaceholderBench"
fi
if enabled MULTIPART || enabled RULES; then
    (cd "$here/InProcess" && swift build -c release --disable-build-manifest-caching)
    core_bench="$(cd "$here/InProcess" && swift build -c release --show-bin-path)/CoreBench"
fi

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

# What capture, warm and load send: benchmark 2's defaults; 5 and 8 change them for their runs.
req_path=/v1/images/generations
req_type=application/json
req_connections=$connections
req_duration=$duration
reset_request_shape() {
    req_path=/v1/images/generations
    req_type=application/json
    req_connections=$connections
    req_duration=$duration
}

# capture NAME REQUEST_FILE URL: posts the request, keeps the body and the header block.
capture() {
    curl -sS -o "$results/$1.body" -D "$results/$1.headers" \
        -H 'Authorization: Bearer sk-bench' -H "Content-Type: $req_type" \
        --data-binary "@$2" "$3$req_path"
}

# warm NAME REQUEST_FILE URL: a short untimed run (connections, caches, CPU frequency).
warm() {
    BENCH_BODY_FILE=$2 BENCH_CONTENT_TYPE=$req_type wrk -t"$wrk_threads" -c"$req_connections" -d2s \
        -s "$here/drivers/post.lua" "$3$req_path" >/dev/null
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
    { time BENCH_BODY_FILE=$2 BENCH_CONTENT_TYPE=$req_type wrk -t"$wrk_threads" -c"$req_connections" \
        -d"$req_duration" --latency -s "$here/drivers/post.lua" "$3$req_path" >>"$results/wrk-$1.txt"; } 2>>"$results/wrk-$1.txt"
    after=$(cpu_ticks "$4")
    echo "SERVERCPU ticks=$((after - before)) hz=$clock_ticks" >>"$results/wrk-$1.txt"
    printf '  %-18s %s\n' "$1" "$(grep '^Requests/sec' "$results/wrk-$1.txt" | tail -n 1)"
}

# load_pair ROUND REQUEST_FILE NAME_A URL_A PID_A NAME_B URL_B PID_B: one measured run of each
# side of a comparison, A first in odd rounds and B first in even ones. The slot a server runs in
# moved its figure (the first measured ~6 % cheaper on edits in ab.sh); with an even BENCH_ROUNDS
# each side runs first equally often.
load_pair() {
    if (( $1 % 2 == 0 )); then
        load "$6" "$2" "$7" "$8"
        load "$3" "$2" "$4" "$5"
    else
        load "$3" "$2" "$4" "$5"
        load "$6" "$2" "$7" "$8"
    fi
}

# Request bodies of benchmarks 2 and 8 (the same generations request), and 7.
printf '%s' '{"model":"gpt-image-1.5","prompt":"bench","size":"1024x1024","quality":"low"}' >"$results/generations.request"
printf '%s' '{"model":"gpt-image-1.5","prompt":"bench","size":"1024x1024","quality":"low","bench_unknown":1}' >"$results/error.request"
# Benchmark 7's request is valid (a scenario's latency holds answers to valid requests only) and
# cheap: one cached 256x256 placeholder handed out as a URL, a 150-byte answer.
printf '%s' '{"model":"dall-e-2","prompt":"burst","size":"256x256"}' >"$results/burst.request"

# ---------------------------------------------------------------------------------------------
if enabled STARTUP; then
    say "1. start -> first 200 on /__admin/health ($startup_runs runs each, interleaved)"
    python3 "$here/drivers/startup.py" --runs "$startup_runs" --out "$results/startup.json" \
        "mock=$(printf '%q' "$mock") serve" "c=$(printf '%q' "$baseline")"
    if command -v hyperfine >/dev/null; then
        # Diagnostic only: the cost of starting each process at all (load, link, runtime init).
        hyperfine -N --style none --warmup 3 --runs 30 --export-json "$results/process-start.json" \
            "$(printf '%q' "$mock") --version" "$(printf '%q' "$baseline") --version" >/dev/null 2>&1 \
            || echo "  (hyperfine failed; process-start diagnostic skipped)"
    fi
fi

# ---------------------------------------------------------------------------------------------
if enabled THROUGHPUT; then
    say "2. generations and errors: wrk -t$wrk_threads -c$connections -d$duration, $rounds rounds"

    start_server mock "$mock" serve --seed 1
    mock_url=$server_url
    mock_pid=$server_pid
    capture generations "$results/generations.request" "$mock_url"
    capture error "$results/error.request" "$mock_url"
    python3 "$here/drivers/check_responses.py" "$results" generations error

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
    # Rounds alternate mock and C so that drift in the machine's load hits both alike, and which
    # of them goes first alternates too (see load_pair).
    for round in $(seq 1 "$rounds"); do
        echo "  round $round of $rounds"
        load_pair "$round" "$results/generations.request" mock-generations "$mock_url" "$mock_pid" \
            c-generations "$c_generations_url" "$c_generations_pid"
        load_pair "$round" "$results/error.request" mock-error "$mock_url" "$mock_pid" c-error "$c_error_url" "$c_error_pid"
    done
    stop_servers
fi

# ---------------------------------------------------------------------------------------------
if enabled PLACEHOLDER; then
    say "3. placeholder generation, cold and cached ($cold_samples cold samples per variant)"
    "$placeholder_bench" --cold "$cold_samples" --json >"$results/placeholder.json"
fi

# ---------------------------------------------------------------------------------------------
# 4 and 8a run in one process: CoreBench, in-process, release.
rules_file="$data/rules-$rule_count.yaml"
if enabled RULES; then
    python3 "$here/drivers/make_rules.py" --count "$rule_count" --out "$rules_file"
fi
if enabled MULTIPART || enabled RULES; then
    say "4. multipart parser in-process, 4 MiB file part in 64 KiB pushes ($multipart_runs runs)$(enabled RULES && echo "; 8a. rule matching in-process, $rule_count rules")"
    core_args=(--json --multipart-runs "$multipart_runs")
    enabled MULTIPART || core_args+=(--skip-multipart)
    enabled RULES && core_args+=(--rules "$rules_file")
    "$core_bench" "${core_args[@]}" >"$results/core.json"
fi

# ---------------------------------------------------------------------------------------------
if enabled EDITS; then
    say "5. edits with a 4 MB PNG upload: wrk -t$wrk_threads -c$edits_connections -d$edits_duration, $rounds rounds"
    "$python" "$here/drivers/make_upload.py" --side 1200 --out "$data/edits-1200"
    req_path=/v1/images/edits
    req_type=$(cat "$data/edits-1200.content-type")
    req_connections=$edits_connections
    req_duration=$edits_duration
    start_server mock-edits "$mock" serve --seed 1
    mock_url=$server_url
    mock_pid=$server_pid
    capture edits "$data/edits-1200.multipart" "$mock_url"
    python3 "$here/drivers/check_responses.py" "$results" edits
    # The baseline reads the whole upload and answers with the mock's captured bytes.
    start_server baseline-edits "$baseline" --path /v1/images/edits --body "$results/edits.body" --headers "$results/edits.headers"
    c_url=$server_url
    c_pid=$server_pid
    capture baseline-edits "$data/edits-1200.multipart" "$c_url"
    cmp -s "$results/edits.body" "$results/baseline-edits.body" || fail "the C baseline's edits body differs"
    warm mock-edits "$data/edits-1200.multipart" "$mock_url"
    warm c-edits "$data/edits-1200.multipart" "$c_url"
    for round in $(seq 1 "$rounds"); do
        echo "  round $round of $rounds"
        load_pair "$round" "$data/edits-1200.multipart" mock-edits "$mock_url" "$mock_pid" c-edits "$c_url" "$c_pid"
    done
    stop_servers
    reset_request_shape
fi

# ---------------------------------------------------------------------------------------------
# burst_run NAME: drivers/burst.c against the last server started (watching it), into results/NAME.json.
# A run where not every request completed still writes its JSON (summarize.py flags it).
burst_run() {
    local name=$1
    shift
    printf '  %-14s ' "$name"
    "$tools/burst" --port "${server_url##*:}" --watch "$server_pid" "$@" >"$results/$name.json" || true
}

if enabled UPLOADS; then
    say "6. $uploads concurrent edits uploads of a ${upload_side}x${upload_side} noise PNG, fresh servers"
    "$python" "$here/drivers/make_upload.py" --side "$upload_side" --out "$data/edits-$upload_side"
    upload_type=$(cat "$data/edits-$upload_side.content-type")
    start_server mock-uploads "$mock" serve --seed 1
    burst_run uploads-mock --connections "$uploads" --path /v1/images/edits --content-type "$upload_type" \
        --body "$data/edits-$upload_side.multipart"
    stop_servers
    # Reference: the C baseline reads and discards every upload (it answers with the edits capture of
    # benchmark 5 when there is one).
    baseline_answer=()
    [[ -f $results/edits.body ]] && baseline_answer=(--body "$results/edits.body" --headers "$results/edits.headers")
    start_server baseline-uploads "$baseline" --path /v1/images/edits "${baseline_answer[@]}"
    burst_run uploads-c --connections "$uploads" --path /v1/images/edits --content-type "$upload_type" \
        --body "$data/edits-$upload_side.multipart"
    stop_servers
fi

# ---------------------------------------------------------------------------------------------
if enabled CONCURRENCY; then
    say "7. $burst concurrent requests held ${burst_latency_ms} ms each (--latency-ms), one connection each, $burst_rounds rounds"
    # The mock and the client each need a descriptor per connection.
    if (( $(ulimit -Sn) < burst + 1024 )); then
        ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
    fi
    (( $(ulimit -Sn) >= burst + 64 )) || fail "benchmark 7 needs $((burst + 64)) file descriptors; ulimit -n is $(ulimit -Sn)"
    # Reference: the C baseline, same daemon configuration, holding each answer as long
    # (suspend/resume), with the mock's own answer to the burst request.
    start_server mock-burst-capture "$mock" serve --seed 1
    req_path=/v1/images/generations req_type=application/json
    capture burst "$results/burst.request" "$server_url"
    stop_servers
    baseline_answer=(--body "$results/burst.body" --headers "$results/burst.headers")
    # Fresh servers every round (peak RSS is per process life), alternating mock and C.
    for round in $(seq 1 "$burst_rounds"); do
        start_server mock-burst "$mock" serve --seed 1 --latency-ms "$burst_latency_ms" --connection-limit $((burst * 2))
        # The answer's image rendered once, as any server's first request does: the burst then
        # measures held answers, not 10,000 misses of one cold placeholder.
        capture burst-warm "$results/burst.request" "$server_url"
        burst_run "burst-mock-$round" --connections "$burst" --body "$results/burst.request"
        stop_servers
        start_server baseline-burst "$baseline" --path /v1/images/generations --delay-ms "$burst_latency_ms" \
            --connection-limit $((burst * 2)) "${baseline_answer[@]}"
        burst_run "burst-c-$round" --connections "$burst" --body "$results/burst.request"
        stop_servers
    done
fi

# ---------------------------------------------------------------------------------------------
if enabled RULES; then
    say "8. generations with $rule_count non-matching rules vs none: wrk -t$wrk_threads -c$connections -d$rules_duration, $rounds rounds"
    req_duration=$rules_duration
    start_server mock-norules "$mock" serve --seed 1
    plain_url=$server_url
    plain_pid=$server_pid
    start_server mock-rules "$mock" serve --seed 1 --scenario "$rules_file"
    rules_url=$server_url
    rules_pid=$server_pid
    for _ in $(seq 1 100); do grep -q "rules=$rule_count " "$results/mock-rules.log" && break; sleep 0.01; done
    grep -q "rules=$rule_count " "$results/mock-rules.log" || fail "the mock did not load $rule_count rules: $(cat "$results/mock-rules.log")"
    capture norules "$results/generations.request" "$plain_url"
    capture rules "$results/generations.request" "$rules_url"
    head -n 1 "$results/norules.headers" | grep -q ' 200' || fail "the mock without rules answered $(head -n 1 "$results/norules.headers")"
    head -n 1 "$results/rules.headers" | grep -q ' 200' || fail "the mock with rules answered $(head -n 1 "$results/rules.headers")"
    warm mock-norules "$results/generations.request" "$plain_url"
    warm mock-rules "$results/generations.request" "$rules_url"
    for round in $(seq 1 "$rounds"); do
        echo "  round $round of $rounds"
        load_pair "$round" "$results/generations.request" mock-norules "$plain_url" "$plain_pid" mock-rules "$rules_url" "$rules_pid"
    done
    stop_servers
    reset_request_shape
fi

# ---------------------------------------------------------------------------------------------
say "summary"
python3 "$here/drivers/summarize.py" "$results" --root "$root" --duration "$duration" \
    --connections "$connections" --wrk-threads "$wrk_threads" --rounds "$rounds" \
    --edits-duration "$edits_duration" --edits-connections "$edits_connections" \
    --rules-duration "$rules_duration" --burst-latency-ms "$burst_latency_ms" ${BENCH_STRICT:+--strict}
