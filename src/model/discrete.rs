//! Exact quantities of discrete mini-batch SGD that the diffusion model does not capture
//! (MATH.md §3.2, §4.1 "Exact variance threshold of discrete SGD", §5.4).
//!
//! **Second-moment map.** The error E_k = x_k − x̄ of SGD (x̄ the ridge minimiser) has
//! second-moment matrix M_k = E[E_k E_kᵀ] evolving as M ← T(M) + (a constant), with
//!
//!   T(M) = M − γ(H′M + MH′) + γ²[H′MH′ + c·(G(M) − HMH)],
//!   H = AᵀA/n, H′ = H + δI, G(M) = (1/n)Σ_i (a_iᵀMa_i) a_i a_iᵀ.
//!
//! The batch factor c is 1/B for batches drawn i.i.d. **with replacement** — the paper's
//! analysis, which is what MATH.md's (1/B) term is: the mean S of B i.i.d. copies of a_ia_iᵀ
//! has E[SMS] = HMH + (1/B)(G(M) − HMH). For B distinct indices (the authors' code, the
//! crate's default SGD) the finite-population correction gives c = (n − B)/(B(n − 1)).
//! The stationary variance is finite iff ρ(T) < 1.
//!
//! T = T₀ + P with T₀(M) = (I − γH′)M(I − γH′) and P(M) = γ²c(G(M) − HMH); both map
//! positive semidefinite matrices to PSD ones (G(M) − HMH = (1/n)Σ(a_ia_iᵀ − H)M(a_ia_iᵀ − H)),
//! and T is self-adjoint for ⟨X, Y⟩ = tr(XY), so ρ(T) is its largest eigenvalue, found by
//! Lanczos (restarted, full reorthogonalisation) started from I. Each application costs
//! O(n r²) in the coordinates of the range of A (r = rank), where H = diag(h_i).
//!
//! **Threshold.** For γ < 2/(h_1 + δ), ρ(T₀) < 1, and for positive maps (regular splitting)
//! ρ(T) < 1 ⇔ ρ(R) < 1 with R = (I − T₀)⁻¹P. In the eigenbasis (I − T₀) multiplies entry
//! (j, k) by 1 − (1 − γh′_j)(1 − γh′_k), so R is cheap, self-adjoint in the weighted inner
//! product ⟨X, (I − T₀)Y⟩, and has a large spectral gap (≈ d in isotropic cases), unlike T
//! near its threshold. The threshold γ_SGD solves ρ(R(γ)) = 1 (regula falsi, Illinois).
//!
//! The null space of A: with δ = 0 its error component is frozen (no noise, no decay), so ρ
//! and the threshold are those of T on the range of A; with δ > 0 it contracts by (1 − γδ)
//! per step and [`SecondMomentMap::spectral_radius`] includes (1 − γδ)².
//!
//! **Kesten index** (§5.4): the 1-d streaming recursion x ← (1 − γ(a_B + δ))x + noise with
//! a_B = χ²_B/B (the mean of B squared standard normals) has a power tail of index κ solving
//! E|1 − γ(a_B + δ)|^κ = 1 ([`kesten_index`]).

use nalgebra::{DMatrix, SymmetricEigen};
use statrs::function::gamma::ln_gamma;

use crate::error::{Error, Result};
use crate::model::pearson::integrate;
use crate::model::problem::Problem;
use crate::model::spectrum::Spectrum;

/// Largest n·r² accepted for one application of T (about 2·10⁸ multiply-adds; one
/// threshold takes a few hundred applications).
pub const MAX_WORK_PER_APPLICATION: f64 = 1e8;

/// The second-moment map T of mini-batch SGD on a problem, in the coordinates of the range
/// of A (H = diag(h_1..h_r)).
#[derive(Clone, Debug, PartialEq)]
pub struct SecondMomentMap {
    /// Rows n.
    pub n: usize,
    /// Columns d.
    pub d: usize,
    /// Batch size B.
    pub batch: usize,
    /// Ridge coefficient δ (project units).
    pub delta: f64,
    /// Batches drawn with replacement (c = 1/B) or not (c = (n − B)/(B(n − 1))).
    pub replacement: bool,
    /// h_i = λ_i²/n, i = 1..r.
    h: Vec<f64>,
    /// Rows of A in range coordinates, Ã = AQ (n × r).
    rows: DMatrix<f64>,
}

