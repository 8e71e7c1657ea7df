//! Ridge-regularised least-squares problems (MATH.md §0, §1.1, §5.2).
//!
//! A problem is a design matrix A ∈ ℝ^{n×d} with rows a_i and a response b ∈ ℝ^n; the
//! objective is f(x) = (1/2n)|Ax − b|² + (δ/2)|x|², δ in project units (MATH.md §0).
//!
//! Synthetic data follow the authors' code (MATH.md §5.2, 𝒳): entries of A i.i.d.
//! N(0, 1), x₀ ~ 3·N(0, I_d), b = A x₀ + 3·N(0, I_n), then A is min-max normalised over
//! the whole matrix (after b is drawn).

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::rng;

/// A design matrix A (n × d, rows a_i) and a response b (length n).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Design matrix, n × d.
    pub a: DMatrix<f64>,
    /// Response, length n.
    pub b: DVector<f64>,
    /// A short human-readable description ("synthetic 500×50, seed 1", "digits", …).
    pub name: String,
}

impl Problem {
    /// Number of rows n.
    pub fn n(&self) -> usize {
        self.a.nrows()
    }

    /// Number of columns d.
    pub fn d(&self) -> usize {
        self.a.ncols()
    }

    /// The paper's synthetic Gaussian problem 𝒳 (MATH.md §5.2) with `n` rows, `d`
    /// columns, drawn from the stream of `seed`.
    pub fn synthetic(n: usize, d: usize, seed: u64) -> Result<Problem> {
        if n < 2 {
            return Err(Error::new("n", "n must be at least 2"));
        }
        if d < 1 {
            return Err(Error::new("d", "d must be at least 1"));
        }
        let mut stream = rng::stream(seed, 0);
        let mut entries = vec![0.0; n * d];
        rng::fill_standard_normal(&mut stream, &mut entries);
        let mut a = DMatrix::from_row_slice(n, d, &entries);
        let mut x0 = vec![0.0; d];
        rng::fill_standard_normal(&mut stream, &mut x0);
        let x0 = DVector::from_vec(x0) * 3.0;
        let mut noise = vec![0.0; n];
        rng::fill_standard_normal(&mut stream, &mut noise);
        let b = &a * &x0 + DVector::from_vec(noise) * 3.0;
        minmax_in_place(&mut a);
        Ok(Problem {
            a,
            b,
            name: format!("synthetic {n}×{d}, seed {seed}"),
        })
    }
}

/// Global min-max normalisation A ← (A − min A)/(max A − min A) (MATH.md §5.1). A constant
/// matrix is left at zero rather than divided by zero.
pub fn minmax_in_place(a: &mut DMatrix<f64>) {
    let (lo, hi) = a
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let range = hi - lo;
    if range > 0.0 {
        a.apply(|x| *x = (*x - lo) / range);
    } else {
        a.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_is_reproducible_and_normalised() {
        let p = Problem::synthetic(40, 5, 3).unwrap();
        let q = Problem::synthetic(40, 5, 3).unwrap();
        assert_eq!(p, q);
        assert_ne!(p, Problem::synthetic(40, 5, 4).unwrap());
        let min = p.a.min();
        let max = p.a.max();
        assert_eq!((min, max), (0.0, 1.0));
        // b = A x0 + 3 N(0,1) with raw A ~ N(0,1), x0 ~ 3 N(0, I_5): Var b_i = 9·|x0|²/… > 9.
        let var_b = p.b.iter().map(|x| x * x).sum::<f64>() / 40.0;
        assert!(var_b > 9.0 * 0.3, "{var_b}");
    }

    #[test]
    fn bad_sizes_are_errors() {
        assert_eq!(Problem::synthetic(1, 5, 0).unwrap_err().field, "n");
        assert_eq!(Problem::synthetic(5, 0, 0).unwrap_err().field, "d");
    }
}
