//! SGD's own tail index α_SGD: the Kesten–Goldie exponent of discrete mini-batch SGD
//! (MATH.md §4.3), beside the diffusion model's bounds of §3.
//!
//! (One file of about 770 lines, a fifth of them this explanation: the walkers, the root
//! search and the exact anchors are one algorithm sharing private state — the walk, the
//! populations, the replica streams — which a split would have to make public.)
//!
//! SGD on least squares is a random affine recursion x_{k+1} = M_k x_k + q_k with
//!
//!   M_k = (1 − γδ)I − (γ/B) Σ_{i∈Ω_k} a_i a_iᵀ.
//!
//! Its moment growth Λ(s) = lim_k (1/k) log E|M_k⋯M_1 u|^s is convex with Λ(0) = 0; when
//! Λ′(0) < 0 < Λ(s) for some s, **α_SGD is the root s > 0 of Λ(s) = 0** and the stationary
//! law has P(⟨v, x⟩ > t) ~ c(v)·t^{−α_SGD} in every direction (Kesten 1973, Goldie 1991).
//! With finitely many rows the M_k take finitely many values: the theorem's
//! non-arithmeticity is then an assumption, which the page states.
//!
//! **Where.** The null space of A is invariant and there M = (1 − γδ)I, whose growth
//! s·log(1 − γδ) is negative and never decides the root; so Λ is computed in the range of
//! A, on the rows ã_i = Qᵀa_i ∈ ℝ^r (Q the right singular vectors), or on its first r′ ≤ r
//! directions (the compression of M onto q_1..q_r′, [`IndexParams::directions`]).
//!
//! **Population (cloning) Monte Carlo.** N walkers u_j on the unit sphere; each step every
//! walker draws a batch, v_j = M u_j, w_j = |v_j|^s; after a burn-in K₀ the step adds
//! log(mean_j w_j) to a running sum; then the normalised v_j/|v_j| are resampled with
//! probabilities ∝ w_j (systematic resampling). Λ̂(s) = sum/(K − K₀). Its bias is O(1/N);
//! R independent replicas (each its own seeded stream) give the mean and the standard
//! error sd/√R. Every s of one root search replays the same streams (common random
//! numbers: the same batches and uniforms), so Λ̂ is smooth in s and the bracketing below
//! sees the sign of Λ, not the noise.
//!
//! **Root.** Λ̂(2) first; then s = 4, 8, … up to s_max while Λ̂ < 0 (or 1, ½, ¼ while
//! Λ̂ > 0) to bracket the root, then Illinois regula falsi on the bracket. The standard
//! error of α̂ is the interpolated standard error of Λ̂ at the root over the bracket's slope.
//! When Λ̂(s) < 0 up to s_max the result is "α_SGD > s_max" ([`SgdIndex::alpha_lower_bound`]).
//!
//! **Mixing.** Directions relax at the rates θ_i = γ(h_i + δ), h_i = λ_i²/n; the walkers
//! must run for K ≫ 1/θ_min. The steps are chosen as K = [`MIXING_TARGET`]/θ_min, at
//! least [`IndexParams::min_steps`] and at most what [`IndexParams::work_budget`] and
//! [`IndexParams::max_steps`] allow, with K₀ = K/2, and K·θ_min is reported; below
//! [`MIXING_TARGET`] the index is labelled "not converged" and also computed on the r′
//! leading directions that the experiment itself mixes (K_exp·θ_i ≥ 5 for its K_exp steps,
//! [`IndexParams::experiment_steps`]): the index the experiment can see (MATH.md §4.3,
//! "The digits, concretely").
//!
//! **Exact anchors.** Λ(2) = log ρ(T) of the second-moment map ([`crate::model::discrete`], on the
//! range of A), and the γ where α_SGD = 2 is that map's threshold; both are reported beside
//! the Monte Carlo. Λ(4) = log ρ(E[M^{⊗4}]) ([`fourth_moment_growth`]) for small r.
//!
//! Every logarithm and exponential goes through `libm`, so a seed gives the same numbers
//! natively and in wasm.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::discrete::SecondMomentMap;
use crate::model::problem::Problem;
use crate::model::simulation::cancelled;
use crate::model::spectrum::Spectrum;
use crate::model::step::check_step;
use crate::rng::{self, Stream};
use crate::stats::sample::sorted_indices;