/// The top eigenpair of an operator self-adjoint in ⟨X, Y⟩_W = Σ W_jk X_jk Y_jk, by
/// restarted Lanczos with full reorthogonalisation, started from `start`.
fn top_eigenpair(
    op: &dyn Fn(&DMatrix<f64>) -> DMatrix<f64>,
    weight: &DMatrix<f64>,
    start: &DMatrix<f64>,
    tol: f64,
) -> (f64, DMatrix<f64>) {
    let inner = |x: &DMatrix<f64>, y: &DMatrix<f64>| -> f64 {
        weight
            .iter()
            .zip(x.iter().zip(y.iter()))
            .map(|(w, (a, b))| w * a * b)
            .sum()
    };
    let r = start.nrows();
    let dimension = r * (r + 1) / 2;
    let steps = dimension.clamp(1, 40);
    let mut q = start / inner(start, start).sqrt();
    let mut previous = f64::NAN;
    for _restart in 0..200 {
        let mut basis: Vec<DMatrix<f64>> = vec![q.clone()];
        let mut alphas = Vec::new();
        let mut betas: Vec<f64> = Vec::new();
        let mut last_beta = 0.0;
        for j in 0..steps {
            let mut w = op(&basis[j]);
            let alpha = inner(&basis[j], &w);
            alphas.push(alpha);
            for _ in 0..2 {
                for b in &basis {
                    let c = inner(b, &w);
                    w -= b * c;
                }
            }
            let beta = inner(&w, &w).sqrt();
            last_beta = beta;
            if j + 1 == steps || beta.is_nan() || beta <= 1e-13 * alpha.abs().max(1e-300) {
                break;
            }
            betas.push(beta);
            basis.push(w / beta);
        }
        let k = alphas.len();
        let tridiagonal = DMatrix::from_fn(k, k, |i, j| {
            if i == j {
                alphas[i]
            } else if i + 1 == j {
                betas[i]
            } else if j + 1 == i {
                betas[j]
            } else {
                0.0
            }
        });
        let eigen = SymmetricEigen::new(tridiagonal);
        let top = eigen.eigenvalues.imax();
        let theta = eigen.eigenvalues[top];
        let s = eigen.eigenvectors.column(top);
        let mut ritz = DMatrix::zeros(r, r);
        for (i, b) in basis.iter().take(k).enumerate() {
            ritz += b * s[i];
        }
        let norm = inner(&ritz, &ritz).sqrt();
        q = ritz / norm;
        let residual = last_beta * s[k - 1].abs();
        let converged = residual <= tol * theta.abs().max(1e-300)
            || k < steps
            || (theta - previous).abs() <= 0.1 * tol * theta.abs();
        if converged {
            return (theta, q);
        }
        previous = theta;
    }
    (previous, q)
}

impl SecondMomentMap {
    /// The map of `problem` (with its `spectrum`) for batch size B, ridge δ and the batch
    /// sampling scheme.
    ///
    /// # Errors
    /// B outside 1..=n (`batch`), δ not finite or < 0 (`delta`), n·r² above
    /// [`MAX_WORK_PER_APPLICATION`] (`data`), a spectrum of another matrix (`data`).
    pub fn new(
        problem: &Problem,
        spectrum: &Spectrum,
        batch: usize,
        delta: f64,
        replacement: bool,
    ) -> Result<SecondMomentMap> {
        let (n, d) = (problem.n(), problem.d());
        if (spectrum.n, spectrum.d) != (n, d) {
            return Err(Error::new("data", "the spectrum belongs to another matrix"));
        }
        if !(1..=n).contains(&batch) {
            return Err(Error::new(
                "batch",
                format!("the batch size B must be between 1 and n = {n}, not {batch}"),
            ));
        }
        if !(delta.is_finite() && delta >= 0.0) {
            return Err(Error::new(
                "delta",
                format!("the regularisation δ must be a finite number ≥ 0, not {delta}"),
            ));
        }
        let r = spectrum.rank();
        let work = n as f64 * (r * r) as f64;
        if work > MAX_WORK_PER_APPLICATION {
            return Err(Error::new(
                "data",
                format!(
                    "the discrete SGD threshold needs n·r² = {work:.3e} operations per step, above the budget of {MAX_WORK_PER_APPLICATION:.0e}; use a smaller problem"
                ),
            ));
        }
        let rows = &problem.a * spectrum.q();
        Ok(SecondMomentMap {
            n,
            d,
            batch,
            delta,
            replacement,
            h: spectrum.h(),
            rows,
        })
    }

    /// The batch factor c: 1/B with replacement, (n − B)/(B(n − 1)) without.
    pub fn noise_factor(&self) -> f64 {
        let (n, b) = (self.n as f64, self.batch as f64);
        if self.replacement {
            1.0 / b
        } else if self.n == 1 {
            0.0
        } else {
            (n - b) / (b * (n - 1.0))
        }
    }

    /// The rank r (size of the range coordinates).
    pub fn rank(&self) -> usize {
        self.h.len()
    }

