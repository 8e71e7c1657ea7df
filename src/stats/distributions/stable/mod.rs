//! α-stable laws (MATH.md §4.2, "α-stable laws"), in Nolan's S1 parameterisation.
//!
//! This module holds the law [`Stable`] and its sampler; the standardised S0 law
//! ([`StandardStable`], `standard.rs`) evaluates it from Nolan's integrals (`nolan.rs`) or
//! the tail series (`series.rs`), and [`StableTable`] (`table.rs`) tabulates it for
//! likelihoods. The sections below are the method of all four.
//!
//! # Parameterisation
//!
//! `Stable::new(alpha, beta, scale, loc)` is the law S(α, β, σ, μ; 1) of Nolan (2020), the
//! default of scipy's `levy_stable`: its characteristic function is
//!
//! ```text
//! E e^{itX} = exp( iμt − σ^α|t|^α (1 − iβ sign(t) tan(πα/2)) )                 α ≠ 1,
//! E e^{itX} = exp( iμt − σ|t| (1 + iβ (2/π) sign(t) ln|t|) )                    α = 1,
//! ```
//!
//! with α ∈ (0, 2], β ∈ [−1, 1], σ > 0. At α = 2 the law is N(μ, 2σ²) whatever β; at
//! α = 1, β = 0 it is Cauchy(μ, σ). S1 is discontinuous at α = 1 when β ≠ 0 (its
//! location carries the term β tan(πα/2)); all numerics are therefore done in Nolan's
//! continuous S0 parameterisation of the *standardised* law Z₀ ~ S(α, β; 0), related by
//!
//! ```text
//! X = σ (Z₀ + β tan(πα/2)) + μ               α ≠ 1,
//! X = σ Z₀ + μ + (2/π) β σ ln σ               α = 1,
//! ```
//!
//! i.e. Z₀ = Z₁ + ζ with ζ = −β tan(πα/2), Z₁ the standard S1 variable.
//!
//! # Density and distribution function
//!
//! Nolan (1997), "Numerical calculation of stable densities and distribution functions",
//! Theorem 1: for α ≠ 1 and x > ζ, with θ₀ = arctan(β tan(πα/2))/α and
//!
//! ```text
//! V(θ) = cos(αθ₀)^{1/(α−1)} (cos θ / sin α(θ₀+θ))^{α/(α−1)} cos(αθ₀ + (α−1)θ) / cos θ,
//! g(θ) = (x − ζ)^{α/(α−1)} V(θ),
//! f(x) = α / (π |α−1| (x − ζ)) ∫_{−θ₀}^{π/2} g e^{−g} dθ,
//! 1 − F(x) = (1/π) ∫ e^{−g} dθ              (α > 1),
//! F(x) = (π/2 − θ₀)/π + (1/π) ∫ e^{−g} dθ   (α < 1),
//! ```
//!
//! and for α = 1, β > 0, with V(θ) = (2/π)((π/2 + βθ)/cos θ) exp((π/2 + βθ) tan θ / β) and
//! g = e^{−πx/(2β)} V on θ ∈ (−π/2, π/2): f(x) = (1/2β) ∫ g e^{−g} dθ,
//! F(x) = (1/π) ∫ e^{−g} dθ. The other half-line follows from f(x; α, β) = f(−x; α, −β).
//!
//! g is monotone in θ; the integrand peaks where g = 1. We locate that point with a
//! regula-falsi (Illinois) search, then integrate in t = ln d, where d is the distance of θ
//! from the nearer end of the interval (so peaks 10⁻¹⁰⁰ away from an end are resolved and
//! nothing cancels), with adaptive Gauss–Kronrod (7/15) quadrature
//! ([`crate::stats::quadrature::integrate`], breakpoints around the peak). ln g is
//! evaluated in logarithms throughout, so densities far below 10⁻³⁰⁸ still have an
//! accurate `ln_pdf`.
//!
//! Far out, where the Bergström / Zolotarev series of the standard S1 variable x₁ → +∞
//!
//! ```text
//! f(x₁) = (1/π) Σ_{k≥1} (−1)^{k+1} |A|^k Γ(kα+1)/k! sin(kα(π/2 + θ₀)) x₁^{−kα−1},
//! 1 − F(x₁) = (1/π) Σ_{k≥1} (−1)^{k+1} |A|^k Γ(kα)/k! sin(kα(π/2 + θ₀)) x₁^{−kα},
//! |A| = (1 + β² tan²(πα/2))^{1/2},
//! ```
//!
//! has converged to below 10⁻¹⁶ relative (it converges for α < 1 and is asymptotic for
//! α > 1), we use it instead (faster, and exact as x₁ → ∞). Its leading term gives the
//! tail P(X > x) ~ (1+β) Γ(α) sin(πα/2)/π · (x/σ)^{−α}, hence `tail_index` = α.
//!
//! Special cases: α = 2 (Gaussian, variance 2σ²), α = 1 and β = 0 (Cauchy), |α − 1| <
//! 10⁻⁷ (the S0 law is evaluated at α = 1; the S0 law is continuous in α and the error is
//! O(|α − 1|)), |β| < 10⁻¹² at α = 1 (Cauchy).
//!
//! Accuracy: the quadrature targets 10⁻¹¹ relative. Tests compare with reference values
//! (scipy `levy_stable`'s Nolan integral, each confirmed to 10⁻⁸ by a second method: the
//! characteristic-function integral or the tail series in mpmath; at α = 1, β ≠ 0 an
//! independent mpmath quadrature) at 10⁻⁸ relative for the density and for the smaller
//! tail probability (F or 1 − F), body and tails to |x| = 10³ (observed worst: 6·10⁻¹⁰
//! and 3·10⁻¹²), and with closed forms (Gaussian, Cauchy, Lévy) to 10⁻⁹.
//!
//! # Sampling
//!
//! Chambers, Mallows & Stuck (1976), in Weron's (1996) form (MATH.md §4.2): V ~ U(−π/2,
//! π/2), W ~ Exp(1); for α ≠ 1, with B = arctan(β tan(πα/2))/α and S = (1 + β² tan²(πα/2))^{1/(2α)},
//! Z₁ = S sin(α(V+B)) / (cos V)^{1/α} · [cos(V − α(V+B))/W]^{(1−α)/α}; for α = 1,
//! Z₁ = (2/π)[(π/2 + βV) tan V − β ln((π/2) W cos V / (π/2 + βV))]. Then X = σZ₁ + μ
//! (α ≠ 1) or σZ₁ + μ + (2/π)βσ ln σ (α = 1).
//!
//! # Fast evaluation for likelihoods
//!
//! [`StableTable`] tabulates ln f of the standardised S0 law on a uniform grid in
//! t = asinh(z), |z| ≤ 10⁵, and interpolates with a natural cubic spline over the nodes
//! within 70 of the maximum of ln f (a light tail beyond is extended linearly in t, so the
//! spline never rings); optionally the cdf with cubic Hermite interpolation using the
//! density as derivative. Beyond |z| = 10⁵ it uses the tail series (coefficients computed
//! once per table) or the exact evaluation. Its accuracy is tested against the exact
//! density. Building one table costs ≈ 100 quadratures (≈ 5 ms natively).

