use super::*;

fn one_column(values: &[f64]) -> (Problem, Spectrum) {
    let n = values.len();
    let a = DMatrix::from_column_slice(n, 1, values);
    let b = nalgebra::DVector::from_element(n, 0.0);
    let problem = Problem {
        a,
        b,
        name: "one column".into(),
    };
    let spectrum = Spectrum::new(&problem).unwrap();
    (problem, spectrum)
}

/// Every Λ̂(s) of `index` within four of its standard errors of the exact `lambda(s)`.
fn assert_within_four_std_err(index: &SgdIndex, lambda: impl Fn(f64) -> f64) {
    for p in &index.lambda {
        let z = (p.value - lambda(p.s)).abs() / p.std_err.max(1e-12);
        assert!(
            z < 4.0,
            "Λ̂({}) = {} ± {}, exact {}",
            p.s,
            p.value,
            p.std_err,
            lambda(p.s)
        );
    }
}

/// In one dimension Λ(s) = log (1/n)Σ_i |1 − γδ − γa_i²|^s exactly (no directions to
/// mix), so the Monte Carlo must agree with the closed form within its standard error,
/// and α̂ with the closed form's root.
#[test]
fn one_dimension_has_a_closed_form() {
    let values: Vec<f64> = (0..40).map(|i| 0.2 + 0.05 * i as f64).collect();
    let (problem, spectrum) = one_column(&values);
    let (gamma, delta) = (0.6, 0.05);
    let lambda = |s: f64| {
        let mean = values
            .iter()
            .map(|a| libm::pow((1.0 - gamma * delta - gamma * a * a).abs(), s))
            .sum::<f64>()
            / values.len() as f64;
        libm::log(mean)
    };
    let (mut lo, mut hi) = (1.0, 16.0);
    assert!(lambda(lo) < 0.0 && lambda(hi) > 0.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if lambda(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let exact_root = 0.5 * (lo + hi);
    let params = IndexParams::new(gamma, 1, delta, false, 7);
    let index = sgd_index(&problem, &spectrum, &params, &mut |_, _| true).unwrap();
    assert_within_four_std_err(&index, lambda);
    let alpha = index.alpha.expect("a root");
    let se = index.alpha_std_err.unwrap();
    assert!(
        (alpha - exact_root).abs() < 4.0 * se + 0.02,
        "α̂ = {alpha} ± {se}, exact {exact_root}"
    );
    // The exact second-moment anchor is the same closed form at s = 2.
    assert!((index.lambda_2_exact.unwrap() - lambda(2.0)).abs() < 1e-9);
    assert!(index.converged);
}

/// Restricted to the top direction, M is the scalar 1 − γδ − γã_i1²: Λ̂ must equal the
/// closed form there too, even with rows that M nearly annihilates (γã_i1² ≈ 1, where
/// a norm computed by expanding |su − c·a|² cancels to a wrong value).
#[test]
fn one_direction_of_a_wider_problem_has_the_closed_form() {
    let problem = Problem::synthetic(200, 10, 1).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let q1: Vec<f64> = spectrum.q().column(0).iter().copied().collect();
    let top: Vec<f64> = (0..problem.n())
        .map(|i| (0..problem.d()).map(|k| problem.a[(i, k)] * q1[k]).sum())
        .collect();
    // γ so that the largest ã_i1² is annihilated exactly.
    let gamma = 1.0 / top.iter().map(|a| a * a).fold(0.0, f64::max);
    let lambda = |s: f64| {
        libm::log(
            top.iter()
                .map(|a| libm::pow((1.0 - gamma * a * a).abs(), s))
                .sum::<f64>()
                / top.len() as f64,
        )
    };
    let mut params = IndexParams::new(gamma, 1, 0.0, false, 3);
    params.directions = Some(1);
    let index = sgd_index(&problem, &spectrum, &params, &mut |_, _| true).unwrap();
    assert_eq!(index.directions, 1);
    for p in &index.lambda {
        assert!(p.value < 0.0 && p.value.is_finite(), "{p:?}");
    }
    assert_within_four_std_err(&index, lambda);
}

/// The fourth-moment map of one column is the scalar (1/n)Σ(1 − γδ − γa_i²)⁴.
#[test]
fn fourth_moment_growth_of_one_column() {
    let values = [0.3, -1.2, 0.8, 2.0, -0.1];
    let (problem, spectrum) = one_column(&values);
    let (gamma, delta) = (0.4, 0.1);
    let exact = libm::log(
        values
            .iter()
            .map(|a| (1.0 - gamma * delta - gamma * a * a).powi(4))
            .sum::<f64>()
            / values.len() as f64,
    );
    let got = fourth_moment_growth(&problem, &spectrum, gamma, delta).unwrap();
    assert!((got - exact).abs() < 1e-12, "{got} vs {exact}");
}

/// The fourth-moment map agrees with the second-moment map's growth through Jensen:
/// Λ(4) ≥ 2Λ(2) (log-convexity of s ↦ E|Πu|^s with Λ(0) = 0).
#[test]
fn fourth_moment_growth_is_at_least_twice_the_second() {
    let problem = Problem::synthetic(60, 3, 5).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let map = SecondMomentMap::new(&problem, &spectrum, 1, 0.01, false).unwrap();
    for gamma in [0.2, 0.8, 1.4] {
        let l2 = libm::log(map.range_spectral_radius(gamma).unwrap());
        let l4 = fourth_moment_growth(&problem, &spectrum, gamma, 0.01).unwrap();
        assert!(
            l4 >= 2.0 * l2 - 1e-12,
            "γ = {gamma}: Λ(4) = {l4}, Λ(2) = {l2}"
        );
    }
}

#[test]
fn no_root_up_to_s_max_is_a_lower_bound_and_an_unstable_rate_an_upper_bound() {
    let problem = Problem::synthetic(100, 4, 2).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let mut params = IndexParams::new(0.05, 1, 0.05, false, 1);
    params.walkers = 100;
    params.replicas = 4;
    let small = sgd_index(&problem, &spectrum, &params, &mut |_, _| true).unwrap();
    assert_eq!(small.alpha, None);
    assert_eq!(small.alpha_lower_bound, Some(params.s_max));
    assert!(small.lambda.iter().all(|p| p.value < 0.0));
    // Far past gradient descent's limit 2/(h_1 + δ) every moment grows.
    params.gamma = 4.0 / spectrum.h()[0];
    let large = sgd_index(&problem, &spectrum, &params, &mut |_, _| true).unwrap();
    assert_eq!(large.alpha, None);
    assert_eq!(large.alpha_upper_bound, Some(S_MIN));
    assert!(large.lambda.iter().all(|p| p.value > 0.0));
}

#[test]
fn progress_can_cancel_and_bad_parameters_name_their_field() {
    let problem = Problem::synthetic(50, 3, 1).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let params = IndexParams::new(0.5, 1, 0.0, false, 1);
    let mut calls = 0;
    let cancelled = sgd_index(&problem, &spectrum, &params, &mut |done, total| {
        calls += 1;
        assert!(done <= total);
        calls < 3
    });
    assert_eq!(
        cancelled.unwrap_err().field,
        crate::model::simulation::CANCELLED
    );
    for (params, field) in [
        (IndexParams::new(f64::NAN, 1, 0.0, false, 1), "gamma"),
        (IndexParams::new(0.1, 0, 0.0, false, 1), "batch"),
        (IndexParams::new(0.1, 51, 0.0, false, 1), "batch"),
        (IndexParams::new(0.1, 1, -1.0, false, 1), "delta"),
    ] {
        let err = sgd_index(&problem, &spectrum, &params, &mut |_, _| true).unwrap_err();
        assert_eq!(err.field, field, "{}", err.message);
    }
}
