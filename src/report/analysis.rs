//! The pipeline Config → Problem → Spectrum → simulation → analysis → [`Report`]
//! (DESIGN.md). The report is what the page's numbers panel, the CLI's JSON and the
//! exports all print, so they cannot disagree.
//!
//! The core has no clock and no I/O: time and progress go through an [`Observer`] that the
//! caller supplies (the CLI uses `std::time::Instant`, the worker `performance.now()`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::bounds::{Bounds, BoundsModel};
use crate::model::hsgd::{Coupling, Hsgd, HsgdParams};
use crate::model::pearson::{self, Chi};
use crate::model::problem::Problem;
use crate::model::sgd::{Record, Sgd, SgdParams, Simulation, CANCELLED};
use crate::model::sgd_index::{self, IndexParams, SgdIndex};
use crate::model::spectrum::Spectrum;
use crate::report::config::{
    Basis, Config, DataKind, Dynamics, Method, SpectrumShape, MAX_ITERATE_ENTRIES, MAX_WORK,
};
use crate::stats::distributions::FittedLaw;
use crate::stats::estimators::{
    self, AllEstimates, RunBootstrap, RUN_BOOTSTRAP_LEVEL, RUN_BOOTSTRAP_REPLICATES,
};
use crate::stats::fits::{self, Fits};

/// Receives progress and supplies the time; returning `false` from [`Observer::progress`]
/// cancels the computation.
pub trait Observer {
    /// Milliseconds since an arbitrary origin.
    fn now_ms(&self) -> f64;
    /// `done` of `total` units of work are finished; return false to cancel.
    fn progress(&mut self, done: usize, total: usize) -> bool;
}

/// The stream index (under the config's seed) whose first word seeds the run bootstrap:
/// apart from the run indices 0, 1, 2, …, the estimators' permutation stream (u64::MAX)
/// and the sweep's point seeds.
pub const RUN_BOOTSTRAP_STREAM: u64 = u64::MAX - 1;

fn one() -> usize {
    1
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

/// Where a measured tail index lies relative to the hSGD bounds [η_*, η*]. In a
/// [`SimReport`] it is stated only when the run-bootstrap interval of the index settles it
/// (MATH.md §4.3, "Measuring tails from simulations, honestly"; [`Verdict::of_interval`]).
///
/// JSON values: `"below-lower"`, `"inside"`, `"above-upper"`, `"below-upper"`,
/// `"inconclusive"`, `"no-power-law-tail"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// `"below-lower"`: heavier than the diffusion model's lower bound predicts (the
    /// whole interval lies below η_*).
    BelowLower,
    /// `"inside"`: between the bounds, as Theorems 3.2–3.3 predict for hSGD (the whole
    /// interval lies in [η_*, η*]).
    Inside,
    /// `"above-upper"`: lighter than the diffusion model's upper bound (the whole interval
    /// lies above η*; MATH.md §5.4: typical of discrete SGD on the paper's settings).
    AboveUpper,
    /// `"below-upper"`: below the upper bound when the lower bound is not proven (γ ≥ γ̄):
    /// the only claim the theory makes there, η ≤ η*, holds (the whole interval lies
    /// below η*).
    BelowUpper,
    /// `"inconclusive"`: the interval straddles a bound; more runs would settle it
    /// (`verdict_runs_needed`).
    Inconclusive,
    /// `"no-power-law-tail"`: the moment estimator's ξ interval reaches ξ ≤ 0, so the
    /// sample shows no power-law tail and Hill's number is not a measured index.
    NoPowerLawTail,
}

/// Where a measured tail index lies relative to SGD's own index α_SGD (MATH.md §4.3),
/// stated only when the run-bootstrap interval of the index settles it
/// ([`IndexVerdict::of_interval`]).
///
/// JSON values: `"above"`, `"inside"`, `"below"`, `"inconclusive"`,
/// `"no-power-law-tail"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexVerdict {
    /// `"above"`: the whole interval lies above α_SGD's interval (lighter tails at this
    /// sample size; MATH.md §4.3 expects this when Kesten's power law sets in only far in
    /// the tail).
    Above,
    /// `"inside"`: the whole interval lies inside α_SGD's interval α ± 1.96·s.e.
    Inside,
    /// `"below"`: the whole interval lies below α_SGD's interval (or below its lower bound
    /// when only that is known): heavier tails than α_SGD.
    Below,
    /// `"inconclusive"`: the interval overlaps α_SGD's interval without lying inside it,
    /// or α_SGD is known only as a bound that cannot decide the side.
    Inconclusive,
    /// `"no-power-law-tail"`: as [`Verdict::NoPowerLawTail`].
    NoPowerLawTail,
}

