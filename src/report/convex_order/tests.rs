use super::*;
use crate::report::config::{DataKind, SpectrumShape};
use crate::report::runs::{inspected_coordinate, prepare, simulate, Silent};

#[test]
fn orders_are_convex_and_below_the_tail_index() {
    let close = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    };
    assert!(close(&moment_orders(2.2), &[1.0, 1.3, 1.6, 1.9]));
    assert!(close(&moment_orders(12.0), &[1.0, 2.0, 3.0, 4.0]));
    assert!(moment_orders(1.0).is_empty() && moment_orders(f64::NAN).is_empty());
    for eta in [1.01, 2.05, 4.9, 5.0, 40.0] {
        assert!(moment_orders(eta).iter().all(|p| *p >= 1.0 && *p < eta));
    }
}

#[test]
fn numbers_in_sentences_have_four_significant_digits() {
    assert_eq!(sig4(0.259_114), "0.2591");
    assert_eq!(sig4(77.733), "77.73");
    assert_eq!(sig4(1804.507), "1805");
    assert_eq!(sig4(8.718_8), "8.719");
    assert_eq!(sig4(2.5e-5), "0.000025");
    assert_eq!(sig4(1.234_567e-9), "1.2346e-9");
    assert_eq!(sig4(0.0), "0");
}

#[test]
fn mean_intervals_and_orders() {
    // Values 1, 2, 3, 4: mean 2.5, sd² = 5/3, se = √(5/12).
    let m = MeanInterval::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
    let se = (5.0f64 / 12.0).sqrt();
    assert!((m.mean - 2.5).abs() < 1e-15 && (m.se - se).abs() < 1e-15);
    assert!((m.hi - 2.5 - Z_95 * se).abs() < 1e-14 && (2.5 - m.lo - Z_95 * se).abs() < 1e-14);
    assert_eq!(Order::of(&m), Order::Holds);
    assert_eq!(
        Order::of(&MeanInterval::of(&[-1.0, 1.0, 0.5]).unwrap()),
        Order::WithinInterval
    );
    assert_eq!(
        Order::of(&MeanInterval::of(&[-1.0, -2.0, -1.5]).unwrap()),
        Order::Violated
    );
    assert!(MeanInterval::of(&[1.0]).is_none());
}

/// An isotropic spectrum (all λ_i equal, r = 4) with γ at half hSGD's second-moment
/// threshold γ₂, where Theorem 3.1 applies (MATH.md §3.1: same start, affine drifts, the
/// coupled noise |Z|² + χ ≥ Z_i² + χ). Within 3 standard errors of the paired difference
/// E|Y|^p ≥ E|Ŷ|^p for every order; and for p = 1 the coupling makes hSGD strictly wider
/// (its noise sees four coordinates instead of one), so the difference's interval lies
/// above 0.
#[test]
fn hsgd_dominates_the_independent_diffusion_in_convex_order() {
    let mut config = Config {
        data: DataKind::Spectrum,
        shape: SpectrumShape::Condition,
        condition: 1.0,
        n: 200,
        d: 4,
        method: Method::Hsgd,
        runs: 3000,
        steps: 200,
        substeps: 10,
        ..Config::default()
    };
    let gamma_2 = prepare(&config, None).unwrap().bounds.summary().gamma_2;
    config.gamma = 0.5 * gamma_2;
    let prepared = prepare(&config, None).unwrap();
    let simulation = simulate(&config, &prepared, Dynamics::Hsgd, 0, 1, &mut Silent).unwrap();
    let values = inspected_coordinate(&config, &prepared, &simulation);
    let order = convex_order(&config, &prepared, &simulation, &values).unwrap();
    assert_eq!(
        order.runs + order.independent_diverged,
        simulation.finished.len()
    );
    assert_eq!(order.moments.len(), 4);
    for m in &order.moments {
        assert!(
            m.difference.mean >= -3.0 * m.difference.se,
            "p = {}: hSGD {:?} against independent {:?}",
            m.p,
            m.hsgd,
            m.independent
        );
        assert!(m.stationary.is_some_and(|s| s > 0.0));
    }
    assert_eq!(
        order.moments[0].order,
        Order::Holds,
        "{:?}",
        order.moments[0]
    );
}
