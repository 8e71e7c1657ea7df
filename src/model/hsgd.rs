//! Homogenized SGD (hSGD), the SDE of MATH.md §1.1, integrated in SVD coordinates
//! (MATH.md §2.1 eq. (4), §4.1 "hSGD in the eigenbasis").
//!
//! # The SDE in project units (MATH.md §0: f(x) = (1/2n)|Ax − b|² + (δ/2)|x|²)
//!
//! dX = −γ∇f(X) dt + γ√((2/B) L(X) H) dW, L(x) = (1/2n)|Ax − b|², H = AᵀA/n; one time
//! unit is one SGD step. With the reduced SVD A = PΣQᵀ, Y = Qᵀ(X − x_*), α = −Σ⁻¹Pᵀb,
//! β = |b − PPᵀb|² (crate::model::spectrum):
//!
//! - Qᵀ(1/n)Aᵀ(AX − b) = (Σ²/n)Y and QᵀX = Y − α, so the drift of Y_i is
//!   −γ[(λ_i²/n)Y_i + δ(Y_i − α_i)] = −θ_i(Y_i − m_i) with
//!   **θ_i = γ(λ_i²/n + δ)** and **m_i = nδα_i/(λ_i² + nδ)** (MATH.md §4.1 writes
//!   m_i = δ_Pα_i/(λ_i² + δ_P) with the paper's δ_P = nδ).
//! - |AX − b|² = |ΣY|² + β =: S, and H^{1/2} = Q diag(λ_i/√n) Qᵀ, so the noise of Y_i is
//!   (γλ_i/n)√(S/B) dB_i (independent of δ; MATH.md eq. (4)).
//! - The null-space part X_⊥ = (I − QQᵀ)X feels no noise: dX_⊥ = −γδX_⊥ dt, so
//!   X_⊥(t) = e^{−γδt}X_⊥(0), exactly.
//!
//! # The scheme (exponential Euler, exact for the OU part), h = 1/substeps
//!
//! Y_i ← m_i + e^{−θ_i h}(Y_i − m_i) + √((1 − e^{−2θ_i h})/(2θ_i)) · (γλ_i/n)√(S/B) · ξ_i,
//! with S = Σ_j λ_j²Y_j² + β frozen at the start of the sub-step ([`Coupling::Coupled`]),
//! or S_i = λ_i²Y_i² + β, the independent Pearson diffusions of MATH.md §2.2 eq. (8)
//! ([`Coupling::Independent`]). The factors e^{−θ_i h} and the noise scales are computed
//! once; a sub-step is one fused pass over the r coordinates (update Y_i, accumulate the next
//! S), O(r), with normals from [`crate::rng::Ziggurat`].
//!
//! Initial law: x₀ ~ 0.5·N(0, I) drawn exactly as SGD draws it from
//! `rng::stream(seed, run)` (so SGD and hSGD start from the same point, run for run);
//! Vᵀx₀ gives Y(0) = (Vᵀx₀)_{i<r} + α and the null-space coordinates. Outputs: the final
//! iterates (or the S iterates per run at [`Record::samples`], the last being the final
//! one) X = V·s in the original coordinates and s = Vᵀx in SVD coordinates
//! (s_i = Y_i − α_i for i < r, the null-space coordinates beyond), plus what
//! [`Record`] asks for, as for SGD. The loss at a recorded step is
//! f = S/(2n) + (δ/2)|s|², exact and O(d).
//!
//! A run diverges when S is not finite or exceeds [`crate::model::simulation::DIVERGENCE_NORM`]²
//! (checked every step).
//!
//! [`simulate_euler_maruyama`] is the SVD-free Euler–Maruyama scheme of MATH.md §4.1,
//! O(nd) per sub-step, kept as an independent cross-check:
//! X ← X − hγ∇f(X) + γ√(2hL(X)/B) · Aᵀζ/√n, ζ ~ N(0, I_n).

use std::ops::Range;

use crate::error::{Error, Result};
use crate::model::problem::Problem;
use crate::model::sgd::{initial_point, square_is_bounded};
use crate::model::simulation::{
    check_runs, probe_value, single, Kept, Record, Simulation, Ticker, CHECK_STEPS,
};
use crate::model::spectrum::Spectrum;
use crate::model::step::check_step;
use crate::rng::{self, Stream, Ziggurat};

