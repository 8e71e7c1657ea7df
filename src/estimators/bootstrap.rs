//! Seeded nonparametric bootstrap percentile intervals for any tail estimator (Efron 1979;
//! the percentile method of Efron & Tibshirani 1993, ch. 13).
//!
//! Replicate b resamples the data with replacement using `rng::stream(seed, b)`, so the
//! interval does not depend on how the replicates are scheduled. The percentile interval
//! is taken on ξ (always finite) and mapped to α = 1/ξ.

use serde::{Deserialize, Serialize};

use super::TailEstimate;
use crate::error::{Error, Result};
use crate::rng;

/// The fewest replicates [`bootstrap_ci`] accepts.
pub const MIN_REPLICATES: usize = 20;

/// A bootstrap percentile interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BootstrapCi {
    /// The coverage level, e.g. 0.95.
    pub level: f64,
    /// The number of resamples drawn.
    pub replicates: usize,
    /// How many resamples the estimator failed on (they are left out).
    pub failed: usize,
    /// The lower end of the interval for ξ.
    pub xi_lo: f64,
    /// The upper end of the interval for ξ.
    pub xi_hi: f64,
    /// The lower end for α, 1/`xi_hi`; `None` when `xi_hi` ≤ 0 (the whole interval says
    /// "no power-law tail").
    pub alpha_lo: Option<f64>,
    /// The upper end for α, 1/`xi_lo`; `None` when `xi_lo` ≤ 0 (unbounded above).
    pub alpha_hi: Option<f64>,
}

/// The p-quantile of ascending `sorted` with linear interpolation (numpy's default).
fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = p * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A seeded bootstrap percentile interval at coverage `level` for `estimator` applied to
/// resamples (with replacement, same size) of the raw `sample`.
///
/// Resamples on which the estimator fails are counted in `failed` and left out.
///
/// # Errors
/// `"sample"` when the sample fails [`super::validate_sample`] or the estimator fails on
/// more than half of the resamples; `"replicates"` below 20; `"level"` outside (0, 1).
pub fn bootstrap_ci<F>(
    sample: &[f64],
    estimator: F,
    replicates: usize,
    level: f64,
    seed: u64,
) -> Result<BootstrapCi>
where
    F: Fn(&[f64]) -> Result<TailEstimate>,
{
    super::validate_sample(sample)?;
    if replicates < MIN_REPLICATES {
        return Err(Error::new(
            "replicates",
            format!("the bootstrap needs at least {MIN_REPLICATES} replicates; got {replicates}"),
        ));
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::new(
            "level",
            format!("the confidence level must lie strictly between 0 and 1; got {level}"),
        ));
    }
    let n = sample.len();
    let mut resample = vec![0.0; n];
    let mut xis = Vec::with_capacity(replicates);
    for b in 0..replicates {
        let mut stream = rng::stream(seed, b as u64);
        for slot in resample.iter_mut() {
            *slot = sample[rng::index(&mut stream, n)];
        }
        if let Ok(estimate) = estimator(&resample) {
            xis.push(estimate.xi);
        }
    }
    let failed = replicates - xis.len();
    if 2 * xis.len() < replicates {
        return Err(Error::new(
            "sample",
            format!(
                "the estimator failed on {failed} of {replicates} bootstrap resamples, so no \
                 interval can be given"
            ),
        ));
    }
    xis.sort_unstable_by(f64::total_cmp);
    let xi_lo = quantile_sorted(&xis, 0.5 * (1.0 - level));
    let xi_hi = quantile_sorted(&xis, 0.5 * (1.0 + level));
    Ok(BootstrapCi {
        level,
        replicates,
        failed,
        xi_lo,
        xi_hi,
        alpha_lo: (xi_hi > 0.0).then(|| 1.0 / xi_hi),
        alpha_hi: (xi_lo > 0.0).then(|| 1.0 / xi_lo),
    })
}
