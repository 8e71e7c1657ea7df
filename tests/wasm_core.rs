//! The core pipeline inside a browser (headless Chromium through wasm-bindgen-test-runner;
//! `cargo test --target wasm32-unknown-unknown --tests`, or `wasm-pack test --headless
//! --chrome`). Natively this file is empty.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::field_reassign_with_default)]

use hsgd::report::analysis;
use hsgd::report::config::Config;
use hsgd::report::runs::Silent;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn small_config() -> Config {
    let mut config = Config::default();
    config.n = 100;
    config.d = 10;
    config.runs = 200;
    config.steps = 200;
    config
}

#[wasm_bindgen_test]
fn pipeline_gives_finite_results_in_the_browser() {
    let config = small_config();
    let report = analysis::run(&config, None, &mut Silent).expect("the small config runs");
    assert_eq!((report.n, report.d), (100, 10));
    let s = &report.singular_values;
    assert_eq!(s.len(), 10);
    assert!(s.iter().all(|v| v.is_finite() && *v > 0.0), "{s:?}");
    assert!(s.windows(2).all(|w| w[0] >= w[1]), "not descending: {s:?}");
    // Stable rank Σλ²/λ₁² lies in [1, rank].
    assert!(report.stable_rank >= 1.0 && report.stable_rank <= 10.0);
    let sgd = report.sgd.expect("SGD was simulated");
    assert_eq!(sgd.runs + sgd.diverged, 200);
    assert!(sgd.runs >= 2);
    assert!(sgd.mean.is_finite());
    assert!(sgd.centred.iter().all(|v| v.is_finite()));
    // Centred values average to zero up to rounding.
    let scale = sgd.centred.iter().map(|v| v.abs()).fold(0.0, f64::max);
    let sum: f64 = sgd.centred.iter().sum();
    assert!(sum.abs() <= 1e-9 * scale * sgd.runs as f64, "sum {sum}");
}

#[wasm_bindgen_test]
fn same_seed_same_numbers_in_the_browser() {
    let config = small_config();
    let a = analysis::run(&config, None, &mut Silent).unwrap();
    let b = analysis::run(&config, None, &mut Silent).unwrap();
    assert_eq!(a, b);
    let mut other = config.clone();
    other.seed = 2;
    let c = analysis::run(&other, None, &mut Silent).unwrap();
    assert_ne!(a.sgd.unwrap().centred, c.sgd.unwrap().centred);
}

#[wasm_bindgen_test]
fn bad_parameters_name_their_field() {
    let mut config = small_config();
    config.gamma = -1.0;
    assert_eq!(
        analysis::run(&config, None, &mut Silent).unwrap_err().field,
        "gamma"
    );
    let mut config = small_config();
    config.batch = 101;
    assert_eq!(
        analysis::run(&config, None, &mut Silent).unwrap_err().field,
        "batch"
    );
}

#[wasm_bindgen_test]
fn url_query_round_trips() {
    let mut config = small_config();
    config.gamma = 0.0125;
    config.seed = 99;
    assert_eq!(
        Config::from_query(&format!("?{}", config.to_query())),
        config
    );
}
