use super::*;
use crate::model::bounds::BoundsModel;
use crate::rng;
use nalgebra::DVector;

/// Reference numbers from tests/fixtures/theory/reference.py (explicit r²×r² matrices of
/// T, numpy eigenvalues, scipy brentq; scipy quad for the Kesten moments).
fn fixture() -> serde_json::Value {
    serde_json::from_str(include_str!(
        "../../../tests/fixtures/theory/reference.json"
    ))
    .unwrap()
}

fn problem_of(a: DMatrix<f64>) -> Problem {
    let n = a.nrows();
    Problem {
        a,
        b: DVector::from_fn(n, |i, _| (i % 3) as f64),
        name: "test".into(),
    }
}

fn map_of(a: DMatrix<f64>, batch: usize, delta: f64, replacement: bool) -> SecondMomentMap {
    let p = problem_of(a);
    let s = Spectrum::new(&p).unwrap();
    SecondMomentMap::new(&p, &s, batch, delta, replacement).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn agrees_with_the_explicit_matrix_of_t() {
    let f = fixture();
    let data = &f["discrete"];
    let matrix = |name: &str| -> DMatrix<f64> {
        let rows: Vec<Vec<f64>> = serde_json::from_value(data[name].clone()).unwrap();
        DMatrix::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j])
    };
    for case in data["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let batch = case["batch"].as_u64().unwrap() as usize;
        let delta = case["delta"].as_f64().unwrap();
        let replacement = case["replacement"].as_bool().unwrap();
        let gamma = case["gamma"].as_f64().unwrap();
        let t = map_of(matrix(name), batch, delta, replacement);
        let rho = t.spectral_radius(gamma).unwrap();
        let expected = case["rho"].as_f64().unwrap();
        assert!(
            rel(rho, expected) < 1e-9,
            "{name} B={batch} δ={delta}: ρ {rho} vs {expected}"
        );
        let threshold = t.threshold().unwrap();
        let expected = case["threshold"].as_f64().unwrap();
        assert!(
            rel(threshold, expected) < 1e-8,
            "{name} B={batch} δ={delta} repl={replacement}: {threshold} vs {expected}"
        );
        // ρ(T) = 1 at the threshold (the two root searches, over γ and over μ, agree).
        let at = t.spectral_radius(threshold).unwrap();
        if delta == 0.0 || name == "small" {
            assert!((at - 1.0).abs() < 1e-7, "ρ(T) at the threshold: {at}");
        }
    }
}

/// T as an explicit r² × r² matrix (columns T(E_jk)), symmetric since each term of T
/// is X ↦ AXA with A symmetric: its top eigenvalue by dense symmetric eigensolver is an
/// answer independent of Lanczos and of the μ-splitting.
fn explicit_radius(map: &SecondMomentMap, gamma: f64) -> f64 {
    let r = map.rank();
    let mut t = DMatrix::zeros(r * r, r * r);
    for j in 0..r {
        for k in 0..r {
            let mut e = DMatrix::zeros(r, r);
            e[(j, k)] = 1.0;
            let image = map.apply(gamma, &e);
            for (row, v) in image.iter().enumerate() {
                t[(row, j + k * r)] = *v;
            }
        }
    }
    let t = (&t + t.transpose()) * 0.5;
    SymmetricEigen::new(t).eigenvalues.max()
}

/// Ill-conditioned data (λ_1/λ_r = 300, so T's spectral gap near ρ = 1 is tiny): the
/// μ-splitting's ρ(T) equals the dense eigenvalue, below, at and above the threshold.
#[test]
fn radius_of_ill_conditioned_data_matches_the_dense_eigenvalue() {
    let problem = Problem::with_spectrum(
        80,
        6,
        2,
        crate::model::problem::SpectrumShape::Condition,
        300.0,
    )
    .unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    for (batch, delta, replacement) in [(1, 0.0, false), (3, 1e-4, true)] {
        let map = SecondMomentMap::new(&problem, &spectrum, batch, delta, replacement).unwrap();
        let threshold = map.threshold().unwrap();
        for factor in [0.3, 0.9, 1.0, 1.05] {
            let gamma = factor * threshold;
            let got = map.range_spectral_radius(gamma).unwrap();
            let dense = explicit_radius(&map, gamma);
            assert!(
                (got - dense).abs() < 1e-11 * dense.max(1.0),
                "B={batch} δ={delta} γ={gamma}: {got} vs dense {dense}"
            );
        }
    }
}

/// All 2^d sign vectors as rows: H = I and G(M) = tr(M)I + 2M − 2diag(M), so
/// T(I) = [(1 − γ)² + γ²c(d − 1)]I is the top eigenvector and the threshold is
/// 2/(1 + c(d − 1)) (off-diagonal M: (1 − γ)² + γ²c; zero-trace diagonal: (1 − γ)² − γ²c).
fn sign_cube(d: usize) -> DMatrix<f64> {
    DMatrix::from_fn(1 << d, d, |i, j| if (i >> j) & 1 == 1 { 1.0 } else { -1.0 })
}