    /// G(M) − HMH, M in range coordinates (r × r, symmetric).
    fn variance_part(&self, m: &DMatrix<f64>) -> DMatrix<f64> {
        let am = &self.rows * m;
        let mut weighted = self.rows.clone();
        for i in 0..self.n {
            let w = am.row(i).dot(&self.rows.row(i)) / self.n as f64;
            weighted.row_mut(i).scale_mut(w);
        }
        let mut g = self.rows.transpose() * weighted;
        let r = self.rank();
        for j in 0..r {
            for k in 0..r {
                g[(j, k)] -= self.h[j] * self.h[k] * m[(j, k)];
            }
        }
        g
    }

    /// T(M) for a symmetric r × r matrix M in range coordinates.
    pub fn apply(&self, gamma: f64, m: &DMatrix<f64>) -> DMatrix<f64> {
        let c = gamma * gamma * self.noise_factor();
        let mut out = self.variance_part(m) * c;
        let r = self.rank();
        for j in 0..r {
            for k in 0..r {
                let shrink = (1.0 - gamma * (self.h[j] + self.delta))
                    * (1.0 - gamma * (self.h[k] + self.delta));
                out[(j, k)] += shrink * m[(j, k)];
            }
        }
        out
    }

    fn check_gamma(gamma: f64) -> Result<()> {
        if gamma.is_finite() && gamma > 0.0 {
            Ok(())
        } else {
            Err(Error::new(
                "gamma",
                format!("the learning rate γ must be a finite number > 0, not {gamma}"),
            ))
        }
    }

    /// ρ(T) at learning rate γ (Lanczos from I to a relative residual of 10⁻¹⁰): on the range
    /// of A, and with δ > 0 and r < d also the null-space factor (1 − γδ)².
    ///
    /// # Errors
    /// γ not finite or ≤ 0.
    pub fn spectral_radius(&self, gamma: f64) -> Result<f64> {
        let mut rho = self.range_spectral_radius(gamma)?;
        if self.delta > 0.0 && self.rank() < self.d {
            rho = rho.max((1.0 - gamma * self.delta).powi(2));
        }
        Ok(rho)
    }

    /// ρ(T) on the range of A alone (Lanczos from I to a relative residual of 10⁻¹⁰):
    /// e^{Λ(2)} of SGD's moment growth there (MATH.md §4.3, "Exact anchors").
    ///
    /// # Errors
    /// γ not finite or ≤ 0.
    ///
    /// Near ρ(T) = 1 with slowly mixing directions, T's spectral gap is tiny (Lanczos on T
    /// took seconds on the digits); so ρ(T) is found through the splitting instead: for
    /// μ > ρ(T₀) = max_j (1 − γh′_j)², R_μ = (μ − T₀)⁻¹P is positive (its entrywise factor
    /// 1/(μ − a_ja_k) = Σ_m a_j^m a_k^m/μ^{m+1} is a sum of rank-one PSD matrices, Schur),
    /// ρ(R_μ) decreases in μ, and T(M) = μM ⇔ R_μM = M, so ρ(T) is the μ with ρ(R_μ) = 1
    /// (or ρ(T₀) when ρ(R_μ) < 1 for every μ > ρ(T₀)). R_μ has a large spectral gap.
    pub fn range_spectral_radius(&self, gamma: f64) -> Result<f64> {
        Self::check_gamma(gamma)?;
        let r = self.rank();
        let shrink: Vec<f64> = self
            .h
            .iter()
            .map(|h| 1.0 - gamma * (h + self.delta))
            .collect();
        let floor = shrink.iter().map(|a| a * a).fold(0.0, f64::max);
        if self.noise_factor() == 0.0 {
            return Ok(floor);
        }
        let mut start = DMatrix::identity(r, r);
        let mut log_radius = |mu: f64| -> f64 {
            let (rho, vector) = self.splitting_radius(gamma, mu, &start);
            start = vector;
            libm::log(rho)
        };
        // Bracket the root of ln ρ(R_μ) (decreasing in μ) above the floor, starting at μ = 1.
        let mut lo = 1.0f64.max(floor * (1.0 + 1e-12));
        let (mut hi, mut f_lo, mut f_hi);
        let f_one = log_radius(lo);
        if f_one > 0.0 {
            f_lo = f_one;
            let mut step = lo.max(1.0);
            loop {
                hi = lo + step;
                f_hi = log_radius(hi);
                if f_hi <= 0.0 {
                    break;
                }
                (lo, f_lo) = (hi, f_hi);
                step *= 2.0;
                if !hi.is_finite() {
                    return Ok(f64::INFINITY);
                }
            }
        } else {
            (hi, f_hi) = (lo, f_one);
            loop {
                // Halve the gap to the floor: μ − ρ(T₀) is what sets the scale.
                lo = floor + 0.5 * (hi - floor);
                if lo - floor <= 1e-15 * hi {
                    return Ok(floor);
                }
                f_lo = log_radius(lo);
                if f_lo >= 0.0 {
                    break;
                }
                (hi, f_hi) = (lo, f_lo);
            }
        }
        // ln ρ(R_μ) decreases: f_lo ≥ 0 ≥ f_hi.
        Ok(illinois(log_radius, (lo, f_lo), (hi, f_hi), 1e-14, 1e-14))
    }

