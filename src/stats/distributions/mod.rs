//! Laws as values: evaluate (pdf, ln pdf, cdf, sf, quantile), sample, and report the tail
//! index (MATH.md §2.3, §4.2).
//!
//! Every law implements the object-safe trait [`Law`], so plots and reports can hold a
//! `Box<dyn Law>`. The laws:
//! - [`Gaussian`] N(μ, σ²);
//! - [`StudentT`] loc + scale·t(ν), tail index ν;
//! - [`PearsonIV`] (m, v, a, λ), density k[1 + z²]^{−m} e^{−v·arctan z} with z = (x − λ)/a,
//!   the "skew Student t" of the paper, tail index 2m − 1;
//! - [`InverseGamma`] (shape, scale), the χ = 0 stationary law, tail index = shape;
//! - `stable::Stable` (the alpha-stable law, in its own folder of modules).
//!
//! [`FittedLaw`] is the serialisable parameter record a fit returns; [`FittedLaw::law`]
//! turns it back into a `Box<dyn Law>`.
//!
//! The default [`Law::quantile`] brackets the root of cdf(x) = p by doubling steps out
//! from the law's centre, then takes safeguarded Newton steps (bisection whenever a Newton
//! step leaves the bracket or fails to halve the previous step), solving sf(x) = 1 − p
//! instead when p > ½ so upper-tail quantiles keep their relative accuracy (the scheme of
//! statrs' `newton_raphson_quantile`).

// NaN-proof parameter checks `!(x > 0.0)` (STYLE.md, as rand_distr) are intended.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod gaussian;
mod inverse_gamma;
mod pearson4;
pub mod special;
pub mod stable;
mod student_t;

pub use gaussian::Gaussian;
pub use inverse_gamma::InverseGamma;
pub use pearson4::PearsonIV;
pub(crate) use pearson4::{
    ln_normaliser as pearson4_ln_normaliser, ln_one_plus_square as pearson4_ln_one_plus_square,
};
pub use student_t::StudentT;

use crate::rng::Stream;
use crate::Result;
use serde::{Deserialize, Serialize};

/// A univariate continuous law: evaluate, invert, sample.
///
/// Methods are unchecked like statrs' `Continuous`: `x = ±∞` gives the limits, a NaN `x`
/// gives NaN. `quantile(p)` is defined for p ∈ [0, 1] and is NaN outside.
pub trait Law: std::fmt::Debug + Send + Sync {
    /// A short name for legends and reports ("gaussian", "student_t", …).
    fn name(&self) -> &'static str;
    /// The density at `x`.
    fn pdf(&self, x: f64) -> f64 {
        libm::exp(self.ln_pdf(x))
    }
    /// The natural logarithm of the density at `x` (−∞ outside the support).
    fn ln_pdf(&self, x: f64) -> f64;
    /// P(X ≤ x).
    fn cdf(&self, x: f64) -> f64;
    /// P(X > x); laws override it where 1 − cdf would lose the upper tail.
    fn sf(&self, x: f64) -> f64 {
        1.0 - self.cdf(x)
    }
    /// The cdf at each point of an ascending slice (laws with an expensive cdf override
    /// this with an incremental computation).
    fn cdf_sorted(&self, sorted: &[f64]) -> Vec<f64> {
        sorted.iter().map(|&x| self.cdf(x)).collect()
    }
    /// The support (lower, upper) end points (possibly infinite).
    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
    /// A centre and a positive spread, used to start the quantile search (the default
    /// (0, 1) works for any law, just with more bracketing steps when far off).
    fn centre_and_spread(&self) -> (f64, f64) {
        (0.0, 1.0)
    }
    /// The p-quantile, the x with cdf(x) = p.
    fn quantile(&self, p: f64) -> f64 {
        newton_quantile(self, p)
    }
    /// One variate drawn from `rng`.
    fn sample(&self, rng: &mut Stream) -> f64;
    /// The number of free parameters (for AIC).
    fn n_params(&self) -> usize;
    /// The tail index η = sup{p : E|X|^p < ∞} (MATH.md §0); `None` when every moment is
    /// finite (Gaussian).
    fn tail_index(&self) -> Option<f64>;
}