/// K·θ_min (and K·θ_i for the directions that count as mixed) at or above which the walkers
/// are taken to have forgotten their start.
pub const MIXING_TARGET: f64 = 10.0;

/// Largest work of one index computation, in walker-step multiply-adds summed over every s
/// value (a minute or so natively), whatever the budget asked for.
pub const MAX_INDEX_WORK: f64 = 4e10;

/// The default [`IndexParams::work_budget`]: about a second natively.
pub const DEFAULT_WORK_BUDGET: f64 = 3e9;

/// K_exp·θ_i at or above which the experiment's own K_exp steps mix direction i (MATH.md
/// §4.3).
pub const EXPERIMENT_MIXING: f64 = 5.0;

/// The smallest s searched when Λ̂(s) > 0 at s = 2.
pub const S_MIN: f64 = 0.25;

/// The settings of one α_SGD computation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexParams {
    /// Learning rate γ.
    pub gamma: f64,
    /// Batch size B.
    pub batch: usize,
    /// Ridge coefficient δ (project units, MATH.md §0).
    pub delta: f64,
    /// Batches drawn with replacement (else B distinct indices).
    pub replacement: bool,
    /// Seed of the walkers' streams.
    pub seed: u64,
    /// Walkers N per replica.
    pub walkers: usize,
    /// Independent replicas R (the standard error comes from their spread).
    pub replicas: usize,
    /// Fewest walker steps K.
    pub min_steps: usize,
    /// Most walker steps K (a problem with tiny θ_min is then "not converged").
    pub max_steps: usize,
    /// Multiply-adds one index may spend on all its s values (and as much again on the
    /// restricted index when not converged): K is lowered to fit.
    pub work_budget: f64,
    /// The steps K_exp of the experiment whose tails are measured: a non-converged index is
    /// also computed on the directions that K_exp steps mix (`None`: on those that the
    /// walkers' K steps mix).
    pub experiment_steps: Option<usize>,
    /// Largest s searched.
    pub s_max: f64,
    /// Illinois refinements of the bracketed root.
    pub refinements: usize,
    /// Use only the first r′ directions q_1..q_r′ (`None`: the whole range of A).
    pub directions: Option<usize>,
    /// When not converged, also compute the index on the directions the experiment mixes
    /// ([`SgdIndex::restricted`]; the sweep, which draws only α_SGD, leaves it out).
    pub restricted: bool,
}

impl IndexParams {
    /// The default budget for γ, B, δ and the sampling scheme: 8 replicas × 400 walkers,
    /// 500..=20000 steps within [`DEFAULT_WORK_BUDGET`], s up to 16, 4 refinements.
    pub fn new(gamma: f64, batch: usize, delta: f64, replacement: bool, seed: u64) -> Self {
        IndexParams {
            gamma,
            batch,
            delta,
            replacement,
            seed,
            walkers: 400,
            replicas: 8,
            min_steps: 500,
            max_steps: 20_000,
            work_budget: DEFAULT_WORK_BUDGET,
            experiment_steps: None,
            s_max: 16.0,
            refinements: 4,
            directions: None,
            restricted: true,
        }
    }
}

/// One Monte Carlo value Λ̂(s) with its standard error.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LambdaPoint {
    /// The moment order s.
    pub s: f64,
    /// Λ̂(s), the mean over the replicas.
    pub value: f64,
    /// Its standard error (replica spread / √R).
    pub std_err: f64,
}