    /// ρ(R_μ(γ)) with R_μ = (μ − T₀)⁻¹P, for μ > ρ(T₀) (μ = 1 at the stability threshold);
    /// warm-started from `start`.
    fn splitting_radius(&self, gamma: f64, mu: f64, start: &DMatrix<f64>) -> (f64, DMatrix<f64>) {
        let r = self.rank();
        let c = gamma * gamma * self.noise_factor();
        let weight = DMatrix::from_fn(r, r, |j, k| {
            mu - (1.0 - gamma * (self.h[j] + self.delta)) * (1.0 - gamma * (self.h[k] + self.delta))
        });
        let op = |m: &DMatrix<f64>| -> DMatrix<f64> {
            let mut p = self.variance_part(m) * c;
            p.component_div_assign(&weight);
            p
        };
        top_eigenpair(&op, &weight, start, 1e-11)
    }

    /// The largest γ with a finite stationary second moment: the root of ρ(T(γ)) = 1, to a
    /// relative accuracy of about 10⁻⁹. Without gradient noise (c = 0: full batches drawn
    /// without replacement) it is gradient descent's 2/(h_1 + δ).
    ///
    /// # Errors
    /// None for a valid map; kept for symmetry with the other calculations.
    pub fn threshold(&self) -> Result<f64> {
        let r = self.rank();
        let gamma_max = 2.0 / (self.h[0] + self.delta);
        if self.noise_factor() == 0.0 {
            return Ok(gamma_max);
        }
        let mut start = DMatrix::identity(r, r);
        let mut log_radius = |gamma: f64| -> f64 {
            let (rho, vector) = self.splitting_radius(gamma, 1.0, &start);
            start = vector;
            if rho > 0.0 {
                libm::log(rho)
            } else {
                f64::NEG_INFINITY
            }
        };
        // hSGD's γ_2 = 2B/Σh²/(h + δ) is close (MATH.md §4.1): a good first guess.
        let weighted: f64 = self.h.iter().map(|h| h * h / (h + self.delta)).sum();
        let guess = (2.0 * self.batch as f64 / weighted).min(0.9 * gamma_max);
        let f_guess = log_radius(guess);
        let (mut lo, mut f_lo, mut hi, mut f_hi);
        if f_guess > 0.0 {
            (hi, f_hi) = (guess, f_guess);
            lo = guess;
            loop {
                lo *= 0.5;
                f_lo = log_radius(lo);
                if f_lo < 0.0 {
                    break;
                }
                if lo < 1e-300 {
                    return Ok(lo);
                }
            }
        } else {
            (lo, f_lo) = (guess, f_guess);
            hi = guess;
            loop {
                hi = 0.5 * (hi + gamma_max);
                if gamma_max - hi <= 1e-12 * gamma_max {
                    return Ok(gamma_max);
                }
                f_hi = log_radius(hi);
                if f_hi > 0.0 {
                    break;
                }
            }
        }
        Ok(illinois(log_radius, (lo, f_lo), (hi, f_hi), 1e-10, 1e-12))
    }
}

/// The root of a monotone `f` between `a` and `b` whose values `f_a`, `f_b` have opposite
/// signs (either orientation), by Illinois regula falsi: secant steps, halving the value
/// kept on the side that did not move twice running; bisection where the secant is
/// undefined (an infinite end value). Stops when the bracket is within `rel_tol` of its
/// end or |f| < `f_tol`.
fn illinois(
    mut f: impl FnMut(f64) -> f64,
    (mut a, mut f_a): (f64, f64),
    (mut b, mut f_b): (f64, f64),
    rel_tol: f64,
    f_tol: f64,
) -> f64 {
    let mut side = 0;
    for _ in 0..200 {
        if (b - a).abs() <= rel_tol * a.abs().max(b.abs()) {
            break;
        }
        let secant = (a * f_b - b * f_a) / (f_b - f_a);
        let (lo, hi) = (a.min(b), a.max(b));
        let x = if f_a.is_finite() && f_b.is_finite() && secant > lo && secant < hi {
            secant
        } else {
            0.5 * (a + b)
        };
        let fx = f(x);
        if fx == 0.0 || fx.abs() < f_tol {
            return x;
        }
        if (fx < 0.0) == (f_a < 0.0) {
            (a, f_a) = (x, fx);
            if side == -1 {
                f_b *= 0.5;
            }
            side = -1;
        } else {
            (b, f_b) = (x, fx);
            if side == 1 {
                f_a *= 0.5;
            }
            side = 1;
        }
    }
    0.5 * (a + b)
}