/// How the noise of one coordinate depends on the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coupling {
    /// hSGD itself: S = Σ_j λ_j²Y_j² + β (MATH.md eq. (4), (7)).
    Coupled,
    /// The independent Pearson diffusions of Theorem 3.1: S_i = λ_i²Y_i² + β (eq. (8)).
    Independent,
}

/// The parameters of one hSGD simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HsgdParams {
    /// Learning rate γ.
    pub gamma: f64,
    /// Batch size B (1 ≤ B ≤ n; enters only through the noise scale).
    pub batch: usize,
    /// Ridge coefficient δ (project units).
    pub delta: f64,
    /// Time horizon K, in SGD steps.
    pub steps: usize,
    /// Sub-steps per SGD step (h = 1/substeps), ≥ 1.
    pub substeps: usize,
    /// Coupled hSGD or the independent Pearson diffusions.
    pub coupling: Coupling,
}

/// Per-step work units of one coordinate update (for progress; one SGD element = 1).
const WORK_PER_UPDATE: u64 = 8;

/// A prepared hSGD simulation: parameters checked, per-coordinate factors precomputed.
#[derive(Clone, Debug)]
pub struct Hsgd {
    n: usize,
    d: usize,
    r: usize,
    params: HsgdParams,
    /// V column-major (column i = q_i), d × d.
    v: Vec<f64>,
    alpha: Vec<f64>,
    beta: f64,
    /// λ_i².
    lambda2: Vec<f64>,
    /// m_i = nδα_i/(λ_i² + nδ).
    mean: Vec<f64>,
    /// e^{−θ_i h}.
    decay: Vec<f64>,
    /// √((1 − e^{−2θ_i h})/(2θ_i)) · γλ_i/(n√B).
    noise: Vec<f64>,
}