mod nolan;
mod series;
mod standard;
mod table;
#[cfg(test)]
mod tests;

pub use standard::StandardStable;
pub use table::{StableTable, TABLE_HALF_WIDTH, TABLE_STEP};

use crate::stats::distributions::law::Law;
use crate::{Error, Result};
use std::f64::consts::{FRAC_PI_2, PI};

/// An α-stable law S(α, β, σ, μ; 1) in Nolan's S1 parameterisation (scipy's default).
///
/// # Formula
///
/// See the module documentation: characteristic function
/// exp(iμt − σ^α|t|^α(1 − iβ sign(t) tan(πα/2))) for α ≠ 1 and
/// exp(iμt − σ|t|(1 + iβ(2/π) sign(t) ln|t|)) for α = 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stable {
    alpha: f64,
    beta: f64,
    scale: f64,
    loc: f64,
    /// z = (x − loc)/scale + shift is the standard S0 variable.
    shift: f64,
    /// Location of the same law in S0: δ₀ = μ − σ·shift.
    loc0: f64,
    standard: StandardStable,
}

impl Stable {
    /// The law S(α, β, σ, μ; 1).
    ///
    /// # Errors
    ///
    /// `alpha` outside (0, 2], `beta` outside [−1, 1], `scale` not positive and finite, or
    /// `loc` not finite.
    pub fn new(alpha: f64, beta: f64, scale: f64, loc: f64) -> Result<Stable> {
        let standard = StandardStable::new(alpha, beta)?;
        if !(scale > 0.0 && scale.is_finite()) {
            return Err(Error::new(
                "scale",
                format!("the stable scale must be positive and finite, got {scale}"),
            ));
        }
        if !loc.is_finite() {
            return Err(Error::new(
                "loc",
                format!("the stable location must be finite, got {loc}"),
            ));
        }
        let shift = s1_to_s0_shift(alpha, beta, scale);
        Ok(Stable {
            alpha,
            beta,
            scale,
            loc,
            shift,
            loc0: loc - scale * shift,
            standard,
        })
    }

