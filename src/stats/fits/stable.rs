//! Fitting an α-stable law S(α, β, σ, μ; 1) to a sample (MATH.md §4.2, "α-stable laws").
//!
//! 1. **McCulloch (1986)** quantile estimator, exactly as scipy's `_fitstart_S1` (BSD,
//!    `scipy/stats/_levy_stable/__init__.py`, same tables and the same clamped bilinear
//!    interpolation; quantiles by numpy's default linear rule):
//!    ν_α = (q95 − q05)/(q75 − q25), ν_β = (q95 + q05 − 2q50)/(q95 − q05);
//!    α = ψ₁(ν_α, ν_β), β = ψ₂(ν_α, ν_β) (Tables III–IV; α = 2, β = sign ν_β when
//!    ν_α < 2.439); σ = (q75 − q25)/φ₃(α, β) (Table V); ζ = q50 + σφ₅(α, β) (Table VII) is
//!    the S0 location, and the S1 location is ζ − βσ tan(πα/2) (ζ at α = 1).
//! 2. **Maximum likelihood**, started from McCulloch, as a profile likelihood: a
//!    Nelder–Mead ([`crate::stats::optimize`]) over (α, β) on the transformed scale
//!    α = α_min + (2 − α_min)/(1 + e^{−a}) ([`ALPHA_MIN`] = 0.25), β = tanh b (clamped to
//!    |β| ≤ [`MAX_ABS_BETA`]); for each (α, β) the S0 location
//!    δ₀ and ln σ are maximised by damped Newton steps using the tabulated log-density
//!    [`StableTable`] (spline derivatives). Working in S0 keeps the likelihood smooth
//!    through α = 1. Coarse to fine: first a table of step 0.1 on at most 2000 order
//!    statistics, then the default table (step 0.05) on at most [`MLE_MAX_POINTS`]. The
//!    likelihood is maximised on the quantile-stratified subsample x_(⌊(i+½)N/M⌋), i < M
//!    (order statistics at evenly spaced ranks, deterministic; the whole sample when
//!    N ≤ M), which keeps the fit of 10⁵ points under 0.5 s natively in release. The
//!    table's error in ln f (≲ 10⁻⁶, see [`StableTable`]) moves the optimum only at second
//!    order in the exact log-likelihood.
//! 3. **Goodness of fit** on the whole sample: loglik = Σ ln f(x_i) (exact density for
//!    N ≤ [`EXACT_GOF_MAX_POINTS`], the table otherwise), AIC = 2·4 − 2·loglik, and the
//!    Kolmogorov–Smirnov distance D = max_i max(i/N − F(x_(i)), F(x_(i)) − (i−1)/N) over
//!    the sorted sample ([`ks_statistic`]; exact F, or the table's cdf with |ΔF| < 10⁻⁶).

use crate::stats::distributions::stable::{Stable, StableTable, TABLE_STEP};
use crate::stats::optimize::{nelder_mead, NelderMead, Rounding};
use crate::stats::sample::{check_sample, ks_statistic};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::f64::consts::FRAC_PI_2;

/// The likelihood is maximised on at most this many (stratified) order statistics.
pub const MLE_MAX_POINTS: usize = 10_000;
/// Samples up to this size get their loglik and KS from the exact density and cdf (about
/// 0.2 ms per point for each); larger ones from a table (|Δ ln f| ≲ 10⁻⁴, |ΔF| < 10⁻⁶).
pub const EXACT_GOF_MAX_POINTS: usize = 500;
/// Samples up to this size are fitted to a tight tolerance (loglik to 10⁻⁸); larger ones
/// to a statistical one (see [`fit_stable`]).
pub const TIGHT_MAX_POINTS: usize = 500;
/// Smallest α the MLE explores.
pub const ALPHA_MIN: f64 = 0.25;
/// Largest α the numerical search explores. Tables near α = 2 are slow to build (the
/// integrand concentrates) while the laws there differ from the Gaussian only far out;
/// the boundary α = 2 itself is compared in closed form after the search.
pub const ALPHA_MAX_SEARCH: f64 = 1.95;
/// Largest |β| the MLE explores.
pub const MAX_ABS_BETA: f64 = 0.9999;

