//! The decoupled Pearson diffusions of hSGD and their stationary laws (MATH.md §2.2, §2.3,
//! §4.1 "1-d Pearson diffusions: Lamperti scheme").
//!
//! In SVD coordinates Y = Qᵀ(X − x_*), each coordinate i of hSGD is approximated by the
//! independent Pearson diffusion (eq. 8)
//!
//!   dZ = −θ(Z − μ) dt + √(2θφ(Z² + χ)) dB,
//!
//! with, in project units (δ = paper δ/n, h_i = λ_i²/n):
//!
//! - θ_i = γ(h_i + δ), φ_i = γh_i²/(2B(h_i + δ)), ν_i = 1 + 1/φ_i;
//! - β > 0 (χ = 1): Z = (λ_i/√β)·Y_i and μ_i = nδλ_iα_i/(√β(λ_i² + nδ)) (the paper's
//!   δλ_iα_i/(√β(λ_i² + δ_P)) with the §2.2 correction, δ_P = nδ);
//! - β = 0 (χ = 0): Z = λ_i·sign(α_i)·Y_i and μ_i = nδλ_i|α_i|/(λ_i² + nδ).
//!
//! Stationary laws (§2.3):
//!
//! - χ = 1: p(z) ∝ (1 + z²)^{−(ν+1)/2} e^{μ(ν−1) arctan z}, Pearson type IV
//!   k[1 + ((x − λ)/a)²]^{−m} e^{−v arctan((x−λ)/a)} with m = (ν+1)/2, v = −μ(ν−1), a = 1,
//!   λ = 0; so Y_i = (√β/λ_i)Z is Pearson IV with a = √β/λ_i, and q_iᵀX = q_iᵀx_* + Y_i
//!   has location λ = q_iᵀx_*. Normalising constant
//!   ∫(1 + z²)^{−(ν+1)/2} e^{μ(ν−1) arctan z} dz = πΓ(ν)/(2^{ν−1}|Γ((ν+1)/2 + iμ(ν−1)/2)|²).
//! - χ = 0: inverse gamma with shape ν and scale μ(ν − 1).
//! - Moments: E Z = μ, E Z² = (μ² + φχ)/(1 − φ) (finite iff φ < 1, i.e. ν > 2).
//!
//! [`PearsonIVLaw`] evaluates the Pearson IV density, cdf and quantile by quadrature in
//! u = arctan z, where the density becomes cos^{2m−2}u·e^{−vu} on (−π/2, π/2): bounded and
//! smooth, so plain adaptive Gauss–Kronrod works. (The distributions module has its own
//! Pearson IV written in parallel; this one is the independent reference for the theory.)
//!
//! [`simulate_lamperti`] integrates one 1-d Pearson diffusion with the Lamperti (log-type)
//! Euler scheme (§4.1): χ = 1 with Y = arcsinh Z,
//! dY = [−θ(sinh Y − μ)/cosh Y − θφ tanh Y] dt + √(2θφ) dB; χ = 0 with Y = log Z,
//! dY = [−θ(1 + φ) + θμe^{−Y}] dt + √(2θφ) dB. The noise is additive, so Euler is Milstein,
//! nothing overflows, and the drift tends to a constant, so the Euler chain's tail index is
//! exactly ν for every step size.

use std::f64::consts::FRAC_PI_2;

use rand::Rng;
use serde::{Deserialize, Serialize};
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};

use crate::error::{Error, Result};
use crate::quadrature::{self, Panel};
use crate::rng;
use crate::spectrum::Spectrum;

/// Which noise floor the diffusion has: χ in Z² + χ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Chi {
    /// χ = 1: β > 0, the underparametrised case; Pearson IV stationary law.
    One,
    /// χ = 0: β = 0, the overparametrised case (needs δ > 0); inverse gamma law.
    Zero,
}

/// The coefficients of one decoupled Pearson diffusion dZ = −θ(Z − μ)dt + √(2θφ(Z² + χ))dB
/// and the affine map back to the SVD coordinate: Y_i = q_iᵀ(X − x_*) = `scale`·Z, and
/// q_iᵀX = `offset` + Y_i.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PearsonCoefficients {
    /// Mean-reversion rate θ > 0.
    pub theta: f64,
    /// Noise coefficient φ > 0 (ν = 1 + 1/φ).
    pub phi: f64,
    /// Stationary mean μ of Z.
    pub mu: f64,
    /// χ.
    pub chi: Chi,
    /// Y = scale·Z: √β/λ_i (χ = 1) or sign(α_i)/λ_i (χ = 0); 1 for a bare diffusion.
    pub scale: f64,
    /// q_iᵀx_*, so that q_iᵀX = offset + Y; 0 for a bare diffusion.
    pub offset: f64,
}

fn positive(value: f64, field: &str, name: &str) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::new(
            field,
            format!("{name} must be a finite number > 0, not {value}"),
        ))
    }
}

impl PearsonCoefficients {
    /// A bare 1-d diffusion (scale 1, offset 0).
    ///
    /// # Errors
    /// θ or φ not finite and > 0, μ not finite, or χ = 0 with μ ≤ 0 (the inverse gamma law
    /// needs a positive scale μ(ν − 1)).
    pub fn new(theta: f64, phi: f64, mu: f64, chi: Chi) -> Result<PearsonCoefficients> {
        positive(theta, "theta", "θ")?;
        positive(phi, "phi", "φ")?;
        if !mu.is_finite() {
            return Err(Error::new("mu", "μ must be a finite number"));
        }
        if chi == Chi::Zero && mu <= 0.0 {
            return Err(Error::new(
                "mu",
                "with χ = 0 (β = 0) the mean μ must be > 0, which needs δ > 0",
            ));
        }
        Ok(PearsonCoefficients {
            theta,
            phi,
            mu,
            chi,
            scale: 1.0,
            offset: 0.0,
        })
    }

    /// The tail index ν = 1 + 1/φ.
    pub fn nu(&self) -> f64 {
        1.0 + 1.0 / self.phi
    }

