//! What the laws' and fits' unit tests share: the scipy reference values and comparisons.

use super::law::Law;

/// The reference values written by `tests/fixtures/fits/make_fixtures.py`.
pub fn fixtures() -> &'static serde_json::Value {
    use std::sync::OnceLock;
    static FIXTURES: OnceLock<serde_json::Value> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        serde_json::from_str(include_str!("../../../tests/fixtures/fits/fixtures.json"))
            .expect("fixtures.json parses")
    })
}

/// Relative difference, with an absolute floor for values near zero.
pub fn rel_diff(a: f64, b: f64) -> f64 {
    if a == b {
        return 0.0;
    }
    (a - b).abs() / b.abs().max(1e-300)
}

/// statrs' check_continuous_distribution, adapted: on [lo, hi] the pdf integrates to
/// the cdf difference (Gauss–Kronrod on each of `pieces` panels, tolerance `tol`
/// absolute), cdf + sf = 1, ln_pdf = ln pdf, and cdf(quantile(p)) ≈ p for a range of p
/// including both tails.
pub fn check_law(law: &dyn Law, lo: f64, hi: f64, pieces: usize, tol: f64) {
    let mut x0 = lo;
    let width = (hi - lo) / pieces as f64;
    for i in 1..=pieces {
        let x1 = lo + width * i as f64;
        let integral = crate::stats::quadrature::integrate(|x| law.pdf(x), x0, x1, 1e-12);
        let diff = law.cdf(x1) - law.cdf(x0);
        assert!(
            (integral - diff).abs() <= tol,
            "{law:?}: ∫pdf over [{x0}, {x1}] = {integral} but cdf difference {diff}"
        );
        let s = law.cdf(x1) + law.sf(x1);
        assert!((s - 1.0).abs() < 1e-13, "{law:?}: cdf + sf = {s} at {x1}");
        let lp = law.ln_pdf(x1);
        if lp.is_finite() {
            assert!((libm::exp(lp) - law.pdf(x1)).abs() <= 1e-14 * law.pdf(x1).max(1e-300));
        }
        x0 = x1;
    }
    for &p in &[
        1e-12,
        1e-6,
        0.001,
        0.025,
        0.2,
        0.5,
        0.7,
        0.975,
        0.999,
        1.0 - 1e-6,
        1.0 - 1e-12,
    ] {
        let q = law.quantile(p);
        assert!(q.is_finite(), "{law:?}: quantile({p}) = {q}");
        let back = if p > 0.5 { 1.0 - law.sf(q) } else { law.cdf(q) };
        let err = if p > 0.5 {
            rel_diff(law.sf(q), 1.0 - p)
        } else {
            rel_diff(law.cdf(q), p)
        };
        assert!(
            err < 1e-9,
            "{law:?}: cdf(quantile({p})) = {back} (rel err {err})"
        );
    }
    assert_eq!(law.quantile(0.0), law.support().0);
    assert_eq!(law.quantile(1.0), law.support().1);
    assert!(law.quantile(1.5).is_nan());
    assert_eq!(law.cdf(f64::NEG_INFINITY), 0.0);
    assert_eq!(law.cdf(f64::INFINITY), 1.0);
}

#[test]
fn fitted_law_round_trips_and_validates() {
    use super::FittedLaw;
    let rec = FittedLaw::PearsonIV {
        m: 2.0,
        v: -1.0,
        a: 1.5,
        lambda: 0.25,
    };
    let json = serde_json::to_string(&rec).unwrap();
    assert_eq!(
        json,
        r#"{"law":"pearson_iv","m":2.0,"v":-1.0,"a":1.5,"lambda":0.25}"#
    );
    assert_eq!(serde_json::from_str::<FittedLaw>(&json).unwrap(), rec);
    let law = rec.law().unwrap();
    assert_eq!(
        (law.name(), law.n_params(), law.tail_index()),
        ("pearson_iv", 4, Some(3.0))
    );
    assert_eq!(rec.tail_index(), Some(3.0));
    let bad = FittedLaw::StudentT {
        loc: 0.0,
        scale: 1.0,
        df: -1.0,
    };
    assert_eq!(bad.law().unwrap_err().field, "df");
    assert_eq!(
        FittedLaw::Gaussian {
            mu: 0.0,
            sigma: 1.0
        }
        .tail_index(),
        None
    );
}

#[test]
fn statrs_traits_delegate_to_law() {
    use statrs::distribution::{Continuous, ContinuousCDF};
    let t = super::StudentT::new(0.5, 2.0, 3.0).unwrap();
    assert_eq!(Continuous::pdf(&t, 1.3), Law::pdf(&t, 1.3));
    assert_eq!(ContinuousCDF::cdf(&t, 1.3), Law::cdf(&t, 1.3));
    assert_eq!(t.inverse_cdf(0.9), Law::quantile(&t, 0.9));
    let g = super::InverseGamma::new(2.0, 1.0).unwrap();
    assert_eq!(statrs::statistics::Min::min(&g), 0.0);
}

/// Kolmogorov–Smirnov distance between `n` draws of `law` and its cdf.
pub fn ks_distance_of_draws(law: &dyn Law, seed: u64, n: usize) -> f64 {
    let mut rng = crate::rng::stream(seed, 0);
    let mut xs: Vec<f64> = (0..n).map(|_| law.sample(&mut rng)).collect();
    xs.sort_unstable_by(f64::total_cmp);
    crate::stats::sample::ks_statistic(law.cdf_sorted(&xs).into_iter(), f64::INFINITY)
}