/// A fitted α-stable law (S1) and its goodness of fit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StableFit {
    /// Stability index α ∈ (0, 2].
    pub alpha: f64,
    /// Skewness β ∈ [−1, 1].
    pub beta: f64,
    /// Scale σ > 0.
    pub scale: f64,
    /// S1 location μ.
    pub loc: f64,
    /// Σ ln f(x_i) over the whole sample.
    pub loglik: f64,
    /// 2·4 − 2·loglik.
    pub aic: f64,
    /// sup |F_N − F|.
    pub ks: f64,
}

impl StableFit {
    /// The fitted law.
    ///
    /// # Errors
    ///
    /// Never for a fit returned by [`fit_stable`]; as [`Stable::new`] otherwise.
    pub fn law(&self) -> Result<Stable> {
        Stable::new(self.alpha, self.beta, self.scale, self.loc)
    }
}

/// McCulloch's quantile estimates (S1), equal to scipy's `levy_stable._fitstart`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct McCulloch {
    /// α.
    pub alpha: f64,
    /// β.
    pub beta: f64,
    /// σ.
    pub scale: f64,
    /// S1 location.
    pub loc: f64,
    /// S0 location ζ (McCulloch's location, finite through α = 1).
    pub loc_s0: f64,
}

// McCulloch (1986) Tables III–V and VII, copied from scipy's `_fitstart_S1` (BSD).
const NU_ALPHA: [f64; 15] = [
    2.439, 2.5, 2.6, 2.7, 2.8, 3.0, 3.2, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 25.0,
];
const NU_BETA: [f64; 7] = [0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0];
/// ψ₁: rows ν_α, columns ν_β.
const ALPHA_TABLE: [[f64; 7]; 15] = [
    [2.000, 2.000, 2.000, 2.000, 2.000, 2.000, 2.000],
    [1.916, 1.924, 1.924, 1.924, 1.924, 1.924, 1.924],
    [1.808, 1.813, 1.829, 1.829, 1.829, 1.829, 1.829],
    [1.729, 1.730, 1.737, 1.745, 1.745, 1.745, 1.745],
    [1.664, 1.663, 1.663, 1.668, 1.676, 1.676, 1.676],
    [1.563, 1.560, 1.553, 1.548, 1.547, 1.547, 1.547],
    [1.484, 1.480, 1.471, 1.460, 1.448, 1.438, 1.438],
    [1.391, 1.386, 1.378, 1.364, 1.337, 1.318, 1.318],
    [1.279, 1.273, 1.266, 1.250, 1.210, 1.184, 1.150],
    [1.128, 1.121, 1.114, 1.101, 1.067, 1.027, 0.973],
    [1.029, 1.021, 1.014, 1.004, 0.974, 0.935, 0.874],
    [0.896, 0.892, 0.884, 0.883, 0.855, 0.823, 0.769],
    [0.818, 0.812, 0.806, 0.801, 0.780, 0.756, 0.691],
    [0.698, 0.695, 0.692, 0.689, 0.676, 0.656, 0.597],
    [0.593, 0.590, 0.588, 0.586, 0.579, 0.563, 0.513],
];
/// ψ₂: rows ν_α, columns ν_β.
const BETA_TABLE: [[f64; 7]; 15] = [
    [0.0, 2.160, 1.000, 1.000, 1.000, 1.000, 1.000],
    [0.0, 1.592, 3.390, 1.000, 1.000, 1.000, 1.000],
    [0.0, 0.759, 1.800, 1.000, 1.000, 1.000, 1.000],
    [0.0, 0.482, 1.048, 1.694, 1.000, 1.000, 1.000],
    [0.0, 0.360, 0.760, 1.232, 2.229, 1.000, 1.000],
    [0.0, 0.253, 0.518, 0.823, 1.575, 1.000, 1.000],
    [0.0, 0.203, 0.410, 0.632, 1.244, 1.906, 1.000],
    [0.0, 0.165, 0.332, 0.499, 0.943, 1.560, 1.000],
    [0.0, 0.136, 0.271, 0.404, 0.689, 1.230, 2.195],
    [0.0, 0.109, 0.216, 0.323, 0.539, 0.827, 1.917],
    [0.0, 0.096, 0.190, 0.284, 0.472, 0.693, 1.759],
    [0.0, 0.082, 0.163, 0.243, 0.412, 0.601, 1.596],
    [0.0, 0.074, 0.147, 0.220, 0.377, 0.546, 1.482],
    [0.0, 0.064, 0.128, 0.191, 0.330, 0.478, 1.362],
    [0.0, 0.056, 0.112, 0.167, 0.285, 0.428, 1.274],
];
/// α grid of Tables V and VII, increasing (scipy reverses the rows).
const ALPHA_RANGE: [f64; 16] = [
    0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0,
];
const BETA_RANGE: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];
/// φ₃ (Table V): rows α in decreasing order 2, 1.9, …, 0.5 (as printed), columns β.
const NU_C_TABLE: [[f64; 5]; 16] = [
    [1.908, 1.908, 1.908, 1.908, 1.908],
    [1.914, 1.915, 1.916, 1.918, 1.921],
    [1.921, 1.922, 1.927, 1.936, 1.947],
    [1.927, 1.930, 1.943, 1.961, 1.987],
    [1.933, 1.940, 1.962, 1.997, 2.043],
    [1.939, 1.952, 1.988, 2.045, 2.116],
    [1.946, 1.967, 2.022, 2.106, 2.211],
    [1.955, 1.984, 2.067, 2.188, 2.333],
    [1.965, 2.007, 2.125, 2.294, 2.491],
    [1.980, 2.040, 2.205, 2.435, 2.696],
    [2.000, 2.085, 2.311, 2.624, 2.973],
    [2.040, 2.149, 2.461, 2.886, 3.356],
    [2.098, 2.244, 2.676, 3.265, 3.912],
    [2.189, 2.392, 3.004, 3.844, 4.775],
    [2.337, 2.634, 3.542, 4.808, 6.247],
    [2.588, 3.073, 4.534, 6.636, 9.144],
];
/// φ₅ (Table VII): rows α decreasing 2, …, 0.5, columns β.
const NU_ZETA_TABLE: [[f64; 5]; 16] = [
    [0.0, 0.000, 0.000, 0.000, 0.000],
    [0.0, -0.017, -0.032, -0.049, -0.064],
    [0.0, -0.030, -0.061, -0.092, -0.123],
    [0.0, -0.043, -0.088, -0.132, -0.179],
    [0.0, -0.056, -0.111, -0.170, -0.232],
    [0.0, -0.066, -0.134, -0.206, -0.283],
    [0.0, -0.075, -0.154, -0.241, -0.335],
    [0.0, -0.084, -0.173, -0.276, -0.390],
    [0.0, -0.090, -0.192, -0.310, -0.447],
    [0.0, -0.095, -0.208, -0.346, -0.508],
    [0.0, -0.098, -0.223, -0.380, -0.576],
    [0.0, -0.099, -0.237, -0.424, -0.652],
    [0.0, -0.096, -0.250, -0.469, -0.742],
    [0.0, -0.089, -0.262, -0.520, -0.853],
    [0.0, -0.078, -0.272, -0.581, -0.997],
    [0.0, -0.061, -0.279, -0.659, -1.198],
];

