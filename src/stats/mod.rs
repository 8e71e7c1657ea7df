//! Statistics on samples: laws as values, tail-index estimators, maximum-likelihood fits
//! and the numerical tools they share (MATH.md §4.2).
//!
//! - [`distributions`]: Gaussian, Student t, skew t, Pearson IV, inverse gamma, α-stable;
//! - [`estimators`]: Hill, Pickands, moment, stable-index estimators and the bootstraps;
//! - [`fits`]: fitted laws with their goodness of fit;
//! - [`optimize`]: the minimisers of the fits (Brent, Nelder–Mead);
//! - [`quadrature`]: the one adaptive integrator;
//! - [`sample`]: the smallest sample, the one check of a sample, the KS statistic.
//!
//! Depends on nothing but the crate's error and random-stream modules.

pub mod distributions;
pub mod estimators;
pub mod fits;
pub mod optimize;
pub mod quadrature;
pub mod sample;
