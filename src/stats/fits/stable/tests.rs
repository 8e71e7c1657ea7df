//! Tests of the α-stable fit: McCulloch against scipy's `_fitstart`, the likelihood
//! against scipy's `levy_stable.fit`, recovery of α from simulated samples, equivariance
//! and degenerate samples.

use super::*;
use crate::stats::distributions::Law;
use serde_json::Value;

/// Samples, scipy's `levy_stable._fitstart` and `levy_stable.fit` outputs:
/// tests/fixtures/stable/make_fixtures.py (scipy 1.17.1).
const FIXTURES: &str = include_str!("../../../../tests/fixtures/stable/stable_fixtures.json");

fn fixture_fits() -> Vec<Value> {
    let v: Value = serde_json::from_str(FIXTURES).unwrap();
    v["fits"].as_array().unwrap().clone()
}

fn sample_of(entry: &Value) -> Vec<f64> {
    entry["sample"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn mcculloch_equals_scipy_fitstart() {
    for entry in fixture_fits() {
        let xs = sample_of(&entry);
        let m = mcculloch(&xs).unwrap();
        let want = &entry["fitstart"];
        for (name, ours) in [
            ("alpha", m.alpha),
            ("beta", m.beta),
            ("scale", m.scale),
            ("loc", m.loc),
        ] {
            let theirs = want[name].as_f64().unwrap();
            assert!(
                (ours - theirs).abs() <= 1e-9 * (1.0 + theirs.abs()),
                "{name}: ours {ours}, scipy {theirs}"
            );
        }
    }
}

#[test]
fn mle_likelihood_is_at_least_scipys() {
    for entry in fixture_fits() {
        let Some(scipy) = entry.get("fit300") else {
            continue;
        };
        let xs: Vec<f64> = sample_of(&entry)[..300].to_vec();
        let fit = fit_stable(&xs).unwrap();
        let theirs = scipy["loglik"].as_f64().unwrap();
        println!(
            "ours {} scipy {theirs}: margin {}",
            fit.loglik,
            fit.loglik - theirs
        );
        assert!(fit.loglik >= theirs - 1e-6, "ours {fit:?}, scipy {scipy}");
        // Our reported loglik is the exact one at our parameters.
        let law = fit.law().unwrap();
        let ll: f64 = xs.iter().map(|&x| law.ln_pdf(x)).sum();
        assert!((ll - fit.loglik).abs() < 1e-9 * ll.abs());
        assert!((fit.aic - (8.0 - 2.0 * fit.loglik)).abs() < 1e-9);
    }
}

#[test]
fn alpha_is_recovered_from_cms_samples() {
    // n = 1500 CMS draws per law; the MLE's standard error of α is ≈ 0.03–0.05 here, so
    // |α̂ − α| < 0.15 is a ~3-sigma bound; ks stays below the 1% critical value
    // 1.628/√n = 0.042 (lenient, as the parameters are fitted).
    for (k, &(alpha, beta)) in [(1.2, 0.3), (1.5, 0.0), (1.8, -0.5)].iter().enumerate() {
        let law = Stable::new(alpha, beta, 2.0, 1.0).unwrap();
        let mut rng = crate::rng::stream(7, k as u64);
        let xs: Vec<f64> = (0..1500).map(|_| law.sample(&mut rng)).collect();
        let fit = fit_stable(&xs).unwrap();
        assert!((fit.alpha - alpha).abs() < 0.15, "α {alpha}: {fit:?}");
        assert!((fit.scale / 2.0 - 1.0).abs() < 0.1, "α {alpha}: {fit:?}");
        assert!(fit.ks < 0.042, "α {alpha}: {fit:?}");
    }
}

#[test]
#[ignore = "heavy: cargo test --release --lib fits::stable -- --ignored"]
fn alpha_is_recovered_tightly_and_fast_on_large_samples() {
    // n = 10⁵: SE(α̂) ≈ 0.005; the fit must take < 0.5 s in release.
    for (k, &(alpha, beta)) in [(1.2, 0.3), (1.5, 0.0), (1.8, -0.5)].iter().enumerate() {
        let law = Stable::new(alpha, beta, 2.0, 1.0).unwrap();
        let mut rng = crate::rng::stream(8, k as u64);
        let xs: Vec<f64> = (0..100_000).map(|_| law.sample(&mut rng)).collect();
        let t = std::time::Instant::now();
        let c0 = TABLES_BUILT.load(std::sync::atomic::Ordering::Relaxed);
        let fit = fit_stable(&xs).unwrap();
        let elapsed = t.elapsed();
        let c1 = TABLES_BUILT.load(std::sync::atomic::Ordering::Relaxed);
        println!(
            "α {alpha} β {beta}: {fit:?} in {elapsed:?}, {} tables",
            c1 - c0
        );
        assert!((fit.alpha - alpha).abs() < 0.03, "{fit:?}");
        assert!((fit.beta - beta).abs() < 0.1, "{fit:?}");
        assert!(
            elapsed.as_secs_f64() < 0.5,
            "{elapsed:?} (wall clock: run on an idle machine)"
        );
    }
}

#[test]
#[ignore = "timing probe: cargo test --release --lib fit_timing_probe -- --ignored --nocapture"]
fn fit_timing_probe() {
    for (k, &(alpha, beta)) in [(0.7, 0.0), (1.0, 0.5), (1.05, -0.3), (1.95, 0.2)]
        .iter()
        .enumerate()
    {
        let law = Stable::new(alpha, beta, 1.0, 0.0).unwrap();
        let mut rng = crate::rng::stream(9, k as u64);
        let xs: Vec<f64> = (0..100_000).map(|_| law.sample(&mut rng)).collect();
        let t = std::time::Instant::now();
        let fit = fit_stable(&xs).unwrap();
        println!("α {alpha} β {beta}: {fit:?} in {:?}", t.elapsed());
    }
}

#[test]
fn fit_is_equivariant_under_location_and_scale() {
    let law = Stable::new(1.6, 0.4, 1.0, 0.0).unwrap();
    let mut rng = crate::rng::stream(3, 0);
    let xs: Vec<f64> = (0..400).map(|_| law.sample(&mut rng)).collect();
    let (a, b) = (3.5, -20.0);
    let ys: Vec<f64> = xs.iter().map(|x| a * x + b).collect();
    let f = fit_stable(&xs).unwrap();
    let g = fit_stable(&ys).unwrap();
    assert!((f.alpha - g.alpha).abs() < 1e-4, "{f:?} {g:?}");
    assert!((f.beta - g.beta).abs() < 1e-3, "{f:?} {g:?}");
    assert!((g.scale / (a * f.scale) - 1.0).abs() < 1e-4, "{f:?} {g:?}");
    // S1 location for α ≠ 1: μ → aμ + b.
    assert!(
        (g.loc - (a * f.loc + b)).abs() < 1e-3 * a * f.scale,
        "{f:?} {g:?}"
    );
    // The likelihood changes by −n ln a exactly.
    let shift = -(xs.len() as f64) * libm::log(a);
    assert!((g.loglik - (f.loglik + shift)).abs() < 1e-3, "{f:?} {g:?}");
    // McCulloch is exactly equivariant.
    let (m, n) = (mcculloch(&xs).unwrap(), mcculloch(&ys).unwrap());
    assert!((m.alpha - n.alpha).abs() < 1e-12 && (n.scale / (a * m.scale) - 1.0).abs() < 1e-12);
}

#[test]
fn fit_handles_gaussian_samples() {
    // Gaussian data: α̂ at (or next to) the boundary 2, finite goodness of fit.
    let mut rng = crate::rng::stream(11, 0);
    let xs: Vec<f64> = (0..600)
        .map(|_| 3.0 + 0.5 * crate::rng::standard_normal(&mut rng))
        .collect();
    let fit = fit_stable(&xs).unwrap();
    assert!(
        fit.alpha > 1.9 && fit.loglik.is_finite() && fit.ks < 0.06,
        "{fit:?}"
    );
    // α = 2 is N(μ, 2σ²): σ̂ ≈ 0.5/√2.
    assert!(
        (fit.scale / (0.5 / 2f64.sqrt()) - 1.0).abs() < 0.1,
        "{fit:?}"
    );
}

#[test]
fn fit_handles_one_sided_levy_samples() {
    // Lévy data (α = 1/2, β = 1, one-sided): heavy and skewed; β̂ stops at 0.9999.
    let levy = Stable::new(0.5, 1.0, 1.0, 0.0).unwrap();
    let mut rng = crate::rng::stream(11, 1);
    let ys: Vec<f64> = (0..600).map(|_| levy.sample(&mut rng)).collect();
    let fit = fit_stable(&ys).unwrap();
    assert!((fit.alpha - 0.5).abs() < 0.1 && fit.beta > 0.8, "{fit:?}");
    assert!(fit.loglik.is_finite() && fit.ks < 0.06, "{fit:?}");
}

#[test]
fn degenerate_samples_are_errors() {
    assert_eq!(fit_stable(&[1.0, 2.0, 3.0]).unwrap_err().field, "sample");
    assert_eq!(fit_stable(&[5.0; 50]).unwrap_err().field, "sample");
    let mut xs: Vec<f64> = (0..50).map(|i| i as f64).collect();
    xs[7] = f64::NAN;
    assert_eq!(fit_stable(&xs).unwrap_err().field, "sample");
    xs[7] = f64::INFINITY;
    assert_eq!(mcculloch(&xs).unwrap_err().field, "sample");
}
