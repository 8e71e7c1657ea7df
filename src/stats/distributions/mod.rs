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

mod fitted;
mod gaussian;
mod inverse_gamma;
mod law;
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

pub use fitted::FittedLaw;
pub use law::{newton_quantile, Law};

#[cfg(test)]
pub(crate) mod testing;

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
