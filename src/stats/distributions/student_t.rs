//! The Student t law loc + scale·t(ν) (MATH.md §4.2).
//!
//! With z = (x − loc)/scale:
//! - ln pdf = ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ) − ln scale − ((ν+1)/2) ln(1 + z²/ν);
//! - P(T > |z|) = ½ I_{ν/(ν+z²)}(ν/2, ½) (regularised incomplete beta,
//!   [`special::beta_reg`](super::special::beta_reg), given 1 − x = z²/(ν+z²) exactly);
//! - tail index ν; sampling: T = Z·√(ν/(2G)) with Z ~ N(0, 1),
//!   G ~ Gamma(ν/2, 1).
//!
//! ln Γ is `libm::lgamma` (bit-identical natively and in wasm). Checked against scipy for
//! ν from 0.7 to 1000 in the body and far tails.

use super::law::Law;
use super::special::beta_reg;
use crate::rng::Stream;
use crate::{Error, Result};

/// The law loc + scale·t(df).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StudentT {
    loc: f64,
    scale: f64,
    df: f64,
    /// ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ) − ln scale.
    ln_norm: f64,
}

/// ln(1 + y) for y ≥ 0, without overflow of y itself when y comes from z² (z huge).
fn log1p_square_over(z: f64, df: f64) -> f64 {
    let y = z * z / df;
    if y.is_finite() {
        libm::log1p(y)
    } else {
        // z² overflowed: ln(z²/ν) = 2 ln|z| − ln ν (1 is negligible).
        2.0 * libm::log(z.abs()) - libm::log(df)
    }
}

/// ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ): the log normaliser of the standard t(ν).
pub(crate) fn ln_norm_standard(df: f64) -> f64 {
    libm::lgamma(0.5 * (df + 1.0))
        - libm::lgamma(0.5 * df)
        - 0.5 * libm::log(df * std::f64::consts::PI)
}

/// P(T > z) for the standard t(ν).
pub(crate) fn standard_sf(z: f64, df: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z == 0.0 {
        return 0.5;
    }
    let z2 = z * z;
    // P(T > |z|) = ½ I_{ν/(ν+z²)}(ν/2, ½), with 1 − x = z²/(ν+z²) formed directly.
    let upper = if z2.is_finite() {
        0.5 * beta_reg(0.5 * df, 0.5, df / (df + z2), z2 / (df + z2))
    } else {
        0.0
    };
    if z > 0.0 {
        upper
    } else {
        1.0 - upper
    }
}

impl StudentT {
    /// The law loc + scale·t(df).
    ///
    /// # Errors
    /// `loc` must be finite, `scale` finite and > 0, `df` finite and > 0.
    pub fn new(loc: f64, scale: f64, df: f64) -> Result<Self> {
        if !loc.is_finite() {
            return Err(Error::new(
                "loc",
                "the Student t location must be a finite number",
            ));
        }
        if !(scale > 0.0) || !scale.is_finite() {
            return Err(Error::new(
                "scale",
                "the Student t scale must be finite and > 0",
            ));
        }
        if !(df > 0.0) || !df.is_finite() {
            return Err(Error::new(
                "df",
                "the Student t degrees of freedom must be finite and > 0",
            ));
        }
        Ok(StudentT {
            loc,
            scale,
            df,
            ln_norm: ln_norm_standard(df) - libm::log(scale),
        })
    }
    /// The location.
    pub fn loc(&self) -> f64 {
        self.loc
    }
    /// The scale.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// The degrees of freedom ν.
    pub fn df(&self) -> f64 {
        self.df
    }
}