/// statrs' `Continuous` and `ContinuousCDF` (and `Min`/`Max`) for the laws, delegating to
/// [`Law`] (`inverse_cdf` is [`Law::quantile`]), so statrs-generic code can use them. With
/// both traits in scope, call `Law::pdf(&law, x)` to disambiguate.
macro_rules! impl_statrs_traits {
    ($($law:ty),*) => {$(
        impl statrs::statistics::Min<f64> for $law {
            fn min(&self) -> f64 {
                Law::support(self).0
            }
        }
        impl statrs::statistics::Max<f64> for $law {
            fn max(&self) -> f64 {
                Law::support(self).1
            }
        }
        impl statrs::distribution::Continuous<f64, f64> for $law {
            fn pdf(&self, x: f64) -> f64 {
                Law::pdf(self, x)
            }
            fn ln_pdf(&self, x: f64) -> f64 {
                Law::ln_pdf(self, x)
            }
        }
        impl statrs::distribution::ContinuousCDF<f64, f64> for $law {
            fn cdf(&self, x: f64) -> f64 {
                Law::cdf(self, x)
            }
            fn sf(&self, x: f64) -> f64 {
                Law::sf(self, x)
            }
            fn inverse_cdf(&self, p: f64) -> f64 {
                Law::quantile(self, p)
            }
        }
    )*};
}
impl_statrs_traits!(Gaussian, StudentT, PearsonIV, InverseGamma);

/// The default quantile: bracket, then safeguarded Newton (see the module docs).
pub fn newton_quantile<L: Law + ?Sized>(law: &L, p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    let (lower, upper) = law.support();
    if p == 0.0 {
        return lower;
    }
    if p == 1.0 {
        return upper;
    }
    let upper_half = p > 0.5;
    let target = if upper_half { 1.0 - p } else { p };
    // Increasing in x, zero at the quantile.
    let residual = |x: f64| {
        if upper_half {
            target - law.sf(x)
        } else {
            law.cdf(x) - target
        }
    };
    let (centre, spread) = law.centre_and_spread();
    let mut lo = (centre - spread).max(lower);
    let mut hi = (centre + spread).min(upper);
    let mut step = spread;
    while residual(lo) > 0.0 && lo > lower && lo.is_finite() {
        hi = lo;
        step *= 2.0;
        lo = (centre - step).max(lower);
    }
    step = spread;
    while residual(hi) < 0.0 && hi < upper && hi.is_finite() {
        lo = hi;
        step *= 2.0;
        hi = (centre + step).min(upper);
    }
    let abs_tol = 1e-15 * spread;
    let mut x = 0.5 * (lo + hi);
    let mut last_step = hi - lo;
    for _ in 0..400 {
        let r = residual(x);
        if r == 0.0 {
            return x;
        }
        if r > 0.0 {
            hi = x;
        } else {
            lo = x;
        }
        let newton = x - r / law.pdf(x);
        let next = if newton > lo && newton < hi && (newton - x).abs() <= 0.5 * last_step {
            newton
        } else {
            lo + 0.5 * (hi - lo)
        };
        let moved = (next - x).abs();
        if moved <= 4.0 * f64::EPSILON * next.abs() + abs_tol
            || hi - lo <= 4.0 * f64::EPSILON * lo.abs().max(hi.abs()) + abs_tol
        {
            return next;
        }
        last_step = moved;
        x = next;
    }
    x
}

/// The parameters of a fitted law, serialisable (the report and the CLI's JSON hold this).
///
/// The alpha-stable arm is added by the `stable` fit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "law", rename_all = "snake_case")]
pub enum FittedLaw {
    /// N(mu, sigma²).
    Gaussian {
        /// Mean.
        mu: f64,
        /// Standard deviation.
        sigma: f64,
    },
    /// loc + scale·t(df).
    StudentT {
        /// Location.
        loc: f64,
        /// Scale.
        scale: f64,
        /// Degrees of freedom ν (= tail index).
        df: f64,
    },
    /// Pearson type IV, density k[1 + ((x − λ)/a)²]^{−m} e^{−v·arctan((x − λ)/a)}.
    #[serde(rename = "pearson_iv")]
    PearsonIV {
        /// Shape m > ½ (tail index 2m − 1).
        m: f64,
        /// Skewness parameter v.
        v: f64,
        /// Scale a > 0.
        a: f64,
        /// Location λ.
        lambda: f64,
    },
    /// Alpha-stable in Nolan's S1 parameterisation (scipy's `levy_stable` default).
    Stable {
        /// Index α ∈ (0, 2] (= tail index for α < 2).
        alpha: f64,
        /// Skewness β ∈ [−1, 1].
        beta: f64,
        /// Scale σ > 0.
        scale: f64,
        /// Location (S1).
        loc: f64,
    },
}