    /// E Z = μ.
    pub fn mean_z(&self) -> f64 {
        self.mu
    }

    /// E Z² = (μ² + φχ)/(1 − φ) when φ < 1 (ν > 2), else `None` (infinite).
    pub fn second_moment_z(&self) -> Option<f64> {
        let chi = if self.chi == Chi::One { 1.0 } else { 0.0 };
        (self.phi < 1.0).then(|| (self.mu * self.mu + self.phi * chi) / (1.0 - self.phi))
    }

    /// The stationary law of Z.
    ///
    /// # Errors
    /// None in practice for validated coefficients; kept for laws whose quadrature fails.
    pub fn law_z(&self) -> Result<StationaryLaw> {
        self.law_affine(1.0, 0.0)
    }

    /// The stationary law of the centred SVD coordinate Y_i = q_iᵀ(X − x_*) = scale·Z.
    /// For χ = 1 this is Pearson IV with (m, v, a, λ) = ((ν+1)/2, −μ(ν−1), √β/λ_i, 0).
    ///
    /// # Errors
    /// As [`PearsonCoefficients::law_z`].
    pub fn law_y(&self) -> Result<StationaryLaw> {
        self.law_affine(self.scale, 0.0)
    }

    /// The stationary law of q_iᵀX = q_iᵀx_* + Y_i (Pearson IV location λ = q_iᵀx_*).
    ///
    /// # Errors
    /// As [`PearsonCoefficients::law_z`].
    pub fn law_x(&self) -> Result<StationaryLaw> {
        self.law_affine(self.scale, self.offset)
    }

    /// The Pearson IV parameters (m, v, a, λ) of Y_i = q_iᵀ(X − x_*) for χ = 1:
    /// ((ν+1)/2, −μ(ν−1)·sign(scale), |scale|, 0); `None` for χ = 0. For the
    /// distributions module's `PearsonIV::new(m, v, a, lambda)`.
    pub fn pearson_iv_y(&self) -> Option<(f64, f64, f64, f64)> {
        self.pearson_iv_affine(self.scale, 0.0)
    }

    /// As [`PearsonCoefficients::pearson_iv_y`] for q_iᵀX (location λ = q_iᵀx_*).
    pub fn pearson_iv_x(&self) -> Option<(f64, f64, f64, f64)> {
        self.pearson_iv_affine(self.scale, self.offset)
    }

    fn pearson_iv_affine(&self, factor: f64, location: f64) -> Option<(f64, f64, f64, f64)> {
        let nu = self.nu();
        (self.chi == Chi::One).then(|| {
            (
                0.5 * (nu + 1.0),
                -self.mu * (nu - 1.0) * factor.signum(),
                factor.abs(),
                location,
            )
        })
    }

    fn law_affine(&self, factor: f64, location: f64) -> Result<StationaryLaw> {
        let nu = self.nu();
        match self.chi {
            Chi::One => {
                // X = location + factor·Z; a negative factor reflects Z, which flips v.
                let (m, v, a, lambda) = self
                    .pearson_iv_affine(factor, location)
                    .expect("χ = 1 has Pearson IV parameters");
                Ok(StationaryLaw::PearsonIV(PearsonIVLaw::new(
                    m, v, a, lambda,
                )?))
            }
            Chi::Zero => Ok(StationaryLaw::InverseGamma(ScaledInverseGamma::new(
                nu,
                self.mu * (nu - 1.0),
                factor,
                location,
            )?)),
        }
    }
}

/// The coefficients of every coordinate i = 1..r of a problem's hSGD (MATH.md §2.2).
///
/// # Errors
/// γ not finite or ≤ 0, B = 0, δ not finite or < 0; the overparametrised case (β = 0,
/// see [`Spectrum::is_overparametrised`]) with δ = 0, which has no stationary law
/// (Assumption 2.1), or with α_i = 0 for some i (μ_i = 0: a degenerate law).
pub fn coefficients(
    spectrum: &Spectrum,
    gamma: f64,
    batch: usize,
    delta: f64,
) -> Result<Vec<PearsonCoefficients>> {
    positive(gamma, "gamma", "the learning rate γ")?;
    if batch == 0 {
        return Err(Error::new("batch", "the batch size B must be at least 1"));
    }
    if !(delta.is_finite() && delta >= 0.0) {
        return Err(Error::new(
            "delta",
            "the regularisation δ must be a finite number ≥ 0",
        ));
    }
    let n = spectrum.n as f64;
    let chi = if spectrum.is_overparametrised() {
        Chi::Zero
    } else {
        Chi::One
    };
    if chi == Chi::Zero && delta == 0.0 {
        return Err(Error::new(
            "delta",
            "the data are overparametrised (β = 0): hSGD has a stationary law only with δ > 0 (MATH.md §2.1)",
        ));
    }
    let sqrt_beta = spectrum.beta.sqrt();
    let mut out = Vec::with_capacity(spectrum.rank());
    for (i, (&lambda, &alpha)) in spectrum
        .singular_values
        .iter()
        .zip(&spectrum.alpha)
        .enumerate()
    {
        let h = lambda * lambda / n;
        let theta = gamma * (h + delta);
        let phi = gamma * h * h / (2.0 * batch as f64 * (h + delta));
        let ridge = n * delta;
        let offset = spectrum.v.column(i).dot(&spectrum.x_star);
        let (mu, scale) = match chi {
            Chi::One => (
                ridge * lambda * alpha / (sqrt_beta * (lambda * lambda + ridge)),
                sqrt_beta / lambda,
            ),
            Chi::Zero => {
                if alpha == 0.0 {
                    return Err(Error::new(
                        "data",
                        format!(
                            "α_{} = 0: coordinate {} has a degenerate stationary law",
                            i + 1,
                            i + 1
                        ),
                    ));
                }
                (
                    ridge * lambda * alpha.abs() / (lambda * lambda + ridge),
                    alpha.signum() / lambda,
                )
            }
        };
        out.push(PearsonCoefficients {
            theta,
            phi,
            mu,
            chi,
            scale,
            offset,
        });
    }
    Ok(out)
}

