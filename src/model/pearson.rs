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
//! [`StationaryLaw`] holds these laws as [`crate::stats::distributions`] laws: χ = 1 as
//! [`PearsonIV`] (normalised by the complex lnΓ formula above, tested there against scipy),
//! χ = 0 as [`AffineInverseGamma`], the image location + factor·W of W ~ [`InverseGamma`]
//! (a negative factor reflects W). Its mean is in closed form: λ − av/(2(m − 1)) for
//! Pearson IV (m > 1 here, as m = (ν+1)/2 and ν > 1), location + factor·s/(α − 1) for the
//! inverse gamma with shape α and scale s.
//!
//! [`simulate_lamperti`] integrates one 1-d Pearson diffusion with the Lamperti (log-type)
//! Euler scheme (§4.1): χ = 1 with Y = arcsinh Z,
//! dY = [−θ(sinh Y − μ)/cosh Y − θφ tanh Y] dt + √(2θφ) dB; χ = 0 with Y = log Z,
//! dY = [−θ(1 + φ) + θμe^{−Y}] dt + √(2θφ) dB. The noise is additive, so Euler is Milstein,
//! nothing overflows, and the drift tends to a constant, so the Euler chain's tail index is
//! exactly ν for every step size.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::spectrum::Spectrum;
use crate::rng::{self, Stream};
use crate::stats::distributions::{InverseGamma, Law, PearsonIV};
use crate::stats::quadrature::{integrate, Options};

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
    /// None in practice for validated coefficients (the distributions constructors check
    /// their parameters again).
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
                    .ok_or_else(|| Error::new("chi", "χ = 1 has Pearson IV parameters"))?;
                Ok(StationaryLaw::PearsonIV(PearsonIV::new(m, v, a, lambda)?))
            }
            Chi::Zero => Ok(StationaryLaw::InverseGamma(AffineInverseGamma::new(
                InverseGamma::new(nu, self.mu * (nu - 1.0))?,
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

/// A stationary law of a Pearson diffusion, or of an affine image of one, as one of the
/// [`crate::stats::distributions`] laws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StationaryLaw {
    /// χ = 1: Pearson IV (m, v, a, λ) with m = (ν+1)/2 > 1.
    PearsonIV(PearsonIV),
    /// χ = 0: an affine image of the inverse gamma law (shape ν, scale μ(ν − 1)).
    InverseGamma(AffineInverseGamma),
}

impl StationaryLaw {
    /// The law as a [`Law`] (to sample it or hand it to plots).
    pub fn as_law(&self) -> &dyn Law {
        match self {
            StationaryLaw::PearsonIV(l) => l,
            StationaryLaw::InverseGamma(l) => l,
        }
    }

    /// Density at x.
    pub fn pdf(&self, x: f64) -> f64 {
        self.as_law().pdf(x)
    }

    /// Log-density at x (−∞ outside the support).
    pub fn ln_pdf(&self, x: f64) -> f64 {
        self.as_law().ln_pdf(x)
    }

    /// P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        self.as_law().cdf(x)
    }

    /// P(X > x), accurate in the upper tail.
    pub fn sf(&self, x: f64) -> f64 {
        self.as_law().sf(x)
    }

    /// The p-quantile, p ∈ (0, 1).
    pub fn quantile(&self, p: f64) -> f64 {
        self.as_law().quantile(p)
    }

    /// The tail index (moment index) η: 2m − 1 for Pearson IV, the shape for the inverse
    /// gamma.
    pub fn tail_index(&self) -> f64 {
        match self {
            StationaryLaw::PearsonIV(l) => 2.0 * l.m() - 1.0,
            StationaryLaw::InverseGamma(l) => l.law.shape(),
        }
    }

    /// The mean, when finite (tail index > 1): λ − av/(2(m − 1)) for Pearson IV (MATH.md
    /// §2.3: E Z = μ with v = −μ(ν − 1) = −μ(2m − 2)), location + factor·s/(α − 1) for
    /// the affine inverse gamma.
    pub fn mean(&self) -> Option<f64> {
        match self {
            StationaryLaw::PearsonIV(l) => {
                (l.m() > 1.0).then(|| l.lambda() - l.a() * l.v() / (2.0 * (l.m() - 1.0)))
            }
            StationaryLaw::InverseGamma(l) => l.mean(),
        }
    }
}

impl StationaryLaw {
    /// E|X|^p for 0 < p < η (the tail index), `None` outside that range (infinite or not
    /// asked for). By quadrature of the normalised density after x = ±c·e^s, with c the
    /// law's interquartile range:
    ///
    ///   E|X|^p = ∫ c^{p+1} e^{(p+1)s} [f(c e^s) + f(−c e^s)] ds,
    ///
    /// whose integrand is smooth and decays like e^{(p+1)s} as s → −∞ and like e^{(p−η)s}
    /// as s → +∞ (f ~ |x|^{−η−1}); the range is cut where both tails are below 10⁻¹⁴ of the
    /// peak's order, e^{(p−η)s} at s = 32/(η − p), capped at s = 600 (the exponent stays
    /// finite in f64). Evaluated in log space, so a heavy tail never overflows.
    pub fn abs_moment(&self, p: f64) -> Option<f64> {
        let eta = self.tail_index();
        if !(p > 0.0 && p < eta) {
            return None;
        }
        let scale = self.quantile(0.75) - self.quantile(0.25);
        if !(scale.is_finite() && scale > 0.0) {
            return None;
        }
        let ln_c = libm::log(scale);
        let integrand = |s: f64| {
            let x = libm::exp(ln_c + s);
            let weight = (p + 1.0) * (ln_c + s);
            libm::exp(weight + self.ln_pdf(x)) + libm::exp(weight + self.ln_pdf(-x))
        };
        let lo = -32.0 / (p + 1.0) - 5.0;
        let hi = (32.0 / (eta - p) + 5.0).min(600.0);
        let breaks: Vec<f64> = [-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
            .into_iter()
            .filter(|b| *b > lo && *b < hi)
            .collect();
        let value = integrate(
            integrand,
            lo,
            hi,
            Options::relative(1e-11).breakpoints(&breaks),
        );
        value.is_finite().then_some(value)
    }
}

/// X = location + factor·W with W ~ [`InverseGamma`]: the χ = 0 stationary law mapped to an
/// SVD coordinate. `factor` may be negative (a reflected law: the cdf of X is the sf of W,
/// and the support is (−∞, location)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AffineInverseGamma {
    /// The law of W.
    pub law: InverseGamma,
    /// The multiplier of W (finite, nonzero).
    pub factor: f64,
    /// The shift (finite).
    pub location: f64,
}

impl AffineInverseGamma {
    /// The law of location + factor·W.
    ///
    /// # Errors
    /// factor zero or not finite; location not finite.
    pub fn new(law: InverseGamma, factor: f64, location: f64) -> Result<AffineInverseGamma> {
        if !(factor.is_finite() && factor != 0.0 && location.is_finite()) {
            return Err(Error::new(
                "scale",
                "the affine map of the inverse gamma law must be finite and nonzero",
            ));
        }
        Ok(AffineInverseGamma {
            law,
            factor,
            location,
        })
    }

    fn w_of(&self, x: f64) -> f64 {
        (x - self.location) / self.factor
    }

    /// E X = location + factor·s/(α − 1) when α > 1.
    pub fn mean(&self) -> Option<f64> {
        let (shape, scale) = (self.law.shape(), self.law.scale());
        (shape > 1.0).then(|| self.location + self.factor * scale / (shape - 1.0))
    }
}

impl Law for AffineInverseGamma {
    fn name(&self) -> &'static str {
        "affine_inverse_gamma"
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        self.law.ln_pdf(self.w_of(x)) - libm::log(self.factor.abs())
    }
    fn cdf(&self, x: f64) -> f64 {
        if self.factor > 0.0 {
            self.law.cdf(self.w_of(x))
        } else {
            self.law.sf(self.w_of(x))
        }
    }
    fn sf(&self, x: f64) -> f64 {
        if self.factor > 0.0 {
            self.law.sf(self.w_of(x))
        } else {
            self.law.cdf(self.w_of(x))
        }
    }
    fn support(&self) -> (f64, f64) {
        if self.factor > 0.0 {
            (self.location, f64::INFINITY)
        } else {
            (f64::NEG_INFINITY, self.location)
        }
    }
    fn quantile(&self, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            return f64::NAN;
        }
        let p_w = if self.factor > 0.0 { p } else { 1.0 - p };
        let w = self.law.quantile(p_w);
        // W = 0 at the lower end: location exactly (0·±∞ is not formed).
        if w == 0.0 {
            self.location
        } else {
            self.location + self.factor * w
        }
    }
    fn sample(&self, rng: &mut Stream) -> f64 {
        self.location + self.factor * self.law.sample(rng)
    }
    fn n_params(&self) -> usize {
        self.law.n_params()
    }
    fn tail_index(&self) -> Option<f64> {
        self.law.tail_index()
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
mod tests;
