//! Equivariance under affine maps, the combined estimate of `estimate_all`, and the two
//! bootstraps (i.i.d. and over whole runs).

use super::*;

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

/// The O(N) Hill at a given k is the full estimator's, bit for bit: odd and even sizes,
/// values equal to the median, ties below the top, and the errors of a bad k or a tied top.
#[test]
fn hill_both_at_equals_the_sorted_estimate() {
    let mut stream = crate::rng::stream(11, 0);
    for n in [25, 200, 201, 2000] {
        let mut sample = signed_pareto(2.5, n, &mut stream);
        sample[3] = sample[4];
        for k in [2, 10, n / 4, n - 3] {
            let fast = hill_both_at(&sample, k).unwrap();
            let sorted = hill_tail(&sample, Tail::Both, Some(k)).unwrap();
            assert_eq!(fast, sorted, "n = {n}, k = {k}");
            let all = estimate_all(&sample, Some(k), 1).unwrap();
            assert_eq!(fast.alpha, all.hill.alpha, "n = {n}, k = {k}");
        }
        assert_eq!(hill_both_at(&sample, n).unwrap_err().field, "hill_k");
        assert_eq!(hill_both_at(&sample, 1).unwrap_err().field, "hill_k");
    }
    let tied = [5.0, -5.0, 5.0, -5.0, 0.1, 0.2, 0.3];
    assert_eq!(hill_both_at(&tied, 3).unwrap_err().field, "sample");
    assert!(hill_both_at(&[1.0, f64::NAN, 2.0], 2).is_err());
}
