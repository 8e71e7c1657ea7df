//! The page's input side in a browser (src/web/live.rs, cost.rs, stability.rs,
//! format.rs): which controls show per data set, the γ formatting of the slider, the
//! budget note, the auto re-run threshold, the stability limit and the divergence note.
//! Natively this file is empty.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::field_reassign_with_default)]

use hsgd::report::analysis;
use hsgd::report::config::{Config, DataKind, SpectrumShape};
use hsgd::report::runs::Silent;
use hsgd::web::cost::{budget_note, scaling_ms, LIVE_MS};
use hsgd::web::format::{format_bytes, format_gamma, thousands};
use hsgd::web::live::relevant;
use hsgd::web::stability::{divergence_note, stability_limit};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn controls_shown_per_data_set() {
    let mut c = Config::default();
    assert!(relevant("n", &c) && relevant("data_seed", &c) && !relevant("features", &c));
    assert!(relevant("data_rng", &c));
    assert!(!relevant("csv", &c) && !relevant("response", &c) && !relevant("substeps", &c));
    c.data = DataKind::Spectrum;
    assert!(relevant("decay", &c) && !relevant("condition", &c) && !relevant("data_rng", &c));
    c.shape = SpectrumShape::Condition;
    assert!(!relevant("decay", &c) && relevant("condition", &c));
    c.data = DataKind::Csv;
    assert!(relevant("csv", &c) && relevant("preprocess", &c) && !relevant("n", &c));
    c.embed = true;
    assert!(relevant("gamma", &c) && relevant("batch", &c));
    assert!(!relevant("csv", &c) && !relevant("runs", &c) && !relevant("data", &c));
}

#[wasm_bindgen_test]
fn numbers_for_people() {
    // 10^-1.5 = 0.0316228 (three significant digits), trailing zeros dropped.
    assert_eq!(format_gamma(libm::pow(10.0, -1.5)), "0.0316");
    assert_eq!(format_gamma(0.05), "0.05");
    assert_eq!(format_gamma(1.0), "1");
    assert_eq!(format_gamma(12.345), "12.3");
    assert_eq!(thousands(4_000_000.0), "4,000,000");
    assert_eq!(thousands(999.0), "999");
    assert_eq!(format_bytes(812.0), "812 B");
    assert_eq!(format_bytes(7_900.0), "7.9 kB");
    let note = budget_note();
    assert!(note.contains("n·d ≤ 4,000,000 matrix entries"), "{note}");
    assert!(note.contains("runs·d ≤ 20,000,000"), "{note}");
    assert!(note.contains("2·10¹¹ operations"), "{note}");
}

#[wasm_bindgen_test]
fn the_default_is_live_and_a_large_job_is_not() {
    let mut c = Config::default();
    assert!(scaling_ms(&c, c.n, c.d) <= LIVE_MS);
    c.runs = 200_000;
    assert!(scaling_ms(&c, c.n, c.d) > LIVE_MS);
    // Digits with 2000 random features: the SVD alone is tens of seconds.
    let c = Config::default();
    assert!(scaling_ms(&c, 1797, 2000) > 10.0 * LIVE_MS);
}

#[wasm_bindgen_test]
fn stability_limit_and_divergence_note() {
    let mut c = Config::default();
    c.n = 60;
    c.d = 8;
    c.runs = 100;
    c.steps = 50;
    let report = analysis::run(&c, None, &mut Silent).unwrap();
    // Same config: the core's own γ₂.
    let limit = stability_limit(&c, Some(&report), None).unwrap();
    assert!((limit - report.bounds.gamma_2).abs() <= 1e-12 * limit);
    // γ₂ = 2B/Σh_i (δ = 0) is linear in B (MATH.md §3.2).
    let mut doubled = c.clone();
    doubled.batch = 2;
    let limit_2 = stability_limit(&doubled, Some(&report), None).unwrap();
    assert!((limit_2 - 2.0 * limit).abs() <= 1e-12 * limit);
    // Other data: unknown.
    let mut other = c.clone();
    other.data_seed = 2;
    assert!(stability_limit(&other, Some(&report), None).is_none());
    // Below the limit and no run diverged: no note.
    let mut below = c.clone();
    below.gamma = 0.5 * limit;
    assert!(divergence_note(&below, Some(&report), None).is_none());
    // Past the limit, the note names it and says what to do.
    let mut past = c.clone();
    past.gamma = 2.0 * limit;
    let note = divergence_note(&past, Some(&report), None).unwrap();
    assert!(note.contains("past the stability limit γ₂"), "{note}");
    assert!(note.contains(&format_gamma(limit)), "{note}");
    assert!(note.contains("Lower γ"), "{note}");
}
