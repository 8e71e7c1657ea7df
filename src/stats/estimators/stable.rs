//! The α-stable index estimator of Mohammadi, Mohammadpour & Ogata (2015, Cor. 2.4), as
//! `alpha_estimator` in Şimşekli, Sagun & Gürbüzbalaban (2019) and with the median over
//! block sizes of Gürbüzbalaban, Şimşekli & Zhu (2021) (MATH.md §4.2).
//!
//! For a strictly α-stable sample X_1..X_N (vectors allowed) and a block size K₁, let
//! K₂ = ⌊N/K₁⌋ and Y_i = Σ_{j=1}^{K₁} X_{(i−1)K₁+j} (i = 1..K₂) be the sums of consecutive
//! blocks. Since Y_i has the law of K₁^{1/α} X_1,
//!
//!   1/α̂ = ξ̂(K₁) = [ (1/K₂) Σ_i ln|Y_i| − (1/N) Σ_j ln|X_j| ] / ln K₁,
//!
//! with |·| the Euclidean norm for vectors. Differences from the reference code: the N − K₁K₂
//! values left over by the blocks still count in the mean over X (the code requires K₁ | N),
//! and exact zeros are left out of both means instead of adding machine epsilon to every
//! norm (a zero carries no scale, and adding a fixed epsilon breaks scale equivariance).

use super::tail::TailEstimate;
use crate::error::{Error, Result};
use crate::stats::sample::check_sample;

/// The block sizes GSZ21 take the median over (plus ⌊√N⌋, their `m` for N = m²).
const BLOCK_SIZES: [usize; 6] = [2, 5, 10, 20, 50, 100];
/// A block size is used only when it leaves at least this many blocks (K₁ = 2 always is).
const MIN_BLOCKS: usize = 10;
/// What the sample checks say needs the sample.
const TASK: &str = "the α-stable index";

