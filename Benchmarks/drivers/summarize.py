#!/usr/bin/env python3
"""Turns the raw results of run.sh into a table with ratios and goal verdicts (stdout + summary.md).

Every benchmark's section appears when its raw results exist (run.sh can skip any).
Usage: summarize.py RESULTS_DIR --root REPO [--duration 10s] [--connections 64] [--wrk-threads 2] [--rounds 2]
                    [--edits-duration 5s] [--edits-connections 8] [--rules-duration 5s]
                    [--burst-latency-ms 1000] [--strict]
--strict: exit 1 when a goal is missed.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

STARTUP_MAX_MS = 15.0
STARTUP_MAX_RATIO = 2.5
THROUGHPUT_MIN_RATIO = 0.8
MULTIPART_MIN_GBPS = 1.0
# Benchmark 6: "bounded" = peak RSS at most this many times the uploads in flight, plus the process's
# own baseline (runtime, caches): one copy of each upload, plus the headroom of a growing array (the
# old buffer and the doubled one coexist while it grows), never a multiple of that.
UPLOADS_BOUND = 2.0
UPLOADS_SLACK = 64 * 10**6
BURST_MAX_WALL_MS = 3000
BURST_MAX_THREADS = 8
BURST_MAX_RSS_BYTES = 300 * 10**6
RULES_MIN_RATIO = 0.95


def command_output(argv, cwd=None):
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def wrk_result(results, name):
    """All rounds of one workload: rates from total requests over total time, per-round rates too."""
    with open(os.path.join(results, f"wrk-{name}.txt")) as text:
        content = text.read()
    rounds = []
    for line in re.findall(r"^BENCH (.*)$", content, re.M):
        rounds.append({key: int(value) for key, value in (item.split("=") for item in line.split())})
    if not rounds:
        sys.exit(f"summarize: no BENCH line in wrk-{name}.txt")
    total = {key: sum(r[key] for r in rounds) for key in rounds[0]}
    total["rounds"] = len(rounds)
    total["round_rps"] = [r["requests"] / (r["duration_us"] / 1e6) for r in rounds]
    total["rps"] = total["requests"] / (total["duration_us"] / 1e6)
    total["bytes_per_response"] = total["bytes"] / max(1, total["requests"])
    total["socket_errors"] = sum(total[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    cpu = re.findall(r"^SERVERCPU ticks=(\d+) hz=(\d+)$", content, re.M)
    total["server_cpu_us"] = (sum(int(t) / int(hz) for t, hz in cpu) * 1e6 / total["requests"]) if cpu else float("nan")
    client = re.findall(r"^WRKCPU user=([\d.]+) sys=([\d.]+)$", content, re.M)
    total["client_cpu_us"] = (sum(float(u) + float(k) for u, k in client) * 1e6 / total["requests"]) if client else float("nan")
    total["p50_us"] = sorted(r["p50_us"] for r in rounds)[len(rounds) // 2]
    total["p99_us"] = max(r["p99_us"] for r in rounds)
    return total


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores ({model or platform.processor()}), Linux {platform.release()}, load average {load:.2f} at the end"


def load_json(results, name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def load_rounds(results, prefix):
    """PREFIX-1.json, PREFIX-2.json, ... in round order."""
    rounds = []
    while True:
        item = load_json(results, f"{prefix}-{len(rounds) + 1}.json")
        if item is None:
            return rounds
        rounds.append(item)


def aggregate_bursts(rounds):
    """Rounds of drivers/burst.c as one: medians of times, RSS and CPU, the maximum of thread counts,
    the sum of counts; `rounds` keeps each round's wall, peak RSS and threads for the ranges."""
    if not rounds:
        return None
    median = statistics.median
    first = rounds[0]
    statuses = {}
    for item in rounds:
        for status, count in item["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "connections": first["connections"],
        "rounds": len(rounds),
        "completed_all": all(item["completed"] == item["connections"] for item in rounds),
        "completed": sum(item["completed"] for item in rounds),
        "statuses": statuses,
        "connect_errors": sum(item["connect_errors"] for item in rounds),
        "resets": sum(item["resets"] for item in rounds),
        "timeouts": sum(item["timeouts"] for item in rounds),
        "listen_overflows": [item.get("listen_overflows", -1) for item in rounds],
        **{key: median(item[key] for item in rounds) for key in ("wall_ms", "first_ms", "p50_ms", "last_ms")},
        "min_first_ms": min(item["first_ms"] for item in rounds),
        "walls_ms": [item["wall_ms"] for item in rounds],
        "hwms_kb": [item["watch"]["hwm_kb"] for item in rounds],
        "threads": [item["watch"]["threads_max"] for item in rounds],
        "watch": {
            "threads_max": max(item["watch"]["threads_max"] for item in rounds),
            "threads_before": first["watch"]["threads_before"],
            "hwm_kb": median(item["watch"]["hwm_kb"] for item in rounds),
            "hwm_before_kb": median(item["watch"]["hwm_before_kb"] for item in rounds),
            "cpu_ms": median(item["watch"]["cpu_ms"] for item in rounds),
        },
    }


