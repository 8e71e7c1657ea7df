//! From a user's settings to what the page, the CLI and the exports print.
//!
//! - [`config`]: the one struct of every setting, read from and written to the URL;
//! - [`display`]: the lists of names of its display-only settings `hide=` and `panels=`;
//! - [`controls`]: each setting's label, hint and values, for the page's forms and the
//!   CLI's help;
//! - [`analysis`]: Config → Problem → Spectrum → simulation → estimates and fits →
//!   [`analysis::Report`];
//! - [`evolution`]: the inspected coordinate at the timeline's checkpoints, with its
//!   variance and Hill index at each;
//! - [`runs`]: the problem, its SVD and bounds, and the simulated runs of a config;
//! - [`verdict`]: where a measured index lies relative to the bounds and to α_SGD;
//! - [`presets`]: named experiments, each a URL query;
//! - [`sweep`]: the bounds as curves over γ, B or δ with measured points;
//! - [`convex_order`]: what the theory's Pearson curve is, K·θ_i, and Theorem 3.1 measured.
//!
//! Uses [`crate::model`] and [`crate::stats`]; knows nothing of plots or the web.

pub mod analysis;
pub mod config;
pub mod controls;
pub mod convex_order;
pub mod display;
pub mod evolution;
pub mod presets;
pub mod runs;
pub mod sweep;
pub mod verdict;
