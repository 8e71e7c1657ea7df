//! The sweep: the diffusion model's tail-index bounds η*(x) and η_*(x) as curves
//! over a swept parameter x ∈ {γ, B, δ} (MATH.md §3.1–3.2), and at a few points x_j the
//! tail index measured from a simulation, with an interval.
//!
//! - Swept values ([`plan`]), with h_1 = λ_1²/n, γ̄ the critical rate and γ_2 the
//!   second-moment (stability) limit of hSGD (MATH.md §3.2), both at the config's B and δ:
//!   - γ: log-spaced over [γ̄/10, 0.95·γ_2] (γ_2 ≥ γ̄, equal when δ = 0), from light tails
//!     (η* ≈ 10 near the left end) to the heavy-tailed regime just below the limit;
//!   - B: distinct integers log-spaced over 1..=min(n, 32) (fewer than `sweep_points`
//!     when there are not enough distinct integers);
//!   - δ: log-spaced over [δ_hi/100, δ_hi] with δ_hi = min(3h_1, 1.5/γ − h_1) (when that is
//!     positive, else 3h_1): the cap keeps the deterministic part of an SGD step,
//!     |1 − γ(h_1 + δ)| < 1, contracting, so discrete SGD does not diverge.
//! - One point ([`run_point`]): the config with the swept field set to x_j, `runs` =
//!   `sweep_runs` and the seed [`point_seed`]`(seed, j)`, run through
//!   [`runs::prepare`] and [`runs::simulate`] for each method; then Hill's estimate
//!   on both tails of the centred inspected coordinate exactly as [`analysis::run`] does
//!   (k = `hill_k` or the Clauset–Shalizi–Newman choice), with `samples_per_run` iterates
//!   per run after `burn_in` as configured. The interval is the 95% percentile interval
//!   of the bootstrap over whole runs that the report uses ([`analysis::tail_bootstrap`];
//!   MATH.md §4.3), with the moment estimator's tail test and the verdict against the
//!   bounds at the point ([`Verdict::of_interval`]); like the point estimate it
//!   does not correct Hill's bias, which is negative for t-like tails.
//! - Points are independent: each has its own seed, derived from (seed, j) only, so a sweep
//!   gives the same numbers whether its points run in one thread or in several workers.
//!
//! The bounds are those of the diffusion model hSGD, not the tail index of discrete SGD
//! (MATH.md §0, §5.4): the plot labels them so.

use std::collections::BTreeMap;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::bounds::{self, log_space, Bounds};
use crate::model::sgd_index::{IndexParams, SgdIndex};
use crate::report::analysis;
use crate::report::config::{Config, Dynamics, SweepOver};
use crate::report::runs::{self, Observer};
use crate::report::verdict::{Measured, Verdict};
use crate::stats::estimators::{self, Tail};
use crate::stats::sample::MIN_SAMPLE;

/// The largest batch size a B-sweep reaches (when n allows).
pub const MAX_SWEEP_BATCH: usize = 32;
/// Points of the dense bound curves of a γ or δ sweep.
pub const CURVE_POINTS: usize = 120;
/// Point j's seed is the first word of `rng::stream(seed, POINT_SEED_STREAM − j)`: far from
/// the run indices 0, 1, 2, … and from the estimators' permutation stream (u64::MAX).
pub const POINT_SEED_STREAM: u64 = u64::MAX - 1_000_000;

/// What a sweep will compute: the swept values and everything that does not need a
/// simulation (the dense bound curves, the markers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    /// The swept parameter.
    pub over: SweepOver,
    /// The swept values, ascending (B as a whole number).
    pub values: Vec<f64>,
    /// The diffusion model's bounds η*, η_* densely over the swept range.
    pub curves: Vec<bounds::SweepPoint>,
    /// The critical learning rate γ̄ at the config's B and δ (the lower bound holds below).
    pub gamma_critical: f64,
    /// The stability limit γ_2 of hSGD (finite second moment below) at the config's B, δ.
    pub stability_limit: f64,
    /// Description of the data.
    pub problem: String,
    /// Rows of A.
    pub n: usize,
    /// Columns of A.
    pub d: usize,
}

