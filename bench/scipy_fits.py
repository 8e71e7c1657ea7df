#!/usr/bin/env python3
"""scipy baselines for the fits of issue 4, on the SAME samples as `benches/stats.rs`.

The Rust bench writes its two fixed-seed samples of 10^5 values (one value per line,
shortest round-trip decimal, i.e. the exact f64s) to target/bench-samples/:
  t3.csv        Student t(3), loc 0, scale 1    (hsgd rng::stream(1, 0))
  stable15.csv  symmetric alpha-stable, alpha = 1.5, S1 (hsgd rng::stream(2, 0))
so run `cargo bench --bench stats` (or `HSGD_CPU_TIME=1 cargo bench --bench stats`) first.

1. scipy.stats.t.fit on all 10^5 values of t3 (`repeats` times; min and median).
2. scipy.stats.levy_stable.fit (its defaults: S1, McCulloch start, Nelder-Mead `fmin` on the
   likelihood, pdf by Nolan's piecewise integration) on the first m values of stable15 for
   each m in `stable_sizes`, each in a child process killed after `limit` seconds of wall
   time. On 10^5 values the fit would take hours, so it is NOT run there; instead one
   log-likelihood evaluation is timed at `eval_size` values, and the fit's cost at 10^5 is
   EXTRAPOLATED as (likelihood evaluations the largest finished fit used) x (one
   evaluation at eval_size) x 10^5 / eval_size (the pdf cost is linear in the number of
   points). The output labels that number as an extrapolation.

Times: CPU seconds of the fitting thread (time.thread_time(), comparable with the Rust
bench's /proc/thread-self/schedstat on a loaded machine) and wall seconds.

Usage (crate root):
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 bench/scipy_fits.py \
      [--repeats 3] [--stable-sizes 500,2000] [--limit 600] [--eval-size 10000]
"""
import argparse
import multiprocessing as mp
import os
import time

import numpy as np
import scipy
from scipy import optimize
from scipy.stats import levy_stable, t

SAMPLES = os.path.join("target", "bench-samples")


def load(name):
    return np.loadtxt(os.path.join(SAMPLES, name + ".csv"))


def timed(f):
    c0, t0 = time.thread_time(), time.perf_counter()
    out = f()
    return out, time.thread_time() - c0, time.perf_counter() - t0


def t_fit(x, repeats):
    cpu, wall = [], []
    for _ in range(repeats):
        (df, loc, scale), c, w = timed(lambda: t.fit(x))
        cpu.append(c)
        wall.append(w)
    loglik = np.sum(t.logpdf(x, df, loc, scale))
    print(
        f"scipy t.fit n={len(x)}: df {df:.5f} loc {loc:.5f} scale {scale:.5f} "
        f"loglik {loglik:.3f}; {repeats} repeats: cpu min {min(cpu):.3f} s, "
        f"median {np.median(cpu):.3f} s; wall min {min(wall):.3f} s, "
        f"median {np.median(wall):.3f} s",
        flush=True,
    )


def stable_fit_child(x, queue):
    """Runs levy_stable.fit with scipy's default optimizer (fmin), counting evaluations."""
    evaluations = [0]

    def counting_fmin(func, x0, args=(), disp=0):
        def counted(theta, *a):
            evaluations[0] += 1
            return func(theta, *a)

        return optimize.fmin(counted, x0, args=args, disp=disp)

    params, c, w = timed(lambda: levy_stable.fit(x, optimizer=counting_fmin))
    queue.put((tuple(float(p) for p in params), c, w, evaluations[0]))


def stable_fit(x, limit):
    queue = mp.Queue()
    child = mp.Process(target=stable_fit_child, args=(x, queue))
    t0 = time.perf_counter()
    child.start()
    child.join(limit)
    if child.is_alive():
        child.terminate()
        child.join()
        print(
            f"scipy levy_stable.fit n={len(x)}: NOT FINISHED within the {limit:.0f} s wall "
            f"limit (killed after {time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
        return None
    (alpha, beta, loc, scale), c, w, evals = queue.get()
    print(
        f"scipy levy_stable.fit n={len(x)}: alpha {alpha:.4f} beta {beta:.4f} "
        f"loc {loc:.4f} scale {scale:.4f}; {evals} likelihood evaluations; "
        f"cpu {c:.1f} s, wall {w:.1f} s",
        flush=True,
    )
    return evals


def stable_eval(x):
    """One negative log-likelihood evaluation at the true parameters (S1, as fit uses)."""
    nll, c, w = timed(lambda: -np.sum(levy_stable.logpdf(x, 1.5, 0.0, 0.0, 1.0)))
    print(
        f"scipy levy_stable one log-likelihood evaluation, n={len(x)}: "
        f"cpu {c:.2f} s, wall {w:.2f} s (nll {nll:.3f})",
        flush=True,
    )
    return c


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stable-sizes", default="500,2000")
    parser.add_argument("--limit", type=float, default=600.0)
    parser.add_argument("--eval-size", type=int, default=10_000)
    parser.add_argument("--skip-t", action="store_true")
    args = parser.parse_args()
    print(f"scipy {scipy.__version__}, numpy {np.__version__}", flush=True)

    if not args.skip_t:
        t_fit(load("t3"), args.repeats)

    stable = load("stable15")
    evals = None
    for m in [int(s) for s in args.stable_sizes.split(",") if s]:
        evals = stable_fit(stable[:m], args.limit) or evals
    if args.eval_size > 0:
        per_eval = stable_eval(stable[: args.eval_size])
        if evals is not None:
            scale = len(stable) / args.eval_size
            print(
                f"EXTRAPOLATED scipy levy_stable.fit n={len(stable)}: {evals} evaluations x "
                f"{per_eval:.2f} s x {scale:.0f} = {evals * per_eval * scale:.0f} cpu s "
                f"(not measured)",
                flush=True,
            )


if __name__ == "__main__":
    main()
