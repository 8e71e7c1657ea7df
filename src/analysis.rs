//! The pipeline Config → Problem → Spectrum → simulation → analysis → [`Report`]
//! (DESIGN.md). The report is what the page's numbers panel, the CLI's JSON and the
//! exports all print, so they cannot disagree.
//!
//! The core has no clock and no I/O: time and progress go through an [`Observer`] that the
//! caller supplies (the CLI uses `std::time::Instant`, the worker `performance.now()`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bounds::{Bounds, BoundsModel};
use crate::config::{
    Basis, Config, DataKind, Method, SpectrumShape, MAX_ITERATE_ENTRIES, MAX_WORK,
};
use crate::distributions::FittedLaw;
use crate::error::{Error, Result};
use crate::estimators::{self, AllEstimates};
use crate::fits::{self, Fits};
use crate::hsgd::{Coupling, Hsgd, HsgdParams};
use crate::pearson::{self, Chi};
use crate::problem::Problem;
use crate::sgd::{Record, Sgd, SgdParams, Simulation, CANCELLED};
use crate::sgd_index::{self, IndexParams, SgdIndex};
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

/// Where a measured tail index lies relative to the hSGD bounds [η_*, η*].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Heavier than the diffusion model's lower bound predicts.
    BelowLower,
    /// Between the bounds, as Theorems 3.2–3.3 predict for hSGD.
    Inside,
    /// Lighter than the diffusion model's upper bound (MATH.md §5.4: typical of discrete
    /// SGD on the paper's settings).
    AboveUpper,
    /// Below the upper bound when the lower bound is not proven (γ ≥ γ̄): the only claim
    /// the theory makes there, η ≤ η*, holds.
    BelowUpper,
}

impl Verdict {
    /// The verdict for a measured tail index `alpha` against `bounds`.
    pub fn of(alpha: f64, bounds: &Bounds) -> Verdict {
        if alpha > bounds.upper {
            Verdict::AboveUpper
        } else if !bounds.lower_valid {
            Verdict::BelowUpper
        } else if alpha < bounds.lower {
            Verdict::BelowLower
        } else {
            Verdict::Inside
        }
    }

    /// One line for the page and the CLI.
    pub fn sentence(&self, method: &str, alpha: f64, bounds: &Bounds) -> String {
        let range = format!("[{:.3}, {:.3}]", bounds.lower, bounds.upper);
        match self {
            Verdict::Inside => format!(
                "{method}: measured tail index {alpha:.3} lies inside the diffusion-model bounds {range}"
            ),
            Verdict::AboveUpper => format!(
                "{method}: measured tail index {alpha:.3} lies above the diffusion-model bounds {range}: lighter tails than hSGD predicts"
            ),
            Verdict::BelowUpper => format!(
                "{method}: measured tail index {alpha:.3} lies below the diffusion-model upper bound {:.3}; the lower bound is proven only for γ < γ̄ = {:.4}",
                bounds.upper, bounds.gamma_critical
            ),
            Verdict::BelowLower => format!(
                "{method}: measured tail index {alpha:.3} lies below the diffusion-model bounds {range}: heavier tails than hSGD predicts"
            ),
        }
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
    /// Tail-index estimates of the centred coordinate (MATH.md §4.2).
    pub estimates: Option<AllEstimates>,
    /// Fitted laws of the centred coordinate with goodness of fit.
    pub fits: Option<Fits>,
    /// Where Hill's estimate lies relative to the bounds.
    pub verdict: Option<Verdict>,
    /// The verdict as a sentence.
    pub verdict_text: Option<String>,
    /// The steps at which the loss curve was recorded.
    pub loss_steps: Vec<usize>,
    /// f(x) at those steps, averaged over the first few runs.
    pub loss: Vec<f64>,
    /// Why an analysis is missing (e.g. a constant sample), for the page to show.
    pub notes: Vec<String>,
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
    /// Rank of A.
    pub rank: usize,
    /// Nonzero singular values of A, descending.
    pub singular_values: Vec<f64>,
    /// Stable rank Σλ_i²/λ_1².
    pub stable_rank: f64,
    /// The minimum f(x*) of the ridge objective, the floor of the loss curve
    /// (`Spectrum::min_loss`).
    pub min_loss: Option<f64>,
    /// The paper's bounds: the tail index of the diffusion model (hSGD), MATH.md §3.
    pub bounds: Bounds,
    /// The Pearson stationary law the theory predicts for the inspected SVD coordinate,
    /// centred at its mean (MATH.md §2.3); `None` for an original coordinate, a
    /// null-space direction or a law without a finite mean.
    pub theory: Option<FittedLaw>,
    /// SGD results, when simulated.
    pub sgd: Option<SimReport>,
    /// hSGD results, when simulated.
    pub hsgd: Option<SimReport>,
    /// SGD's own tail index α_SGD (MATH.md §4.3), whenever SGD is simulated; the page
    /// receives it after the plots, as a stage of its own ([`index_stage`]).
    #[serde(default)]
    pub sgd_index: Option<SgdIndex>,
    /// Why `sgd_index` is missing although SGD was simulated.
    #[serde(default)]
    pub sgd_index_note: Option<String>,
    /// Milliseconds each stage took.
    pub timings_ms: BTreeMap<String, f64>,
}

/// The estimators and fitted laws of one sample (`hsgd estimate`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampleReport {
    /// Tail-index estimates (n, median, hill, pickands, moment, stable_index, …).
    #[serde(flatten)]
    pub estimates: AllEstimates,
    /// Fitted laws (gaussian, student_t, skew_t, stable) with goodness of fit.
    #[serde(flatten)]
    pub fits: Fits,
}

