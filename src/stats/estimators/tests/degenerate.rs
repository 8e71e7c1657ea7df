//! Degenerate input: each failure is an error naming the field at fault.

use super::*;

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
