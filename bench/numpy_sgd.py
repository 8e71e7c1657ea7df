#!/usr/bin/env python3
"""numpy baselines for SGD on the digits problem (MATH.md §5.2, §5.3: n = 1797, d = 64,
B = 1, gamma = 0.1, delta = 0, K = 10^4), to compare with `benches/sim.rs`.

1. "vectorised": all R runs advance together, one array update per step
   (X <- X - gamma * r[:, None] * A[idx], r = rowwise <A[idx], X> - b[idx]).
2. "paper loop": the authors' per-run loop (x <- x - gamma * A[i].T (A[i] x - b[i]) / B with
   i = permutation(n)[:B]), timed on a few runs and extrapolated to R.

Data: www/data/digits.csv.gz (64 pixels then the label), global min-max, b = 0.1 * label.
Times: CPU seconds of this thread (time.thread_time, comparable with the Rust bench's
/proc/thread-self/schedstat on a shared machine) and wall seconds.

Usage: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 bench/numpy_sgd.py [runs] [loop_runs]
"""
import gzip
import sys
import time

import numpy as np


def load_digits(path="www/data/digits.csv.gz"):
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    a = data[:, :64]
    a = (a - a.min()) / (a.max() - a.min())
    b = 0.1 * data[:, 64]
    return a, b


def timed(f):
    c0, t0 = time.thread_time(), time.perf_counter()
    out = f()
    return out, time.thread_time() - c0, time.perf_counter() - t0


def vectorised(a, b, runs, steps, gamma, rng):
    n, d = a.shape
    x = 0.5 * rng.standard_normal((runs, d))
    for _ in range(steps):
        idx = rng.integers(n, size=runs)
        rows = a[idx]
        r = np.einsum("ij,ij->i", rows, x) - b[idx]
        x -= gamma * r[:, None] * rows
    return x


def paper_loop(a, b, runs, steps, gamma, batch, rng):
    n, d = a.shape
    out = np.empty((runs, d))
    for k in range(runs):
        x = 0.5 * rng.standard_normal(d)
        for _ in range(steps):
            i = rng.permutation(n)[:batch]
            x = x - gamma * a[i].T @ (a[i] @ x - b[i]) / batch
        out[k] = x
    return out


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    loop_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    a, b = load_digits()
    steps, gamma = 10_000, 0.1
    rng = np.random.default_rng(1)
    print(f"numpy {np.__version__}, digits {a.shape}, K = {steps}, gamma = {gamma}, B = 1")
    x, cpu, wall = timed(lambda: vectorised(a, b, runs, steps, gamma, rng))
    print(f"numpy vectorised over runs: {runs} runs: cpu {cpu:.3f} s, wall {wall:.3f} s "
          f"(finite: {np.isfinite(x).all(axis=1).sum()})")
    x, cpu, wall = timed(lambda: paper_loop(a, b, loop_runs, steps, gamma, 1, rng))
    print(f"numpy paper loop: {loop_runs} runs: cpu {cpu:.3f} s, wall {wall:.3f} s; "
          f"extrapolated to {runs} runs: cpu {cpu / loop_runs * runs:.1f} s, "
          f"wall {wall / loop_runs * runs:.1f} s")


if __name__ == "__main__":
    main()
