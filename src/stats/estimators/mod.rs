//! Tail-index estimators (MATH.md §0 "Hill estimator binding definition", §4.2).
//!
//! Every estimator here estimates the extreme-value index ξ of a sample and reports the
//! tail index η = α = 1/ξ (the moment index, MATH.md §0) when ξ > 0. They all return one
//! shape, [`TailEstimate`], which the report, the CLI's JSON and the page print.
//!
//! Notation: X_(1) ≥ X_(2) ≥ … ≥ X_(N) > 0 is a positive sample sorted in descending
//! order. For a raw sample x_1..x_n with median m the positive samples are (see [`Tail`]):
//! the right tail x − m for x > m, the left tail m − x for x < m, and both tails |x − m|
//! for x ≠ m.
//!
//! - **Hill** (Hill 1975; the binding definition of MATH.md §0):
//!   `Hill(k) = 1 / [ (1/k) Σ_{i=1}^{k} ln X_(i) − ln X_(k+1) ]`, for 2 ≤ k ≤ N − 1,
//!   with standard error α/√k ([`TailSample::hill`], [`TailSample::hill_plot`]).
//! - **Automatic k** (Clauset, Shalizi & Newman 2009): x_min = X_(k+1), the tail sample
//!   X_(1..k) and the Pareto law F(x) = 1 − (x/x_min)^(−Hill(k)) on x ≥ x_min; choose the
//!   k that minimises the Kolmogorov–Smirnov distance between the two
//!   ([`TailSample::csn_choice`]; the candidate range is documented there).
//! - **Pickands** (Pickands 1975):
//!   `ξ_P = ln[(X_(k) − X_(2k)) / (X_(2k) − X_(4k))] / ln 2`, 1 ≤ k ≤ N/4, with the
//!   asymptotic variance of Dekkers & de Haan (1989) ([`TailSample::pickands`]).
//! - **Moment estimator** (Dekkers, Einmahl & de Haan 1989):
//!   `M^(j) = (1/k) Σ_{i≤k} (ln X_(i) − ln X_(k+1))^j`,
//!   `ξ_M = M^(1) + 1 − ½ (1 − (M^(1))² / M^(2))^(−1)`, with asymptotic variance
//!   (1 + ξ²)/k for ξ ≥ 0 ([`TailSample::moment`]).
//! - **α-stable index** (Mohammadi, Mohammadpour & Ogata 2015, Cor. 2.4, as
//!   `alpha_estimator` of Şimşekli, Sagun & Gürbüzbalaban 2019): split the sample into K₂
//!   blocks of K₁ consecutive values with sums Y_i; then
//!   `1/α̂ = [ mean_i ln|Y_i| − mean_j ln|X_j| ] / ln K₁` (norms for vectors), and the
//!   reported α̂ is the median over K₁ ∈ {2, 5, 10, 20, 50, 100, ⌊√N⌋} as in Gürbüzbalaban,
//!   Şimşekli & Zhu 2021 ([`stable_index`], [`stable_index_multivariate`]). It assumes an
//!   α-stable law and cannot report α > 2 in the limit (MATH.md §4.2).
//! - **Bootstrap** percentile confidence intervals for any of them, seeded
//!   ([`bootstrap_ci`]); for simulated samples with several dependent values per run, the
//!   bootstrap over whole runs of Hill and the moment estimator, with the tail test
//!   "ξ̂_M's interval lies above 0" (MATH.md §4.3; [`run_bootstrap`]).
//!
//! When an estimate of ξ is ≤ 0 (no power-law tail, η = ∞), `alpha` is `None`; no NaN or
//! infinity ever reaches a [`TailEstimate`].
//!
//! Degenerate input (fewer than 10 values, NaN or infinite values, a constant sample, k out
//! of range, ties that make a denominator vanish) is a [`crate::Error`] naming the field
//! (`"hill_k"` for a bad k, `"sample"` otherwise).

mod bootstrap;
mod stable;
mod tail;
mod tail_sample;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng;

pub use bootstrap::{
    bootstrap_ci, run_bootstrap, BootstrapCi, RunBootstrap, MIN_REPLICATES, RUN_BOOTSTRAP_LEVEL,
    RUN_BOOTSTRAP_REPLICATES,
};
pub use stable::{stable_block_sizes, stable_index, stable_index_block, stable_index_multivariate};
pub use tail::{median_of_sorted, Tail, TailEstimate};
pub(crate) use tail::{merge_desc, sorted_and_median, tail_deviations};
pub use tail_sample::{CsnChoice, HillPoint, TailSample};

/// The number of points [`estimate_all`] puts in its Hill plot.
pub const HILL_PLOT_POINTS: usize = 200;

/// The stream index (under the caller's seed) of the permutation [`estimate_all`] applies
/// before the α-stable index; far from the run indices 0, 1, 2, … used by simulations.
pub const STABLE_PERMUTATION_STREAM: u64 = u64::MAX;