/// The block sizes K₁ used for N samples: {2, 5, 10, 20, 50, 100, ⌊√N⌋}, keeping those
/// that leave ⌊N/K₁⌋ ≥ 10 blocks, and always 2; sorted, without repeats.
pub fn stable_block_sizes(n: usize) -> Vec<usize> {
    let root = n.isqrt();
    let mut sizes: Vec<usize> = BLOCK_SIZES
        .iter()
        .copied()
        .chain(std::iter::once(root))
        .filter(|&k1| k1 == 2 || (k1 >= 2 && n / k1 >= MIN_BLOCKS))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// The Euclidean norm of `row`, scaled so that squaring cannot overflow.
fn norm(row: &[f64]) -> f64 {
    if let [x] = row {
        return x.abs();
    }
    let scale = row.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 {
        return 0.0;
    }
    scale
        * row
            .iter()
            .map(|x| (x / scale) * (x / scale))
            .sum::<f64>()
            .sqrt()
}

/// The mean of ln of the nonzero values, or `None` when all are zero.
fn mean_log_nonzero(norms: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = norms
        .filter(|&r| r > 0.0)
        .fold((0.0, 0usize), |(s, c), r| (s + libm::log(r), c + 1));
    (count > 0).then(|| sum / count as f64)
}

/// ξ̂(K₁) = 1/α̂ for one block size K₁ (see the module documentation), for row-major data
/// with `dim` columns (rows are samples). The caller centres the data.
///
/// # Errors
/// `"sample"` for invalid data (see [`stable_index_multivariate`]) or when all norms of
/// X or of the block sums are zero; `"k1"` unless 2 ≤ K₁ ≤ N/2.
pub fn stable_index_block(rows: &[f64], dim: usize, k1: usize) -> Result<f64> {
    let n = check_sample(rows, dim, TASK)?;
    block_xi(rows, dim, n, k1, mean_log_norm(rows, dim)?)
}

fn zero_error() -> Error {
    Error::new("sample", "all values are zero, so no scale can be measured")
}

/// mean_j ln|X_j| over the nonzero rows.
fn mean_log_norm(rows: &[f64], dim: usize) -> Result<f64> {
    mean_log_nonzero(rows.chunks_exact(dim).map(norm)).ok_or_else(zero_error)
}

/// ξ̂(K₁) given `log_x` = mean_j ln|X_j|.
fn block_xi(rows: &[f64], dim: usize, n: usize, k1: usize, log_x: f64) -> Result<f64> {
    if k1 < 2 || k1 > n / 2 {
        return Err(Error::new(
            "k1",
            format!(
                "the block size K₁ must be between 2 and N/2 = {}; got {k1}",
                n / 2
            ),
        ));
    }
    let mut block_sum = vec![0.0; dim];
    let block_norms = rows.chunks_exact(dim * k1).map(|block| {
        block_sum.iter_mut().for_each(|s| *s = 0.0);
        for row in block.chunks_exact(dim) {
            block_sum.iter_mut().zip(row).for_each(|(s, x)| *s += x);
        }
        norm(&block_sum)
    });
    let log_y = mean_log_nonzero(block_norms).ok_or_else(zero_error)?;
    let xi = (log_y - log_x) / libm::log(k1 as f64);
    if !xi.is_finite() {
        return Err(Error::new(
            "sample",
            "the block sums overflow the floating-point range; rescale the sample",
        ));
    }
    Ok(xi)
}

/// The α-stable index of row-major data with `dim` columns (rows are samples, norms are
/// Euclidean): the median over K₁ ∈ [`stable_block_sizes`] of α̂(K₁) = 1/ξ̂(K₁), as GSZ21,
/// where ξ̂ ≤ 0 counts as α̂ = +∞ (then, if the median is +∞, `alpha` is `None` and
/// `xi` = 0; otherwise `xi` = 1/α̂). The caller centres the data; the order of the rows
/// matters (blocks are consecutive rows), so it must be i.i.d.
///
/// # Errors
/// `"sample"` unless there are at least 10 rows, all finite, not all equal, and some
/// block sums are nonzero.
pub fn stable_index_multivariate(rows: &[f64], dim: usize) -> Result<TailEstimate> {
    check_sample(rows, dim, TASK)?;
    stable_index_given_mean_log(rows, dim, mean_log_norm(rows, dim)?)
}

/// [`stable_index_multivariate`] when mean_j ln|X_j| over the nonzero rows is known.
pub(crate) fn stable_index_given_mean_log(
    rows: &[f64],
    dim: usize,
    log_x: f64,
) -> Result<TailEstimate> {
    let n = check_sample(rows, dim, TASK)?;
    let mut xis = stable_block_sizes(n)
        .into_iter()
        .map(|k1| block_xi(rows, dim, n, k1, log_x))
        .collect::<Result<Vec<f64>>>()?;
    // Ascending ξ is descending α (with ξ ≤ 0 as α = +∞ at the bottom of ξ).
    xis.sort_unstable_by(f64::total_cmp);
    let alpha_of = |xi: f64| (xi > 0.0).then(|| 1.0 / xi);
    let m = xis.len();
    let alpha = if m % 2 == 1 {
        alpha_of(xis[m / 2])
    } else {
        match (alpha_of(xis[m / 2 - 1]), alpha_of(xis[m / 2])) {
            (Some(a), Some(b)) => Some(0.5 * (a + b)),
            _ => None,
        }
    }
    .filter(|a| a.is_finite());
    let xi = alpha.map_or(0.0, |a| 1.0 / a);
    Ok(TailEstimate {
        name: "stable_index".to_string(),
        alpha,
        xi,
        k: None,
        std_err: None,
        ci: None,
    })
}

/// The α-stable index of a one-dimensional sample (|·| as the norm); see
/// [`stable_index_multivariate`]. The caller centres the sample.
pub fn stable_index(sample: &[f64]) -> Result<TailEstimate> {
    stable_index_multivariate(sample, 1)
}