/// A stationary law of a Pearson diffusion, or of an affine image of one.
#[derive(Clone, Debug, PartialEq)]
pub enum StationaryLaw {
    /// χ = 1.
    PearsonIV(PearsonIVLaw),
    /// χ = 0.
    InverseGamma(ScaledInverseGamma),
}

impl StationaryLaw {
    /// Density at x.
    pub fn pdf(&self, x: f64) -> f64 {
        match self {
            StationaryLaw::PearsonIV(l) => l.pdf(x),
            StationaryLaw::InverseGamma(l) => l.pdf(x),
        }
    }

    /// Log-density at x (−∞ outside the support).
    pub fn ln_pdf(&self, x: f64) -> f64 {
        match self {
            StationaryLaw::PearsonIV(l) => l.ln_pdf(x),
            StationaryLaw::InverseGamma(l) => l.ln_pdf(x),
        }
    }

    /// P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            StationaryLaw::PearsonIV(l) => l.cdf(x),
            StationaryLaw::InverseGamma(l) => l.cdf(x),
        }
    }

    /// P(X > x), accurate in the upper tail.
    pub fn sf(&self, x: f64) -> f64 {
        match self {
            StationaryLaw::PearsonIV(l) => l.sf(x),
            StationaryLaw::InverseGamma(l) => l.sf(x),
        }
    }

    /// The p-quantile, p ∈ (0, 1).
    pub fn quantile(&self, p: f64) -> f64 {
        match self {
            StationaryLaw::PearsonIV(l) => l.quantile(p),
            StationaryLaw::InverseGamma(l) => l.quantile(p),
        }
    }

    /// The tail index (moment index) η: 2m − 1 for Pearson IV, the shape for the inverse
    /// gamma.
    pub fn tail_index(&self) -> f64 {
        match self {
            StationaryLaw::PearsonIV(l) => 2.0 * l.m - 1.0,
            StationaryLaw::InverseGamma(l) => l.shape,
        }
    }

    /// The mean, when finite (tail index > 1).
    pub fn mean(&self) -> Option<f64> {
        match self {
            StationaryLaw::PearsonIV(l) => l.mean(),
            StationaryLaw::InverseGamma(l) => l.mean(),
        }
    }
}

/// ∫_a^b f by adaptive Gauss–Kronrod (7, 15) ([`crate::quadrature::integrate`]): stops
/// once the error estimate is below `rel_tol` times ∫|f| (absolute floor 1e-300) or 2000
/// panels exist; integrable endpoint singularities and cusps are handled by the bisection.
pub fn integrate<F: Fn(f64) -> f64>(f: F, a: f64, b: f64, rel_tol: f64) -> f64 {
    quadrature::integrate(f, a, b, rel_tol, 1e-300)
}

// --------------------------------------------------------------------------- Pearson IV

/// ln cos u = ln(1 − 2 sin²(u/2)), accurate also for small u (where cos u rounds to 1).
fn ln_cos(u: f64) -> f64 {
    let s = libm::sin(0.5 * u);
    libm::log1p(-2.0 * s * s)
}

/// Panels of the cumulative table of [`PearsonIVLaw`].
const PANELS: usize = 256;
/// e^{−745} underflows: the u-interval kept is where the log-density is within this of its
/// maximum.
const LOG_FLOOR: f64 = 740.0;

/// The Pearson type IV law k[1 + ((x − λ)/a)²]^{−m} e^{−v arctan((x−λ)/a)} (m > 1, a > 0),
/// evaluated by quadrature in u = arctan((x − λ)/a), where its density is
/// ∝ cos^{2m−2}u·e^{−vu} (MATH.md §2.3). Tail index 2m − 1; E X = λ − av/(2(m − 1)).
///
/// The cdf is a table of panel integrals over the part of (−π/2, π/2) where the density
/// exceeds e^{−740} of its peak (adaptive Gauss–Kronrod per panel) plus one Gauss–Kronrod
/// panel for the partial interval; `sf` sums from the top, so both tails keep their
/// relative accuracy.
#[derive(Clone, Debug, PartialEq)]
pub struct PearsonIVLaw {
    /// Shape m > 1 (tail index 2m − 1).
    pub m: f64,
    /// Skewness v.
    pub v: f64,
    /// Scale a > 0.
    pub a: f64,
    /// Location λ.
    pub lambda: f64,
    /// Peak of the u-density, arctan(−v/(2m − 2)).
    u_peak: f64,
    /// Log u-density at the peak (the shift that keeps exponentials in range).
    g_peak: f64,
    /// Kept u-interval.
    u_lo: f64,
    u_hi: f64,
    /// Panel integrals of e^{g(u) − g_peak}, their prefix sums (before each panel) and
    /// suffix sums (after each panel), and the total.
    panel: Vec<f64>,
    before: Vec<f64>,
    after: Vec<f64>,
    total: f64,
}

