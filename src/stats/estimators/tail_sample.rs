//! Order-statistics estimators on a positive sample sorted in descending order: Hill
//! (Hill 1975), the Clauset–Shalizi–Newman (2009) choice of k, Pickands (1975) and the
//! moment estimator of Dekkers, Einmahl & de Haan (1989). Formulas: MATH.md §0, §4.2 and
//! the module documentation of [`crate::stats::estimators`].

use serde::{Deserialize, Serialize};

use super::tail::{sorted_and_median, tail_deviations, Tail, TailEstimate};
use crate::error::{Error, Result};
use crate::stats::sample::ks_statistic;

/// The smallest k the CSN search tries (fewer points make the KS distance meaningless).
const CSN_K_MIN: usize = 10;
/// The most candidate k the CSN search evaluates (log-spaced when the range is larger).
const CSN_CANDIDATES: usize = 100;

/// A positive sample sorted in descending order, X_(1) ≥ … ≥ X_(N) > 0, with its logarithms
/// and their running sums, so that Hill(k) for every k costs O(1) after one sort.
#[derive(Clone, Debug)]
pub struct TailSample {
    values: Vec<f64>,
    logs: Vec<f64>,
    /// prefix[k] = Σ_{i<k} logs[i].
    prefix: Vec<f64>,
}

/// One point of a Hill plot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HillPoint {
    /// The number of upper order statistics.
    pub k: usize,
    /// Hill(k).
    pub alpha: f64,
    /// Its standard error Hill(k)/√k.
    pub std_err: f64,
}

/// The k chosen by the Clauset–Shalizi–Newman rule and what it fitted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CsnChoice {
    /// The chosen number of upper order statistics.
    pub k: usize,
    /// Hill(k).
    pub alpha: f64,
    /// The threshold x_min = X_(k+1).
    pub x_min: f64,
    /// The KS distance between X_(1..k) and the Pareto law with index `alpha` above x_min.
    pub ks_distance: f64,
}

/// Candidate values of k between `lo` and `hi` (inclusive): all of them when there are at
/// most `max_points`, otherwise `max_points` log-spaced integers including both ends.
fn k_grid(lo: usize, hi: usize, max_points: usize) -> Vec<usize> {
    if hi < lo {
        return Vec::new();
    }
    if hi - lo < max_points || max_points < 2 {
        return (lo..=hi).collect();
    }
    let ratio = libm::log(hi as f64 / lo as f64);
    let mut grid: Vec<usize> = (0..max_points)
        .map(|i| {
            let t = i as f64 / (max_points - 1) as f64;
            let k = (lo as f64 * libm::exp(ratio * t)).round() as usize;
            k.clamp(lo, hi)
        })
        .collect();
    grid.dedup();
    grid
}

/// The asymptotic variance of √k·(ξ_P − ξ) for Pickands' estimator (Dekkers & de Haan
/// 1989, Thm 2.3): ξ²(2^(2ξ+1) + 1) / (2(2^ξ − 1) ln 2)², with the limit 3/(4 ln⁴2) at ξ = 0.
fn pickands_variance(xi: f64) -> f64 {
    let ln2 = core::f64::consts::LN_2;
    if xi.abs() < 1e-8 {
        return 3.0 / (4.0 * ln2.powi(4));
    }
    let num = xi * xi * (libm::pow(2.0, 2.0 * xi + 1.0) + 1.0);
    let den = 2.0 * libm::expm1(xi * ln2) * ln2;
    num / (den * den)
}

/// The error for a tail of `count` < 3 values (Hill(2) needs 3).
pub(super) fn too_few_error(count: usize) -> Error {
    Error::new(
        "sample",
        format!("the tail has {count} positive values; Hill needs at least 3"),
    )
}

