//! Mini-batch SGD on the ridge objective (MATH.md §0, §1.1, §4.1).
//!
//! - Objective: f(x) = (1/2n)|Ax − b|² + (δ/2)|x|² (δ in project units, MATH.md §0).
//! - One step: x ← x − (γ/B) Σ_{i∈Ω} a_i(a_iᵀx − b_i) − γδx, with Ω a batch of B distinct
//!   indices (the authors' code, the default) or B indices drawn with replacement (the
//!   paper's analysis). For B = 1 both are one uniform index.
//! - Initial point x₀ ~ 0.5·N(0, I) \[C\].
//! - Run `r` draws everything (x₀, then the batches) from [`crate::rng::stream`]`(seed, r)`,
//!   so splitting runs 0..R into chunks, workers or threads gives identical numbers.
//!
//! Outputs ([`Simulation`]): the final iterates x_K of the finished runs (runs × d,
//! row-major), or S iterates per run at the steps of [`Record::samples`] (after a burn-in,
//! the last being x_K; [`sample_steps`]), the runs that diverged, optionally the thinned trajectory of one run
//! (x every ⌊K/points⌋ steps, plus x_K) and loss curves f(x_k) at the same thinned steps
//! for the first few runs ([`Record`]).
//!
//! Divergence: every [`CHECK_STEPS`] steps (and at each recorded step) a run whose iterate
//! is non-finite or has |x| > [`DIVERGENCE_NORM`] is stopped and listed in
//! [`Simulation::diverged`]; no NaN ever reaches the output.
//!
//! Loss curves cost O(d²) per point through the Gram form
//! f(x) = ½xᵀGx − cᵀx + |b|²/(2n) + (δ/2)|x|², G = AᵀA/n, c = Aᵀb/n (G is built once, in
//! O(nd²), only when a loss curve is requested). Evaluating |Ax − b|² directly would cost
//! O(nd) per point, as much as the whole simulation for the paper's synthetic setting
//! (n = 2000, K = 1000). The price: when the loss tends to 0 (β = δ = 0, interpolation)
//! the curve floors at ~1e-16·|b|²/n; values are clamped at 0.
//!
//! Speed (one core, native): the row-major copy of A is made once per [`Sgd`]; for B = 1
//! a step is one fused pass over x (the update x ← x − γ r_k a_{i_k} and the next dot
//! product a_{i_{k+1}}ᵀx together) with eight fixed accumulator lanes, so LLVM vectorises
//! it and the summation order — hence every bit of the result — is the same natively and
//! in wasm. No allocation inside a run. See `BENCHMARKS.md`.

use std::ops::Range;
use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::model::problem::Problem;
use crate::rng::{self, Stream};

/// The parameters of one SGD simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdParams {
    /// Learning rate γ.
    pub gamma: f64,
    /// Batch size B (1 ≤ B ≤ n).
    pub batch: usize,
    /// Ridge coefficient δ (project units).
    pub delta: f64,
    /// Number of steps K.
    pub steps: usize,
    /// Draw batches with replacement.
    pub replacement: bool,
}

/// A run is declared diverged when |x| exceeds this (or x is not finite).
pub const DIVERGENCE_NORM: f64 = 1e100;

/// Divergence is checked at least every this many steps.
pub const CHECK_STEPS: usize = 256;

/// The progress callback is called after about this much work (element operations:
/// 2·B·d per SGD step, 8 per hSGD coordinate update), i.e. every 1–5 ms natively.
pub const PROGRESS_QUANTUM: u64 = 1 << 22;

/// The `field` of the error returned when the progress callback cancels a simulation.
pub const CANCELLED: &str = "cancelled";

/// What to record besides the final iterates.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The run whose thinned trajectory is kept (when it lies in the simulated range).
    pub trajectory_run: Option<usize>,
    /// Runs `0..loss_runs` get a loss curve (default 4: enough for a smooth mean curve,
    /// cheap whatever n is).
    pub loss_runs: usize,
    /// Number of thinning intervals: x and f are recorded every ⌊K/points⌋ steps, plus at
    /// step K (default 200).
    pub points: usize,
    /// The steps at which every run's iterate is kept as a sample ([`sample_steps`]):
    /// strictly increasing, the last equal to K. Empty (the default) keeps x_K alone.
    pub samples: Vec<usize>,
}

impl Default for Record {
    fn default() -> Self {
        Record {
            trajectory_run: Some(0),
            loss_runs: 4,
            points: 200,
            samples: Vec::new(),
        }
    }
}

impl Record {
    /// Record nothing but the final iterates.
    pub fn finals_only() -> Record {
        Record {
            trajectory_run: None,
            loss_runs: 0,
            points: 200,
            samples: Vec::new(),
        }
    }

    /// The sample steps to use for `steps` K: [`Record::samples`], or `[K]` when empty.
    ///
    /// # Errors
    /// `"samples_per_run"` when the steps are not strictly increasing or do not end at K.
    pub(crate) fn sample_steps(&self, steps: usize) -> Result<Vec<usize>> {
        if self.samples.is_empty() {
            return Ok(vec![steps]);
        }
        let increasing = self.samples.windows(2).all(|w| w[0] < w[1]);
        if !increasing || self.samples.last() != Some(&steps) {
            return Err(Error::new(
                "samples_per_run",
                format!(
                    "the sample steps must increase strictly and end at K = {steps}; got {:?}",
                    self.samples
                ),
            ));
        }
        Ok(self.samples.clone())
    }
}

