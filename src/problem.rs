//! Ridge-regularised least-squares problems (MATH.md §0, §1.1, §5.2).
//!
//! TODO (core-theory helper): constructors for synthetic, prescribed-spectrum, digits,
//! digits random features and CSV data, with validation.

use nalgebra::{DMatrix, DVector};

/// A design matrix A (n × d, rows a_i) and a response b (length n).
/// The objective is f(x) = (1/2n)|Ax − b|² + (δ/2)|x|² with δ from the simulation
/// parameters (MATH.md §0).
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
}