/// Index i and weight w with grid[i] ≤ x ≤ grid[i+1] (x clamped to the grid, as
/// scipy's degree-1 `RectBivariateSpline` does).
fn bracket(grid: &[f64], x: f64) -> (usize, f64) {
    let n = grid.len();
    let x = x.clamp(grid[0], grid[n - 1]);
    let mut i = 0;
    while i + 2 < n && x >= grid[i + 1] {
        i += 1;
    }
    (i, (x - grid[i]) / (grid[i + 1] - grid[i]))
}

/// Bilinear interpolation of `value(i, j)` at (x on `xs`, y on `ys`).
fn bilinear(xs: &[f64], ys: &[f64], value: impl Fn(usize, usize) -> f64, x: f64, y: f64) -> f64 {
    let (i, u) = bracket(xs, x);
    let (j, v) = bracket(ys, y);
    (1.0 - u) * (1.0 - v) * value(i, j)
        + u * (1.0 - v) * value(i + 1, j)
        + (1.0 - u) * v * value(i, j + 1)
        + u * v * value(i + 1, j + 1)
}

/// numpy's default (linear, "type 7") percentile of a sorted sample, with numpy's lerp.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let pos = q / 100.0 * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let t = pos - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// Rejects samples the estimators cannot handle; returns the sorted sample.
fn checked_sorted(sample: &[f64]) -> Result<Vec<f64>> {
    check_sample(sample, 1, "the α-stable fit")?;
    let mut sorted = sample.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    if percentile(&sorted, 75.0) <= percentile(&sorted, 25.0) {
        return Err(Error::new(
            "sample",
            "the sample's interquartile range is zero (constant or mostly tied values); \
             a stable law cannot be fitted",
        ));
    }
    Ok(sorted)
}