impl FittedLaw {
    /// The law these parameters describe (an error if the record is invalid, e.g. read
    /// from a hand-edited file).
    pub fn law(&self) -> Result<Box<dyn Law>> {
        Ok(match *self {
            FittedLaw::Gaussian { mu, sigma } => Box::new(Gaussian::new(mu, sigma)?),
            FittedLaw::StudentT { loc, scale, df } => Box::new(StudentT::new(loc, scale, df)?),
            FittedLaw::PearsonIV { m, v, a, lambda } => Box::new(PearsonIV::new(m, v, a, lambda)?),
            FittedLaw::Stable {
                alpha,
                beta,
                scale,
                loc,
            } => Box::new(stable::Stable::new(alpha, beta, scale, loc)?),
        })
    }

    /// The tail index of the law (`None` for the Gaussian).
    pub fn tail_index(&self) -> Option<f64> {
        match *self {
            FittedLaw::Gaussian { .. } => None,
            FittedLaw::StudentT { df, .. } => Some(df),
            FittedLaw::PearsonIV { m, .. } => Some(2.0 * m - 1.0),
            FittedLaw::Stable { alpha, .. } => (alpha < 2.0).then_some(alpha),
        }
    }
}

/// A gamma(shape, 1) variate by Marsaglia & Tsang (2000), with Stuart's boost
/// G(α) = G(α + 1)·U^{1/α} for α < 1. Written with `libm` and [`crate::rng`] so a seed
/// gives the same numbers natively and in wasm (rand_distr's Gamma uses std's `ln`).
pub(crate) fn standard_gamma(shape: f64, rng: &mut Stream) -> f64 {
    if shape < 1.0 {
        let u = crate::rng::uniform_open(rng);
        return standard_gamma(shape + 1.0, rng) * libm::pow(u, 1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = crate::rng::standard_normal(rng);
        let v = 1.0 + c * z;
        if v <= 0.0 {
            continue;
        }
        let v3 = v * v * v;
        let u = crate::rng::uniform_open(rng);
        if libm::log(u) < 0.5 * z * z + d - d * v3 + d * libm::log(v3) {
            return d * v3;
        }
    }
}

/// Shared test helpers: the fixture file and a generic law check.
#[cfg(test)]
pub(crate) mod testing {
    use super::Law;

    /// The reference values written by `tests/fixtures/fits/make_fixtures.py`.
    pub fn fixtures() -> &'static serde_json::Value {
        use std::sync::OnceLock;
        static FIXTURES: OnceLock<serde_json::Value> = OnceLock::new();
        FIXTURES.get_or_init(|| {
            serde_json::from_str(include_str!("../../../tests/fixtures/fits/fixtures.json"))
                .expect("fixtures.json parses")
        })
    }

    /// Relative difference, with an absolute floor for values near zero.
    pub fn rel_diff(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        (a - b).abs() / b.abs().max(1e-300)
    }

    /// statrs' check_continuous_distribution, adapted: on [lo, hi] the pdf integrates to
    /// the cdf difference (Gauss–Kronrod on each of `pieces` panels, tolerance `tol`
    /// absolute), cdf + sf = 1, ln_pdf = ln pdf, and cdf(quantile(p)) ≈ p for a range of p
    /// including both tails.
    pub fn check_law(law: &dyn Law, lo: f64, hi: f64, pieces: usize, tol: f64) {
        let mut x0 = lo;
        let width = (hi - lo) / pieces as f64;
        for i in 1..=pieces {
            let x1 = lo + width * i as f64;
            let integral = crate::stats::quadrature::integrate(|x| law.pdf(x), x0, x1, 1e-12);
            let diff = law.cdf(x1) - law.cdf(x0);
            assert!(
                (integral - diff).abs() <= tol,
                "{law:?}: ∫pdf over [{x0}, {x1}] = {integral} but cdf difference {diff}"
            );
            let s = law.cdf(x1) + law.sf(x1);
            assert!((s - 1.0).abs() < 1e-13, "{law:?}: cdf + sf = {s} at {x1}");
            let lp = law.ln_pdf(x1);
            if lp.is_finite() {
                assert!((libm::exp(lp) - law.pdf(x1)).abs() <= 1e-14 * law.pdf(x1).max(1e-300));
            }
            x0 = x1;
        }
        for &p in &[
            1e-12,
            1e-6,
            0.001,
            0.025,
            0.2,
            0.5,
            0.7,
            0.975,
            0.999,
            1.0 - 1e-6,
            1.0 - 1e-12,
        ] {
            let q = law.quantile(p);
            assert!(q.is_finite(), "{law:?}: quantile({p}) = {q}");
            let back = if p > 0.5 { 1.0 - law.sf(q) } else { law.cdf(q) };
            let err = if p > 0.5 {
                rel_diff(law.sf(q), 1.0 - p)
            } else {
                rel_diff(law.cdf(q), p)
            };
            assert!(
                err < 1e-9,
                "{law:?}: cdf(quantile({p})) = {back} (rel err {err})"
            );
        }
        assert_eq!(law.quantile(0.0), law.support().0);
        assert_eq!(law.quantile(1.0), law.support().1);
        assert!(law.quantile(1.5).is_nan());
        assert_eq!(law.cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(law.cdf(f64::INFINITY), 1.0);
    }

    #[test]
    fn fitted_law_round_trips_and_validates() {
        use super::FittedLaw;
        let rec = FittedLaw::PearsonIV {
            m: 2.0,
            v: -1.0,
            a: 1.5,
            lambda: 0.25,
        };
        let json = serde_json::to_string(&rec).unwrap();
        assert_eq!(
            json,
            r#"{"law":"pearson_iv","m":2.0,"v":-1.0,"a":1.5,"lambda":0.25}"#
        );
        assert_eq!(serde_json::from_str::<FittedLaw>(&json).unwrap(), rec);
        let law = rec.law().unwrap();
        assert_eq!(
            (law.name(), law.n_params(), law.tail_index()),
            ("pearson_iv", 4, Some(3.0))
        );
        assert_eq!(rec.tail_index(), Some(3.0));
        let bad = FittedLaw::StudentT {
            loc: 0.0,
            scale: 1.0,
            df: -1.0,
        };
        assert_eq!(bad.law().unwrap_err().field, "df");
        assert_eq!(
            FittedLaw::Gaussian {
                mu: 0.0,
                sigma: 1.0
            }
            .tail_index(),
            None
        );
    }

    #[test]
    fn statrs_traits_delegate_to_law() {
        use statrs::distribution::{Continuous, ContinuousCDF};
        let t = super::StudentT::new(0.5, 2.0, 3.0).unwrap();
        assert_eq!(Continuous::pdf(&t, 1.3), Law::pdf(&t, 1.3));
        assert_eq!(ContinuousCDF::cdf(&t, 1.3), Law::cdf(&t, 1.3));
        assert_eq!(t.inverse_cdf(0.9), Law::quantile(&t, 0.9));
        let g = super::InverseGamma::new(2.0, 1.0).unwrap();
        assert_eq!(statrs::statistics::Min::min(&g), 0.0);
    }

    /// Kolmogorov–Smirnov distance between `n` draws of `law` and its cdf.
    pub fn ks_distance_of_draws(law: &dyn Law, seed: u64, n: usize) -> f64 {
        let mut rng = crate::rng::stream(seed, 0);
        let mut xs: Vec<f64> = (0..n).map(|_| law.sample(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        crate::stats::sample::ks_statistic(law.cdf_sorted(&xs).into_iter(), f64::INFINITY)
    }
}