#[test]
fn rademacher_cube_has_a_closed_form() {
    let d = 6;
    let n = 64.0;
    for (batch, replacement) in [(1, true), (2, true), (2, false), (5, false)] {
        let t = map_of(sign_cube(d), batch, 0.0, replacement);
        let c = if replacement {
            1.0 / batch as f64
        } else {
            (n - batch as f64) / (batch as f64 * (n - 1.0))
        };
        assert!((t.noise_factor() - c).abs() < 1e-15);
        let expected = 2.0 / (1.0 + c * (d as f64 - 1.0));
        let got = t.threshold().unwrap();
        assert!(rel(got, expected) < 1e-9, "B={batch}: {got} vs {expected}");
        let gamma = 0.2;
        let rho = (1.0 - gamma) * (1.0 - gamma) + gamma * gamma * c * (d as f64 - 1.0);
        assert!(rel(t.spectral_radius(gamma).unwrap(), rho) < 1e-10);
    }
    // hSGD's γ_2 = 2B/tr H = 2B/d equals the discrete threshold for B = 1 here (no
    // excess kurtosis), and exceeds it for B = 2 (4/6 against 4/7).
    let t = map_of(sign_cube(d), 1, 0.0, true);
    let p = problem_of(sign_cube(d));
    let s = Spectrum::new(&p).unwrap();
    let gamma_2 = BoundsModel::from_spectrum(&s, 0.1, 1, 0.0)
        .unwrap()
        .gamma_2();
    assert!(rel(t.threshold().unwrap(), gamma_2) < 1e-9);
}

#[test]
fn one_column_has_a_closed_form() {
    // d = 1: T(m) = m[(1 − γh′)² + γ²c(m₄ − h²)], h = mean a², m₄ = mean a⁴, so the
    // threshold is 2h′/(h′² + c(m₄ − h²)).
    let a = DMatrix::from_column_slice(5, 1, &[0.5, -1.0, 2.0, 0.1, 1.5]);
    let h = a.iter().map(|x| x * x).sum::<f64>() / 5.0;
    let m4 = a.iter().map(|x| x.powi(4)).sum::<f64>() / 5.0;
    for (batch, delta, replacement) in [(1, 0.0, true), (2, 0.3, false), (3, 0.1, true)] {
        let t = map_of(a.clone(), batch, delta, replacement);
        let c = t.noise_factor();
        let hp = h + delta;
        let expected = 2.0 * hp / (hp * hp + c * (m4 - h * h));
        assert!(rel(t.threshold().unwrap(), expected) < 1e-9);
    }
    // Full batch without replacement: no noise, gradient descent's 2/h′.
    let t = map_of(a.clone(), 5, 0.1, false);
    assert_eq!(t.noise_factor(), 0.0);
    assert!(rel(t.threshold().unwrap(), 2.0 / (h + 0.1)) < 1e-14);
}

fn gaussian(n: usize, d: usize, seed: u64) -> DMatrix<f64> {
    let mut stream = rng::stream(seed, 0);
    let mut entries = vec![0.0; n * d];
    rng::fill_standard_normal(&mut stream, &mut entries);
    DMatrix::from_row_slice(n, d, &entries)
}

#[test]
fn isotropic_gaussian_threshold_is_near_hsgd_gamma_2() {
    // For a ~ N(0, I_d) in the population limit, G(M) = tr(M)I + 2M, so T(I) =
    // (1 − 2γ + (d + 2)γ²)I and the threshold is 2/(d + 2), against hSGD's
    // γ_2 = 2/tr H ≈ 2/d: ratio d/(d + 2) (MATH.md §4.1's 0.00989 vs 0.01000 at d = 200).
    // numpy, 200×20 (reference.json): 0.08864 vs γ_2 = 0.09767, ratio 0.9075 vs 20/22.
    let f = fixture();
    let numpy = &f["isotropic_200x20"];
    let numpy_ratio = numpy["threshold"].as_f64().unwrap() / numpy["gamma_2"].as_f64().unwrap();
    assert!((numpy_ratio - 20.0 / 22.0).abs() < 0.01);
    let (n, d) = (400, 20);
    let p = problem_of(gaussian(n, d, 3));
    let s = Spectrum::new(&p).unwrap();
    let t = SecondMomentMap::new(&p, &s, 1, 0.0, true).unwrap();
    let gamma_2 = BoundsModel::from_spectrum(&s, 0.01, 1, 0.0)
        .unwrap()
        .gamma_2();
    // Finite-n spread: numpy 400×20 seeds 0..5 gave ratios 0.898–0.920 (sd ≈ 0.009),
    // hence a window of ±0.025 around 20/22 = 0.909.
    let ratio = t.threshold().unwrap() / gamma_2;
    assert!((ratio - 20.0 / 22.0).abs() < 0.025, "ratio {ratio}");
}