/// The most runs a "runs needed" estimate states (the most a config accepts); a larger
/// need is reported as this number, "more than".
pub const RUNS_NEEDED_CAP: usize = 1_000_000;

/// The runs that would make `interval` clear every boundary in `boundaries` that it
/// straddles (lo ≤ b ≤ hi), from interval width ∝ 1/√R: with centre c and half-width h,
/// R·(h/|c − b|)² for the boundary b nearest c, rounded up, at least R + 1, capped at
/// [`RUNS_NEEDED_CAP`]. `None` when no boundary is straddled.
pub fn runs_needed(interval: (f64, f64), boundaries: &[f64], runs: usize) -> Option<usize> {
    let (lo, hi) = interval;
    let (centre, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
    let nearest = boundaries
        .iter()
        .filter(|b| b.is_finite() && lo <= **b && **b <= hi)
        .map(|b| (centre - b).abs())
        .min_by(f64::total_cmp)?;
    let cap = RUNS_NEEDED_CAP as f64;
    let ratio = half / nearest;
    let need = runs as f64 * ratio * ratio;
    let need = if need.is_finite() {
        need.ceil().min(cap)
    } else {
        cap
    };
    Some((need as usize).max(runs + 1).min(RUNS_NEEDED_CAP))
}

/// "about N runs" (N to two significant digits) or "more than 1,000,000 runs".
pub fn runs_needed_text(needed: usize) -> String {
    if needed >= RUNS_NEEDED_CAP {
        return format!("more than {} runs", thousands(RUNS_NEEDED_CAP));
    }
    let digits = needed.to_string().len() as u32;
    let magnitude = 10usize.pow(digits.saturating_sub(2));
    let rounded = needed.div_ceil(magnitude) * magnitude;
    format!("about {} runs", thousands(rounded))
}

/// 1234567 → "1,234,567".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A measured tail index with its run-bootstrap interval: what the verdicts compare.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// Hill's index on both tails.
    pub alpha: f64,
    /// Its 95% run-bootstrap interval (lo ≤ hi).
    pub interval: (f64, f64),
    /// The tail test passed: the moment estimator's ξ interval lies above 0.
    pub power_law_tail: bool,
    /// The runs R behind the interval.
    pub runs: usize,
}

impl Verdict {
    /// The verdict for a measured tail index `alpha` against `bounds`, from the point
    /// estimate alone (no interval).
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

    /// The verdict of a measured index with its interval [lo, hi] against `bounds`, and
    /// for an inconclusive one the runs that would settle it ([`runs_needed`]):
    ///
    /// - no power-law tail (the tail test failed) → [`Verdict::NoPowerLawTail`];
    /// - lo > η* → above; when γ < γ̄ (`lower_valid`): hi < η_* → below, η_* ≤ lo and
    ///   hi ≤ η* → inside; when γ ≥ γ̄: hi < η* → [`Verdict::BelowUpper`] (η_* is not
    ///   proven there, so it is no boundary);
    /// - otherwise [`Verdict::Inconclusive`].
    pub fn of_interval(measured: &Measured, bounds: &Bounds) -> (Verdict, Option<usize>) {
        if !measured.power_law_tail {
            return (Verdict::NoPowerLawTail, None);
        }
        let (lo, hi) = measured.interval;
        let (lower, upper) = (bounds.lower, bounds.upper);
        if lo > upper {
            return (Verdict::AboveUpper, None);
        }
        if bounds.lower_valid {
            if hi < lower {
                return (Verdict::BelowLower, None);
            }
            if lower <= lo && hi <= upper {
                return (Verdict::Inside, None);
            }
            let needed = runs_needed(measured.interval, &[lower, upper], measured.runs);
            (Verdict::Inconclusive, needed)
        } else {
            if hi < upper {
                return (Verdict::BelowUpper, None);
            }
            let needed = runs_needed(measured.interval, &[upper], measured.runs);
            (Verdict::Inconclusive, needed)
        }
    }

