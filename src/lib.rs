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
//! The layers, each using only those above it (ARCHITECTURE.md draws the data path):
//!
//! | module | what it holds |
//! |---|---|
//! | [`error`], [`rng`], [`formats`] | the error type; seeded, per-run random streams; JSON and the binary form |
//! | [`model`] | problem, spectrum, SGD, hSGD, Pearson diffusions, bounds, exact discrete SGD, α_SGD |
//! | [`stats`] | laws, tail-index estimators, fits, quadrature |
//! | [`report`] | the settings ([`report::config::Config`]), the pipeline to a [`report::analysis::Report`], the sweep |
//! | [`plots`] | every figure, drawn from a report onto any plotters backend |
//! | `web` | the page and its workers (wasm32 only); the `hsgd` binary is the terminal's |
//!
//! The core is pure and deterministic; `web` and the `hsgd` binary are thin.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Tests state a config as "the default, except …".
#![cfg_attr(test, allow(clippy::field_reassign_with_default))]

pub mod error;
pub mod formats;
pub mod model;
pub mod plots;
pub mod report;
pub mod rng;
pub mod stats;
#[cfg(target_arch = "wasm32")]
pub mod web;
/// The page's plain-Rust parts, natively (for their unit tests and `tests/page_numbers.rs`):
/// the same files as the wasm module `web`, without the browser parts.
#[cfg(not(target_arch = "wasm32"))]
pub mod web {
    pub mod cost;
    pub mod embed_code;
    pub mod explain;
    pub mod format;
    pub mod mathml;
    pub mod numbers;
    pub mod panel;
    pub mod pearson_note;
    pub mod preset_links;
    pub mod protocol;
    pub mod stability;
    pub mod sweep_table;
    #[cfg(test)]
    pub(crate) mod test_support;
}

pub use error::{Error, Result};