/// Checks 2 ≤ k ≤ N − 1 for Hill(k) on a tail of N = `count` values.
pub(super) fn check_hill_k(count: usize, k: usize) -> Result<()> {
    if k < 2 || k >= count {
        return Err(Error::new(
            "hill_k",
            format!(
                "Hill's k must be between 2 and {} (the number of positive tail values, \
                 {count}, minus one); got {k}",
                count.saturating_sub(1)
            ),
        ));
    }
    Ok(())
}

/// The error for X_(1) = … = X_(k+1), which makes every estimator at k undefined.
pub(super) fn tie_error(k: usize) -> Error {
    Error::new(
        "sample",
        format!(
            "the {} largest tail values are all equal, so the estimate at k = {k} is \
             undefined; choose a larger hill_k",
            k + 1
        ),
    )
}

impl TailSample {
    /// From positive values in descending order (checked: all finite and > 0, descending,
    /// at least 3 values so that Hill(2) exists).
    pub fn from_sorted_desc(values: Vec<f64>) -> Result<Self> {
        Self::check_values(&values)?;
        let logs = values.iter().map(|&x| libm::log(x)).collect();
        Ok(Self::with_logs(values, logs))
    }

    fn check_values(values: &[f64]) -> Result<()> {
        if values.len() < 3 {
            return Err(too_few_error(values.len()));
        }
        if let Some(i) = values.iter().position(|x| !(x.is_finite() && *x > 0.0)) {
            return Err(Error::new(
                "sample",
                format!(
                    "tail value {} is {}; the tail values must be finite and positive",
                    i + 1,
                    values[i]
                ),
            ));
        }
        if values.windows(2).any(|w| w[0] < w[1]) {
            return Err(Error::new(
                "sample",
                "the tail values must be sorted in descending order",
            ));
        }
        Ok(())
    }

    /// From checked values and their logarithms (lets [`super::estimate_all`] take the
    /// logarithms of both tails once).
    pub(crate) fn from_parts(values: Vec<f64>, logs: Vec<f64>) -> Result<Self> {
        Self::check_values(&values)?;
        Ok(Self::with_logs(values, logs))
    }

    fn with_logs(values: Vec<f64>, logs: Vec<f64>) -> Self {
        let mut prefix = Vec::with_capacity(logs.len() + 1);
        let mut sum = 0.0;
        prefix.push(sum);
        for &l in &logs {
            sum += l;
            prefix.push(sum);
        }
        TailSample {
            values,
            logs,
            prefix,
        }
    }

    /// mean_i ln X_(i) over the whole sample.
    pub(crate) fn mean_log(&self) -> f64 {
        self.prefix[self.len()] / self.len() as f64
    }

