#!/usr/bin/env python3
"""Turns the raw results of run.sh into a table with ratios and goal verdicts (stdout + summary.md).

Usage: summarize.py RESULTS_DIR --root REPO [--duration 10s] [--connections 64] [--wrk-threads 2] [--strict]
--strict: exit 1 when a goal is missed.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

STARTUP_MAX_MS = 15.0
STARTUP_MAX_RATIO = 2.5
THROUGHPUT_MIN_RATIO = 0.8


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--root", required=True)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", default="64")
    parser.add_argument("--wrk-threads", default="2")
    parser.add_argument("--strict", action="store_true")
    options = parser.parse_args()
    results = options.results

    with open(os.path.join(results, "startup.json")) as f:
        startup = json.load(f)
    with open(os.path.join(results, "placeholder.json")) as f:
        placeholder = json.load(f)
    process_start = None
    if os.path.exists(os.path.join(results, "process-start.json")):
        with open(os.path.join(results, "process-start.json")) as f:
            process_start = [entry["median"] * 1e3 for entry in json.load(f)["results"]]
    runs = {name: wrk_result(results, name) for name in ("mock-generations", "c-generations", "mock-error", "c-error")}

    problems = []
    for name, run in runs.items():
        if run["socket_errors"]:
            problems.append(f"{name}: {run['socket_errors']} socket errors (connect/read/write/timeout)")
        expected_status_errors = run["requests"] if name.endswith("error") else 0
        if run["status_errors"] != expected_status_errors:
            problems.append(f"{name}: {run['status_errors']} non-2xx answers of {run['requests']} (expected {expected_status_errors})")

    verdicts = []
    rows = []
    cpu_rows = []

    mock_ms, c_ms = startup["mock"]["median_ms"], startup["c"]["median_ms"]
    startup_ratio = mock_ms / c_ms
    startup_ok = mock_ms <= STARTUP_MAX_MS and startup_ratio <= STARTUP_MAX_RATIO
    verdicts.append(startup_ok)
    rows.append((
        f"start -> first 200 (median of {startup['mock']['runs']})",
        f"{mock_ms:.2f} ms", f"{c_ms:.2f} ms", f"{startup_ratio:.2f}x",
        f"<= {STARTUP_MAX_MS:g} ms and <= {STARTUP_MAX_RATIO}x",
        "MET" if startup_ok else
        f"MISSED ({'time' if mock_ms > STARTUP_MAX_MS else ''}{' + ' if mock_ms > STARTUP_MAX_MS and startup_ratio > STARTUP_MAX_RATIO else ''}{'ratio' if startup_ratio > STARTUP_MAX_RATIO else ''})"))
    if process_start:
        rows.append(("  diagnostic: process start (`--version`, hyperfine median)",
                     f"{process_start[0]:.2f} ms", f"{process_start[1]:.2f} ms",
                     f"{process_start[0] / process_start[1]:.2f}x", "-", "info"))

    generations_ratio = runs["mock-generations"]["rps"] / runs["c-generations"]["rps"]
    generations_ok = generations_ratio >= THROUGHPUT_MIN_RATIO and not problems
    verdicts.append(generations_ok)
    rows.append((
        "generations 1024x1024 PNG b64_json (req/s)",
        f"{runs['mock-generations']['rps']:,.0f}", f"{runs['c-generations']['rps']:,.0f}",
        f"{generations_ratio:.2f}", f">= {THROUGHPUT_MIN_RATIO}",
        ("MET" if generations_ok else "MISSED") if not problems else "INVALID (see problems)"))
    error_ratio = runs["mock-error"]["rps"] / runs["c-error"]["rps"]
    for workload, label in (("generations", "generations"), ("error", "400 error")):
        mock, c = runs[f"mock-{workload}"], runs[f"c-{workload}"]
        cpu_rows.append((f"  diagnostic: server CPU per request, {label}", f"{mock['server_cpu_us']:.1f} µs",
                         f"{c['server_cpu_us']:.1f} µs", f"{mock['server_cpu_us'] / c['server_cpu_us']:.2f}x", "-", "info"))
        # Server and wrk share the 2 cores: when nothing else runs, req/s ~ 1 / (server + client CPU).
        mock_total = mock["server_cpu_us"] + mock["client_cpu_us"]
        c_total = c["server_cpu_us"] + c["client_cpu_us"]
        cpu_rows.append((f"  diagnostic: server + wrk CPU per request, {label}", f"{mock_total:.1f} µs",
                         f"{c_total:.1f} µs", f"{c_total / mock_total:.2f} (CPU-model req/s ratio)", "-", "info"))

    rows.append((
        "400 unknown parameter (req/s)",
        f"{runs['mock-error']['rps']:,.0f}", f"{runs['c-error']['rps']:,.0f}",
        f"{error_ratio:.2f}", "reported", "info"))
    rows += cpu_rows

    def round_ratios(workload):
        pairs = zip(runs[f"mock-{workload}"]["round_rps"], runs[f"c-{workload}"]["round_rps"])
        return ", ".join(f"{mock / c:.2f}" for mock, c in pairs)

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
        f"- load: `wrk -t{options.wrk_threads} -c{options.connections} -d{options.duration}` per run, "
        f"{runs['mock-generations']['rounds']} rounds alternating mock and C after a 2 s warm-up of each; "
        "req/s = all requests / all time; same libmicrohttpd pool configuration on both sides",
        "",
        "| benchmark | images-mock | C baseline | ratio | goal | verdict |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows]
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
    lines += [
        "",
        f"Per-round ratios: generations {round_ratios('generations')}; errors {round_ratios('error')}.",
        "",
        f"Start samples (ms): mock min {startup['mock']['min_ms']:.2f} / max {startup['mock']['max_ms']:.2f}; "
        f"C min {startup['c']['min_ms']:.2f} / max {startup['c']['max_ms']:.2f}. CPU per process life "
        f"(start, health polls, SIGTERM, exit; median): mock {startup['mock']['cpu_median_ms']:.2f} ms, "
        f"C {startup['c']['cpu_median_ms']:.2f} ms ({startup['mock']['cpu_median_ms'] / startup['c']['cpu_median_ms']:.2f}x).",
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
