//! Known answers: the estimators on exact Pareto, Student t and symmetric α-stable samples,
//! with tolerances from their asymptotic standard errors.

use super::*;

#[test]
fn hill_recovers_the_pareto_index() {
    // Exact Pareto: k·ξ̂ ~ Gamma(k, ξ), so Hill(k) is within 4 standard errors α/√k
    // except with probability ~6e-5. N = 20000, k = N/10.
    for (i, &alpha) in [0.8, 1.5, 3.0].iter().enumerate() {
        let x = pareto(alpha, 20_000, &mut rng::stream(11, i as u64));
        let tail = TailSample::from_positive(&x).unwrap();
        let hill = tail.hill(2000).unwrap();
        let se = hill.std_err.unwrap();
        assert_rel(
            se,
            hill.alpha.unwrap() / 2000f64.sqrt(),
            1e-12,
            "Hill std err",
        );
        assert!(
            (hill.alpha.unwrap() - alpha).abs() < 4.0 * se,
            "α = {alpha}: Hill {hill:?}"
        );
        // The CSN choice on an exact Pareto sample: any k is right, so it too must be
        // within 4 standard errors at the k it picks.
        let csn = tail.csn_choice().unwrap();
        let at_csn = tail.hill(csn.k).unwrap();
        assert!(
            (at_csn.alpha.unwrap() - alpha).abs() < 4.0 * at_csn.std_err.unwrap(),
            "α = {alpha}: CSN {csn:?}"
        );
        assert_rel(csn.alpha, at_csn.alpha.unwrap(), 1e-9, "CSN α vs Hill");
        // A Pareto law fits: the KS distance is of the order 1/√k (1.63/√k is the 1%
        // critical value of the KS test with known parameters).
        assert!(csn.ks_distance < 1.63 / (csn.k as f64).sqrt(), "{csn:?}");
    }
}

#[test]
fn moment_and_pickands_recover_the_pareto_index() {
    // Exact Pareto, N = 20000: moment at k = 2000, Pickands at k = 2500 (4k ≤ N), each
    // within 4 of its own asymptotic standard errors.
    for (i, &alpha) in [0.8, 1.5, 3.0].iter().enumerate() {
        let x = pareto(alpha, 20_000, &mut rng::stream(12, i as u64));
        let tail = TailSample::from_positive(&x).unwrap();
        for estimate in [tail.moment(2000).unwrap(), tail.pickands(2500).unwrap()] {
            let a = estimate.alpha.unwrap();
            let se = estimate.std_err.unwrap();
            assert!((a - alpha).abs() < 4.0 * se, "α = {alpha}: {estimate:?}");
            assert_rel(a * estimate.xi, 1.0, 1e-14, "α = 1/ξ");
        }
    }
}

/// The standard deviation of √k·ξ̂ over `reps` exact Pareto(2) samples of size n.
fn replicated_sd(reps: usize, n: usize, estimate: impl Fn(&TailSample) -> f64) -> f64 {
    let values: Vec<f64> = (0..reps)
        .map(|r| {
            estimate(
                &TailSample::from_positive(&pareto(2.0, n, &mut rng::stream(13, r as u64)))
                    .unwrap(),
            )
        })
        .collect();
    let mean = values.iter().sum::<f64>() / reps as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (reps - 1) as f64).sqrt()
}

#[test]
fn standard_errors_match_replicated_spread() {
    // 400 replicas of Pareto(2) (ξ = 0.5), N = 2000, k = 100. The sample sd has a relative
    // standard error ≈ 1/√(2·400) = 3.5%; the tolerance 15% is ~4 of those plus the
    // O(1/k) difference between finite-k and asymptotic variances.
    let (reps, n, k) = (400, 2000, 100);
    let xi = 0.5;
    type Estimator = Box<dyn Fn(&TailSample) -> f64>;
    let cases: [(&str, f64, Estimator); 3] = [
        // Hill: Var(√k ξ̂) = ξ² (ξ̂ is a Gamma(k)/k multiple of ξ).
        ("hill", xi, Box::new(move |t| t.hill(k).unwrap().xi)),
        // Moment (DEH 1989, Thm 3.1): Var = 1 + ξ² for ξ ≥ 0.
        (
            "moment",
            (1.0 + xi * xi).sqrt(),
            Box::new(move |t| t.moment(k).unwrap().xi),
        ),
        // Pickands (Dekkers & de Haan 1989): ξ²(2^{2ξ+1}+1)/(2(2^ξ−1)ln 2)² = 3.5471… at
        // ξ = 0.5 (0.25·5/(2·0.41421·0.69315)²).
        (
            "pickands",
            (0.25 * 5.0f64 / (2.0 * (2f64.sqrt() - 1.0) * core::f64::consts::LN_2).powi(2)).sqrt(),
            Box::new(move |t| t.pickands(k).unwrap().xi),
        ),
    ];
    for (name, asymptotic_sd, estimate) in cases {
        let sd = replicated_sd(reps, n, estimate) * (k as f64).sqrt();
        assert!(
            (sd / asymptotic_sd - 1.0).abs() < 0.15,
            "{name}: replicated sd {sd}, asymptotic {asymptotic_sd}"
        );
    }
    // And the reported std_err is that asymptotic sd mapped to α: se(α) = se(ξ)/ξ².
    let tail = TailSample::from_positive(&pareto(2.0, n, &mut rng::stream(14, 0))).unwrap();
    let p = tail.pickands(k).unwrap();
    let v = p.xi * p.xi * (libm::pow(2.0, 2.0 * p.xi + 1.0) + 1.0)
        / (2.0 * (libm::pow(2.0, p.xi) - 1.0) * core::f64::consts::LN_2).powi(2);
    assert_rel(
        p.std_err.unwrap(),
        (v / k as f64).sqrt() / (p.xi * p.xi),
        1e-12,
        "Pickands se",
    );
}

