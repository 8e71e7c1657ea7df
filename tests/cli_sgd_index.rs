//! `hsgd sgd-index` on a data set the Rust code did not make: `tests/fixtures/kesten/`
//! holds a CSV (response in the last column, used as given) and the γ at which α_SGD = 2
//! and = 4 for B = 1, computed by numpy from the explicit second- and fourth-moment maps
//! (`make_fixtures.py`). The CLI must find α_SGD = 4 within 0.2 and α_SGD = 2 within 0.1
//! there (MATH.md §4.3), and the same exact threshold.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

use serde_json::Value;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/kesten/data.csv"
);
const REFERENCE: &str = include_str!("fixtures/kesten/reference.json");

fn sgd_index(gamma: f64, delta: f64) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_hsgd"))
        .args([
            "sgd-index",
            "--data",
            DATA,
            "--batch",
            "1",
            "--delta",
            &delta.to_string(),
            "--gamma",
            &gamma.to_string(),
        ])
        .output()
        .expect("the hsgd binary runs");
    assert!(
        out.status.success(),
        "hsgd sgd-index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn alpha_four_and_two_where_numpy_says() {
    let reference: Value = serde_json::from_str(REFERENCE).unwrap();
    let delta = reference["delta"].as_f64().unwrap();
    let gamma_2 = reference["gamma_alpha_2"].as_f64().unwrap();
    let gamma_4 = reference["gamma_alpha_4"].as_f64().unwrap();

    let at_4 = sgd_index(gamma_4, delta);
    let alpha = at_4["alpha"].as_f64().expect("a root at γ_4");
    assert!(
        (alpha - 4.0).abs() < 0.2,
        "α_SGD = {alpha} at γ = {gamma_4}"
    );
    assert!(at_4["converged"].as_bool().unwrap(), "{}", at_4["mixing"]);
    // The exact anchors agree with numpy's explicit matrices.
    let threshold = at_4["gamma_alpha_2"].as_f64().unwrap();
    assert!(
        (threshold / gamma_2 - 1.0).abs() < 1e-8,
        "{threshold} vs {gamma_2}"
    );
    let lambda_2 = reference["lambda_2"][1][1].as_f64().unwrap();
    let exact = at_4["lambda_2_exact"].as_f64().unwrap();
    assert!((exact - lambda_2).abs() < 1e-10, "{exact} vs {lambda_2}");

    let at_2 = sgd_index(gamma_2, delta);
    let alpha = at_2["alpha"].as_f64().expect("a root at γ_2");
    assert!(
        (alpha - 2.0).abs() < 0.1,
        "α_SGD = {alpha} at γ = {gamma_2}"
    );
    for key in [
        "alpha",
        "alpha_lower_bound",
        "alpha_std_err",
        "lambda",
        "lambda_2_exact",
        "gamma_alpha_2",
        "converged",
        "mixing",
    ] {
        assert!(at_2.get(key).is_some(), "key {key} missing");
    }
    for point in at_2["lambda"].as_array().unwrap() {
        assert!(point["s"].is_f64() && point["value"].is_f64() && point["std_err"].is_f64());
    }
}