/// All estimators and fits of a raw sample.
///
/// # Errors
/// A sample the estimators or fits reject (too small, constant, not finite), or a bad k.
pub fn analyse_sample(sample: &[f64], hill_k: Option<usize>, seed: u64) -> Result<SampleReport> {
    Ok(SampleReport {
        estimates: estimators::estimate_all(sample, hill_k, seed)?,
        fits: fits::fit_all(sample)?,
    })
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

/// The problem, its SVD and the bounds: everything before a simulation.
pub struct Prepared {
    /// The data.
    pub problem: Problem,
    /// Its SVD.
    pub spectrum: Spectrum,
    /// The bounds at the config's γ, B, δ.
    pub bounds: BoundsModel,
}

/// Builds and checks the problem, its spectrum and the bounds for `config`; the errors
/// name the field to fix (batch larger than n, coordinate out of range, …).
pub fn prepare(config: &Config, csv: Option<&str>) -> Result<Prepared> {
    config.validate()?;
    let problem = build_problem(config, csv)?;
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
    if config.coordinate >= problem.d() {
        return Err(Error::new(
            "coordinate",
            format!(
                "the coordinate index must be below d = {} (0-based)",
                problem.d()
            ),
        ));
    }
    let work = config.simulation_work(problem.d());
    if work > MAX_WORK {
        return Err(Error::new(
            "runs",
            format!(
                "this simulation needs about {work:.1e} operations, over the budget of {MAX_WORK:.0e} (minutes of computing); use fewer runs, steps or sub-steps"
            ),
        ));
    }
    if config.runs.saturating_mul(problem.d()) > MAX_ITERATE_ENTRIES {
        return Err(Error::new(
            "runs",
            format!("runs × d exceeds the memory budget of {MAX_ITERATE_ENTRIES} stored values"),
        ));
    }
    let spectrum = Spectrum::new(&problem)?;
    let bounds = BoundsModel::from_spectrum(&spectrum, config.gamma, config.batch, config.delta)?;
    Ok(Prepared {
        problem,
        spectrum,
        bounds,
    })
}

/// The α_SGD settings for `config`: its γ, B, δ, sampling scheme and seed, and the default
/// Monte Carlo budget ([`IndexParams::new`]), the same on the page and in the CLI.
pub fn index_params(config: &Config) -> IndexParams {
    IndexParams::new(
        config.gamma,
        config.batch,
        config.delta,
        config.replacement,
        config.seed,
    )
}

/// SGD's own tail index α_SGD for `config` (MATH.md §4.3), with progress and cancellation
/// through `observer`.
///
/// # Errors
/// The Monte Carlo's budget or parameters, or cancellation.
pub fn sgd_index(
    config: &Config,
    prepared: &Prepared,
    observer: &mut dyn Observer,
) -> Result<SgdIndex> {
    sgd_index::sgd_index(
        &prepared.problem,
        &prepared.spectrum,
        &index_params(config),
        &mut |done, total| observer.progress(done, total),
    )
}

/// The α_SGD of a report, computed after the rest of it (see [`run_without_fits`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexStage {
    /// α_SGD, `None` when it could not be computed (see `note`).
    pub index: Option<SgdIndex>,
    /// Why it is missing.
    pub note: Option<String>,
    /// Milliseconds it took.
    pub ms: f64,
}

