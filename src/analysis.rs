//! The pipeline Config → Problem → Spectrum → simulation → analysis → [`Report`]
//! (DESIGN.md). The report is what the page's numbers panel, the CLI's JSON and the
//! exports all print, so they cannot disagree.
//!
//! The core has no clock and no I/O: time and progress go through an [`Observer`] that the
//! caller supplies (the CLI uses `std::time::Instant`, the worker `performance.now()`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{Basis, Config, DataKind, Method, SpectrumShape};
use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::sgd::{self, SgdParams};
use crate::spectrum::Spectrum;

/// Receives progress and supplies the time; returning `false` from [`Observer::progress`]
/// cancels the computation.
pub trait Observer {
    /// Milliseconds since an arbitrary origin.
    fn now_ms(&self) -> f64;
    /// `done` of `total` units of work are finished; return false to cancel.
    fn progress(&mut self, done: usize, total: usize) -> bool;
}

/// An observer for tests and batch use: no clock, never cancels.
pub struct Silent;

impl Observer for Silent {
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn progress(&mut self, _done: usize, _total: usize) -> bool {
        true
    }
}

/// The results of one simulated method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimReport {
    /// "sgd" or "hsgd".
    pub method: String,
    /// Runs that finished with a finite iterate.
    pub runs: usize,
    /// Runs whose iterate overflowed.
    pub diverged: usize,
    /// Mean of the inspected coordinate over the finished runs.
    pub mean: f64,
    /// The inspected coordinate of each finished run's final iterate, centred (minus `mean`).
    pub centred: Vec<f64>,
}

/// Everything the page, the CLI and the exports show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The parameters that produced this report.
    pub config: Config,
    /// Description of the data.
    pub problem: String,
    /// Rows of A.
    pub n: usize,
    /// Columns of A.
    pub d: usize,
    /// Nonzero singular values of A, descending.
    pub singular_values: Vec<f64>,
    /// Stable rank Σλ_i²/λ_1².
    pub stable_rank: f64,
    /// SGD results, when simulated.
    pub sgd: Option<SimReport>,
    /// hSGD results, when simulated.
    pub hsgd: Option<SimReport>,
    /// Milliseconds each stage took.
    pub timings_ms: BTreeMap<String, f64>,
}

/// Builds the problem a config describes (`csv` holds the text of a user's CSV).
pub fn build_problem(config: &Config, csv: Option<&str>) -> Result<Problem> {
    match config.data {
        DataKind::Synthetic => Problem::synthetic(config.n, config.d, config.data_seed),
        DataKind::Spectrum => {
            let parameter = match config.shape {
                SpectrumShape::PowerLaw => config.decay,
                SpectrumShape::Condition => config.condition,
            };
            Problem::with_spectrum(
                config.n,
                config.d,
                config.data_seed,
                config.shape,
                parameter,
            )
        }
        DataKind::Digits => Problem::digits(),
        DataKind::DigitsRf => Problem::digits_random_features(config.features, config.data_seed),
        DataKind::Csv => match csv {
            Some(text) => Problem::from_csv(text, config.response, config.preprocess),
            None => Err(Error::new("csv", "choose a CSV file first")),
        },
    }
}

/// Runs the whole pipeline for `config`.
pub fn run(config: &Config, csv: Option<&str>, observer: &mut dyn Observer) -> Result<Report> {
    config.validate()?;
    let mut timings = BTreeMap::new();
    let t0 = observer.now_ms();
    let problem = build_problem(config, csv)?;
    let t1 = observer.now_ms();
    timings.insert("data".to_string(), t1 - t0);
    if config.batch > problem.n() {
        return Err(Error::new(
            "batch",
            format!(
                "the batch size {} exceeds the number of rows n = {}",
                config.batch,
                problem.n()
            ),
        ));
    }
    let spectrum = Spectrum::new(&problem)?;
    let t2 = observer.now_ms();
    timings.insert("svd".to_string(), t2 - t1);
    if config.coordinate >= problem.d() {
        return Err(Error::new(
            "coordinate",
            format!("the coordinate index must be below d = {}", problem.d()),
        ));
    }
    let sgd = if matches!(config.method, Method::Sgd | Method::Both) {
        let report = simulate_sgd(config, &problem, &spectrum, observer)?;
        timings.insert("sgd".to_string(), observer.now_ms() - t2);
        Some(report)
    } else {
        None
    };
    Ok(Report {
        config: config.clone(),
        problem: problem.name.clone(),
        n: problem.n(),
        d: problem.d(),
        singular_values: spectrum.singular_values.clone(),
        stable_rank: spectrum.stable_rank(),
        sgd,
        hsgd: None,
        timings_ms: timings,
    })
}

fn simulate_sgd(
    config: &Config,
    problem: &Problem,
    spectrum: &Spectrum,
    observer: &mut dyn Observer,
) -> Result<SimReport> {
    let params = SgdParams {
        gamma: config.gamma,
        batch: config.batch,
        delta: config.delta,
        steps: config.steps,
        replacement: config.replacement,
    };
    let direction: Vec<f64> = match config.basis {
        Basis::Svd => spectrum
            .v
            .column(config.coordinate)
            .iter()
            .copied()
            .collect(),
        Basis::Original => (0..problem.d())
            .map(|j| if j == config.coordinate { 1.0 } else { 0.0 })
            .collect(),
    };
    let mut values = Vec::with_capacity(config.runs);
    let mut diverged = 0;
    for r in 0..config.runs {
        match sgd::run(problem, &params, config.seed, r as u64) {
            Some(x) => values.push(x.iter().zip(&direction).map(|(x, q)| x * q).sum::<f64>()),
            None => diverged += 1,
        }
        let reported = (r + 1) % 50 == 0 || r + 1 == config.runs;
        if reported && !observer.progress(r + 1, config.runs) {
            return Err(Error::new("run", "cancelled"));
        }
    }
    if values.len() < 2 {
        return Err(Error::new(
            "gamma",
            format!(
                "SGD diverged in {diverged} of {} runs: the learning rate γ = {} is past the stability limit",
                config.runs, config.gamma
            ),
        ));
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let centred = values.iter().map(|v| v - mean).collect();
    Ok(SimReport {
        method: "sgd".into(),
        runs: values.len(),
        diverged,
        mean,
        centred,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_runs_end_to_end_and_is_deterministic() {
        let mut config = Config::default();
        config.runs = 40;
        config.steps = 200;
        let a = run(&config, None, &mut Silent).unwrap();
        let b = run(&config, None, &mut Silent).unwrap();
        assert_eq!(a, b);
        let sgd = a.sgd.unwrap();
        assert_eq!(sgd.runs + sgd.diverged, 40);
        assert!(sgd.centred.iter().all(|v| v.is_finite()));
        assert_eq!(a.singular_values.len(), 50);
    }

    #[test]
    fn batch_larger_than_n_is_an_error() {
        let mut config = Config::default();
        config.n = 10;
        config.d = 3;
        config.batch = 11;
        assert_eq!(run(&config, None, &mut Silent).unwrap_err().field, "batch");
    }
}
