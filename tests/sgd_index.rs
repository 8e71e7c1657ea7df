//! SGD's own tail index α_SGD against its exact anchors (MATH.md §4.3), natively
//! (`cargo test --test sgd_index`) and in headless Chromium (`cargo test --target
//! wasm32-unknown-unknown --test sgd_index`, or `wasm-pack test --headless --chrome`).
//!
//! - Where the exact fourth-moment map has ρ(E[M^{⊗4}]) = 1, α_SGD = 4 (within 0.2), and
//!   the Monte Carlo Λ̂(4) is 0 within its standard error plus the O(1/N) bias.
//! - At the exact second-moment threshold (ρ(T) = 1), α_SGD = 2 (within 0.1), and Λ̂(2)
//!   equals the exact log ρ(T).
//! - The same seed gives bit-identical numbers on every target: the values stored in
//!   `tests/fixtures/sgd_index.json` (f64 bit patterns, written by this code natively with
//!   `HSGD_WRITE_FIXTURES=1 cargo test --test sgd_index`).

use hsgd::model::discrete::SecondMomentMap;
use hsgd::model::problem::Problem;
use hsgd::model::sgd_index::{fourth_moment_growth, sgd_index, IndexParams, SgdIndex};
use hsgd::model::spectrum::Spectrum;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::*;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("fixtures/sgd_index.json");
const KESTEN_DATA: &str = include_str!("fixtures/kesten/data.csv");
const KESTEN_REFERENCE: &str = include_str!("fixtures/kesten/reference.json");

/// The anchors' data: 200 × 4 synthetic rows (rank 4, so E[M^{⊗4}] is 256 × 256), ridge
/// δ = 0.01, B = 1.
const DELTA: f64 = 0.01;

fn anchor_problem() -> (Problem, Spectrum) {
    let problem = Problem::synthetic(200, 4, 3).expect("a small problem");
    let spectrum = Spectrum::new(&problem).expect("its SVD");
    (problem, spectrum)
}

fn index_at(problem: &Problem, spectrum: &Spectrum, gamma: f64) -> SgdIndex {
    let params = IndexParams::new(gamma, 1, DELTA, false, 1);
    sgd_index(problem, spectrum, &params, &mut |_, _| true).expect("α_SGD")
}

