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
//! be written in d SVD coordinates Vᵀx, null-space directions included. Each q_i (and p_i
//! with it) is signed so that its largest entry in magnitude, the first of equal ones, is
//! positive: the SVD fixes q_i only up to sign, and the page shows the coordinate q_iᵀx.
//!
//! Method: a Householder QR reduces A to a square matrix with the same singular values
//! (R, d × d, when n > d; Rᵀ from Aᵀ = QR otherwise), whose SVD the one-sided Jacobi
//! method computes ([`orthogonalise_columns`]; Hestenes 1958, Golub & Van Loan). The
//! rank is LAPACK's: the singular values above max(n, d)·ε·λ_1.

use nalgebra::{DMatrix, DVector};

use crate::error::{short, Error, Result};
use crate::model::lanes::dot;
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
    out_of_range(format!(
        "scale is out of range: its largest singular value λ₁ = {} makes n·λ₁⁴ = {}, \
         which the bounds need as a finite, normal number",
        short(top),
        short(fourth)
    ))
}

/// "The design matrix's {what}; rescale …": the one advice for data the bounds cannot use.
fn out_of_range(what: String) -> Error {
    Error::new(
        "data",
        format!(
            "the design matrix's {what}; rescale the data (e.g. preprocess=standardize or \
             minmax)"
        ),
    )
}