/// α_SGD for `config` as a stage of its own; `None` when the config does not simulate SGD.
/// A failure other than cancellation becomes the stage's note, not an error, so the rest of
/// the report stands.
///
/// # Errors
/// Cancellation only.
pub fn index_stage(
    config: &Config,
    prepared: &Prepared,
    observer: &mut dyn Observer,
) -> Result<Option<IndexStage>> {
    if config.method == Method::Hsgd {
        return Ok(None);
    }
    let t0 = observer.now_ms();
    let (index, note) = match sgd_index(config, prepared, observer) {
        Ok(index) => (Some(index), None),
        Err(e) if e.field == CANCELLED => return Err(e),
        Err(e) => (None, Some(format!("α_SGD: {}", e.message))),
    };
    Ok(Some(IndexStage {
        index,
        note,
        ms: observer.now_ms() - t0,
    }))
}

/// Puts an [`index_stage`] into the report, as [`run`] would have.
pub fn merge_index(report: &mut Report, stage: IndexStage) {
    report.sgd_index = stage.index;
    report.sgd_index_note = stage.note;
    report.timings_ms.insert("sgd index".to_string(), stage.ms);
}

/// Runs the whole pipeline for `config`.
pub fn run(config: &Config, csv: Option<&str>, observer: &mut dyn Observer) -> Result<Report> {
    run_staged(config, csv, observer, true)
}

/// The pipeline without the fitted laws (`fits: None` in every [`SimReport`]) and without
/// α_SGD: the page draws its plots from this at once and adds the fits, the slowest stage,
/// when [`fit_stage`] has computed them (merged by [`merge_fits`]), then α_SGD
/// ([`index_stage`], [`merge_index`]). Everything else equals [`run`]'s report.
pub fn run_without_fits(
    config: &Config,
    csv: Option<&str>,
    observer: &mut dyn Observer,
) -> Result<Report> {
    run_staged(config, csv, observer, false)
}

/// The fitted laws of one method's centred sample, computed after the rest of the report
/// (see [`run_without_fits`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitStage {
    /// "sgd" or "hsgd".
    pub method: String,
    /// The fits, `None` when the sample cannot be fitted (see `note`).
    pub fits: Option<Fits>,
    /// Why the fits are missing, for [`SimReport::notes`].
    pub note: Option<String>,
    /// Milliseconds the fits took.
    pub ms: f64,
}

/// Fits the laws to the centred sample of `method` in `report` (`None` when the report
/// has no such method). The same numbers as [`run`] computes.
pub fn fit_stage(report: &Report, method: &str, observer: &dyn Observer) -> Option<FitStage> {
    let sim = match method {
        "sgd" => report.sgd.as_ref(),
        "hsgd" => report.hsgd.as_ref(),
        _ => None,
    }?;
    let t0 = observer.now_ms();
    let (fits, note) = fit_centred(&sim.centred);
    Some(FitStage {
        method: method.to_string(),
        fits,
        note,
        ms: observer.now_ms() - t0,
    })
}

/// Puts the fits of [`fit_stage`] into the report, as [`run`] would have: the fits, the
/// note and the "<method> fits" timing.
pub fn merge_fits(report: &mut Report, stage: FitStage) {
    let sim = match stage.method.as_str() {
        "sgd" => report.sgd.as_mut(),
        "hsgd" => report.hsgd.as_mut(),
        _ => None,
    };
    if let Some(sim) = sim {
        sim.fits = stage.fits;
        sim.notes.extend(stage.note);
        report
            .timings_ms
            .insert(format!("{} fits", stage.method), stage.ms);
    }
}

