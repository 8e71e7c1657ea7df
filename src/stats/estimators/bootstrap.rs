//! Seeded nonparametric bootstrap percentile intervals for any tail estimator (Efron 1979;
//! the percentile method of Efron & Tibshirani 1993, ch. 13), and the bootstrap over whole
//! runs that the simulations' measurements use ([`run_bootstrap`]).
//!
//! Replicate b resamples the data with replacement using `rng::stream(seed, b)`, so the
//! interval does not depend on how the replicates are scheduled. The percentile interval
//! is taken on ξ (always finite) and mapped to α = 1/ξ.
//!
//! **Run bootstrap** (MATH.md §4.3, "Measuring tails from simulations, honestly"): a
//! simulation gives S iterates per run, dependent within a run and independent between
//! runs. Resampling single values would treat the R·S values as independent and give
//! intervals too narrow by up to √S; resampling whole runs (a block bootstrap whose blocks
//! are the runs) keeps the dependence inside each resample, so the interval's width
//! reflects the R independent runs actually simulated. With S = 1 it is the ordinary
//! bootstrap.

use serde::{Deserialize, Serialize};

use super::tail::{merge_desc, TailEstimate};
use super::tail_sample::TailSample;
use crate::error::{Error, Result};
use crate::rng;
use crate::stats::sample::check_sample;

// Set here, beside the interval it reads, so that the estimate does not depend on the
// bootstrap.
impl TailEstimate {
    /// The same estimate with `ci` set from a bootstrap interval (left `None` when the
    /// interval for α is unbounded, i.e. its ξ interval reaches 0 or below).
    pub fn with_ci(mut self, interval: &BootstrapCi) -> Self {
        self.ci = match (interval.alpha_lo, interval.alpha_hi) {
            (Some(lo), Some(hi)) => Some((lo, hi)),
            _ => None,
        };
        self
    }
}

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
/// `"sample"` when the sample fails [`check_sample`] or the estimator fails on
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
    check_sample(sample, 1, super::tail::TASK)?;
    check_replicates_and_level(replicates, level)?;
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
    Ok(BootstrapCi::from_xis(xis, replicates, level))
}

/// The checks both bootstraps make of their settings: at least [`MIN_REPLICATES`]
/// replicates, a level strictly between 0 and 1.
fn check_replicates_and_level(replicates: usize, level: f64) -> Result<()> {
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
    Ok(())
}

impl BootstrapCi {
    /// The percentile interval of the (at least one) replicate values `xis` of ξ out of
    /// `replicates` drawn.
    fn from_xis(mut xis: Vec<f64>, replicates: usize, level: f64) -> BootstrapCi {
        xis.sort_unstable_by(f64::total_cmp);
        let xi_lo = quantile_sorted(&xis, 0.5 * (1.0 - level));
        let xi_hi = quantile_sorted(&xis, 0.5 * (1.0 + level));
        BootstrapCi::of_xi(level, replicates, replicates - xis.len(), xi_lo, xi_hi)
    }

    /// The interval [xi_lo, xi_hi] of ξ with the matching interval of α = 1/ξ.
    fn of_xi(level: f64, replicates: usize, failed: usize, xi_lo: f64, xi_hi: f64) -> BootstrapCi {
        BootstrapCi {
            level,
            replicates,
            failed,
            xi_lo,
            xi_hi,
            alpha_lo: (xi_hi > 0.0).then(|| 1.0 / xi_hi).filter(|a| a.is_finite()),
            alpha_hi: (xi_lo > 0.0).then(|| 1.0 / xi_lo).filter(|a| a.is_finite()),
        }
    }

    /// The smallest interval holding both `self` and `other` (`failed`: the larger).
    pub fn union(&self, other: &BootstrapCi) -> BootstrapCi {
        BootstrapCi::of_xi(
            self.level,
            self.replicates,
            self.failed.max(other.failed),
            self.xi_lo.min(other.xi_lo),
            self.xi_hi.max(other.xi_hi),
        )
    }

    /// The interval for α as a pair, when bounded on both sides.
    pub fn alpha_interval(&self) -> Option<(f64, f64)> {
        self.alpha_lo.zip(self.alpha_hi)
    }
}