    /// One line for a point estimate `alpha` and where it lies relative to the bounds
    /// (the verdict of [`Verdict::of`]; an interval verdict reads
    /// [`Verdict::interval_sentence`]).
    pub fn sentence(&self, method: Dynamics, alpha: f64, bounds: &Bounds) -> String {
        let measured = Measured {
            alpha,
            interval: (alpha, alpha),
            power_law_tail: true,
            runs: 0,
        };
        let text = self.interval_sentence(method, &measured, None, bounds);
        let interval =
            format!(" (95% run-bootstrap interval over k/2…2k [{alpha:.3}, {alpha:.3}])");
        text.replacen(&interval, "", 1)
    }

    /// One line for the page and the CLI: the measured index, its run-bootstrap interval
    /// and where it lies relative to the bounds (with the runs needed when inconclusive).
    pub fn interval_sentence(
        &self,
        method: Dynamics,
        measured: &Measured,
        runs_needed: Option<usize>,
        bounds: &Bounds,
    ) -> String {
        let range = format!("[{:.3}, {:.3}]", bounds.lower, bounds.upper);
        let (alpha, (lo, hi)) = (measured.alpha, measured.interval);
        let index =
            format!("{}: measured tail index {alpha:.3} (95% run-bootstrap interval over k/2…2k [{lo:.3}, {hi:.3}])", method.label());
        match self {
            Verdict::Inside => format!("{index} lies inside the diffusion-model bounds {range}"),
            Verdict::AboveUpper => format!(
                "{index} lies above the diffusion-model bounds {range}: lighter tails than hSGD predicts"
            ),
            Verdict::BelowUpper => format!(
                "{index} lies below the diffusion-model upper bound {:.3}; the lower bound is proven only for γ < γ̄ = {:.4}",
                bounds.upper, bounds.gamma_critical
            ),
            Verdict::BelowLower => format!(
                "{index} lies below the diffusion-model bounds {range}: heavier tails than hSGD predicts"
            ),
            Verdict::Inconclusive => {
                let against = if bounds.lower_valid {
                    format!("the diffusion-model bounds {range}")
                } else {
                    format!("the diffusion-model upper bound {:.3}", bounds.upper)
                };
                let more = runs_needed.map_or(String::new(), |n| {
                    format!("; {} would settle it", runs_needed_text(n))
                });
                format!(
                    "{index}: inconclusive at {} runs against {against}{more}",
                    measured.runs
                )
            }
            Verdict::NoPowerLawTail => no_tail_sentence(method, measured),
        }
    }
}

/// The sentence for a sample without a power-law tail.
fn no_tail_sentence(method: Dynamics, measured: &Measured) -> String {
    format!(
        "{}: no power-law tail seen at {} runs (the moment estimator's 95% interval \
         of ξ reaches ξ ≤ 0), so Hill's {:.3} is not a measured tail index",
        method.label(),
        measured.runs,
        measured.alpha
    )
}

/// α_SGD as an interval for the comparison: α ± 1.96·s.e. when the root was found (± 0
/// without a standard error); (L, ∞) when only the lower bound L is known; (0, U) when
/// only the upper bound U is.
pub fn index_interval(index: &SgdIndex) -> Option<(f64, f64)> {
    if let Some(alpha) = index.alpha {
        let half = Z_95 * index.alpha_std_err.unwrap_or(0.0);
        return Some((alpha - half, alpha + half));
    }
    if let Some(lower) = index.alpha_lower_bound {
        return Some((lower, f64::INFINITY));
    }
    index.alpha_upper_bound.map(|upper| (0.0, upper))
}

/// The normal quantile of a two-sided 95% interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

