use super::*;
use crate::model::simulation::testing::{mean_and_se, quiet};
use nalgebra::{DMatrix, DVector};

fn params(gamma: f64, delta: f64, steps: usize, substeps: usize) -> HsgdParams {
    HsgdParams {
        gamma,
        batch: 1,
        delta,
        steps,
        substeps,
        coupling: Coupling::Coupled,
    }
}

#[test]
fn starts_where_sgd_starts_and_keeps_the_null_space_deterministic() {
    // Wide A (n = 4 < d = 7): three null-space coordinates decay as e^{−γδK} exactly,
    // from the same x₀ as SGD's run (0.5 × the run's first normals).
    let problem = Problem::synthetic(4, 7, 2).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let p = params(0.05, 0.3, 20, 3);
    let record = Record {
        trajectory_run: Some(1),
        loss_runs: 0,
        points: 20,
        ..Record::default()
    };
    let sim = simulate(&spectrum, &p, 5, 0..2, &record, &mut quiet()).unwrap();
    let mut stream = rng::stream(5, 1);
    let mut x0 = vec![0.0; 7];
    rng::fill_standard_normal(&mut stream, &mut x0);
    x0.iter_mut().for_each(|v| *v *= 0.5);
    let path = &sim.trajectory.as_ref().unwrap().points;
    for (a, b) in path[..7].iter().zip(&x0) {
        assert!((a - b).abs() < 1e-13, "{a} vs {b}");
    }
    let s0 = spectrum.project(&x0);
    let svd = sim.final_svd(1).unwrap();
    let shrink = libm::exp(-0.05 * 0.3 * 20.0);
    for k in 4..7 {
        assert!(
            (svd[k] - shrink * s0[k]).abs() < 1e-14,
            "{k}: {} vs {}",
            svd[k],
            shrink * s0[k]
        );
    }
    // The original and SVD coordinates describe the same point: x = V s.
    let x = DVector::from_column_slice(sim.final_iterate(1));
    let back = spectrum.project(x.as_slice());
    for (a, b) in back.iter().zip(svd) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
}

#[test]
fn mean_follows_the_exact_ou_mean() {
    // E Y_i(t) = m_i + e^{−θ_i t}(E Y_i(0) − m_i), exact for the SDE and for the
    // exponential-Euler scheme (the noise has mean 0 and the drift is linear);
    // E Y(0) = α since E x₀ = 0. m_i = nδα_i/(λ_i² + nδ), θ_i = γ(λ_i²/n + δ),
    // computed here from the spectrum. Tolerance 4.5 Monte Carlo standard errors.
    let problem = Problem::synthetic(30, 4, 6).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let (gamma, delta, steps) = (0.02, 0.4, 30);
    let p = params(gamma, delta, steps, 2);
    let runs = 4000;
    let sim = simulate(
        &spectrum,
        &p,
        8,
        0..runs,
        &Record::finals_only(),
        &mut quiet(),
    )
    .unwrap();
    assert_eq!(sim.finished.len(), runs);
    let n = 30.0;
    let mut spread = 0.0;
    for (i, (&lambda, &alpha)) in spectrum
        .singular_values
        .iter()
        .zip(&spectrum.alpha)
        .enumerate()
    {
        let l2 = lambda * lambda;
        let m = n * delta * alpha / (l2 + n * delta);
        let theta = gamma * (l2 / n + delta);
        let expected = m + libm::exp(-theta * steps as f64) * (alpha - m);
        let y: Vec<f64> = sim
            .svd_coordinate(i)
            .unwrap()
            .iter()
            .map(|s| s + alpha)
            .collect();
        let (mean, se) = mean_and_se(&y);
        assert!(
            (mean - expected).abs() < 4.5 * se,
            "coordinate {i}: {mean} vs {expected} (se {se})"
        );
        spread += se;
    }
    assert!(spread > 1e-3, "the runs do not spread: {spread}");
}

