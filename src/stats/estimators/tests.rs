//! Tests of the tail-index estimators against independent values: exact Pareto, Student t
//! and symmetric α-stable samples with stated tolerances, numpy reference values
//! (tests/fixtures/estimators/make_fixtures.py), equivariance and degenerate input.

use super::*;
use crate::rng::{self, Stream};

/// Relative agreement demanded against the numpy reference.
const REFERENCE_RTOL: f64 = 1e-10;

fn assert_rel(actual: f64, expected: f64, rtol: f64, what: &str) {
    let scale = expected.abs().max(1e-300);
    assert!(
        (actual - expected).abs() <= rtol * scale,
        "{what}: got {actual}, expected {expected} (rtol {rtol})"
    );
}

// ---------------------------------------------------------------------------------------
// Samplers written here, from their textbook definitions, on crate::rng streams.

/// Pareto(α) on [1, ∞) by inversion: X = U^(−1/α), U uniform on (0, 1).
fn pareto(alpha: f64, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| libm::pow(rng::uniform_open(rng), -1.0 / alpha))
        .collect()
}

/// Student t(ν) for integer ν: Z / √(χ²_ν/ν), χ²_ν a sum of ν squared normals.
fn student_t(nu: usize, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let z = rng::standard_normal(rng);
            let chi2: f64 = (0..nu).map(|_| rng::standard_normal(rng).powi(2)).sum();
            z / (chi2 / nu as f64).sqrt()
        })
        .collect()
}