/// The steps at which each run keeps an iterate: t_j = burn_in + round((j+1)(K − burn_in)/S)
/// for j = 0..S−1 (halves rounded up), so t_{S−1} = K. When 1 ≤ S ≤ K − burn_in they
/// increase strictly (consecutive ideal points are at least one step apart) and
/// t_0 > burn_in. Out-of-range arguments are clamped (S to 1..=K − burn_in, burn_in below
/// K); [`crate::report::config::Config::validate`] reports them first.
pub fn sample_steps(steps: usize, burn_in: usize, samples: usize) -> Vec<usize> {
    let burn_in = burn_in.min(steps.saturating_sub(1));
    let span = (steps - burn_in) as u128;
    let count = (samples as u128).clamp(1, span.max(1));
    (1..=count)
        .map(|j| {
            // round(j·span/count) in integers: ⌊(2·j·span + count) / (2·count)⌋.
            let offset = (2 * j * span + count) / (2 * count);
            burn_in + offset as usize
        })
        .collect()
}

/// The steps at which trajectories and losses are recorded: 0, s, 2s, … and K, with
/// s = max(1, ⌊K/points⌋).
pub fn thinned_steps(steps: usize, points: usize) -> Vec<usize> {
    let stride = (steps / points.max(1)).max(1);
    let mut times: Vec<usize> = (0..=steps).step_by(stride).collect();
    if times.last() != Some(&steps) {
        times.push(steps);
    }
    times
}

/// The thinned path of one run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Trajectory {
    /// The run's index.
    pub run: usize,
    /// x at `Simulation::times[k]`, row k (row-major, d per row). Fewer rows than times
    /// when the run diverged.
    pub points: Vec<f64>,
}

/// The loss curve of one run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LossCurve {
    /// The run's index.
    pub run: usize,
    /// f(x) at `Simulation::times[k]`; shorter than the times when the run diverged.
    pub values: Vec<f64>,
}

fn one() -> usize {
    1
}

/// The result of simulating a range of runs (SGD or hSGD).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Simulation {
    /// Dimension d.
    pub d: usize,
    /// The runs simulated.
    pub runs: Range<usize>,
    /// The iterates S kept per run ([`Record::samples`]; 1: the final iterate only).
    #[serde(default = "one")]
    pub samples_per_run: usize,
    /// The index of each finished run, ascending; rows k·S .. (k+1)·S of `finals` belong
    /// to run `finished[k]`.
    pub finished: Vec<usize>,
    /// The kept iterates of the finished runs in the original coordinates, row-major
    /// (`finished.len()`·S × d): for each run, x at the sample steps in order, the last
    /// being the final iterate x_K (with S = 1, just the final iterates).
    pub finals: Vec<f64>,
    /// The same in SVD coordinates Vᵀx (all d, null space included), when known (hSGD).
    pub finals_svd: Option<Vec<f64>>,
    /// Runs stopped because their iterate became non-finite or exceeded
    /// [`DIVERGENCE_NORM`].
    pub diverged: Vec<usize>,
    /// The steps at which trajectories and losses were recorded ([`thinned_steps`]).
    pub times: Vec<usize>,
    /// The thinned trajectory of `Record::trajectory_run`, if that run was simulated here.
    pub trajectory: Option<Trajectory>,
    /// Loss curves of the runs below `Record::loss_runs` simulated here, by run.
    pub losses: Vec<LossCurve>,
    /// The inspected coordinate of each kept iterate (S per finished run), when the
    /// iterates were reduced to it ([`Simulation::reduce_to`]; `finals` and `finals_svd` are then empty):
    /// what a worker sends back of its part of a split run, d times less to copy.
    #[serde(default)]
    pub inspected: Option<Vec<f64>>,
}

impl Simulation {
    /// A simulation of no runs yet over `runs`, recording at `times`; `svd`: final
    /// iterates in SVD coordinates are kept too.
    pub(crate) fn empty(d: usize, runs: Range<usize>, times: Vec<usize>, svd: bool) -> Simulation {
        Simulation {
            d,
            runs,
            samples_per_run: 1,
            finished: Vec::new(),
            finals: Vec::new(),
            finals_svd: svd.then(Vec::new),
            diverged: Vec::new(),
            times,
            trajectory: None,
            losses: Vec::new(),
            inspected: None,
        }
    }

    /// Keeps, of the kept iterates, only `inspected` (one value per row of `finals`, in
    /// order): see [`Simulation::inspected`].
    pub fn reduce_to(&mut self, inspected: Vec<f64>) {
        self.finals = Vec::new();
        self.finals_svd = None;
        self.inspected = Some(inspected);
    }

    /// Records how run `run` ended: its kept iterates, S rows (original coordinates, and
    /// SVD coordinates when this simulation keeps them), or `None` when it diverged; its
    /// thinned trajectory and loss curve when they were recorded. The one place that
    /// bookkeeping lives, for every integrator.
    pub(crate) fn record_run(
        &mut self,
        run: usize,
        final_iterate: Option<(&[f64], Option<&[f64]>)>,
        path: Option<Vec<f64>>,
        loss: Option<Vec<f64>>,
    ) {
        match final_iterate {
            Some((x, svd)) => {
                self.finished.push(run);
                self.finals.extend_from_slice(x);
                if let (Some(kept), Some(s)) = (self.finals_svd.as_mut(), svd) {
                    kept.extend_from_slice(s);
                }
            }
            None => self.diverged.push(run),
        }
        if let Some(points) = path {
            self.trajectory = Some(Trajectory { run, points });
        }
        if let Some(values) = loss {
            self.losses.push(LossCurve { run, values });
        }
    }