def has_wrk(results, *names):
    return all(os.path.exists(os.path.join(results, f"wrk-{name}.txt")) for name in names)


def wrk_problems(runs, expected_status_errors):
    """Socket errors, and answers outside 2xx where none were expected (or the reverse)."""
    problems = []
    for name, run in runs.items():
        if run["socket_errors"]:
            problems.append(f"{name}: {run['socket_errors']} socket errors (connect/read/write/timeout)")
        expected = run["requests"] if expected_status_errors(name) else 0
        if run["status_errors"] != expected:
            problems.append(f"{name}: {run['status_errors']} non-2xx answers of {run['requests']} (expected {expected})")
    return problems


def cpu_rows(label, mock, reference, reference_name="C"):
    """Server CPU per request, and the CPU-model req/s ratio (server + wrk CPU per request)."""
    rows = [(f"  diagnostic: server CPU per request, {label}", f"{mock['server_cpu_us']:.1f} µs",
             f"{reference['server_cpu_us']:.1f} µs", f"{mock['server_cpu_us'] / reference['server_cpu_us']:.2f}x", "-", "info")]
    # Server and wrk share the 2 cores: when nothing else runs, req/s ~ 1 / (server + client CPU).
    mock_total = mock["server_cpu_us"] + mock["client_cpu_us"]
    reference_total = reference["server_cpu_us"] + reference["client_cpu_us"]
    rows.append((f"  diagnostic: server + wrk CPU per request, {label}", f"{mock_total:.1f} µs",
                 f"{reference_total:.1f} µs", f"{reference_total / mock_total:.2f} (CPU-model req/s ratio)", "-", "info"))
    return rows


def round_ratios(runs, mock_name, reference_name):
    pairs = zip(runs[mock_name]["round_rps"], runs[reference_name]["round_rps"])
    return ", ".join(f"{mock / reference:.2f}" for mock, reference in pairs)