/// MATH.md §4.1's table: N(0,1) 2000×200 → 0.00989 against γ_2 = 0.01000. About 12 s
/// in the release profile; run with
/// `cargo test --release --lib discrete::tests::isotropic_2000x200 -- --ignored`.
#[test]
#[ignore]
fn isotropic_2000x200() {
    let p = problem_of(gaussian(2000, 200, 1));
    let s = Spectrum::new(&p).unwrap();
    let t = SecondMomentMap::new(&p, &s, 1, 0.0, true).unwrap();
    let threshold = t.threshold().unwrap();
    let gamma_2 = BoundsModel::from_spectrum(&s, 0.01, 1, 0.0)
        .unwrap()
        .gamma_2();
    eprintln!("discrete threshold {threshold}, hSGD γ_2 {gamma_2}");
    assert!((threshold - 0.00989).abs() < 0.0001, "{threshold}");
    assert!((gamma_2 - 0.01).abs() < 0.0001, "{gamma_2}");
    assert!((threshold / gamma_2 - 200.0 / 202.0).abs() < 0.002);
}

#[test]
fn invalid_inputs_are_errors() {
    let p = problem_of(gaussian(10, 3, 1));
    let s = Spectrum::new(&p).unwrap();
    assert_eq!(
        SecondMomentMap::new(&p, &s, 0, 0.0, true)
            .unwrap_err()
            .field,
        "batch"
    );
    assert_eq!(
        SecondMomentMap::new(&p, &s, 11, 0.0, true)
            .unwrap_err()
            .field,
        "batch"
    );
    assert_eq!(
        SecondMomentMap::new(&p, &s, 1, -1.0, true)
            .unwrap_err()
            .field,
        "delta"
    );
    let t = SecondMomentMap::new(&p, &s, 1, 0.0, true).unwrap();
    assert_eq!(t.spectral_radius(0.0).unwrap_err().field, "gamma");
    assert_eq!(t.spectral_radius(f64::NAN).unwrap_err().field, "gamma");
    let big = Problem::synthetic(3000, 200, 1).unwrap();
    let big_s = Spectrum::new(&big).unwrap();
    assert_eq!(
        SecondMomentMap::new(&big, &big_s, 1, 0.0, true)
            .unwrap_err()
            .field,
        "data"
    );
    assert_eq!(kesten_index(0.0, 1, 0.0).unwrap_err().field, "gamma");
    assert_eq!(kesten_index(0.5, 0, 0.0).unwrap_err().field, "batch");
    assert_eq!(kesten_index(0.5, 1, f64::NAN).unwrap_err().field, "delta");
    // γ = 3: E ln|1 − 3a²| > 0, no stationary law.
    assert_eq!(kesten_index(3.0, 1, 0.0).unwrap_err().field, "gamma");
}

#[test]
fn kesten_table_of_section_5_4() {
    // MATH.md §5.4: 8.30, 2.90, 1.55 for γ = 0.2, 0.5, 0.8 (B = 1, δ = 0). For γ = 1.0
    // the table prints 1.11, but scipy (two independent quadratures, reference.py) and a
    // 10⁷-sample Monte Carlo (E|1 − a²|^1.0908 = 0.9996, ^1.11 = 1.0073) give 1.0908.
    for (gamma, printed) in [(0.2, "8.30"), (0.5, "2.90"), (0.8, "1.55"), (1.0, "1.09")] {
        let kappa = kesten_index(gamma, 1, 0.0).unwrap();
        assert_eq!(format!("{kappa:.2}"), printed, "γ = {gamma}");
    }
    for case in fixture()["kesten"].as_array().unwrap() {
        let gamma = case["gamma"].as_f64().unwrap();
        let batch = case["batch"].as_u64().unwrap() as usize;
        let delta = case["delta"].as_f64().unwrap();
        let kappa = kesten_index(gamma, batch, delta).unwrap();
        let expected = case["kappa"].as_f64().unwrap();
        assert!(
            rel(kappa, expected) < 1e-7,
            "γ={gamma} B={batch} δ={delta}: {kappa} vs {expected}"
        );
    }
}

#[test]
fn kesten_closed_forms() {
    // κ = 2 ⇔ E(1 − γ(s + δ))² = 1 with E s = 1, E s² = 1 + 2/B:
    // γ = 2(1 + δ)/((1 + δ)² + 2/B).
    for (batch, delta) in [(1, 0.0), (3, 0.2), (10, 1.5)] {
        let d1 = 1.0 + delta;
        let gamma = 2.0 * d1 / (d1 * d1 + 2.0 / batch as f64);
        let kappa = kesten_index(gamma, batch, delta).unwrap();
        assert!((kappa - 2.0).abs() < 1e-8, "B={batch}: {kappa}");
    }
    // κ = 1 for B = 2 (s ~ Exp(1)): E|1 − γs| = 1 − γ + 2γe^{−1/γ} = 1 ⇔ γ = 1/ln 2.
    let kappa = kesten_index(1.0 / libm::log(2.0), 2, 0.0).unwrap();
    assert!((kappa - 1.0).abs() < 1e-8, "{kappa}");
    // Monotone: heavier tails with larger γ, lighter with larger B (GSZ21 Thm 4).
    let k = |g, b| kesten_index(g, b, 0.0).unwrap();
    assert!(k(0.3, 1) > k(0.4, 1) && k(0.3, 4) > k(0.3, 1));
}
