//! Times the fits on synthetic samples (release build):
//! `cargo run --release --example fits_timing`.

use hsgd::stats::distributions::{Law, PearsonIV, StudentT};
use hsgd::stats::fits::{fit_all, fit_pearson4, fit_student_t, goodness_of_fit, qq_points};
use std::time::Instant;

/// CPU time of this (single-threaded) process in ns, from /proc/self/schedstat (Linux),
/// so a loaded machine does not inflate the numbers.
fn cpu_ns() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

fn time<T>(label: &str, reps: usize, mut f: impl FnMut() -> T) -> T {
    let mut out = f();
    let start = Instant::now();
    let cpu0 = cpu_ns();
    for _ in 0..reps {
        out = f();
    }
    let cpu = (cpu_ns() - cpu0) / 1e6 / reps as f64;
    let ms = start.elapsed().as_secs_f64() * 1e3 / reps as f64;
    println!("{label:<44} wall {ms:9.2} ms   cpu {cpu:9.2} ms");
    out
}

fn main() {
    for (n, df) in [
        (100_000usize, 4.0),
        (100_000, 1.5),
        (100_000, 50.0),
        (1_000, 4.0),
    ] {
        let law = StudentT::new(1.0, 2.0, df).unwrap();
        let mut rng = hsgd::rng::stream(1, 0);
        let x: Vec<f64> = (0..n).map(|_| law.sample(&mut rng)).collect();
        let (loc, scale, d, _) = time(&format!("t MLE (no GoF), n = {n}, ν = {df}"), 5, || {
            hsgd::stats::fits::student_t_mle(&x, None).unwrap()
        });
        println!("    loc {loc:.4} scale {scale:.4} df {d:.4}");
        time(&format!("fit_student_t (with GoF), n = {n}"), 3, || {
            fit_student_t(&x).unwrap()
        });
        time(&format!("goodness_of_fit t, n = {n}"), 3, || {
            goodness_of_fit(&x, &law)
        });
        time(&format!("fit_all, n = {n}"), 1, || fit_all(&x).unwrap());
    }
    let p4 = PearsonIV::new(2.5, 1.5, 2.0, 0.5).unwrap();
    let mut rng = hsgd::rng::stream(2, 0);
    let x: Vec<f64> = (0..1000).map(|_| p4.sample(&mut rng)).collect();
    time("fit_pearson4, n = 1000", 3, || fit_pearson4(&x).unwrap());
    time("qq_points Pearson IV, 500 points", 3, || {
        qq_points(&x, &p4, 500)
    });
    time("Pearson IV sample × 10⁵", 3, || {
        (0..100_000).map(|_| p4.sample(&mut rng)).sum::<f64>()
    });
}
