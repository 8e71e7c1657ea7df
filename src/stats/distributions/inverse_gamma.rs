//! The inverse-gamma law, the stationary law of the χ = 0 Pearson diffusion (MATH.md §2.3:
//! shape ν, scale μ(ν − 1)).
//!
//! With shape α > 0 and scale β > 0, on x > 0:
//! - ln pdf = α ln β − ln Γ(α) − (α + 1) ln x − β/x;
//! - cdf = Q(α, β/x) (upper regularised incomplete gamma), sf = P(α, β/x) (statrs'
//!   `gamma_ur`, `gamma_lr`);
//! - tail index α; sampling: β/G with G ~ Gamma(α, 1).

use super::law::Law;
use crate::rng::Stream;
use crate::{Error, Result};
use statrs::function::gamma::{gamma_lr, gamma_ur};

/// The inverse-gamma law with shape α and scale β.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InverseGamma {
    shape: f64,
    scale: f64,
    /// α ln β − ln Γ(α).
    ln_norm: f64,
}

impl InverseGamma {
    /// The inverse-gamma law with `shape` α and `scale` β.
    ///
    /// # Errors
    /// Both must be finite and > 0.
    pub fn new(shape: f64, scale: f64) -> Result<Self> {
        if !(shape > 0.0) || !shape.is_finite() {
            return Err(Error::new(
                "shape",
                "the inverse-gamma shape must be finite and > 0",
            ));
        }
        if !(scale > 0.0) || !scale.is_finite() {
            return Err(Error::new(
                "scale",
                "the inverse-gamma scale must be finite and > 0",
            ));
        }
        Ok(InverseGamma {
            shape,
            scale,
            ln_norm: shape * libm::log(scale) - libm::lgamma(shape),
        })
    }
    /// The shape α (= tail index).
    pub fn shape(&self) -> f64 {
        self.shape
    }
    /// The scale β.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// P(X > x) when `upper`, P(X ≤ x) otherwise: P(α, β/x) or Q(α, β/x) inside the
    /// support, each computed directly so neither loses its small tail to 1 − the other.
    fn probability(&self, x: f64, upper: bool) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if !(x > 0.0) {
            return if upper { 1.0 } else { 0.0 };
        }
        if x == f64::INFINITY {
            return if upper { 0.0 } else { 1.0 };
        }
        if upper {
            gamma_lr(self.shape, self.scale / x)
        } else {
            gamma_ur(self.shape, self.scale / x)
        }
    }
}

impl Law for InverseGamma {
    fn name(&self) -> &'static str {
        "inverse_gamma"
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if !(x > 0.0) || x == f64::INFINITY {
            return f64::NEG_INFINITY;
        }
        self.ln_norm - (self.shape + 1.0) * libm::log(x) - self.scale / x
    }
    fn cdf(&self, x: f64) -> f64 {
        self.probability(x, false)
    }
    fn sf(&self, x: f64) -> f64 {
        self.probability(x, true)
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
    fn centre_and_spread(&self) -> (f64, f64) {
        // The mode β/(α + 1) and a spread of the same size.
        let mode = self.scale / (self.shape + 1.0);
        (mode, mode)
    }
    fn sample(&self, rng: &mut Stream) -> f64 {
        self.scale / super::law::standard_gamma(self.shape, rng)
    }
    fn n_params(&self) -> usize {
        2
    }
    fn tail_index(&self) -> Option<f64> {
        Some(self.shape)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check_law, fixtures, ks_distance_of_draws, rel_diff};
    use super::*;

    #[test]
    fn matches_scipy_invgamma() {
        // Reference: scipy.stats.invgamma(shape, scale=scale).{pdf, logpdf, cdf, sf}(x).
        for row in fixtures()["inverse_gamma"].as_array().unwrap() {
            let g = |k: &str| row[k].as_f64().unwrap();
            let law = InverseGamma::new(g("shape"), g("scale")).unwrap();
            let x = g("x");
            for (name, ours, tol) in [
                ("pdf", law.pdf(x), 1e-11),
                ("cdf", law.cdf(x), 1e-9),
                ("sf", law.sf(x), 1e-9),
            ] {
                let theirs = g(name);
                if theirs > 1e-290 {
                    assert!(
                        rel_diff(ours, theirs) < tol,
                        "{name} {law:?} at {x}: {ours} vs {theirs}"
                    );
                }
            }
            if g("pdf") > 1e-290 {
                assert!(
                    (law.ln_pdf(x) - g("logpdf")).abs() < 1e-13 * g("logpdf").abs().max(1.0),
                    "logpdf {law:?} at {x}"
                );
            }
        }
    }

    #[test]
    fn is_a_consistent_law() {
        let law = InverseGamma::new(3.5, 2.0).unwrap();
        check_law(&law, 1e-3, 20.0, 20, 1e-11);
        let d = ks_distance_of_draws(&law, 5, 20_000);
        assert!(d < 1.63 / (20_000f64).sqrt(), "D = {d}");
        let heavy = InverseGamma::new(0.7, 1.0).unwrap();
        let d = ks_distance_of_draws(&heavy, 6, 20_000);
        assert!(d < 1.63 / (20_000f64).sqrt(), "D = {d}");
    }

    #[test]
    fn rejects_bad_parameters() {
        assert_eq!(InverseGamma::new(0.0, 1.0).unwrap_err().field, "shape");
        assert_eq!(InverseGamma::new(1.0, f64::NAN).unwrap_err().field, "scale");
    }
}