impl PearsonIVLaw {
    /// The law with shape m, skewness v, scale a and location λ.
    ///
    /// # Errors
    /// m not finite and > 1 (field `m`; the theory's m = (ν+1)/2 with ν > 1), v or λ not
    /// finite, a not finite and > 0.
    pub fn new(m: f64, v: f64, a: f64, lambda: f64) -> Result<PearsonIVLaw> {
        if !(m.is_finite() && m > 1.0) {
            return Err(Error::new(
                "m",
                format!("the Pearson IV shape m must be a finite number > 1, not {m}"),
            ));
        }
        if !v.is_finite() {
            return Err(Error::new("v", "the Pearson IV skewness v must be finite"));
        }
        positive(a, "a", "the Pearson IV scale a")?;
        if !lambda.is_finite() {
            return Err(Error::new(
                "lambda",
                "the Pearson IV location λ must be finite",
            ));
        }
        let power = 2.0 * m - 2.0;
        let g = |u: f64| power * ln_cos(u) - v * u;
        let u_peak = libm::atan(-v / power);
        let g_peak = g(u_peak);
        // g is concave, so {g ≥ g_peak − LOG_FLOOR} is an interval; find its ends by bisection.
        let edge = |toward: f64| -> f64 {
            let (mut inside, mut outside) = (u_peak, toward);
            if g(outside) - g_peak >= -LOG_FLOOR {
                return outside;
            }
            for _ in 0..200 {
                let mid = 0.5 * (inside + outside);
                if mid == inside || mid == outside {
                    break;
                }
                if g(mid) - g_peak >= -LOG_FLOOR {
                    inside = mid;
                } else {
                    outside = mid;
                }
            }
            outside
        };
        // The largest double below π/2 whose cosine is positive.
        let end = FRAC_PI_2 - 1e-15;
        let (u_lo, u_hi) = (edge(-end), edge(end));
        let density = |u: f64| libm::exp(g(u) - g_peak);
        let width = (u_hi - u_lo) / PANELS as f64;
        let panel: Vec<f64> = (0..PANELS)
            .map(|k| {
                let lo = u_lo + width * k as f64;
                let hi = if k + 1 == PANELS { u_hi } else { lo + width };
                // 1e-11: for large m the exponent (2m − 2)·ln cos u carries ~1e-12 of
                // rounding, below which Gauss–Kronrod's error estimate cannot go.
                integrate(density, lo, hi, 1e-11)
            })
            .collect();
        let mut before = vec![0.0; PANELS];
        for k in 1..PANELS {
            before[k] = before[k - 1] + panel[k - 1];
        }
        let mut after = vec![0.0; PANELS];
        for k in (0..PANELS - 1).rev() {
            after[k] = after[k + 1] + panel[k + 1];
        }
        let total = before[PANELS - 1] + panel[PANELS - 1];
        if !(total.is_finite() && total > 0.0) {
            return Err(Error::new("m", "the Pearson IV normalisation failed"));
        }
        Ok(PearsonIVLaw {
            m,
            v,
            a,
            lambda,
            u_peak,
            g_peak,
            u_lo,
            u_hi,
            panel,
            before,
            after,
            total,
        })
    }

    fn g(&self, u: f64) -> f64 {
        (2.0 * self.m - 2.0) * ln_cos(u) - self.v * u
    }

    /// ln ∫(1 + z²)^{−m} e^{−v arctan z} dz (the standardised law's normalising integral,
    /// a = 1; the paper's πΓ(ν)/(2^{ν−1}|Γ((ν+1)/2 + iμ(ν−1)/2)|²)), by quadrature.
    pub fn ln_normaliser(&self) -> f64 {
        libm::log(self.total) + self.g_peak
    }

    fn u_of(&self, x: f64) -> f64 {
        libm::atan((x - self.lambda) / self.a)
    }

    /// Log-density at x.
    pub fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.lambda) / self.a;
        -self.m * libm::log1p(z * z)
            - self.v * libm::atan(z)
            - self.ln_normaliser()
            - libm::log(self.a)
    }

    /// Density at x.
    pub fn pdf(&self, x: f64) -> f64 {
        libm::exp(self.ln_pdf(x))
    }

    fn panel_of(&self, u: f64) -> usize {
        let width = (self.u_hi - self.u_lo) / PANELS as f64;
        (((u - self.u_lo) / width) as usize).min(PANELS - 1)
    }

    fn piece(&self, a: f64, b: f64) -> f64 {
        if b <= a {
            return 0.0;
        }
        Panel::new(&|u| libm::exp(self.g(u) - self.g_peak), a, b).kronrod()
    }

    /// P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        let u = self.u_of(x);
        if u <= self.u_lo {
            return 0.0;
        }
        if u >= self.u_hi {
            return 1.0;
        }
        let k = self.panel_of(u);
        let start = self.u_lo + (self.u_hi - self.u_lo) * k as f64 / PANELS as f64;
        ((self.before[k] + self.piece(start, u)) / self.total).clamp(0.0, 1.0)
    }

    /// P(X > x).
    pub fn sf(&self, x: f64) -> f64 {
        let u = self.u_of(x);
        if u <= self.u_lo {
            return 1.0;
        }
        if u >= self.u_hi {
            return 0.0;
        }
        let k = self.panel_of(u);
        let end = if k + 1 == PANELS {
            self.u_hi
        } else {
            self.u_lo + (self.u_hi - self.u_lo) * (k + 1) as f64 / PANELS as f64
        };
        ((self.after[k] + self.piece(u, end)) / self.total).clamp(0.0, 1.0)
    }

    /// The p-quantile (bisection in u on the cdf, or on the sf for p > ½).
    pub fn quantile(&self, p: f64) -> f64 {
        if p.is_nan() {
            return f64::NAN;
        }
        if p <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if p >= 1.0 {
            return f64::INFINITY;
        }
        let (mut lo, mut hi) = (self.u_lo, self.u_hi);
        let to_x = |u: f64| self.lambda + self.a * libm::tan(u);
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if mid == lo || mid == hi {
                break;
            }
            let below = if p <= 0.5 {
                self.cdf(to_x(mid)) < p
            } else {
                self.sf(to_x(mid)) > 1.0 - p
            };
            if below {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        to_x(0.5 * (lo + hi))
    }

    /// E X = λ − av/(2(m − 1)) (finite since m > 1).
    pub fn mean(&self) -> Option<f64> {
        Some(self.lambda - self.a * self.v / (2.0 * (self.m - 1.0)))
    }

    /// A draw by inversion of the cdf.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(rng::uniform_open(rng))
    }

    /// The u-coordinate of the density's peak (for plots and tests).
    pub fn u_peak(&self) -> f64 {
        self.u_peak
    }
}

// -------------------------------------------------------------------------- inverse gamma

/// X = location + factor·W with W inverse gamma (shape α, scale s): density of W
/// s^α/Γ(α) w^{−α−1} e^{−s/w} on w > 0, cdf Q(α, s/w) (regularised upper incomplete
/// gamma, statrs). `factor` may be negative (a reflected law).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaledInverseGamma {
    /// Shape α > 0 (the tail index).
    pub shape: f64,
    /// Scale s > 0.
    pub scale: f64,
    /// The multiplier of W (nonzero).
    pub factor: f64,
    /// The shift.
    pub location: f64,
}