fn lambda_at(index: &SgdIndex, s: f64) -> (f64, f64) {
    let p = index
        .lambda
        .iter()
        .min_by(|a, b| (a.s - s).abs().total_cmp(&(b.s - s).abs()))
        .expect("values of Λ̂");
    assert!(
        (p.s - s).abs() < 1e-12,
        "Λ̂({s}) was not evaluated: {:?}",
        index.lambda
    );
    (p.value, p.std_err)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn alpha_is_four_where_the_fourth_moment_map_has_radius_one() {
    let (problem, spectrum) = anchor_problem();
    let map = SecondMomentMap::new(&problem, &spectrum, 1, DELTA, false).unwrap();
    // Λ(4) rises through 0 below the second-moment threshold (Λ(4) ≥ 2Λ(2) > 0 above it).
    let (mut lo, mut hi) = (0.25 * map.threshold().unwrap(), map.threshold().unwrap());
    let growth = |gamma: f64| fourth_moment_growth(&problem, &spectrum, gamma, DELTA).unwrap();
    assert!(growth(lo) < 0.0 && growth(hi) > 0.0);
    for _ in 0..30 {
        let mid = 0.5 * (lo + hi);
        if growth(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let gamma_4 = 0.5 * (lo + hi);
    let index = index_at(&problem, &spectrum, gamma_4);
    let alpha = index.alpha.expect("a root");
    assert!(
        (alpha - 4.0).abs() < 0.2,
        "α_SGD = {alpha} at γ = {gamma_4}"
    );
    assert!(index.converged, "K·θ_min = {}", index.mixing);
    // Λ̂(4) against the exact 0: its standard error plus what the Richardson step leaves of
    // the cloning bias O(1/N) (0.005 here with 500 walkers before that step).
    let (value, se) = lambda_at(&index, 4.0);
    assert!(value.abs() < 4.0 * se + 0.01, "Λ̂(4) = {value} ± {se}");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn alpha_is_two_at_the_second_moment_threshold() {
    let (problem, spectrum) = anchor_problem();
    let map = SecondMomentMap::new(&problem, &spectrum, 1, DELTA, false).unwrap();
    let gamma_2 = map.threshold().unwrap();
    let index = index_at(&problem, &spectrum, gamma_2);
    let alpha = index.alpha.expect("a root");
    assert!(
        (alpha - 2.0).abs() < 0.1,
        "α_SGD = {alpha} at γ = {gamma_2}"
    );
    assert!((index.gamma_alpha_2.unwrap() - gamma_2).abs() < 1e-12);
    assert!(index.lambda_2_exact.unwrap().abs() < 1e-8);
    let (value, se) = lambda_at(&index, 2.0);
    assert!(value.abs() < 4.0 * se + 0.002, "Λ̂(2) = {value} ± {se}");
    // Below the threshold the exact Λ(2) is negative and the Monte Carlo agrees.
    let below = index_at(&problem, &spectrum, 0.8 * gamma_2);
    let exact = below.lambda_2_exact.unwrap();
    let (value, se) = lambda_at(&below, 2.0);
    assert!(exact < 0.0);
    assert!(
        (value - exact).abs() < 4.0 * se + 0.002,
        "Λ̂(2) = {value} ± {se}, exact {exact}"
    );
    assert!(below.alpha.expect("a root") > 2.0);
}

/// Every f64 of an index as its bit pattern, in a fixed order.
fn bit_patterns(index: &SgdIndex) -> Vec<String> {
    let mut values = vec![
        index.alpha.unwrap_or(f64::NAN),
        index.alpha_std_err.unwrap_or(f64::NAN),
        index.mixing,
    ];
    for p in &index.lambda {
        values.extend([p.s, p.value, p.std_err]);
    }
    values
        .iter()
        .map(|v| format!("{:#018x}", v.to_bits()))
        .collect()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn same_seed_same_bits_on_every_target() {
    let problem = Problem::synthetic(60, 3, 4).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let mut params = IndexParams::new(1.9, 2, 0.02, true, 9);
    params.walkers = 64;
    params.replicas = 3;
    let index = sgd_index(&problem, &spectrum, &params, &mut |_, _| true).unwrap();
    let got = bit_patterns(&index);
    let again = bit_patterns(&sgd_index(&problem, &spectrum, &params, &mut |_, _| true).unwrap());
    assert_eq!(got, again, "one seed, two answers");
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("HSGD_WRITE_FIXTURES").is_some() {
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "comment": "α_SGD of Problem::synthetic(60, 3, 4), γ = 1.9, B = 2 with replacement, δ = 0.02, seed 9, 64 walkers × 3 replicas: alpha, alpha_std_err, mixing, then (s, value, std_err) of each Λ̂, as f64 bit patterns. Written by tests/sgd_index.rs.",
            "bits": got,
        }))
        .unwrap();
        std::fs::write("tests/fixtures/sgd_index.json", text + "\n").unwrap();
        return;
    }
    let fixture: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let stored: Vec<String> = serde_json::from_value(fixture["bits"].clone()).unwrap();
    assert_eq!(
        got, stored,
        "the numbers changed (or differ on this target)"
    );
}

/// The exact second- and fourth-moment growth on `tests/fixtures/kesten/data.csv` against
/// numpy's explicit Kronecker matrices (`make_fixtures.py`).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn exact_growth_matches_numpy() {
    let reference: serde_json::Value = serde_json::from_str(KESTEN_REFERENCE).unwrap();
    let delta = reference["delta"].as_f64().unwrap();
    let problem = Problem::from_csv(KESTEN_DATA, None, hsgd::report::config::Preprocess::None)
        .expect("the CSV");
    let spectrum = Spectrum::new(&problem).unwrap();
    let map = SecondMomentMap::new(&problem, &spectrum, 1, delta, false).unwrap();
    for pair in reference["lambda_2"].as_array().unwrap() {
        let (gamma, expected) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
        let got = libm::log(map.range_spectral_radius(gamma).unwrap());
        assert!(
            (got - expected).abs() < 1e-10,
            "Λ(2) at γ = {gamma}: {got} vs {expected}"
        );
    }
    for pair in reference["lambda_4"].as_array().unwrap() {
        let (gamma, expected) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
        let got = fourth_moment_growth(&problem, &spectrum, gamma, delta).unwrap();
        assert!(
            (got - expected).abs() < 1e-10,
            "Λ(4) at γ = {gamma}: {got} vs {expected}"
        );
    }
}
