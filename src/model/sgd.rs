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
use crate::model::lanes::dot;
use crate::model::problem::Problem;
use crate::model::simulation::{
    probe_value, single, Kept, Record, Simulation, Ticker, CHECK_STEPS, DIVERGENCE_NORM,
};
use crate::model::step::check_step;
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
    let n = x.len().min(u.len());
    let (x, u) = (&mut x[..n], &u[..n]);
    for j in 0..n {
        x[j] = if SHRINK { s * x[j] } else { x[j] } - c * u[j];
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
    /// The checkpoint steps and the probe u ([`Record::checkpoints`]; none: empty).
    checkpoint_steps: Vec<usize>,
    probe: Vec<f64>,
    /// The run's uᵀx at the checkpoints so far.
    probed: Vec<f32>,
}

impl Sgd {
    /// Checks the parameters against the problem and lays out A row by row.
    ///
    /// # Errors
    /// γ not finite and > 0, B outside 1..=n, δ not finite and ≥ 0, or data with a
    /// non-finite entry.
    pub fn new(problem: &Problem, params: &SgdParams) -> Result<Sgd> {
        let (n, d) = (problem.n(), problem.d());
        check_step(params.gamma, params.batch, params.delta, n)?;
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

    #[inline(always)]
    fn row(&self, i: usize) -> &[f64] {
        &self.rows[i * self.d..(i + 1) * self.d]
    }

    fn gram(&self) -> &Gram {
        self.gram.get_or_init(|| self.build_gram())
    }

    /// G and c summed row by row, in row order (G's lower triangle mirrored from the
    /// upper: a_j·a_k and a_k·a_j are the same product, so G is exactly symmetric).
    // Out of line, with the per-row work a call of its own: the first loss curve of a
    // page's job builds G while `simulate` is still baseline code (the comment at
    // `advance`), and the row function is soon optimised where the loop would not be.
    #[inline(never)]
    fn build_gram(&self) -> Gram {
        let (n, d) = (self.n, self.d);
        let mut g = vec![0.0; d * d];
        let mut c = vec![0.0; d];
        for i in 0..n {
            add_outer_product(&mut g, &mut c, self.row(i), self.b[i]);
        }
        for j in 0..d {
            for k in 0..j {
                g[j * d + k] = g[k * d + j];
            }
        }
        let inv_n = 1.0 / n as f64;
        g.iter_mut().for_each(|v| *v *= inv_n);
        c.iter_mut().for_each(|v| *v *= inv_n);
        let constant = self.b.iter().map(|v| v * v).sum::<f64>() * 0.5 * inv_n;
        Gram { g, c, constant }
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
        let (d, steps) = (self.d, self.params.steps);
        let (mut out, samples, mut ticker) =
            Simulation::begin(d, &runs, steps, record, false, progress)?;
        let kept_len = samples.len() * d;
        let mut work = Workspace {
            x: vec![0.0; d],
            gradient: vec![0.0; d],
            permutation: Vec::new(),
            batch: vec![0; self.params.batch],
            residuals: vec![0.0; self.params.batch],
            kept: Vec::with_capacity(kept_len),
            samples,
            checkpoint_steps: out.checkpoint_steps.clone(),
            probe: record
                .checkpoints
                .as_ref()
                .map_or_else(Vec::new, |c| c.probe.clone()),
            probed: Vec::with_capacity(out.checkpoint_steps.len()),
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
                finished.then_some(Kept {
                    iterates: &work.kept,
                    svd: None,
                    checkpoints: &work.probed,
                }),
                keep_path.then_some(path),
                keep_loss.then_some(loss),
            );
        }
        ticker.report()?;
        Ok(out)
    }