    /// From positive values in any order (sorted here; same checks as
    /// [`TailSample::from_sorted_desc`]).
    pub fn from_positive(values: &[f64]) -> Result<Self> {
        if let Some(i) = values.iter().position(|x| x.is_nan()) {
            return Err(Error::new(
                "sample",
                format!("value {} of the sample is NaN", i + 1),
            ));
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        sorted.reverse();
        Self::from_sorted_desc(sorted)
    }

    /// One tail of a raw sample about its median (see [`Tail`]); the raw sample must pass
    /// [`crate::stats::sample::check_sample`].
    pub fn from_raw(sample: &[f64], tail: Tail) -> Result<Self> {
        let (sorted, median) = sorted_and_median(sample)?;
        Self::from_sorted_desc(tail_deviations(&sorted, median, tail))
    }

    /// The values, in descending order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The number of values N.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always false (a `TailSample` holds at least 3 values); here for completeness.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Checks 2 ≤ k ≤ N − 1 for Hill(k).
    pub fn check_hill_k(&self, k: usize) -> Result<()> {
        check_hill_k(self.len(), k)
    }

    /// True when X_(1) = … = X_(k+1), which makes every estimator at k undefined.
    fn tied_through(&self, k: usize) -> bool {
        self.values[0] == self.values[k]
    }

    /// Hill(k) from the running sums (used for the plot and the CSN scan; O(1)).
    fn hill_fast(&self, k: usize) -> Option<f64> {
        if self.tied_through(k) {
            return None;
        }
        let xi = self.prefix[k] / k as f64 - self.logs[k];
        (xi > 0.0).then(|| 1.0 / xi).filter(|a| a.is_finite())
    }

    /// Hill's estimate at k (MATH.md §0; Hill 1975):
    /// ξ = (1/k) Σ_{i=1}^{k} ln X_(i) − ln X_(k+1), α = 1/ξ, standard error α/√k.
    ///
    /// # Errors
    /// `"hill_k"` unless 2 ≤ k ≤ N − 1; `"sample"` when X_(1) = … = X_(k+1).
    pub fn hill(&self, k: usize) -> Result<TailEstimate> {
        self.check_hill_k(k)?;
        if self.tied_through(k) {
            return Err(tie_error(k));
        }
        // Summing the differences directly avoids the cancellation of prefix sums.
        let threshold = self.logs[k];
        let xi = self.logs[..k].iter().map(|&l| l - threshold).sum::<f64>() / k as f64;
        Ok(TailEstimate::from_xi(
            "hill",
            xi,
            Some(k),
            Some(xi / (k as f64).sqrt()),
        ))
    }

    /// The Hill plot: Hill(k) and its standard error for k = 2..N−1, or for at most
    /// `max_points` log-spaced k in that range. Points where the top values are tied are
    /// left out.
    pub fn hill_plot(&self, max_points: usize) -> Vec<HillPoint> {
        k_grid(2, self.len() - 1, max_points.max(2))
            .into_iter()
            .filter_map(|k| {
                self.hill_fast(k).map(|alpha| HillPoint {
                    k,
                    alpha,
                    std_err: alpha / (k as f64).sqrt(),
                })
            })
            .collect()
    }

    /// The KS distance between the k largest values and the Pareto law with index Hill(k)
    /// above x_min = X_(k+1): F(x) = 1 − (x/x_min)^(−α).
    ///
    /// # Errors
    /// As [`TailSample::hill`].
    pub fn ks_distance(&self, k: usize) -> Result<f64> {
        self.check_hill_k(k)?;
        let alpha = self.hill_fast(k).ok_or_else(|| tie_error(k))?;
        Ok(self.ks_at(k, alpha, f64::INFINITY))
    }

    /// The KS distance at k with index `alpha`; stops early (returning a value ≥ `bound`)
    /// once the distance reaches `bound`, which the CSN search uses to skip candidates that
    /// cannot beat the best so far.
    fn ks_at(&self, k: usize, alpha: f64, bound: f64) -> f64 {
        let threshold = self.logs[k];
        // The k tail values in ascending order are X_(k), …, X_(1).
        let pareto_cdf = self.logs[..k]
            .iter()
            .rev()
            .map(|&l| -libm::expm1(-alpha * (l - threshold)));
        ks_statistic(pareto_cdf, bound)
    }

    /// The Clauset–Shalizi–Newman (2009) choice of k: the k minimising
    /// [`TailSample::ks_distance`].
    ///
    /// Candidates: k from min(10, k_hi) to k_hi = max(⌊N/2⌋, 2) capped at N − 1 (a tail
    /// of at most half the sample, at least 10 points when possible), all of them when
    /// there are at most 100, otherwise 100 log-spaced values (this keeps the search
    /// O(N) per candidate and fast on 10⁵ values). Candidates where the top values are
    /// tied are skipped.
    ///
    /// # Errors
    /// `"sample"` when no candidate gives a defined estimate.
    pub fn csn_choice(&self) -> Result<CsnChoice> {
        let n = self.len();
        let k_hi = (n / 2).max(2).min(n - 1);
        let k_lo = CSN_K_MIN.min(k_hi);
        let mut best: Option<CsnChoice> = None;
        for k in k_grid(k_lo, k_hi, CSN_CANDIDATES) {
            let Some(alpha) = self.hill_fast(k) else {
                continue;
            };
            let bound = best.map_or(f64::INFINITY, |b| b.ks_distance);
            let ks_distance = self.ks_at(k, alpha, bound);
            if ks_distance < bound {
                best = Some(CsnChoice {
                    k,
                    alpha,
                    x_min: self.values[k],
                    ks_distance,
                });
            }
        }
        best.ok_or_else(|| {
            Error::new(
                "sample",
                "the largest tail values are tied for every candidate k, so no Pareto tail \
                 can be fitted",
            )
        })
    }

    /// Pickands' estimate at k (Pickands 1975):
    /// ξ_P = ln[(X_(k) − X_(2k)) / (X_(2k) − X_(4k))] / ln 2, with the asymptotic
    /// standard error √(v(ξ)/k), v(ξ) = ξ²(2^(2ξ+1) + 1) / (2(2^ξ − 1) ln 2)²
    /// (Dekkers & de Haan 1989).
    ///
    /// # Errors
    /// `"hill_k"` unless 1 ≤ k ≤ N/4; `"sample"` when X_(k) = X_(2k) or X_(2k) = X_(4k).
    pub fn pickands(&self, k: usize) -> Result<TailEstimate> {
        let n = self.len();
        if k < 1 || 4 * k > n {
            return Err(Error::new(
                "hill_k",
                format!(
                    "Pickands' k must be between 1 and N/4 = {} (N = {n} tail values); got {k}",
                    n / 4
                ),
            ));
        }
        let (a, b, c) = (
            self.values[k - 1],
            self.values[2 * k - 1],
            self.values[4 * k - 1],
        );
        if !(a > b && b > c) {
            return Err(Error::new(
                "sample",
                format!(
                    "X_({k}), X_({}) and X_({}) are not distinct, so Pickands' estimate at \
                     k = {k} is undefined",
                    2 * k,
                    4 * k
                ),
            ));
        }
        let xi = libm::log((a - b) / (b - c)) / core::f64::consts::LN_2;
        if !xi.is_finite() {
            return Err(Error::new(
                "sample",
                format!(
                    "the spacings X_({k}) − X_({}) and X_({}) − X_({}) differ by more than the \
                     floating-point range, so Pickands' estimate at k = {k} is undefined",
                    2 * k,
                    2 * k,
                    4 * k
                ),
            ));
        }
        let se = (pickands_variance(xi) / k as f64).sqrt();
        Ok(TailEstimate::from_xi("pickands", xi, Some(k), Some(se)))
    }

    /// The moment estimator of Dekkers, Einmahl & de Haan (1989) at k:
    /// M^(j) = (1/k) Σ_{i≤k} (ln X_(i) − ln X_(k+1))^j,
    /// ξ_M = M^(1) + 1 − ½ (1 − (M^(1))²/M^(2))^(−1), with the asymptotic standard error
    /// √((1 + ξ²)/k) for ξ ≥ 0 (their Theorem 3.1).
    ///
    /// # Errors
    /// `"hill_k"` unless 2 ≤ k ≤ N − 1; `"sample"` when the log-excesses are all equal.
    pub fn moment(&self, k: usize) -> Result<TailEstimate> {
        self.check_hill_k(k)?;
        let threshold = self.logs[k];
        let (mut m1, mut m2) = (0.0, 0.0);
        for &l in &self.logs[..k] {
            let d = l - threshold;
            m1 += d;
            m2 += d * d;
        }
        m1 /= k as f64;
        m2 /= k as f64;
        let spread = 1.0 - m1 * m1 / m2;
        if !(m2 > 0.0 && spread > 0.0) {
            return Err(Error::new(
                "sample",
                format!(
                    "the {k} largest tail values have equal log-excesses over X_({}), so the \
                     moment estimator at k = {k} is undefined",
                    k + 1
                ),
            ));
        }
        let xi = m1 + 1.0 - 0.5 / spread;
        let se = (xi >= 0.0).then(|| ((1.0 + xi * xi) / k as f64).sqrt());
        Ok(TailEstimate::from_xi("moment", xi, Some(k), se))
    }
}