impl ScaledInverseGamma {
    /// The law of location + factor·InvGamma(shape, scale).
    ///
    /// # Errors
    /// shape or scale not finite and > 0; factor zero or not finite; location not finite.
    pub fn new(shape: f64, scale: f64, factor: f64, location: f64) -> Result<ScaledInverseGamma> {
        positive(shape, "shape", "the inverse gamma shape")?;
        positive(scale, "scale", "the inverse gamma scale")?;
        if !(factor.is_finite() && factor != 0.0 && location.is_finite()) {
            return Err(Error::new(
                "scale",
                "the affine map of the inverse gamma law must be finite and nonzero",
            ));
        }
        Ok(ScaledInverseGamma {
            shape,
            scale,
            factor,
            location,
        })
    }

    fn w_of(&self, x: f64) -> f64 {
        (x - self.location) / self.factor
    }

    fn w_cdf(&self, w: f64) -> f64 {
        if w <= 0.0 {
            0.0
        } else {
            gamma_ur(self.shape, self.scale / w)
        }
    }

    fn w_sf(&self, w: f64) -> f64 {
        if w <= 0.0 {
            1.0
        } else {
            gamma_lr(self.shape, self.scale / w)
        }
    }

    /// Log-density at x.
    pub fn ln_pdf(&self, x: f64) -> f64 {
        let w = self.w_of(x);
        if w <= 0.0 {
            return f64::NEG_INFINITY;
        }
        self.shape * libm::log(self.scale)
            - ln_gamma(self.shape)
            - (self.shape + 1.0) * libm::log(w)
            - self.scale / w
            - libm::log(self.factor.abs())
    }

    /// Density at x.
    pub fn pdf(&self, x: f64) -> f64 {
        libm::exp(self.ln_pdf(x))
    }

    /// P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        let w = self.w_of(x);
        if self.factor > 0.0 {
            self.w_cdf(w)
        } else {
            self.w_sf(w)
        }
    }

    /// P(X > x).
    pub fn sf(&self, x: f64) -> f64 {
        let w = self.w_of(x);
        if self.factor > 0.0 {
            self.w_sf(w)
        } else {
            self.w_cdf(w)
        }
    }

    /// The p-quantile (bisection on log w).
    pub fn quantile(&self, p: f64) -> f64 {
        // Support: (location, ∞) for factor > 0, (−∞, location) for factor < 0.
        if p.is_nan() {
            return f64::NAN;
        }
        if p <= 0.0 {
            return if self.factor > 0.0 {
                self.location
            } else {
                f64::NEG_INFINITY
            };
        }
        if p >= 1.0 {
            return if self.factor > 0.0 {
                f64::INFINITY
            } else {
                self.location
            };
        }
        // W's quantile q solves w_cdf(q) = p_w.
        let p_w = if self.factor > 0.0 { p } else { 1.0 - p };
        let (mut lo, mut hi) = (-750.0f64, 750.0f64);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            let w = libm::exp(mid);
            let below = if p_w <= 0.5 {
                self.w_cdf(w) < p_w
            } else {
                self.w_sf(w) > 1.0 - p_w
            };
            if below {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        self.location + self.factor * libm::exp(0.5 * (lo + hi))
    }

    /// E X = location + factor·s/(α − 1) when α > 1.
    pub fn mean(&self) -> Option<f64> {
        (self.shape > 1.0).then(|| self.location + self.factor * self.scale / (self.shape - 1.0))
    }
}

// ------------------------------------------------------------------------------ simulation

/// One Lamperti-Euler run of the 1-d diffusion of `c` from Z = `z0` for `steps` steps of
/// size `h`, drawing from `rng`; returns Z at the end (MATH.md §4.1).
///
/// χ = 1: Y = arcsinh Z, Y ← Y + h[−θ(tanh Y − μ/cosh Y) − θφ tanh Y] + √(2θφh)ξ.
/// χ = 0: Y = log Z, Y ← Y + h[−θ(1 + φ) + θμe^{−Y}] + √(2θφh)ξ (z0 must be > 0).
pub fn simulate_lamperti<R: Rng + ?Sized>(
    c: &PearsonCoefficients,
    z0: f64,
    h: f64,
    steps: usize,
    rng: &mut R,
) -> f64 {
    let noise = (2.0 * c.theta * c.phi * h).sqrt();
    match c.chi {
        Chi::One => {
            let mut y = libm::asinh(z0);
            for _ in 0..steps {
                // tanh and 1/cosh from one exponential of −|y|, which never overflows.
                let t = libm::exp(-y.abs());
                let t2 = t * t;
                let tanh = y.signum() * (1.0 - t2) / (1.0 + t2);
                let sech = 2.0 * t / (1.0 + t2);
                let drift = -c.theta * (tanh - c.mu * sech) - c.theta * c.phi * tanh;
                y += h * drift + noise * rng::standard_normal(rng);
            }
            libm::sinh(y)
        }
        Chi::Zero => {
            let mut y = libm::log(z0);
            for _ in 0..steps {
                let drift = -c.theta * (1.0 + c.phi) + c.theta * c.mu * libm::exp(-y);
                y += h * drift + noise * rng::standard_normal(rng);
            }
            libm::exp(y)
        }
    }
}

