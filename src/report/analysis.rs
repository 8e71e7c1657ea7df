//! The pipeline Config → Problem → Spectrum → simulation → analysis → [`Report`]
//! (DESIGN.md). The report is what the page's numbers panel, the CLI's JSON and the
//! exports all print, so they cannot disagree.
//!
//! The core has no clock and no I/O: time and progress go through an [`Observer`] that the
//! caller supplies (the CLI uses `std::time::Instant`, the worker `performance.now()`).
//! Over 700 lines: the report's types and its stages (report, fits, α_SGD, timeline
//! frames) are kept in one place so that every consumer reads one definition.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{short, short_fixed, Error, Result};
use crate::model::bounds::Bounds;
use crate::model::pearson::{Chi, PearsonCoefficients};
use crate::model::sgd_index::{self, IndexParams, SgdIndex};
use crate::model::simulation::{Simulation, CANCELLED};
use crate::report::config::Dynamics::Hsgd;
use crate::report::config::{Config, Dynamics, Method};
use crate::report::convex_order::{self, ConvexOrder, InspectedPearson};
use crate::report::evolution::Evolution;
use crate::report::runs::{inspected_coordinate, prepare, simulate, Observer, Prepared};
use crate::report::verdict::{index_interval, IndexVerdict, Measured, Verdict};
use crate::stats::distributions::FittedLaw;
use crate::stats::estimators::{
    self, AllEstimates, Center, RunBootstrap, RUN_BOOTSTRAP_LEVEL, RUN_BOOTSTRAP_REPLICATES,
};
use crate::stats::fits::{self, qq_points, Fits, QqPoint, QQ_PLOT_POINTS};

/// The stream index (under the config's seed) whose first word seeds the run bootstrap:
/// apart from the run indices 0, 1, 2, …, the estimators' permutation stream (u64::MAX)
/// and the sweep's point seeds.
pub const RUN_BOOTSTRAP_STREAM: u64 = u64::MAX - 1;

fn one() -> usize {
    1
}

/// The results of one simulated method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimReport {
    /// Which dynamics.
    pub method: Dynamics,
    /// Runs that finished with a finite iterate.
    pub runs: usize,
    /// Runs whose iterate overflowed.
    pub diverged: usize,
    /// Iterates S kept per run (the config's `samples_per_run`; 1: the final iterate).
    #[serde(default = "one")]
    pub samples_per_run: usize,
    /// Mean of the inspected coordinate over the kept iterates of the finished runs.
    pub mean: f64,
    /// The inspected coordinate of each kept iterate, centred (minus `mean`): run by run,
    /// S values per run in step order (with S = 1 the final iterates, one per run).
    pub centred: Vec<f64>,
    /// Tail-index estimates of the centred coordinate (MATH.md §4.2); `hill.ci` and
    /// `moment.ci` are the run-bootstrap intervals of `bootstrap`.
    pub estimates: Option<AllEstimates>,
    /// Intervals from a bootstrap over whole runs ([`RUN_BOOTSTRAP_REPLICATES`] resamples,
    /// 95%) for Hill's index on both tails and the moment estimator's ξ, and the tail test
    /// (`power_law_tail`: the ξ interval lies above 0); MATH.md §4.3.
    #[serde(default)]
    pub bootstrap: Option<RunBootstrap>,
    /// Fitted laws of the centred coordinate with goodness of fit.
    pub fits: Option<Fits>,
    /// Where Hill's index lies relative to the diffusion model's bounds, stated only when
    /// its run-bootstrap interval settles it ([`Verdict::of_interval`]): `"below-lower"`,
    /// `"inside"`, `"above-upper"`, `"below-upper"` (γ ≥ γ̄: only η ≤ η* is claimed),
    /// `"inconclusive"` or `"no-power-law-tail"`.
    pub verdict: Option<Verdict>,
    /// For an `"inconclusive"` verdict: about how many runs would settle it (interval width
    /// ∝ 1/√R; capped at [`RUNS_NEEDED_CAP`]).
    #[serde(default)]
    pub verdict_runs_needed: Option<usize>,
    /// The verdict as a sentence.
    pub verdict_text: Option<String>,
    /// Where Hill's index lies relative to SGD's own index α_SGD (MATH.md §4.3), set when
    /// α_SGD is merged into the report ([`merge_index`]), for SGD only
    /// ([`IndexVerdict::of_interval`]): `"above"`, `"inside"`, `"below"`,
    /// `"inconclusive"` or `"no-power-law-tail"`.
    #[serde(default)]
    pub index_verdict: Option<IndexVerdict>,
    /// For an `"inconclusive"` `index_verdict`: about how many runs would settle it.
    #[serde(default)]
    pub index_verdict_runs_needed: Option<usize>,
    /// The verdict against α_SGD as a sentence.
    #[serde(default)]
    pub index_verdict_text: Option<String>,
    /// The inspected coordinate at the timeline's checkpoints, with its variance and Hill
    /// index at each ([`Evolution`]); `None` without checkpoints.
    #[serde(default)]
    pub evolution: Option<Evolution>,
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
    /// The variance of that law, the limit of the timeline's variance (hSGD's; `None`
    /// without a theory law or when it is infinite, ν ≤ 2).
    #[serde(default)]
    pub theory_variance: Option<f64>,
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
    /// The inspected SVD coordinate's Pearson diffusion: θ_i, K·θ_i and why the `theory`
    /// curve can differ from the histograms (MATH.md §2.2, §3.1); `None` as for `theory`.
    #[serde(default)]
    pub pearson: Option<InspectedPearson>,
    /// Theorem 3.1 measured on the inspected coordinate: E|Y_i|^p of hSGD against the
    /// independent Pearson diffusion, when hSGD was simulated in the SVD basis.
    #[serde(default)]
    pub convex_order: Option<ConvexOrder>,
    /// Why `convex_order` is missing although hSGD was simulated.
    #[serde(default)]
    pub convex_order_note: Option<String>,
    /// Milliseconds each stage took.
    pub timings_ms: BTreeMap<String, f64>,
}

