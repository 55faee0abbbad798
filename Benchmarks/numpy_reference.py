#!/usr/bin/env python3
"""Straightforward vectorised numpy reference of the open-pipeline simulation in
SimulationBenchmark.swift (same model, same deals, same horizon), for the speed ratio.

Per deal-trial: the first stay is drawn given the age already spent (log T = mu + sigma Z with
Z > z0: rejection from N(0,1) when z0 <= 0, Robert's exponential proposal otherwise), then fresh
lognormal stays; each stay ends lost with logistic(c0 + c1 log T), else won / moved by the stage's
shares; wins before the one-year horizon are booked by quarter. Usage:
    python3 numpy_reference.py [deals] [trials]
"""
import sys
import time

import numpy as np

MEDIAN = np.array([10.0, 14, 20, 12, 8])
MU = np.log(MEDIAN)
SIGMA = np.array([0.9, 0.8, 0.7, 0.8, 0.6])
C0 = np.array([-1.2, -1.6, -2.0, -2.2, -2.5])
C1 = np.array([0.25, 0.3, 0.3, 0.35, 0.3])
WIN = np.array([0.02, 0.05, 0.10, 0.30, 1.0])
BACK = np.array([0.0, 0.05, 0.05, 0.05, 0.0])
N = 5
# Quarter boundaries in days after 2026-03-31: Q2 91, Q3 92, Q4 92, 2027-Q1 90.
EDGES = np.cumsum([0, 91, 92, 92, 90]).astype(float)
HORIZON = EDGES[-1]

# Non-lost exits per stage: cumulative shares over targets (-1 = won).
TARGETS = np.full((N, 3), -1, dtype=np.int64)
CUM = np.full((N, 3), 2.0)
for i in range(N):
    exits = [(WIN[i], -1)]
    if i + 1 < N:
        exits.append((1 - WIN[i] - BACK[i], i + 1))
    if i > 0 and BACK[i] > 0:
        exits.append((BACK[i], i - 1))
    c = 0.0
    for k, (share, target) in enumerate(exits):
        c += share
        CUM[i, k] = c if k < len(exits) - 1 else 2.0
        TARGETS[i, k] = target


def deals(n):
    i = np.arange(n, dtype=np.int64)
    return i % 5, (i * 37 % 120).astype(float), (1000 + i * 7919 % 50000).astype(float)


def truncated_normal(z0, rng):
    """Z ~ N(0,1) given Z > z0, vectorised."""
    z = np.empty_like(z0)
    low = z0 <= 0
    idx = np.nonzero(low)[0]
    while idx.size:
        draw = rng.standard_normal(idx.size)
        ok = draw > z0[idx]
        z[idx[ok]] = draw[ok]
        idx = idx[~ok]
    idx = np.nonzero(~low)[0]
    while idx.size:
        a = z0[idx]
        alpha = 0.5 * (a + np.sqrt(a * a + 4))
        draw = a + rng.exponential(size=idx.size) / alpha
        ok = rng.random(idx.size) <= np.exp(-0.5 * (draw - alpha) ** 2)
        z[idx[ok]] = draw[ok]
        idx = idx[~ok]
    return z


def simulate(n_deals, trials, seed=1):
    rng = np.random.default_rng(seed)
    stage0, age0, amount0 = deals(n_deals)
    totals = np.zeros((trials, len(EDGES) - 1))
    steps = 0
    for trial in range(trials):
        stage = stage0.copy()
        t = np.zeros(n_deals)
        amount = amount0
        ids = np.arange(n_deals)
        # First stay: conditional on the age already spent.
        z0 = np.full(n_deals, -np.inf)
        aged = age0 > 0
        z0[aged] = (np.log(age0[aged]) - MU[stage[aged]]) / SIGMA[stage[aged]]
        z = truncated_normal(z0, rng)
        log_total = MU[stage] + SIGMA[stage] * z
        first = True
        while ids.size:
            steps += ids.size
            if first:
                stay = np.maximum(0.0, np.exp(log_total) - np.where(aged, age0, 0.0))
                x = log_total
                first = False
            else:
                x = MU[stage] + SIGMA[stage] * rng.standard_normal(ids.size)
                stay = np.exp(x)
            t = t + stay
            inside = t < HORIZON
            p = 1 / (1 + np.exp(-(C0[stage] + C1[stage] * x)))
            u = rng.random(ids.size)
            alive = inside & (u >= p)
            v = (u - p) / (1 - p)
            k = (v[:, None] >= CUM[stage]).sum(axis=1)
            target = TARGETS[stage, k]
            won = alive & (target < 0)
            if won.any():
                period = np.searchsorted(EDGES, t[won], side="right") - 1
                totals[trial] += np.bincount(period, weights=amount[ids[won]], minlength=len(EDGES) - 1)
            move = alive & (target >= 0)
            ids, stage, t = ids[move], target[move], t[move]
    return totals, steps


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    start = time.perf_counter()
    totals, steps = simulate(n, trials)
    seconds = time.perf_counter() - start
    print(f"numpy: {n} deals x {trials} trials in {seconds:.3f} s; {steps / seconds / 1e6:.1f} M stage steps/s; "
          f"{n * trials / seconds / 1e6:.2f} M deal-trials/s; steps/deal {steps / (n * trials):.3f}; "
          f"mean bookings P1 {totals[:, 0].mean():.0f}")