#[test]
fn one_coordinate_stationary_second_moment() {
    // r = 1 (d = 1): hSGD is a 1-d Pearson diffusion. In Z = λY/√β units its
    // stationary E Z² = (μ² + φ)/(1 − φ), μ = λm/√β, φ = γλ⁴/(2nB(λ² + nδ))
    // (MATH.md §2.3, project units). The exponential-Euler chain (factor e = e^{−θh},
    // noise variance s²(λ²Y² + β), s² = (1 − e²)/(2θ)·γ²λ²/(n²B)) has the stationary
    // moment E(Y − m)² = s²(λ²m² + β)/(1 − e² − s²λ²), which equals the SDE's for every
    // h (the factor 1 − e² cancels): checked to 1e-12, then the simulation against it
    // within 4.5 Monte Carlo standard errors. (Mutating the noise scale by 5% or the
    // mean's n makes this fail.)
    let a = DMatrix::from_column_slice(4, 1, &[0.5, 1.0, 1.5, 2.0]);
    let b = DVector::from_vec(vec![1.0, -1.0, 2.0, 0.5]);
    let problem = Problem {
        a,
        b,
        name: "r=1".into(),
    };
    let spectrum = Spectrum::new(&problem).unwrap();
    let (n, gamma, delta) = (4.0, 0.225, 0.1);
    let l2 = 7.5; // 0.25 + 1 + 2.25 + 4
    assert!((spectrum.singular_values[0].powi(2) - l2).abs() < 1e-12);
    let alpha = spectrum.alpha[0];
    let beta = spectrum.beta;
    let m = n * delta * alpha / (l2 + n * delta);
    let phi = gamma * l2 * l2 / (2.0 * n * (l2 + n * delta));
    let mu2 = l2 * m * m / beta;
    let sde_y2 = beta / l2 * (mu2 + phi) / (1.0 - phi);
    let chain_y2 = |substeps: usize| {
        let theta = gamma * (l2 / n + delta);
        let h = 1.0 / substeps as f64;
        let e = libm::exp(-theta * h);
        let s2 = (1.0 - e * e) / (2.0 * theta) * gamma * gamma * l2 / (n * n);
        s2 * (l2 * m * m + beta) / (1.0 - e * e - s2 * l2) + m * m
    };
    for substeps in [1, 20, 2000] {
        assert!((chain_y2(substeps) / sde_y2 - 1.0).abs() < 1e-12);
    }

    let runs = 20_000;
    let sim = simulate(
        &spectrum,
        &params(gamma, delta, 40, 20),
        3,
        0..runs,
        &Record::finals_only(),
        &mut quiet(),
    )
    .unwrap();
    let y2: Vec<f64> = sim
        .svd_coordinate(0)
        .unwrap()
        .iter()
        .map(|s| (s + alpha).powi(2))
        .collect();
    let (mean, se) = mean_and_se(&y2);
    assert!(
        (mean - sde_y2).abs() < 4.5 * se,
        "E Y² = {mean} vs {sde_y2} (se {se})"
    );
}

#[test]
fn chunks_are_identical_and_loss_is_exact() {
    let problem = Problem::synthetic(30, 5, 1).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let prepared = Hsgd::new(&spectrum, &params(0.05, 0.01, 50, 3)).unwrap();
    let record = Record {
        trajectory_run: Some(3),
        loss_runs: 2,
        points: 10,
        ..Record::default()
    };
    let whole = prepared.simulate(2, 0..6, &record, &mut quiet()).unwrap();
    let mut parts = prepared.simulate(2, 0..1, &record, &mut quiet()).unwrap();
    parts
        .merge(prepared.simulate(2, 1..6, &record, &mut quiet()).unwrap())
        .unwrap();
    assert_eq!(whole, parts);
    let plain = prepared
        .simulate(2, 0..6, &Record::finals_only(), &mut quiet())
        .unwrap();
    assert_eq!(plain.finals, whole.finals);
    // The recorded loss (S/(2n) + (δ/2)|s|²) equals f evaluated directly at the
    // recorded point: record run 0's path and loss together (relative 1e-9).
    let record0 = Record {
        trajectory_run: Some(0),
        loss_runs: 1,
        points: 10,
        ..Record::default()
    };
    let sim = prepared.simulate(2, 0..1, &record0, &mut quiet()).unwrap();
    let path = &sim.trajectory.as_ref().unwrap().points;
    for (k, x) in path.chunks_exact(5).enumerate() {
        let x = DVector::from_column_slice(x);
        let direct =
            (&problem.a * &x - &problem.b).norm_squared() / 60.0 + 0.5 * 0.01 * x.norm_squared();
        let recorded = sim.losses[0].values[k];
        assert!(
            (recorded - direct).abs() < 1e-9 * direct,
            "{recorded} vs {direct}"
        );
    }
}

