//! The Gaussian law N(μ, σ²) (MATH.md §4.2, the light-tailed reference fit).
//!
//! pdf = exp(−z²/2)/(σ√(2π)), z = (x − μ)/σ; cdf = ½ erfc(−z/√2); sf = ½ erfc(z/√2) (libm's erfc, accurate to
//! an ulp or two; statrs' is ~1e-11 relative);
//! quantile = μ − σ√2·erfc⁻¹(2p) (statrs' erfc and erfc_inv), polished by one Newton step.

use super::law::Law;
use crate::rng::Stream;
use crate::{Error, Result};
use libm::erfc;
use statrs::function::erf::erfc_inv;
use std::f64::consts::SQRT_2;

/// ln √(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The Gaussian law N(mu, sigma²).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gaussian {
    mu: f64,
    sigma: f64,
}

impl Gaussian {
    /// N(mu, sigma²).
    ///
    /// # Errors
    /// `mu` must be finite and `sigma` finite and > 0.
    pub fn new(mu: f64, sigma: f64) -> Result<Self> {
        if !mu.is_finite() {
            return Err(Error::new(
                "mu",
                "the Gaussian mean must be a finite number",
            ));
        }
        if !(sigma > 0.0) || !sigma.is_finite() {
            return Err(Error::new(
                "sigma",
                "the Gaussian standard deviation must be finite and > 0",
            ));
        }
        Ok(Gaussian { mu, sigma })
    }
    /// The mean μ.
    pub fn mu(&self) -> f64 {
        self.mu
    }
    /// The standard deviation σ.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl Law for Gaussian {
    fn name(&self) -> &'static str {
        "gaussian"
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.mu) / self.sigma;
        -0.5 * z * z - LN_SQRT_2PI - libm::log(self.sigma)
    }
    fn cdf(&self, x: f64) -> f64 {
        0.5 * erfc(-(x - self.mu) / (self.sigma * SQRT_2))
    }
    fn sf(&self, x: f64) -> f64 {
        0.5 * erfc((x - self.mu) / (self.sigma * SQRT_2))
    }
    fn centre_and_spread(&self) -> (f64, f64) {
        (self.mu, self.sigma)
    }
    fn quantile(&self, p: f64) -> f64 {
        if !(p > 0.0 && p < 1.0) {
            return super::law::newton_quantile(self, p);
        }
        let x = self.mu - self.sigma * SQRT_2 * erfc_inv(2.0 * p);
        // One Newton step on the better-conditioned side polishes erfc_inv's last digits.
        let residual = if p > 0.5 {
            (1.0 - p) - self.sf(x)
        } else {
            self.cdf(x) - p
        };
        let pdf = self.pdf(x);
        if pdf > 0.0 {
            x - residual / pdf
        } else {
            x
        }
    }
    fn sample(&self, rng: &mut Stream) -> f64 {
        self.mu + self.sigma * crate::rng::standard_normal(rng)
    }
    fn n_params(&self) -> usize {
        2
    }
    fn tail_index(&self) -> Option<f64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check_law, fixtures, ks_distance_of_draws, rel_diff};
    use super::*;

    #[test]
    fn matches_scipy_norm() {
        // Reference: scipy.stats.norm(1, 2).{pdf, logpdf, cdf, sf}.
        let law = Gaussian::new(1.0, 2.0).unwrap();
        for row in fixtures()["gaussian"].as_array().unwrap() {
            let x = row["x"].as_f64().unwrap();
            let g = |k: &str| row[k].as_f64().unwrap();
            assert!(rel_diff(law.pdf(x), g("pdf")) < 1e-13, "pdf({x})");
            assert!(rel_diff(law.ln_pdf(x), g("logpdf")) < 1e-14, "logpdf({x})");
            assert!(rel_diff(law.cdf(x), g("cdf")) < 1e-12, "cdf({x})");
            assert!(rel_diff(law.sf(x), g("sf")) < 1e-12, "sf({x})");
        }
    }

    #[test]
    fn is_a_consistent_law() {
        let law = Gaussian::new(-3.0, 0.25).unwrap();
        check_law(&law, -6.0, 0.0, 12, 1e-12);
        // Known quantile: Φ⁻¹(0.975) = 1.959963984540054 (scipy.stats.norm.ppf).
        assert!(
            (Gaussian::new(0.0, 1.0).unwrap().quantile(0.975) - 1.959_963_984_540_054).abs()
                < 1e-14
        );
        // 20k draws: the KS distance exceeds 1.63/√n only with probability 1%.
        assert!(ks_distance_of_draws(&law, 3, 20_000) < 1.63 / (20_000f64).sqrt());
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(Gaussian::new(f64::NAN, 1.0).is_err());
        assert_eq!(Gaussian::new(0.0, 0.0).unwrap_err().field, "sigma");
        assert!(Gaussian::new(0.0, f64::INFINITY).is_err());
    }
}
