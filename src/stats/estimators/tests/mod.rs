//! Tests of the tail-index estimators against independent values: exact Pareto, Student t
//! and symmetric α-stable samples with stated tolerances (`known_answers.rs`), numpy
//! reference values (tests/fixtures/estimators/make_fixtures.py; `reference.rs`),
//! equivariance, the combined estimate and the bootstraps (`combined.rs`), degenerate
//! input (`degenerate.rs`) and the page's speed budget (`speed.rs`). This file holds the
//! samplers and checks they share.

mod combined;
mod degenerate;
mod known_answers;
mod reference;
mod speed;

use super::*;
use crate::rng::{self, Stream};

/// Relative agreement demanded against the numpy reference.
const REFERENCE_RTOL: f64 = 1e-10;

fn assert_rel(actual: f64, expected: f64, rtol: f64, what: &str) {
    let scale = expected.abs().max(1e-300);
    assert!(
        (actual - expected).abs() <= rtol * scale,
        "{what}: got {actual}, expected {expected} (rtol {rtol})"
    );
}

// Samplers written here, from their textbook definitions, on crate::rng streams.

/// Pareto(α) on [1, ∞) by inversion: X = U^(−1/α), U uniform on (0, 1).
fn pareto(alpha: f64, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| libm::pow(rng::uniform_open(rng), -1.0 / alpha))
        .collect()
}

/// Student t(ν) for integer ν: Z / √(χ²_ν/ν), χ²_ν a sum of ν squared normals.
fn student_t(nu: usize, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let z = rng::standard_normal(rng);
            let chi2: f64 = (0..nu).map(|_| rng::standard_normal(rng).powi(2)).sum();
            z / (chi2 / nu as f64).sqrt()
        })
        .collect()
}

/// Symmetric α-stable (β = 0, unit scale) by Chambers, Mallows & Stuck (1976), α ≠ 1:
/// X = sin(αV)/cos(V)^(1/α) · [cos(V − αV)/W]^((1−α)/α), V ~ U(−π/2, π/2), W ~ Exp(1).
fn symmetric_stable(alpha: f64, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let v = core::f64::consts::PI * (rng::uniform_open(rng) - 0.5);
            let w = -libm::log(rng::uniform_open(rng));
            libm::sin(alpha * v) / libm::pow(libm::cos(v), 1.0 / alpha)
                * libm::pow(libm::cos(v - alpha * v) / w, (1.0 - alpha) / alpha)
        })
        .collect()
}

/// A symmetric law with exact Pareto(α) tails and a density around 0: with probability ½
/// uniform on (−1, 1), otherwise ±Pareto(α) on |x| ≥ 1, so P(|X| > x) = ½x^(−α) for x ≥ 1.
/// (±Pareto alone leaves a gap around 0, and a resample's median then jumps to about ±1,
/// shifting one tail.)
fn signed_pareto(alpha: f64, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let sign = if rng::uniform(rng) < 0.5 { -1.0 } else { 1.0 };
            let magnitude = if rng::uniform(rng) < 0.5 {
                rng::uniform(rng)
            } else {
                libm::pow(rng::uniform_open(rng), -1.0 / alpha)
            };
            sign * magnitude
        })
        .collect()
}
