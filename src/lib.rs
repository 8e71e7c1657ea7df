//! # hsgd — heavy tails in homogenized stochastic gradient descent
//!
//! The model of Jiao & Keller-Ressel, *Emergence of heavy tails in homogenized stochastic
//! gradient descent* (arXiv 2402.01382), as a library: ridge least-squares problems, their
//! SVD, mini-batch SGD and homogenized SGD, the Pearson diffusions that decouple hSGD, the
//! paper's tail-index bounds, tail-index estimators and fitted laws, and plots.
//!
//! The mathematical specification is `MATH.md` (shared with the project); each module
//! cites its section. Conventions (MATH.md §0): f(x) = (1/2n)|Ax − b|² + (δ/2)|x|², so the
//! paper's δ is n times ours.
//!
//! Data flow (DESIGN.md): [`config::Config`] → [`problem::Problem`] →
//! [`spectrum::Spectrum`] → simulation ([`sgd`], [`hsgd`]) → [`analysis`] → report → [`plots`].
//! The core is pure and deterministic; `web` (wasm32 only) and the `hsgd` binary are thin.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Tests state a config as "the default, except …".
#![cfg_attr(test, allow(clippy::field_reassign_with_default))]

pub mod analysis;
pub mod bounds;
pub mod config;
pub mod discrete;
pub mod distributions;
pub mod error;
pub mod estimators;
pub mod fits;
pub mod hsgd;
pub mod pearson;
pub mod plots;
pub mod problem;
pub mod quadrature;
pub mod rng;
pub mod sgd;
pub mod sgd_index;
pub mod spectrum;
pub mod sweep;
#[cfg(target_arch = "wasm32")]
pub mod web;
/// The page's text panels, natively (for their unit tests): the same files as the wasm
/// module `web`, without the browser parts.
#[cfg(not(target_arch = "wasm32"))]
pub mod web {
    pub mod explain;
    pub mod numbers;
}

pub use error::{Error, Result};