    /// Row k of the kept iterates (original coordinates): with S = 1 the final iterate of
    /// the k-th finished run, otherwise sample k mod S of finished run ⌊k/S⌋.
    pub fn final_iterate(&self, k: usize) -> &[f64] {
        &self.finals[k * self.d..(k + 1) * self.d]
    }

    /// The number of kept iterates (rows of `finals`, or values of `inspected`):
    /// finished runs × S.
    pub fn sample_count(&self) -> usize {
        self.finished.len() * self.samples_per_run
    }

    /// Row k of the kept iterates in SVD coordinates, when known.
    pub fn final_svd(&self, k: usize) -> Option<&[f64]> {
        self.finals_svd
            .as_ref()
            .map(|s| &s[k * self.d..(k + 1) * self.d])
    }

    /// uᵀx for each kept iterate (e.g. u = q_1 for the paper's projection).
    pub fn project(&self, u: &[f64]) -> Vec<f64> {
        self.finals
            .chunks_exact(self.d)
            .map(|x| x.iter().zip(u).map(|(x, u)| x * u).sum())
            .collect()
    }

    /// Coordinate `i` of every kept iterate in SVD coordinates, when known.
    pub fn svd_coordinate(&self, i: usize) -> Option<Vec<f64>> {
        self.finals_svd
            .as_ref()
            .map(|s| s.chunks_exact(self.d).map(|row| row[i]).collect())
    }

    /// Appends the runs of `next`, which must start where these end (the chunks of one
    /// simulation, in order).
    ///
    /// # Errors
    /// `next` does not continue this range, or has another d or other times.
    pub fn merge(&mut self, next: Simulation) -> Result<()> {
        if next.runs.start != self.runs.end
            || next.d != self.d
            || next.times != self.times
            || next.samples_per_run != self.samples_per_run
        {
            return Err(Error::new(
                "runs",
                format!(
                    "cannot append runs {:?} to runs {:?}: chunks must be contiguous and of the same simulation",
                    next.runs, self.runs
                ),
            ));
        }
        self.runs.end = next.runs.end;
        self.finished.extend(next.finished);
        self.finals.extend(next.finals);
        match (&mut self.finals_svd, next.finals_svd) {
            (Some(mine), Some(theirs)) => mine.extend(theirs),
            (None, None) => {}
            _ => {
                return Err(Error::new(
                    "runs",
                    "cannot append runs with SVD coordinates to runs without them",
                ))
            }
        }
        match (&mut self.inspected, next.inspected) {
            (Some(mine), Some(theirs)) => mine.extend(theirs),
            (None, None) => {}
            _ => {
                return Err(Error::new(
                    "runs",
                    "cannot append reduced runs to runs with whole final iterates",
                ))
            }
        }
        self.diverged.extend(next.diverged);
        if self.trajectory.is_none() {
            self.trajectory = next.trajectory;
        }
        self.losses.extend(next.losses);
        Ok(())
    }

    /// The mean loss curve: at each recorded step, the mean of f over the tracked runs
    /// still finite there. Ends where no tracked run is left.
    pub fn mean_loss(&self) -> Vec<f64> {
        let longest = self.losses.iter().map(|l| l.values.len()).max();
        (0..longest.unwrap_or(0))
            .map(|k| {
                let alive: Vec<f64> = self
                    .losses
                    .iter()
                    .filter_map(|l| l.values.get(k).copied())
                    .collect();
                alive.iter().sum::<f64>() / alive.len() as f64
            })
            .collect()
    }
}

/// Counts work and calls the caller's progress callback every [`PROGRESS_QUANTUM`].
pub(crate) struct Ticker<'a> {
    callback: &'a mut dyn FnMut(u64, u64) -> bool,
    done: u64,
    total: u64,
    pending: u64,
}

impl<'a> Ticker<'a> {
    pub(crate) fn new(callback: &'a mut dyn FnMut(u64, u64) -> bool, total: u64) -> Self {
        Ticker {
            callback,
            done: 0,
            total,
            pending: 0,
        }
    }

    /// `steps` time steps costing `work` element operations are done.
    pub(crate) fn advance(&mut self, steps: u64, work: u64) -> Result<()> {
        self.done += steps;
        self.pending += work;
        if self.pending >= PROGRESS_QUANTUM {
            self.pending = 0;
            self.report()?;
        }
        Ok(())
    }

    /// Jumps to the end of a run (after divergence) without reporting.
    pub(crate) fn skip_to(&mut self, done: u64) {
        self.done = self.done.max(done);
    }

    pub(crate) fn report(&mut self) -> Result<()> {
        if (self.callback)(self.done.min(self.total), self.total) {
            Ok(())
        } else {
            Err(cancelled())
        }
    }
}

/// The error a cancelled simulation returns (field [`CANCELLED`]).
pub fn cancelled() -> Error {
    Error::new(CANCELLED, "the simulation was cancelled")
}

/// Checks a run range against the simulation's limits.
pub(crate) fn check_runs(runs: &Range<usize>) -> Result<()> {
    if runs.start > runs.end {
        return Err(Error::new(
            "runs",
            format!("the run range {runs:?} is empty or reversed"),
        ));
    }
    Ok(())
}

