//! The reduced SVD A = PΣQᵀ and the quantities hSGD needs in SVD coordinates
//! (MATH.md §2.1).
//!
//! - λ_1 ≥ … ≥ λ_r > 0 are the nonzero singular values of A (not squared); h_i = λ_i²/n
//!   are the eigenvalues of H = AᵀA/n.
//! - x_* = QΣ⁻¹Pᵀb is the minimum-norm least-squares solution (not the ridge minimiser).
//! - Centred coordinates Y = Qᵀ(X − x_*); α = −Σ⁻¹Pᵀb; β = |b − PPᵀb|² ≥ 0.
//! - The stable rank Σλ_i²/λ_1² = tr(AᵀA)/λ_1² is the gap η* − η_* plus one (MATH.md §3.2).
//!
//! The basis Q is completed to an orthonormal basis of ℝ^d, so that every final iterate can
//! be written in d SVD coordinates Vᵀx, null-space directions included.

use nalgebra::{DMatrix, DVector};

use crate::error::{short, Error, Result};
use crate::model::problem::Problem;
use crate::stats::sample::sorted_indices;

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

/// Checks that the theory's quantities are finite numbers for this data: the bounds and
/// the Pearson coefficients use n·λ_1⁴ and Σλ_i² (MATH.md §2.3, §3), the decoupled
/// coordinates α_i and the residual β. Data scaled near the ends of the floating-point range
/// would otherwise give infinities or zeros there and, downstream, bounds of `null`.
fn check_scale(n: usize, singular_values: &[f64], alpha: &[f64], beta: f64) -> Result<()> {
    check_top(n, singular_values[0])?;
    let sum_sq: f64 = singular_values.iter().map(|l| l * l).sum();
    if !sum_sq.is_finite() {
        return Err(scale_error(singular_values[0], f64::INFINITY));
    }
    if !(beta.is_finite() && alpha.iter().all(|a| a.is_finite() && (a * a).is_finite())) {
        return Err(Error::new(
            "data",
            "the response is out of range: its squares overflow; rescale the response column",
        ));
    }
    Ok(())
}

/// n·λ₁⁴ must be a finite, normal number (the bounds divide by it).
fn check_top(n: usize, top: f64) -> Result<()> {
    let fourth = top.powi(4) * n as f64;
    if fourth.is_finite() && top.powi(4) >= f64::MIN_POSITIVE {
        Ok(())
    } else {
        Err(scale_error(top, fourth))
    }
}

fn scale_error(top: f64, fourth: f64) -> Error {
    Error::new(
        "data",
        format!(
            "the design matrix's scale is out of range: its largest singular value \
             λ₁ = {} makes n·λ₁⁴ = {}, which the bounds need as a finite, normal number; \
             rescale the data (e.g. preprocess=standardize or minmax)",
            short(top),
            short(fourth)
        ),
    )
}