/// McCulloch's (1986) quantile estimator, identical to scipy's `levy_stable._fitstart`.
///
/// # Errors
///
/// As [`check_sample`], or a zero interquartile range.
pub fn mcculloch(sample: &[f64]) -> Result<McCulloch> {
    let sorted = checked_sorted(sample)?;
    Ok(mcculloch_sorted(&sorted))
}

fn mcculloch_sorted(sorted: &[f64]) -> McCulloch {
    let p05 = percentile(sorted, 5.0);
    let p50 = percentile(sorted, 50.0);
    let p95 = percentile(sorted, 95.0);
    let p25 = percentile(sorted, 25.0);
    let p75 = percentile(sorted, 75.0);
    let nu_alpha = (p95 - p05) / (p75 - p25);
    let nu_beta = (p95 + p05 - 2.0 * p50) / (p95 - p05);
    let (alpha, beta) = if nu_alpha >= 2.439 {
        let nb = nu_beta.abs();
        let a = bilinear(&NU_ALPHA, &NU_BETA, |i, j| ALPHA_TABLE[i][j], nu_alpha, nb);
        let b = bilinear(&NU_ALPHA, &NU_BETA, |i, j| BETA_TABLE[i][j], nu_alpha, nb);
        let b = if nu_beta > 0.0 { b } else { -b };
        (a.clamp(f64::EPSILON, 2.0), b.clamp(-1.0, 1.0))
    } else {
        (
            2.0,
            if nu_beta > 0.0 {
                1.0
            } else if nu_beta < 0.0 {
                -1.0
            } else {
                0.0
            },
        )
    };
    // Tables V and VII are printed with α decreasing; row k ↔ ALPHA_RANGE[15 − k].
    let ab = beta.abs();
    let phi3 = bilinear(
        &ALPHA_RANGE,
        &BETA_RANGE,
        |i, j| NU_C_TABLE[15 - i][j],
        alpha,
        ab,
    );
    let phi5 = bilinear(
        &ALPHA_RANGE,
        &BETA_RANGE,
        |i, j| NU_ZETA_TABLE[15 - i][j],
        alpha,
        ab,
    );
    let phi5 = if beta > 0.0 { phi5 } else { -phi5 };
    let scale = (p75 - p25) / phi3;
    let zeta = p50 + scale * phi5;
    let loc = if alpha != 1.0 {
        zeta - beta * scale * libm::tan(FRAC_PI_2 * alpha)
    } else {
        zeta
    };
    McCulloch {
        alpha,
        beta,
        scale,
        loc,
        loc_s0: zeta,
    }
}

// ---------------------------------------------------------------------------------------
// Maximum likelihood
// ---------------------------------------------------------------------------------------

fn alpha_of(a: f64) -> f64 {
    ALPHA_MIN + (ALPHA_MAX_SEARCH - ALPHA_MIN) / (1.0 + libm::exp(-a))
}

fn a_of(alpha: f64) -> f64 {
    let u = ((alpha - ALPHA_MIN) / (ALPHA_MAX_SEARCH - ALPHA_MIN)).clamp(1e-12, 1.0 - 1e-12);
    libm::log(u / (1.0 - u))
}

/// Σ ln f((x − δ₀)/σ) − n ln σ with the tabulated density.
fn table_loglik(table: &StableTable, xs: &[f64], loc0: f64, ln_scale: f64) -> f64 {
    let inv = libm::exp(-ln_scale);
    let mut sum = 0.0;
    for &x in xs {
        sum += table.ln_pdf((x - loc0) * inv);
    }
    sum - xs.len() as f64 * ln_scale
}