impl IndexVerdict {
    /// The verdict of a measured index with its interval [lo, hi] against α_SGD's interval
    /// [a, b] ([`index_interval`]), and for an inconclusive one the runs that would settle
    /// it:
    ///
    /// - no power-law tail → [`IndexVerdict::NoPowerLawTail`];
    /// - lo > b (b finite) → above; hi < a → below; a ≤ lo and hi ≤ b (both finite) →
    ///   inside;
    /// - otherwise inconclusive, with [`runs_needed`] over the finite ends a, b that the
    ///   interval straddles; when α_SGD is known only as a bound (b = ∞ or a = 0) and the
    ///   interval lies on the side the bound cannot decide, no number of runs settles it
    ///   (`None`).
    pub fn of_interval(measured: &Measured, index: (f64, f64)) -> (IndexVerdict, Option<usize>) {
        if !measured.power_law_tail {
            return (IndexVerdict::NoPowerLawTail, None);
        }
        let (lo, hi) = measured.interval;
        let (a, b) = index;
        if b.is_finite() && lo > b {
            return (IndexVerdict::Above, None);
        }
        if hi < a {
            return (IndexVerdict::Below, None);
        }
        let bounded = b.is_finite() && a > 0.0;
        if bounded && a <= lo && hi <= b {
            return (IndexVerdict::Inside, None);
        }
        let centre = 0.5 * (lo + hi);
        // With a one-sided α_SGD only its finite end decides, and only from one side.
        let decisive: Vec<f64> = if bounded {
            vec![a, b]
        } else if b.is_finite() {
            [b].into_iter().filter(|&b| centre > b).collect()
        } else {
            [a].into_iter().filter(|&a| centre < a).collect()
        };
        (
            IndexVerdict::Inconclusive,
            runs_needed(measured.interval, &decisive, measured.runs),
        )
    }