#[test]
fn hill_recovers_student_t_degrees_of_freedom() {
    // Student t(ν) has tail index ν. Hill on |x − median| is biased downward for t tails
    // (MATH.md §4.2: −0.1 to −0.6 in checks). Tolerance: ν − bias_allowance − 4·se ≤ ν̂ ≤
    // ν + 4·se. Allowances from a numpy simulation (40 samples, N = 20000): t(3) with CSN
    // k: mean 2.74 (sd 0.16); t(3) at k = √N: 2.96; t(5) at k = √N: mean 4.37 (sd 0.37).
    let n = 20_000;
    let k_sqrt = 141;
    let cases = [
        (3usize, None, 0.6),
        (3, Some(k_sqrt), 0.6),
        (5, Some(k_sqrt), 1.0),
    ];
    for (i, &(nu, k, allowance)) in cases.iter().enumerate() {
        let x = student_t(nu, n, &mut rng::stream(15, i as u64));
        let hill = hill_tail(&x, Tail::Both, k).unwrap();
        let (a, se) = (hill.alpha.unwrap(), hill.std_err.unwrap());
        let nu = nu as f64;
        assert!(
            a > nu - allowance - 4.0 * se && a < nu + 4.0 * se,
            "t({nu}), k = {k:?}: {hill:?}"
        );
    }
    // The one-sided tails of a symmetric law have the same index (fewer points: 4 se).
    let x = student_t(3, n, &mut rng::stream(16, 0));
    for tail in [Tail::Right, Tail::Left] {
        let hill = hill_tail(&x, tail, Some(100)).unwrap();
        let (a, se) = (hill.alpha.unwrap(), hill.std_err.unwrap());
        assert!(
            a > 3.0 - 0.6 - 4.0 * se && a < 3.0 + 4.0 * se,
            "{tail:?}: {hill:?}"
        );
    }
}

#[test]
fn stable_index_recovers_symmetric_stable_alpha() {
    // numpy simulation of the same estimator (50 samples of N = 10⁴ CMS variates):
    // sd of α̂ ≈ 0.022–0.034 for α ∈ {1.2, 1.5, 1.8}, no visible bias; tolerance 0.12
    // (≈ 4 sd). Multivariate: rows of 3 i.i.d. SαS coordinates, 5000 rows (sd ≈ 0.03).
    for (i, &alpha) in [1.2, 1.5, 1.8].iter().enumerate() {
        let x = symmetric_stable(alpha, 10_000, &mut rng::stream(17, i as u64));
        let est = stable_index(&x).unwrap();
        assert!(
            (est.alpha.unwrap() - alpha).abs() < 0.12,
            "α = {alpha}: {est:?}"
        );
        let rows = symmetric_stable(alpha, 15_000, &mut rng::stream(18, i as u64));
        let est = stable_index_multivariate(&rows, 3).unwrap();
        assert!(
            (est.alpha.unwrap() - alpha).abs() < 0.15,
            "α = {alpha}, d = 3: {est:?}"
        );
    }
    // Gaussian data are 2-stable: the estimate is close to 2 (and cannot exceed it much).
    let mut z = vec![0.0; 10_000];
    rng::fill_standard_normal(&mut rng::stream(19, 0), &mut z);
    let est = stable_index(&z).unwrap();
    assert!((est.alpha.unwrap() - 2.0).abs() < 0.15, "normal: {est:?}");
}

#[test]
fn moment_and_pickands_see_no_tail_in_bounded_data() {
    // |U − median| for U uniform on (0, 1) is uniform on (0, ½): a bounded tail with
    // extreme-value index ξ = −1. The moment estimator's sd at k = 2000 is about
    // √((1−γ)²(1−2γ)(1−γ+6γ²)/((1−3γ)(1−4γ)))/√k = √(4·3·8/20)/44.7 ≈ 0.049 (DEH 1989);
    // tolerance 0.25. α must then be None, never NaN or negative.
    let mut rng = rng::stream(20, 0);
    let u: Vec<f64> = (0..20_000).map(|_| rng::uniform_open(&mut rng)).collect();
    let all = estimate_all(&u, Some(2000), 1).unwrap();
    let moment = all.moment.clone().unwrap();
    assert!((moment.xi + 1.0).abs() < 0.25, "{moment:?}");
    assert_eq!(moment.alpha, None);
    assert_eq!(moment.std_err, None);
    let pickands = all.pickands.clone().unwrap();
    assert!(
        pickands.xi < 0.0 && pickands.alpha.is_none(),
        "{pickands:?}"
    );
    let json = serde_json::to_string(&all).unwrap();
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
}
