//! Bit-for-bit determinism of the simulators (DESIGN.md, Randomness), natively and in wasm.
//!
//! The same seed gives the same bits; splitting the runs into chunks gives the same bits
//! (checked in the unit tests of `sgd` and `hsgd` too); and the numbers below, stored in
//! `tests/fixtures/determinism.json`, must come out identically on every target.
//!
//! # Fixture format (`tests/fixtures/determinism.json`)
//!
//! ```text
//! { "comment": "...",
//!   "cases": [ { "name": "sgd", "kind": "sgd" | "hsgd" | "ziggurat" | "polar" | "spectrum",
//!                "problem": { "n": 30, "d": 5, "seed": 1 },   // Problem::synthetic(n, d, seed)
//!                "gamma", "batch", "delta", "steps", "replacement" (sgd),
//!                "substeps", "coupling": "coupled" | "independent" (hsgd),
//!                "seed": 7, "runs": 3,                        // runs 0..runs
//!                "values": { "finals": [...], "finals_svd": [...], ... } }, ... ] }
//! ```
//!
//! Every number in `values` is an f64 written as its IEEE-754 bit pattern, a `u64` in hex
//! (`"0x3fe0000000000000"` is 0.5): `finals` are the final iterates of runs 0..runs,
//! row-major (runs × d); `finals_svd` the same in SVD coordinates (hSGD); `normals` the
//! first draws of `rng::stream(seed, 0)`; `singular_values` those of the problem.
//! The values are produced by this very code (there is no other implementation to
//! compare with); the point is that they never change silently and are the same natively
//! and in wasm. To regenerate after an intended change of numbers:
//! `HSGD_WRITE_FIXTURES=1 cargo test --test sim_determinism` (native only).
//! A wasm test can reuse [`compute_cases`] and [`compare`] as they are: they use no I/O.
//! This file is itself a wasm test: `cargo test --target wasm32-unknown-unknown --test
//! sim_determinism` runs it in headless Chromium, where every case must be bit-identical to
//! the native run.

use hsgd::model::hsgd::{self as homogenized, Coupling, HsgdParams};
use hsgd::model::problem::Problem;
use hsgd::model::sgd::{self, SgdParams};
use hsgd::model::simulation::Record;
use hsgd::model::spectrum::Spectrum;
use hsgd::rng;
use serde_json::{json, Value};

/// The stored fixture (compiled in, so the wasm build needs no file access).
const FIXTURE: &str = include_str!("fixtures/determinism.json");

fn bits(values: &[f64]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|v| Value::String(format!("{:#018x}", v.to_bits())))
            .collect(),
    )
}

fn problem() -> Problem {
    Problem::synthetic(30, 5, 1).unwrap()
}

