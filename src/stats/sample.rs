//! What the estimators and the fits share about a raw sample (MATH.md §4.2): the smallest
//! sample they accept, the one check of a sample, and the Kolmogorov–Smirnov statistic of
//! a sorted sample against a law's cdf.
//!
//! - [`check_sample`]: at least [`MIN_SAMPLE`] values (or rows of a multivariate sample),
//!   all finite, not all equal. Its messages name the task that needs the sample and count
//!   positions from 1, as users read them.
//! - [`ks_statistic`]: D = sup|F_N − F| of N order statistics x_(1) ≤ … ≤ x_(N), exactly:
//!   D = max_i max(i/N − F(x_(i)), F(x_(i)) − (i−1)/N) (also right with ties).

use crate::{Error, Result};

/// The indices of `values` in increasing order (IEEE total order), equal values in the
/// order of their indices: a stable argsort.
// One sort for every caller: a closure of each caller's own would compile a whole sort
// per call site.
pub fn sorted_indices(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_unstable_by(|&i, &j| values[i].total_cmp(&values[j]).then(i.cmp(&j)));
    order
}

/// The smallest sample (number of values, or of rows) the estimators and fits accept.
pub const MIN_SAMPLE: usize = 10;

/// Checks `values`, row-major data of `dim` numbers per row (`dim` = 1 for a plain sample),
/// before `task` (e.g. "a fit") uses them: a whole number of rows, at least
/// [`MIN_SAMPLE`] of them, every number finite, not all rows equal. Returns the number
/// of rows.
///
/// # Errors
/// An error on field `"sample"` saying which condition fails, and where (value i, or row
/// r and column c, counted from 1).
pub fn check_sample(values: &[f64], dim: usize, task: &str) -> Result<usize> {
    let error = |message: String| Err(Error::new("sample", message));
    if dim == 0 || !values.len().is_multiple_of(dim) {
        return error(format!(
            "the sample holds {} numbers, not a whole number of rows of {dim}; {task} needs \
             whole rows",
            values.len()
        ));
    }
    let n = values.len() / dim;
    let unit = if dim == 1 { "values" } else { "rows" };
    if n < MIN_SAMPLE {
        return error(format!(
            "the sample has {n} {unit}; {task} needs at least {MIN_SAMPLE}"
        ));
    }
    if let Some(i) = values.iter().position(|x| !x.is_finite()) {
        let place = if dim == 1 {
            format!("value {}", i + 1)
        } else {
            format!("row {}, column {}", i / dim + 1, i % dim + 1)
        };
        return error(format!(
            "{place} of the sample is {}; {task} needs finite values",
            values[i]
        ));
    }
    let first = &values[..dim];
    if values.chunks_exact(dim).all(|row| row == first) {
        return error(format!(
            "all {unit} of the sample are equal; {task} needs at least two different {unit}"
        ));
    }
    Ok(n)
}

