//! The Bergström / Zolotarev tail series of the standard S1 law (the parent module's
//! "Density and distribution function"; MATH.md §4.2), used far out where it has
//! converged: faster than Nolan's integrals, and exact as x₁ → ∞.

use std::f64::consts::{FRAC_PI_2, PI};

/// The tail series of the standard S1 law at x₁ > 0 (density, or 1 − F when `cdf`), if it
/// has converged to 10⁻¹⁶ relative without cancellation.
pub(super) fn tail_series(alpha: f64, beta: f64, x1: f64, cdf: bool) -> Option<f64> {
    if !TailSeries::may_apply(alpha, x1) {
        return None;
    }
    TailSeries::new(alpha, beta, cdf).eval(x1)
}

/// Terms kept in the tail series.
const SERIES_TERMS: usize = 80;

/// The tail series of the standard S1 law with its x-independent parts precomputed:
/// term k = sign_k · exp(ln_mag_k − (kα + 1 or kα) ln x₁).
#[derive(Clone, Debug)]
pub(super) struct TailSeries {
    alpha: f64,
    cdf: bool,
    /// ln(|A|^k Γ(kα+1)/(k! π)) (density) or ln(|A|^k Γ(kα)/(k! π)) (tail probability).
    ln_mag: Vec<f64>,
    /// (−1)^{k+1} sin(kα(π/2 + θ₀)).
    sign_sin: Vec<f64>,
}

impl TailSeries {
    pub(super) fn new(alpha: f64, beta: f64, cdf: bool) -> TailSeries {
        let tau = libm::tan(FRAC_PI_2 * alpha);
        let ln_a = 0.5 * libm::log1p(beta * beta * tau * tau);
        let theta0 = libm::atan(beta * tau) / alpha;
        let angle = alpha * (FRAC_PI_2 + theta0);
        let mut ln_mag = Vec::with_capacity(SERIES_TERMS);
        let mut sign_sin = Vec::with_capacity(SERIES_TERMS);
        for k in 1..=SERIES_TERMS {
            let kf = k as f64;
            let gamma = if cdf {
                libm::lgamma(kf * alpha)
            } else {
                libm::lgamma(kf * alpha + 1.0)
            };
            ln_mag.push(kf * ln_a + gamma - libm::lgamma(kf + 1.0) - libm::log(PI));
            let sign = if k % 2 == 1 { 1.0 } else { -1.0 };
            sign_sin.push(sign * libm::sin(kf * angle));
        }
        TailSeries {
            alpha,
            cdf,
            ln_mag,
            sign_sin,
        }
    }

    /// False where the series certainly cannot be used. For α > 1 the series is
    /// asymptotic and misses terms exponentially small in
    /// E = (α−1)(x₁/α)^{α/(α−1)} |cos(πα/2)|^{−1/(α−1)} (the light-tail rate; x²/4 at
    /// α = 2): use it only where e^{−E} is far below 10⁻¹⁶ f.
    fn may_apply(alpha: f64, x1: f64) -> bool {
        if x1.is_nan() || x1 <= 0.0 || x1.is_infinite() {
            return false;
        }
        if alpha > 1.0 {
            let e = (alpha - 1.0)
                * libm::pow(x1 / alpha, alpha / (alpha - 1.0))
                * libm::pow(libm::cos(FRAC_PI_2 * alpha).abs(), -1.0 / (alpha - 1.0));
            if e.is_nan() || e <= 40.0 + (1.0 + alpha) * libm::log(x1).max(0.0) {
                return false;
            }
        }
        true
    }

    /// The sum at x₁ if it converged to 10⁻¹⁷ relative without cancellation (largest term
    /// < 100 × sum) and, for α > 1, before its terms started to grow.
    pub(super) fn eval(&self, x1: f64) -> Option<f64> {
        if !TailSeries::may_apply(self.alpha, x1) {
            return None;
        }
        let lx = libm::log(x1);
        let mut sum = 0.0;
        let mut largest: f64 = 0.0;
        let mut previous = f64::INFINITY;
        for k in 0..SERIES_TERMS {
            let kf = (k + 1) as f64;
            let power = if self.cdf {
                kf * self.alpha
            } else {
                kf * self.alpha + 1.0
            };
            let mag = libm::exp(self.ln_mag[k] - power * lx);
            if self.alpha > 1.0 && k > 1 && mag > previous {
                return None; // asymptotic series diverging before it converged
            }
            previous = mag;
            sum += mag * self.sign_sin[k];
            largest = largest.max(mag);
            if k >= 1 && mag <= 1e-17 * sum.abs() {
                return if sum > 0.0 && largest < 1e2 * sum {
                    Some(sum)
                } else {
                    None
                };
            }
        }
        None
    }
}