#[test]
fn divergence_and_cancel_and_bad_input() {
    let problem = Problem::synthetic(30, 5, 1).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    // γ far beyond the second-moment threshold: S overflows.
    let sim = simulate(
        &spectrum,
        &params(30.0, 0.0, 3000, 1),
        1,
        0..3,
        &Record::default(),
        &mut quiet(),
    )
    .unwrap();
    assert_eq!(sim.diverged, vec![0, 1, 2]);
    assert!(sim.trajectory.unwrap().points.iter().all(|v| v.is_finite()));
    assert!(sim
        .losses
        .iter()
        .all(|l| l.values.iter().all(|v| v.is_finite())));
    let cancelled = simulate(
        &spectrum,
        &params(0.01, 0.0, 200_000, 10),
        1,
        0..2,
        &Record::finals_only(),
        &mut |_, _| false,
    );
    assert_eq!(
        cancelled.unwrap_err().field,
        crate::model::simulation::CANCELLED
    );
    let mut p = params(0.01, 0.0, 10, 0);
    assert_eq!(Hsgd::new(&spectrum, &p).unwrap_err().field, "substeps");
    p.substeps = 1;
    p.batch = 31;
    assert_eq!(Hsgd::new(&spectrum, &p).unwrap_err().field, "batch");
    p.batch = 1;
    p.coupling = Coupling::Independent;
    assert_eq!(
        simulate_euler_maruyama(&problem, &p, 0, 0..1, &mut quiet())
            .unwrap_err()
            .field,
        "coupling"
    );
}

/// Checkpoints split the steps into more segments, which changes no bit of a run; the
/// probe at each checkpoint is uᵀx there, read off the trajectory at the same steps, and
/// the last checkpoint is uᵀx_K of the kept final iterate.
#[test]
fn checkpoints_record_the_probe_without_changing_the_runs() {
    use crate::model::simulation::{checkpoint_steps, probe_value, Checkpoints};
    let problem = Problem::synthetic(30, 6, 4).unwrap();
    let spectrum = Spectrum::new(&problem).unwrap();
    let p = params(0.2, 0.1, 60, 2);
    let probe = vec![0.1, -0.4, 0.2, 0.7, 0.0, 0.5];
    let steps = checkpoint_steps(60, 12);
    let plain = Record {
        trajectory_run: Some(2),
        loss_runs: 0,
        points: 60,
        ..Record::default()
    };
    let with = Record {
        checkpoints: Some(Checkpoints {
            steps: steps.clone(),
            probe: probe.clone(),
        }),
        ..plain.clone()
    };
    let a = simulate(&spectrum, &p, 9, 0..3, &plain, &mut quiet()).unwrap();
    let b = simulate(&spectrum, &p, 9, 0..3, &with, &mut quiet()).unwrap();
    assert_eq!(a.finals, b.finals);
    assert_eq!(a.trajectory, b.trajectory);
    assert_eq!(b.checkpoint_steps, steps);
    assert_eq!(b.checkpoint_values.len(), 3 * steps.len());
    // Run 2's trajectory holds x at every step (points = K): uᵀx there is the probe.
    let path = &b.trajectory.as_ref().unwrap().points;
    let run2 = &b.checkpoint_values[2 * steps.len()..];
    for (&t, &value) in steps.iter().zip(run2) {
        let x = &path[t * 6..(t + 1) * 6];
        // Kept in single precision: within 1e-7 relative (and 1e-12 for the two orders
        // of summation).
        let expected = probe_value(&probe, x);
        let value = f64::from(value);
        assert!(
            (value - expected).abs() < 1e-7 * expected.abs() + 1e-12,
            "t = {t}: {value} vs {expected}"
        );
    }
    let last = probe_value(&probe, b.final_iterate(2));
    assert!((f64::from(run2[steps.len() - 1]) - last).abs() < 1e-7 * last.abs() + 1e-12);
    // A probe of another length, or steps past K, are refused naming the field.
    let mut bad = with.clone();
    bad.checkpoints.as_mut().unwrap().probe.pop();
    let err = simulate(&spectrum, &p, 9, 0..1, &bad, &mut quiet()).unwrap_err();
    assert_eq!(err.field, "checkpoints");
    let mut bad = with;
    bad.checkpoints.as_mut().unwrap().steps = vec![10, 61];
    let err = simulate(&spectrum, &p, 9, 0..1, &bad, &mut quiet()).unwrap_err();
    assert_eq!(err.field, "checkpoints");
}