    /// One run; x_K is left in `work.x`, x at each of `work.samples` (the last is K) in
    /// `work.kept` and uᵀx at each checkpoint in `work.probed`. Returns false if the run
    /// diverged. `observe`, when given, sees x at every recorded step (only while finite).
    /// Stopping at a sample step only splits the steps into more segments, which changes
    /// no bit of the path. Checkpoints do not end a segment: the kernel reads the probe
    /// between two steps: log-spaced, half of them fall in the first √K steps, and a
    /// segment each would cost a call, a divergence check and a progress tick.
    // Out of line for the reason given at `advance`: `simulate` is called once for a part
    // of the runs, this function once per run, many times a part.
    #[inline(never)]
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
        work.probed.clear();
        if self.params.batch > 1 && !self.params.replacement {
            work.permutation.clear();
            work.permutation.extend(0..self.n);
        }
        let steps = self.params.steps;
        let work_per_step = 2 * (self.params.batch * self.d) as u64;
        let mut next_time = 0;
        let mut next_sample = 0;
        let mut next_checkpoint = 0;
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
            if work.checkpoint_steps.get(next_checkpoint) == Some(&k) {
                work.probed.push(single(probe_value(&work.probe, &work.x)));
                next_checkpoint += 1;
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
            let inside = work.checkpoint_steps[next_checkpoint..].partition_point(|&t| t < end);
            self.advance(
                &mut stream,
                work,
                k,
                end - k,
                next_checkpoint..next_checkpoint + inside,
            );
            next_checkpoint += inside;
            ticker.advance((end - k) as u64, (end - k) as u64 * work_per_step)?;
            k = end;
            if !is_bounded(&work.x) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `count` SGD steps from `work.x` = x_k, pushing uᵀx to `work.probed` after each of
    /// the checkpoints `work.checkpoint_steps[inside]` (all strictly between k and k + count).
    // The kernels are never inlined: in wasm, V8 first runs a function as baseline
    // (Liftoff) code and swaps in the optimised (TurboFan) code only at a later call —
    // there is no on-stack replacement. Inlined into `simulate`, the whole first job of a
    // fresh page ran as baseline code (3.5× slower); as a call per chunk, it switches
    // after a few chunks. Each kernel is a function of its own, so that V8 optimises only
    // the one a job uses, and sooner. One call per chunk costs nothing measurable; the
    // numbers do not change. wasm-opt ignores this attribute and inlines any function
    // with one caller, so the page's build limits that (index.html).
    #[inline(never)]
    fn advance(
        &self,
        stream: &mut Stream,
        work: &mut Workspace,
        k: usize,
        count: usize,
        inside: Range<usize>,
    ) {
        let p = &self.params;
        let shrink = 1.0 - p.gamma * p.delta;
        if p.batch > 1 {
            self.advance_batch(stream, work, k, count, shrink, inside);
            return;
        }
        let mut probes = Probes {
            steps: &work.checkpoint_steps[inside],
            probe: &work.probe,
            probed: &mut work.probed,
        };
        if shrink == 1.0 {
            self.advance_single::<false>(stream, &mut work.x, k, count, shrink, &mut probes);
        } else {
            self.advance_single::<true>(stream, &mut work.x, k, count, shrink, &mut probes);
        }
    }

    /// B = 1: each step is one fused pass x ← s·x − γ r_k a_{i_k}, r_{k+1} = a_{i_{k+1}}ᵀx − b.
    /// The indices are drawn in step order whatever `count` is, and the fused dot sums in
    /// the order of the plain one, so splitting a run into segments changes no bit; nor
    /// does reading the probe between the update and the next dot.
    #[inline(never)]
    fn advance_single<const SHRINK: bool>(
        &self,
        stream: &mut Stream,
        x: &mut [f64],
        k: usize,
        count: usize,
        shrink: f64,
        probes: &mut Probes,
    ) {
        if count == 0 {
            return;
        }
        let gamma = self.params.gamma;
        let mut i = rng::index(stream, self.n);
        let mut residual = dot(self.row(i), x) - self.b[i];
        // Steps k+1 .. k+count−1 in runs that end at a checkpoint; each run's last update
        // is done alone, the probe read, and the next residual computed as the fused pass
        // would.
        let mut step = k + 1;
        let ends = probes.steps.iter().copied().chain([k + count]);
        for end in ends {
            while step < end {
                let j = rng::index(stream, self.n);
                residual =
                    axpy_dot::<SHRINK>(x, shrink, gamma * residual, self.row(i), self.row(j))
                        - self.b[j];
                i = j;
                step += 1;
            }
            if end == k + count {
                break;
            }
            let j = rng::index(stream, self.n);
            axpy::<SHRINK>(x, shrink, gamma * residual, self.row(i));
            probes.read(x);
            residual = dot(self.row(j), x) - self.b[j];
            i = j;
            step += 1;
        }
        axpy::<SHRINK>(x, shrink, gamma * residual, self.row(i));
    }

    /// B > 1: residuals of the whole batch at x, then x ← s·x − (γ/B) Σ_j r_j a_{i_j};
    /// uᵀx after each step that is one of the checkpoints `work.checkpoint_steps[inside]`.
    #[inline(never)]
    fn advance_batch(
        &self,
        stream: &mut Stream,
        work: &mut Workspace,
        k: usize,
        count: usize,
        shrink: f64,
        inside: Range<usize>,
    ) {
        let p = &self.params;
        let scale = p.gamma / p.batch as f64;
        let mut next_checkpoint = inside.start;
        for step in k + 1..=k + count {
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
            if next_checkpoint < inside.end && work.checkpoint_steps[next_checkpoint] == step {
                work.probed.push(single(probe_value(&work.probe, &work.x)));
                next_checkpoint += 1;
            }
        }
    }
}

/// The checkpoints inside one segment, for the B = 1 kernel: at each of `steps` in turn,
/// uᵀx is pushed to `probed`.
struct Probes<'a> {
    steps: &'a [usize],
    probe: &'a [f64],
    probed: &'a mut Vec<f32>,
}

impl Probes<'_> {
    fn read(&mut self, x: &[f64]) {
        self.probed.push(single(probe_value(self.probe, x)));
    }
}

/// g += a aᵀ on and above the diagonal (g row-major d × d), c += b·a.
#[inline(never)]
fn add_outer_product(g: &mut [f64], c: &mut [f64], a: &[f64], b: f64) {
    let d = a.len();
    for (j, &aj) in a.iter().enumerate() {
        c[j] += aj * b;
        for (gjk, ak) in g[j * d + j..(j + 1) * d].iter_mut().zip(&a[j..]) {
            *gjk += aj * ak;
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
mod tests;