/// The fits of a centred sample, or the reason there are none.
fn fit_centred(centred: &[f64]) -> (Option<Fits>, Option<String>) {
    match fits::fit_all(centred) {
        Ok(f) => (Some(f), None),
        Err(e) => (None, Some(format!("fits: {}", e.message))),
    }
}

fn run_staged(
    config: &Config,
    csv: Option<&str>,
    observer: &mut dyn Observer,
    with_fits: bool,
) -> Result<Report> {
    let mut timings = BTreeMap::new();
    let t0 = observer.now_ms();
    let prepared = prepare(config, csv)?;
    let t1 = observer.now_ms();
    timings.insert("data + svd".to_string(), t1 - t0);
    let bounds = prepared.bounds.summary();
    let methods = simulated_methods(config);
    let mut sgd = None;
    let mut hsgd = None;
    for (index, method) in methods.iter().enumerate() {
        let start = observer.now_ms();
        let simulation = simulate(config, &prepared, method, index, methods.len(), observer)?;
        let t_sim = observer.now_ms();
        timings.insert(format!("{method} simulation"), t_sim - start);
        let report = analyse(
            config,
            &prepared,
            method,
            &simulation,
            &bounds,
            &mut timings,
            observer,
        )?;
        let report = if with_fits {
            let t_fits = observer.now_ms();
            let mut report = report;
            let (fits, note) = fit_centred(&report.centred);
            report.fits = fits;
            report.notes.extend(note);
            timings.insert(format!("{method} fits"), observer.now_ms() - t_fits);
            report
        } else {
            report
        };
        if *method == "sgd" {
            sgd = Some(report);
        } else {
            hsgd = Some(report);
        }
    }
    let mut report = assemble(config, &prepared, bounds, sgd, hsgd, timings);
    if with_fits {
        if let Some(stage) = index_stage(config, &prepared, observer)? {
            merge_index(&mut report, stage);
        }
    }
    Ok(report)
}

/// The methods a config simulates, in report order: "sgd", "hsgd" or both.
pub fn simulated_methods(config: &Config) -> &'static [&'static str] {
    match config.method {
        Method::Sgd => &["sgd"],
        Method::Hsgd => &["hsgd"],
        Method::Both => &["sgd", "hsgd"],
    }
}

/// The report from its parts: the one place a [`Report`] is put together.
fn assemble(
    config: &Config,
    prepared: &Prepared,
    bounds: Bounds,
    sgd: Option<SimReport>,
    hsgd: Option<SimReport>,
    timings_ms: BTreeMap<String, f64>,
) -> Report {
    Report {
        config: config.clone(),
        problem: prepared.problem.name.clone(),
        n: prepared.problem.n(),
        d: prepared.problem.d(),
        rank: prepared.spectrum.rank(),
        singular_values: prepared.spectrum.singular_values.clone(),
        stable_rank: prepared.spectrum.stable_rank(),
        min_loss: Some(prepared.spectrum.min_loss(config.delta)).filter(|f| f.is_finite()),
        theory: theory_law(config, prepared),
        bounds,
        sgd,
        hsgd,
        sgd_index: None,
        sgd_index_note: None,
        timings_ms,
    }
}

/// Simulates `method` ("sgd" or "hsgd") for all of the config's runs. `index` of `count`
/// methods scales the progress reported to `observer`.
pub fn simulate(
    config: &Config,
    prepared: &Prepared,
    method: &str,
    index: usize,
    count: usize,
    observer: &mut dyn Observer,
) -> Result<Simulation> {
    let total_all = (config.runs * config.steps * count) as u64;
    let offset = (config.runs * config.steps * index) as u64;
    let mut progress =
        |done: u64, _total: u64| observer.progress((offset + done) as usize, total_all as usize);
    simulate_runs(config, prepared, method, 0..config.runs, &mut progress)
}

