#!/usr/bin/env python3
"""Times pandas.read_csv on the read benchmark's files and compares with pipecast-bench read.

Usage: python3 Benchmarks/read_vs_pandas.py [--mb 200] [--dir DIR] [--bench PATH]

Runs `pipecast-bench read` first (it writes the sample folder when --dir is not given), then reads
deals.csv and deal_history.csv with pandas (C engine, dates parsed, best of 3) and prints both
rates and their ratio. Installs pandas with pip when it is missing.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

try:
    import pandas as pd
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pandas"])
    import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--mb", type=int, default=200)
parser.add_argument("--dir")
parser.add_argument("--threads", type=int, default=os.cpu_count())
parser.add_argument("--bench", default=os.path.join(here, "..", ".build-bench", "release", "pipecast-bench"))
args = parser.parse_args()
if not os.path.exists(args.bench):
    args.bench = os.path.join(here, ".build", "release", "pipecast-bench")

folder = args.dir or os.path.join(tempfile.gettempdir(), f"pipecast-read-bench-{args.mb}")
command = [args.bench, "read", "--threads", str(args.threads)]
command += ["--dir", folder] if args.dir else ["--mb", str(args.mb)]
swift = subprocess.run(command, check=True, capture_output=True, text=True).stdout
print(swift, end="")
swift_rate = float(re.search(r"^read .*: ([0-9.]+) MB/s$", swift, re.M).group(1))

files = {
    "deals.csv": ["created_on", "closed_on", "expected_close_on"],
    "deal_history.csv": ["changed_on", "expected_close_on"],
}
files = {f: d for f, d in files.items() if os.path.exists(os.path.join(folder, f))}
total_mb = sum(os.path.getsize(os.path.join(folder, f)) for f in files) / 1e6
swift_cpu = float(re.search(r"^CPU time .* ([0-9.]+) s:", swift, re.M).group(1))
best = float("inf")
best_cpu = float("inf")
for _ in range(3):
    start = time.perf_counter()
    cpu_start = time.process_time()
    frames = []
    for name, dates in files.items():
        frame = pd.read_csv(os.path.join(folder, name))
        for column in dates:
            frame[column] = pd.to_datetime(frame[column], format="ISO8601", utc=True)
        frames.append(frame)
    best = min(best, time.perf_counter() - start)
    best_cpu = min(best_cpu, time.process_time() - cpu_start)
    del frames  # freed outside the timing, as the Swift side does
pandas_rate = total_mb / best
print(f"pandas {pd.__version__}: read {total_mb:.1f} MB in {best:.3f} s: {pandas_rate:.1f} MB/s")
print(f"pandas CPU time {best_cpu:.3f} s: {total_mb / best_cpu:.1f} MB per CPU-second")
print(f"ratio pipecast (validated load) / pandas (read_csv + dates): {swift_rate / pandas_rate:.2f}x")
print(f"ratio by CPU time: {best_cpu / swift_cpu:.2f}x")