impl Report {
    /// The results of `method`, if it was simulated.
    pub fn sim(&self, method: Dynamics) -> Option<&SimReport> {
        match method {
            Dynamics::Sgd => self.sgd.as_ref(),
            Dynamics::Hsgd => self.hsgd.as_ref(),
        }
    }

    /// The results of `method`, mutable.
    pub fn sim_mut(&mut self, method: Dynamics) -> Option<&mut SimReport> {
        match method {
            Dynamics::Sgd => self.sgd.as_mut(),
            Dynamics::Hsgd => self.hsgd.as_mut(),
        }
    }

    /// The simulated methods with their results, in report order.
    pub fn sims(&self) -> impl Iterator<Item = (Dynamics, &SimReport)> {
        Dynamics::ALL
            .into_iter()
            .filter_map(|m| self.sim(m).map(|sim| (m, sim)))
    }

    /// The timeline of the first simulated method that has one (all methods share the
    /// checkpoint steps).
    pub fn evolution(&self) -> Option<&Evolution> {
        self.sims().find_map(|(_, sim)| sim.evolution.as_ref())
    }

    /// The number of timeline frames: the checkpoints C (0 without a timeline).
    pub fn frames(&self) -> usize {
        self.evolution().map_or(0, Evolution::len)
    }

    /// The step of the frame on screen (`config.frame`), when it is a checkpoint.
    pub fn frame_step(&self) -> Option<usize> {
        let evolution = self.evolution()?;
        evolution.steps.get(self.config.frame?).copied()
    }