/// Runs `runs` of `method` ("sgd" or "hsgd") with the config's parameters (no trajectory
/// kept); cancellation becomes an error about `run`. The one place the integrators are
/// set up from a config.
fn simulate_runs(
    config: &Config,
    prepared: &Prepared,
    method: &str,
    runs: std::ops::Range<usize>,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Simulation> {
    let record = Record {
        trajectory_run: None,
        ..Record::default()
    };
    let result = if method == "sgd" {
        let params = SgdParams {
            gamma: config.gamma,
            batch: config.batch,
            delta: config.delta,
            steps: config.steps,
            replacement: config.replacement,
        };
        Sgd::new(&prepared.problem, &params)?.simulate(config.seed, runs, &record, progress)
    } else {
        let params = HsgdParams {
            gamma: config.gamma,
            batch: config.batch,
            delta: config.delta,
            steps: config.steps,
            substeps: config.substeps,
            coupling: Coupling::Coupled,
        };
        Hsgd::new(&prepared.spectrum, &params)?.simulate(config.seed, runs, &record, progress)
    };
    result.map_err(|e| {
        if e.field == CANCELLED {
            Error::new("run", "cancelled")
        } else {
            e
        }
    })
}

/// `runs` runs split into at most `parts` contiguous ranges of nearly equal length, in
/// order (for several workers: run r draws from `rng::stream(seed, r)` wherever it runs, so
/// the parts merged in order with [`Simulation::merge`] equal one simulation of all runs).
pub fn split_runs(runs: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.clamp(1, runs.max(1));
    (0..parts)
        .map(|i| (i * runs / parts)..((i + 1) * runs / parts))
        .filter(|r| !r.is_empty())
        .collect()
}

/// Simulates runs `runs` of `method` ("sgd" or "hsgd") with the config's parameters, as
/// [`simulate`] does for all runs; progress in SGD steps of this part. The final iterates
/// are reduced to the inspected coordinate ([`Simulation::reduce_to`]): all the analysis
/// needs, and d times less for the workers to copy.
///
/// # Errors
/// Bad parameters; cancellation (field `run`).
pub fn simulate_part(
    config: &Config,
    prepared: &Prepared,
    method: &str,
    runs: std::ops::Range<usize>,
    observer: &mut dyn Observer,
) -> Result<Simulation> {
    let mut progress = |done: u64, total: u64| observer.progress(done as usize, total as usize);
    let mut simulation = simulate_runs(config, prepared, method, runs, &mut progress)?;
    let inspected = inspected_coordinate(config, prepared, &simulation);
    simulation.reduce_to(inspected);
    Ok(simulation)
}

/// The report of `config` from simulations made elsewhere: `simulations` holds one
/// simulation of all the config's runs per method, in report order (SGD, then hSGD), e.g.
/// parts from several workers merged in order. Equal to [`run_without_fits`]'s report but
/// for the simulation timings, which are the caller's to add; the fits follow with
/// [`fit_stage`].
///
/// # Errors
/// As [`run`]; a simulation count that does not match the config's method (field `run`).
pub fn report_from_simulations(
    config: &Config,
    csv: Option<&str>,
    simulations: Vec<Simulation>,
    observer: &mut dyn Observer,
) -> Result<Report> {
    let mut timings = BTreeMap::new();
    let t0 = observer.now_ms();
    let prepared = prepare(config, csv)?;
    timings.insert("data + svd".to_string(), observer.now_ms() - t0);
    let bounds = prepared.bounds.summary();
    let methods = simulated_methods(config);
    if simulations.len() != methods.len() {
        return Err(Error::new(
            "run",
            format!(
                "expected {} simulations, one per method, got {}",
                methods.len(),
                simulations.len()
            ),
        ));
    }
    let (mut sgd, mut hsgd) = (None, None);
    for (method, simulation) in methods.iter().zip(&simulations) {
        let report = analyse(
            config,
            &prepared,
            method,
            simulation,
            &bounds,
            &mut timings,
            observer,
        )?;
        if *method == "sgd" {
            sgd = Some(report);
        } else {
            hsgd = Some(report);
        }
    }
    Ok(assemble(config, &prepared, bounds, sgd, hsgd, timings))
}

/// The inspected coordinate of every finished run: q_iᵀx (SVD basis) or x_i.
pub fn inspected_coordinate(
    config: &Config,
    prepared: &Prepared,
    simulation: &Simulation,
) -> Vec<f64> {
    if let Some(values) = &simulation.inspected {
        return values.clone();
    }
    match config.basis {
        Basis::Svd => match simulation.svd_coordinate(config.coordinate) {
            Some(values) => values,
            None => {
                let q: Vec<f64> = prepared
                    .spectrum
                    .v
                    .column(config.coordinate)
                    .iter()
                    .copied()
                    .collect();
                simulation.project(&q)
            }
        },
        Basis::Original => simulation
            .finals
            .chunks_exact(simulation.d)
            .map(|x| x[config.coordinate])
            .collect(),
    }
}

fn analyse(
    config: &Config,
    prepared: &Prepared,
    method: &str,
    simulation: &Simulation,
    bounds: &Bounds,
    timings: &mut BTreeMap<String, f64>,
    observer: &mut dyn Observer,
) -> Result<SimReport> {
    let label = if method == "sgd" { "SGD" } else { "hSGD" };
    let values = inspected_coordinate(config, prepared, simulation);
    let diverged = simulation.diverged.len();
    if values.len() < 2 {
        return Err(Error::new(
            "gamma",
            format!(
                "{label} diverged in {diverged} of {} runs: the learning rate γ = {} is past the stability limit (hSGD's second moment is finite only for γ < γ₂ = {:.4}); lower γ or raise the batch size B",
                config.runs, config.gamma, bounds.gamma_2
            ),
        ));
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let centred: Vec<f64> = values.iter().map(|v| v - mean).collect();
    let mut notes = Vec::new();
    if diverged > 0 {
        notes.push(format!(
            "{diverged} of {} {label} runs diverged and are left out",
            config.runs
        ));
    }
    let t0 = observer.now_ms();
    let estimates = match estimators::estimate_all(&centred, config.hill_k, config.seed) {
        Ok(e) => Some(e),
        Err(e) => {
            notes.push(format!("tail-index estimators: {}", e.message));
            None
        }
    };
    let t1 = observer.now_ms();
    timings.insert(format!("{method} estimators"), t1 - t0);
    // The fits are added by the caller (now, or later: see `run_without_fits`).
    let alpha = estimates.as_ref().and_then(|e| e.hill.alpha);
    let verdict = alpha.map(|a| Verdict::of(a, bounds));
    let verdict_text = alpha
        .zip(verdict)
        .map(|(a, v)| v.sentence(label, a, bounds));
    let loss_steps = simulation.times.clone();
    let loss = simulation.mean_loss();
    Ok(SimReport {
        method: method.to_string(),
        runs: values.len(),
        diverged,
        mean,
        centred,
        estimates,
        fits: None,
        verdict,
        verdict_text,
        loss_steps,
        loss,
        notes,
    })
}

/// The Pearson IV stationary law of the inspected SVD coordinate, centred at its mean
/// (MATH.md §2.3): Y_i = scale·Z_i with Z_i ~ PIV(m = (ν+1)/2, v = −μ(ν−1), a = 1, 0);
/// shifting by −scale·μ makes the mean zero, like the centred sample.
pub fn theory_law(config: &Config, prepared: &Prepared) -> Option<FittedLaw> {
    if config.basis != Basis::Svd || config.coordinate >= prepared.spectrum.rank() {
        return None;
    }
    let coefficients =
        pearson::coefficients(&prepared.spectrum, config.gamma, config.batch, config.delta).ok()?;
    let c = coefficients.get(config.coordinate)?;
    if c.chi != Chi::One {
        return None;
    }
    let nu = c.nu();
    Some(FittedLaw::PearsonIV {
        m: 0.5 * (nu + 1.0),
        v: -c.mu * (nu - 1.0) * c.scale.signum(),
        a: c.scale.abs(),
        lambda: -c.scale * c.mu,
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

    /// Runs split into parts (as several workers do), merged in order and analysed give
    /// exactly the report of one run of all of them.
    #[test]
    fn parts_merged_in_order_equal_one_run() {
        let mut config = Config::default();
        config.n = 100;
        config.d = 8;
        config.runs = 50;
        config.steps = 100;
        config.substeps = 2;
        config.method = Method::Both;
        let mut whole = run(&config, None, &mut Silent).unwrap();
        let mut whole_without_fits = run_without_fits(&config, None, &mut Silent).unwrap();
        // The simulation timings are the caller's to add, the fit timings differ.
        whole_without_fits
            .timings_ms
            .retain(|stage, _| !stage.ends_with(" simulation"));
        whole
            .timings_ms
            .retain(|stage, _| !stage.ends_with(" simulation"));
        let prepared = prepare(&config, None).unwrap();
        let parts = split_runs(config.runs, 3);
        assert_eq!(parts, vec![0..16, 16..33, 33..50]);
        let simulations: Vec<Simulation> = ["sgd", "hsgd"]
            .iter()
            .map(|method| {
                let mut chunks = parts
                    .iter()
                    .map(|r| simulate_part(&config, &prepared, method, r.clone(), &mut Silent));
                let mut merged = chunks.next().unwrap().unwrap();
                for chunk in chunks {
                    merged.merge(chunk.unwrap()).unwrap();
                }
                merged
            })
            .collect();
        let mut split = report_from_simulations(&config, None, simulations, &mut Silent).unwrap();
        assert_eq!(split, whole_without_fits);
        // The fits, computed after (as the page's worker does), complete it to `run`'s.
        for method in ["sgd", "hsgd"] {
            let stage = fit_stage(&split, method, &Silent).unwrap();
            merge_fits(&mut split, stage);
        }
        for r in [&mut split, &mut whole] {
            r.timings_ms.retain(|stage, _| !stage.ends_with(" fits"));
        }
        assert_eq!(split, whole);
        assert_eq!(split_runs(2, 4), vec![0..1, 1..2]);
    }

    #[test]
    fn fits_merged_later_give_the_same_report() {
        // Only times may differ. (One method: each stable fit costs ~1 s in the dev
        // profile; the hSGD path is the same code.)
        let mut config = Config::default();
        config.runs = 60;
        config.steps = 100;
        let mut full = run(&config, None, &mut Silent).unwrap();
        let mut staged = run_without_fits(&config, None, &mut Silent).unwrap();
        assert!(staged.sgd.as_ref().unwrap().fits.is_none());
        assert!(fit_stage(&staged, "hsgd", &Silent).is_none());
        assert!(fit_stage(&staged, "nonsense", &Silent).is_none());
        let stage = fit_stage(&staged, "sgd", &Silent).unwrap();
        assert!(stage.fits.is_some() && stage.ms >= 0.0);
        merge_fits(&mut staged, stage);
        let keys = |r: &Report| r.timings_ms.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&full), keys(&staged));
        full.timings_ms.clear();
        staged.timings_ms.clear();
        assert_eq!(full, staged);
    }

    #[test]
    fn verdict_claims_only_what_the_bounds_prove() {
        let config = Config::default();
        let mut bounds = prepare(&config, None).unwrap().bounds.summary();
        bounds.lower = 2.0;
        bounds.upper = 3.0;
        bounds.lower_valid = true;
        assert_eq!(Verdict::of(3.5, &bounds), Verdict::AboveUpper);
        assert_eq!(Verdict::of(2.5, &bounds), Verdict::Inside);
        assert_eq!(Verdict::of(1.5, &bounds), Verdict::BelowLower);
        bounds.lower_valid = false;
        assert_eq!(Verdict::of(3.5, &bounds), Verdict::AboveUpper);
        assert_eq!(Verdict::of(2.5, &bounds), Verdict::BelowUpper);
        assert_eq!(Verdict::of(1.5, &bounds), Verdict::BelowUpper);
        assert!(Verdict::BelowUpper
            .sentence("SGD", 1.5, &bounds)
            .contains("proven only for γ < γ̄"));
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