    /// The same law given by its S0 location δ₀ (continuous in α):
    /// δ₁ = δ₀ − βσ tan(πα/2) for α ≠ 1, δ₁ = δ₀ − (2/π)βσ ln σ for α = 1.
    ///
    /// # Errors
    ///
    /// As [`Stable::new`]; also when the implied S1 location is not finite.
    pub fn from_s0(alpha: f64, beta: f64, scale: f64, loc0: f64) -> Result<Stable> {
        let shift = s1_to_s0_shift(alpha, beta, scale);
        Stable::new(alpha, beta, scale, loc0 + scale * shift)
    }

    /// Stability index α ∈ (0, 2].
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Skewness β ∈ [−1, 1].
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// Scale σ > 0.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// S1 location μ.
    pub fn loc(&self) -> f64 {
        self.loc
    }

    /// S0 location δ₀ of the same law.
    pub fn loc_s0(&self) -> f64 {
        self.loc0
    }

    /// The standardised S0 law (σ = 1, δ₀ = 0) behind this law.
    pub fn standard(&self) -> &StandardStable {
        &self.standard
    }

    /// The standard S0 variable z of the point x.
    fn standard_variable(&self, x: f64) -> f64 {
        (x - self.loc) / self.scale + self.shift
    }
}

/// z − (x − μ)/σ: ζ = −β tan(πα/2) for α ≠ 1, −(2/π)β ln σ for α = 1, 0 at α = 2.
fn s1_to_s0_shift(alpha: f64, beta: f64, scale: f64) -> f64 {
    if alpha == 2.0 {
        0.0
    } else if alpha == 1.0 {
        -2.0 / PI * beta * libm::log(scale)
    } else {
        -beta * libm::tan(FRAC_PI_2 * alpha)
    }
}

impl Law for Stable {
    fn name(&self) -> &'static str {
        "stable"
    }

    fn pdf(&self, x: f64) -> f64 {
        libm::exp(self.ln_pdf(x))
    }

    fn ln_pdf(&self, x: f64) -> f64 {
        self.standard.ln_pdf(self.standard_variable(x)) - libm::log(self.scale)
    }

    fn cdf(&self, x: f64) -> f64 {
        self.standard.cdf(self.standard_variable(x))
    }

    fn sf(&self, x: f64) -> f64 {
        self.standard.sf(self.standard_variable(x))
    }

    /// Bracketing plus safeguarded Newton on the cdf (on the sf for p > 1/2). Returns NaN
    /// for p outside [0, 1], ±∞ (or the end of a one-sided support) at p = 0 and p = 1.
    fn quantile(&self, p: f64) -> f64 {
        let z = self.standard.quantile(p);
        (z - self.shift) * self.scale + self.loc
    }

    fn sample(&self, rng: &mut crate::rng::Stream) -> f64 {
        let z1 = sample_standard_s1(self.alpha, self.beta, rng);
        if self.alpha == 1.0 {
            self.scale * z1 + self.loc + 2.0 / PI * self.beta * self.scale * libm::log(self.scale)
        } else {
            self.scale * z1 + self.loc
        }
    }

    fn n_params(&self) -> usize {
        4
    }

    /// α for α < 2 (E|X|^p < ∞ iff p < α); `None` for the Gaussian α = 2.
    fn tail_index(&self) -> Option<f64> {
        if self.alpha < 2.0 {
            Some(self.alpha)
        } else {
            None
        }
    }
}

/// One draw of the standard S1 variable Z₁ (Chambers–Mallows–Stuck, Weron 1996).
pub fn sample_standard_s1(alpha: f64, beta: f64, rng: &mut crate::rng::Stream) -> f64 {
    let v = PI * (crate::rng::uniform_open(rng) - 0.5);
    let w = -libm::log(crate::rng::uniform_open(rng));
    if alpha == 1.0 {
        let a = FRAC_PI_2 + beta * v;
        2.0 / PI * (a * libm::tan(v) - beta * libm::log(FRAC_PI_2 * w * libm::cos(v) / a))
    } else {
        let tan_term = beta * libm::tan(FRAC_PI_2 * alpha);
        let b = libm::atan(tan_term) / alpha;
        let s = libm::pow(1.0 + tan_term * tan_term, 1.0 / (2.0 * alpha));
        let av = alpha * (v + b);
        s * libm::sin(av) / libm::pow(libm::cos(v), 1.0 / alpha)
            * libm::pow(libm::cos(v - av) / w, (1.0 - alpha) / alpha)
    }
}
