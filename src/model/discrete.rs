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

use crate::error::{short, Error, Result};
use crate::model::problem::Problem;
use crate::model::spectrum::Spectrum;
use crate::model::step::{check_batch, check_delta, check_gamma};
use crate::stats::quadrature::integrate;

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
        check_batch(batch, n)?;
        check_delta(delta)?;
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
        check_gamma(gamma)?;
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
    check_gamma(gamma)?;
    if batch == 0 {
        return Err(Error::new("batch", "the batch size B must be at least 1"));
    }
    check_delta(delta)?;
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
            edges.sort_unstable_by(f64::total_cmp);
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
                "E ln|1 − γ(a_B + δ)| ≥ 0 at γ = {}: the SGD recursion has no stationary law (γ too large)",
                short(gamma)
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
                format!(
                    "the Kesten tail index at γ = {} is above 10⁴ (γ is tiny)",
                    short(gamma)
                ),
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
mod tests;