/// SGD's own tail index and how it was found (the JSON of `hsgd sgd-index`, and
/// `sgd_index` in the page's report).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgdIndex {
    /// α_SGD, the root of Λ̂; `None` when no root was bracketed.
    pub alpha: Option<f64>,
    /// Set when Λ̂(s) < 0 up to s_max: α_SGD > this.
    pub alpha_lower_bound: Option<f64>,
    /// Set when Λ̂(s) > 0 down to [`S_MIN`]: α_SGD < this (or SGD does not settle at all).
    pub alpha_upper_bound: Option<f64>,
    /// Standard error of α̂.
    pub alpha_std_err: Option<f64>,
    /// Every Λ̂(s) evaluated, by increasing s.
    pub lambda: Vec<LambdaPoint>,
    /// log ρ(T), the exact Λ(2) on the same directions (`None` on a restriction).
    pub lambda_2_exact: Option<f64>,
    /// The γ at which α_SGD = 2 for these data, B and δ: the second-moment threshold
    /// (`None` on a restriction).
    pub gamma_alpha_2: Option<f64>,
    /// K·θ_min ≥ [`MIXING_TARGET`].
    pub converged: bool,
    /// K·θ_min, θ_min = γ(h_r′ + δ) of the slowest direction used.
    pub mixing: f64,
    /// Directions used (r′, or the rank r).
    pub directions: usize,
    /// Rank r of A.
    pub rank: usize,
    /// Walker steps K (including the burn-in).
    pub steps: usize,
    /// Burn-in K₀.
    pub burn_in: usize,
    /// Walkers per replica.
    pub walkers: usize,
    /// Replicas.
    pub replicas: usize,
    /// The largest s searched.
    pub s_max: f64,
    /// When not converged: the same computation on the directions with K·θ_i ≥
    /// [`MIXING_TARGET`] (the index the finite experiment can see).
    pub restricted: Option<Box<SgdIndex>>,
}

/// The recursion's matrices in range coordinates, ready for the walkers.
struct Walk {
    /// Rows ã_i, row-major n × r′.
    rows: Vec<f64>,
    n: usize,
    r: usize,
    shrink: f64,
    scale: f64,
    batch: usize,
    replacement: bool,
}

impl Walk {
    fn row(&self, i: usize) -> &[f64] {
        &self.rows[i * self.r..(i + 1) * self.r]
    }
}

/// State of one replica's population, reused across its steps.
struct Population {
    walkers: Vec<f64>,
    moved: Vec<f64>,
    log_norms: Vec<f64>,
    batch: Vec<usize>,
    permutation: Vec<usize>,
}

/// Λ̂(s) of one replica: `steps` steps of the population, the growth averaged after
/// `burn_in`. `tick` is called every 64 steps and returns false to cancel.
fn replica_growth(
    walk: &Walk,
    s: f64,
    stream: &mut Stream,
    pop: &mut Population,
    steps: usize,
    burn_in: usize,
    tick: &mut dyn FnMut(usize) -> bool,
) -> Result<f64> {
    let r = walk.r;
    let count = pop.log_norms.len();
    // Start: independent uniform directions.
    for u in pop.walkers.chunks_exact_mut(r) {
        rng::fill_standard_normal(stream, u);
        let norm = u.iter().map(|x| x * x).sum::<f64>().sqrt();
        u.iter_mut().for_each(|x| *x /= norm);
    }
    pop.permutation.clear();
    pop.permutation.extend(0..walk.n);
    let mut sum = 0.0;
    let mut weights = vec![0.0; count];
    for step in 0..steps {
        if step % 64 == 63 && !tick(64) {
            return Err(cancelled());
        }
        for j in 0..count {
            for b in 0..walk.batch {
                pop.batch[b] = if walk.replacement || walk.batch == 1 {
                    rng::index(stream, walk.n)
                } else {
                    let k = b + rng::index(stream, walk.n - b);
                    pop.permutation.swap(b, k);
                    pop.permutation[b]
                };
            }
            let u = &pop.walkers[j * r..(j + 1) * r];
            let v = &mut pop.moved[j * r..(j + 1) * r];
            // |v|² is summed from v itself: the shortcut s²|u|² − 2sc(aᵀu) + c²|a|² cancels
            // catastrophically when M nearly annihilates u (|1 − γ|a|²| ≪ 1), and a walker
            // renormalised by a wrong norm never recovers its unit length.
            let norm_sq = if walk.batch == 1 {
                let a = walk.row(pop.batch[0]);
                let dot: f64 = a.iter().zip(u).map(|(x, y)| x * y).sum();
                let c = walk.scale * dot;
                let mut norm_sq = 0.0;
                for ((vi, ui), ai) in v.iter_mut().zip(u).zip(a) {
                    *vi = walk.shrink * ui - c * ai;
                    norm_sq += *vi * *vi;
                }
                norm_sq
            } else {
                for (vi, ui) in v.iter_mut().zip(u) {
                    *vi = walk.shrink * ui;
                }
                for &i in &pop.batch {
                    let a = walk.row(i);
                    let dot: f64 = a.iter().zip(u).map(|(x, y)| x * y).sum();
                    let c = walk.scale * dot;
                    for (vi, ai) in v.iter_mut().zip(a) {
                        *vi -= c * ai;
                    }
                }
                v.iter().map(|x| x * x).sum()
            };
            pop.log_norms[j] = 0.5 * libm::log(norm_sq);
        }
        // log mean_j |v_j|^s, stably.
        let top = pop
            .log_norms
            .iter()
            .map(|l| s * l)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for (w, l) in weights.iter_mut().zip(&pop.log_norms) {
            *w = if top.is_finite() {
                libm::exp(s * l - top)
            } else {
                1.0
            };
            total += *w;
        }
        if step >= burn_in {
            sum += top + libm::log(total / count as f64);
        }
        // Systematic resampling of the normalised v_j with probabilities w_j / total.
        let spacing = total / count as f64;
        let mut target = rng::uniform(stream) * spacing;
        let mut cumulative = 0.0;
        let mut source = 0;
        for j in 0..count {
            while source + 1 < count && cumulative + weights[source] <= target {
                cumulative += weights[source];
                source += 1;
            }
            // The walkers stay on the unit sphere: v/|v| (by the norm computed above).
            let inv = libm::exp(-pop.log_norms[source]);
            for (w, v) in pop.walkers[j * r..(j + 1) * r]
                .iter_mut()
                .zip(&pop.moved[source * r..(source + 1) * r])
            {
                *w = v * inv;
            }
            target += spacing;
        }
    }
    Ok(sum / (steps - burn_in) as f64)
}