/// The measured tail index of one method at one sweep point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MethodPoint {
    /// Which dynamics.
    pub method: Dynamics,
    /// Runs that finished with a finite iterate.
    pub runs: usize,
    /// Runs that diverged.
    pub diverged: usize,
    /// Hill's tail index of the centred inspected coordinate (both tails, all S iterates
    /// of every finished run); `None` with a `note` when it cannot be computed.
    pub hill: Option<f64>,
    /// The k of that estimate.
    pub k: Option<usize>,
    /// Hill's asymptotic standard error α̂/√k (which treats the values as independent).
    pub std_err: Option<f64>,
    /// The 95% run-bootstrap interval of Hill's index ([`analysis::tail_bootstrap`]);
    /// `None` when the bootstrap failed (see `note`).
    pub interval: Option<(f64, f64)>,
    /// The 95% run-bootstrap interval of the moment estimator's ξ at the same k.
    #[serde(default)]
    pub moment_xi_interval: Option<(f64, f64)>,
    /// The tail test: the moment estimator's ξ interval lies above 0 (false: "no
    /// power-law tail seen", and `hill` is not a measured index).
    #[serde(default)]
    pub power_law_tail: Option<bool>,
    /// Where `hill` lies relative to the bounds at this point, stated only when the
    /// interval settles it ([`Verdict::of_interval`]; values as in
    /// [`analysis::SimReport::verdict`]).
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// For an `"inconclusive"` verdict: about how many runs would settle it.
    #[serde(default)]
    pub verdict_runs_needed: Option<usize>,
    /// Why `hill` or its interval is missing.
    pub note: Option<String>,
}

/// One point of a sweep: the bounds there and what each method measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Index j of the point.
    pub index: usize,
    /// The swept value x_j.
    pub x: f64,
    /// The seed of this point's runs, [`point_seed`]`(seed, j)`.
    pub seed: u64,
    /// η* at x_j.
    pub upper: f64,
    /// η_* at x_j.
    pub lower: f64,
    /// γ < γ̄ at x_j (the lower bound is proven).
    pub lower_valid: bool,
    /// One entry per simulated method (SGD first).
    pub methods: Vec<MethodPoint>,
    /// SGD's own tail index α_SGD at x_j (MATH.md §4.3), when SGD is simulated.
    #[serde(default)]
    pub sgd_index: Option<SgdIndex>,
    /// Why `sgd_index` is missing although SGD was simulated.
    #[serde(default)]
    pub sgd_index_note: Option<String>,
    /// Milliseconds per stage.
    pub timings_ms: BTreeMap<String, f64>,
}

/// A whole sweep: the plan and every point, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The swept values and the bound curves.
    pub plan: SweepPlan,
    /// The points, by index.
    pub points: Vec<SweepPoint>,
}

/// The seed of sweep point `index` under the user's `seed`.
pub fn point_seed(seed: u64, index: usize) -> u64 {
    crate::rng::stream(seed, POINT_SEED_STREAM - index as u64).next_u64()
}

/// The config a sweep point simulates before its swept field is set: `runs` =
/// `sweep_runs`, and no timeline (a point's only number is its final Hill index).
fn base_config(config: &Config) -> Config {
    let mut base = config.clone();
    base.runs = config.sweep_runs;
    base.checkpoints = 0;
    base
}