fn sgd_case(name: &str, batch: usize, delta: f64, replacement: bool) -> Value {
    let params = SgdParams {
        gamma: 0.1,
        batch,
        delta,
        steps: 100,
        replacement,
    };
    let sim = sgd::simulate(
        &problem(),
        &params,
        7,
        0..3,
        &Record::default(),
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(sim.finished.len(), 3);
    json!({
        "name": name, "kind": "sgd", "problem": { "n": 30, "d": 5, "seed": 1 },
        "gamma": params.gamma, "batch": batch, "delta": delta, "steps": params.steps,
        "replacement": replacement, "seed": 7, "runs": 3,
        "values": { "finals": bits(&sim.finals) }
    })
}

fn hsgd_case(name: &str, coupling: Coupling) -> Value {
    let spectrum = Spectrum::new(&problem()).unwrap();
    let params = HsgdParams {
        gamma: 0.1,
        batch: 1,
        delta: 0.01,
        steps: 100,
        substeps: 4,
        coupling,
    };
    let sim = homogenized::simulate(
        &spectrum,
        &params,
        7,
        0..3,
        &Record::default(),
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(sim.finished.len(), 3);
    json!({
        "name": name, "kind": "hsgd", "problem": { "n": 30, "d": 5, "seed": 1 },
        "gamma": params.gamma, "batch": 1, "delta": params.delta, "steps": params.steps,
        "substeps": params.substeps,
        "coupling": if coupling == Coupling::Coupled { "coupled" } else { "independent" },
        "seed": 7, "runs": 3,
        "values": {
            "finals": bits(&sim.finals),
            "finals_svd": bits(sim.finals_svd.as_ref().unwrap())
        }
    })
}

/// Every case of the fixture, computed now.
pub fn compute_cases() -> Value {
    let mut stream = rng::stream(7, 0);
    let zig: Vec<f64> = (0..16)
        .map(|_| rng::ziggurat().sample(&mut stream))
        .collect();
    let mut stream = rng::stream(7, 0);
    let mut polar = vec![0.0; 16];
    rng::fill_standard_normal(&mut stream, &mut polar);
    let spectrum = Spectrum::new(&problem()).unwrap();
    json!({
        "comment": "f64 values as IEEE-754 bit patterns (u64 hex); format and regeneration: tests/sim_determinism.rs",
        "cases": [
            { "name": "ziggurat", "kind": "ziggurat", "seed": 7,
              "values": { "normals": bits(&zig) } },
            { "name": "polar", "kind": "polar", "seed": 7,
              "values": { "normals": bits(&polar) } },
            { "name": "spectrum", "kind": "spectrum", "problem": { "n": 30, "d": 5, "seed": 1 },
              "values": { "singular_values": bits(&spectrum.singular_values),
                          "alpha": bits(&spectrum.alpha), "beta": bits(&[spectrum.beta]) } },
            sgd_case("sgd", 1, 0.0, false),
            sgd_case("sgd-batch-ridge-replacement", 4, 0.01, true),
            sgd_case("sgd-batch-without-replacement", 3, 0.0, false),
            hsgd_case("hsgd", Coupling::Coupled),
            hsgd_case("hsgd-independent", Coupling::Independent),
        ]
    })
}

/// Compares computed cases with stored ones; returns one line per mismatch.
pub fn compare(computed: &Value, stored: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let empty = Vec::new();
    let stored_cases = stored["cases"].as_array().unwrap_or(&empty);
    for case in computed["cases"].as_array().unwrap_or(&empty) {
        let name = &case["name"];
        let Some(old) = stored_cases.iter().find(|c| &c["name"] == name) else {
            problems.push(format!("case {name} is missing from the fixture"));
            continue;
        };
        for (key, values) in case["values"].as_object().into_iter().flatten() {
            let before = &old["values"][key];
            if before != values {
                let first = values
                    .as_array()
                    .zip(before.as_array())
                    .and_then(|(a, b)| a.iter().zip(b).position(|(x, y)| x != y));
                problems.push(format!(
                    "case {name}, {key}: differs (first differing index {first:?}; lengths {} vs {})",
                    values.as_array().map_or(0, Vec::len),
                    before.as_array().map_or(0, Vec::len)
                ));
            }
        }
    }
    problems
}

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn simulations_reproduce_the_stored_bits() {
    let computed = compute_cases();
    // The same seed twice gives the same bits.
    assert_eq!(computed, compute_cases());
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("HSGD_WRITE_FIXTURES").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/determinism.json"
        );
        let text = serde_json::to_string_pretty(&computed).unwrap() + "\n";
        std::fs::write(path, text).unwrap();
        return;
    }
    let stored: Value = serde_json::from_str(FIXTURE).unwrap();
    let problems = compare(&computed, &stored);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_changed_seed_is_noticed() {
    // The comparison can fail: perturb one case and it must be reported.
    let computed = compute_cases();
    let mut altered = computed.clone();
    altered["cases"][3]["values"]["finals"][4] = Value::String("0x0000000000000000".into());
    let problems = compare(&computed, &altered);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("index Some(4)"), "{problems:?}");
}