impl Spectrum {
    /// The thin SVD of `problem.a` (nalgebra) and everything derived from it.
    ///
    /// # Errors
    /// A matrix with a non-finite entry, or whose singular values are all zero.
    pub fn new(problem: &Problem) -> Result<Spectrum> {
        let a = &problem.a;
        let (n, d) = a.shape();
        if a.iter().any(|x| !x.is_finite()) || problem.b.iter().any(|x| !x.is_finite()) {
            return Err(Error::new(
                "data",
                "the data contain NaN or infinite values",
            ));
        }
        // λ₁ is at least the largest |a_ij|: entries that already make n·λ₁⁴ overflow are
        // refused before the SVD, whose squares would overflow on the way to NaN.
        let largest = a.amax();
        if !(largest.powi(4) * n as f64).is_finite() {
            return Err(Error::new(
                "data",
                format!(
                    "the design matrix's entries are out of range: the largest, |a_ij| = {}, \
                     makes n·λ₁⁴ ≥ n·|a_ij|⁴ overflow, and the bounds need it finite; rescale \
                     the data (e.g. preprocess=standardize or minmax)",
                    short(largest)
                ),
            ));
        }
        // nalgebra's `svd` panics on a NaN singular value while sorting them: sort after
        // checking (the same order as `svd`'s otherwise).
        let mut svd = a.clone().svd_unordered(true, true);
        if svd.singular_values.iter().any(|s| !s.is_finite()) {
            return Err(Error::new(
                "data",
                "the SVD of the design matrix failed (a singular value is not finite); \
                 rescale the data (e.g. preprocess=standardize or minmax)",
            ));
        }
        svd.sort_by_singular_values();
        let u = svd.u.as_ref().expect("requested U");
        let vt = svd.v_t.as_ref().expect("requested Vᵀ");
        // Largest first, equal values by index: increasing order of the negated values
        // (negation reverses IEEE total order).
        let negated: Vec<f64> = svd.singular_values.iter().map(|v| -v).collect();
        let order = sorted_indices(&negated);
        let top = svd.singular_values[order[0]];
        if top <= 0.0 || top.is_nan() {
            return Err(Error::new(
                "data",
                "the design matrix is zero: it has no nonzero singular value",
            ));
        }
        // Numerical rank: LAPACK's default tolerance max(n, d)·ε·λ_1.
        let tolerance = n.max(d) as f64 * f64::EPSILON * top;
        let kept: Vec<usize> = order
            .into_iter()
            .filter(|&i| svd.singular_values[i] > tolerance)
            .collect();
        let singular_values: Vec<f64> = kept.iter().map(|&i| svd.singular_values[i]).collect();

        let mut basis: Vec<DVector<f64>> = kept.iter().map(|&i| vt.row(i).transpose()).collect();
        complete_orthonormal_basis(&mut basis, d);
        let v = DMatrix::from_columns(&basis);

        let mut x_star = DVector::zeros(d);
        let mut alpha = Vec::with_capacity(kept.len());
        let mut fitted = DVector::zeros(n);
        for (k, &i) in kept.iter().enumerate() {
            let p_i = u.column(i);
            let coefficient = p_i.dot(&problem.b);
            alpha.push(-coefficient / singular_values[k]);
            x_star.axpy(coefficient / singular_values[k], &basis[k], 1.0);
            fitted.axpy(coefficient, &p_i, 1.0);
        }
        let beta = (&problem.b - fitted).norm_squared();
        check_scale(n, &singular_values, &alpha, beta)?;
        Ok(Spectrum {
            n,
            d,
            singular_values,
            v,
            x_star,
            alpha,
            beta,
        })
    }

    /// The rank r (number of nonzero singular values).
    pub fn rank(&self) -> usize {
        self.singular_values.len()
    }

    /// The stable rank Σλ_i²/λ_1² (≥ 1).
    pub fn stable_rank(&self) -> f64 {
        let top = self.singular_values[0];
        self.singular_values.iter().map(|s| s * s).sum::<f64>() / (top * top)
    }

    /// λ_1, the largest singular value.
    pub fn lambda_1(&self) -> f64 {
        self.singular_values[0]
    }

    /// Σ_i λ_i² = tr(AᵀA) = |A|_F².
    pub fn sum_sq(&self) -> f64 {
        self.singular_values.iter().map(|s| s * s).sum()
    }

    /// h_i = λ_i²/n, the nonzero eigenvalues of H = AᵀA/n (MATH.md §0), descending.
    pub fn h(&self) -> Vec<f64> {
        self.singular_values
            .iter()
            .map(|s| s * s / self.n as f64)
            .collect()
    }

    /// True when β is zero up to rounding (the overparametrised case, MATH.md §2.1):
    /// β ≤ 10⁻¹² |b|², with |b|² = Σλ_i²α_i² + β.
    pub fn is_overparametrised(&self) -> bool {
        let fitted: f64 = self
            .singular_values
            .iter()
            .zip(&self.alpha)
            .map(|(l, a)| (l * a).powi(2))
            .sum();
        self.beta <= 1e-12 * (fitted + self.beta)
    }

    /// The minimum of the ridge objective f(x) = (1/2n)|Ax − b|² + (δ/2)|x|² (MATH.md §0)
    /// over x, the level the loss curve approaches from above:
    /// min f = β/(2n) + Σ_i δ·c_i² / (2(λ_i² + nδ)) with c_i = p_iᵀb = −λ_iα_i.
    ///
    /// Each SVD coordinate y_i = q_iᵀx contributes (1/2n)(λ_i y_i − c_i)² + (δ/2)y_i²,
    /// least at y_i = λ_i c_i/(λ_i² + nδ); null-space coordinates are best at 0; the
    /// residual β of b off the column space is left over. For δ = 0 this is β/(2n).
    pub fn min_loss(&self, delta: f64) -> f64 {
        let n = self.n as f64;
        let ridge: f64 = self
            .singular_values
            .iter()
            .zip(&self.alpha)
            .map(|(l, a)| {
                let c2 = (l * a).powi(2);
                delta * c2 / (2.0 * (l * l + n * delta))
            })
            .sum();
        self.beta / (2.0 * n) + ridge
    }

    /// The first `r` columns of [`Spectrum::v`]: Q, the right singular vectors of the
    /// nonzero singular values (d × r).
    pub fn q(&self) -> DMatrix<f64> {
        self.v.columns(0, self.rank()).into_owned()
    }

