//! McCulloch's (1986) quantile estimator of an α-stable law, exactly as scipy's
//! `_fitstart_S1` (BSD, `scipy/stats/_levy_stable/__init__.py`): the same tables and the
//! same clamped bilinear interpolation, quantiles by numpy's default linear rule (the
//! formulas: the parent module, step 1; MATH.md §4.2). It starts the maximum likelihood.

use crate::stats::sample::check_sample;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::f64::consts::FRAC_PI_2;

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

/// ν_α grid of Tables III–IV.
const NU_ALPHA: [f64; 15] = [
    2.439, 2.5, 2.6, 2.7, 2.8, 3.0, 3.2, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 25.0,
];
/// ν_β grid of Tables III–IV.
const NU_BETA: [f64; 7] = [0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0];
/// (ψ₁, ψ₂) (Tables III–IV): rows ν_α, columns ν_β; one row of the grid per line, so
/// ψ₁ reads as scipy's `alpha_table` and ψ₂ as its `beta_table`.
#[rustfmt::skip]
const PSI: [[(f64, f64); 7]; 15] = [
    [(2.000, 0.0), (2.000, 2.160), (2.000, 1.000), (2.000, 1.000), (2.000, 1.000), (2.000, 1.000), (2.000, 1.000)],
    [(1.916, 0.0), (1.924, 1.592), (1.924, 3.390), (1.924, 1.000), (1.924, 1.000), (1.924, 1.000), (1.924, 1.000)],
    [(1.808, 0.0), (1.813, 0.759), (1.829, 1.800), (1.829, 1.000), (1.829, 1.000), (1.829, 1.000), (1.829, 1.000)],
    [(1.729, 0.0), (1.730, 0.482), (1.737, 1.048), (1.745, 1.694), (1.745, 1.000), (1.745, 1.000), (1.745, 1.000)],
    [(1.664, 0.0), (1.663, 0.360), (1.663, 0.760), (1.668, 1.232), (1.676, 2.229), (1.676, 1.000), (1.676, 1.000)],
    [(1.563, 0.0), (1.560, 0.253), (1.553, 0.518), (1.548, 0.823), (1.547, 1.575), (1.547, 1.000), (1.547, 1.000)],
    [(1.484, 0.0), (1.480, 0.203), (1.471, 0.410), (1.460, 0.632), (1.448, 1.244), (1.438, 1.906), (1.438, 1.000)],
    [(1.391, 0.0), (1.386, 0.165), (1.378, 0.332), (1.364, 0.499), (1.337, 0.943), (1.318, 1.560), (1.318, 1.000)],
    [(1.279, 0.0), (1.273, 0.136), (1.266, 0.271), (1.250, 0.404), (1.210, 0.689), (1.184, 1.230), (1.150, 2.195)],
    [(1.128, 0.0), (1.121, 0.109), (1.114, 0.216), (1.101, 0.323), (1.067, 0.539), (1.027, 0.827), (0.973, 1.917)],
    [(1.029, 0.0), (1.021, 0.096), (1.014, 0.190), (1.004, 0.284), (0.974, 0.472), (0.935, 0.693), (0.874, 1.759)],
    [(0.896, 0.0), (0.892, 0.082), (0.884, 0.163), (0.883, 0.243), (0.855, 0.412), (0.823, 0.601), (0.769, 1.596)],
    [(0.818, 0.0), (0.812, 0.074), (0.806, 0.147), (0.801, 0.220), (0.780, 0.377), (0.756, 0.546), (0.691, 1.482)],
    [(0.698, 0.0), (0.695, 0.064), (0.692, 0.128), (0.689, 0.191), (0.676, 0.330), (0.656, 0.478), (0.597, 1.362)],
    [(0.593, 0.0), (0.590, 0.056), (0.588, 0.112), (0.586, 0.167), (0.579, 0.285), (0.563, 0.428), (0.513, 1.274)],
];
/// α grid of Tables V and VII, increasing (scipy reverses the rows).
const ALPHA_RANGE: [f64; 16] = [
    0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0,
];
/// β grid of Tables V and VII.
const BETA_RANGE: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];
/// (φ₃, φ₅) (Tables V and VII): rows α in decreasing order 2, 1.9, …, 0.5 (as printed),
/// columns β; one row per line, φ₃ as scipy's `nu_c_table`, φ₅ as its `nu_zeta_table`.
#[rustfmt::skip]
const PHI: [[(f64, f64); 5]; 16] = [
    [(1.908, 0.0), (1.908, 0.000), (1.908, 0.000), (1.908, 0.000), (1.908, 0.000)],
    [(1.914, 0.0), (1.915, -0.017), (1.916, -0.032), (1.918, -0.049), (1.921, -0.064)],
    [(1.921, 0.0), (1.922, -0.030), (1.927, -0.061), (1.936, -0.092), (1.947, -0.123)],
    [(1.927, 0.0), (1.930, -0.043), (1.943, -0.088), (1.961, -0.132), (1.987, -0.179)],
    [(1.933, 0.0), (1.940, -0.056), (1.962, -0.111), (1.997, -0.170), (2.043, -0.232)],
    [(1.939, 0.0), (1.952, -0.066), (1.988, -0.134), (2.045, -0.206), (2.116, -0.283)],
    [(1.946, 0.0), (1.967, -0.075), (2.022, -0.154), (2.106, -0.241), (2.211, -0.335)],
    [(1.955, 0.0), (1.984, -0.084), (2.067, -0.173), (2.188, -0.276), (2.333, -0.390)],
    [(1.965, 0.0), (2.007, -0.090), (2.125, -0.192), (2.294, -0.310), (2.491, -0.447)],
    [(1.980, 0.0), (2.040, -0.095), (2.205, -0.208), (2.435, -0.346), (2.696, -0.508)],
    [(2.000, 0.0), (2.085, -0.098), (2.311, -0.223), (2.624, -0.380), (2.973, -0.576)],
    [(2.040, 0.0), (2.149, -0.099), (2.461, -0.237), (2.886, -0.424), (3.356, -0.652)],
    [(2.098, 0.0), (2.244, -0.096), (2.676, -0.250), (3.265, -0.469), (3.912, -0.742)],
    [(2.189, 0.0), (2.392, -0.089), (3.004, -0.262), (3.844, -0.520), (4.775, -0.853)],
    [(2.337, 0.0), (2.634, -0.078), (3.542, -0.272), (4.808, -0.581), (6.247, -0.997)],
    [(2.588, 0.0), (3.073, -0.061), (4.534, -0.279), (6.636, -0.659), (9.144, -1.198)],
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

/// Bilinear interpolation of both components of `value(i, j)` at (x on `xs`, y on `ys`).
fn bilinear(
    xs: &[f64],
    ys: &[f64],
    value: impl Fn(usize, usize) -> (f64, f64),
    x: f64,
    y: f64,
) -> (f64, f64) {
    let (i, u) = bracket(xs, x);
    let (j, v) = bracket(ys, y);
    let corners = [
        value(i, j),
        value(i + 1, j),
        value(i, j + 1),
        value(i + 1, j + 1),
    ];
    let at = |component: fn((f64, f64)) -> f64| {
        (1.0 - u) * (1.0 - v) * component(corners[0])
            + u * (1.0 - v) * component(corners[1])
            + (1.0 - u) * v * component(corners[2])
            + u * v * component(corners[3])
    };
    (at(|c| c.0), at(|c| c.1))
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
pub(super) fn checked_sorted(sample: &[f64]) -> Result<Vec<f64>> {
    check_sample(sample, 1, "the α-stable fit")?;
    let mut sorted = sample.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
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

pub(super) fn mcculloch_sorted(sorted: &[f64]) -> McCulloch {
    let p05 = percentile(sorted, 5.0);
    let p50 = percentile(sorted, 50.0);
    let p95 = percentile(sorted, 95.0);
    let p25 = percentile(sorted, 25.0);
    let p75 = percentile(sorted, 75.0);
    let nu_alpha = (p95 - p05) / (p75 - p25);
    let nu_beta = (p95 + p05 - 2.0 * p50) / (p95 - p05);
    let (alpha, beta) = if nu_alpha >= 2.439 {
        let nb = nu_beta.abs();
        let (a, b) = bilinear(&NU_ALPHA, &NU_BETA, |i, j| PSI[i][j], nu_alpha, nb);
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
    let (phi3, phi5) = bilinear(&ALPHA_RANGE, &BETA_RANGE, |i, j| PHI[15 - i][j], alpha, ab);
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
