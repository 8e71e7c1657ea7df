//! What the fits' unit tests share: samples and reference values from the fixture file.

use crate::stats::distributions::testing::fixtures;

/// A sample from the fixture file.
pub fn sample(name: &str) -> Vec<f64> {
    fixtures()["samples"][name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

/// A number from the fixture file's `fits` section.
pub fn reference(sample: &str, fit: &str, key: &str) -> f64 {
    fixtures()["fits"][sample][fit][key].as_f64().unwrap()
}
