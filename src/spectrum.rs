//! The reduced SVD A = PΣQᵀ and the quantities hSGD needs in SVD coordinates
//! (MATH.md §2.1).
//!
//! TODO (core-theory helper): `Spectrum::new(&Problem)` with nalgebra's SVD.

use nalgebra::{DMatrix, DVector};

/// The SVD of a problem's design matrix and the derived centred-coordinate quantities.
#[derive(Clone, Debug, PartialEq)]
pub struct Spectrum {
    /// n, rows of A.
    pub n: usize,
    /// d, columns of A.
    pub d: usize,
    /// λ_1 ≥ … ≥ λ_r > 0, the nonzero singular values of A (not squared); r = rank.
    pub singular_values: Vec<f64>,
    /// Q completed to an orthonormal basis of ℝ^d: d × d, column i is the i-th right
    /// singular vector q_i (i < r), columns r.. span the null space of A.
    pub v: DMatrix<f64>,
    /// x_* = QΣ⁻¹Pᵀb, the minimum-norm least-squares solution (not the ridge minimiser).
    pub x_star: DVector<f64>,
    /// α = −Σ⁻¹Pᵀb, length r.
    pub alpha: Vec<f64>,
    /// β = |b − PPᵀb|² ≥ 0 (β = 0: overparametrised).
    pub beta: f64,
}