    /// One line for the page and the CLI.
    pub fn sentence(
        &self,
        method: Dynamics,
        measured: &Measured,
        runs_needed: Option<usize>,
        index: &SgdIndex,
    ) -> String {
        let (alpha, (lo, hi)) = (measured.alpha, measured.interval);
        let target = match (
            index.alpha,
            index.alpha_lower_bound,
            index.alpha_upper_bound,
        ) {
            (Some(a), _, _) => match index.alpha_std_err {
                Some(se) => format!("α_SGD = {a:.3} ± {:.3}", Z_95 * se),
                None => format!("α_SGD = {a:.3}"),
            },
            (None, Some(l), _) => format!("α_SGD > {l:.3}"),
            (None, None, Some(u)) => format!("α_SGD < {u:.3}"),
            _ => "α_SGD".to_string(),
        };
        let target = if index.converged {
            target
        } else {
            format!("{target} (not converged: K·θ_min = {:.3})", index.mixing)
        };
        let head = format!(
            "{}: measured tail index {alpha:.3} (95% run-bootstrap interval over k/2…2k [{lo:.3}, {hi:.3}])",
            method.label()
        );
        match self {
            IndexVerdict::Above => format!(
                "{head} lies above SGD's own index {target}: lighter at this sample size (Kesten's power law sets in far in the tail)"
            ),
            IndexVerdict::Inside => format!("{head} lies inside SGD's own index {target}"),
            IndexVerdict::Below => format!(
                "{head} lies below SGD's own index {target}: heavier tails than α_SGD"
            ),
            IndexVerdict::Inconclusive => {
                let more = match runs_needed {
                    Some(n) => format!("; {} would settle it", runs_needed_text(n)),
                    None => "; no number of runs settles it against a one-sided bound".into(),
                };
                format!(
                    "{head}: inconclusive at {} runs against SGD's own index {target}{more}",
                    measured.runs
                )
            }
            IndexVerdict::NoPowerLawTail => no_tail_sentence(method, measured),
        }
    }
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
    if config.sample_size().saturating_mul(problem.d()) > MAX_ITERATE_ENTRIES {
        return Err(Error::new(
            "samples_per_run",
            format!(
                "runs × samples per run × d exceeds the memory budget of {MAX_ITERATE_ENTRIES} \
                 stored values; keep fewer samples per run"
            ),
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
    /// Milliseconds the fits took.
    pub ms: f64,
}

/// Fits the laws to the centred sample of `method` in `report` (`None` when the report
/// has no such method). The same numbers as [`run`] computes.
pub fn fit_stage(report: &Report, method: Dynamics, observer: &dyn Observer) -> Option<FitStage> {
    let sim = report.sim(method)?;
    let t0 = observer.now_ms();
    let (fits, note) = fit_centred(&sim.centred);
    Some(FitStage {
        method,
        fits,
        note,
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
        bounds,
        sgd,
        hsgd,
        sgd_index: None,
        sgd_index_note: None,
        timings_ms,
    }
}

/// Simulates `method` for all of the config's runs. `index` of `count`
/// methods scales the progress reported to `observer`.
pub fn simulate(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
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

/// Runs `runs` of `method` with the config's parameters (no trajectory
/// kept); cancellation becomes an error about `run`. The one place the integrators are
/// set up from a config.
fn simulate_runs(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
    runs: std::ops::Range<usize>,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Simulation> {
    let record = Record {
        trajectory_run: None,
        samples: config.sample_steps(),
        ..Record::default()
    };
    let result = if method == Dynamics::Sgd {
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

/// Simulates runs `runs` of `method` with the config's parameters, as
/// [`simulate`] does for all runs; progress in SGD steps of this part. The final iterates
/// are reduced to the inspected coordinate ([`Simulation::reduce_to`]): all the analysis
/// needs, and d times less for the workers to copy.
///
/// # Errors
/// Bad parameters; cancellation (field `run`).
pub fn simulate_part(
    config: &Config,
    prepared: &Prepared,
    method: Dynamics,
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
    for (method, simulation) in methods.iter().zip(&simulations) {
        let report = analyse(
            config,
            &prepared,
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
        assert_eq!(a.singular_values.len(), config.d);
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
        let simulations: Vec<Simulation> = Dynamics::ALL
            .into_iter()
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
        for method in Dynamics::ALL {
            let stage = fit_stage(&split, method, &Silent).unwrap();
            merge_fits(&mut split, stage);
        }
        // Then α_SGD and the verdict against it, as the page's worker adds them.
        let stage = index_stage(&config, &prepared, &mut Silent)
            .unwrap()
            .unwrap();
        merge_index(&mut split, stage);
        assert!(split.sgd.as_ref().unwrap().index_verdict.is_some());
        for r in [&mut split, &mut whole] {
            r.timings_ms
                .retain(|stage, _| !stage.ends_with(" fits") && stage != "sgd index");
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
        assert!(fit_stage(&staged, Dynamics::Hsgd, &Silent).is_none());
        let stage = fit_stage(&staged, Dynamics::Sgd, &Silent).unwrap();
        assert!(stage.fits.is_some() && stage.ms >= 0.0);
        merge_fits(&mut staged, stage);
        let prepared = prepare(&config, None).unwrap();
        let stage = index_stage(&config, &prepared, &mut Silent)
            .unwrap()
            .unwrap();
        merge_index(&mut staged, stage);
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
            .sentence(Dynamics::Sgd, 1.5, &bounds)
            .contains("proven only for γ < γ̄"));
    }

    fn measured(lo: f64, hi: f64) -> Measured {
        Measured {
            alpha: 0.5 * (lo + hi),
            interval: (lo, hi),
            power_law_tail: true,
            runs: 100,
        }
    }

    #[test]
    fn interval_verdicts_against_the_bounds_cover_every_branch() {
        let mut bounds = prepare(&Config::default(), None).unwrap().bounds.summary();
        (bounds.lower, bounds.upper, bounds.lower_valid) = (2.0, 3.0, true);
        let of = |m: Measured, b: &Bounds| Verdict::of_interval(&m, b);
        assert_eq!(of(measured(3.1, 3.5), &bounds), (Verdict::AboveUpper, None));
        assert_eq!(of(measured(1.2, 1.9), &bounds), (Verdict::BelowLower, None));
        assert_eq!(of(measured(2.1, 2.9), &bounds), (Verdict::Inside, None));
        // [2.5, 3.5] straddles η* = 3 at distance 0 from its centre: capped.
        assert_eq!(
            of(measured(2.5, 3.5), &bounds),
            (Verdict::Inconclusive, Some(RUNS_NEEDED_CAP))
        );
        // [2.5, 3.25]: centre 2.875, half-width 0.375, η* at 0.125: 100·3² = 900 runs.
        assert_eq!(
            of(measured(2.5, 3.25), &bounds),
            (Verdict::Inconclusive, Some(900))
        );
        // [1.25, 2.25] straddles η_* = 2: centre 1.75, 100·(0.5/0.25)² = 400 runs.
        assert_eq!(
            of(measured(1.25, 2.25), &bounds),
            (Verdict::Inconclusive, Some(400))
        );
        // A wide interval over both bounds: the boundary nearest the centre decides,
        // centre 2.25, half-width 1.25, η_* at 0.25: 100·5² = 2500 runs.
        assert_eq!(
            of(measured(1.0, 3.5), &bounds),
            (Verdict::Inconclusive, Some(2500))
        );
        let mut no_tail = measured(3.1, 3.5);
        no_tail.power_law_tail = false;
        assert_eq!(of(no_tail, &bounds), (Verdict::NoPowerLawTail, None));
        // γ ≥ γ̄: η_* is no boundary; only below η* or above it.
        bounds.lower_valid = false;
        assert_eq!(of(measured(3.1, 3.5), &bounds), (Verdict::AboveUpper, None));
        assert_eq!(of(measured(1.2, 1.9), &bounds), (Verdict::BelowUpper, None));
        assert_eq!(of(measured(1.5, 2.9), &bounds), (Verdict::BelowUpper, None));
        assert_eq!(
            of(measured(2.5, 3.25), &bounds),
            (Verdict::Inconclusive, Some(900))
        );
        assert_eq!(of(no_tail, &bounds), (Verdict::NoPowerLawTail, None));
        // The sentences say what the verdict says.
        let m = measured(2.5, 3.25);
        let text = Verdict::Inconclusive.interval_sentence(Dynamics::Sgd, &m, Some(900), &bounds);
        assert!(text.contains("inconclusive at 100 runs"), "{text}");
        assert!(text.contains("about 900 runs would settle it"), "{text}");
        assert!(text.contains("[2.500, 3.250]"), "{text}");
        let text =
            Verdict::NoPowerLawTail.interval_sentence(Dynamics::Sgd, &no_tail, None, &bounds);
        assert!(text.contains("no power-law tail seen"), "{text}");
    }

    #[test]
    fn interval_verdicts_against_alpha_sgd_cover_every_branch() {
        let of = |m: Measured, a: (f64, f64)| IndexVerdict::of_interval(&m, a);
        let two_sided = (3.0, 4.0);
        assert_eq!(
            of(measured(4.1, 5.0), two_sided),
            (IndexVerdict::Above, None)
        );
        assert_eq!(
            of(measured(2.0, 2.9), two_sided),
            (IndexVerdict::Below, None)
        );
        assert_eq!(
            of(measured(3.2, 3.8), two_sided),
            (IndexVerdict::Inside, None)
        );
        // [3.5, 4.5] straddles 4 at its centre: capped.
        assert_eq!(
            of(measured(3.5, 4.5), two_sided),
            (IndexVerdict::Inconclusive, Some(RUNS_NEEDED_CAP))
        );
        // [3.75, 4.75] straddles 4: centre 4.25, 100·(0.5/0.25)² = 400.
        assert_eq!(
            of(measured(3.75, 4.75), two_sided),
            (IndexVerdict::Inconclusive, Some(400))
        );
        let mut no_tail = measured(4.1, 5.0);
        no_tail.power_law_tail = false;
        assert_eq!(of(no_tail, two_sided), (IndexVerdict::NoPowerLawTail, None));
        // Only a lower bound α_SGD > 10: "below" is decidable, "above" is not.
        let lower_only = (10.0, f64::INFINITY);
        assert_eq!(
            of(measured(4.0, 9.0), lower_only),
            (IndexVerdict::Below, None)
        );
        assert_eq!(
            of(measured(11.0, 14.0), lower_only),
            (IndexVerdict::Inconclusive, None)
        );
        // Straddling 10 with the centre below it: more runs could make it "below".
        assert_eq!(
            of(measured(8.0, 11.0), lower_only),
            (IndexVerdict::Inconclusive, Some(900))
        );
        // Straddling with the centre above: no number of runs decides.
        assert_eq!(
            of(measured(9.5, 12.5), lower_only),
            (IndexVerdict::Inconclusive, None)
        );
        // Only an upper bound α_SGD < 1: "above" is decidable.
        let upper_only = (0.0, 1.0);
        assert_eq!(
            of(measured(1.5, 2.0), upper_only),
            (IndexVerdict::Above, None)
        );
        assert_eq!(
            of(measured(0.2, 0.8), upper_only),
            (IndexVerdict::Inconclusive, None)
        );
    }

    #[test]
    fn runs_needed_follows_the_square_root_law_and_is_capped() {
        // Half-width 1, distance 0.5: four times the runs halve the width.
        assert_eq!(runs_needed((2.0, 4.0), &[3.5], 100), Some(400));
        assert_eq!(runs_needed((2.0, 4.0), &[4.5], 100), None);
        assert_eq!(runs_needed((2.0, 4.0), &[3.0], 100), Some(RUNS_NEEDED_CAP));
        assert_eq!(runs_needed_text(400), "about 400 runs");
        assert_eq!(runs_needed_text(1234), "about 1,300 runs");
        assert_eq!(runs_needed_text(7), "about 7 runs");
        assert_eq!(
            runs_needed_text(RUNS_NEEDED_CAP),
            "more than 1,000,000 runs"
        );
    }

    #[test]
    fn index_interval_reads_alpha_sgd() {
        let config = Config {
            n: 60,
            d: 4,
            ..Config::default()
        };
        let prepared = prepare(&config, None).unwrap();
        let mut index = sgd_index(&config, &prepared, &mut Silent).unwrap();
        index.alpha = Some(4.0);
        index.alpha_std_err = Some(0.1);
        let (a, b) = index_interval(&index).unwrap();
        assert!((a - (4.0 - Z_95 * 0.1)).abs() < 1e-12 && (b - (4.0 + Z_95 * 0.1)).abs() < 1e-12);
        index.alpha = None;
        index.alpha_lower_bound = Some(16.0);
        assert_eq!(index_interval(&index), Some((16.0, f64::INFINITY)));
        index.alpha_lower_bound = None;
        index.alpha_upper_bound = Some(0.5);
        assert_eq!(index_interval(&index), Some((0.0, 0.5)));
        index.alpha_upper_bound = None;
        assert_eq!(index_interval(&index), None);
    }

    /// With several iterates per run, parts merged in order still equal one run, and the
    /// estimators see all R·S values.
    #[test]
    fn parts_with_several_samples_per_run_equal_one_run() {
        let mut config = Config::default();
        config.n = 100;
        config.d = 8;
        config.runs = 40;
        config.steps = 120;
        config.substeps = 2;
        config.samples_per_run = 5;
        config.burn_in = 20;
        config.method = Method::Both;
        let mut whole = run_without_fits(&config, None, &mut Silent).unwrap();
        whole
            .timings_ms
            .retain(|stage, _| !stage.ends_with(" simulation"));
        for sim in [whole.sgd.as_ref().unwrap(), whole.hsgd.as_ref().unwrap()] {
            assert_eq!(sim.runs, 40);
            assert_eq!(sim.samples_per_run, 5);
            assert_eq!(sim.centred.len(), 200);
            assert_eq!(sim.estimates.as_ref().unwrap().n, 200);
            assert_eq!(sim.bootstrap.as_ref().unwrap().runs, 40);
        }
        let prepared = prepare(&config, None).unwrap();
        let simulations: Vec<Simulation> = Dynamics::ALL
            .into_iter()
            .map(|method| {
                let mut parts = split_runs(config.runs, 3)
                    .into_iter()
                    .map(|r| simulate_part(&config, &prepared, method, r, &mut Silent).unwrap());
                let mut merged = parts.next().unwrap();
                for part in parts {
                    merged.merge(part).unwrap();
                }
                merged
            })
            .collect();
        let split = report_from_simulations(&config, None, simulations, &mut Silent).unwrap();
        assert_eq!(split, whole);
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
