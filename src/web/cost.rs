//! How long a job will take, estimated before it runs: the page re-runs a job by itself
//! after an edit when the part of its time that grows with the parameters
//! ([`scaling_ms`]: the SVD, the simulation's work as the budget check counts it,
//! [`Config::simulation_work`], and the loss curve) is under [`LIVE_MS`]; a larger job
//! waits for Run, and the status says how long the whole job ([`estimated_ms`]) would
//! take. [`budget_note`] states the memory and work limits under Run.
//!
//! Plain Rust (no DOM): the rates are measurements, the shapes come from the config or the
//! data set's known shape.

use super::format::{format_decimals, superscript, thousands};
use crate::model::problem::DIGITS_SHAPE;
use crate::report::config::{Config, DataKind, MAX_ITERATE_ENTRIES, MAX_MATRIX_ENTRIES, MAX_WORK};

/// A job re-runs by itself when the part of its estimated time that grows with the
/// parameters (SVD, simulation, loss curve) is under this (ms): about a second still feels
/// live. The estimators and fits add a roughly constant [`ANALYSIS_MS`] on top (the
/// default experiment: about 0.4 s of simulation and 1.2 s of fits), left out of the
/// threshold so the default stays live.
pub const LIVE_MS: f64 = 1000.0;
/// Element operations of a simulation per millisecond. Measured on the release page in
/// headless Chromium on the 2-core test machine: SGD 2·10⁸ operations in 0.31–0.41 s,
/// hSGD 8·10⁹ in 18.7 s; rounded down so the estimate errs long.
const OPS_PER_MS: f64 = 4e5;
/// Floating-point operations of the SVD per millisecond (about 4·n·d·min(n, d) of
/// them): digits 1797 × 64 in 0.12 s, random features 1797 × 1000 in 24.7 s.
const SVD_FLOPS_PER_MS: f64 = 2.5e5;
/// Estimators and fits of one method (ms): 0.6–2.1 s measured alike, for 300 to 20000
/// runs (the α-stable fit dominates, and does not grow with the runs).
const ANALYSIS_MS: f64 = 1500.0;
/// Runs with a loss curve and its points ([`crate::model::simulation::Record`]'s defaults): each point
/// costs f(x), 2·n·d operations.
const LOSS_RUNS: f64 = 4.0;
const LOSS_POINTS: usize = 200;

/// Rows n and columns d of the design matrix `config` describes, when known without
/// building it; `csv` is the user's file's shape once it parsed.
pub fn data_shape(config: &Config, csv: Option<(usize, usize)>) -> Option<(usize, usize)> {
    match config.data {
        DataKind::Synthetic | DataKind::Spectrum => Some((config.n, config.d)),
        DataKind::Digits => Some(DIGITS_SHAPE),
        DataKind::DigitsRf => Some((DIGITS_SHAPE.0, config.features)),
        DataKind::Csv => csv,
    }
}

/// Estimated time (ms) of the part of a job on a design matrix of `n` × `d` that grows
/// with the parameters: the SVD, the simulation ([`Config::simulation_work`], the budget
/// check's estimate) and the loss curve.
pub fn scaling_ms(config: &Config, n: usize, d: usize) -> f64 {
    let (n, d) = (n as f64, d as f64);
    let svd = 4.0 * n * d * n.min(d) / SVD_FLOPS_PER_MS;
    let loss = methods(config) * LOSS_RUNS * config.steps.min(LOSS_POINTS) as f64 * 2.0 * n * d;
    svd + (config.simulation_work(d as usize) + loss) / OPS_PER_MS
}

/// Estimated wall time of a whole job (ms): [`scaling_ms`] and the estimators and fits.
pub fn estimated_ms(config: &Config, n: usize, d: usize) -> f64 {
    scaling_ms(config, n, d) + methods(config) * ANALYSIS_MS
}

/// How many dynamics the job simulates (and analyses).
fn methods(config: &Config) -> f64 {
    config.method.dynamics().len() as f64
}

/// The memory and work budget, as stated under Run (from the constants in `config`).
pub fn budget_note() -> String {
    let exponent = libm::floor(libm::log10(MAX_WORK));
    let mantissa = MAX_WORK / libm::pow(10.0, exponent);
    let minutes = MAX_WORK / OPS_PER_MS / 60_000.0;
    format!(
        "Limits: n·d ≤ {} matrix entries, runs·d ≤ {} stored iterate values, work ≤ {}·10{} operations (about {:.0} min here).",
        thousands(MAX_MATRIX_ENTRIES as f64),
        thousands(MAX_ITERATE_ENTRIES as f64),
        format_decimals(mantissa, 3),
        superscript(exponent as i64),
        minutes
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::config::Method;

    #[test]
    fn shapes_come_from_the_config_or_the_data() {
        let mut c = Config::default();
        assert_eq!(data_shape(&c, None), Some((c.n, c.d)));
        c.data = DataKind::Digits;
        assert_eq!(data_shape(&c, None), Some((1797, 64)));
        c.data = DataKind::DigitsRf;
        assert_eq!(data_shape(&c, None), Some((1797, c.features)));
        c.data = DataKind::Csv;
        assert_eq!(data_shape(&c, None), None);
        assert_eq!(data_shape(&c, Some((30, 4))), Some((30, 4)));
    }

    #[test]
    fn both_methods_cost_twice_the_analysis() {
        let mut c = Config::default();
        let one = estimated_ms(&c, c.n, c.d) - scaling_ms(&c, c.n, c.d);
        c.method = Method::Both;
        let two = estimated_ms(&c, c.n, c.d) - scaling_ms(&c, c.n, c.d);
        assert_eq!((one, two), (ANALYSIS_MS, 2.0 * ANALYSIS_MS));
    }

    #[test]
    fn the_budget_note_states_the_limits() {
        let note = budget_note();
        assert!(note.contains("n·d ≤ 4,000,000 matrix entries"), "{note}");
        assert!(note.contains("2·10¹¹ operations"), "{note}");
    }
}