/// The swept values, the bound curves and the markers for `config` (`csv`: the text of a
/// user's CSV when `data` is csv).
///
/// # Errors
/// Any error of [`Config::validate`] or [`runs::prepare`] for the config with
/// `runs` = `sweep_runs` (field named); `hill_k` not below `sweep_runs`.
pub fn plan(config: &Config, csv: Option<&str>) -> Result<SweepPlan> {
    let base = base_config(config);
    if let Some(k) = config.hill_k {
        let values = base.sample_size();
        if k >= values {
            return Err(Error::new(
                "hill_k",
                format!(
                    "Hill's k must be below the values per sweep point (runs per point × \
                     samples per run = {values}); got {k}"
                ),
            ));
        }
    }
    let prepared = runs::prepare(&base, csv)?;
    let model = &prepared.bounds;
    let h1 = model.h()[0];
    let points = config.sweep_points;
    let (values, curves) = match config.sweep {
        SweepOver::Gamma => {
            let (lo, hi) = (model.gamma_critical() / 10.0, 0.95 * model.gamma_2());
            let curve_x = log_space(lo, hi, CURVE_POINTS)?;
            (log_space(lo, hi, points)?, model.sweep_gamma(&curve_x)?)
        }
        SweepOver::Batch => {
            let b_max = prepared.problem.n().min(MAX_SWEEP_BATCH);
            let mut values: Vec<f64> = if b_max == 1 {
                vec![1.0]
            } else {
                log_space(1.0, b_max as f64, points)?
                    .into_iter()
                    .map(f64::round)
                    .collect()
            };
            values.dedup();
            let all: Vec<usize> = (1..=b_max).collect();
            (values, model.sweep_batch(&all)?)
        }
        SweepOver::Delta => {
            let cap = 1.5 / config.gamma - h1;
            let hi = if cap > 0.0 {
                (3.0 * h1).min(cap)
            } else {
                3.0 * h1
            };
            let lo = hi / 100.0;
            let curve_x = log_space(lo, hi, CURVE_POINTS)?;
            (log_space(lo, hi, points)?, model.sweep_delta(&curve_x)?)
        }
    };
    Ok(SweepPlan {
        over: config.sweep,
        values,
        curves,
        gamma_critical: model.gamma_critical(),
        stability_limit: model.gamma_2(),
        problem: prepared.problem.name.clone(),
        n: prepared.problem.n(),
        d: prepared.problem.d(),
    })
}

/// The config that sweep point `index` of `plan` simulates: the swept field set to its
/// value, `runs` = `sweep_runs`, `seed` = [`point_seed`]`(seed, index)`.
///
/// # Errors
/// `index` outside the plan (field `sweep_points`).
pub fn point_config(config: &Config, plan: &SweepPlan, index: usize) -> Result<Config> {
    let Some(&x) = plan.values.get(index) else {
        return Err(Error::new(
            "sweep_points",
            format!(
                "sweep point {index} does not exist; the sweep has {} points",
                plan.values.len()
            ),
        ));
    };
    let mut point = base_config(config);
    point.seed = point_seed(config.seed, index);
    match plan.over {
        SweepOver::Gamma => point.gamma = x,
        SweepOver::Batch => point.batch = x as usize,
        SweepOver::Delta => point.delta = x,
    }
    Ok(point)
}

/// Simulates and measures sweep point `index` of `plan` (made by [`plan`] from the same
/// `config` and `csv`). Progress goes to `observer` in SGD steps of this point.
///
/// # Errors
/// As [`point_config`] and [`runs::prepare`]; cancellation (field `run`). A method
/// whose runs all diverge is not an error: its `hill` is `None` with a note.
pub fn run_point(
    config: &Config,
    csv: Option<&str>,
    plan: &SweepPlan,
    index: usize,
    observer: &mut dyn Observer,
) -> Result<SweepPoint> {
    let point = point_config(config, plan, index)?;
    let mut timings = BTreeMap::new();
    let t0 = observer.now_ms();
    let prepared = runs::prepare(&point, csv)?;
    timings.insert("data + svd".to_string(), observer.now_ms() - t0);
    let names = point.method.dynamics();
    let mut measured = Vec::with_capacity(names.len());
    for (i, method) in names.iter().enumerate() {
        let start = observer.now_ms();
        let simulation = runs::simulate(&point, &prepared, *method, i, names.len(), observer)?;
        let t_sim = observer.now_ms();
        timings.insert(format!("{method} simulation"), t_sim - start);
        let values = runs::inspected_coordinate(&point, &prepared, &simulation);
        measured.push(measure(
            &point,
            *method,
            &values,
            simulation.finished.len(),
            simulation.diverged.len(),
            &prepared.bounds.summary(),
        ));
        timings.insert(format!("{method} hill"), observer.now_ms() - t_sim);
    }
    // The sweep draws α_SGD alone: no restricted index for the points that do not converge.
    let params = IndexParams {
        restricted: false,
        ..analysis::index_params(&point)
    };
    let (sgd_index, sgd_index_note) =
        match analysis::index_stage_with(&point, &prepared, observer, params)? {
            Some(stage) => {
                timings.insert("sgd index".to_string(), stage.ms);
                (stage.index, stage.note)
            }
            None => (None, None),
        };
    let model = &prepared.bounds;
    Ok(SweepPoint {
        index,
        x: plan.values[index],
        seed: point.seed,
        upper: model.upper(),
        lower: model.lower(),
        lower_valid: model.lower_valid(),
        methods: measured,
        sgd_index,
        sgd_index_note,
        timings_ms: timings,
    })
}