/// Checks γ, B and δ (shared with hSGD).
pub(crate) fn check_common(gamma: f64, batch: usize, delta: f64, n: usize) -> Result<()> {
    if !(gamma.is_finite() && gamma > 0.0) {
        return Err(Error::new(
            "gamma",
            "the learning rate γ must be a finite number > 0",
        ));
    }
    if !(1..=n).contains(&batch) {
        return Err(Error::new(
            "batch",
            format!("the batch size must be between 1 and n = {n}"),
        ));
    }
    if !(delta.is_finite() && delta >= 0.0) {
        return Err(Error::new(
            "delta",
            "the regularisation δ must be a finite number ≥ 0",
        ));
    }
    Ok(())
}

/// Lanes of the dot-product accumulators: a fixed summation order (so results are
/// bit-identical on every target) that still lets LLVM use SIMD registers.
const LANES: usize = 8;

/// Adds the lanes in a fixed tree order: first vertically, as pairs (0,1) + (2,3) +
/// (4,5) + (6,7), which is what 2-wide SIMD registers do without shuffles, then the two
/// halves.
#[inline(always)]
fn reduce(acc: [f64; LANES], tail: f64) -> f64 {
    let even = (acc[0] + acc[2]) + (acc[4] + acc[6]);
    let odd = (acc[1] + acc[3]) + (acc[5] + acc[7]);
    (even + odd) + tail
}

/// aᵀx with the lane order of [`axpy_dot`].
#[inline(always)]
fn dot(a: &[f64], x: &[f64]) -> f64 {
    let mut acc = [0.0; LANES];
    let (a_body, a_tail) = a.split_at(a.len() / LANES * LANES);
    let (x_body, x_tail) = x.split_at(a_body.len());
    for (a, x) in a_body.chunks_exact(LANES).zip(x_body.chunks_exact(LANES)) {
        for l in 0..LANES {
            acc[l] += a[l] * x[l];
        }
    }
    let mut tail = 0.0;
    for (a, x) in a_tail.iter().zip(x_tail) {
        tail += a * x;
    }
    reduce(acc, tail)
}

/// x ← s·x − c·u (s omitted when `SHRINK` is false), then returns vᵀx (new x), summed in
/// exactly the order of [`dot`]. (Two passes over x, which stays in L1: LLVM vectorises
/// each cleanly, while a single fused pass made it shuffle lanes.)
#[inline(always)]
fn axpy_dot<const SHRINK: bool>(x: &mut [f64], s: f64, c: f64, u: &[f64], v: &[f64]) -> f64 {
    axpy::<SHRINK>(x, s, c, u);
    dot(v, x)
}

/// x ← s·x − c·u (s omitted when `SHRINK` is false), as in [`axpy_dot`].
#[inline(always)]
fn axpy<const SHRINK: bool>(x: &mut [f64], s: f64, c: f64, u: &[f64]) {
    for (x, u) in x.iter_mut().zip(u) {
        *x = if SHRINK { s * *x } else { *x } - c * u;
    }
}

/// The quadratic form of the loss, built on first use.
#[derive(Clone, Debug)]
struct Gram {
    /// G = AᵀA/n, row-major d × d.
    g: Vec<f64>,
    /// c = Aᵀb/n.
    c: Vec<f64>,
    /// |b|²/(2n).
    constant: f64,
}

/// A prepared SGD simulation: the parameters checked and the data laid out for the inner
/// loop (once, however many chunks of runs follow).
#[derive(Debug)]
pub struct Sgd {
    n: usize,
    d: usize,
    /// A row-major: a_i = rows[i·d .. (i+1)·d].
    rows: Vec<f64>,
    b: Vec<f64>,
    params: SgdParams,
    gram: OnceLock<Gram>,
}

/// Sees x at each recorded step of a run.
type Observer<'a> = Option<&'a mut dyn FnMut(&[f64])>;

/// Mutable per-run state, reused across runs (no allocation inside a run).
struct Workspace {
    x: Vec<f64>,
    gradient: Vec<f64>,
    permutation: Vec<usize>,
    batch: Vec<usize>,
    residuals: Vec<f64>,
    /// The run's kept iterates so far (S·d at the end).
    kept: Vec<f64>,
    /// The steps at which an iterate is kept ([`Record::sample_steps`]).
    samples: Vec<usize>,
}

impl Sgd {
    /// Checks the parameters against the problem and lays out A row by row.
    ///
    /// # Errors
    /// γ not finite and > 0, B outside 1..=n, δ not finite and ≥ 0, or data with a
    /// non-finite entry.
    pub fn new(problem: &Problem, params: &SgdParams) -> Result<Sgd> {
        let (n, d) = (problem.n(), problem.d());
        check_common(params.gamma, params.batch, params.delta, n)?;
        if problem
            .a
            .iter()
            .chain(problem.b.iter())
            .any(|v| !v.is_finite())
        {
            return Err(Error::new(
                "data",
                "the data contain NaN or infinite values",
            ));
        }
        let mut rows = vec![0.0; n * d];
        for (j, column) in problem.a.column_iter().enumerate() {
            for (i, &v) in column.iter().enumerate() {
                rows[i * d + j] = v;
            }
        }
        Ok(Sgd {
            n,
            d,
            rows,
            b: problem.b.iter().copied().collect(),
            params: *params,
            gram: OnceLock::new(),
        })
    }

    /// The parameters.
    pub fn params(&self) -> &SgdParams {
        &self.params
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.rows[i * self.d..(i + 1) * self.d]
    }