/// Hill's estimate of one tail of a raw sample, with k given or chosen by the
/// Clauset–Shalizi–Newman rule ([`TailSample::csn_choice`]).
pub fn hill_tail(sample: &[f64], tail: Tail, k: Option<usize>) -> Result<TailEstimate> {
    let positive = TailSample::from_raw(sample, tail)?;
    let k = match k {
        Some(k) => k,
        None => positive.csn_choice()?.k,
    };
    let mut estimate = positive.hill(k)?;
    estimate.name = match tail {
        Tail::Right => "hill_right",
        Tail::Left => "hill_left",
        Tail::Both => "hill",
    }
    .to_string();
    Ok(estimate)
}

/// Hill's estimate at `k` on both tails |x − m| about the median m: the `hill` of
/// [`estimate_all`] at that k, with the same arithmetic (the same median, deviations,
/// logarithms and order of summation), in O(N) rather than O(N log N): the median and the
/// k + 1 largest deviations are selected, not sorted. The timeline measures one sample per
/// checkpoint, 40 per run by default, where the full sort was most of its cost.
///
/// # Errors
/// As [`hill_tail`] with `Tail::Both` and k given: fewer than 3 deviations, k outside
/// 2..N − 1 (field `hill_k`), the k + 1 largest tied, or a non-finite value.
pub fn hill_both_at(sample: &[f64], k: usize) -> Result<TailEstimate> {
    crate::stats::sample::check_sample(sample, 1, tail::TASK)?;
    let n = sample.len();
    let mut work = sample.to_vec();
    let (below, upper, _) = work.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *upper;
    let median = if n % 2 == 1 {
        upper
    } else {
        // The largest value below the upper middle one: sorted[n/2 − 1].
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower + upper)
    };
    let mut deviations: Vec<f64> = sample
        .iter()
        .filter(|&&x| x != median)
        .map(|&x| if x > median { x - median } else { median - x })
        .collect();
    let count = deviations.len();
    if count < 3 {
        return Err(tail_sample::too_few_error(count));
    }
    tail_sample::check_hill_k(count, k)?;
    // The k + 1 largest, in descending order (one ascending comparator for every sort and
    // selection of the crate: each comparator is another copy of the sort's code in the
    // wasm).
    deviations.select_nth_unstable_by(count - 1 - k, f64::total_cmp);
    let top = &mut deviations[count - 1 - k..];
    top.sort_unstable_by(f64::total_cmp);
    top.reverse();
    if top[0] == top[k] {
        return Err(tail_sample::tie_error(k));
    }
    let threshold = libm::log(top[k]);
    let xi = top[..k]
        .iter()
        .map(|&v| libm::log(v) - threshold)
        .sum::<f64>()
        / k as f64;
    Ok(TailEstimate::from_xi(
        "hill",
        xi,
        Some(k),
        Some(xi / (k as f64).sqrt()),
    ))
}

/// How the k of [`AllEstimates`] was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KRule {
    /// Minimum KS distance (Clauset, Shalizi & Newman 2009).
    Csn,
    /// Given by the user (`hill_k`).
    User,
}

/// The point the tails are measured from: the deviations |x − c| above and below c.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Center {
    /// The sample's median (the default: a simulation's iterates centre on their mean,
    /// which the median estimates robustly).
    #[default]
    Median,
    /// The sample's mean.
    Mean,
    /// Zero: the raw values, as the classical Hill estimator on positive data (powerlaw,
    /// evir, tea) takes them.
    None,
}

impl Center {
    /// The centre c of an ascending sorted sample.
    pub fn of_sorted(self, sorted: &[f64]) -> f64 {
        match self {
            Center::Median => median_of_sorted(sorted),
            Center::Mean => sorted.iter().sum::<f64>() / sorted.len() as f64,
            Center::None => 0.0,
        }
    }
}

/// Every estimator applied to one raw sample: what the page and the CLI show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AllEstimates {
    /// The sample size.
    pub n: usize,
    /// The sample's median.
    pub median: f64,
    /// Which centre c the tails are measured from.
    #[serde(default)]
    pub center: Center,
    /// Its value c (the median when `center` is the median).
    #[serde(default)]
    pub center_value: f64,
    /// How k was chosen.
    pub k_rule: KRule,
    /// Hill on both tails |x − m| at k.
    pub hill: TailEstimate,
    /// The threshold X_(k+1) of that Hill estimate (in units of |x − m|).
    pub hill_x_min: f64,
    /// The KS distance between the k values above `hill_x_min` and the fitted Pareto law.
    pub hill_ks: f64,
    /// Hill on the right tail; `None` when that tail is too small or tied.
    pub hill_right: Option<TailEstimate>,
    /// Hill on the left tail; `None` when that tail is too small or tied.
    pub hill_left: Option<TailEstimate>,
    /// Pickands on both tails at min(k, N/4); `None` when undefined (ties).
    pub pickands: Option<TailEstimate>,
    /// The moment estimator on both tails at k; `None` when undefined (ties).
    pub moment: Option<TailEstimate>,
    /// The Mohammadi α-stable index of x − m; `None` when undefined.
    pub stable_index: Option<TailEstimate>,
    /// The Hill plot of both tails (at most [`HILL_PLOT_POINTS`] log-spaced k).
    pub hill_plot: Vec<HillPoint>,
}

