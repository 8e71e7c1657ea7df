//! `hsgd presets` and `--data-rng numpy`, run as a user would.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

use hsgd::report::config::Config;
use hsgd::report::presets::PRESETS;
use serde_json::Value;

fn hsgd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hsgd"))
        .args(args)
        .output()
        .expect("the hsgd binary runs")
}

fn json(args: &[&str]) -> Value {
    let out = hsgd(args);
    assert!(
        out.status.success(),
        "hsgd {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn presets_lists_every_preset_with_its_query() {
    let listed = json(&["presets"]);
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), PRESETS.len());
    for (item, preset) in listed.iter().zip(PRESETS) {
        assert_eq!(item["key"], preset.key);
        assert_eq!(item["name"], preset.name);
        assert_eq!(item["description"], preset.description);
        let query = item["query"].as_str().unwrap();
        assert_eq!(Config::parse_query(query), (preset.config(), vec![]));
    }
}

#[test]
fn data_rng_numpy_gives_the_papers_bounds() {
    // MATH.md §5.3: 𝒳 (γ = 0.02) and 𝒵 (γ = 0.2) drawn by numpy with seed 1.
    let x = json(&[
        "bounds",
        "--data",
        "synthetic",
        "--n",
        "2000",
        "--d",
        "200",
        "--data-rng",
        "numpy",
        "--gamma",
        "0.02",
    ]);
    let z = json(&[
        "bounds",
        "--data",
        "digits-rf",
        "--features",
        "200",
        "--data-rng",
        "numpy",
        "--gamma",
        "0.2",
    ]);
    for (v, lambda_1, upper, lower) in [
        (x, "319.831317", "2.955", "2.909"),
        (z, "93.485640", "3.056", "2.702"),
    ] {
        assert_eq!(format!("{:.6}", v["lambda_1"].as_f64().unwrap()), lambda_1);
        assert_eq!(format!("{:.3}", v["upper"].as_f64().unwrap()), upper);
        assert_eq!(format!("{:.3}", v["lower"].as_f64().unwrap()), lower);
    }
    // The crate's own generator draws another matrix.
    let own = json(&[
        "bounds",
        "--data",
        "synthetic",
        "--n",
        "2000",
        "--d",
        "200",
        "--gamma",
        "0.02",
    ]);
    assert_ne!(
        format!("{:.6}", own["lambda_1"].as_f64().unwrap()),
        "319.831317"
    );
}

#[test]
fn a_numpy_seed_beyond_32_bits_is_refused_by_name() {
    let out = hsgd(&[
        "spectrum",
        "--n",
        "20",
        "--d",
        "3",
        "--data-rng",
        "numpy",
        "--data-seed",
        "4294967296",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("data_seed"), "{message}");
}