    fn gram(&self) -> &Gram {
        self.gram.get_or_init(|| {
            let (n, d) = (self.n, self.d);
            let mut g = vec![0.0; d * d];
            let mut c = vec![0.0; d];
            for i in 0..n {
                let a = self.row(i);
                for j in 0..d {
                    let aj = a[j];
                    c[j] += aj * self.b[i];
                    for (gjk, ak) in g[j * d..(j + 1) * d].iter_mut().zip(a) {
                        *gjk += aj * ak;
                    }
                }
            }
            let inv_n = 1.0 / n as f64;
            g.iter_mut().for_each(|v| *v *= inv_n);
            c.iter_mut().for_each(|v| *v *= inv_n);
            let constant = self.b.iter().map(|v| v * v).sum::<f64>() * 0.5 * inv_n;
            Gram { g, c, constant }
        })
    }

    /// f(x) = (1/2n)|Ax − b|² + (δ/2)|x|² through the Gram form (module docs), ≥ 0.
    pub fn loss(&self, x: &[f64]) -> f64 {
        let gram = self.gram();
        let d = self.d;
        let mut quadratic = 0.0;
        for (j, &xj) in x.iter().enumerate() {
            quadratic += xj * dot(&gram.g[j * d..(j + 1) * d], x);
        }
        let linear = dot(&gram.c, x);
        let norm2 = dot(x, x);
        (0.5 * quadratic - linear + gram.constant + 0.5 * self.params.delta * norm2).max(0.0)
    }

