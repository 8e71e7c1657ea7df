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

/// The crate's one integrator, re-exported here because the discrete model imports it
/// from this module.
pub use crate::stats::quadrature::integrate;

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
mod tests {
    use super::*;
    use crate::model::problem::Problem;
    use nalgebra::DMatrix;
    use statrs::distribution::{ContinuousCDF, StudentsT};
    use statrs::function::gamma::ln_gamma;
    use std::f64::consts::{FRAC_PI_2, PI};

    /// Reference numbers from tests/fixtures/theory/reference.py (scipy).
    fn fixture() -> serde_json::Value {
        serde_json::from_str(include_str!("../../tests/fixtures/theory/reference.json")).unwrap()
    }

    /// The stationary law of Z for ν and μ (χ = 1): Pearson IV ((ν+1)/2, −μ(ν−1), 1, 0).
    fn standard(nu: f64, mu: f64) -> StationaryLaw {
        PearsonCoefficients::new(1.0, 1.0 / (nu - 1.0), mu, Chi::One)
            .unwrap()
            .law_z()
            .unwrap()
    }

    fn pearson_iv(m: f64, v: f64, a: f64, lambda: f64) -> StationaryLaw {
        StationaryLaw::PearsonIV(PearsonIV::new(m, v, a, lambda).unwrap())
    }