def fmt_duration(value):
    return value if value.endswith(("s", "m", "h")) else f"{value}s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--root", required=True)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", default="64")
    parser.add_argument("--wrk-threads", default="2")
    parser.add_argument("--rounds", default="2")
    parser.add_argument("--edits-duration", default="5s")
    parser.add_argument("--edits-connections", default="8")
    parser.add_argument("--rules-duration", default="5s")
    parser.add_argument("--burst-latency-ms", type=float, default=1000)
    parser.add_argument("--strict", action="store_true")
    options = parser.parse_args()
    results = options.results

    startup = load_json(results, "startup.json")
    placeholder = load_json(results, "placeholder.json")
    process_start = None
    if os.path.exists(os.path.join(results, "process-start.json")):
        with open(os.path.join(results, "process-start.json")) as f:
            process_start = [entry["median"] * 1e3 for entry in json.load(f)["results"]]
    core = load_json(results, "core.json") or {}
    uploads_mock = load_json(results, "uploads-mock.json")
    uploads_c = load_json(results, "uploads-c.json")
    burst_rounds = load_rounds(results, "burst-mock")
    burst_c_rounds = load_rounds(results, "burst-c")
    burst = aggregate_bursts(burst_rounds)
    burst_c = aggregate_bursts(burst_c_rounds)

    throughput_names = ("mock-generations", "c-generations", "mock-error", "c-error")
    runs = {}
    if has_wrk(results, *throughput_names):
        runs.update({name: wrk_result(results, name) for name in throughput_names})
    if has_wrk(results, "mock-edits", "c-edits"):
        runs.update({name: wrk_result(results, name) for name in ("mock-edits", "c-edits")})
    if has_wrk(results, "mock-norules", "mock-rules"):
        runs.update({name: wrk_result(results, name) for name in ("mock-norules", "mock-rules")})
    problems = wrk_problems(runs, lambda name: name.endswith("error"))

    verdicts = []
    rows = []
    round_lines = []

    # 1. Start -> first 200.
    if startup:
        mock_ms, c_ms = startup["mock"]["median_ms"], startup["c"]["median_ms"]
        startup_ratio = mock_ms / c_ms
        startup_ok = mock_ms <= STARTUP_MAX_MS and startup_ratio <= STARTUP_MAX_RATIO
        verdicts.append(startup_ok)
        rows.append((
            f"1. start -> first 200 (median of {startup['mock']['runs']})",
            f"{mock_ms:.2f} ms", f"{c_ms:.2f} ms", f"{startup_ratio:.2f}x",
            f"<= {STARTUP_MAX_MS:g} ms and <= {STARTUP_MAX_RATIO}x",
            "MET" if startup_ok else
            f"MISSED ({'time' if mock_ms > STARTUP_MAX_MS else ''}{' + ' if mock_ms > STARTUP_MAX_MS and startup_ratio > STARTUP_MAX_RATIO else ''}{'ratio' if startup_ratio > STARTUP_MAX_RATIO else ''})"))
        if process_start:
            rows.append(("  diagnostic: process start (`--version`, hyperfine median)",
                         f"{process_start[0]:.2f} ms", f"{process_start[1]:.2f} ms",
                         f"{process_start[0] / process_start[1]:.2f}x", "-", "info"))

    # 2. Generations and error throughput.
    if "mock-generations" in runs:
        invalid = any(p.startswith(throughput_names) for p in problems)
        generations_ratio = runs["mock-generations"]["rps"] / runs["c-generations"]["rps"]
        generations_ok = generations_ratio >= THROUGHPUT_MIN_RATIO and not invalid
        verdicts.append(generations_ok)
        rows.append((
            "2. generations 1024x1024 PNG b64_json (req/s)",
            f"{runs['mock-generations']['rps']:,.0f}", f"{runs['c-generations']['rps']:,.0f}",
            f"{generations_ratio:.2f}", f">= {THROUGHPUT_MIN_RATIO}",
            ("MET" if generations_ok else "MISSED") if not invalid else "INVALID (see problems)"))
        error_ratio = runs["mock-error"]["rps"] / runs["c-error"]["rps"]
        rows.append((
            "2b. 400 unknown parameter (req/s)",
            f"{runs['mock-error']['rps']:,.0f}", f"{runs['c-error']['rps']:,.0f}",
            f"{error_ratio:.2f}", "reported", "info"))
        rows += cpu_rows("generations", runs["mock-generations"], runs["c-generations"])
        rows += cpu_rows("400 error", runs["mock-error"], runs["c-error"])
        round_lines.append(f"generations {round_ratios(runs, 'mock-generations', 'c-generations')}; "
                           f"errors {round_ratios(runs, 'mock-error', 'c-error')}")

    # 4. Multipart parser, in-process.
    multipart = core.get("multipart")
    if multipart:
        ok = multipart["parser_gbps"] >= MULTIPART_MIN_GBPS
        verdicts.append(ok)
        rows.append((
            f"4. multipart parser, {multipart['file_bytes'] / 2**20:g} MiB file part in {multipart['chunk_bytes'] // 1024} KiB "
            f"pushes (GB/s, median of {multipart['runs']}; reference: copy loop)",
            f"{multipart['parser_gbps']:.2f} GB/s", f"{multipart['copy_gbps']:.2f} GB/s",
            f"{multipart['parser_gbps'] / multipart['copy_gbps']:.2f}", f">= {MULTIPART_MIN_GBPS:g} GB/s",
            "MET" if ok else "MISSED"))

    # 5. Edits with a 4 MB upload.
    if "mock-edits" in runs:
        invalid = any(p.startswith(("mock-edits", "c-edits")) for p in problems)
        ratio = runs["mock-edits"]["rps"] / runs["c-edits"]["rps"]
        ok = ratio >= THROUGHPUT_MIN_RATIO and not invalid
        verdicts.append(ok)
        rows.append((
            f"5. edits, 4.3 MB PNG upload, `-c{options.edits_connections}` (req/s)",
            f"{runs['mock-edits']['rps']:,.0f}", f"{runs['c-edits']['rps']:,.0f}", f"{ratio:.2f}",
            f">= {THROUGHPUT_MIN_RATIO}", ("MET" if ok else "MISSED") if not invalid else "INVALID (see problems)"))
        rows += cpu_rows("edits", runs["mock-edits"], runs["c-edits"])
        round_lines.append(f"edits {round_ratios(runs, 'mock-edits', 'c-edits')}")

    # 6. Concurrent large uploads: peak memory.
    if uploads_mock:
        n = uploads_mock["connections"]
        total = n * uploads_mock["request_bytes"]
        hwm = uploads_mock["watch"]["hwm_kb"] * 1024
        complete = uploads_mock["completed"] == n and uploads_mock["statuses"] == {"200": n}
        if not complete:
            problems.append(f"uploads-mock: {uploads_mock['completed']}/{n} answered, statuses {uploads_mock['statuses']} (expected {n} x 200)")
        bounded = hwm <= UPLOADS_BOUND * total + UPLOADS_SLACK
        verdicts.append(bounded and complete)
        reference = uploads_c["watch"]["hwm_kb"] * 1024 if uploads_c else None
        rows.append((
            f"6. {n} concurrent {uploads_mock['request_bytes'] / 1e6:.0f} MB uploads: server peak RSS (VmHWM)",
            f"{hwm / 1e6:,.0f} MB", f"{reference / 1e6:,.0f} MB (C)" if reference else "-",
            f"{hwm / total:.2f} of {n} x upload ({total / 1e6:,.0f} MB)",
            f"reported; bounded: <= {UPLOADS_BOUND:g} x {n} x upload",
            ("bounded" if bounded else "NOT BOUNDED") if complete else "INVALID (see problems)"))
        rows.append((
            "  server RSS once all were answered", f"{uploads_mock['watch']['rss_after_kb'] * 1024 / 1e6:,.0f} MB",
            f"{uploads_c['watch']['rss_after_kb'] * 1024 / 1e6:,.0f} MB (C)" if uploads_c else "-", "-", "-", "info"))
        rows.append((
            "  wall time, all answered",
            f"{uploads_mock['wall_ms'] / 1e3:.2f} s", f"{uploads_c['wall_ms'] / 1e3:.2f} s (C)" if uploads_c else "-",
            f"{uploads_mock['wall_ms'] / uploads_c['wall_ms']:.2f}x" if uploads_c else "-", "reported", "info"))
        rows.append((
            "  server CPU for the whole burst",
            f"{uploads_mock['watch']['cpu_ms']:,.0f} ms", f"{uploads_c['watch']['cpu_ms']:,.0f} ms (C)" if uploads_c else "-",
            f"{uploads_mock['watch']['cpu_ms'] / max(uploads_c['watch']['cpu_ms'], 1):.2f}x" if uploads_c else "-", "-", "info"))

    # 7. 10,000 concurrent delayed requests (medians over fresh-server rounds).
    if burst:
        n = burst["connections"]
        watch = burst["watch"]
        statuses = burst["statuses"]
        complete = burst["completed_all"] and len(statuses) == 1
        if not complete:
            problems.append(f"burst: {burst['completed']}/{n * burst['rounds']} answered over {burst['rounds']} rounds, statuses {statuses}, "
                            f"{burst['connect_errors']} connect errors, {burst['resets']} resets, {burst['timeouts']} timeouts")
        if burst["min_first_ms"] < options.burst_latency_ms:
            problems.append(f"burst: an answer came after {burst['min_first_ms']:.0f} ms, before the {options.burst_latency_ms:g} ms delay")
        if burst_c and not burst_c["completed_all"]:
            problems.append(f"burst-c: {burst_c['completed']}/{n * burst_c['rounds']} answered (the C reference)")
        wall_ok = burst["wall_ms"] <= BURST_MAX_WALL_MS
        threads_ok = watch["threads_max"] <= BURST_MAX_THREADS
        rss_ok = watch["hwm_kb"] * 1024 <= BURST_MAX_RSS_BYTES
        valid = complete and burst["min_first_ms"] >= options.burst_latency_ms
        verdicts += [wall_ok and valid, threads_ok and valid, rss_ok and valid]
        # A verdict is still given when a few requests went unanswered, marked so (they are problems).
        note = "" if valid else " (incomplete run: see problems)"
        c_watch = burst_c["watch"] if burst_c else None

        def versus(mock_value, c_value):
            return f"{mock_value / c_value:.2f}x" if c_value else "-"

        def spread(values, scale=1.0, digits=2):
            return ", ".join(f"{value * scale:,.{digits}f}" for value in values)
        label = (f"7. {n:,} concurrent requests, {options.burst_latency_ms:g} ms delay ({'/'.join(statuses)} answers), "
                 f"median of {burst['rounds']} rounds")
        rows.append((f"{label}: wall, all answered (reference: C baseline, same delay)", f"{burst['wall_ms'] / 1e3:.2f} s",
                     f"{burst_c['wall_ms'] / 1e3:.2f} s" if burst_c else "-",
                     versus(burst["wall_ms"], burst_c["wall_ms"]) if burst_c else "-", f"<= {BURST_MAX_WALL_MS / 1e3:g} s",
                     ("MET" if wall_ok else "MISSED") + note))
        rows.append(("  server threads (max of /proc samples every 50 ms, all rounds)", f"{watch['threads_max']}",
                     f"{c_watch['threads_max']}" if c_watch else "-",
                     f"{watch['threads_before']} before the burst", f"<= {BURST_MAX_THREADS}",
                     ("MET" if threads_ok else "MISSED") + note))
        rows.append(("  server peak RSS (VmHWM)", f"{watch['hwm_kb'] * 1024 / 1e6:,.0f} MB",
                     f"{c_watch['hwm_kb'] * 1024 / 1e6:,.0f} MB" if c_watch else "-",
                     f"{versus(watch['hwm_kb'], c_watch['hwm_kb']) if c_watch else '-'}; "
                     f"{(watch['hwm_kb'] - watch['hwm_before_kb']) * 1024 / n / 1e3:.1f} kB per connection",
                     f"<= {BURST_MAX_RSS_BYTES / 1e6:g} MB", ("MET" if rss_ok else "MISSED") + note))
        rows.append(("  server CPU per request over the burst", f"{watch['cpu_ms'] * 1e3 / n:.0f} µs",
                     f"{c_watch['cpu_ms'] * 1e3 / n:.0f} µs" if c_watch else "-",
                     versus(watch["cpu_ms"], c_watch["cpu_ms"]) if c_watch else "-", "-", "info"))
        rows.append(("  answers after: first / median / last",
                     f"{burst['first_ms']:,.0f} / {burst['p50_ms']:,.0f} / {burst['last_ms']:,.0f} ms",
                     f"{burst_c['first_ms']:,.0f} / {burst_c['p50_ms']:,.0f} / {burst_c['last_ms']:,.0f} ms" if burst_c else "-",
                     "-", "-", "info"))
        rows.append(("  each round: wall s / peak RSS MB / threads",
                     f"{spread(burst['walls_ms'], 1e-3)} / {spread(burst['hwms_kb'], 1024 / 1e6, 0)} / {spread(burst['threads'], 1, 0)}",
                     (f"{spread(burst_c['walls_ms'], 1e-3)} / {spread(burst_c['hwms_kb'], 1024 / 1e6, 0)} / "
                      f"{spread(burst_c['threads'], 1, 0)}") if burst_c else "-", "-", "-", "info"))
        rows.append(("  each round: SYNs dropped on a full accept queue (such a connection starts 1 s late)",
                     ", ".join(f"{value:,}" for value in burst["listen_overflows"]),
                     ", ".join(f"{value:,}" for value in burst_c["listen_overflows"]) if burst_c else "-", "-", "-", "info"))

    # 8. Rule matching at 1,000 rules.
    if "mock-rules" in runs:
        invalid = any(p.startswith(("mock-norules", "mock-rules")) for p in problems)
        plain, scripted = runs["mock-norules"], runs["mock-rules"]
        cpu_ratio = plain["server_cpu_us"] / scripted["server_cpu_us"]
        rps_ratio = scripted["rps"] / plain["rps"]
        ok = cpu_ratio >= RULES_MIN_RATIO and not invalid
        verdicts.append(ok)
        count = core.get("rules", {}).get("rule_count", "N")
        rows.append((f"8. generations with {count} non-matching rules: server CPU per request (reference: no rules)",
                     f"{scripted['server_cpu_us']:.1f} µs", f"{plain['server_cpu_us']:.1f} µs",
                     f"{cpu_ratio:.3f} (+{(scripted['server_cpu_us'] / plain['server_cpu_us'] - 1) * 100:.0f} %)",
                     f">= {RULES_MIN_RATIO} (< 5 % added)", ("MET" if ok else "MISSED") if not invalid else "INVALID (see problems)"))
        rows.append(("  req/s", f"{scripted['rps']:,.0f}", f"{plain['rps']:,.0f}", f"{rps_ratio:.3f}", "-", "info"))
        round_lines.append(f"rules/no rules {round_ratios(runs, 'mock-rules', 'mock-norules')}")
    rules = core.get("rules")
    if rules:
        rows.append((f"8a. in-process: RuleMatcher.match at {rules['rule_count']} rules vs MockEngine.respond (cached generation, no rules)",
                     f"{rules['match_us']:.1f} µs", f"{rules['engine_us']:.1f} µs",
                     f"{rules['match_us'] / rules['engine_us'] * 100:.0f} % of respond", "-", "info"))
        rows.append(("  MockEngine.respond with the rules vs without", f"{rules['engine_with_rules_us']:.1f} µs",
                     f"{rules['engine_us']:.1f} µs", f"{rules['engine_us'] / rules['engine_with_rules_us']:.3f}", "-", "info"))

    commit = os.environ.get("BENCH_COMMIT") or command_output(["git", "rev-parse", "--short", "HEAD"], cwd=options.root) or "unknown"
    if command_output(["git", "status", "--porcelain", "--", "Sources", "Package.swift"], cwd=options.root):
        commit += " (with uncommitted changes under Sources/ or in Package.swift)"
    swift = command_output(["swift", "--version"]).splitlines()
    mhd = command_output(["pkg-config", "--modversion", "libmicrohttpd"])
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    lines = [
        "# images-mock benchmark summary",
        "",
        f"- date: {now}",
        f"- machine: {machine()}",
        f"- commit: {commit}; {swift[0] if swift else 'swift ?'}; libmicrohttpd {mhd}",
        f"- load: `wrk -t{options.wrk_threads}`, {options.rounds} rounds alternating mock and reference after a 2 s "
        f"warm-up of each; benchmark 2 `-c{options.connections} -d{fmt_duration(options.duration)}`, 5 "
        f"`-c{options.edits_connections} -d{fmt_duration(options.edits_duration)}`, 8 `-c{options.connections} "
        f"-d{fmt_duration(options.rules_duration)}`; req/s = all requests / all time; same libmicrohttpd pool "
        "configuration on both sides",
        "",
        "| benchmark | images-mock | reference | ratio | goal | verdict |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    if runs:
        lines += [
            "",
            "| wrk detail | requests | req/s per round | server CPU/request | bytes/response | p50 latency | p99 latency | non-2xx | socket errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, run in runs.items():
            lines.append(
                f"| {name} | {run['requests']:,} | {', '.join(f'{r:,.0f}' for r in run['round_rps'])} | "
                f"{run['server_cpu_us']:.1f} µs | "
                f"{run['bytes_per_response']:,.0f} | {run['p50_us'] / 1e3:.2f} ms | "
                f"{run['p99_us'] / 1e3:.2f} ms | {run['status_errors']:,} | {run['socket_errors']} |")
    if round_lines:
        lines += ["", f"Per-round ratios: {'; '.join(round_lines)}."]
    if startup:
        lines += [
            "",
            f"Start samples (ms): mock min {startup['mock']['min_ms']:.2f} / max {startup['mock']['max_ms']:.2f}; "
            f"C min {startup['c']['min_ms']:.2f} / max {startup['c']['max_ms']:.2f}. CPU per process life "
            f"(start, health polls, SIGTERM, exit; median): mock {startup['mock']['cpu_median_ms']:.2f} ms, "
            f"C {startup['c']['cpu_median_ms']:.2f} ms ({startup['mock']['cpu_median_ms'] / startup['c']['cpu_median_ms']:.2f}x).",
        ]
    if placeholder:
        lines += [
            "",
            "| placeholder (median ms per image) | cold (cache miss) | render | encode | base64 | cached (hit) | file bytes |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for item in placeholder:
            lines.append(
                f"| {item['variant']} | {item['cold_ms']:.2f} | {item['render_ms']:.2f} | {item['encode_ms']:.2f} | "
                f"{item['base64_ms']:.2f} | {item['warm_ms'] * 1e3:.2f} µs | {item['file_bytes']:,} |")
        cold_samples = placeholder[0]["cold_samples"] if placeholder else 0
        warm_calls = placeholder[0]["warm_calls"] if placeholder else 0
        lines += [
            "",
            f"Placeholder: cold = `ImageCache.image(for:)` on a new key (render + encode + base64 + insert), median of "
            f"{cold_samples}; render/encode/base64 are the cold path's steps timed alone; cached = the same call on a "
            f"warm key, median over batches ({warm_calls:,} hits in all). JPEG/WebP at quality 100 (the mock's default).",
        ]
    if multipart:
        lines += [
            "",
            f"Multipart: a {multipart['body_bytes']:,}-byte body (4 text fields + the file part) pushed in "
            f"{multipart['chunk_bytes']:,}-byte slices: parser {multipart['parser_ms']:.3f} ms, copy loop "
            f"{multipart['copy_ms']:.3f} ms per body. Ratio = parser speed / speed of appending the same slices to an "
            "array (1.0: parsing costs no more than the one copy of the content the parser must make anyway).",
        ]
    if problems:
        lines += ["", "Problems:"] + [f"- {problem}" for problem in problems]
    met = all(verdicts)
    lines += ["", f"Goals: {'all met' if met else 'NOT all met'}."]

    text = "\n".join(lines) + "\n"
    with open(os.path.join(results, "summary.md"), "w") as out:
        out.write(text)
    print(text)
    print(f"(written to {os.path.join(results, 'summary.md')})")
    if options.strict and not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