impl Spectrum {
    /// The thin SVD of `problem.a` and everything derived from it (MATH.md §2.1), computed
    /// by the one-sided Jacobi method after a Householder QR (the module's doc).
    ///
    /// # Errors
    /// A matrix with a non-finite entry, entries or singular values out of the range the
    /// bounds need (too large or too small), a zero matrix, or (never seen) a Jacobi
    /// iteration that does not converge.
    pub fn new(problem: &Problem) -> Result<Spectrum> {
        let (n, d) = problem.a.shape();
        check_entries(problem)?;
        let mut reduced = reduce(problem);
        let w = orthogonalise_columns(&mut reduced.m)?;
        let Triplets {
            singular_values,
            mut right,
            left,
        } = kept_triplets(n.max(d), &reduced, &w)?;
        let (x_star, alpha, beta) = coordinates(d, &singular_values, &right, &left, &reduced);
        complete_orthonormal_basis(&mut right, d);
        check_scale(n, &singular_values, &alpha, beta)?;
        Ok(Spectrum {
            n,
            d,
            singular_values,
            v: DMatrix::from_columns(&right),
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

/// Refuses data with a NaN or an infinity, with entries so large that n·λ₁⁴ overflows
/// (λ₁ is at least the largest |a_ij|: the SVD's squares would overflow on the way to
/// NaN), or so small that λ₁⁴ underflows (λ₁ ≤ √(nd)·max|a_ij|: the squares would vanish
/// and the matrix look zero).
#[inline(never)]
fn check_entries(problem: &Problem) -> Result<()> {
    let a = &problem.a;
    if a.iter().any(|x| !x.is_finite()) || problem.b.iter().any(|x| !x.is_finite()) {
        return Err(Error::new(
            "data",
            "the data contain NaN or infinite values",
        ));
    }
    let largest = a.amax();
    if !(largest.powi(4) * a.nrows() as f64).is_finite() {
        return Err(out_of_range(format!(
            "entries are out of range: the largest, |a_ij| = {}, makes n·λ₁⁴ ≥ n·|a_ij|⁴ \
             overflow, and the bounds need it finite",
            short(largest)
        )));
    }
    let bound = largest * ((a.nrows() * a.ncols()) as f64).sqrt();
    if largest > 0.0 && bound.powi(4) < f64::MIN_POSITIVE {
        return Err(out_of_range(format!(
            "entries are out of range: the largest, |a_ij| = {}, makes λ₁⁴ ≤ (√(nd)·|a_ij|)⁴ \
             underflow, and the bounds need n·λ₁⁴ as a normal number",
            short(largest)
        )));
    }
    Ok(())
}

/// The problem reduced to a square matrix M with the singular values of A: A = P·M·Tᵀ,
/// where P has orthonormal columns and T = `right` (the identity when `None`), so that
/// A's right singular vectors are T·w_i for those w_i of M, and its left ones P·u_i.
/// `rhs` = c = Pᵀb and `outside` = ρ = |b|² − |c|², the part of b that no column of A
/// reaches; then p_iᵀb = u_iᵀc and β = |c − Σ_i (u_iᵀc) u_i|² + ρ.
struct Reduced {
    m: DMatrix<f64>,
    rhs: DVector<f64>,
    outside: f64,
    right: Option<DMatrix<f64>>,
}

/// With more rows than columns, M = R, P = Q₁ and c = Q₁ᵀb from the Householder QR A = QR
/// (Q = [Q₁ Q₂] orthogonal, ρ = |Q₂ᵀb|²): the SVD then works on a d × d matrix whose left
/// singular vectors are d long instead of n, as LAPACK's driver does for tall matrices.
/// With at most as many rows as columns, Aᵀ = Q₁R gives A = RᵀQ₁ᵀ: M = Rᵀ (n × n),
/// P = I, c = b, ρ = 0 and T = Q₁.
#[inline(never)]
fn reduce(problem: &Problem) -> Reduced {
    let (n, d) = problem.a.shape();
    if n <= d {
        let qr = problem.a.transpose().qr();
        return Reduced {
            m: qr.r().transpose(),
            rhs: problem.b.clone(),
            outside: 0.0,
            right: Some(qr.q()),
        };
    }
    let qr = problem.a.clone().qr();
    let mut qtb = problem.b.clone();
    qr.q_tr_mul(&mut qtb);
    Reduced {
        outside: qtb.rows(d, n - d).norm_squared(),
        rhs: qtb.rows(0, d).into_owned(),
        m: qr.unpack_r(),
        right: None,
    }
}

/// The singular triplets of A above the numerical rank's tolerance, largest first.
struct Triplets {
    /// λ_1 ≥ … ≥ λ_r > 0.
    singular_values: Vec<f64>,
    /// q_1, …, q_r, each signed so that its largest entry in magnitude (the first of equal
    /// ones) is positive.
    right: Vec<DVector<f64>>,
    /// u_1, …, u_r, the left singular vectors of M (A's are P·u_i), signed with their q_i.
    left: Vec<DVector<f64>>,
}

/// The triplets of the reduced problem once [`orthogonalise_columns`] has made M·W's
/// columns orthogonal: λ_i = |(MW)_i|, u_i = (MW)_i/λ_i and q_i = right·w_i, ordered and
/// cut at LAPACK's default rank tolerance max(n, d)·ε·λ_1 (`size` = max(n, d)).
#[inline(never)]
fn kept_triplets(size: usize, reduced: &Reduced, w: &DMatrix<f64>) -> Result<Triplets> {
    let norms: Vec<f64> = reduced
        .m
        .column_iter()
        .map(|column| column.norm())
        .collect();
    // Largest first, equal values by index: increasing order of the negated values
    // (negation reverses IEEE total order).
    let negated: Vec<f64> = norms.iter().map(|v| -v).collect();
    let order = sorted_indices(&negated);
    let top = norms[order[0]];
    if !top.is_finite() {
        return Err(Error::new(
            "data",
            "the SVD of the design matrix failed (a singular value is not finite); \
             rescale the data (e.g. preprocess=standardize or minmax)",
        ));
    }
    if top <= 0.0 {
        return Err(Error::new(
            "data",
            "the design matrix is zero: it has no nonzero singular value",
        ));
    }
    let tolerance = size as f64 * f64::EPSILON * top;
    let mut triplets = Triplets {
        singular_values: Vec::new(),
        right: Vec::new(),
        left: Vec::new(),
    };
    for i in order.into_iter().filter(|&i| norms[i] > tolerance) {
        let mut q = match &reduced.right {
            Some(right) => right * w.column(i),
            None => w.column(i).into_owned(),
        };
        let mut u = reduced.m.column(i) / norms[i];
        if q[q.iamax()] < 0.0 {
            q.neg_mut();
            u.neg_mut();
        }
        triplets.singular_values.push(norms[i]);
        triplets.right.push(q);
        triplets.left.push(u);
    }
    Ok(triplets)
}

/// x_* = Σ_i (u_iᵀc/λ_i) q_i, α_i = −u_iᵀc/λ_i and β = |c − Σ_i (u_iᵀc) u_i|² + ρ, with
/// c and ρ those of the reduced problem (u_iᵀc = p_iᵀb).
#[inline(never)]
fn coordinates(
    d: usize,
    singular_values: &[f64],
    right: &[DVector<f64>],
    left: &[DVector<f64>],
    reduced: &Reduced,
) -> (DVector<f64>, Vec<f64>, f64) {
    let mut x_star = DVector::zeros(d);
    let mut alpha = Vec::with_capacity(singular_values.len());
    let mut fitted = DVector::zeros(reduced.rhs.len());
    for ((&lambda, q), u) in singular_values.iter().zip(right).zip(left) {
        let coefficient = u.dot(&reduced.rhs);
        alpha.push(-coefficient / lambda);
        x_star.axpy(coefficient / lambda, q, 1.0);
        fitted.axpy(coefficient, u, 1.0);
    }
    let beta = (&reduced.rhs - fitted).norm_squared() + reduced.outside;
    (x_star, alpha, beta)
}

/// Sweeps of the one-sided Jacobi method before it gives up. It converges quadratically:
/// about ten sweeps were needed for the digits and for 500-column matrices.
const MAX_SWEEPS: usize = 60;

/// The one-sided Jacobi SVD (Hestenes): plane rotations W applied on the right make M's
/// columns orthogonal, M ← MW = [λ_1 u_1 … λ_k u_k] (unordered), and W is returned. The
/// column norms are the singular values, each to within a few ε·λ_1.
///
/// Hand-written rather than nalgebra's bidiagonal SVD, which LLVM inlines into one large
/// function: in the browser, V8 spent 125–240 ms of a background core optimising it while
/// the workers simulated, for a single call (V8 optimises any function that has run long
/// enough, whatever its size). Here the work is in small functions, [`jacobi_rotation`]
/// and [`rotate`], optimised in a millisecond each; the other passes over the data
/// ([`check_entries`], [`reduce`]) are functions of their own too, so that
/// [`Spectrum::new`] itself never runs long (the page's wasm-opt keeps this module's
/// functions out of their callers: index.html).
#[inline(never)]
fn orthogonalise_columns(m: &mut DMatrix<f64>) -> Result<DMatrix<f64>> {
    let (rows, k) = m.shape();
    let mut w = DMatrix::identity(k, k);
    if rows == 0 {
        // No entries to rotate (and no column to cut the storage into).
        return Ok(w);
    }
    let tolerance = (rows as f64).sqrt() * f64::EPSILON;
    let mut squares = vec![0.0; k];
    for _ in 0..MAX_SWEEPS {
        // Squared column norms, fresh each sweep and updated after each rotation.
        for (square, column) in squares.iter_mut().zip(m.as_slice().chunks_exact(rows)) {
            *square = dot(column, column);
        }
        let mut rotated = false;
        for p in 0..k {
            for q in p + 1..k {
                let (mp, mq) = two_columns(m.as_mut_slice(), rows, p, q);
                let Some(rotation) = jacobi_rotation(mp, mq, squares[p], squares[q], tolerance)
                else {
                    continue;
                };
                rotate(mp, mq, rotation.c, rotation.s);
                let (wp, wq) = two_columns(w.as_mut_slice(), k, p, q);
                rotate(wp, wq, rotation.c, rotation.s);
                squares[p] = (squares[p] - rotation.shift).max(0.0);
                squares[q] += rotation.shift;
                rotated = true;
            }
        }
        if !rotated {
            return Ok(w);
        }
    }
    Err(Error::new(
        "data",
        "the SVD of the design matrix did not converge; rescale the data \
         (e.g. preprocess=standardize or minmax)",
    ))
}

/// A plane rotation (x, y) ← (c·x − s·y, s·x + c·y) of two columns; it moves `shift` of
/// the squared norm from x to y.
struct Rotation {
    c: f64,
    s: f64,
    shift: f64,
}

/// The rotation that makes columns x and y (squared norms a and b) orthogonal, or `None`
/// when they already are to within `tolerance` (|xᵀy| ≤ tolerance·|x||y|): the smaller
/// angle that zeroes the off-diagonal entry g of [[a, g], [g, b]] (its symmetric Schur
/// decomposition, as in Golub & Van Loan's Jacobi methods), t = tan θ = sign(ζ)/(|ζ| +
/// √(1 + ζ²)) with ζ = (b − a)/2g, or 1/2ζ where ζ² would overflow. The squared norms
/// become a − tg and b + tg.
#[inline(never)]
fn jacobi_rotation(x: &[f64], y: &[f64], a: f64, b: f64, tolerance: f64) -> Option<Rotation> {
    let g = dot(x, y);
    // A column whose squared norm underflowed to 0 is far below the rank cut: rotating it
    // would only shrink g, sweep after sweep, through the subnormals.
    if g == 0.0 || a == 0.0 || b == 0.0 || g.abs() <= tolerance * a.sqrt() * b.sqrt() {
        return None;
    }
    let zeta = (b - a) / (2.0 * g);
    let t = if zeta.abs() > 1e150 {
        0.5 / zeta
    } else {
        zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt())
    };
    if t == 0.0 {
        return None;
    }
    let c = 1.0 / (1.0 + t * t).sqrt();
    Some(Rotation {
        c,
        s: c * t,
        shift: t * g,
    })
}

/// Columns p < q of a column-major matrix whose columns are `rows` long.
fn two_columns(m: &mut [f64], rows: usize, p: usize, q: usize) -> (&mut [f64], &mut [f64]) {
    let (head, tail) = m.split_at_mut(q * rows);
    (&mut head[p * rows..(p + 1) * rows], &mut tail[..rows])
}

/// (x, y) ← (c·x − s·y, s·x + c·y).
#[inline(never)]
fn rotate(x: &mut [f64], y: &mut [f64], c: f64, s: f64) {
    for (x, y) in x.iter_mut().zip(y.iter_mut()) {
        let (xi, yi) = (*x, *y);
        *x = c * xi - s * yi;
        *y = s * xi + c * yi;
    }
}

/// Extends orthonormal vectors of ℝ^d to an orthonormal basis, by Gram–Schmidt (twice, for
/// stability) on the standard basis vectors.
#[inline(never)]
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
mod tests;
