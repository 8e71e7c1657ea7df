//! Times each fit on a sample read from a file (one value per line), release build:
//! `cargo run --release --example fit_probe -- FILE [REPS]`.
//! Get a page-like sample with `hsgd run '<query>'` (the `centred` values of `sgd`).

use hsgd::stats::fits::{fit_gaussian, fit_pearson4, fit_stable_law, fit_student_t};
use std::time::Instant;

fn cpu_ns() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

fn time<T: std::fmt::Debug>(label: &str, reps: usize, mut f: impl FnMut() -> T) {
    let mut best = (f64::INFINITY, f64::INFINITY);
    let mut out = None;
    for _ in 0..reps {
        let (t, c) = (Instant::now(), cpu_ns());
        out = Some(f());
        let cpu = (cpu_ns() - c) / 1e6;
        let wall = t.elapsed().as_secs_f64() * 1e3;
        best = (best.0.min(wall), best.1.min(cpu));
    }
    println!(
        "{label:<14} wall {:9.2} ms  cpu {:9.2} ms  {:?}",
        best.0,
        best.1,
        out.unwrap()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("a file of values");
    let reps = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let x: Vec<f64> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
    println!("n = {}", x.len());
    time("gaussian", reps, || fit_gaussian(&x).unwrap().gof.loglik);
    time("student_t", reps, || fit_student_t(&x).unwrap().law);
    time("pearson4", reps, || fit_pearson4(&x).unwrap().law);
    time("stable", reps, || fit_stable_law(&x).unwrap().law);
    time("fit_all", reps, || {
        hsgd::stats::fits::fit_all(&x).unwrap().stable.gof.loglik
    });
}
