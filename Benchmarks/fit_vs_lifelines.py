#!/usr/bin/env python3
"""Censored duration fits: Pipecast (Swift, release) against lifelines.

Writes N right-censored durations to a CSV, runs `pipecast-bench fit` on it, fits lifelines'
WeibullFitter, LogNormalFitter, ExponentialFitter and KaplanMeierFitter on the same data,
checks the estimates agree to 4 significant digits, and prints the speed ratios.

    pip install lifelines numpy
    (cd Benchmarks && swift build -c release)
    python3 Benchmarks/fit_vs_lifelines.py [N]
"""
import json, os, subprocess, sys, tempfile, time
import numpy as np
from lifelines import ExponentialFitter, KaplanMeierFitter, LogNormalFitter, WeibullFitter

HERE = os.path.dirname(os.path.abspath(__file__))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000

rng = np.random.default_rng(2026)
T = rng.weibull(1.3, N) * 30.0
C = rng.uniform(0, 90, N)
d = np.minimum(T, C)
e = T <= C
path = os.path.join(tempfile.mkdtemp(), "durations.csv")
with open(path, "w") as f:
    f.write("duration,observed\n")
    for t, o in zip(d, e):
        f.write(f"{t:.17g},{int(o)}\n")

binary = os.path.join(HERE, ".build", "release", "pipecast-bench")
swift = json.loads(subprocess.run([binary, "fit", path], check=True, capture_output=True, text=True).stdout)

def timed(fitter):
    start = time.perf_counter()
    fitter.fit(d, e)
    return fitter, time.perf_counter() - start

def agree(a, b, digits=4):
    return abs(a - b) <= 0.5 * 10 ** (1 - digits) * max(abs(a), abs(b))

ok = True
rows = []
wf, wt = timed(WeibullFitter())
s = swift["fits"]["weibull"]
rows.append(("weibull", [("scale", s["scale"], wf.lambda_), ("shape", s["shape"], wf.rho_)], s["seconds"], wt))
lf, lt = timed(LogNormalFitter())
s = swift["fits"]["lognormal"]
rows.append(("lognormal", [("mu", s["mu"], lf.mu_), ("sigma", s["sigma"], lf.sigma_)], s["seconds"], lt))
ef, et = timed(ExponentialFitter())
s = swift["fits"]["exponential"]
rows.append(("exponential", [("rate", s["rate"], 1 / ef.lambda_)], s["seconds"], et))

print(f"N = {N:,} durations, {e.mean():.1%} events")
print(f"{'family':<12} {'parameter':<8} {'pipecast':>14} {'lifelines':>14} agree  {'swift s':>8} {'lifelines s':>11} {'speed-up':>8}")
for family, params, ss, ls in rows:
    for i, (name, a, b) in enumerate(params):
        good = agree(a, b)
        ok &= good
        timing = f"{ss:8.3f} {ls:11.3f} {ls / ss:7.1f}x" if i == 0 else ""
        print(f"{family if i == 0 else '':<12} {name:<8} {a:14.6g} {b:14.6g} {'yes' if good else 'NO ':<5}  {timing}")
g = swift["fits"]["gamma"]
print(f"{'gamma':<12} shape={g.get('shape', float('nan')):.6g} scale={g.get('scale', float('nan')):.6g} "
      f"(no lifelines fitter) {g['seconds']:.3f} s")

km = KaplanMeierFitter()
start = time.perf_counter(); km.fit(d, e); kt = time.perf_counter() - start
probes = swift["kaplan_meier"]["probe_times"]
ref = km.survival_function_at_times(probes).values
for t, a, b in zip(probes, swift["kaplan_meier"]["survival"], ref):
    good = agree(a, b, 6)
    ok &= good
    print(f"KM S({t:8.4f}) pipecast {a:.8f} lifelines {b:.8f} {'yes' if good else 'NO'}")
print(f"KM: swift {swift['kaplan_meier']['seconds']:.3f} s, lifelines {kt:.3f} s, "
      f"speed-up {kt / swift['kaplan_meier']['seconds']:.1f}x")
print("ALL AGREE" if ok else "DISAGREEMENT")
sys.exit(0 if ok else 1)
