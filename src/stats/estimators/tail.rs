//! What every tail-index estimator shares (MATH.md §0 "Hill estimator binding
//! definition", §4.2): which tail of a raw sample is looked at ([`Tail`]: the deviations
//! from the median on one side), the estimate with its standard error and interval
//! ([`TailEstimate`]), the median, and the merge of two descending tails.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::stats::sample::check_sample;

/// What the estimators' sample checks say needs the sample.
pub(crate) const TASK: &str = "the tail estimators";

/// Which tail of a raw sample an estimator looks at (m is the sample's median).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tail {
    /// x − m for the values x > m.
    Right,
    /// m − x for the values x < m.
    Left,
    /// |x − m| for the values x ≠ m (both tails together; MATH.md §4.2).
    Both,
}

/// One tail-index estimate with its uncertainty: the shape shared by the report, the
/// CLI's JSON and the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TailEstimate {
    /// Which estimator: `"hill"`, `"hill_right"`, `"hill_left"`, `"pickands"`, `"moment"`
    /// or `"stable_index"`.
    pub name: String,
    /// The tail index α = η = 1/ξ; `None` when ξ ≤ 0, i.e. the estimator sees no power-law
    /// tail (η = ∞).
    pub alpha: Option<f64>,
    /// The extreme-value index ξ the estimator computes (finite; `alpha = 1/xi` when
    /// `xi > 0`).
    pub xi: f64,
    /// The number of upper order statistics used, for the order-statistics estimators.
    pub k: Option<usize>,
    /// The standard error of `alpha` from the estimator's asymptotic variance (delta
    /// method: se(α) = se(ξ)/ξ²); `None` when no formula applies or `alpha` is `None`.
    pub std_err: Option<f64>,
    /// A confidence interval for `alpha` (from [`bootstrap_ci`] via
    /// [`TailEstimate::with_ci`]); `None` when not computed or unbounded.
    pub ci: Option<(f64, f64)>,
}

impl TailEstimate {
    /// The estimate from an extreme-value index `xi` and the standard error of `xi`.
    pub(crate) fn from_xi(name: &str, xi: f64, k: Option<usize>, xi_std_err: Option<f64>) -> Self {
        let alpha = (xi > 0.0).then(|| 1.0 / xi).filter(|a| a.is_finite());
        let std_err = match (alpha, xi_std_err) {
            (Some(_), Some(se)) => Some(se / (xi * xi)).filter(|s| s.is_finite()),
            _ => None,
        };
        TailEstimate {
            name: name.to_string(),
            alpha,
            xi,
            k,
            std_err,
            ci: None,
        }
    }
}

/// The median of an ascending sorted, non-empty slice (the mean of the two middle values
/// when the length is even, as numpy's `median`).
pub fn median_of_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }
}

/// The positive deviations of one tail, in descending order, from an ascending sorted
/// sample and a centre c (its median unless the caller chose another; see [`Tail`]).
pub(crate) fn tail_deviations(sorted: &[f64], center: f64, tail: Tail) -> Vec<f64> {
    let right = || -> Vec<f64> {
        sorted
            .iter()
            .rev()
            .take_while(|&&x| x > center)
            .map(|&x| x - center)
            .collect()
    };
    let left = || -> Vec<f64> {
        sorted
            .iter()
            .take_while(|&&x| x < center)
            .map(|&x| center - x)
            .collect()
    };
    match tail {
        Tail::Right => right(),
        Tail::Left => left(),
        Tail::Both => {
            let (r, l) = (right(), left());
            merge_desc(&r, &r, &l, &l).0
        }
    }
}

/// Merges two descending sequences `a` and `b`, carrying along companion values `a_aux`,
/// `b_aux` of the same lengths (their logarithms).
pub(crate) fn merge_desc(
    a: &[f64],
    a_aux: &[f64],
    b: &[f64],
    b_aux: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut aux = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j == b.len() || (i < a.len() && a[i] >= b[j]);
        if take_a {
            out.push(a[i]);
            aux.push(a_aux[i]);
            i += 1;
        } else {
            out.push(b[j]);
            aux.push(b_aux[j]);
            j += 1;
        }
    }
    (out, aux)
}

/// A validated copy of `sample`, sorted ascending, and its median.
pub(crate) fn sorted_and_median(sample: &[f64]) -> Result<(Vec<f64>, f64)> {
    check_sample(sample, 1, TASK)?;
    let mut sorted = sample.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let median = median_of_sorted(&sorted);
    Ok((sorted, median))
}