/// The Kesten tail index κ of the 1-d SGD recursion x ← (1 − γ(a_B + δ))x + noise, a_B =
/// χ²_B/B: the positive root of E|1 − γ(a_B + δ)|^κ = 1 (MATH.md §5.4).
///
/// The expectation is an integral against the χ²_B/B density after s = u² (which removes
/// the s^{−1/2} singularity at 0 for B = 1), split at the kink u = √(1/γ − δ) and into
/// 128 panels (so the χ² peak, of width ~1/√B, is never missed), each by adaptive
/// Gauss–Kronrod; ln m(κ) is convex with ln m(0) = 0, so the root is bracketed by doubling
/// and refined by bisection to 10⁻¹⁰.
///
/// # Errors
/// γ not finite and > 0, B = 0, δ not finite or < 0; E ln|1 − γ(a_B + δ)| ≥ 0 (no
/// stationary law: γ too large); κ above 10⁴.
pub fn kesten_index(gamma: f64, batch: usize, delta: f64) -> Result<f64> {
    SecondMomentMap::check_gamma(gamma)?;
    if batch == 0 {
        return Err(Error::new("batch", "the batch size B must be at least 1"));
    }
    if !(delta.is_finite() && delta >= 0.0) {
        return Err(Error::new(
            "delta",
            format!("the regularisation δ must be a finite number ≥ 0, not {delta}"),
        ));
    }
    let b = batch as f64;
    // ln of the density of u = √s, s ~ χ²_B/B: 2u·f_s(u²).
    let log_norm = libm::log(2.0) + 0.5 * b * libm::log(0.5 * b) - ln_gamma(0.5 * b);
    let log_density = move |u: f64| -> f64 {
        let power = if batch == 1 {
            0.0
        } else {
            (b - 1.0) * libm::log(u)
        };
        log_norm + power - 0.5 * b * u * u
    };
    let kink = 1.0 / gamma - delta;
    let log_moment = |kappa: f64| -> f64 {
        let s_peak = ((2.0 * kappa + b) / b).max(1.0);
        let s_sd = (2.0 * (2.0 * kappa + b)).sqrt() / b;
        let top = (s_peak + 40.0 * s_sd + kink.max(0.0) + 1.0).sqrt() + 6.0 / b.sqrt();
        let integrand = |u: f64| -> f64 {
            let m = (1.0 - gamma * (u * u + delta)).abs();
            libm::exp(kappa * libm::log(m) + log_density(u))
        };
        let mut edges: Vec<f64> = (0..=128).map(|k| top * k as f64 / 128.0).collect();
        if kink > 0.0 {
            edges.push(kink.sqrt());
            edges.sort_by(f64::total_cmp);
        }
        let total: f64 = edges
            .windows(2)
            .map(|w| integrate(integrand, w[0], w[1], 1e-12))
            .sum();
        libm::log(total)
    };
    let small = 1e-4;
    if log_moment(small) >= 0.0 {
        return Err(Error::new(
            "gamma",
            format!(
                "E ln|1 − γ(a_B + δ)| ≥ 0 at γ = {gamma}: the SGD recursion has no stationary law (γ too large)"
            ),
        ));
    }
    let (mut lo, mut hi) = (small, 1.0);
    while log_moment(hi) <= 0.0 {
        lo = hi;
        hi *= 2.0;
        if hi > 1e4 {
            return Err(Error::new(
                "gamma",
                format!("the Kesten tail index at γ = {gamma} is above 10⁴ (γ is tiny)"),
            ));
        }
    }
    while hi - lo > 1e-10 * hi {
        let mid = 0.5 * (lo + hi);
        if log_moment(mid) <= 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::bounds::BoundsModel;
    use crate::rng;
    use nalgebra::DVector;

    /// Reference numbers from tests/fixtures/theory/reference.py (explicit r²×r² matrices of
    /// T, numpy eigenvalues, scipy brentq; scipy quad for the Kesten moments).
    fn fixture() -> serde_json::Value {
        serde_json::from_str(include_str!("../../tests/fixtures/theory/reference.json")).unwrap()
    }

    fn problem_of(a: DMatrix<f64>) -> Problem {
        let n = a.nrows();
        Problem {
            a,
            b: DVector::from_fn(n, |i, _| (i % 3) as f64),
            name: "test".into(),
        }
    }

    fn map_of(a: DMatrix<f64>, batch: usize, delta: f64, replacement: bool) -> SecondMomentMap {
        let p = problem_of(a);
        let s = Spectrum::new(&p).unwrap();
        SecondMomentMap::new(&p, &s, batch, delta, replacement).unwrap()
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    #[test]
    fn agrees_with_the_explicit_matrix_of_t() {
        let f = fixture();
        let data = &f["discrete"];
        let matrix = |name: &str| -> DMatrix<f64> {
            let rows: Vec<Vec<f64>> = serde_json::from_value(data[name].clone()).unwrap();
            DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j])
        };
        for case in data["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let batch = case["batch"].as_u64().unwrap() as usize;
            let delta = case["delta"].as_f64().unwrap();
            let replacement = case["replacement"].as_bool().unwrap();
            let gamma = case["gamma"].as_f64().unwrap();
            let t = map_of(matrix(name), batch, delta, replacement);
            let rho = t.spectral_radius(gamma).unwrap();
            let expected = case["rho"].as_f64().unwrap();
            assert!(
                rel(rho, expected) < 1e-9,
                "{name} B={batch} δ={delta}: ρ {rho} vs {expected}"
            );
            let threshold = t.threshold().unwrap();
            let expected = case["threshold"].as_f64().unwrap();
            assert!(
                rel(threshold, expected) < 1e-8,
                "{name} B={batch} δ={delta} repl={replacement}: {threshold} vs {expected}"
            );
            // ρ(T) = 1 at the threshold (the two root searches, over γ and over μ, agree).
            let at = t.spectral_radius(threshold).unwrap();
            if delta == 0.0 || name == "small" {
                assert!((at - 1.0).abs() < 1e-7, "ρ(T) at the threshold: {at}");
            }
        }
    }

    /// T as an explicit r² × r² matrix (columns T(E_jk)), symmetric since each term of T
    /// is X ↦ AXA with A symmetric: its top eigenvalue by dense symmetric eigensolver is an
    /// answer independent of Lanczos and of the μ-splitting.
    fn explicit_radius(map: &SecondMomentMap, gamma: f64) -> f64 {
        let r = map.rank();
        let mut t = DMatrix::zeros(r * r, r * r);
        for j in 0..r {
            for k in 0..r {
                let mut e = DMatrix::zeros(r, r);
                e[(j, k)] = 1.0;
                let image = map.apply(gamma, &e);
                for (row, v) in image.iter().enumerate() {
                    t[(row, j + k * r)] = *v;
                }
            }
        }
        let t = (&t + t.transpose()) * 0.5;
        SymmetricEigen::new(t).eigenvalues.max()
    }

    /// Ill-conditioned data (λ_1/λ_r = 300, so T's spectral gap near ρ = 1 is tiny): the
    /// μ-splitting's ρ(T) equals the dense eigenvalue, below, at and above the threshold.
    #[test]
    fn radius_of_ill_conditioned_data_matches_the_dense_eigenvalue() {
        let problem = Problem::with_spectrum(
            80,
            6,
            2,
            crate::report::config::SpectrumShape::Condition,
            300.0,
        )
        .unwrap();
        let spectrum = Spectrum::new(&problem).unwrap();
        for (batch, delta, replacement) in [(1, 0.0, false), (3, 1e-4, true)] {
            let map = SecondMomentMap::new(&problem, &spectrum, batch, delta, replacement).unwrap();
            let threshold = map.threshold().unwrap();
            for factor in [0.3, 0.9, 1.0, 1.05] {
                let gamma = factor * threshold;
                let got = map.range_spectral_radius(gamma).unwrap();
                let dense = explicit_radius(&map, gamma);
                assert!(
                    (got - dense).abs() < 1e-11 * dense.max(1.0),
                    "B={batch} δ={delta} γ={gamma}: {got} vs dense {dense}"
                );
            }
        }
    }

    /// All 2^d sign vectors as rows: H = I and G(M) = tr(M)I + 2M − 2diag(M), so
    /// T(I) = [(1 − γ)² + γ²c(d − 1)]I is the top eigenvector and the threshold is
    /// 2/(1 + c(d − 1)) (off-diagonal M: (1 − γ)² + γ²c; zero-trace diagonal: (1 − γ)² − γ²c).
    fn sign_cube(d: usize) -> DMatrix<f64> {
        DMatrix::from_fn(1 << d, d, |i, j| if (i >> j) & 1 == 1 { 1.0 } else { -1.0 })
    }

    #[test]
    fn rademacher_cube_has_a_closed_form() {
        let d = 6;
        let n = 64.0;
        for (batch, replacement) in [(1, true), (2, true), (2, false), (5, false)] {
            let t = map_of(sign_cube(d), batch, 0.0, replacement);
            let c = if replacement {
                1.0 / batch as f64
            } else {
                (n - batch as f64) / (batch as f64 * (n - 1.0))
            };
            assert!((t.noise_factor() - c).abs() < 1e-15);
            let expected = 2.0 / (1.0 + c * (d as f64 - 1.0));
            let got = t.threshold().unwrap();
            assert!(rel(got, expected) < 1e-9, "B={batch}: {got} vs {expected}");
            let gamma = 0.2;
            let rho = (1.0 - gamma) * (1.0 - gamma) + gamma * gamma * c * (d as f64 - 1.0);
            assert!(rel(t.spectral_radius(gamma).unwrap(), rho) < 1e-10);
        }
        // hSGD's γ_2 = 2B/tr H = 2B/d equals the discrete threshold for B = 1 here (no
        // excess kurtosis), and exceeds it for B = 2 (4/6 against 4/7).
        let t = map_of(sign_cube(d), 1, 0.0, true);
        let p = problem_of(sign_cube(d));
        let s = Spectrum::new(&p).unwrap();
        let gamma_2 = BoundsModel::from_spectrum(&s, 0.1, 1, 0.0)
            .unwrap()
            .gamma_2();
        assert!(rel(t.threshold().unwrap(), gamma_2) < 1e-9);
    }

    #[test]
    fn one_column_has_a_closed_form() {
        // d = 1: T(m) = m[(1 − γh′)² + γ²c(m₄ − h²)], h = mean a², m₄ = mean a⁴, so the
        // threshold is 2h′/(h′² + c(m₄ − h²)).
        let a = DMatrix::from_column_slice(5, 1, &[0.5, -1.0, 2.0, 0.1, 1.5]);
        let h = a.iter().map(|x| x * x).sum::<f64>() / 5.0;
        let m4 = a.iter().map(|x| x.powi(4)).sum::<f64>() / 5.0;
        for (batch, delta, replacement) in [(1, 0.0, true), (2, 0.3, false), (3, 0.1, true)] {
            let t = map_of(a.clone(), batch, delta, replacement);
            let c = t.noise_factor();
            let hp = h + delta;
            let expected = 2.0 * hp / (hp * hp + c * (m4 - h * h));
            assert!(rel(t.threshold().unwrap(), expected) < 1e-9);
        }
        // Full batch without replacement: no noise, gradient descent's 2/h′.
        let t = map_of(a.clone(), 5, 0.1, false);
        assert_eq!(t.noise_factor(), 0.0);
        assert!(rel(t.threshold().unwrap(), 2.0 / (h + 0.1)) < 1e-14);
    }

    fn gaussian(n: usize, d: usize, seed: u64) -> DMatrix<f64> {
        let mut stream = rng::stream(seed, 0);
        let mut entries = vec![0.0; n * d];
        rng::fill_standard_normal(&mut stream, &mut entries);
        DMatrix::from_row_slice(n, d, &entries)
    }

    #[test]
    fn isotropic_gaussian_threshold_is_near_hsgd_gamma_2() {
        // For a ~ N(0, I_d) in the population limit, G(M) = tr(M)I + 2M, so T(I) =
        // (1 − 2γ + (d + 2)γ²)I and the threshold is 2/(d + 2), against hSGD's
        // γ_2 = 2/tr H ≈ 2/d: ratio d/(d + 2) (MATH.md §4.1's 0.00989 vs 0.01000 at d = 200).
        // numpy, 200×20 (reference.json): 0.08864 vs γ_2 = 0.09767, ratio 0.9075 vs 20/22.
        let f = fixture();
        let numpy = &f["isotropic_200x20"];
        let numpy_ratio = numpy["threshold"].as_f64().unwrap() / numpy["gamma_2"].as_f64().unwrap();
        assert!((numpy_ratio - 20.0 / 22.0).abs() < 0.01);
        let (n, d) = (400, 20);
        let p = problem_of(gaussian(n, d, 3));
        let s = Spectrum::new(&p).unwrap();
        let t = SecondMomentMap::new(&p, &s, 1, 0.0, true).unwrap();
        let gamma_2 = BoundsModel::from_spectrum(&s, 0.01, 1, 0.0)
            .unwrap()
            .gamma_2();
        // Finite-n spread: numpy 400×20 seeds 0..5 gave ratios 0.898–0.920 (sd ≈ 0.009),
        // hence a window of ±0.025 around 20/22 = 0.909.
        let ratio = t.threshold().unwrap() / gamma_2;
        assert!((ratio - 20.0 / 22.0).abs() < 0.025, "ratio {ratio}");
    }

    /// MATH.md §4.1's table: N(0,1) 2000×200 → 0.00989 against γ_2 = 0.01000. About 12 s
    /// in the release profile; run with
    /// `cargo test --release --lib discrete::tests::isotropic_2000x200 -- --ignored`.
    #[test]
    #[ignore]
    fn isotropic_2000x200() {
        let p = problem_of(gaussian(2000, 200, 1));
        let s = Spectrum::new(&p).unwrap();
        let t = SecondMomentMap::new(&p, &s, 1, 0.0, true).unwrap();
        let threshold = t.threshold().unwrap();
        let gamma_2 = BoundsModel::from_spectrum(&s, 0.01, 1, 0.0)
            .unwrap()
            .gamma_2();
        eprintln!("discrete threshold {threshold}, hSGD γ_2 {gamma_2}");
        assert!((threshold - 0.00989).abs() < 0.0001, "{threshold}");
        assert!((gamma_2 - 0.01).abs() < 0.0001, "{gamma_2}");
        assert!((threshold / gamma_2 - 200.0 / 202.0).abs() < 0.002);
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let p = problem_of(gaussian(10, 3, 1));
        let s = Spectrum::new(&p).unwrap();
        assert_eq!(
            SecondMomentMap::new(&p, &s, 0, 0.0, true)
                .unwrap_err()
                .field,
            "batch"
        );
        assert_eq!(
            SecondMomentMap::new(&p, &s, 11, 0.0, true)
                .unwrap_err()
                .field,
            "batch"
        );
        assert_eq!(
            SecondMomentMap::new(&p, &s, 1, -1.0, true)
                .unwrap_err()
                .field,
            "delta"
        );
        let t = SecondMomentMap::new(&p, &s, 1, 0.0, true).unwrap();
        assert_eq!(t.spectral_radius(0.0).unwrap_err().field, "gamma");
        assert_eq!(t.spectral_radius(f64::NAN).unwrap_err().field, "gamma");
        let big = Problem::synthetic(3000, 200, 1).unwrap();
        let big_s = Spectrum::new(&big).unwrap();
        assert_eq!(
            SecondMomentMap::new(&big, &big_s, 1, 0.0, true)
                .unwrap_err()
                .field,
            "data"
        );
        assert_eq!(kesten_index(0.0, 1, 0.0).unwrap_err().field, "gamma");
        assert_eq!(kesten_index(0.5, 0, 0.0).unwrap_err().field, "batch");
        assert_eq!(kesten_index(0.5, 1, f64::NAN).unwrap_err().field, "delta");
        // γ = 3: E ln|1 − 3a²| > 0, no stationary law.
        assert_eq!(kesten_index(3.0, 1, 0.0).unwrap_err().field, "gamma");
    }

    #[test]
    fn kesten_table_of_section_5_4() {
        // MATH.md §5.4: 8.30, 2.90, 1.55 for γ = 0.2, 0.5, 0.8 (B = 1, δ = 0). For γ = 1.0
        // the table prints 1.11, but scipy (two independent quadratures, reference.py) and a
        // 10⁷-sample Monte Carlo (E|1 − a²|^1.0908 = 0.9996, ^1.11 = 1.0073) give 1.0908.
        for (gamma, printed) in [(0.2, "8.30"), (0.5, "2.90"), (0.8, "1.55"), (1.0, "1.09")] {
            let kappa = kesten_index(gamma, 1, 0.0).unwrap();
            assert_eq!(format!("{kappa:.2}"), printed, "γ = {gamma}");
        }
        for case in fixture()["kesten"].as_array().unwrap() {
            let gamma = case["gamma"].as_f64().unwrap();
            let batch = case["batch"].as_u64().unwrap() as usize;
            let delta = case["delta"].as_f64().unwrap();
            let kappa = kesten_index(gamma, batch, delta).unwrap();
            let expected = case["kappa"].as_f64().unwrap();
            assert!(
                rel(kappa, expected) < 1e-7,
                "γ={gamma} B={batch} δ={delta}: {kappa} vs {expected}"
            );
        }
    }

    #[test]
    fn kesten_closed_forms() {
        // κ = 2 ⇔ E(1 − γ(s + δ))² = 1 with E s = 1, E s² = 1 + 2/B:
        // γ = 2(1 + δ)/((1 + δ)² + 2/B).
        for (batch, delta) in [(1, 0.0), (3, 0.2), (10, 1.5)] {
            let d1 = 1.0 + delta;
            let gamma = 2.0 * d1 / (d1 * d1 + 2.0 / batch as f64);
            let kappa = kesten_index(gamma, batch, delta).unwrap();
            assert!((kappa - 2.0).abs() < 1e-8, "B={batch}: {kappa}");
        }
        // κ = 1 for B = 2 (s ~ Exp(1)): E|1 − γs| = 1 − γ + 2γe^{−1/γ} = 1 ⇔ γ = 1/ln 2.
        let kappa = kesten_index(1.0 / libm::log(2.0), 2, 0.0).unwrap();
        assert!((kappa - 1.0).abs() < 1e-8, "{kappa}");
        // Monotone: heavier tails with larger γ, lighter with larger B (GSZ21 Thm 4).
        let k = |g, b| kesten_index(g, b, 0.0).unwrap();
        assert!(k(0.3, 1) > k(0.4, 1) && k(0.3, 4) > k(0.3, 1));
    }
}