/// Hill's estimate of the centred `values` (as [`analysis::run`] centres them: minus the
/// mean; S = `point.samples_per_run` consecutive values per finished run), with its
/// run-bootstrap interval, the tail test and the verdict against `bounds`.
fn measure(
    point: &Config,
    method: Dynamics,
    values: &[f64],
    finished: usize,
    diverged: usize,
    bounds: &Bounds,
) -> MethodPoint {
    let mut out = MethodPoint {
        method,
        runs: finished,
        diverged,
        hill: None,
        k: None,
        std_err: None,
        interval: None,
        moment_xi_interval: None,
        power_law_tail: None,
        verdict: None,
        verdict_runs_needed: None,
        note: None,
    };
    if values.len() < MIN_SAMPLE || finished < 2 {
        out.note = Some(format!(
            "only {finished} runs finished ({diverged} diverged, {} values); Hill needs at \
             least {MIN_SAMPLE} values from 2 runs",
            values.len()
        ));
        return out;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let centred: Vec<f64> = values.iter().map(|v| v - mean).collect();
    match estimators::hill_tail(&centred, Tail::Both, point.hill_k) {
        Ok(estimate) => match (estimate.alpha, estimate.k) {
            (Some(alpha), Some(k)) => {
                out.hill = Some(alpha);
                out.k = Some(k);
                out.std_err = Some(alpha / (k as f64).sqrt());
            }
            _ => out.note = Some("Hill sees no power-law tail (ξ ≤ 0)".into()),
        },
        Err(e) => out.note = Some(format!("Hill: {}", e.message)),
    }
    let Some(alpha) = out.hill else {
        return out;
    };
    match analysis::tail_bootstrap(&centred, point.samples_per_run, out.k, point) {
        Ok(b) => {
            let measured = Measured {
                alpha,
                interval: (
                    b.hill_over_k.alpha_lo.unwrap_or(0.0),
                    b.hill_over_k.alpha_hi.unwrap_or(f64::INFINITY),
                ),
                power_law_tail: b.power_law_tail,
                runs: finished,
            };
            let (verdict, needed) = Verdict::of_interval(&measured, bounds);
            out.interval = b.hill_over_k.alpha_interval();
            out.moment_xi_interval = Some((b.moment.xi_lo, b.moment.xi_hi));
            out.power_law_tail = Some(b.power_law_tail);
            out.verdict = Some(verdict);
            out.verdict_runs_needed = needed;
        }
        Err(e) => out.note = Some(format!("run bootstrap: {}", e.message)),
    }
    out
}

/// Scales one point's progress into the whole sweep's.
struct SweepProgress<'a> {
    inner: &'a mut dyn Observer,
    index: usize,
    count: usize,
}

impl Observer for SweepProgress<'_> {
    fn now_ms(&self) -> f64 {
        self.inner.now_ms()
    }
    fn progress(&mut self, done: usize, total: usize) -> bool {
        let total = total.max(1);
        self.inner
            .progress(self.index * total + done.min(total), self.count * total)
    }
}