impl Population {
    fn new(walk: &Walk, walkers: usize) -> Population {
        Population {
            walkers: vec![0.0; walkers * walk.r],
            moved: vec![0.0; walkers * walk.r],
            log_norms: vec![0.0; walkers],
            batch: vec![0; walk.batch],
            permutation: Vec::with_capacity(walk.n),
        }
    }
}

/// The stream of replica `replica` (`half`: of its half-size population): its own, so the
/// replicas can run in any order or on any thread and give the same numbers.
fn replica_stream(seed: u64, replica: usize, half: bool) -> Stream {
    let salt = if half {
        0x6b65_7374_656e_0001
    } else {
        0x6b65_7374_656e_0000
    };
    rng::stream(seed ^ salt, replica as u64)
}

/// The two populations of a replica: N walkers and N/2.
struct Populations {
    full: Population,
    half: Population,
}

impl Populations {
    fn new(walk: &Walk, walkers: usize) -> Populations {
        Populations {
            full: Population::new(walk, walkers),
            half: Population::new(walk, (walkers / 2).max(1)),
        }
    }
}

/// One replica's Λ̂(s), Richardson-extrapolated in the population size: the cloning
/// estimate is biased by c/N + O(1/N²) (log of an unbiased product of mean weights, and
/// weight degeneracy when few walkers carry the weight), so 2Λ̂_N − Λ̂_{N/2} removes the
/// leading term. Measured on the anchors (MATH.md §4.3): at α = 4, α̂ − 4 ≈ 15/N without
/// it. The replicas' spread then includes the extrapolation's own noise.
#[allow(clippy::too_many_arguments)]
fn replica_estimate(
    walk: &Walk,
    params: &IndexParams,
    s: f64,
    steps: usize,
    burn_in: usize,
    replica: usize,
    pops: &mut Populations,
    tick: &mut dyn FnMut(usize) -> bool,
) -> Result<f64> {
    let mut stream = replica_stream(params.seed, replica, false);
    let full = replica_growth(walk, s, &mut stream, &mut pops.full, steps, burn_in, tick)?;
    let mut stream = replica_stream(params.seed, replica, true);
    let half = replica_growth(walk, s, &mut stream, &mut pops.half, steps, burn_in, tick)?;
    Ok(2.0 * full - half)
}

