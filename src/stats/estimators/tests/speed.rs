//! Speed checks for the page (ignored by default; run in release).

use super::*;

/// Speed check for the page: all estimators on 10⁵ values must take well under 50 ms
/// natively in release. Run with
/// `cargo test --release --lib estimators::tests::speed::estimate_all_is_fast -- --ignored --nocapture`.
#[test]
#[ignore]
fn estimate_all_is_fast() {
    let x = student_t(3, 100_000, &mut rng::stream(25, 0));
    let start = std::time::Instant::now();
    let reps = 10;
    for seed in 0..reps {
        std::hint::black_box(estimate_all(&x, None, seed).unwrap());
    }
    let per_call = start.elapsed().as_secs_f64() / reps as f64;
    println!("estimate_all on 1e5 values: {:.1} ms", per_call * 1e3);
    assert!(per_call < 0.025, "{per_call} s");
}

/// Speed check for the page: the run bootstrap (200 resamples) of 2000 values must take
/// well under 50 ms natively in release. Run with
/// `cargo test --release --lib estimators::tests::speed::run_bootstrap_is_fast -- --ignored --nocapture`.
#[test]
#[ignore]
fn run_bootstrap_is_fast() {
    let x = student_t(3, 2000, &mut rng::stream(26, 0));
    let k = hill_tail(&x, Tail::Both, None).unwrap().k.unwrap();
    let start = std::time::Instant::now();
    let reps = 10;
    for seed in 0..reps {
        std::hint::black_box(
            run_bootstrap(&x, 1, k, RUN_BOOTSTRAP_REPLICATES, 0.95, seed).unwrap(),
        );
    }
    let per_call = start.elapsed().as_secs_f64() / reps as f64;
    println!("run_bootstrap on 2000 values: {:.1} ms", per_call * 1e3);
    assert!(per_call < 0.025, "{per_call} s");
}