    #[test]
    fn stationary_law_matches_the_complex_gamma_normaliser() {
        // scipy: ln[πΓ(ν)/(2^{ν−1}|Γ((ν+1)/2 + iμ(ν−1)/2)|²)] with scipy.special.loggamma,
        // and the cdf by scipy quad. The density at z = 0 is 1/normaliser.
        for case in fixture()["pearson4"].as_array().unwrap() {
            let nu = case["nu"].as_f64().unwrap();
            let mu = case["mu"].as_f64().unwrap();
            let law = standard(nu, mu);
            let expected = case["ln_normaliser"].as_f64().unwrap();
            assert!(
                (-law.ln_pdf(0.0) - expected).abs() < 1e-11,
                "ν = {nu}, μ = {mu}: {} vs {expected}",
                -law.ln_pdf(0.0)
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
                (-law.ln_pdf(0.0) - closed).abs() < tol,
                "ν = {nu}: {} vs {closed}",
                -law.ln_pdf(0.0)
            );
            let t = StudentsT::new(0.0, 1.0, nu).unwrap();
            // The Pearson IV cdf is k·∫…, and k comes from lnΓ(m + iv/2) with |lnΓ| up to
            // ~5·10⁵ at ν = 10⁵, whose rounding (~1e-16 relative) shifts the cdf by ~1e-10
            // there (measured 1.05e-10 at z = 0); elsewhere this term is < 1e-12.
            let cdf_tol = 1e-10 + 1e-15 * ln_gamma(0.5 * nu).abs();
            for z in [-20.0, -2.0, -0.3, 0.0, 0.9, 5.0] {
                assert!(
                    (law.cdf(z) - t.cdf(nu.sqrt() * z)).abs() < cdf_tol,
                    "ν = {nu}, z = {z}: {} vs {}",
                    law.cdf(z),
                    t.cdf(nu.sqrt() * z)
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
    fn pearson_iv_mean_is_the_integral_of_x_pdf() {
        // E X = λ − av/(2(m − 1)) against ∫x·p(x)dx by crate::stats::quadrature::integrate in
        // u = arctan((x − λ)/a) (dx = a(1 + z²)du), for m > 1, both signs of v, a ≠ 1, λ ≠ 0.
        for (m, v, a, lambda) in [
            (2.3, 1.1, 0.4, -3.0),
            (1.8, -2.5, 3.0, 1.5),
            (6.0, 4.0, 0.05, 0.2),
        ] {
            let law = pearson_iv(m, v, a, lambda);
            let x_of = |u: f64| lambda + a * libm::tan(u);
            let weight = |u: f64| {
                let z = libm::tan(u);
                law.pdf(x_of(u)) * a * (1.0 + z * z)
            };
            let (lo, hi) = (-FRAC_PI_2 + 1e-12, FRAC_PI_2 - 1e-12);
            let mass = integrate(weight, lo, hi, 1e-13);
            let first = integrate(|u| x_of(u) * weight(u), lo, hi, 1e-13);
            assert!((mass - 1.0).abs() < 1e-9, "m = {m}: mass {mass}");
            let mean = law.mean().unwrap();
            // m = 1.8: x·p(x) ~ |x|^{−2.6}, a slowly converging tail, hence 1e-6.
            assert!(
                (first - mean).abs() < 1e-6 * (1.0 + mean.abs()),
                "m = {m}, v = {v}: ∫x p = {first} vs {mean}"
            );
        }
    }

    #[test]
    fn quantile_inverts_the_cdf_and_scaling_is_affine() {
        let law = pearson_iv(2.3, 1.1, 0.4, -3.0);
        for p in [1e-9, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0 - 1e-9] {
            let x = law.quantile(p);
            let back = if p < 0.5 { law.cdf(x) } else { 1.0 - law.sf(x) };
            assert!((back - p).abs() < 1e-12 * p.max(1e-3) / 1e-3, "p = {p}");
        }
        // X = λ + aZ: cdf_X(x) = cdf_Z((x − λ)/a), pdf scales by 1/a.
        let z = pearson_iv(2.3, 1.1, 1.0, 0.0);
        for x in [-5.0, -3.0, -2.2, 0.0] {
            assert!((law.cdf(x) - z.cdf((x + 3.0) / 0.4)).abs() < 1e-13);
            assert!((law.pdf(x) - z.pdf((x + 3.0) / 0.4) / 0.4).abs() < 1e-12);
        }
        // The affine laws of the coefficients: q_iᵀX = offset + scale·Z with scale < 0
        // reflects Z (cdf_X(x) = sf_Z((x − offset)/scale)).
        let mut c = PearsonCoefficients::new(1.0, 0.4, 0.3, Chi::One).unwrap();
        (c.scale, c.offset) = (-0.5, 2.0);
        let (law_z, law_x) = (c.law_z().unwrap(), c.law_x().unwrap());
        for x in [-1.0, 1.7, 2.0, 4.0] {
            let w = (x - 2.0) / -0.5;
            assert!((law_x.cdf(x) - law_z.sf(w)).abs() < 1e-13, "x = {x}");
            assert!((law_x.pdf(x) - law_z.pdf(w) / 0.5).abs() < 1e-12);
        }
        assert!((law_x.mean().unwrap() - (2.0 - 0.5 * 0.3)).abs() < 1e-14);
        assert_eq!(law_x.tail_index(), c.nu());
    }

    #[test]
    fn inverse_gamma_law() {
        // shape 3, scale 2: cdf(1) = Q(3, 2) = e^{−2}(1 + 2 + 2) = 5e^{−2}; mean 2/(3−1) = 1.
        let w = InverseGamma::new(3.0, 2.0).unwrap();
        let law = StationaryLaw::InverseGamma(AffineInverseGamma::new(w, 1.0, 0.0).unwrap());
        assert!((law.cdf(1.0) - 5.0 * libm::exp(-2.0)).abs() < 1e-14);
        assert!((law.mean().unwrap() - 1.0).abs() < 1e-15);
        // Density: 2³/Γ(3)·w^{−4}e^{−2/w} at w = 1: 4e^{−2}.
        assert!((law.pdf(1.0) - 4.0 * libm::exp(-2.0)).abs() < 1e-14);
        assert!((law.cdf(law.quantile(0.3)) - 0.3).abs() < 1e-12);
        assert_eq!(law.tail_index(), 3.0);
        // Reflected and shifted: X = 5 − 2W.
        let r = StationaryLaw::InverseGamma(AffineInverseGamma::new(w, -2.0, 5.0).unwrap());
        assert!((r.sf(3.0) - law.cdf(1.0)).abs() < 1e-14);
        assert!((r.pdf(3.0) - law.pdf(1.0) / 2.0).abs() < 1e-14);
        assert!((r.cdf(r.quantile(0.8)) - 0.8).abs() < 1e-12);
        assert!((r.mean().unwrap() - 3.0).abs() < 1e-15);
        assert_eq!(r.pdf(6.0), 0.0);
        assert_eq!(r.cdf(6.0), 1.0);
        assert_eq!(r.quantile(1.0), 5.0);
        // Draws of the reflected law sit below 5 and have its mean (sd of W is 2, so the
        // sd of X is 4 and the SE of 20 000 draws 0.03; the variance is finite for α = 3).
        let mut stream = rng::stream(7, 0);
        let draws: Vec<f64> = (0..20_000)
            .map(|_| r.as_law().sample(&mut stream))
            .collect();
        assert!(draws.iter().all(|&x| x < 5.0));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 3.0).abs() < 0.15, "{mean}");
        assert!(AffineInverseGamma::new(w, 0.0, 0.0).is_err());
        assert!(AffineInverseGamma::new(w, 1.0, f64::NAN).is_err());
    }

    /// Kolmogorov–Smirnov distance of a sample to a cdf.
    fn ks_distance(sample: &mut [f64], cdf: impl Fn(f64) -> f64) -> f64 {
        sample.sort_by(f64::total_cmp);
        crate::stats::sample::ks_statistic(sample.iter().map(|&x| cdf(x)), f64::INFINITY)
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
        let bounds =
            crate::model::bounds::BoundsModel::from_spectrum(&s, gamma, batch, delta).unwrap();
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