    /// Simulates runs `runs` (run r from `rng::stream(seed, r)`), recording what `record`
    /// asks for. `progress(done, total)` is called every [`PROGRESS_QUANTUM`] of work and
    /// at the end, in units of SGD steps summed over the runs of this call
    /// (total = runs.len()·K); returning false cancels.
    ///
    /// # Errors
    /// A reversed run range; cancellation (field [`CANCELLED`]).
    pub fn simulate(
        &self,
        seed: u64,
        runs: Range<usize>,
        record: &Record,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<Simulation> {
        check_runs(&runs)?;
        let (d, steps) = (self.d, self.params.steps);
        let times = thinned_steps(steps, record.points);
        let samples = record.sample_steps(steps)?;
        let mut out = Simulation::empty(d, runs.clone(), times, false);
        out.samples_per_run = samples.len();
        let kept_len = samples.len() * d;
        let total = runs.len() as u64 * steps as u64;
        let mut ticker = Ticker::new(progress, total);
        let mut work = Workspace {
            x: vec![0.0; d],
            gradient: vec![0.0; d],
            permutation: Vec::new(),
            batch: vec![0; self.params.batch],
            residuals: vec![0.0; self.params.batch],
            kept: Vec::with_capacity(kept_len),
            samples,
        };
        for (k, run) in runs.clone().enumerate() {
            let keep_path = record.trajectory_run == Some(run);
            let keep_loss = run < record.loss_runs;
            let mut path = Vec::new();
            let mut loss = Vec::new();
            let mut keep = |x: &[f64]| {
                if keep_path {
                    path.extend_from_slice(x);
                }
                if keep_loss {
                    loss.push(self.loss(x));
                }
            };
            let observer: Observer = if keep_path || keep_loss {
                Some(&mut keep)
            } else {
                None
            };
            let finished = self.run_one(seed, run, &mut work, &out.times, observer, &mut ticker)?;
            ticker.skip_to((k as u64 + 1) * steps as u64);
            out.record_run(
                run,
                finished.then_some((&work.kept[..], None)),
                keep_path.then_some(path),
                keep_loss.then_some(loss),
            );
        }
        ticker.report()?;
        Ok(out)
    }

    /// One run; x_K is left in `work.x` and x at each of `work.samples` (the last is K) in
    /// `work.kept`. Returns false if the run diverged. `observe`, when given, sees x at
    /// every recorded step (only while finite). Stopping at a sample step only splits the
    /// steps into more segments, which changes no bit of the path.
    fn run_one(
        &self,
        seed: u64,
        run: usize,
        work: &mut Workspace,
        times: &[usize],
        mut observe: Observer,
        ticker: &mut Ticker,
    ) -> Result<bool> {
        let mut stream = rng::stream(seed, run as u64);
        initial_point(&mut stream, &mut work.x);
        work.kept.clear();
        if self.params.batch > 1 && !self.params.replacement {
            work.permutation.clear();
            work.permutation.extend(0..self.n);
        }
        let steps = self.params.steps;
        let work_per_step = 2 * (self.params.batch * self.d) as u64;
        let mut next_time = 0;
        let mut next_sample = 0;
        let mut k = 0;
        loop {
            if let Some(observe) = observe.as_mut() {
                if times.get(next_time) == Some(&k) {
                    if !is_bounded(&work.x) {
                        return Ok(false);
                    }
                    observe(&work.x);
                    next_time += 1;
                }
            }
            if work.samples.get(next_sample) == Some(&k) {
                work.kept.extend_from_slice(&work.x);
                next_sample += 1;
            }
            if k == steps {
                break;
            }
            let mut end = (k + CHECK_STEPS).min(steps);
            if observe.is_some() {
                end = end.min(times[next_time]);
            }
            if let Some(&t) = work.samples.get(next_sample) {
                end = end.min(t);
            }
            self.advance(&mut stream, work, end - k);
            ticker.advance((end - k) as u64, (end - k) as u64 * work_per_step)?;
            k = end;
            if !is_bounded(&work.x) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `count` SGD steps from `work.x`.
    // Never inlined: in wasm, V8 first runs a function as baseline (Liftoff) code
    // and swaps in the optimised (TurboFan) code only at a later call — there is no
    // on-stack replacement. Inlined into `simulate`, the whole first job of a fresh page
    // ran as baseline code (3.5× slower); as a call per chunk, it switches after a few
    // chunks. One call per chunk costs nothing measurable; the numbers do not change.
    #[inline(never)]
    fn advance(&self, stream: &mut Stream, work: &mut Workspace, count: usize) {
        let p = &self.params;
        let shrink = 1.0 - p.gamma * p.delta;
        if p.batch == 1 {
            if shrink == 1.0 {
                self.advance_single::<false>(stream, &mut work.x, count, shrink);
            } else {
                self.advance_single::<true>(stream, &mut work.x, count, shrink);
            }
        } else {
            self.advance_batch(stream, work, count, shrink);
        }
    }

    /// B = 1: each step is one fused pass x ← s·x − γ r_k a_{i_k}, r_{k+1} = a_{i_{k+1}}ᵀx − b.
    /// The indices are drawn in step order whatever `count` is, and the fused dot sums in
    /// the order of the plain one, so splitting a run into segments changes no bit.
    fn advance_single<const SHRINK: bool>(
        &self,
        stream: &mut Stream,
        x: &mut [f64],
        count: usize,
        shrink: f64,
    ) {
        if count == 0 {
            return;
        }
        let gamma = self.params.gamma;
        let mut i = rng::index(stream, self.n);
        let mut residual = dot(self.row(i), x) - self.b[i];
        for _ in 1..count {
            let j = rng::index(stream, self.n);
            residual = axpy_dot::<SHRINK>(x, shrink, gamma * residual, self.row(i), self.row(j))
                - self.b[j];
            i = j;
        }
        axpy::<SHRINK>(x, shrink, gamma * residual, self.row(i));
    }

    /// B > 1: residuals of the whole batch at x, then x ← s·x − (γ/B) Σ_j r_j a_{i_j}.
    fn advance_batch(&self, stream: &mut Stream, work: &mut Workspace, count: usize, shrink: f64) {
        let p = &self.params;
        let scale = p.gamma / p.batch as f64;
        for _ in 0..count {
            for j in 0..p.batch {
                work.batch[j] = if p.replacement {
                    rng::index(stream, self.n)
                } else {
                    // Partial Fisher–Yates: positions 0..B become a uniform B-subset.
                    let k = j + rng::index(stream, self.n - j);
                    work.permutation.swap(j, k);
                    work.permutation[j]
                };
            }
            for (r, &i) in work.residuals.iter_mut().zip(&work.batch) {
                *r = dot(self.row(i), &work.x) - self.b[i];
            }
            work.gradient.iter_mut().for_each(|g| *g = 0.0);
            for (&r, &i) in work.residuals.iter().zip(&work.batch) {
                for (g, a) in work.gradient.iter_mut().zip(self.row(i)) {
                    *g += r * a;
                }
            }
            for (x, g) in work.x.iter_mut().zip(&work.gradient) {
                *x = shrink * *x - scale * g;
            }
        }
    }
}

/// x₀ ~ 0.5·N(0, I), the first draws of a run's stream (shared with hSGD, so both start
/// from the same point run for run).
pub(crate) fn initial_point(stream: &mut Stream, x: &mut [f64]) {
    rng::fill_standard_normal(stream, x);
    x.iter_mut().for_each(|v| *v *= 0.5);
}

/// Finite and |x| ≤ [`DIVERGENCE_NORM`].
fn is_bounded(x: &[f64]) -> bool {
    square_is_bounded(x.iter().map(|v| v * v).sum())
}

/// A squared norm that is finite and ≤ [`DIVERGENCE_NORM`]² (false for NaN).
pub(crate) fn square_is_bounded(norm2: f64) -> bool {
    norm2 <= DIVERGENCE_NORM * DIVERGENCE_NORM
}

/// Simulates runs `runs` of SGD; see [`Sgd::simulate`]. Prepare an [`Sgd`] once instead
/// when simulating several chunks.
///
/// # Errors
/// As [`Sgd::new`] and [`Sgd::simulate`].
pub fn simulate(
    problem: &Problem,
    params: &SgdParams,
    seed: u64,
    runs: Range<usize>,
    record: &Record,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Simulation> {
    Sgd::new(problem, params)?.simulate(seed, runs, record, progress)
}

/// Runs SGD for run index `run` under `seed` and returns the final iterate x_K, or `None`
/// if the run diverged or the parameters are invalid.
///
/// Kept for callers that go run by run; it lays out A anew on every call, so prefer
/// [`Sgd::simulate`] over a range of runs.
pub fn run(problem: &Problem, params: &SgdParams, seed: u64, run: u64) -> Option<Vec<f64>> {
    let run = usize::try_from(run).ok()?;
    let sim = simulate(
        problem,
        params,
        seed,
        run..run + 1,
        &Record::finals_only(),
        &mut |_, _| true,
    )
    .ok()?;
    (sim.finished.len() == 1).then_some(sim.finals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector};

    fn params(gamma: f64, batch: usize, delta: f64, steps: usize) -> SgdParams {
        SgdParams {
            gamma,
            batch,
            delta,
            steps,
            replacement: false,
        }
    }

    fn quiet() -> impl FnMut(u64, u64) -> bool {
        |_, _| true
    }

    #[test]
    fn one_dimensional_unit_data_follow_the_closed_form() {
        // n = d = 1, a = 1: every step is x ← x − γ(x − b) − γδx, deterministic, so
        // x_k = x* + (1 − γ(1 + δ))^k (x₀ − x*), x* = b/(1 + δ). Relative tolerance 1e-12
        // (rounding of the recursion against powi).
        let problem = Problem {
            a: DMatrix::from_element(1, 1, 1.0),
            b: DVector::from_element(1, 2.5),
            name: "unit".into(),
        };
        let (gamma, delta, steps) = (0.3, 0.2, 40);
        let record = Record {
            trajectory_run: Some(1),
            loss_runs: 0,
            points: 40,
            ..Record::default()
        };
        let sim = simulate(
            &problem,
            &params(gamma, 1, delta, steps),
            9,
            0..3,
            &record,
            &mut quiet(),
        )
        .unwrap();
        let path = &sim.trajectory.as_ref().unwrap().points;
        assert_eq!(path.len(), steps + 1);
        let x_star = 2.5 / (1.0 + delta);
        let x0 = path[0];
        // x₀ is 0.5 times the first normal of run 1's stream.
        let mut stream = rng::stream(9, 1);
        assert_eq!(x0, 0.5 * rng::standard_normal(&mut stream));
        for (k, &x) in path.iter().enumerate() {
            let exact = x_star + (1.0 - gamma * (1.0 + delta)).powi(k as i32) * (x0 - x_star);
            assert!(
                (x - exact).abs() <= 1e-12 * (1.0 + exact.abs()),
                "{k}: {x} vs {exact}"
            );
        }
        assert_eq!(sim.final_iterate(1)[0], path[steps]);
    }

    /// Monte Carlo mean of x_K against gradient descent on the mean:
    /// E x_{k+1} = (I − γ(H + δI)) E x_k + γAᵀb/n, E x₀ = 0 (exact for every batch scheme,
    /// since E[(1/B)Σ_{i∈Ω} a_i a_iᵀ] = H with or without replacement).
    fn check_mean_against_gradient_descent(replacement: bool, batch: usize, delta: f64) {
        let problem = Problem::synthetic(40, 6, 3).unwrap();
        let (n, d) = (problem.n(), problem.d());
        let mut p = params(0.05, batch, delta, 60);
        p.replacement = replacement;
        let runs = 3000;
        let sim = simulate(
            &problem,
            &p,
            5,
            0..runs,
            &Record::finals_only(),
            &mut quiet(),
        )
        .unwrap();
        assert_eq!(sim.finished.len(), runs);
        let h = problem.a.transpose() * &problem.a / n as f64;
        let drift = problem.a.transpose() * &problem.b * (p.gamma / n as f64);
        let step = DMatrix::identity(d, d) - (&h + DMatrix::identity(d, d) * delta) * p.gamma;
        let mut mean = DVector::zeros(d);
        for _ in 0..p.steps {
            mean = &step * mean + &drift;
        }
        for j in 0..d {
            let values: Vec<f64> = (0..runs).map(|k| sim.final_iterate(k)[j]).collect();
            let m = values.iter().sum::<f64>() / runs as f64;
            let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (runs - 1) as f64;
            let se = (var / runs as f64).sqrt();
            // 4.5 standard errors (six coordinates, deterministic seed).
            assert!(
                (m - mean[j]).abs() < 4.5 * se,
                "coordinate {j}: MC mean {m} vs GD {} (se {se})",
                mean[j]
            );
            // The runs do spread: SGD is not accidentally deterministic.
            assert!(se > 1e-4, "se {se}");
        }
    }

    #[test]
    fn mean_iterate_follows_gradient_descent_without_replacement() {
        check_mean_against_gradient_descent(false, 4, 0.0);
    }

    #[test]
    fn mean_iterate_follows_gradient_descent_with_replacement_and_ridge() {
        check_mean_against_gradient_descent(true, 3, 0.5);
    }

    #[test]
    fn mean_iterate_follows_gradient_descent_batch_one() {
        check_mean_against_gradient_descent(false, 1, 0.1);
    }

    #[test]
    fn fused_kernel_matches_plain_arithmetic() {
        // The fused B = 1 loop against a naive step-by-step implementation drawing the same
        // indices: equal to rounding (1e-12), and bit-identical whatever the recording
        // segments are.
        let problem = Problem::synthetic(50, 13, 2).unwrap();
        let p = params(0.04, 1, 0.3, 500);
        let sgd = Sgd::new(&problem, &p).unwrap();
        let plain = sgd
            .simulate(4, 2..3, &Record::finals_only(), &mut quiet())
            .unwrap();
        let recorded = sgd
            .simulate(
                4,
                2..3,
                &Record {
                    trajectory_run: Some(2),
                    loss_runs: 3,
                    points: 7,
                    ..Record::default()
                },
                &mut quiet(),
            )
            .unwrap();
        assert_eq!(plain.finals, recorded.finals);
        let mut stream = rng::stream(4, 2);
        let mut x = vec![0.0; 13];
        initial_point(&mut stream, &mut x);
        for _ in 0..p.steps {
            let i = rng::index(&mut stream, 50);
            let a = problem.a.row(i);
            let r: f64 = a.iter().zip(&x).map(|(a, x)| a * x).sum::<f64>() - problem.b[i];
            for (j, x) in x.iter_mut().enumerate() {
                *x -= p.gamma * (r * a[j] + p.delta * *x);
            }
        }
        for (a, b) in plain.finals.iter().zip(&x) {
            assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
        }
    }

    #[test]
    fn chunks_give_identical_results_and_merge() {
        let problem = Problem::synthetic(30, 5, 1).unwrap();
        let p = params(0.1, 2, 0.0, 300);
        let sgd = Sgd::new(&problem, &p).unwrap();
        let record = Record {
            trajectory_run: Some(4),
            loss_runs: 3,
            points: 20,
            ..Record::default()
        };
        let whole = sgd.simulate(7, 0..9, &record, &mut quiet()).unwrap();
        let mut parts = sgd.simulate(7, 0..2, &record, &mut quiet()).unwrap();
        for range in [2..5, 5..9] {
            parts
                .merge(sgd.simulate(7, range, &record, &mut quiet()).unwrap())
                .unwrap();
        }
        assert_eq!(whole, parts);
        assert_eq!(whole.losses.len(), 3);
        assert_eq!(whole.trajectory.as_ref().unwrap().points.len(), 21 * 5);
        assert!(parts
            .merge(sgd.simulate(7, 3..4, &record, &mut quiet()).unwrap())
            .is_err());
    }

    #[test]
    fn loss_curve_matches_direct_evaluation_and_decreases() {
        let problem = Problem::synthetic(60, 4, 8).unwrap();
        let p = params(0.05, 1, 0.01, 400);
        let sgd = Sgd::new(&problem, &p).unwrap();
        let record = Record {
            trajectory_run: Some(0),
            loss_runs: 1,
            points: 10,
            ..Record::default()
        };
        let sim = sgd.simulate(3, 0..1, &record, &mut quiet()).unwrap();
        let path = &sim.trajectory.as_ref().unwrap().points;
        for (k, x) in path.chunks_exact(4).enumerate() {
            let x = DVector::from_column_slice(x);
            let direct = (&problem.a * &x - &problem.b).norm_squared() / (2.0 * 60.0)
                + 0.5 * p.delta * x.norm_squared();
            let gram = sim.losses[0].values[k];
            assert!((gram - direct).abs() < 1e-10 * direct, "{gram} vs {direct}");
        }
        // No loss lies below the ridge minimum f(x_δ), (AᵀA/n + δI)x_δ = Aᵀb/n.
        let h = problem.a.transpose() * &problem.a / 60.0 + DMatrix::identity(4, 4) * p.delta;
        let x_ridge = h
            .lu()
            .solve(&(problem.a.transpose() * &problem.b / 60.0))
            .unwrap();
        let f_min = (&problem.a * &x_ridge - &problem.b).norm_squared() / 120.0
            + 0.5 * p.delta * x_ridge.norm_squared();
        let curve = sim.mean_loss();
        assert_eq!(curve.len(), sim.times.len());
        assert!(
            curve.iter().all(|&f| f >= f_min * (1.0 - 1e-12)),
            "{curve:?} vs {f_min}"
        );
        assert!(curve.last().unwrap() < &curve[0], "{curve:?}");
    }

    #[test]
    fn divergence_is_detected_and_reported_without_nan() {
        // γ far above 2/λ_max(H): every run blows up.
        let problem = Problem::synthetic(30, 5, 1).unwrap();
        let p = params(50.0, 1, 0.0, 2000);
        let record = Record {
            trajectory_run: Some(0),
            loss_runs: 2,
            points: 50,
            ..Record::default()
        };
        let sim = simulate(&problem, &p, 1, 0..5, &record, &mut quiet()).unwrap();
        assert_eq!(sim.diverged, vec![0, 1, 2, 3, 4]);
        assert!(sim.finals.is_empty());
        let path = &sim.trajectory.as_ref().unwrap().points;
        assert!(path.len() < 51 * 5 && path.iter().all(|v| v.is_finite()));
        assert!(sim.mean_loss().iter().all(|v| v.is_finite()));
        assert_eq!(run(&problem, &p, 1, 0), None);
    }

    #[test]
    fn progress_counts_steps_and_can_cancel() {
        let problem = Problem::synthetic(100, 64, 1).unwrap();
        let p = params(0.01, 1, 0.0, 20_000);
        let mut calls = Vec::new();
        let sim = simulate(
            &problem,
            &p,
            1,
            0..4,
            &Record::finals_only(),
            &mut |done, total| {
                calls.push((done, total));
                true
            },
        )
        .unwrap();
        assert_eq!(sim.finished.len(), 4);
        // 4 runs × 20k steps × 128 operations ≈ 10M: two intermediate reports and the end.
        assert!(calls.len() >= 3, "{calls:?}");
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(*calls.last().unwrap(), (80_000, 80_000));
        let mut seen = 0;
        let cancelled = simulate(
            &problem,
            &p,
            1,
            0..4,
            &Record::finals_only(),
            &mut |_, _| {
                seen += 1;
                false
            },
        );
        assert_eq!(cancelled.unwrap_err().field, CANCELLED);
        assert_eq!(seen, 1);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let problem = Problem::synthetic(10, 3, 1).unwrap();
        let cases = [
            (params(0.0, 1, 0.0, 5), "gamma"),
            (params(f64::NAN, 1, 0.0, 5), "gamma"),
            (params(0.1, 0, 0.0, 5), "batch"),
            (params(0.1, 11, 0.0, 5), "batch"),
            (params(0.1, 1, -1.0, 5), "delta"),
        ];
        for (p, field) in cases {
            assert_eq!(Sgd::new(&problem, &p).unwrap_err().field, field);
        }
        let mut bad = problem.clone();
        bad.b[0] = f64::INFINITY;
        assert_eq!(
            Sgd::new(&bad, &params(0.1, 1, 0.0, 5)).unwrap_err().field,
            "data"
        );
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 3..2;
        let sgd = Sgd::new(&problem, &params(0.1, 1, 0.0, 5)).unwrap();
        assert!(sgd
            .simulate(0, reversed, &Record::default(), &mut quiet())
            .is_err());
    }
}