/// Maximises the tabulated log-likelihood over (δ₀, ln σ) from `start` by damped Newton.
fn profile(table: &StableTable, xs: &[f64], start: (f64, f64)) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let (mut d, mut s) = start;
    let mut value = table_loglik(table, xs, d, s);
    for _ in 0..60 {
        let sigma = libm::exp(s);
        let inv = 1.0 / sigma;
        let (mut g_d, mut g_s, mut h_dd, mut h_ds, mut h_ss) = (0.0, -n, 0.0, 0.0, 0.0);
        for &x in xs {
            let z = (x - d) * inv;
            let (_, l1, l2) = table.ln_pdf_derivatives(z);
            // z = (x − d)/σ: ∂z/∂d = −1/σ, ∂z/∂s = −z.
            g_d -= l1 * inv;
            g_s -= l1 * z;
            h_dd += l2 * inv * inv;
            h_ds += (l2 * z + l1) * inv;
            h_ss += l2 * z * z + l1 * z;
        }
        // Newton direction for the maximum; shift the Hessian until negative definite.
        let mut shift = 0.0;
        let scale_h = h_dd.abs().max(h_ss.abs()).max(1e-300);
        let (mut step_d, mut step_s) = (0.0, 0.0);
        for _ in 0..60 {
            let (a, b, c) = (h_dd - shift, h_ds, h_ss - shift);
            let det = a * c - b * b;
            if a < 0.0 && det > 0.0 {
                step_d = -(c * g_d - b * g_s) / det;
                step_s = -(-b * g_d + a * g_s) / det;
                break;
            }
            shift = if shift == 0.0 {
                1e-6 * scale_h
            } else {
                shift * 4.0
            };
        }
        let mut lambda = 1.0;
        let mut improved = false;
        for _ in 0..40 {
            let (nd, ns) = (d + lambda * step_d, s + lambda * step_s);
            let v = table_loglik(table, xs, nd, ns);
            if v > value {
                let gain = v - value;
                d = nd;
                s = ns;
                value = v;
                improved = true;
                if gain < 1e-10 * (1.0 + value.abs()) {
                    return (value, d, s);
                }
                break;
            }
            lambda *= 0.5;
        }
        if !improved {
            break;
        }
    }
    (value, d, s)
}

/// The quantile-stratified subsample of at most `m` points (the whole sample when small).
fn stratified(sorted: &[f64], m: usize) -> Vec<f64> {
    let n = sorted.len();
    if n <= m {
        return sorted.to_vec();
    }
    (0..m)
        .map(|i| sorted[((i as f64 + 0.5) * n as f64 / m as f64) as usize])
        .collect()
}

/// Observations used by the coarse stage of the MLE.
const COARSE_POINTS: usize = 2_000;

/// A point of the profile search: (α, β) and the maximising S0 location and ln σ.
#[derive(Clone, Copy, Debug)]
struct Stage {
    alpha: f64,
    beta: f64,
    loc0: f64,
    ln_scale: f64,
}

/// Nelder–Mead over (a, b) ↦ (α, β) of the profile log-likelihood, tables of step `step`,
/// initial simplex `size`, from `start`; returns the best point seen.
fn profile_nelder_mead(
    xs: &[f64],
    start: Stage,
    step: f64,
    size: f64,
    max_evals: usize,
    f_tol: f64,
) -> Stage {
    let mut warm = (start.loc0, start.ln_scale);
    let mut best = (f64::NEG_INFINITY, start);
    let mut objective = |p: &[f64]| -> f64 {
        #[cfg(test)]
        TABLES_BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let alpha = alpha_of(p[0]);
        // |β| ≤ 0.9999: the one-sided laws β = ±1 (α < 1) would give −∞ likelihoods.
        let beta = libm::tanh(p[1]).clamp(-MAX_ABS_BETA, MAX_ABS_BETA);
        let Ok(table) = StableTable::with_step(alpha, beta, step, false) else {
            return f64::INFINITY;
        };
        let (value, d, s) = profile(&table, xs, warm);
        if !value.is_finite() {
            return f64::INFINITY;
        }
        warm = (d, s);
        if value > best.0 {
            best = (
                value,
                Stage {
                    alpha,
                    beta,
                    loc0: d,
                    ln_scale: s,
                },
            );
        }
        -value
    };
    // One run (a restart would re-evaluate the start and move the warm start), stopped on
    // the log-likelihood alone.
    let rule = NelderMead::new(f_tol, f64::INFINITY, max_evals)
        .without_restarts()
        .rounding(Rounding::SumScaled);
    nelder_mead(
        &mut objective,
        &[
            a_of(start.alpha),
            libm::atanh(start.beta.clamp(-1.0 + 1e-12, 1.0 - 1e-12)),
        ],
        &[size, size],
        rule,
    );
    best.1
}

