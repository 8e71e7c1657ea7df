//! The model: the paper's mathematics, independent of how it is shown.
//!
//! - [`problem`]: ridge least squares on synthetic, digits or CSV data (MATH.md §0, §5.2);
//! - [`spectrum`]: the SVD that decouples hSGD (§2.1);
//! - [`sgd`] and [`hsgd`]: the two dynamics (§1.1, §4.1);
//! - [`pearson`]: the one-dimensional Pearson diffusions and their stationary laws (§2.2–2.3);
//! - [`bounds`]: the diffusion model's tail-index bounds (§3);
//! - [`discrete`] and [`sgd_index`]: exact discrete SGD and its own tail index α_SGD (§4.1,
//!   §4.3).
//!
//! - [`simulation`]: what a simulation of either dynamics records and returns;
//! - [`lanes`]: the dot product in the fixed summation order that SGD and the SVD share;
//! - [`step`]: the step parameters γ, B, δ and their one check.
//!
//! Nothing here knows of statistics on samples, reports, plots or the web.

pub mod bounds;
pub mod discrete;
pub mod hsgd;
pub mod lanes;
pub mod pearson;
pub mod problem;
pub mod sgd;
pub mod sgd_index;
pub mod simulation;
pub mod spectrum;
pub mod step;