    /// The report as the timeline shows frame `c`, with `config.frame = Some(c)`.
    ///
    /// - Before the last frame, each method's sample is its centred values at checkpoint
    ///   c, with every estimator computed on them (as for the final sample); the fitted
    ///   laws, run bootstrap and verdicts belong to the final iterates and are left out.
    /// - The last frame (t_C = K) is this report itself: exactly the final-iterate plots.
    ///
    /// `None` when `c` is not a frame.
    pub fn at_frame(&self, c: usize) -> Option<Report> {
        let last = self.frames().checked_sub(1)?;
        if c > last {
            return None;
        }
        let mut frame = self.clone();
        frame.config.frame = Some(c);
        if c == last {
            return Some(frame);
        }
        for method in Dynamics::ALL {
            let Some(sim) = frame.sim_mut(method) else {
                continue;
            };
            // A method without this checkpoint shows nothing rather than its final
            // iterates beside the other method's step.
            let checkpoint = sim
                .evolution
                .as_ref()
                .and_then(|e| Some((e.frame(c), *e.mean.get(c)?, e.k)));
            let Some((centred, mean, k)) = checkpoint else {
                sim.centred = Vec::new();
                sim.estimates = None;
                sim.fits = None;
                continue;
            };
            sim.mean = mean;
            sim.estimates = estimators::estimate_all(&centred, k, self.config.seed).ok();
            sim.centred = centred;
            sim.samples_per_run = 1;
            sim.fits = None;
            sim.bootstrap = None;
            sim.verdict = None;
            sim.verdict_runs_needed = None;
            sim.verdict_text = None;
            sim.index_verdict = None;
            sim.index_verdict_runs_needed = None;
            sim.index_verdict_text = None;
        }
        Some(frame)
    }
}

/// The estimators and fitted laws of one sample (`hsgd estimate`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct SampleReport {
    /// Tail-index estimates (n, median, hill, pickands, moment, stable_index, …).
    pub estimates: AllEstimates,
    /// Fitted laws (gaussian, student_t, skew_t, stable) with goodness of fit.
    pub fits: Fits,
}

crate::formats::flattened_in_json!(SampleReport { estimates, fits });

/// All estimators and fits of a raw sample, the tails measured from `center`.
///
/// # Errors
/// A sample the estimators or fits reject (too small, constant, not finite), or a bad k.
pub fn analyse_sample(
    sample: &[f64],
    center: Center,
    hill_k: Option<usize>,
    seed: u64,
) -> Result<SampleReport> {
    Ok(SampleReport {
        estimates: estimators::estimate_all_about(sample, center, hill_k, seed)?,
        fits: fits::fit_all(sample)?,
    })
}

/// The α_SGD settings for `config`: its γ, B, δ, sampling scheme, seed and steps (which
/// directions the experiment mixes), and the default Monte Carlo budget
/// ([`IndexParams::new`]), the same on the page and in the CLI.
pub fn index_params(config: &Config) -> IndexParams {
    IndexParams {
        experiment_steps: Some(config.steps),
        ..IndexParams::new(
            config.gamma,
            config.batch,
            config.delta,
            config.replacement,
            config.seed,
        )
    }
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
    index_stage_with(config, prepared, observer, index_params(config))
}