#[cfg(test)]
static TABLES_BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Fits S(α, β, σ, μ; 1) by McCulloch's estimator refined by maximum likelihood.
///
/// # Errors
///
/// As [`check_sample`], or a zero interquartile range
/// (e.g. a constant sample).
pub fn fit_stable(sample: &[f64]) -> Result<StableFit> {
    let sorted = checked_sorted(sample)?;
    let start = mcculloch_sorted(&sorted);
    let alpha0 = start.alpha.clamp(ALPHA_MIN + 0.05, ALPHA_MAX_SEARCH - 0.02);
    let beta0 = start.beta.clamp(-0.95, 0.95);
    let first = Stage {
        alpha: alpha0,
        beta: beta0,
        loc0: start.loc_s0,
        ln_scale: libm::log(start.scale),
    };
    // Coarse stage: table step 0.1 on ≤ 2000 order statistics, from McCulloch.
    let coarse_xs = stratified(&sorted, COARSE_POINTS);
    let coarse = profile_nelder_mead(&coarse_xs, first, 0.1, 0.3, 40, 1e-2);
    // Fine stage: table step 0.05 on ≤ MLE_MAX_POINTS order statistics.
    let xs = stratified(&sorted, MLE_MAX_POINTS);
    // Small samples: converge tightly (loglik to 1e-8). Larger ones stop once the simplex's
    // log-likelihoods agree to ε: a point within ε of the maximum is within √(2ε) standard
    // errors of the maximiser (ℓ ≈ ℓ* − ½(θ − θ*)²/SE²), i.e. 0.045 SE for ε = 10⁻³ and
    // 0.14 SE for ε = 10⁻² (the 10⁴-point subsample), far below the statistical noise.
    // Every evaluation builds a table (10–25 ms near α = 2), so this is the fit's cost.
    let (max_evals, f_tol) = if xs.len() <= TIGHT_MAX_POINTS {
        (80, 1e-8)
    } else if xs.len() <= COARSE_POINTS {
        (40, 1e-3)
    } else {
        (40, 1e-2)
    };
    let fine = profile_nelder_mead(&xs, coarse, TABLE_STEP, 0.05, max_evals, f_tol);
    let Stage {
        alpha,
        beta,
        loc0,
        ln_scale,
    } = fine;
    let n = sorted.len();
    let small = n <= EXACT_GOF_MAX_POINTS;
    let scale = libm::exp(ln_scale);
    let law = Stable::from_s0(alpha, beta, scale, loc0)?;

    // Goodness of fit on the whole sample.
    let (loglik, ks) = if small {
        use crate::stats::distributions::Law;
        let ll = sorted.iter().map(|&x| law.ln_pdf(x)).sum::<f64>();
        let ks = ks_statistic(sorted.iter().map(|&x| law.cdf(x)), f64::INFINITY);
        (ll, ks)
    } else {
        let table = StableTable::new(alpha, beta, true)?;
        let ll = table_loglik(&table, &sorted, loc0, ln_scale);
        let cdf = sorted.iter().map(|&x| table.cdf((x - loc0) / scale));
        let ks = ks_statistic(cdf, f64::INFINITY);
        (ll, ks)
    };
    let searched = StableFit {
        alpha,
        beta,
        scale,
        loc: law.loc(),
        loglik,
        aic: 2.0 * 4.0 - 2.0 * loglik,
        ks,
    };
    Ok(gaussian_boundary(&sorted)
        .filter(|g| g.loglik > searched.loglik)
        .unwrap_or(searched))
}