/// The Kolmogorov–Smirnov statistic D = sup|F_N − F| of N order statistics, from their cdf
/// values F(x_(1)) ≤ … ≤ F(x_(N)) in ascending order of x:
/// D = max_i max(i/N − F(x_(i)), F(x_(i)) − (i−1)/N).
///
/// Stops as soon as D reaches `stop_at` and returns that partial maximum (≥ `stop_at`): a
/// search for the smallest D over candidates needs no more. `f64::INFINITY` never stops.
pub fn ks_statistic(cdf_ascending: impl ExactSizeIterator<Item = f64>, stop_at: f64) -> f64 {
    let n = cdf_ascending.len() as f64;
    let mut distance: f64 = 0.0;
    for (i, f) in cdf_ascending.enumerate() {
        distance = distance.max((i + 1) as f64 / n - f).max(f - i as f64 / n);
        if distance >= stop_at {
            break;
        }
    }
    distance
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn sorted_indices_is_a_stable_argsort() {
        // Ties (both zeros among them), infinities and a negated copy, against std's
        // stable sort.
        let values = [
            3.0,
            -0.0,
            1.5,
            0.0,
            f64::INFINITY,
            1.5,
            -2.0,
            0.0,
            f64::NEG_INFINITY,
            1.5,
        ];
        let negated: Vec<f64> = values.iter().map(|v| -v).collect();
        for values in [&values[..], &negated] {
            let mut expected: Vec<usize> = (0..values.len()).collect();
            expected.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
            assert_eq!(sorted_indices(values), expected);
        }
        // Negated: largest first, equal values still by index.
        assert_eq!(sorted_indices(&negated)[..4], [4, 0, 2, 5]);
        assert!(sorted_indices(&[]).is_empty());
    }

    #[test]
    fn ks_statistic_of_a_uniform_grid() {
        // Sorted sample (i − ½)/n under U(0,1): D = 1/(2n) exactly.
        let n = 50;
        let xs: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        assert!((ks_statistic(xs.iter().copied(), f64::INFINITY) - 0.01).abs() < 1e-15);
        // A sample far off the law: D → 1; stopping at 0.5 returns a value ≥ 0.5.
        let off = [0.9, 0.95, 0.99];
        assert!((ks_statistic(off.iter().copied(), f64::INFINITY) - 0.9).abs() < 1e-15);
        assert!(ks_statistic(off.iter().copied(), 0.5) >= 0.5);
    }

    #[test]
    fn check_sample_names_the_task_and_counts_from_one() {
        let message = |values: &[f64], dim| check_sample(values, dim, "a fit").unwrap_err().message;
        let mut values: Vec<f64> = (0..12).map(f64::from).collect();
        assert_eq!(check_sample(&values, 1, "a fit").unwrap(), 12);
        assert_eq!(
            check_sample(&values, 2, "a fit").unwrap_err().field,
            "sample"
        );
        assert_eq!(
            message(&values[..3], 1),
            "the sample has 3 values; a fit needs at least 10"
        );
        values[7] = f64::NAN;
        assert_eq!(
            message(&values, 1),
            "value 8 of the sample is NaN; a fit needs finite values"
        );
        let mut rows: Vec<f64> = (0..30).map(f64::from).collect();
        assert_eq!(check_sample(&rows, 3, "a fit").unwrap(), 10);
        rows[7] = f64::INFINITY;
        assert_eq!(
            message(&rows, 3),
            "row 3, column 2 of the sample is inf; a fit needs finite values"
        );
        assert_eq!(
            message(&[2.5; 20], 1),
            "all values of the sample are equal; a fit needs at least two different values"
        );
        assert!(message(&rows[..29], 3).starts_with("the sample holds 29 numbers"));
    }

    #[test]
    fn ziggurat_matches_the_normal_law() {
        // The ziggurat's normals (crate::rng), tested here where the KS statistic lives: a
        // KS test against Φ (statrs): with N = 200k the 0.1% critical value is 1.95/√N.
        let zig = crate::rng::ziggurat();
        let mut rng = crate::rng::stream(11, 0);
        let mut z = vec![0.0; 200_000];
        zig.fill(&mut rng, &mut z);
        let n = z.len() as f64;
        let mean = z.iter().sum::<f64>() / n;
        let var = z.iter().map(|x| x * x).sum::<f64>() / n;
        let m4 = z.iter().map(|x| x.powi(4)).sum::<f64>() / n;
        // Standard errors: 0.0022, 0.0032, 0.022 (4-5 of them allowed).
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "var {var}");
        assert!((m4 - 3.0).abs() < 0.1, "m4 {m4}");
        z.sort_unstable_by(f64::total_cmp);
        let phi = Normal::standard();
        let ks = ks_statistic(z.iter().map(|&x| phi.cdf(x)), f64::INFINITY);
        assert!(ks < 1.95 / n.sqrt(), "KS distance {ks}");
    }
}