/// [`index_stage`] with its Monte Carlo settings given (the sweep leaves out the
/// restricted index, which it does not draw).
///
/// # Errors
/// Cancellation only.
pub fn index_stage_with(
    config: &Config,
    prepared: &Prepared,
    observer: &mut dyn Observer,
    params: IndexParams,
) -> Result<Option<IndexStage>> {
    if config.method == Method::Hsgd {
        return Ok(None);
    }
    let t0 = observer.now_ms();
    let computed = sgd_index::sgd_index(
        &prepared.problem,
        &prepared.spectrum,
        &params,
        &mut |done, total| observer.progress(done, total),
    );
    let (index, note) = match computed {
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

/// Puts an [`index_stage`] into the report, as [`run`] would have, with the verdict of
/// SGD's measured index against α_SGD ([`IndexVerdict::of_interval`]) in the SGD section.
pub fn merge_index(report: &mut Report, stage: IndexStage) {
    report.sgd_index = stage.index;
    report.sgd_index_note = stage.note;
    report.timings_ms.insert("sgd index".to_string(), stage.ms);
    if let Some(sim) = report.sgd.as_mut() {
        let judged = report
            .sgd_index
            .as_ref()
            .and_then(|index| Some((index, index_interval(index)?, sim.measured()?)));
        (
            sim.index_verdict,
            sim.index_verdict_runs_needed,
            sim.index_verdict_text,
        ) = match judged {
            Some((index, interval, measured)) => {
                let (verdict, needed) = IndexVerdict::of_interval(&measured, interval);
                let text = verdict.sentence(Dynamics::Sgd, &measured, needed, index);
                (Some(verdict), needed, Some(text))
            }
            None => (None, None, None),
        };
    }
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
    /// Which dynamics.
    pub method: Dynamics,
    /// The fits, `None` when the sample cannot be fitted (see `note`).
    pub fits: Option<Fits>,
    /// Why the fits are missing, for [`SimReport::notes`].
    pub note: Option<String>,
    /// The sample's QQ points against the laws the QQ plots show (Student t, α-stable),
    /// computed here because a stable law's quantiles take a good part of a second: the
    /// page's thread only draws them.
    pub qq: Vec<(FittedLaw, Vec<QqPoint>)>,
    /// Milliseconds the fits took.
    pub ms: f64,
}

/// Fits the laws to the centred sample of `method` in `report` (`None` when the report
/// has no such method). The same numbers as [`run`] computes.
pub fn fit_stage(report: &Report, method: Dynamics, observer: &dyn Observer) -> Option<FitStage> {
    let sim = report.sim(method)?;
    let t0 = observer.now_ms();
    let (fits, note) = fit_centred(&sim.centred);
    let qq = fits
        .iter()
        .flat_map(|f| [f.student_t.law, f.stable.law])
        .filter_map(|law| {
            let points = qq_points(&sim.centred, law.law().ok()?.as_ref(), QQ_PLOT_POINTS);
            Some((law, points))
        })
        .collect();
    Some(FitStage {
        method,
        fits,
        note,
        qq,
        ms: observer.now_ms() - t0,
    })
}

/// Puts the fits of [`fit_stage`] into the report, as [`run`] would have: the fits, the
/// note and the "<method> fits" timing.
pub fn merge_fits(report: &mut Report, stage: FitStage) {
    if let Some(sim) = report.sim_mut(stage.method) {
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
    let methods = config.method.dynamics();
    let mut sgd = None;
    let mut hsgd = None;
    let mut measured_order = None;
    for (index, method) in methods.iter().enumerate() {
        let start = observer.now_ms();
        let simulation = simulate(config, &prepared, *method, index, methods.len(), observer)?;
        let t_sim = observer.now_ms();
        timings.insert(format!("{method} simulation"), t_sim - start);
        let report = analyse(
            config,
            &prepared,
            *method,
            &simulation,
            &bounds,
            &mut timings,
            observer,
        )?;
        if *method == Hsgd {
            measured_order = Some(measure_order(
                config,
                &prepared,
                &simulation,
                &mut timings,
                observer,
            ));
        }
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
        match method {
            Dynamics::Sgd => sgd = Some(report),
            Dynamics::Hsgd => hsgd = Some(report),
        }
    }
    let mut report = assemble(config, &prepared, bounds, sgd, hsgd, timings);
    (report.convex_order, report.convex_order_note) = measured_order.unwrap_or((None, None));
    if with_fits {
        if let Some(stage) = index_stage(config, &prepared, observer)? {
            merge_index(&mut report, stage);
        }
    }
    Ok(report)
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
        theory_variance: theory_variance(config, prepared),
        pearson: convex_order::inspected_pearson(config, prepared),
        convex_order: None,
        convex_order_note: None,
        bounds,
        sgd,
        hsgd,
        sgd_index: None,
        sgd_index_note: None,
        timings_ms,
    }
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
    let t0 = observer.now_ms();
    let prepared = prepare(config, csv)?;
    let data_ms = observer.now_ms() - t0;
    report_from_prepared(config, &prepared, data_ms, simulations, observer)
}

/// [`report_from_simulations`] with the problem already prepared (in `data_ms`, the time
/// reported for "data + svd").
///
/// # Errors
/// As [`report_from_simulations`].
pub fn report_from_prepared(
    config: &Config,
    prepared: &Prepared,
    data_ms: f64,
    simulations: Vec<Simulation>,
    observer: &mut dyn Observer,
) -> Result<Report> {
    let mut timings = BTreeMap::new();
    timings.insert("data + svd".to_string(), data_ms);
    let bounds = prepared.bounds.summary();
    let methods = config.method.dynamics();
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
    let mut measured_order = None;
    for (method, simulation) in methods.iter().zip(&simulations) {
        if *method == Hsgd {
            measured_order = Some(measure_order(
                config,
                prepared,
                simulation,
                &mut timings,
                observer,
            ));
        }
        let report = analyse(
            config,
            prepared,
            *method,
            simulation,
            &bounds,
            &mut timings,
            observer,
        )?;
        match method {
            Dynamics::Sgd => sgd = Some(report),
            Dynamics::Hsgd => hsgd = Some(report),
        }
    }
    let mut report = assemble(config, prepared, bounds, sgd, hsgd, timings);
    (report.convex_order, report.convex_order_note) = measured_order.unwrap_or((None, None));
    Ok(report)
}

/// Theorem 3.1 on hSGD's `simulation` ([`convex_order::for_method`]), timed as
/// "hsgd convex order".
fn measure_order(
    config: &Config,
    prepared: &Prepared,
    simulation: &Simulation,
    timings: &mut BTreeMap<String, f64>,
    observer: &mut dyn Observer,
) -> (Option<ConvexOrder>, Option<String>) {
    let t0 = observer.now_ms();
    let values = inspected_coordinate(config, prepared, simulation);
    let measured = convex_order::for_method(config, prepared, Hsgd, simulation, &values);
    timings.insert(format!("{Hsgd} convex order"), observer.now_ms() - t0);
    measured
}

fn analyse(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
    simulation: &Simulation,
    bounds: &Bounds,
    timings: &mut BTreeMap<String, f64>,
    observer: &mut dyn Observer,
) -> Result<SimReport> {
    let label = method.label();
    let values = inspected_coordinate(config, prepared, simulation);
    let diverged = simulation.diverged.len();
    let finished = simulation.finished.len();
    if finished < 2 {
        // The ridge alone multiplies every iterate by 1 − γδ per step: past γδ = 2 that
        // diverges whatever the data, and δ is the value to blame.
        if config.gamma * config.delta >= 2.0 {
            return Err(Error::new(
                "delta",
                format!(
                    "{label} diverged in {diverged} of {} runs: with the ridge δ = {} each step multiplies the iterate by 1 − γδ = {}, which must lie in (−1, 1); lower δ (or γ)",
                    config.runs,
                    short(config.delta),
                    short(1.0 - config.gamma * config.delta)
                ),
            ));
        }
        return Err(Error::new(
            "gamma",
            format!(
                "{label} diverged in {diverged} of {} runs: the learning rate γ = {} is past the stability limit (hSGD's second moment is finite only for γ < γ₂ = {}); lower γ or raise the batch size B",
                config.runs,
                short(config.gamma),
                short_fixed(bounds.gamma_2)
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
    let mut estimates = match estimators::estimate_all(&centred, config.hill_k, config.seed) {
        Ok(e) => Some(e),
        Err(e) => {
            notes.push(format!("tail-index estimators: {}", e.message));
            None
        }
    };
    let bootstrap = match &mut estimates {
        Some(e) => match tail_bootstrap(&centred, simulation.samples_per_run, e.hill.k, config) {
            Ok(b) => {
                e.hill = e.hill.clone().with_ci(&b.hill);
                e.moment = e.moment.take().map(|m| m.with_ci(&b.moment));
                Some(b)
            }
            Err(err) => {
                notes.push(format!("run bootstrap: {}", err.message));
                None
            }
        },
        None => None,
    };
    let t1 = observer.now_ms();
    timings.insert(format!("{method} estimators"), t1 - t0);
    let evolution = Evolution::of(simulation, estimates.as_ref().and_then(|e| e.hill.k));
    if !Evolution::representable(simulation) {
        notes.push(format!(
            "timeline: some runs reach values beyond {:e}, which the timeline does not keep; \
             it is left out (a smaller γ keeps the runs in range)",
            crate::report::evolution::LARGEST_VALUE
        ));
    }
    // The fits are added by the caller (now, or later: see `run_without_fits`).
    let mut report = SimReport {
        method,
        runs: finished,
        diverged,
        samples_per_run: simulation.samples_per_run,
        mean,
        centred,
        estimates,
        bootstrap,
        fits: None,
        verdict: None,
        verdict_runs_needed: None,
        verdict_text: None,
        index_verdict: None,
        index_verdict_runs_needed: None,
        index_verdict_text: None,
        evolution,
        loss_steps: simulation.times.clone(),
        loss: simulation.mean_loss(),
        notes,
    };
    if let Some(measured) = report.measured() {
        let (verdict, needed) = Verdict::of_interval(&measured, bounds);
        report.verdict = Some(verdict);
        report.verdict_runs_needed = needed;
        report.verdict_text = Some(verdict.interval_sentence(method, &measured, needed, bounds));
    }
    Ok(report)
}

/// The run bootstrap of a centred sample with `samples_per_run` values per run at the
/// point estimate's k (`None`: no k, an error on `hill_k`), seeded by
/// [`bootstrap_seed`]`(config.seed)`.
///
/// # Errors
/// As [`estimators::run_bootstrap`].
pub fn tail_bootstrap(
    centred: &[f64],
    samples_per_run: usize,
    k: Option<usize>,
    config: &Config,
) -> Result<RunBootstrap> {
    let k = k.ok_or_else(|| Error::new("hill_k", "the estimate has no k to bootstrap"))?;
    estimators::run_bootstrap(
        centred,
        samples_per_run,
        k,
        RUN_BOOTSTRAP_REPLICATES,
        RUN_BOOTSTRAP_LEVEL,
        bootstrap_seed(config.seed),
    )
}

/// The seed of the run bootstrap under the config's `seed`: the first word of
/// `rng::stream(seed, RUN_BOOTSTRAP_STREAM)`, so its resamples do not reuse the runs'
/// random numbers.
pub fn bootstrap_seed(seed: u64) -> u64 {
    use rand::Rng;
    crate::rng::stream(seed, RUN_BOOTSTRAP_STREAM).next_u64()
}

impl SimReport {
    /// Hill's index on both tails with its run-bootstrap interval over k/2…2k and the tail test, when
    /// both were computed: what the verdicts compare. An interval unbounded above (Hill's
    /// ξ interval reaching 0) runs to ∞.
    pub fn measured(&self) -> Option<Measured> {
        let alpha = self.estimates.as_ref()?.hill.alpha?;
        let bootstrap = self.bootstrap.as_ref()?;
        Some(Measured {
            alpha,
            interval: (
                bootstrap.hill_over_k.alpha_lo.unwrap_or(0.0),
                bootstrap.hill_over_k.alpha_hi.unwrap_or(f64::INFINITY),
            ),
            power_law_tail: bootstrap.power_law_tail,
            runs: self.runs,
        })
    }
}

/// The Pearson IV stationary law of the inspected SVD coordinate, centred at its mean
/// (MATH.md §2.3): Y_i = scale·Z_i with Z_i ~ PIV(m = (ν+1)/2, v = −μ(ν−1), a = 1, 0);
/// shifting by −scale·μ makes the mean zero, like the centred sample.
pub fn theory_law(config: &Config, prepared: &Prepared) -> Option<FittedLaw> {
    let c = theory_coefficients(config, prepared)?;
    let nu = c.nu();
    Some(FittedLaw::PearsonIV {
        m: 0.5 * (nu + 1.0),
        v: -c.mu * (nu - 1.0) * c.scale.signum(),
        a: c.scale.abs(),
        lambda: -c.scale * c.mu,
    })
}

/// The coefficients behind [`theory_law`] and [`theory_variance`]: the inspected SVD
/// coordinate's diffusion, when it has one with χ = 1 (a Pearson IV law).
fn theory_coefficients(config: &Config, prepared: &Prepared) -> Option<PearsonCoefficients> {
    convex_order::inspected_coefficients(config, prepared).filter(|c| c.chi == Chi::One)
}

/// The variance of [`theory_law`]: Var Y_i = scale²·(E Z² − μ²) with
/// E Z² = (μ² + φ)/(1 − φ) (MATH.md §2.3), finite when φ < 1 (ν > 2).
pub fn theory_variance(config: &Config, prepared: &Prepared) -> Option<f64> {
    let c = theory_coefficients(config, prepared)?;
    let second = c.second_moment_z()?;
    Some(c.scale * c.scale * (second - c.mu * c.mu)).filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests;