/// The whole sweep, point after point (the CLI; the page runs the points in workers).
///
/// # Errors
/// As [`plan`] and [`run_point`].
pub fn run(config: &Config, csv: Option<&str>, observer: &mut dyn Observer) -> Result<Sweep> {
    let plan = plan(config, csv)?;
    let count = plan.values.len();
    let mut points = Vec::with_capacity(count);
    for index in 0..count {
        let mut progress = SweepProgress {
            inner: observer,
            index,
            count,
        };
        points.push(run_point(config, csv, &plan, index, &mut progress)?);
    }
    Ok(Sweep { plan, points })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::config::{DataKind, Method};
    use crate::report::runs::Silent;

    fn small() -> Config {
        Config {
            n: 200,
            d: 10,
            steps: 200,
            sweep_points: 4,
            sweep_runs: 200,
            ..Config::default()
        }
    }

    #[test]
    fn curves_are_the_bounds_model_at_each_value() {
        for over in [SweepOver::Gamma, SweepOver::Batch, SweepOver::Delta] {
            let mut config = small();
            config.sweep = over;
            let plan = plan(&config, None).unwrap();
            let prepared = runs::prepare(&base_config(&config), None).unwrap();
            for p in &plan.curves {
                let model = match over {
                    SweepOver::Gamma => prepared.bounds.with_gamma(p.x).unwrap(),
                    SweepOver::Batch => prepared.bounds.with_batch(p.x as usize).unwrap(),
                    SweepOver::Delta => prepared.bounds.with_delta(p.x).unwrap(),
                };
                assert_eq!(p.upper, model.upper());
                assert_eq!(p.lower, model.lower());
            }
            // The swept values are ascending and inside the curve's range.
            assert!(plan.values.windows(2).all(|w| w[0] < w[1]), "{over:?}");
            let (first, last) = (plan.curves[0].x, plan.curves.last().unwrap().x);
            assert!(plan.values.iter().all(|&x| x >= first && x <= last));
        }
    }

    #[test]
    fn gamma_range_spans_the_critical_rate_to_the_stability_limit() {
        let config = small();
        let plan = plan(&config, None).unwrap();
        let (lo, hi) = (plan.values[0], *plan.values.last().unwrap());
        assert!((lo - plan.gamma_critical / 10.0).abs() < 1e-12 * lo);
        assert!((hi - 0.95 * plan.stability_limit).abs() < 1e-12 * hi);
        // δ = 0: γ_2 = γ̄ (MATH.md §3.2).
        assert!((plan.stability_limit - plan.gamma_critical).abs() < 1e-9 * hi);
        // The upper bound decreases along γ (Corollary 3.5).
        assert!(plan.curves.windows(2).all(|w| w[0].upper > w[1].upper));
    }

    #[test]
    fn batch_values_are_distinct_integers_within_n() {
        let mut config = small();
        config.sweep = SweepOver::Batch;
        config.sweep_points = 20;
        let plan = plan(&config, None).unwrap();
        assert_eq!(plan.values[0], 1.0);
        assert_eq!(*plan.values.last().unwrap(), MAX_SWEEP_BATCH as f64);
        assert!(plan.values.iter().all(|b| b.fract() == 0.0));
        assert!(plan.values.len() <= 20);
        config.n = 5;
        config.d = 3;
        let plan = super::plan(&config, None).unwrap();
        assert_eq!(*plan.values.last().unwrap(), 5.0);
    }

    #[test]
    fn a_point_equals_analysis_run_at_its_config() {
        let mut config = small();
        config.method = Method::Both;
        config.substeps = 2;
        let plan = plan(&config, None).unwrap();
        let point = run_point(&config, None, &plan, 2, &mut Silent).unwrap();
        let report =
            analysis::run(&point_config(&config, &plan, 2).unwrap(), None, &mut Silent).unwrap();
        assert_eq!(point.upper, report.bounds.upper);
        assert_eq!(point.lower, report.bounds.lower);
        for (measured, sim) in point
            .methods
            .iter()
            .zip([report.sgd.unwrap(), report.hsgd.unwrap()])
        {
            assert_eq!(measured.method, sim.method);
            assert_eq!(measured.runs, sim.runs);
            let hill = sim.estimates.as_ref().unwrap().hill.clone();
            assert_eq!(measured.hill, hill.alpha);
            assert_eq!(measured.k, hill.k);
            // The same run bootstrap, tail test and verdict as the report's.
            let bootstrap = sim.bootstrap.as_ref().unwrap();
            assert_eq!(measured.interval, bootstrap.hill_over_k.alpha_interval());
            assert_eq!(measured.power_law_tail, Some(bootstrap.power_law_tail));
            assert_eq!(
                measured.moment_xi_interval,
                Some((bootstrap.moment.xi_lo, bootstrap.moment.xi_hi))
            );
            assert_eq!(measured.verdict, sim.verdict);
            assert_eq!(measured.verdict_runs_needed, sim.verdict_runs_needed);
        }
    }

    #[test]
    fn points_are_independent_and_deterministic() {
        let mut config = small();
        config.sweep_points = 3;
        config.sweep_runs = 100;
        let whole = run(&config, None, &mut Silent).unwrap();
        assert_eq!(whole, run(&config, None, &mut Silent).unwrap());
        let plan = plan(&config, None).unwrap();
        assert_eq!(plan, whole.plan);
        let alone = run_point(&config, None, &plan, 1, &mut Silent).unwrap();
        assert_eq!(alone, whole.points[1]);
        // Different points draw different runs.
        assert_ne!(whole.points[0].seed, whole.points[1].seed);
    }

    /// r = 1 (a single column): the bounds coincide and are the exact tail index of hSGD,
    /// whose stationary law is a scaled Student t(η*) (MATH.md §2.3, §3.4). Hill at a fixed
    /// k is biased low for t tails (MATH.md §4.2), so the reference is not η* itself but the
    /// mean of Hill(k) over 20 exact t(η*) samples of the same size (Hill is scale
    /// invariant); the point must lie within 3 of its standard errors of that mean.
    #[test]
    fn hsgd_point_matches_exact_student_t_when_r_is_1() {
        use crate::stats::distributions::{Law, StudentT};
        let mut config = Config::default();
        config.data = DataKind::Spectrum;
        config.n = 100;
        config.d = 1;
        config.method = Method::Hsgd;
        config.substeps = 20;
        config.steps = 300;
        config.sweep_points = 3;
        config.sweep_runs = 4000;
        config.hill_k = Some(200);
        let plan = plan(&config, None).unwrap();
        let point = run_point(&config, None, &plan, 1, &mut Silent).unwrap();
        assert_eq!(point.upper, point.lower);
        let t = StudentT::new(0.0, 1.0, point.upper).unwrap();
        let reference: f64 = (0..20)
            .map(|r| {
                let mut stream = crate::rng::stream(99, r);
                let sample: Vec<f64> = (0..4000).map(|_| t.sample(&mut stream)).collect();
                let e = estimators::hill_tail(&sample, Tail::Both, Some(200)).unwrap();
                e.alpha.unwrap()
            })
            .sum::<f64>()
            / 20.0;
        let m = &point.methods[0];
        let (hill, se) = (m.hill.unwrap(), m.std_err.unwrap());
        assert!(
            (hill - reference).abs() < 3.0 * se,
            "η* = {}, Hill = {hill} ± {se}, Hill of exact t samples = {reference}",
            point.upper
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let mut config = small();
        config.sweep_points = 1;
        assert_eq!(plan(&config, None).unwrap_err().field, "sweep_points");
        let mut config = small();
        config.hill_k = Some(500);
        config.runs = 2000;
        assert_eq!(plan(&config, None).unwrap_err().field, "hill_k");
        let config = small();
        let p = plan(&config, None).unwrap();
        assert_eq!(
            run_point(&config, None, &p, 9, &mut Silent)
                .unwrap_err()
                .field,
            "sweep_points"
        );
    }
}