/// The replicates of the run bootstrap the reports use.
pub const RUN_BOOTSTRAP_REPLICATES: usize = 200;

/// The coverage of the run bootstrap's intervals.
pub const RUN_BOOTSTRAP_LEVEL: f64 = 0.95;

/// Intervals for the tail of a simulated sample from a bootstrap over whole runs
/// ([`run_bootstrap`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunBootstrap {
    /// The runs R resampled (with replacement, each with all its S values).
    pub runs: usize,
    /// The values S per run.
    pub samples_per_run: usize,
    /// The number k of upper order statistics both estimators use on every resample (the
    /// point estimate's k).
    pub k: usize,
    /// Hill's estimate on both tails at k: percentile interval of ξ = 1/α and the
    /// matching interval of α.
    pub hill: BootstrapCi,
    /// The union of Hill's percentile intervals at k/2, k and 2k: at feasible sample sizes
    /// Hill's bias moves with k (a power law holds only far in the tail, MATH.md §4.3), so
    /// a verdict compares through this spread rather than through one k.
    pub hill_over_k: BootstrapCi,
    /// The moment estimator of Dekkers, Einmahl & de Haan at the same k: percentile
    /// interval of ξ (ξ ≤ 0 means no power-law tail).
    pub moment: BootstrapCi,
    /// The tail test (MATH.md §4.3): true when the moment estimator's ξ interval lies
    /// wholly above 0, i.e. the sample shows a power-law tail; false ("no power-law tail
    /// seen") when the interval reaches ξ ≤ 0, and then Hill's number is not a measured
    /// index.
    pub power_law_tail: bool,
}

/// The `keep` largest of `values` (reordered in place), in descending order: a selection
/// in O(len) and a sort of `keep` values.
fn largest_desc(values: &mut [f64], keep: usize) -> Vec<f64> {
    let len = values.len();
    let top = if len > keep {
        values.select_nth_unstable_by(len - keep, f64::total_cmp);
        &mut values[len - keep..]
    } else {
        values
    };
    top.sort_unstable_by(f64::total_cmp);
    top.reverse();
    top.to_vec()
}

/// Hill's and the moment estimator's ξ on both tails |x − m| of `sample` (reordered in
/// place) at k (clamped to the number of positive deviations − 1); `None` for each that is
/// undefined (ties). Only the median and the k + 1 largest deviations matter, so this
/// selects instead of sorting: O(N + k log k).
fn hill_and_moment_xi(sample: &mut [f64], k: usize) -> ([Option<f64>; 3], Option<f64>) {
    let n = sample.len();
    let half = n / 2;
    sample.select_nth_unstable_by(half, f64::total_cmp);
    let (low, high) = sample.split_at_mut(half);
    // high[0] is the (half+1)-th smallest; for even n the median also needs the largest
    // of the lower half (median_of_sorted's convention).
    let median = if n % 2 == 1 {
        high[0]
    } else {
        let below = low.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (below + high[0])
    };
    let keep = 2 * k.max(2) + 1;
    // Every value above the median lies in `high`, every value below it in `low`.
    let mut right: Vec<f64> = high
        .iter()
        .filter(|&&x| x > median)
        .map(|&x| x - median)
        .collect();
    let mut left: Vec<f64> = low
        .iter()
        .filter(|&&x| x < median)
        .map(|&x| median - x)
        .collect();
    let right = largest_desc(&mut right, keep);
    let left = largest_desc(&mut left, keep);
    let (mut top, _) = merge_desc(&right, &right, &left, &left);
    top.truncate(keep);
    if top.len() < 3 {
        return ([None; 3], None);
    }
    let logs = top.iter().map(|&v| libm::log(v)).collect();
    let Ok(tail) = TailSample::from_parts(top, logs) else {
        return ([None; 3], None);
    };
    let at = |k: usize| k.clamp(2, tail.len() - 1);
    let hill = |k: usize| tail.hill(at(k)).ok().map(|e| e.xi);
    (
        [hill(k / 2), hill(k), hill(2 * k)],
        tail.moment(at(k)).ok().map(|e| e.xi),
    )
}