    /// SVD coordinates Vᵀx of a point x ∈ ℝ^d (all d of them, null space included).
    pub fn project(&self, x: &[f64]) -> Vec<f64> {
        let x = DVector::from_column_slice(x);
        (self.v.transpose() * x).iter().copied().collect()
    }
}

/// Extends orthonormal vectors of ℝ^d to an orthonormal basis, by Gram–Schmidt (twice, for
/// stability) on the standard basis vectors.
fn complete_orthonormal_basis(basis: &mut Vec<DVector<f64>>, d: usize) {
    for j in 0..d {
        if basis.len() == d {
            break;
        }
        let mut e = DVector::zeros(d);
        e[j] = 1.0;
        for _ in 0..2 {
            for q in basis.iter() {
                let c = q.dot(&e);
                e.axpy(-c, q, 1.0);
            }
        }
        let norm = e.norm();
        if norm > 1e-6 {
            basis.push(e / norm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + b.abs())
    }

    #[test]
    fn diagonal_matrix_has_known_svd() {
        // A = diag(3, 1) stacked over a zero row; b = (1, 2, 5).
        let a = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 0.0, 3.0, 0.0, 0.0]);
        let b = DVector::from_vec(vec![1.0, 2.0, 5.0]);
        let s = Spectrum::new(&Problem {
            a,
            b,
            name: "t".into(),
        })
        .unwrap();
        assert!(close(s.singular_values[0], 3.0, 1e-14) && close(s.singular_values[1], 1.0, 1e-14));
        // x* solves min |Ax − b|: x = (1, 2/3); residual only in row 3: β = 25.
        assert!(close(s.x_star[0], 1.0, 1e-14) && close(s.x_star[1], 2.0 / 3.0, 1e-14));
        assert!(close(s.beta, 25.0, 1e-13));
        assert!(close(s.stable_rank(), 10.0 / 9.0, 1e-14));
        // |α_i| = |p_iᵀb|/λ_i: (2/3, 1).
        assert!(close(s.alpha[0].abs(), 2.0 / 3.0, 1e-14) && close(s.alpha[1].abs(), 1.0, 1e-14));
    }

    #[test]
    fn entries_whose_squares_overflow_are_refused_before_the_svd() {
        // Found by fuzzing: an entry of 7.8e150 made nalgebra's SVD panic on a NaN
        // singular value (the page would have lost its wasm module).
        let a = DMatrix::from_row_slice(3, 2, &[7.0, 7.8e150, -9.0, -0.6, 888.0, 682.0]);
        let b = DVector::from_vec(vec![1.0, 2.0, 0.0]);
        let error = Spectrum::new(&Problem {
            a,
            b,
            name: "t".into(),
        })
        .unwrap_err();
        assert_eq!(error.field, "data");
        assert!(
            error.message.contains("7.8e150") && error.message.contains("rescale"),
            "{error}"
        );
    }

    #[test]
    fn wide_matrix_gets_a_full_orthonormal_basis_and_zero_beta() {
        let p = Problem::synthetic(4, 9, 5).unwrap();
        let s = Spectrum::new(&p).unwrap();
        assert_eq!(s.rank(), 4);
        assert_eq!(s.v.shape(), (9, 9));
        let gram = s.v.transpose() * &s.v;
        assert!((gram - DMatrix::identity(9, 9)).amax() < 1e-12);
        assert!(s.beta < 1e-18 * p.b.norm_squared().max(1.0) + 1e-20);
        // Ax* = b when n < d and A has full row rank.
        assert!((&p.a * &s.x_star - &p.b).amax() < 1e-9);
    }

    #[test]
    fn identity_of_the_residual_in_svd_coordinates() {
        // |Ax − b|² = |ΣY|² + β with Y = Qᵀ(x − x*) (MATH.md §2.1).
        let p = Problem::synthetic(30, 6, 2).unwrap();
        let s = Spectrum::new(&p).unwrap();
        let x = DVector::from_fn(6, |i, _| (i as f64) - 2.5);
        let y = s.project((&x - &s.x_star).as_slice());
        let lhs = (&p.a * &x - &p.b).norm_squared();
        let rhs: f64 = s
            .singular_values
            .iter()
            .zip(&y)
            .map(|(l, y)| (l * y).powi(2))
            .sum::<f64>()
            + s.beta;
        assert!(close(lhs, rhs, 1e-10), "{lhs} vs {rhs}");
        let total: f64 = p.a.iter().map(|x| x * x).sum();
        let sum_sq: f64 = s.singular_values.iter().map(|l| l * l).sum();
        assert!(close(total, sum_sq, 1e-12));
    }

    /// The reference values of MATH.md §0, recomputed with numpy by
    /// tests/fixtures/theory/reference.py (`digits` in reference.json).
    #[test]
    fn digits_reference_values() {
        let s = Spectrum::new(&Problem::digits().unwrap()).unwrap();
        assert_eq!((s.n, s.d), (1797, 64));
        // rank 61 < d = 64 (numpy, same tolerance max(n,d)·ε·λ_1).
        assert_eq!(s.rank(), 61);
        // λ_1 = 137.0700 (MATH.md §0); numpy 137.0699585520381.
        assert!((s.lambda_1() - 137.0699585520381).abs() < 1e-9);
        // Σλ_i² = 26980.52 (MATH.md §0); numpy 26980.515625, = Σ pixel²/256 exactly.
        assert!((s.sum_sq() - 26980.515625).abs() < 1e-7);
        // λ_2 = 35.43729823970283, λ_61 = 0.053782104620081206 (numpy).
        assert!((s.singular_values[1] - 35.43729823970283).abs() < 1e-9);
        assert!((s.singular_values[60] - 0.053782104620081206).abs() < 1e-9);
        // β = |b − PPᵀb|² = 61.288954223514025, |α_1| = 0.1383074073740452 (numpy).
        assert!((s.beta - 61.288954223514025).abs() < 1e-8);
        assert!((s.alpha[0].abs() - 0.1383074073740452).abs() < 1e-12);
        assert!(!s.is_overparametrised());
        // h_1 = λ_1²/n = 137.07²/1797 = 10.4555…
        assert!((s.h()[0] - 137.0699585520381f64.powi(2) / 1797.0).abs() < 1e-10);
        assert_eq!(s.q().shape(), (64, 61));
    }

    #[test]
    fn overparametrised_is_detected() {
        let wide = Spectrum::new(&Problem::synthetic(4, 9, 5).unwrap()).unwrap();
        assert!(wide.is_overparametrised());
        let tall = Spectrum::new(&Problem::synthetic(30, 6, 2).unwrap()).unwrap();
        assert!(!tall.is_overparametrised());
        // h sums to tr H = |A|_F²/n.
        let p = Problem::synthetic(30, 6, 2).unwrap();
        let trace_h = p.a.iter().map(|x| x * x).sum::<f64>() / 30.0;
        assert!(close(tall.h().iter().sum::<f64>(), trace_h, 1e-12));
    }

    #[test]
    fn zero_and_nan_matrices_are_errors() {
        let zero = Problem {
            a: DMatrix::zeros(3, 2),
            b: DVector::zeros(3),
            name: "z".into(),
        };
        assert_eq!(Spectrum::new(&zero).unwrap_err().field, "data");
        let mut nan = Problem::synthetic(5, 2, 1).unwrap();
        nan.a[(1, 1)] = f64::NAN;
        assert!(Spectrum::new(&nan).is_err());
    }

    #[test]
    fn min_loss_is_the_objective_at_the_ridge_solution() {
        // Independent value: solve the normal equations (AᵀA/n + δI)x = Aᵀb/n with
        // nalgebra's Cholesky and evaluate f(x) = (1/2n)|Ax − b|² + (δ/2)|x|² directly.
        for (p, delta) in [
            (Problem::synthetic(30, 6, 2).unwrap(), 0.0),
            (Problem::synthetic(30, 6, 2).unwrap(), 0.05),
            (Problem::synthetic(4, 9, 5).unwrap(), 0.3),
        ] {
            let s = Spectrum::new(&p).unwrap();
            let n = p.n() as f64;
            let d = p.d();
            let system = p.a.transpose() * &p.a / n + DMatrix::identity(d, d) * delta;
            let rhs = p.a.transpose() * &p.b / n;
            let x = if delta > 0.0 {
                system.cholesky().unwrap().solve(&rhs)
            } else {
                s.x_star.clone()
            };
            let f = (&p.a * &x - &p.b).norm_squared() / (2.0 * n) + 0.5 * delta * x.norm_squared();
            assert!(
                close(s.min_loss(delta), f, 1e-10),
                "δ = {delta}: {} vs {f}",
                s.min_loss(delta)
            );
            // And no other point does better: a step off the minimiser raises f.
            let y = &x + DVector::from_element(d, 1e-3);
            let fy = (&p.a * &y - &p.b).norm_squared() / (2.0 * n) + 0.5 * delta * y.norm_squared();
            assert!(fy > s.min_loss(delta));
        }
        // Overparametrised and unregularised: the minimum is 0 (up to rounding).
        let wide = Spectrum::new(&Problem::synthetic(4, 9, 5).unwrap()).unwrap();
        assert!(wide.min_loss(0.0) < 1e-15);
    }
}