/// The α = 2 boundary of the family in closed form: S(2, 0, σ, μ) = N(μ, 2σ²), whose
/// maximum-likelihood fit is the Gaussian one (β has no effect at α = 2).
fn gaussian_boundary(sorted: &[f64]) -> Option<StableFit> {
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let sd = (sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    let law = Stable::new(2.0, 0.0, sd / std::f64::consts::SQRT_2, mean).ok()?;
    use crate::stats::distributions::Law;
    let loglik = sorted.iter().map(|&x| law.ln_pdf(x)).sum::<f64>();
    Some(StableFit {
        alpha: 2.0,
        beta: 0.0,
        scale: law.scale(),
        loc: mean,
        loglik,
        aic: 2.0 * 4.0 - 2.0 * loglik,
        ks: ks_statistic(sorted.iter().map(|&x| law.cdf(x)), f64::INFINITY),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::distributions::Law;
    use serde_json::Value;

    /// Samples, scipy's `levy_stable._fitstart` and `levy_stable.fit` outputs:
    /// tests/fixtures/stable/make_fixtures.py (scipy 1.17.1).
    const FIXTURES: &str = include_str!("../../../tests/fixtures/stable/stable_fixtures.json");

    fn fixture_fits() -> Vec<Value> {
        let v: Value = serde_json::from_str(FIXTURES).unwrap();
        v["fits"].as_array().unwrap().clone()
    }

    fn sample_of(entry: &Value) -> Vec<f64> {
        entry["sample"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    #[test]
    fn mcculloch_equals_scipy_fitstart() {
        for entry in fixture_fits() {
            let xs = sample_of(&entry);
            let m = mcculloch(&xs).unwrap();
            let want = &entry["fitstart"];
            for (name, ours) in [
                ("alpha", m.alpha),
                ("beta", m.beta),
                ("scale", m.scale),
                ("loc", m.loc),
            ] {
                let theirs = want[name].as_f64().unwrap();
                assert!(
                    (ours - theirs).abs() <= 1e-9 * (1.0 + theirs.abs()),
                    "{name}: ours {ours}, scipy {theirs}"
                );
            }
        }
    }

    #[test]
    fn mle_likelihood_is_at_least_scipys() {
        for entry in fixture_fits() {
            let Some(scipy) = entry.get("fit300") else {
                continue;
            };
            let xs: Vec<f64> = sample_of(&entry)[..300].to_vec();
            let fit = fit_stable(&xs).unwrap();
            let theirs = scipy["loglik"].as_f64().unwrap();
            println!(
                "ours {} scipy {theirs}: margin {}",
                fit.loglik,
                fit.loglik - theirs
            );
            assert!(fit.loglik >= theirs - 1e-6, "ours {fit:?}, scipy {scipy}");
            // Our reported loglik is the exact one at our parameters.
            let law = fit.law().unwrap();
            let ll: f64 = xs.iter().map(|&x| law.ln_pdf(x)).sum();
            assert!((ll - fit.loglik).abs() < 1e-9 * ll.abs());
            assert!((fit.aic - (8.0 - 2.0 * fit.loglik)).abs() < 1e-9);
        }
    }

    #[test]
    fn alpha_is_recovered_from_cms_samples() {
        // n = 1500 CMS draws per law; the MLE's standard error of α is ≈ 0.03–0.05 here, so
        // |α̂ − α| < 0.15 is a ~3-sigma bound; ks stays below the 1% critical value
        // 1.628/√n = 0.042 (lenient, as the parameters are fitted).
        for (k, &(alpha, beta)) in [(1.2, 0.3), (1.5, 0.0), (1.8, -0.5)].iter().enumerate() {
            let law = Stable::new(alpha, beta, 2.0, 1.0).unwrap();
            let mut rng = crate::rng::stream(7, k as u64);
            let xs: Vec<f64> = (0..1500).map(|_| law.sample(&mut rng)).collect();
            let fit = fit_stable(&xs).unwrap();
            assert!((fit.alpha - alpha).abs() < 0.15, "α {alpha}: {fit:?}");
            assert!((fit.scale / 2.0 - 1.0).abs() < 0.1, "α {alpha}: {fit:?}");
            assert!(fit.ks < 0.042, "α {alpha}: {fit:?}");
        }
    }

    #[test]
    #[ignore = "heavy: cargo test --release --lib fits::stable -- --ignored"]
    fn alpha_is_recovered_tightly_and_fast_on_large_samples() {
        // n = 10⁵: SE(α̂) ≈ 0.005; the fit must take < 0.5 s in release.
        for (k, &(alpha, beta)) in [(1.2, 0.3), (1.5, 0.0), (1.8, -0.5)].iter().enumerate() {
            let law = Stable::new(alpha, beta, 2.0, 1.0).unwrap();
            let mut rng = crate::rng::stream(8, k as u64);
            let xs: Vec<f64> = (0..100_000).map(|_| law.sample(&mut rng)).collect();
            let t = std::time::Instant::now();
            let c0 = TABLES_BUILT.load(std::sync::atomic::Ordering::Relaxed);
            let fit = fit_stable(&xs).unwrap();
            let elapsed = t.elapsed();
            let c1 = TABLES_BUILT.load(std::sync::atomic::Ordering::Relaxed);
            println!(
                "α {alpha} β {beta}: {fit:?} in {elapsed:?}, {} tables",
                c1 - c0
            );
            assert!((fit.alpha - alpha).abs() < 0.03, "{fit:?}");
            assert!((fit.beta - beta).abs() < 0.1, "{fit:?}");
            assert!(
                elapsed.as_secs_f64() < 0.5,
                "{elapsed:?} (wall clock: run on an idle machine)"
            );
        }
    }

    #[test]
    #[ignore = "timing probe: cargo test --release --lib fit_timing_probe -- --ignored --nocapture"]
    fn fit_timing_probe() {
        for (k, &(alpha, beta)) in [(0.7, 0.0), (1.0, 0.5), (1.05, -0.3), (1.95, 0.2)]
            .iter()
            .enumerate()
        {
            let law = Stable::new(alpha, beta, 1.0, 0.0).unwrap();
            let mut rng = crate::rng::stream(9, k as u64);
            let xs: Vec<f64> = (0..100_000).map(|_| law.sample(&mut rng)).collect();
            let t = std::time::Instant::now();
            let fit = fit_stable(&xs).unwrap();
            println!("α {alpha} β {beta}: {fit:?} in {:?}", t.elapsed());
        }
    }

    #[test]
    fn fit_is_equivariant_under_location_and_scale() {
        let law = Stable::new(1.6, 0.4, 1.0, 0.0).unwrap();
        let mut rng = crate::rng::stream(3, 0);
        let xs: Vec<f64> = (0..400).map(|_| law.sample(&mut rng)).collect();
        let (a, b) = (3.5, -20.0);
        let ys: Vec<f64> = xs.iter().map(|x| a * x + b).collect();
        let f = fit_stable(&xs).unwrap();
        let g = fit_stable(&ys).unwrap();
        assert!((f.alpha - g.alpha).abs() < 1e-4, "{f:?} {g:?}");
        assert!((f.beta - g.beta).abs() < 1e-3, "{f:?} {g:?}");
        assert!((g.scale / (a * f.scale) - 1.0).abs() < 1e-4, "{f:?} {g:?}");
        // S1 location for α ≠ 1: μ → aμ + b.
        assert!(
            (g.loc - (a * f.loc + b)).abs() < 1e-3 * a * f.scale,
            "{f:?} {g:?}"
        );
        // The likelihood changes by −n ln a exactly.
        let shift = -(xs.len() as f64) * libm::log(a);
        assert!((g.loglik - (f.loglik + shift)).abs() < 1e-3, "{f:?} {g:?}");
        // McCulloch is exactly equivariant.
        let (m, n) = (mcculloch(&xs).unwrap(), mcculloch(&ys).unwrap());
        assert!((m.alpha - n.alpha).abs() < 1e-12 && (n.scale / (a * m.scale) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn fit_handles_gaussian_samples() {
        // Gaussian data: α̂ at (or next to) the boundary 2, finite goodness of fit.
        let mut rng = crate::rng::stream(11, 0);
        let xs: Vec<f64> = (0..600)
            .map(|_| 3.0 + 0.5 * crate::rng::standard_normal(&mut rng))
            .collect();
        let fit = fit_stable(&xs).unwrap();
        assert!(
            fit.alpha > 1.9 && fit.loglik.is_finite() && fit.ks < 0.06,
            "{fit:?}"
        );
        // α = 2 is N(μ, 2σ²): σ̂ ≈ 0.5/√2.
        assert!(
            (fit.scale / (0.5 / 2f64.sqrt()) - 1.0).abs() < 0.1,
            "{fit:?}"
        );
    }

    #[test]
    fn fit_handles_one_sided_levy_samples() {
        // Lévy data (α = 1/2, β = 1, one-sided): heavy and skewed; β̂ stops at 0.9999.
        let levy = Stable::new(0.5, 1.0, 1.0, 0.0).unwrap();
        let mut rng = crate::rng::stream(11, 1);
        let ys: Vec<f64> = (0..600).map(|_| levy.sample(&mut rng)).collect();
        let fit = fit_stable(&ys).unwrap();
        assert!((fit.alpha - 0.5).abs() < 0.1 && fit.beta > 0.8, "{fit:?}");
        assert!(fit.loglik.is_finite() && fit.ks < 0.06, "{fit:?}");
    }

    #[test]
    fn degenerate_samples_are_errors() {
        assert_eq!(fit_stable(&[1.0, 2.0, 3.0]).unwrap_err().field, "sample");
        assert_eq!(fit_stable(&[5.0; 50]).unwrap_err().field, "sample");
        let mut xs: Vec<f64> = (0..50).map(|i| i as f64).collect();
        xs[7] = f64::NAN;
        assert_eq!(fit_stable(&xs).unwrap_err().field, "sample");
        xs[7] = f64::INFINITY;
        assert_eq!(mcculloch(&xs).unwrap_err().field, "sample");
    }
}
