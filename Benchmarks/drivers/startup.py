#!/usr/bin/env python3
"""Start -> first 200: spawn a server, poll GET /__admin/health until it answers 200.

Each run: pick a free port, take time.perf_counter_ns(), spawn `SERVER... --port PORT`, then loop
connect + request as fast as possible (a refused connect is retried at once) until the status line
says 200. The elapsed time includes the driver's own spawn and polling overhead, which is the same
for every server measured. The runs of the servers are interleaved (A B A B ...) so drift on a
shared machine hits both alike.

It also records the CPU time (user + system) each child used over its whole life, from
getrusage(RUSAGE_CHILDREN) around the run: less sensitive to other load than wall time.

After the first 200 the driver checks that the answer came from its own child: the child is alive
and its ready line names the polled port (another process on the same port would answer happily).

Usage: startup.py --runs 20 --out results/startup.json NAME=COMMAND [NAME=COMMAND ...]
COMMAND is split as a shell would (shlex); `--host 127.0.0.1 --port PORT` is appended.
"""
import argparse
import json
import os
import resource
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time

REQUEST = b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
TIMEOUT_NS = 10_000_000_000


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health_ok(port):
    """One connect + request. None when nothing listens yet, else True/False for a 200."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.connect(("127.0.0.1", port))
    except (ConnectionRefusedError, ConnectionResetError):
        sock.close()
        return None
    try:
        sock.sendall(REQUEST)
        head = b""
        while b"\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
        return head.startswith(b"HTTP/1.1 200 ") or head.startswith(b"HTTP/1.0 200 ")
    except (ConnectionResetError, BrokenPipeError):
        return None
    finally:
        sock.close()


def children_cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1e3


def one_run(command):
    """Returns (ms from spawn to the first 200, CPU ms the child used over its whole life)."""
    port = free_port()
    cpu_before = children_cpu_ms()
    argv = command + ["--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter_ns()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        while True:
            answer = health_ok(port)
            now = time.perf_counter_ns()
            if answer:
                elapsed = now - started
                break
            if answer is False:
                raise RuntimeError(f"{argv[0]}: /__admin/health answered but not 200")
            if child.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited with {child.returncode} before answering")
            if now - started > TIMEOUT_NS:
                raise RuntimeError(f"{argv[0]}: no 200 within 10 s")
        line = child.stdout.readline().decode(errors="replace").strip()
        if child.poll() is not None or not line.endswith(f"listening on http://127.0.0.1:{port}"):
            raise RuntimeError(f"{argv[0]}: the 200 did not come from the child (ready line {line!r})")
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return elapsed, children_cpu_ms() - cpu_before


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per server first (page cache)")
    parser.add_argument("--out", required=True)
    parser.add_argument("servers", nargs="+", help="NAME=COMMAND")
    options = parser.parse_args()
    servers = []
    for spec in options.servers:
        name, _, command = spec.partition("=")
        servers.append((name, shlex.split(command)))

    for _ in range(options.warmup):
        for _, command in servers:
            one_run(command)
    samples = {name: [] for name, _ in servers}
    cpu = {name: [] for name, _ in servers}
    for _ in range(options.runs):
        for name, command in servers:
            elapsed, cpu_ms = one_run(command)
            samples[name].append(elapsed / 1e6)
            cpu[name].append(cpu_ms)

    result = {}
    for name, values in samples.items():
        result[name] = {
            "runs": len(values),
            "median_ms": statistics.median(values),
            "min_ms": min(values),
            "max_ms": max(values),
            "samples_ms": [round(v, 3) for v in values],
            # CPU (user + system) of the whole process life: start, the health requests, SIGTERM, exit.
            # Less sensitive than wall time to other load on the machine.
            "cpu_median_ms": statistics.median(cpu[name]),
        }
        print(f"{name:10s} start -> first 200: median {result[name]['median_ms']:.2f} ms "
              f"(min {result[name]['min_ms']:.2f}, max {result[name]['max_ms']:.2f}, {len(values)} runs; "
              f"CPU per process life {result[name]['cpu_median_ms']:.2f} ms)")
    os.makedirs(os.path.dirname(os.path.abspath(options.out)), exist_ok=True)
    with open(options.out, "w") as out:
        json.dump(result, out, indent=2)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:
        print(f"startup.py: {error}", file=sys.stderr)
        sys.exit(1)