/// `replicas` independent Lamperti-Euler runs of `c`, run `i` from [`rng::stream`]`(seed, i)`,
/// each started at Z = μ and integrated to time `time` with step `h` (the last step is
/// shortened to land on `time`); returns the terminal values of Z. Run to stationarity
/// with time ≳ 10/θ.
///
/// # Errors
/// `h` or `time` not finite and > 0, zero replicas, or more than 10⁹ total steps.
pub fn simulate_terminal(
    c: &PearsonCoefficients,
    replicas: usize,
    time: f64,
    h: f64,
    seed: u64,
) -> Result<Vec<f64>> {
    positive(h, "h", "the step size h")?;
    positive(time, "time", "the time horizon")?;
    if replicas == 0 {
        return Err(Error::new("runs", "at least one replica is needed"));
    }
    let steps = libm::ceil(time / h);
    if steps * replicas as f64 > 1e9 {
        return Err(Error::new(
            "time",
            "more than 10⁹ Euler steps in total: use a larger step or fewer replicas",
        ));
    }
    let steps = steps as usize;
    let h = time / steps as f64;
    Ok((0..replicas)
        .map(|i| {
            let mut stream = rng::stream(seed, i as u64);
            simulate_lamperti(c, c.mu, h, steps, &mut stream)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;
    use nalgebra::DMatrix;
    use statrs::distribution::{ContinuousCDF, StudentsT};
    use std::f64::consts::PI;

    /// Reference numbers from tests/fixtures/theory/reference.py (scipy).
    fn fixture() -> serde_json::Value {
        serde_json::from_str(include_str!("../tests/fixtures/theory/reference.json")).unwrap()
    }

    fn standard(nu: f64, mu: f64) -> PearsonIVLaw {
        PearsonIVLaw::new(0.5 * (nu + 1.0), -mu * (nu - 1.0), 1.0, 0.0).unwrap()
    }

    #[test]
    fn quadrature_integrates_known_integrals() {
        assert!((integrate(|x| x.powi(5), 0.0, 1.0, 1e-14) - 1.0 / 6.0).abs() < 1e-15);
        assert!((integrate(libm::sin, 0.0, PI, 1e-14) - 2.0).abs() < 1e-14);
        // Endpoint singularity ∫_0^1 x^{−1/2} = 2, cusp ∫_0^1 |x − 0.3|^0.2.
        assert!((integrate(|x| 1.0 / x.sqrt(), 0.0, 1.0, 1e-12) - 2.0).abs() < 1e-9);
        let cusp = (libm::pow(0.3, 1.2) + libm::pow(0.7, 1.2)) / 1.2;
        let got = integrate(|x: f64| libm::pow((x - 0.3).abs(), 0.2), 0.0, 1.0, 1e-13);
        assert!((got - cusp).abs() < 1e-11, "{got} vs {cusp}");
    }

    #[test]
    fn normaliser_matches_the_complex_gamma_formula() {
        // scipy: ln[πΓ(ν)/(2^{ν−1}|Γ((ν+1)/2 + iμ(ν−1)/2)|²)] with scipy.special.loggamma.
        for case in fixture()["pearson4"].as_array().unwrap() {
            let nu = case["nu"].as_f64().unwrap();
            let mu = case["mu"].as_f64().unwrap();
            let law = standard(nu, mu);
            let expected = case["ln_normaliser"].as_f64().unwrap();
            assert!(
                (law.ln_normaliser() - expected).abs() < 1e-11,
                "ν = {nu}, μ = {mu}: {} vs {expected}",
                law.ln_normaliser()
            );
            for (z, p) in case["cdf"].as_object().unwrap() {
                let z: f64 = z.parse().unwrap();
                let p = p.as_f64().unwrap();
                assert!(
                    (law.cdf(z) - p).abs() < 1e-11,
                    "ν = {nu}, μ = {mu}, z = {z}"
                );
                assert!((law.sf(z) - (1.0 - p)).abs() < 1e-11);
            }
        }
    }

    #[test]
    fn symmetric_case_is_a_scaled_student_t() {
        // μ = 0: √ν·Z ~ t(ν); ∫(1 + z²)^{−(ν+1)/2} dz = √π Γ(ν/2)/Γ((ν+1)/2) (statrs ln_gamma).
        for nu in [1.01, 1.5, 2.0, 3.7, 12.0, 300.0, 1e5] {
            let law = standard(nu, 0.0);
            let closed = 0.5 * libm::log(PI) + ln_gamma(0.5 * nu) - ln_gamma(0.5 * (nu + 1.0));
            // lnΓ at ν/2 = 5·10⁴ is ~5·10⁵, so the closed form itself carries ~1e-10 of
            // rounding there.
            let tol = 1e-11 * (1.0 + ln_gamma(0.5 * nu).abs());
            assert!(
                (law.ln_normaliser() - closed).abs() < tol,
                "ν = {nu}: {} vs {closed}",
                law.ln_normaliser()
            );
            let t = StudentsT::new(0.0, 1.0, nu).unwrap();
            for z in [-20.0, -2.0, -0.3, 0.0, 0.9, 5.0] {
                assert!(
                    (law.cdf(z) - t.cdf(nu.sqrt() * z)).abs() < 1e-10,
                    "ν = {nu}, z = {z}"
                );
            }
            // Deep tail: the sf keeps relative accuracy.
            let (z, st) = (50.0, t.sf(nu.sqrt() * 50.0));
            if st > 1e-250 {
                assert!(
                    (law.sf(z) / st - 1.0).abs() < 1e-7,
                    "ν = {nu}: {} vs {st}",
                    law.sf(z)
                );
            }
        }
    }

    #[test]
    fn moments_match_the_closed_forms() {
        // E Z = μ, E Z² = (μ² + φ)/(1 − φ), by quadrature of z·p(z), z²·p(z) in u = arctan z.
        for (nu, mu) in [(5.0, 0.7), (3.5, -0.4), (9.0, 2.0)] {
            let law = standard(nu, mu);
            let phi = 1.0 / (nu - 1.0);
            let c = PearsonCoefficients::new(1.0, phi, mu, Chi::One).unwrap();
            let density_u = |u: f64| {
                let z = libm::tan(u);
                law.pdf(z) * (1.0 + z * z)
            };
            let (lo, hi) = (-FRAC_PI_2 + 1e-12, FRAC_PI_2 - 1e-12);
            let mass = integrate(density_u, lo, hi, 1e-13);
            let m1 = integrate(|u| libm::tan(u) * density_u(u), lo, hi, 1e-13);
            let m2 = integrate(|u| libm::tan(u).powi(2) * density_u(u), lo, hi, 1e-13);
            assert!((mass - 1.0).abs() < 1e-10);
            assert!((m1 - c.mean_z()).abs() < 1e-8, "{m1}");
            assert!(
                (m2 - c.second_moment_z().unwrap()).abs() < 1e-6 * m2,
                "{m2}"
            );
            assert!((law.mean().unwrap() - mu).abs() < 1e-14);
        }
        let heavy = PearsonCoefficients::new(1.0, 1.2, 0.0, Chi::One).unwrap();
        assert_eq!(heavy.second_moment_z(), None);
    }

    #[test]
    fn quantile_inverts_the_cdf_and_scaling_is_affine() {
        let law = PearsonIVLaw::new(2.3, 1.1, 0.4, -3.0).unwrap();
        for p in [1e-9, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0 - 1e-9] {
            let x = law.quantile(p);
            let back = if p < 0.5 { law.cdf(x) } else { 1.0 - law.sf(x) };
            assert!((back - p).abs() < 1e-12 * p.max(1e-3) / 1e-3, "p = {p}");
        }
        // X = λ + aZ: cdf_X(x) = cdf_Z((x − λ)/a), pdf scales by 1/a.
        let z = PearsonIVLaw::new(2.3, 1.1, 1.0, 0.0).unwrap();
        for x in [-5.0, -3.0, -2.2, 0.0] {
            assert!((law.cdf(x) - z.cdf((x + 3.0) / 0.4)).abs() < 1e-13);
            assert!((law.pdf(x) - z.pdf((x + 3.0) / 0.4) / 0.4).abs() < 1e-12);
        }
        assert!(PearsonIVLaw::new(1.0, 0.0, 1.0, 0.0).is_err());
        assert!(PearsonIVLaw::new(2.0, f64::NAN, 1.0, 0.0).is_err());
        assert!(PearsonIVLaw::new(2.0, 0.0, 0.0, 0.0).is_err());
    }

    #[test]
    fn inverse_gamma_law() {
        // shape 3, scale 2: cdf(1) = Q(3, 2) = e^{−2}(1 + 2 + 2) = 5e^{−2}; mean 2/(3−1) = 1.
        let law = ScaledInverseGamma::new(3.0, 2.0, 1.0, 0.0).unwrap();
        assert!((law.cdf(1.0) - 5.0 * libm::exp(-2.0)).abs() < 1e-14);
        assert!((law.mean().unwrap() - 1.0).abs() < 1e-15);
        // Density: 2³/Γ(3)·w^{−4}e^{−2/w} at w = 1: 4e^{−2}.
        assert!((law.pdf(1.0) - 4.0 * libm::exp(-2.0)).abs() < 1e-14);
        assert!((law.cdf(law.quantile(0.3)) - 0.3).abs() < 1e-12);
        // Reflected and shifted: X = 5 − 2W.
        let r = ScaledInverseGamma::new(3.0, 2.0, -2.0, 5.0).unwrap();
        assert!((r.sf(3.0) - law.cdf(1.0)).abs() < 1e-14);
        assert!((r.pdf(3.0) - law.pdf(1.0) / 2.0).abs() < 1e-14);
        assert!((r.cdf(r.quantile(0.8)) - 0.8).abs() < 1e-12);
        assert_eq!(r.pdf(6.0), 0.0);
    }

    /// Kolmogorov–Smirnov distance of a sample to a cdf.
    fn ks_distance(sample: &mut [f64], cdf: impl Fn(f64) -> f64) -> f64 {
        sample.sort_by(f64::total_cmp);
        let n = sample.len() as f64;
        sample
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = cdf(x);
                (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
            })
            .fold(0.0, f64::max)
    }

    /// Hill(k) = 1/[(1/k)Σ_{i≤k} ln X_(i) − ln X_(k+1)] of |x| (MATH.md §0).
    fn hill(sample: &[f64], k: usize) -> f64 {
        let mut a: Vec<f64> = sample.iter().map(|x| x.abs()).collect();
        a.sort_by(|x, y| y.total_cmp(x));
        let mean_log = a[..k].iter().map(|x| libm::log(*x)).sum::<f64>() / k as f64;
        1.0 / (mean_log - libm::log(a[k]))
    }

    // KS tests: 10 000 replicas started at μ, run to T = 8/θ (bulk relaxed to e^{−8}) with
    // hθ = 0.005 (1.6·10⁷ steps). The 5% KS critical value is 1.36/√N = 0.0136. Measured
    // with other seeds: D ≈ 0.004–0.006 at hθ = 0.005 but 0.007–0.010 at hθ = 0.02 with
    // N = 20 000 (the Euler bias of the bulk is O(h); only the tail index is exact for
    // every h), hence the small step.
    const KS_REPLICAS: usize = 10_000;
    const KS_5_PERCENT: f64 = 1.36;

    #[test]
    fn lamperti_scheme_reaches_the_pearson_iv_law() {
        for (phi, mu, seed) in [(1.0 / 3.0, 0.0, 1), (0.5, 0.6, 2)] {
            let c = PearsonCoefficients::new(2.0, phi, mu, Chi::One).unwrap();
            let mut z =
                simulate_terminal(&c, KS_REPLICAS, 8.0 / c.theta, 0.005 / c.theta, seed).unwrap();
            let law = c.law_z().unwrap();
            let d = ks_distance(&mut z, |x| law.cdf(x));
            let critical = KS_5_PERCENT / (KS_REPLICAS as f64).sqrt();
            assert!(
                d < critical,
                "ν = {}, μ = {mu}: KS D = {d} ≥ {critical}",
                c.nu()
            );
            // The test has power: the law with ν one higher is rejected.
            let wrong = standard(c.nu() + 1.0, mu);
            let d_wrong = ks_distance(&mut z, |x| wrong.cdf(x));
            assert!(d_wrong > 1.5 * critical, "ν+1 not rejected: {d_wrong}");
        }
    }

    #[test]
    fn lamperti_scheme_reaches_the_inverse_gamma_law() {
        // χ = 0, θ = 1, φ = 0.25 (ν = 5), μ = 1: inverse gamma (shape 5, scale 4).
        let c = PearsonCoefficients::new(1.0, 0.25, 1.0, Chi::Zero).unwrap();
        let mut z = simulate_terminal(&c, KS_REPLICAS, 8.0, 0.005, 3).unwrap();
        let law = c.law_z().unwrap();
        assert_eq!(law.tail_index(), 5.0);
        let d = ks_distance(&mut z, |x| law.cdf(x));
        let critical = KS_5_PERCENT / (KS_REPLICAS as f64).sqrt();
        assert!(d < critical, "KS D = {d} ≥ {critical}");
        let mean = z.iter().sum::<f64>() / z.len() as f64;
        // E Z = μ = 1; sd of Z = √(E Z² − 1) = √(1/0.75 − 1) ≈ 0.58, so SE ≈ 0.006.
        assert!((mean - 1.0).abs() < 0.025, "{mean}");
    }

    #[test]
    fn lamperti_tail_has_the_pearson_index() {
        // The Lamperti chain's tail index is ν for every h (MATH.md §4.1), so a coarse step
        // hθ = 0.05 and many replicas: N = 50 000, T = 10/θ, Hill at k = 500 (1%).
        // SE ≈ ν/√k ≈ 0.13–0.18; Hill's bias on these t-like tails is negative and grows
        // with ν: over 6 other seeds the mean was 2.78 for ν = 3 and 3.51 for ν = 4.
        // Window: ν − 0.8 < Hill < ν + 0.3 (a tail index off by one fails it).
        for (phi, mu, seed) in [(0.5, 0.0, 11), (1.0 / 3.0, 0.6, 12)] {
            let c = PearsonCoefficients::new(1.0, phi, mu, Chi::One).unwrap();
            let z = simulate_terminal(&c, 50_000, 10.0, 0.05, seed).unwrap();
            let estimate = hill(&z, 500);
            let nu = c.nu();
            assert!(
                estimate > nu - 0.8 && estimate < nu + 0.3,
                "ν = {nu}: Hill = {estimate}"
            );
        }
    }

    #[test]
    fn coefficients_of_a_problem_follow_section_2_2() {
        let p = Problem::synthetic(40, 5, 9).unwrap();
        let s = Spectrum::new(&p).unwrap();
        let (gamma, batch, delta) = (0.05, 2, 0.01);
        let cs = coefficients(&s, gamma, batch, delta).unwrap();
        let bounds = crate::bounds::BoundsModel::from_spectrum(&s, gamma, batch, delta).unwrap();
        let nus = bounds.per_coordinate();
        // The ridge minimiser x_δ = (AᵀA + nδI)⁻¹Aᵀb is hSGD's stationary mean: q_iᵀx_δ must
        // equal q_iᵀx_* + scale·μ_i (an independent check of the corrected μ_i).
        let n = 40.0;
        let gram = p.a.transpose() * &p.a + DMatrix::identity(5, 5) * (n * delta);
        let x_ridge = gram.lu().solve(&(p.a.transpose() * &p.b)).unwrap();
        for (i, c) in cs.iter().enumerate() {
            assert_eq!(c.chi, Chi::One);
            assert!((c.nu() - nus[i]).abs() < 1e-9 * nus[i]);
            let h = s.singular_values[i].powi(2) / n;
            assert!((c.theta - gamma * (h + delta)).abs() < 1e-15);
            let q_i = s.v.column(i);
            let predicted = c.offset + c.scale * c.mu;
            assert!(
                (q_i.dot(&x_ridge) - predicted).abs() < 1e-9,
                "coordinate {i}"
            );
            let law_mean = c.law_x().unwrap().mean().unwrap();
            assert!((law_mean - predicted).abs() < 1e-9);
        }
        // (m, v, a, λ) of Y_1: ((ν+1)/2, −μ(ν−1)·sign, √β/λ_1, 0).
        let (m, v, a, lambda) = cs[0].pearson_iv_y().unwrap();
        assert!((m - 0.5 * (cs[0].nu() + 1.0)).abs() < 1e-12);
        assert!((a - s.beta.sqrt() / s.singular_values[0]).abs() < 1e-12);
        assert!((v + cs[0].mu * (cs[0].nu() - 1.0)).abs() < 1e-9 * v.abs().max(1.0));
        assert_eq!(lambda, 0.0);
        assert_eq!(cs[0].pearson_iv_x().unwrap().3, cs[0].offset);
        // δ = 0 ⇒ μ = 0 (MATH.md §2.2).
        let cs0 = coefficients(&s, gamma, batch, 0.0).unwrap();
        assert!(cs0.iter().all(|c| c.mu == 0.0));
        assert!(coefficients(&s, 0.0, 1, 0.0).is_err());
        assert!(coefficients(&s, 0.1, 0, 0.0).is_err());
        assert!(coefficients(&s, 0.1, 1, -1.0).is_err());
    }

    #[test]
    fn overparametrised_problems_have_inverse_gamma_laws() {
        let p = Problem::synthetic(5, 12, 4).unwrap();
        let s = Spectrum::new(&p).unwrap();
        assert_eq!(coefficients(&s, 0.05, 1, 0.0).unwrap_err().field, "delta");
        let delta = 0.02;
        let cs = coefficients(&s, 0.05, 1, delta).unwrap();
        let n = 5.0;
        let gram = p.a.transpose() * &p.a + DMatrix::identity(12, 12) * (n * delta);
        let x_ridge = gram.lu().solve(&(p.a.transpose() * &p.b)).unwrap();
        for (i, c) in cs.iter().enumerate() {
            assert_eq!(c.chi, Chi::Zero);
            assert!(c.mu > 0.0);
            let law = c.law_x().unwrap();
            let mean = law.mean().unwrap();
            assert!(
                (s.v.column(i).dot(&x_ridge) - mean).abs() < 1e-8,
                "coordinate {i}"
            );
            // The law sits on one side of q_iᵀx_*, the side of the ridge solution.
            let side = (mean - c.offset).signum();
            assert_eq!(law.pdf(c.offset - side * 1e-3), 0.0);
        }
    }
}