/// Λ̂(s) of every replica, in replica order. In wasm, where the page runs this in a worker,
/// one replica after the other with progress and cancellation every 64 steps; natively on
/// every core (rayon), with progress once all replicas of this s are done. Each replica has
/// its own streams, so both give the same numbers.
fn replica_values(
    walk: &Walk,
    params: &IndexParams,
    s: f64,
    steps: usize,
    burn_in: usize,
    tick: &mut dyn FnMut(usize) -> bool,
) -> Result<Vec<f64>> {
    #[cfg(target_arch = "wasm32")]
    {
        let mut pops = Populations::new(walk, params.walkers);
        (0..params.replicas)
            .map(|replica| {
                replica_estimate(walk, params, s, steps, burn_in, replica, &mut pops, tick)
            })
            .collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        let values: Vec<f64> = (0..params.replicas)
            .into_par_iter()
            .map(|replica| {
                let mut pops = Populations::new(walk, params.walkers);
                let mut no_tick = |_| true;
                replica_estimate(
                    walk,
                    params,
                    s,
                    steps,
                    burn_in,
                    replica,
                    &mut pops,
                    &mut no_tick,
                )
            })
            .collect::<Result<_>>()?;
        if tick(params.replicas * steps) {
            Ok(values)
        } else {
            Err(cancelled())
        }
    }
}

/// Λ̂(s) from the replicas' values at s: their mean and standard error.
fn growth(s: f64, values: &[f64]) -> LambdaPoint {
    let count = values.len() as f64;
    let mean = values.iter().sum::<f64>() / count;
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0)
    } else {
        0.0
    };
    LambdaPoint {
        s,
        value: mean,
        std_err: (var / count).sqrt(),
    }
}

fn check(params: &IndexParams, n: usize) -> Result<()> {
    check_step(params.gamma, params.batch, params.delta, n)?;
    if params.walkers < 2 || params.replicas < 2 {
        return Err(Error::new(
            "walkers",
            "α_SGD needs at least 2 walkers and 2 replicas",
        ));
    }
    if params.min_steps < 2 || params.max_steps < params.min_steps {
        return Err(Error::new(
            "steps",
            "α_SGD needs min_steps ≥ 2 and max_steps ≥ min_steps",
        ));
    }
    if !(params.s_max.is_finite() && params.s_max >= 2.0) {
        return Err(Error::new("s_max", "s_max must be a finite number ≥ 2"));
    }
    Ok(())
}