impl Hsgd {
    /// Checks the parameters and precomputes the per-coordinate factors.
    ///
    /// # Errors
    /// γ not finite and > 0, B outside 1..=n, δ not finite and ≥ 0, substeps = 0, or an
    /// inconsistent or non-finite spectrum.
    pub fn new(spectrum: &Spectrum, params: &HsgdParams) -> Result<Hsgd> {
        let (n, d, r) = (spectrum.n, spectrum.d, spectrum.rank());
        check_step(params.gamma, params.batch, params.delta, n)?;
        if params.substeps == 0 {
            return Err(Error::new("substeps", "hSGD sub-steps must be at least 1"));
        }
        let consistent = r >= 1
            && r <= d
            && spectrum.alpha.len() == r
            && spectrum.v.shape() == (d, d)
            && spectrum.x_star.len() == d
            && spectrum.beta.is_finite()
            && spectrum.beta >= 0.0
            && spectrum
                .singular_values
                .iter()
                .all(|s| s.is_finite() && *s > 0.0)
            && spectrum.alpha.iter().all(|a| a.is_finite())
            && spectrum.v.iter().all(|v| v.is_finite());
        if !consistent {
            return Err(Error::new(
                "data",
                "the spectrum is inconsistent or not finite (rank, basis, α or β)",
            ));
        }
        let (gamma, delta) = (params.gamma, params.delta);
        let nf = n as f64;
        let h = 1.0 / params.substeps as f64;
        let mut lambda2 = Vec::with_capacity(r);
        let mut mean = Vec::with_capacity(r);
        let mut decay = Vec::with_capacity(r);
        let mut noise = Vec::with_capacity(r);
        for (&lambda, &alpha) in spectrum.singular_values.iter().zip(&spectrum.alpha) {
            let l2 = lambda * lambda;
            let theta = gamma * (l2 / nf + delta);
            lambda2.push(l2);
            mean.push(nf * delta * alpha / (l2 + nf * delta));
            decay.push(libm::exp(-theta * h));
            // (1 − e^{−2θh})/(2θ) via expm1: no cancellation when θh is tiny.
            let variance = -libm::expm1(-2.0 * theta * h) / (2.0 * theta);
            noise.push(variance.sqrt() * gamma * lambda / (nf * (params.batch as f64).sqrt()));
        }
        Ok(Hsgd {
            n,
            d,
            r,
            params: *params,
            v: spectrum.v.as_slice().to_vec(),
            alpha: spectrum.alpha.clone(),
            beta: spectrum.beta,
            lambda2,
            mean,
            decay,
            noise,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &HsgdParams {
        &self.params
    }

    fn column(&self, i: usize) -> &[f64] {
        &self.v[i * self.d..(i + 1) * self.d]
    }

    /// S = Σ λ_i²Y_i² + β.
    fn residual2(&self, y: &[f64]) -> f64 {
        let mut s = self.beta;
        for (l2, y) in self.lambda2.iter().zip(y) {
            s += l2 * y * y;
        }
        s
    }

    /// SVD coordinates s (length d) at time t from Y and the initial null-space part.
    fn svd_coordinates(&self, y: &[f64], null0: &[f64], t: usize, s: &mut [f64]) {
        for i in 0..self.r {
            s[i] = y[i] - self.alpha[i];
        }
        let shrink = libm::exp(-self.params.gamma * self.params.delta * t as f64);
        for (s, c) in s[self.r..].iter_mut().zip(null0) {
            *s = shrink * c;
        }
    }

    /// x = V s.
    fn original_coordinates(&self, s: &[f64], x: &mut [f64]) {
        x.iter_mut().for_each(|v| *v = 0.0);
        for (i, &si) in s.iter().enumerate() {
            for (x, v) in x.iter_mut().zip(self.column(i)) {
                *x += si * v;
            }
        }
    }

    /// Simulates runs `runs` (run r from `rng::stream(seed, r)`), recording what `record`
    /// asks for. `progress(done, total)` is called about every
    /// [`crate::model::simulation::PROGRESS_QUANTUM`] of work and at the end, in units of SGD steps
    /// (time units) summed over the runs of this call; returning false cancels.
    ///
    /// # Errors
    /// A reversed run range; cancellation (field [`crate::model::simulation::CANCELLED`]).
    pub fn simulate(
        &self,
        seed: u64,
        runs: Range<usize>,
        record: &Record,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<Simulation> {
        let (d, r, steps) = (self.d, self.r, self.params.steps);
        let (mut out, samples, mut ticker) =
            Simulation::begin(d, &runs, steps, record, true, progress)?;
        let mut kept = Vec::with_capacity(samples.len() * d);
        let mut kept_svd = Vec::with_capacity(samples.len() * d);
        // The probe in SVD coordinates, w = Vᵀu: uᵀx = uᵀVs = wᵀs costs d, not d².
        let probe_svd: Vec<f64> = match &record.checkpoints {
            Some(c) => (0..d)
                .map(|i| dot_plain(self.column(i), &c.probe))
                .collect(),
            None => Vec::new(),
        };
        let mut probed = Vec::with_capacity(out.checkpoint_steps.len());
        let zig = rng::ziggurat();
        let mut x = vec![0.0; d];
        let mut s = vec![0.0; d];
        let mut y = vec![0.0; r];
        let mut xi = vec![0.0; r];
        let mut null0 = vec![0.0; d - r];
        let work_per_step = WORK_PER_UPDATE * (r * self.params.substeps) as u64;
        for (k, run) in runs.clone().enumerate() {
            let keep_path = record.trajectory_run == Some(run);
            let keep_loss = run < record.loss_runs;
            let observing = keep_path || keep_loss;
            let mut path = Vec::new();
            let mut loss = Vec::new();

            let mut stream = rng::stream(seed, run as u64);
            initial_point(&mut stream, &mut x);
            for (i, si) in s.iter_mut().enumerate() {
                *si = dot_plain(self.column(i), &x);
            }
            for i in 0..r {
                y[i] = s[i] + self.alpha[i];
            }
            null0.copy_from_slice(&s[r..]);
            let mut residual2 = self.residual2(&y);

            let mut next_time = 0;
            let mut next_sample = 0;
            let mut next_checkpoint = 0;
            kept.clear();
            kept_svd.clear();
            probed.clear();
            let mut t = 0;
            let mut finished = true;
            loop {
                if observing && out.times.get(next_time) == Some(&t) {
                    self.svd_coordinates(&y, &null0, t, &mut s);
                    if keep_path {
                        self.original_coordinates(&s, &mut x);
                        path.extend_from_slice(&x);
                    }
                    if keep_loss {
                        let norm2: f64 = s.iter().map(|v| v * v).sum();
                        loss.push(
                            residual2 / (2.0 * self.n as f64) + 0.5 * self.params.delta * norm2,
                        );
                    }
                    next_time += 1;
                }
                if samples.get(next_sample) == Some(&t) {
                    self.svd_coordinates(&y, &null0, t, &mut s);
                    self.original_coordinates(&s, &mut x);
                    kept.extend_from_slice(&x);
                    kept_svd.extend_from_slice(&s);
                    next_sample += 1;
                }
                if out.checkpoint_steps.get(next_checkpoint) == Some(&t) {
                    self.svd_coordinates(&y, &null0, t, &mut s);
                    probed.push(single(probe_value(&probe_svd, &s)));
                    next_checkpoint += 1;
                }
                if t == steps {
                    break;
                }
                let mut end = (t + CHECK_STEPS).min(steps);
                if observing {
                    end = end.min(out.times[next_time]);
                }
                if let Some(&next) = samples.get(next_sample) {
                    end = end.min(next);
                }
                if let Some(&next) = out.checkpoint_steps.get(next_checkpoint) {
                    end = end.min(next);
                }
                match self.advance(zig, &mut stream, &mut y, &mut xi, residual2, end - t) {
                    Some(next) => residual2 = next,
                    None => {
                        finished = false;
                        break;
                    }
                }
                ticker.advance((end - t) as u64, (end - t) as u64 * work_per_step)?;
                t = end;
            }
            ticker.skip_to((k as u64 + 1) * steps as u64);
            out.record_run(
                run,
                finished.then_some(Kept {
                    iterates: &kept,
                    svd: Some(&kept_svd),
                    checkpoints: &probed,
                }),
                keep_path.then_some(path),
                keep_loss.then_some(loss),
            );
        }
        ticker.report()?;
        Ok(out)
    }

    /// `count` steps of `substeps` sub-steps each from Y with S = `residual2`; returns the
    /// new S, or `None` when the run diverged.
    // Never inlined: in wasm, V8 first runs a function as baseline (Liftoff) code
    // and swaps in the optimised (TurboFan) code only at a later call — there is no
    // on-stack replacement. Inlined into `simulate`, the whole first job of a fresh page
    // ran as baseline code (3.5× slower); as a call per chunk, it switches after a few
    // chunks. One call per chunk costs nothing measurable; the numbers do not change.
    // wasm-opt ignores this attribute and inlines any function with one caller, so the
    // page's build limits that (index.html, `--one-caller-inline-max-function-size`).
    #[inline(never)]
    fn advance(
        &self,
        zig: &Ziggurat,
        stream: &mut Stream,
        y: &mut [f64],
        xi: &mut [f64],
        mut residual2: f64,
        count: usize,
    ) -> Option<f64> {
        for _ in 0..count {
            for _ in 0..self.params.substeps {
                residual2 = match self.params.coupling {
                    Coupling::Coupled => self.substep_coupled(zig, stream, y, xi, residual2),
                    Coupling::Independent => self.substep_independent(zig, stream, y),
                };
            }
            if !square_is_bounded(residual2) {
                return None;
            }
        }
        Some(residual2)
    }

    /// One exponential-Euler sub-step of coupled hSGD; returns the new S. The r normals
    /// are drawn first (in coordinate order, as the independent variant draws them), then
    /// one branch-free pass updates Y and accumulates S in four fixed lanes (summed as
    /// (s₀ + s₂) + (s₁ + s₃), the order 2-wide SIMD registers give), so LLVM vectorises it
    /// and the bits are the same on every target.
    #[inline]
    fn substep_coupled(
        &self,
        zig: &Ziggurat,
        stream: &mut Stream,
        y: &mut [f64],
        xi: &mut [f64],
        residual2: f64,
    ) -> f64 {
        zig.fill(stream, xi);
        let root = residual2.sqrt();
        let r = y.len();
        let body = r / 4 * 4;
        let mut acc = [0.0; 4];
        let update = |y: f64, m: f64, e: f64, g: f64, xi: f64| m + e * (y - m) + g * root * xi;
        for k in (0..body).step_by(4) {
            let (y, m, e, g, l2, xi) = (
                &mut y[k..k + 4],
                &self.mean[k..k + 4],
                &self.decay[k..k + 4],
                &self.noise[k..k + 4],
                &self.lambda2[k..k + 4],
                &xi[k..k + 4],
            );
            for l in 0..4 {
                let updated = update(y[l], m[l], e[l], g[l], xi[l]);
                y[l] = updated;
                acc[l] += l2[l] * updated * updated;
            }
        }
        let mut tail = 0.0;
        for k in body..r {
            let updated = update(y[k], self.mean[k], self.decay[k], self.noise[k], xi[k]);
            y[k] = updated;
            tail += self.lambda2[k] * updated * updated;
        }
        self.beta + (((acc[0] + acc[2]) + (acc[1] + acc[3])) + tail)
    }

    /// One exponential-Euler sub-step of the independent Pearson diffusions; returns the
    /// new S (for the divergence check and the loss).
    #[inline]
    fn substep_independent(&self, zig: &Ziggurat, stream: &mut Stream, y: &mut [f64]) -> f64 {
        let mut next = self.beta;
        for ((((y, &m), &e), &g), &l2) in y
            .iter_mut()
            .zip(&self.mean)
            .zip(&self.decay)
            .zip(&self.noise)
            .zip(&self.lambda2)
        {
            let xi = zig.sample(stream);
            let own = l2 * *y * *y + self.beta;
            let updated = m + e * (*y - m) + g * own.sqrt() * xi;
            *y = updated;
            next += l2 * updated * updated;
        }
        next
    }
}

impl Hsgd {
    /// Coordinate `i` alone of the independent Pearson diffusions (eq. (8), the
    /// [`Coupling::Independent`] sub-step restricted to one coordinate): Y_i at step K of
    /// each run in `runs`, `None` for a run that diverged. Run r starts where the hSGD run r
    /// starts (its initial point x₀ from `rng::stream(seed, r)`, Y_i(0) = q_iᵀx₀ + α_i),
    /// so the two are compared from the same Z_0 as Theorem 3.1 asks; its normals come from
    /// `rng::stream(noise_seed, r)`. The same exponential-Euler scheme and h = 1/substeps as
    /// [`Hsgd::simulate`], at O(1) per sub-step instead of O(r) (plus O(d) for the initial
    /// point).
    ///
    /// # Errors
    /// `i` not below the rank r (field `coordinate`).
    pub fn independent_coordinate(
        &self,
        i: usize,
        seed: u64,
        noise_seed: u64,
        runs: &[usize],
    ) -> Result<Vec<Option<f64>>> {
        if i >= self.r {
            return Err(Error::new(
                "coordinate",
                format!(
                    "coordinate {i} is not an SVD direction with a Pearson diffusion (rank {})",
                    self.r
                ),
            ));
        }
        let zig = rng::ziggurat();
        let (m, e, g, l2) = (self.mean[i], self.decay[i], self.noise[i], self.lambda2[i]);
        let mut x = vec![0.0; self.d];
        let mut out = Vec::with_capacity(runs.len());
        // Four runs at a time: each run keeps its own stream and order of draws (the
        // numbers do not depend on the grouping), and the four independent chains hide the
        // latency of the square root of one.
        for group in runs.chunks(LANES) {
            let mut y = [0.0; LANES];
            let mut noise: [Stream; LANES] = std::array::from_fn(|l| {
                rng::stream(noise_seed, group.get(l).copied().unwrap_or(0) as u64)
            });
            let mut bounded = [true; LANES];
            for (l, &run) in group.iter().enumerate() {
                initial_point(&mut rng::stream(seed, run as u64), &mut x);
                y[l] = dot_plain(self.column(i), &x) + self.alpha[i];
            }
            for _ in 0..self.params.steps {
                for _ in 0..self.params.substeps {
                    for l in 0..group.len() {
                        let own = l2 * y[l] * y[l] + self.beta;
                        y[l] = m + e * (y[l] - m) + g * own.sqrt() * zig.sample(&mut noise[l]);
                    }
                }
                for l in 0..group.len() {
                    bounded[l] &= square_is_bounded(l2 * y[l] * y[l] + self.beta);
                }
            }
            out.extend((0..group.len()).map(|l| bounded[l].then_some(y[l])));
        }
        Ok(out)
    }
}

/// Runs integrated side by side by [`Hsgd::independent_coordinate`].
const LANES: usize = 4;

/// aᵀx, summed left to right.
fn dot_plain(a: &[f64], x: &[f64]) -> f64 {
    a.iter().zip(x).map(|(a, x)| a * x).sum()
}

/// Simulates runs `runs` of hSGD; see [`Hsgd::simulate`]. Prepare an [`Hsgd`] once
/// instead when simulating several chunks.
///
/// # Errors
/// As [`Hsgd::new`] and [`Hsgd::simulate`].
pub fn simulate(
    spectrum: &Spectrum,
    params: &HsgdParams,
    seed: u64,
    runs: Range<usize>,
    record: &Record,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Simulation> {
    Hsgd::new(spectrum, params)?.simulate(seed, runs, record, progress)
}

/// Coupled hSGD by the SVD-free Euler–Maruyama scheme (MATH.md §4.1), O(nd) per sub-step,
/// h = 1/substeps: X ← (1 − hγδ)X − (hγ/n)Aᵀ(AX − b) + γ√(2hL(X)/(Bn)) Aᵀζ, ζ ~ N(0, I_n),
/// L(X) = |AX − b|²/(2n). Same initial points as SGD and [`simulate`]; only the final
/// iterates are returned (original coordinates; no SVD coordinates, no recording). A
/// cross-check for the eigenbasis scheme, not a fast path.
///
/// # Errors
/// As [`Hsgd::new`]; the independent coupling has no SVD-free form (field `coupling`).
pub fn simulate_euler_maruyama(
    problem: &Problem,
    params: &HsgdParams,
    seed: u64,
    runs: Range<usize>,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<Simulation> {
    let (n, d) = (problem.n(), problem.d());
    check_step(params.gamma, params.batch, params.delta, n)?;
    check_runs(&runs)?;
    if params.substeps == 0 {
        return Err(Error::new("substeps", "hSGD sub-steps must be at least 1"));
    }
    if params.coupling != Coupling::Coupled {
        return Err(Error::new(
            "coupling",
            "the SVD-free scheme simulates coupled hSGD only",
        ));
    }
    let rows: Vec<Vec<f64>> = problem
        .a
        .row_iter()
        .map(|row| row.iter().copied().collect())
        .collect();
    let b = problem.b.as_slice();
    let (gamma, delta) = (params.gamma, params.delta);
    let nf = n as f64;
    let h = 1.0 / params.substeps as f64;
    let shrink = 1.0 - h * gamma * delta;
    let zig = rng::ziggurat();
    let mut out = Simulation::empty(d, runs.clone(), Vec::new(), false);
    let mut ticker = Ticker::new(progress, runs.len() as u64 * params.steps as u64);
    let mut x = vec![0.0; d];
    let mut weights = vec![0.0; n];
    let work_per_step = 2 * (n * d * params.substeps) as u64;
    for (k, run) in runs.clone().enumerate() {
        let mut stream = rng::stream(seed, run as u64);
        initial_point(&mut stream, &mut x);
        let mut finished = true;
        'steps: for _ in 0..params.steps {
            for _ in 0..params.substeps {
                let mut residual2 = 0.0;
                for ((w, row), &bi) in weights.iter_mut().zip(&rows).zip(b) {
                    *w = dot_plain(row, &x) - bi;
                    residual2 += *w * *w;
                }
                let loss = residual2 / (2.0 * nf);
                let scale = gamma * (2.0 * h * loss / (params.batch as f64 * nf)).sqrt();
                for w in weights.iter_mut() {
                    *w = -h * gamma * *w / nf + scale * zig.sample(&mut stream);
                }
                x.iter_mut().for_each(|v| *v *= shrink);
                for (row, &w) in rows.iter().zip(&weights) {
                    for (x, a) in x.iter_mut().zip(row) {
                        *x += w * a;
                    }
                }
                if !square_is_bounded(residual2) {
                    finished = false;
                    break 'steps;
                }
            }
            ticker.advance(1, work_per_step)?;
        }
        ticker.skip_to((k as u64 + 1) * params.steps as u64);
        let finished = finished && x.iter().all(|v| v.is_finite());
        let kept = Kept {
            iterates: &x,
            svd: None,
            checkpoints: &[],
        };
        out.record_run(run, finished.then_some(kept), None, None);
    }
    ticker.report()?;
    Ok(out)
}

#[cfg(test)]
mod tests;