/// Symmetric α-stable (β = 0, unit scale) by Chambers, Mallows & Stuck (1976), α ≠ 1:
/// X = sin(αV)/cos(V)^(1/α) · [cos(V − αV)/W]^((1−α)/α), V ~ U(−π/2, π/2), W ~ Exp(1).
fn symmetric_stable(alpha: f64, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let v = core::f64::consts::PI * (rng::uniform_open(rng) - 0.5);
            let w = -libm::log(rng::uniform_open(rng));
            libm::sin(alpha * v) / libm::pow(libm::cos(v), 1.0 / alpha)
                * libm::pow(libm::cos(v - alpha * v) / w, (1.0 - alpha) / alpha)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Known answers.

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

// ---------------------------------------------------------------------------------------
// The numpy reference (tests/fixtures/estimators/reference.json).

fn reference() -> serde_json::Value {
    serde_json::from_str(include_str!(
        "../../../tests/fixtures/estimators/reference.json"
    ))
    .unwrap()
}

fn as_f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn order_statistics_estimators_match_numpy() {
    let r = reference();
    let sample = as_f64s(&r["sample"]);
    let (sorted, median) = sorted_and_median(&sample).unwrap();
    assert_rel(
        median,
        r["median"].as_f64().unwrap(),
        REFERENCE_RTOL,
        "median",
    );
    for (name, tail) in [
        ("right", Tail::Right),
        ("left", Tail::Left),
        ("both", Tail::Both),
    ] {
        let e = &r["tails"][name];
        let t = TailSample::from_sorted_desc(tail_deviations(&sorted, median, tail)).unwrap();
        assert_eq!(
            t.len() as u64,
            e["n"].as_u64().unwrap(),
            "{name}: tail size"
        );
        for h in e["hill"].as_array().unwrap() {
            let k = h["k"].as_u64().unwrap() as usize;
            let what = format!("{name} Hill({k})");
            assert_rel(
                t.hill(k).unwrap().alpha.unwrap(),
                h["alpha"].as_f64().unwrap(),
                REFERENCE_RTOL,
                &what,
            );
            assert_rel(
                t.ks_distance(k).unwrap(),
                h["ks"].as_f64().unwrap(),
                REFERENCE_RTOL,
                &what,
            );
        }
        let csn = t.csn_choice().unwrap();
        assert_eq!(
            csn.k as u64,
            e["csn"]["k"].as_u64().unwrap(),
            "{name}: CSN k"
        );
        assert_rel(
            csn.ks_distance,
            e["csn"]["ks"].as_f64().unwrap(),
            REFERENCE_RTOL,
            "CSN KS",
        );
        assert_rel(
            csn.alpha,
            e["csn"]["alpha"].as_f64().unwrap(),
            1e-9,
            "CSN α",
        );
        for p in e["pickands"].as_array().unwrap() {
            let k = p["k"].as_u64().unwrap() as usize;
            let est = t.pickands(k).unwrap();
            let what = format!("{name} Pickands({k})");
            assert_rel(est.xi, p["xi"].as_f64().unwrap(), REFERENCE_RTOL, &what);
            if let Some(se) = est.std_err {
                let xi_se = p["xi_std_err"].as_f64().unwrap();
                assert_rel(se, xi_se / (est.xi * est.xi), REFERENCE_RTOL, &what);
            }
        }
        for m in e["moment"].as_array().unwrap() {
            let k = m["k"].as_u64().unwrap() as usize;
            let est = t.moment(k).unwrap();
            let what = format!("{name} moment({k})");
            assert_rel(est.xi, m["xi"].as_f64().unwrap(), REFERENCE_RTOL, &what);
            if let Some(se) = est.std_err {
                let xi_se = m["xi_std_err"].as_f64().unwrap();
                assert_rel(se, xi_se / (est.xi * est.xi), REFERENCE_RTOL, &what);
            }
        }
    }
}

#[test]
fn stable_index_matches_numpy() {
    let r = reference();
    let sample = as_f64s(&r["sample"]);
    let median = r["median"].as_f64().unwrap();
    let centred: Vec<f64> = sample.iter().map(|x| x - median).collect();
    let cases = [
        ("stable_1d", centred.clone(), 1usize),
        ("stable_1d_even", centred[..400].to_vec(), 1),
        ("stable_3d", as_f64s(&r["stable_3d"]["rows"]), 3),
    ];
    for (name, rows, dim) in cases {
        let e = &r[name];
        let sizes: Vec<usize> = e["block_sizes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(
            stable_block_sizes(rows.len() / dim),
            sizes,
            "{name}: block sizes"
        );
        for (k1, xi) in sizes.iter().zip(as_f64s(&e["xi"])) {
            let got = stable_index_block(&rows, dim, *k1).unwrap();
            assert_rel(got, xi, REFERENCE_RTOL, &format!("{name}: ξ({k1})"));
        }
        let est = stable_index_multivariate(&rows, dim).unwrap();
        assert_rel(
            est.alpha.unwrap(),
            e["alpha"].as_f64().unwrap(),
            REFERENCE_RTOL,
            name,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Equivariance, the combined estimate, the bootstrap.

#[test]
fn estimates_are_unchanged_by_affine_maps() {
    // x → a·x + c with a > 0 leaves every estimate unchanged (up to rounding of the
    // shifted values); a < 0 swaps the right and the left tail.
    let x = student_t(3, 5000, &mut rng::stream(21, 0));
    let base = estimate_all(&x, None, 9).unwrap();
    let same = |a: &Option<TailEstimate>, b: &Option<TailEstimate>, what: &str| {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert_eq!(a.k, b.k, "{what}: k");
        assert_rel(a.xi, b.xi, 1e-8, what);
    };
    for (a, c) in [(3.7, -12.5), (1e-3, 4.0), (250.0, 0.0)] {
        let y: Vec<f64> = x.iter().map(|v| a * v + c).collect();
        let mapped = estimate_all(&y, None, 9).unwrap();
        assert_eq!(mapped.k_rule, KRule::Csn);
        assert_rel(mapped.median, a * base.median + c, 1e-12, "median");
        same(&Some(mapped.hill.clone()), &Some(base.hill.clone()), "hill");
        assert_rel(mapped.hill_x_min, a * base.hill_x_min, 1e-8, "x_min");
        assert_rel(mapped.hill_ks, base.hill_ks, 1e-8, "KS");
        same(&mapped.hill_right, &base.hill_right, "hill_right");
        same(&mapped.hill_left, &base.hill_left, "hill_left");
        same(&mapped.pickands, &base.pickands, "pickands");
        same(&mapped.moment, &base.moment, "moment");
        same(&mapped.stable_index, &base.stable_index, "stable_index");
        assert_eq!(mapped.hill_plot.len(), base.hill_plot.len());
        for (p, q) in mapped.hill_plot.iter().zip(&base.hill_plot) {
            assert_eq!(p.k, q.k);
            assert_rel(p.alpha, q.alpha, 1e-8, "Hill plot");
        }
    }
    let flipped: Vec<f64> = x.iter().map(|v| -2.0 * v).collect();
    let f = estimate_all(&flipped, Some(400), 9).unwrap();
    let b = estimate_all(&x, Some(400), 9).unwrap();
    same(&f.hill_right, &b.hill_left, "right ↔ left");
    same(&f.hill_left, &b.hill_right, "left ↔ right");
}

#[test]
fn estimate_all_agrees_with_the_single_estimators_and_serialises() {
    let x = student_t(4, 3000, &mut rng::stream(22, 0));
    let all = estimate_all(&x, None, 5).unwrap();
    assert_eq!(all.n, 3000);
    assert_eq!(all.hill, hill_tail(&x, Tail::Both, None).unwrap());
    assert_eq!(all.hill_right, hill_tail(&x, Tail::Right, None).ok());
    assert_eq!(all.hill_left, hill_tail(&x, Tail::Left, None).ok());
    let k = all.hill.k.unwrap();
    let both = TailSample::from_raw(&x, Tail::Both).unwrap();
    assert_eq!(all.moment, both.moment(k).ok());
    assert_eq!(all.pickands, both.pickands(k.min(both.len() / 4)).ok());
    assert_eq!(all.hill_x_min, both.values()[k]);
    // The plot passes through the chosen k's neighbourhood and is log-spaced, ≤ 200 points.
    assert!(all.hill_plot.len() <= HILL_PLOT_POINTS && all.hill_plot.len() > 150);
    assert!(all.hill_plot.windows(2).all(|w| w[0].k < w[1].k));
    assert_eq!(
        (all.hill_plot[0].k, all.hill_plot.last().unwrap().k),
        (2, both.len() - 1)
    );
    // The user's k: both tails at k, each side at k/2.
    let user = estimate_all(&x, Some(300), 5).unwrap();
    assert_eq!(user.k_rule, KRule::User);
    assert_eq!(user.hill.k, Some(300));
    assert_eq!(user.hill_right.as_ref().unwrap().k, Some(150));
    // The JSON shape the CLI prints: objects with `k` and `alpha`.
    let json: serde_json::Value = serde_json::to_value(&all).unwrap();
    for name in ["hill", "pickands", "moment", "stable_index"] {
        assert!(json[name]["alpha"].is_f64(), "{name}: {}", json[name]);
    }
    assert_eq!(json["hill"]["k"].as_u64(), Some(k as u64));
    let back: AllEstimates = serde_json::from_value(json).unwrap();
    assert_eq!(back, all);
    // The stable index is that of the shuffled centred sample (its mean log is shared
    // with the tails, summed in another order: 1e-12).
    let centred: Vec<f64> = x.iter().map(|v| v - all.median).collect();
    let direct = stable_index(&shuffled(centred, 5)).unwrap();
    assert_rel(
        all.stable_index.as_ref().unwrap().alpha.unwrap(),
        direct.alpha.unwrap(),
        1e-12,
        "stable",
    );
    // The seed only permutes the stable index's blocks.
    let other = estimate_all(&x, None, 6).unwrap();
    assert_eq!(other.hill, all.hill);
    assert_ne!(other.stable_index, all.stable_index);
}

#[test]
fn bootstrap_interval_has_the_asymptotic_width_and_is_seeded() {
    // Pareto(2), N = 4000, Hill at k = 200: se(α) ≈ 2/√200 = 0.141, so a 90% interval
    // is ≈ 2·1.645·0.141 = 0.47 wide; accept 0.6–1.6 times that (bootstrap noise with 200
    // replicates plus the discreteness of resampled order statistics), and it must cover 2.
    let x = pareto(2.0, 4000, &mut rng::stream(23, 0));
    let hill = |s: &[f64]| TailSample::from_positive(s)?.hill(200);
    let ci = bootstrap_ci(&x, hill, 200, 0.9, 42).unwrap();
    let (lo, hi) = (ci.alpha_lo.unwrap(), ci.alpha_hi.unwrap());
    let width = 2.0 * 1.645 * 2.0 / 200f64.sqrt();
    assert!(lo < 2.0 && 2.0 < hi, "{ci:?}");
    assert!((hi - lo) / width > 0.6 && (hi - lo) / width < 1.6, "{ci:?}");
    assert_eq!(ci.failed, 0);
    assert_eq!(bootstrap_ci(&x, hill, 200, 0.9, 42).unwrap(), ci);
    assert_ne!(bootstrap_ci(&x, hill, 200, 0.9, 43).unwrap(), ci);
    let estimate = hill(&x).unwrap().with_ci(&ci);
    assert_eq!(estimate.ci, Some((lo, hi)));
    // An estimator that always fails gives an error, not an interval.
    let fails = |_: &[f64]| -> Result<TailEstimate> { Err(Error::new("sample", "no")) };
    assert_eq!(
        bootstrap_ci(&x, fails, 50, 0.9, 1).unwrap_err().field,
        "sample"
    );
    assert_eq!(
        bootstrap_ci(&x, hill, 5, 0.9, 1).unwrap_err().field,
        "replicates"
    );
    assert_eq!(
        bootstrap_ci(&x, hill, 50, 1.0, 1).unwrap_err().field,
        "level"
    );
}

/// A symmetric law with exact Pareto(α) tails and a density around 0: with probability ½
/// uniform on (−1, 1), otherwise ±Pareto(α) on |x| ≥ 1, so P(|X| > x) = ½x^(−α) for x ≥ 1.
/// (±Pareto alone leaves a gap around 0, and a resample's median then jumps to about ±1,
/// shifting one tail.)
fn signed_pareto(alpha: f64, n: usize, rng: &mut Stream) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let sign = if rng::uniform(rng) < 0.5 { -1.0 } else { 1.0 };
            let magnitude = if rng::uniform(rng) < 0.5 {
                rng::uniform(rng)
            } else {
                libm::pow(rng::uniform_open(rng), -1.0 / alpha)
            };
            sign * magnitude
        })
        .collect()
}

#[test]
fn run_bootstrap_of_iid_pareto_covers_the_index_with_the_asymptotic_width() {
    // ±Pareto(2.5), one value per run (S = 1: the ordinary bootstrap), N = 2000, Hill at
    // k = 200 on both tails: se(α) ≈ 2.5/√200 = 0.177, so the 95% interval is ≈
    // 2·1.96·0.177 = 0.69 wide; accept 0.6–1.6 times that (200 replicates, discreteness of
    // resampled order statistics), and it must cover 2.5.
    let x = signed_pareto(2.5, 2000, &mut rng::stream(31, 0));
    let b = run_bootstrap(&x, 1, 200, 200, 0.95, 7).unwrap();
    let (lo, hi) = b.hill.alpha_interval().unwrap();
    let width = 2.0 * 1.96 * 2.5 / 200f64.sqrt();
    assert!(lo < 2.5 && 2.5 < hi, "{b:?}");
    assert!(
        (hi - lo) / width > 0.6 && (hi - lo) / width < 1.6,
        "width {} against {width}",
        hi - lo
    );
    assert_eq!((b.runs, b.samples_per_run), (2000, 1));
    // The spread over k/2, k, 2k holds the interval at k and still covers the index; the
    // Hill intervals at k/2 and 2k are √2 wider and narrower, so the union is at most
    // about (1 + √2)/2 + bias wider: accept up to 2.5 times the interval at k.
    let (klo, khi) = b.hill_over_k.alpha_interval().unwrap();
    assert!(
        klo <= lo && hi <= khi && klo < 2.5 && 2.5 < khi,
        "{:?}",
        b.hill_over_k
    );
    assert!((khi - klo) < 2.5 * (hi - lo), "{:?}", b.hill_over_k);
    // A power-law tail is seen: the moment estimator's ξ interval lies above 0. (It is
    // wide, ≈ ±2·√((1 + ξ²)/k) = ±0.15, and on this sample centred below 1/2.5: the
    // moment estimator is the noisier of the two.)
    assert!(b.power_law_tail && b.moment.xi_lo > 0.0, "{:?}", b.moment);
    // Seeded: same seed, same numbers; another seed, others.
    assert_eq!(run_bootstrap(&x, 1, 200, 200, 0.95, 7).unwrap(), b);
    assert_ne!(run_bootstrap(&x, 1, 200, 200, 0.95, 8).unwrap(), b);
}

#[test]
fn run_bootstrap_is_wider_than_the_iid_one_on_dependent_samples() {
    // The extreme dependence: each of R = 200 runs contributes S = 10 copies of one
    // ±Pareto(2.5) value. There are only 200 independent values, so the run bootstrap's
    // interval must be about √10 ≈ 3.2 times wider than the bootstrap that treats the
    // 2000 values as independent (S = 1); accept a ratio above 2.
    let base = signed_pareto(2.5, 200, &mut rng::stream(32, 0));
    let copies: Vec<f64> = base
        .iter()
        .flat_map(|&v| std::iter::repeat_n(v, 10))
        .collect();
    let by_run = run_bootstrap(&copies, 10, 200, 200, 0.95, 3).unwrap();
    let iid = run_bootstrap(&copies, 1, 200, 200, 0.95, 3).unwrap();
    let width = |b: &RunBootstrap| {
        let (lo, hi) = b.hill.alpha_interval().unwrap();
        hi - lo
    };
    let ratio = width(&by_run) / width(&iid);
    assert!(
        ratio > 2.0,
        "run/iid width ratio {ratio}: {by_run:?} {iid:?}"
    );
    assert_eq!((by_run.runs, by_run.samples_per_run), (200, 10));
    // The run bootstrap of the copies has the width of the one of the 200 values alone
    // at k = 20 (the same 20 runs above the threshold): within 1.6× either way.
    let alone = run_bootstrap(&base, 1, 20, 200, 0.95, 3).unwrap();
    let r = width(&by_run) / width(&alone);
    assert!(r > 1.0 / 1.6 && r < 1.6, "copies/alone width ratio {r}");
}

#[test]
fn a_gaussian_sample_shows_no_power_law_tail() {
    // Light tails: the moment estimator's ξ → 0 (the Gumbel domain); at k = 100 or the CSN
    // k, its run-bootstrap interval reaches ξ ≤ 0, so no power-law tail is seen, although
    // Hill reports a finite number.
    let mut stream = rng::stream(33, 0);
    let x: Vec<f64> = (0..2000)
        .map(|_| rng::standard_normal(&mut stream))
        .collect();
    let csn_k = hill_tail(&x, Tail::Both, None).unwrap().k.unwrap();
    for k in [100, csn_k] {
        let b = run_bootstrap(&x, 1, k, 200, 0.95, 5).unwrap();
        assert!(!b.power_law_tail, "k {k}: {:?}", b.moment);
        assert!(b.moment.xi_lo <= 0.0);
        assert!(
            b.hill.alpha_interval().is_some(),
            "Hill still gives a number"
        );
    }
    // The same with several values per run (S = 4).
    let b = run_bootstrap(&x, 4, 100, 200, 0.95, 5).unwrap();
    assert!(!b.power_law_tail, "{:?}", b.moment);
}

#[test]
fn run_bootstrap_rejects_bad_input_by_field() {
    let x = signed_pareto(2.5, 100, &mut rng::stream(34, 0));
    let field = |r: Result<RunBootstrap>| r.unwrap_err().field;
    let cases = [
        (run_bootstrap(&x, 0, 10, 200, 0.95, 1), "samples_per_run"),
        (run_bootstrap(&x, 3, 10, 200, 0.95, 1), "sample"),
        (run_bootstrap(&x, 100, 10, 200, 0.95, 1), "sample"),
        (run_bootstrap(&x, 1, 10, 5, 0.95, 1), "replicates"),
        (run_bootstrap(&x, 1, 10, 200, 1.0, 1), "level"),
        (run_bootstrap(&x, 1, 1, 200, 0.95, 1), "hill_k"),
        (run_bootstrap(&x[..5], 1, 10, 200, 0.95, 1), "sample"),
    ];
    for (result, expected) in cases {
        assert_eq!(field(result), expected);
    }
    // A k beyond the resample's tail is clamped, not an error.
    assert!(run_bootstrap(&x, 1, 10_000, 50, 0.95, 1).is_ok());
}

// ---------------------------------------------------------------------------------------
// Degenerate input.

#[test]
fn degenerate_input_gives_errors() {
    let good = student_t(3, 100, &mut rng::stream(24, 0));
    let field = |r: Result<AllEstimates>| r.unwrap_err().field;
    assert_eq!(field(estimate_all(&good[..9], None, 0)), "sample");
    assert_eq!(field(estimate_all(&[2.5; 50], None, 0)), "sample");
    let mut bad = good.clone();
    bad[7] = f64::NAN;
    assert_eq!(field(estimate_all(&bad, None, 0)), "sample");
    bad[7] = f64::INFINITY;
    assert_eq!(field(estimate_all(&bad, None, 0)), "sample");
    bad[7] = f64::NEG_INFINITY;
    assert!(hill_tail(&bad, Tail::Left, None).is_err());
    // k out of range: 100 values, odd count 99 nonzero deviations → k ≤ 98 after the
    // median; with 100 values (even) all 100 deviations are nonzero → k ≤ 99.
    for k in [0, 1, 100, 1000] {
        assert_eq!(field(estimate_all(&good, Some(k), 0)), "hill_k", "k = {k}");
    }
    assert!(estimate_all(&good, Some(99), 0).is_ok());
    assert_eq!(field(estimate_all(&good[..99], Some(98), 0)), "hill_k");
    let t = TailSample::from_raw(&good, Tail::Both).unwrap();
    assert_eq!(t.hill(1).unwrap_err().field, "hill_k");
    assert_eq!(t.moment(100).unwrap_err().field, "hill_k");
    assert_eq!(t.pickands(26).unwrap_err().field, "hill_k");
    assert_eq!(t.pickands(0).unwrap_err().field, "hill_k");
    assert_eq!(t.ks_distance(100).unwrap_err().field, "hill_k");
    // Ties at the top: Hill, KS and moment at small k are undefined, not NaN.
    let mut tied = good.clone();
    tied[..5].iter_mut().for_each(|v| *v = 1e6);
    let t = TailSample::from_raw(&tied, Tail::Both).unwrap();
    assert_eq!(t.hill(3).unwrap_err().field, "sample");
    assert_eq!(t.moment(3).unwrap_err().field, "sample");
    assert_eq!(t.ks_distance(4).unwrap_err().field, "sample");
    assert_eq!(t.pickands(1).unwrap_err().field, "sample");
    assert!(t.hill(5).unwrap().alpha.unwrap().is_finite());
    assert!(t
        .hill_plot(500)
        .iter()
        .all(|p| p.k >= 5 && p.alpha.is_finite()));
    assert!(t.csn_choice().unwrap().k >= 10);
    // Spacings beyond the floating-point range: an error, not an infinite ξ.
    let extreme = TailSample::from_sorted_desc(vec![1e300, 1.0, 1.0, 1.0 - 2e-16, 0.5]).unwrap();
    assert_eq!(extreme.pickands(1).unwrap_err().field, "sample");
    let mut huge = good.clone();
    huge.iter_mut().for_each(|v| *v = v.signum() * 1e308);
    assert_eq!(stable_index(&huge).unwrap_err().field, "sample");
    // Tails too small: nine equal values and one larger value have no left tail.
    let mut lopsided = vec![0.0; 9];
    lopsided.push(1.0);
    assert_eq!(
        TailSample::from_raw(&lopsided, Tail::Left)
            .unwrap_err()
            .field,
        "sample"
    );
    assert_eq!(field(estimate_all(&lopsided, None, 0)), "sample");
    // Positive-sample constructors.
    assert!(TailSample::from_positive(&[3.0, 2.0, -1.0]).is_err());
    assert!(TailSample::from_positive(&[3.0, f64::NAN, 1.0]).is_err());
    assert!(TailSample::from_sorted_desc(vec![1.0, 2.0, 3.0]).is_err());
    assert!(TailSample::from_positive(&[3.0, 2.0]).is_err());
    // Stable index.
    assert_eq!(stable_index(&good[..9]).unwrap_err().field, "sample");
    assert_eq!(stable_index(&[1.0; 20]).unwrap_err().field, "sample");
    assert_eq!(
        stable_index_multivariate(&good[..99], 2).unwrap_err().field,
        "sample"
    );
    assert_eq!(
        stable_index_multivariate(&good, 0).unwrap_err().field,
        "sample"
    );
    assert_eq!(stable_index_block(&good, 1, 1).unwrap_err().field, "k1");
    assert_eq!(stable_index_block(&good, 1, 51).unwrap_err().field, "k1");
}

/// Speed check for the page: all estimators on 10⁵ values must take well under 50 ms
/// natively in release. Run with
/// `cargo test --release --lib estimators::tests::estimate_all_is_fast -- --ignored --nocapture`.
#[test]
#[ignore]
fn estimate_all_is_fast() {
    let x = student_t(3, 100_000, &mut rng::stream(25, 0));
    let start = std::time::Instant::now();
    let reps = 10;
    for seed in 0..reps {
        std::hint::black_box(estimate_all(&x, None, seed).unwrap());
    }
    let per_call = start.elapsed().as_secs_f64() / reps as f64;
    println!("estimate_all on 1e5 values: {:.1} ms", per_call * 1e3);
    assert!(per_call < 0.025, "{per_call} s");
}

/// Speed check for the page: the run bootstrap (200 resamples) of 2000 values must take
/// well under 50 ms natively in release. Run with
/// `cargo test --release --lib estimators::tests::run_bootstrap_is_fast -- --ignored --nocapture`.
#[test]
#[ignore]
fn run_bootstrap_is_fast() {
    let x = student_t(3, 2000, &mut rng::stream(26, 0));
    let k = hill_tail(&x, Tail::Both, None).unwrap().k.unwrap();
    let start = std::time::Instant::now();
    let reps = 10;
    for seed in 0..reps {
        std::hint::black_box(
            run_bootstrap(&x, 1, k, RUN_BOOTSTRAP_REPLICATES, 0.95, seed).unwrap(),
        );
    }
    let per_call = start.elapsed().as_secs_f64() / reps as f64;
    println!("run_bootstrap on 2000 values: {:.1} ms", per_call * 1e3);
    assert!(per_call < 0.025, "{per_call} s");
}