/// α_SGD for `problem` (with its `spectrum`). `progress(done, total)` is called as the
/// walkers advance (units: walker-population steps, the total an estimate) and returns
/// false to cancel.
///
/// # Errors
/// γ, B, δ out of range (named by field), a budget above [`MAX_INDEX_WORK`] (`data`),
/// cancellation (`cancelled`).
pub fn sgd_index(
    problem: &Problem,
    spectrum: &Spectrum,
    params: &IndexParams,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<SgdIndex> {
    let mut index = index_on(problem, spectrum, params, progress)?;
    if params.restricted && !index.converged {
        let h = spectrum.h();
        let (steps, target) = match params.experiment_steps {
            Some(k) => (k as f64, EXPERIMENT_MIXING),
            None => (index.steps as f64, MIXING_TARGET),
        };
        let mixed = h
            .iter()
            .take_while(|&&h| steps * params.gamma * (h + params.delta) >= target)
            .count();
        if mixed >= 1 && mixed < index.directions {
            let restricted = IndexParams {
                directions: Some(mixed),
                ..params.clone()
            };
            index.restricted = Some(Box::new(index_on(
                problem,
                spectrum,
                &restricted,
                progress,
            )?));
        }
    }
    Ok(index)
}

fn index_on(
    problem: &Problem,
    spectrum: &Spectrum,
    params: &IndexParams,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<SgdIndex> {
    let n = problem.n();
    check(params, n)?;
    let rank = spectrum.rank();
    let r = params.directions.unwrap_or(rank).clamp(1, rank);
    let h = spectrum.h();
    let theta_min = params.gamma * (h[r - 1] + params.delta);
    // A root search evaluates about 4 + refinements values of s.
    let evaluations = 4 + params.refinements;
    let per_step = (evaluations * params.replicas * params.walkers) as f64
        * ((2 * params.batch + 3) * r) as f64;
    let affordable = (params.work_budget / per_step)
        .floor()
        .min(params.max_steps as f64);
    let cap = (affordable.max(0.0) as usize).max(params.min_steps);
    let wanted = (MIXING_TARGET / theta_min).ceil();
    let steps = if wanted.is_finite() {
        (wanted as usize).clamp(params.min_steps, cap)
    } else {
        cap
    };
    let burn_in = steps / 2;
    let mixing = steps as f64 * theta_min;
    let work = per_step * steps as f64;
    if work > MAX_INDEX_WORK {
        return Err(Error::new(
            "data",
            format!(
                "α_SGD needs about {work:.1e} operations, over the budget of {MAX_INDEX_WORK:.0e}; use a smaller problem or batch"
            ),
        ));
    }
    // ã_i = Qᵀa_i by plain dot products in a fixed order: a matrix product's summation
    // order differs between targets, and the walkers must see the same bits everywhere.
    let q = spectrum.q();
    let mut rows = Vec::with_capacity(n * r);
    for i in 0..n {
        for j in 0..r {
            rows.push((0..problem.d()).fold(0.0, |acc, k| acc + problem.a[(i, k)] * q[(k, j)]));
        }
    }
    let walk = Walk {
        rows,
        n,
        r,
        shrink: 1.0 - params.gamma * params.delta,
        scale: params.gamma / params.batch as f64,
        batch: params.batch,
        replacement: params.replacement,
    };
    let total = evaluations * params.replicas * steps;
    let mut done = 0usize;
    let mut tick = |units: usize| -> bool {
        done += units;
        progress(done.min(total), total)
    };
    // Every s replays the same streams (common random numbers).
    let mut evaluate =
        |s: f64| replica_values(&walk, params, s, steps, burn_in, &mut tick).map(|v| growth(s, &v));

    let mut lambda = vec![evaluate(2.0)?];
    let mut alpha_lower_bound = None;
    let mut alpha_upper_bound = None;
    // Bracket: (lo, f_lo < 0) and (hi, f_hi > 0).
    let mut bracket = None;
    if lambda[0].value < 0.0 {
        let mut lo = lambda[0];
        loop {
            // Doubling, except that from s = 4 on a Λ̂ still well below 0 (under half of
            // s·Λ̂(2)/2, the chord from the origin: Λ is convex with Λ(0) = 0) sends the
            // search to s_max at once: most such problems have no root below it.
            let far = lo.s >= 4.0 && lo.value < 0.25 * lo.s * lambda[0].value;
            let s = if far {
                params.s_max
            } else {
                (lo.s * 2.0).min(params.s_max)
            };
            if s <= lo.s {
                alpha_lower_bound = Some(lo.s);
                break;
            }
            let p = evaluate(s)?;
            lambda.push(p);
            if p.value > 0.0 {
                bracket = Some((lo, p));
                break;
            }
            lo = p;
        }
    } else {
        let mut hi = lambda[0];
        loop {
            let s = hi.s * 0.5;
            if s < S_MIN {
                alpha_upper_bound = Some(hi.s);
                break;
            }
            let p = evaluate(s)?;
            lambda.push(p);
            if p.value < 0.0 {
                bracket = Some((p, hi));
                break;
            }
            hi = p;
        }
    }
    let mut alpha = None;
    let mut alpha_std_err = None;
    if let Some((mut lo, mut hi)) = bracket {
        // Illinois regula falsi on the noisy but smooth Λ̂ (common random numbers).
        let (mut f_lo, mut f_hi) = (lo.value, hi.value);
        let mut side = 0;
        for _ in 0..params.refinements {
            let last = lambda.last().expect("one value at least");
            if hi.s - lo.s <= 0.02 * lo.s || last.value.abs() < last.std_err {
                break;
            }
            let secant = (lo.s * f_hi - hi.s * f_lo) / (f_hi - f_lo);
            // The first step uses Λ(0) = 0 too: the root of the parabola a·s + b·s² through
            // the origin and both ends of the bracket, which bends as the convex Λ does
            // (the chord's root lies left of Λ's).
            let b = (hi.value / hi.s - lo.value / lo.s) / (hi.s - lo.s);
            let a = lo.value / lo.s - b * lo.s;
            let parabola = -a / b;
            let x = if side == 0 && lo.s > 0.0 && b > 0.0 && parabola > lo.s && parabola < hi.s {
                parabola
            } else {
                secant
            };
            let margin = 0.05 * (hi.s - lo.s);
            let x = x.clamp(lo.s + margin, hi.s - margin);
            let p = evaluate(x)?;
            lambda.push(p);
            if p.value < 0.0 {
                lo = p;
                f_lo = p.value;
                if side == -1 {
                    f_hi *= 0.5;
                }
                side = -1;
            } else {
                hi = p;
                f_hi = p.value;
                if side == 1 {
                    f_lo *= 0.5;
                }
                side = 1;
            }
        }
        let slope = (hi.value - lo.value) / (hi.s - lo.s);
        let root = lo.s - lo.value / slope;
        let t = (root - lo.s) / (hi.s - lo.s);
        let se = (1.0 - t) * lo.std_err + t * hi.std_err;
        alpha = Some(root);
        alpha_std_err = Some(se / wide_slope(&lambda, root, slope));
    }
    let by_s = sorted_indices(&lambda.iter().map(|p| p.s).collect::<Vec<_>>());
    let lambda: Vec<LambdaPoint> = by_s.into_iter().map(|i| lambda[i]).collect();

    let (lambda_2_exact, gamma_alpha_2) = if r == rank {
        let map = SecondMomentMap::new(
            problem,
            spectrum,
            params.batch,
            params.delta,
            params.replacement,
        )?;
        let rho = map.range_spectral_radius(params.gamma)?;
        (Some(libm::log(rho)), Some(map.threshold()?))
    } else {
        (None, None)
    };
    Ok(SgdIndex {
        alpha,
        alpha_lower_bound,
        alpha_upper_bound,
        alpha_std_err,
        lambda,
        lambda_2_exact,
        gamma_alpha_2,
        converged: mixing >= MIXING_TARGET,
        mixing,
        directions: r,
        rank,
        steps,
        burn_in,
        walkers: params.walkers,
        replicas: params.replicas,
        s_max: params.s_max,
        restricted: None,
    })
}

/// Λ′ at the root for the standard error of α̂: the chord between the evaluated points
/// nearest the root on either side at least 5% of the root away (two points closer than that
/// differ mostly by noise), or `fallback` (the final bracket's chord) when there are none.
fn wide_slope(lambda: &[LambdaPoint], root: f64, fallback: f64) -> f64 {
    let below = lambda
        .iter()
        .filter(|p| p.value < 0.0 && p.s <= 0.95 * root)
        .max_by(|a, b| a.s.total_cmp(&b.s));
    let above = lambda
        .iter()
        .filter(|p| p.value > 0.0 && p.s >= 1.05 * root)
        .min_by(|a, b| a.s.total_cmp(&b.s));
    match (below, above) {
        (Some(a), Some(b)) => (b.value - a.value) / (b.s - a.s),
        _ => fallback,
    }
}

/// Λ(4) = log ρ(E[M^{⊗4}]) exactly, for B = 1 (one uniform row per step) on the range of A:
/// the largest eigenvalue of the symmetric r⁴ × r⁴ matrix (1/n) Σ_i M_i^{⊗4},
/// M_i = (1 − γδ)I − γ ã_iã_iᵀ (MATH.md §4.3, "Exact anchors"). The matrix has r⁸ entries:
/// meant for the tests' r ≤ 5.
///
/// # Errors
/// r > 5 (`data`).
pub fn fourth_moment_growth(
    problem: &Problem,
    spectrum: &Spectrum,
    gamma: f64,
    delta: f64,
) -> Result<f64> {
    let r = spectrum.rank();
    if r > 5 {
        return Err(Error::new(
            "data",
            format!("the exact fourth-moment map is for rank r ≤ 5, not {r}"),
        ));
    }
    let rows = &problem.a * spectrum.q();
    let n = problem.n();
    let size = r * r * r * r;
    let mut total = DMatrix::<f64>::zeros(size, size);
    for i in 0..n {
        let a = rows.row(i).transpose();
        let m = DMatrix::<f64>::identity(r, r) * (1.0 - gamma * delta) - &a * a.transpose() * gamma;
        let m2 = m.kronecker(&m);
        let m4 = m2.kronecker(&m2);
        total += m4;
    }
    total /= n as f64;
    let eigen = nalgebra::SymmetricEigen::new(total);
    let rho = eigen
        .eigenvalues
        .iter()
        .fold(0.0f64, |acc, v| acc.max(v.abs()));
    Ok(libm::log(rho))
}

#[cfg(test)]
mod tests;
