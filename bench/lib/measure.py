#!/usr/bin/env python3
"""Runs commands side by side, in interleaved rounds (so that a machine whose speed
drifts slows all of them alike), and reports the median wall time and the peak memory of
each. In every round each command first runs once untimed, so that it is measured with
its own files and libraries warm, as hyperfine's --warmup does, rather than right after
another program has flushed the caches.

usage: measure.py --runs N --label NAME [--prepare SHELL-CMD] -- CMD... [--label ...]
--prepare runs (untimed, through sh) before every run of its command, e.g. to empty
the directory an extraction writes to.
Prints one JSON object: {label: {"median_s", "min_s", "max_s", "peak_rss_mb", "runs"}}.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(argv, prepare=None):
    if prepare:
        subprocess.run(["sh", "-c", prepare], check=True)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed ({os.waitstatus_to_exitcode(status)}): {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024.0


def main():
    args = sys.argv[1:]
    runs = 5
    commands = []
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--label":
            label = args.pop(0)
            prepare = None
            if args[0] == "--prepare":
                args.pop(0)
                prepare = args.pop(0)
            assert args.pop(0) == "--"
            argv = []
            while args and args[0] != "--label":
                argv.append(args.pop(0))
            commands.append((label, argv, prepare))
    samples = {label: [] for label, _, _ in commands}
    for _ in range(runs):
        for label, argv, prepare in commands:
            run_once(argv, prepare)
            samples[label].append(run_once(argv, prepare))
    out = {}
    for label, s in samples.items():
        times = [t for t, _ in s]
        out[label] = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
                      "peak_rss_mb": max(m for _, m in s), "runs": len(s)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