/// The bootstrap over whole runs of Hill's ξ and the moment estimator's ξ on both tails
/// of `sample`, whose values come in runs of `samples_per_run` consecutive values (run r
/// owns values r·S .. (r+1)·S).
///
/// Replicate b draws R run indices uniformly with replacement from
/// `rng::stream(seed, b)`, concatenates those runs' values and evaluates both estimators at the point estimate's `k` (clamped to the resample's
/// positive deviations − 1). k is held fixed rather than chosen anew on each resample by
/// the Clauset–Shalizi–Newman rule: that search costs about 100 KS distances per resample
/// (≈ 0.1 s for 2000 values, too slow for the page's re-runs), so the interval is that of
/// Hill(k) at the k the report uses and leaves out the variability of the choice of k.
/// The intervals are percentile intervals at `level` ([`bootstrap_ci`]); resamples on
/// which an estimator is undefined are counted in its `failed`. Cost per replicate: a
/// selection of the median and the top k + 1 deviations among R·S values (no full sort),
/// a sort of those and k + 1 logarithms.
///
/// # Errors
/// `"sample"` when the sample fails [`check_sample`], its length is not a
/// multiple of `samples_per_run`, it has fewer than 2 runs, or an estimator fails on more
/// than half of the resamples; `"samples_per_run"` when it is 0; `"replicates"` below 20;
/// `"level"` outside (0, 1); `"hill_k"` when k < 2.
pub fn run_bootstrap(
    sample: &[f64],
    samples_per_run: usize,
    k: usize,
    replicates: usize,
    level: f64,
    seed: u64,
) -> Result<RunBootstrap> {
    check_sample(sample, 1, super::tail::TASK)?;
    if samples_per_run == 0 {
        return Err(Error::new(
            "samples_per_run",
            "samples per run must be at least 1",
        ));
    }
    if !sample.len().is_multiple_of(samples_per_run) || sample.len() / samples_per_run < 2 {
        return Err(Error::new(
            "sample",
            format!(
                "the sample's {} values are not at least 2 whole runs of {samples_per_run} \
                 values",
                sample.len()
            ),
        ));
    }
    check_replicates_and_level(replicates, level)?;
    if k < 2 {
        return Err(Error::new(
            "hill_k",
            format!("the bootstrap's k must be at least 2; got {k}"),
        ));
    }
    let runs = sample.len() / samples_per_run;
    let mut resample = Vec::with_capacity(sample.len());
    let (mut hill_xis, mut moment_xis) = (Vec::new(), Vec::new());
    let (mut half_k_xis, mut double_k_xis) = (Vec::new(), Vec::new());
    for b in 0..replicates {
        let mut stream = rng::stream(seed, b as u64);
        resample.clear();
        for _ in 0..runs {
            let r = rng::index(&mut stream, runs);
            resample.extend_from_slice(&sample[r * samples_per_run..(r + 1) * samples_per_run]);
        }
        let ([half_k, hill, double_k], moment) = hill_and_moment_xi(&mut resample, k);
        hill_xis.extend(hill);
        half_k_xis.extend(half_k);
        double_k_xis.extend(double_k);
        moment_xis.extend(moment);
    }
    for (name, xis) in [("Hill", &hill_xis), ("the moment estimator", &moment_xis)] {
        if 2 * xis.len() < replicates {
            return Err(Error::new(
                "sample",
                format!(
                    "{name} was undefined on {} of {replicates} run resamples (tied values), \
                     so no interval can be given",
                    replicates - xis.len()
                ),
            ));
        }
    }
    let moment = BootstrapCi::from_xis(moment_xis, replicates, level);
    let hill = BootstrapCi::from_xis(hill_xis, replicates, level);
    let mut hill_over_k = hill.clone();
    for xis in [half_k_xis, double_k_xis] {
        if 2 * xis.len() >= replicates {
            hill_over_k = hill_over_k.union(&BootstrapCi::from_xis(xis, replicates, level));
        }
    }
    Ok(RunBootstrap {
        runs,
        samples_per_run,
        k,
        hill,
        hill_over_k,
        power_law_tail: moment.xi_lo > 0.0,
        moment,
    })
}
