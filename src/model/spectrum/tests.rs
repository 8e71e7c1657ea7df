use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn diagonal_matrix_has_known_svd() {
    // A = diag(3, 1) stacked over a zero row; b = (1, 2, 5).
    let s = Spectrum::new(&problem(
        3,
        2,
        vec![1.0, 0.0, 0.0, 0.0, 3.0, 0.0],
        vec![1.0, 2.0, 5.0],
    ))
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
    // Found by fuzzing: the squares of an entry of 7.8e150 overflow on the way to the
    // singular values (NaN); a panic there would lose the page its wasm module.
    let columns = vec![7.0, -9.0, 888.0, 7.8e150, -0.6, 682.0];
    let error = Spectrum::new(&problem(3, 2, columns, vec![1.0, 2.0, 0.0])).unwrap_err();
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

/// A problem with these columns (column-major) and response.
fn problem(rows: usize, columns: usize, a: Vec<f64>, b: Vec<f64>) -> Problem {
    Problem {
        a: DMatrix::from_vec(rows, columns, a),
        b: DVector::from_vec(b),
        name: "t".into(),
    }
}

/// Deterministic pseudo-random entries in [−1, 1) (SplitMix64).
fn entries(count: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        })
        .collect()
}

/// Against an independent implementation, nalgebra's bidiagonal SVD: the singular
/// values, the projector onto the leading singular vectors (free of their signs), x_*
/// and β, on tall, wide, square and rank-deficient matrices.
#[test]
fn the_jacobi_svd_agrees_with_nalgebras_svd() {
    let mut cases = vec![
        problem(30, 6, entries(180, 1), entries(30, 2)),
        problem(5, 12, entries(60, 3), entries(5, 4)),
        problem(8, 8, entries(64, 5), entries(8, 6)),
    ];
    // Rank 3 of 5: column 3 repeats column 0, column 4 is zero.
    let mut deficient = entries(40 * 5, 7);
    deficient.copy_within(0..40, 120);
    deficient[160..].fill(0.0);
    cases.push(problem(40, 5, deficient, entries(40, 8)));
    for p in cases {
        let s = Spectrum::new(&p).unwrap();
        let reference = p.a.clone().svd(true, true);
        let top = reference.singular_values[0];
        let expected: Vec<f64> = reference
            .singular_values
            .iter()
            .copied()
            .filter(|&l| l > 1e-12 * top)
            .collect();
        assert_eq!(s.rank(), expected.len(), "{:?}", p.a.shape());
        for (l, e) in s.singular_values.iter().zip(&expected) {
            assert!((l - e).abs() < 1e-13 * top, "{l} vs {e}");
        }
        // The projector onto span(q_1, …, q_r) and x_* = A⁺b.
        let v_t = reference.v_t.as_ref().unwrap();
        let r = s.rank();
        let q_ref = v_t.rows(0, r).transpose();
        let projector = s.q() * s.q().transpose();
        assert!((projector - &q_ref * q_ref.transpose()).amax() < 1e-12);
        let x_star = reference.pseudo_inverse(1e-12 * top).unwrap() * &p.b;
        assert!((&s.x_star - x_star).amax() < 1e-11 * (1.0 + s.x_star.amax()));
        let residual = (&p.a * &s.x_star - &p.b).norm_squared();
        assert!(close(s.beta, residual, 1e-10), "{} vs {residual}", s.beta);
        // V is orthogonal, null space included.
        let gram = s.v.transpose() * &s.v;
        assert!((gram - DMatrix::identity(p.d(), p.d())).amax() < 1e-12);
    }
}

/// A = U diag(σ) Vᵀ with singular values from 1 down to 1e-9: the Jacobi method finds
/// each to within a few units in the last place of λ_1 (small ones to many digits).
#[test]
fn graded_singular_values_are_found() {
    let sigma = [1.0, 1e-3, 1e-6, 1e-9];
    let u = DMatrix::from_vec(20, 4, entries(80, 11)).qr().q();
    let v = DMatrix::from_vec(4, 4, entries(16, 12)).qr().q();
    let a = &u * DMatrix::from_diagonal(&DVector::from_row_slice(&sigma)) * v.transpose();
    let s = Spectrum::new(&Problem {
        a,
        b: DVector::from_vec(entries(20, 13)),
        name: "graded".into(),
    })
    .unwrap();
    assert_eq!(s.rank(), 4);
    for (l, e) in s.singular_values.iter().zip(sigma) {
        assert!((l - e).abs() < 1e-15, "{l} vs {e}");
    }
}

#[test]
fn each_singular_vector_has_a_positive_largest_entry() {
    for p in [
        Problem::synthetic(30, 6, 2).unwrap(),
        Problem::synthetic(4, 9, 5).unwrap(),
        Problem::digits().unwrap(),
    ] {
        let s = Spectrum::new(&p).unwrap();
        for q in s.q().column_iter() {
            let largest = q.iamax();
            assert!(q[largest] > 0.0, "{}", p.name);
            // The first of equal magnitudes: none before it is as large.
            assert!(q.rows(0, largest).iter().all(|x| x.abs() < q[largest]));
        }
        // p_iᵀb keeps its meaning: α_i = −p_iᵀb/λ_i with p_i = Aq_i/λ_i.
        for (i, q) in s.q().column_iter().enumerate() {
            let l = s.singular_values[i];
            let p_i = &p.a * q / l;
            assert!(close(s.alpha[i], -p_i.dot(&p.b) / l, 1e-8), "{}", p.name);
        }
    }
}

/// A column of entries near 1e-170 beside an O(1) one: its squares underflow to zero, and
/// it counts as a null direction (far below the rank cut), not as an error. Entries that
/// small everywhere are refused with the scale message, not called a zero matrix.
#[test]
fn columns_whose_squares_underflow_are_handled() {
    let mut a = entries(20 * 2, 21);
    for x in &mut a[20..] {
        *x *= 1e-170;
    }
    let s = Spectrum::new(&problem(20, 2, a, entries(20, 22))).unwrap();
    assert_eq!(s.rank(), 1);
    let tiny: Vec<f64> = entries(20 * 2, 23).iter().map(|x| x * 1e-170).collect();
    let error = Spectrum::new(&problem(20, 2, tiny, entries(20, 24))).unwrap_err();
    assert_eq!(error.field, "data");
    assert!(
        error.message.contains("underflow") && error.message.contains("rescale"),
        "{error}"
    );
}

#[test]
fn a_matrix_without_rows_needs_no_rotation() {
    let mut empty = DMatrix::<f64>::zeros(0, 3);
    assert_eq!(
        orthogonalise_columns(&mut empty).unwrap(),
        DMatrix::identity(3, 3)
    );
}