impl Law for StudentT {
    fn name(&self) -> &'static str {
        "student_t"
    }
    fn ln_pdf(&self, x: f64) -> f64 {
        let z = (x - self.loc) / self.scale;
        self.ln_norm - 0.5 * (self.df + 1.0) * log1p_square_over(z, self.df)
    }
    fn cdf(&self, x: f64) -> f64 {
        standard_sf(-(x - self.loc) / self.scale, self.df)
    }
    fn sf(&self, x: f64) -> f64 {
        standard_sf((x - self.loc) / self.scale, self.df)
    }
    fn centre_and_spread(&self) -> (f64, f64) {
        (self.loc, self.scale)
    }
    fn sample(&self, rng: &mut Stream) -> f64 {
        let z = crate::rng::standard_normal(rng);
        let g = super::law::standard_gamma(0.5 * self.df, rng);
        self.loc + self.scale * z * (0.5 * self.df / g).sqrt()
    }
    fn n_params(&self) -> usize {
        3
    }
    fn tail_index(&self) -> Option<f64> {
        Some(self.df)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{check_law, fixtures, ks_distance_of_draws, rel_diff};
    use super::*;

    #[test]
    fn matches_scipy_t_in_body_and_tails() {
        // Reference: scipy.stats.t(df, loc, scale).{pdf, logpdf, cdf, sf}(x) for
        // df ∈ {0.7, 1, 2.5, 4, 30, 500, 1000}, x from −10⁶ to 10⁴.
        let mut worst = [0.0f64; 4];
        for row in fixtures()["student_t"].as_array().unwrap() {
            let g = |k: &str| row[k].as_f64().unwrap();
            let law = StudentT::new(g("loc"), g("scale"), g("df")).unwrap();
            let x = g("x");
            let errs = [
                rel_diff(law.pdf(x), g("pdf")),
                rel_diff(law.ln_pdf(x), g("logpdf")),
                rel_diff(law.cdf(x), g("cdf")),
                rel_diff(law.sf(x), g("sf")),
            ];
            for (w, e) in worst.iter_mut().zip(errs) {
                *w = w.max(e);
            }
            assert!(
                errs[0] < 1e-10,
                "pdf {law:?} at {x}: {} vs {}",
                law.pdf(x),
                g("pdf")
            );
            assert!(errs[1] < 1e-12, "logpdf {law:?} at {x}");
            assert!(
                errs[2] < 1e-9,
                "cdf {law:?} at {x}: {} vs {}",
                law.cdf(x),
                g("cdf")
            );
            assert!(
                errs[3] < 1e-9,
                "sf {law:?} at {x}: {} vs {}",
                law.sf(x),
                g("sf")
            );
        }
        eprintln!("worst relative errors pdf/logpdf/cdf/sf: {worst:?}");
    }

    #[test]
    fn is_a_consistent_law() {
        for &df in &[0.7, 2.5, 30.0, 800.0] {
            let law = StudentT::new(1.5, 2.0, df).unwrap();
            check_law(&law, -20.0, 25.0, 15, 1e-11);
        }
        // Cauchy quantile in closed form: tan(π(p − ½)).
        let cauchy = StudentT::new(0.0, 1.0, 1.0).unwrap();
        let p: f64 = 0.9;
        let exact = libm::tan(std::f64::consts::PI * (p - 0.5));
        assert!(rel_diff(cauchy.quantile(p), exact) < 1e-13);
    }

    #[test]
    fn draws_follow_the_cdf() {
        // KS distance of 20k draws below the 1% critical value 1.63/√n.
        for (seed, &df) in [0.6, 3.0, 50.0].iter().enumerate() {
            let law = StudentT::new(-1.0, 0.5, df).unwrap();
            let d = ks_distance_of_draws(&law, seed as u64, 20_000);
            assert!(d < 1.63 / (20_000f64).sqrt(), "df {df}: D = {d}");
        }
    }

    #[test]
    fn rejects_bad_parameters() {
        assert_eq!(StudentT::new(0.0, 1.0, 0.0).unwrap_err().field, "df");
        assert_eq!(StudentT::new(0.0, -1.0, 3.0).unwrap_err().field, "scale");
        assert_eq!(StudentT::new(f64::NAN, 1.0, 3.0).unwrap_err().field, "loc");
        assert!(StudentT::new(0.0, 1.0, f64::INFINITY).is_err());
    }
}