/// `values` in the random order of a Fisher–Yates shuffle drawn from
/// `rng::stream(seed, STABLE_PERMUTATION_STREAM)`.
pub(crate) fn shuffled(mut values: Vec<f64>, seed: u64) -> Vec<f64> {
    let mut stream = rng::stream(seed, STABLE_PERMUTATION_STREAM);
    for i in (1..values.len()).rev() {
        let j = rng::index(&mut stream, i + 1);
        values.swap(i, j);
    }
    values
}

/// All estimators on a raw sample (MATH.md §4.2), for both tails |x − m| about the median
/// m, plus Hill on the right and the left tail.
///
/// - k is `hill_k` when given (2 ≤ k ≤ N − 1 with N the number of x ≠ m, else an error
///   on `"hill_k"`), otherwise the Clauset–Shalizi–Newman choice on both tails.
/// - The one-sided Hill estimates use ⌊k/2⌋ (at least 2, at most the tail's size − 1)
///   when k is given, so they look at about the same threshold; otherwise their own CSN
///   choice.
/// - Pickands uses min(k, ⌊N/4⌋); the moment estimator uses k.
/// - The α-stable index is computed on x − m after a random permutation drawn from
///   `rng::stream(seed, STABLE_PERMUTATION_STREAM)`: its block sums assume i.i.d. order,
///   and a sorted or grouped input would otherwise bias it.
///
/// No bootstrap is run here (see [`bootstrap_ci`]); the sample is sorted once.
pub fn estimate_all(sample: &[f64], hill_k: Option<usize>, seed: u64) -> Result<AllEstimates> {
    estimate_all_about(sample, Center::Median, hill_k, seed)
}

/// As [`estimate_all`], with the tails measured from `center` instead of the median: the
/// deviations x − c above c and c − x below it (with [`Center::None`], Hill on the raw
/// positive values).
pub fn estimate_all_about(
    sample: &[f64],
    center: Center,
    hill_k: Option<usize>,
    seed: u64,
) -> Result<AllEstimates> {
    let (sorted, median) = sorted_and_median(sample)?;
    let c = center.of_sorted(&sorted);
    // The logarithms of each deviation are taken once and shared by the three tails.
    let log_all = |values: &[f64]| -> Vec<f64> { values.iter().map(|&v| libm::log(v)).collect() };
    let right = tail_deviations(&sorted, c, Tail::Right);
    let left = tail_deviations(&sorted, c, Tail::Left);
    let (right_logs, left_logs) = (log_all(&right), log_all(&left));
    let (both_values, both_logs) = merge_desc(&right, &right_logs, &left, &left_logs);
    let both = TailSample::from_parts(both_values, both_logs)?;
    let (k, k_rule, hill_ks) = match hill_k {
        Some(k) => {
            if both.check_hill_k(k).is_err() {
                return Err(Error::new(
                    "hill_k",
                    format!(
                        "Hill's k must be between 2 and {} (one less than the {} sample values \
                         that differ from the centre); got {k}",
                        both.len() - 1,
                        both.len()
                    ),
                ));
            }
            (k, KRule::User, both.ks_distance(k)?)
        }
        None => {
            let choice = both.csn_choice()?;
            (choice.k, KRule::Csn, choice.ks_distance)
        }
    };
    let hill = both.hill(k)?;
    let hill_x_min = both.values()[k];

    let one_side = |values: Vec<f64>, logs: Vec<f64>, name: &str| -> Option<TailEstimate> {
        let side = TailSample::from_parts(values, logs).ok()?;
        let k_side = match hill_k {
            Some(_) => (k / 2).max(2).min(side.len() - 1),
            None => side.csn_choice().ok()?.k,
        };
        let mut estimate = side.hill(k_side).ok()?;
        estimate.name = name.to_string();
        Some(estimate)
    };
    let hill_right = one_side(right, right_logs, "hill_right");
    let hill_left = one_side(left, left_logs, "hill_left");

    let k_pickands = k.min(both.len() / 4);
    let pickands = (k_pickands >= 1)
        .then(|| both.pickands(k_pickands).ok())
        .flatten();
    let moment = both.moment(k).ok();

    let centred = shuffled(sample.iter().map(|&x| x - c).collect(), seed);
    // mean ln|x − m| over x ≠ m is the mean log of both tails: reuse it.
    let stable_index = stable::stable_index_given_mean_log(&centred, 1, both.mean_log()).ok();

    Ok(AllEstimates {
        n: sample.len(),
        median,
        center,
        center_value: c,
        k_rule,
        hill,
        hill_x_min,
        hill_ks,
        hill_right,
        hill_left,
        pickands,
        moment,
        stable_index,
        hill_plot: both.hill_plot(HILL_PLOT_POINTS),
    })
}
