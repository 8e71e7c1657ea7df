use super::*;
use crate::model::simulation::testing::{mean_and_se, quiet};
use crate::model::simulation::CANCELLED;
use nalgebra::{DMatrix, DVector};

fn params(gamma: f64, batch: usize, delta: f64, steps: usize) -> SgdParams {
    SgdParams {
        gamma,
        batch,
        delta,
        steps,
        replacement: false,
    }
}

#[test]
fn one_dimensional_unit_data_follow_the_closed_form() {
    // n = d = 1, a = 1: every step is x ← x − γ(x − b) − γδx, deterministic, so
    // x_k = x* + (1 − γ(1 + δ))^k (x₀ − x*), x* = b/(1 + δ). Relative tolerance 1e-12
    // (rounding of the recursion against powi).
    let problem = Problem {
        a: DMatrix::from_element(1, 1, 1.0),
        b: DVector::from_element(1, 2.5),
        name: "unit".into(),
    };
    let (gamma, delta, steps) = (0.3, 0.2, 40);
    let record = Record {
        trajectory_run: Some(1),
        loss_runs: 0,
        points: 40,
        ..Record::default()
    };
    let sim = simulate(
        &problem,
        &params(gamma, 1, delta, steps),
        9,
        0..3,
        &record,
        &mut quiet(),
    )
    .unwrap();
    let path = &sim.trajectory.as_ref().unwrap().points;
    assert_eq!(path.len(), steps + 1);
    let x_star = 2.5 / (1.0 + delta);
    let x0 = path[0];
    // x₀ is 0.5 times the first normal of run 1's stream.
    let mut stream = rng::stream(9, 1);
    assert_eq!(x0, 0.5 * rng::standard_normal(&mut stream));
    for (k, &x) in path.iter().enumerate() {
        let exact = x_star + (1.0 - gamma * (1.0 + delta)).powi(k as i32) * (x0 - x_star);
        assert!(
            (x - exact).abs() <= 1e-12 * (1.0 + exact.abs()),
            "{k}: {x} vs {exact}"
        );
    }
    assert_eq!(sim.final_iterate(1)[0], path[steps]);
}

/// Monte Carlo mean of x_K against gradient descent on the mean:
/// E x_{k+1} = (I − γ(H + δI)) E x_k + γAᵀb/n, E x₀ = 0 (exact for every batch scheme,
/// since E[(1/B)Σ_{i∈Ω} a_i a_iᵀ] = H with or without replacement).
fn check_mean_against_gradient_descent(replacement: bool, batch: usize, delta: f64) {
    let problem = Problem::synthetic(40, 6, 3).unwrap();
    let (n, d) = (problem.n(), problem.d());
    let mut p = params(0.05, batch, delta, 60);
    p.replacement = replacement;
    let runs = 3000;
    let sim = simulate(
        &problem,
        &p,
        5,
        0..runs,
        &Record::finals_only(),
        &mut quiet(),
    )
    .unwrap();
    assert_eq!(sim.finished.len(), runs);
    let h = problem.a.transpose() * &problem.a / n as f64;
    let drift = problem.a.transpose() * &problem.b * (p.gamma / n as f64);
    let step = DMatrix::identity(d, d) - (&h + DMatrix::identity(d, d) * delta) * p.gamma;
    let mut mean = DVector::zeros(d);
    for _ in 0..p.steps {
        mean = &step * mean + &drift;
    }
    for j in 0..d {
        let values: Vec<f64> = (0..runs).map(|k| sim.final_iterate(k)[j]).collect();
        let (m, se) = mean_and_se(&values);
        // 4.5 standard errors (six coordinates, deterministic seed).
        assert!(
            (m - mean[j]).abs() < 4.5 * se,
            "coordinate {j}: MC mean {m} vs GD {} (se {se})",
            mean[j]
        );
        // The runs do spread: SGD is not accidentally deterministic.
        assert!(se > 1e-4, "se {se}");
    }
}

#[test]
fn mean_iterate_follows_gradient_descent_without_replacement() {
    check_mean_against_gradient_descent(false, 4, 0.0);
}

#[test]
fn mean_iterate_follows_gradient_descent_with_replacement_and_ridge() {
    check_mean_against_gradient_descent(true, 3, 0.5);
}

#[test]
fn mean_iterate_follows_gradient_descent_batch_one() {
    check_mean_against_gradient_descent(false, 1, 0.1);
}

#[test]
fn fused_kernel_matches_plain_arithmetic() {
    // The fused B = 1 loop against a naive step-by-step implementation drawing the same
    // indices: equal to rounding (1e-12), and bit-identical whatever the recording
    // segments are.
    let problem = Problem::synthetic(50, 13, 2).unwrap();
    let p = params(0.04, 1, 0.3, 500);
    let sgd = Sgd::new(&problem, &p).unwrap();
    let plain = sgd
        .simulate(4, 2..3, &Record::finals_only(), &mut quiet())
        .unwrap();
    let recorded = sgd
        .simulate(
            4,
            2..3,
            &Record {
                trajectory_run: Some(2),
                loss_runs: 3,
                points: 7,
                ..Record::default()
            },
            &mut quiet(),
        )
        .unwrap();
    assert_eq!(plain.finals, recorded.finals);
    let mut stream = rng::stream(4, 2);
    let mut x = vec![0.0; 13];
    initial_point(&mut stream, &mut x);
    for _ in 0..p.steps {
        let i = rng::index(&mut stream, 50);
        let a = problem.a.row(i);
        let r: f64 = a.iter().zip(&x).map(|(a, x)| a * x).sum::<f64>() - problem.b[i];
        for (j, x) in x.iter_mut().enumerate() {
            *x -= p.gamma * (r * a[j] + p.delta * *x);
        }
    }
    for (a, b) in plain.finals.iter().zip(&x) {
        assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
    }
}

#[test]
fn chunks_give_identical_results_and_merge() {
    let problem = Problem::synthetic(30, 5, 1).unwrap();
    let p = params(0.1, 2, 0.0, 300);
    let sgd = Sgd::new(&problem, &p).unwrap();
    let record = Record {
        trajectory_run: Some(4),
        loss_runs: 3,
        points: 20,
        ..Record::default()
    };
    let whole = sgd.simulate(7, 0..9, &record, &mut quiet()).unwrap();
    let mut parts = sgd.simulate(7, 0..2, &record, &mut quiet()).unwrap();
    for range in [2..5, 5..9] {
        parts
            .merge(sgd.simulate(7, range, &record, &mut quiet()).unwrap())
            .unwrap();
    }
    assert_eq!(whole, parts);
    assert_eq!(whole.losses.len(), 3);
    assert_eq!(whole.trajectory.as_ref().unwrap().points.len(), 21 * 5);
    assert!(parts
        .merge(sgd.simulate(7, 3..4, &record, &mut quiet()).unwrap())
        .is_err());
}

#[test]
fn gram_form_is_the_row_by_row_sum_and_exactly_symmetric() {
    // G = AᵀA/n and c = Aᵀb/n summed over the rows in order, every entry of G on its
    // own: the triangle-and-mirror build gives the same bits.
    let problem = Problem::synthetic(37, 9, 4).unwrap();
    let sgd = Sgd::new(&problem, &params(0.05, 1, 0.0, 10)).unwrap();
    let (n, d) = (37, 9);
    let gram = sgd.gram();
    for j in 0..d {
        let mut cj = 0.0;
        for i in 0..n {
            cj += problem.a[(i, j)] * problem.b[i];
        }
        assert_eq!(gram.c[j].to_bits(), (cj * (1.0 / n as f64)).to_bits());
        for k in 0..d {
            let mut gjk = 0.0;
            for i in 0..n {
                gjk += problem.a[(i, j)] * problem.a[(i, k)];
            }
            let expected = gjk * (1.0 / n as f64);
            assert_eq!(
                gram.g[j * d + k].to_bits(),
                expected.to_bits(),
                "G[{j}][{k}]"
            );
        }
    }
    let constant = problem.b.iter().map(|v| v * v).sum::<f64>() * 0.5 / n as f64;
    assert!((gram.constant - constant).abs() <= 1e-15 * constant);
}

#[test]
fn loss_curve_matches_direct_evaluation_and_decreases() {
    let problem = Problem::synthetic(60, 4, 8).unwrap();
    let p = params(0.05, 1, 0.01, 400);
    let sgd = Sgd::new(&problem, &p).unwrap();
    let record = Record {
        trajectory_run: Some(0),
        loss_runs: 1,
        points: 10,
        ..Record::default()
    };
    let sim = sgd.simulate(3, 0..1, &record, &mut quiet()).unwrap();
    let path = &sim.trajectory.as_ref().unwrap().points;
    for (k, x) in path.chunks_exact(4).enumerate() {
        let x = DVector::from_column_slice(x);
        let direct = (&problem.a * &x - &problem.b).norm_squared() / (2.0 * 60.0)
            + 0.5 * p.delta * x.norm_squared();
        let gram = sim.losses[0].values[k];
        assert!((gram - direct).abs() < 1e-10 * direct, "{gram} vs {direct}");
    }
    // No loss lies below the ridge minimum f(x_δ), (AᵀA/n + δI)x_δ = Aᵀb/n.
    let h = problem.a.transpose() * &problem.a / 60.0 + DMatrix::identity(4, 4) * p.delta;
    let x_ridge = h
        .lu()
        .solve(&(problem.a.transpose() * &problem.b / 60.0))
        .unwrap();
    let f_min = (&problem.a * &x_ridge - &problem.b).norm_squared() / 120.0
        + 0.5 * p.delta * x_ridge.norm_squared();
    let curve = sim.mean_loss();
    assert_eq!(curve.len(), sim.times.len());
    assert!(
        curve.iter().all(|&f| f >= f_min * (1.0 - 1e-12)),
        "{curve:?} vs {f_min}"
    );
    assert!(curve.last().unwrap() < &curve[0], "{curve:?}");
}

#[test]
fn divergence_is_detected_and_reported_without_nan() {
    // γ far above 2/λ_max(H): every run blows up.
    let problem = Problem::synthetic(30, 5, 1).unwrap();
    let p = params(50.0, 1, 0.0, 2000);
    let record = Record {
        trajectory_run: Some(0),
        loss_runs: 2,
        points: 50,
        ..Record::default()
    };
    let sim = simulate(&problem, &p, 1, 0..5, &record, &mut quiet()).unwrap();
    assert_eq!(sim.diverged, vec![0, 1, 2, 3, 4]);
    assert!(sim.finals.is_empty());
    let path = &sim.trajectory.as_ref().unwrap().points;
    assert!(path.len() < 51 * 5 && path.iter().all(|v| v.is_finite()));
    assert!(sim.mean_loss().iter().all(|v| v.is_finite()));
    assert_eq!(run(&problem, &p, 1, 0), None);
}

#[test]
fn progress_counts_steps_and_can_cancel() {
    let problem = Problem::synthetic(100, 64, 1).unwrap();
    let p = params(0.01, 1, 0.0, 20_000);
    let mut calls = Vec::new();
    let sim = simulate(
        &problem,
        &p,
        1,
        0..4,
        &Record::finals_only(),
        &mut |done, total| {
            calls.push((done, total));
            true
        },
    )
    .unwrap();
    assert_eq!(sim.finished.len(), 4);
    // 4 runs × 20k steps × 128 operations ≈ 10M: two intermediate reports and the end.
    assert!(calls.len() >= 3, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(*calls.last().unwrap(), (80_000, 80_000));
    let mut seen = 0;
    let cancelled = simulate(
        &problem,
        &p,
        1,
        0..4,
        &Record::finals_only(),
        &mut |_, _| {
            seen += 1;
            false
        },
    );
    assert_eq!(cancelled.unwrap_err().field, CANCELLED);
    assert_eq!(seen, 1);
}

#[test]
fn bad_parameters_are_errors() {
    let problem = Problem::synthetic(10, 3, 1).unwrap();
    let cases = [
        (params(0.0, 1, 0.0, 5), "gamma"),
        (params(f64::NAN, 1, 0.0, 5), "gamma"),
        (params(0.1, 0, 0.0, 5), "batch"),
        (params(0.1, 11, 0.0, 5), "batch"),
        (params(0.1, 1, -1.0, 5), "delta"),
    ];
    for (p, field) in cases {
        assert_eq!(Sgd::new(&problem, &p).unwrap_err().field, field);
    }
    let mut bad = problem.clone();
    bad.b[0] = f64::INFINITY;
    assert_eq!(
        Sgd::new(&bad, &params(0.1, 1, 0.0, 5)).unwrap_err().field,
        "data"
    );
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = 3..2;
    let sgd = Sgd::new(&problem, &params(0.1, 1, 0.0, 5)).unwrap();
    assert!(sgd
        .simulate(0, reversed, &Record::default(), &mut quiet())
        .is_err());
}

/// The kernel reads the probe between two steps, inside a segment. Against the probe of
/// the trajectory kept at every step (where every step ends a segment): the same bits, and
/// the runs unchanged by recording, for B = 1 with and without ridge and for B > 1 with and
/// without replacement.
#[test]
fn checkpoints_inside_a_segment_are_the_probe_of_the_iterate_at_that_step() {
    use crate::model::simulation::{checkpoint_steps, probe_value, single, Checkpoints};
    let problem = Problem::synthetic(40, 6, 5).unwrap();
    let probe = vec![0.3, -0.2, 0.0, 0.9, 0.1, -0.5];
    let steps = 700;
    let checkpoints = checkpoint_steps(steps, 30);
    // Several checkpoints fall inside one divergence-check segment, and several segments
    // hold some.
    assert!(checkpoints.iter().filter(|&&t| t < CHECK_STEPS).count() > 20);
    assert!(checkpoints
        .iter()
        .any(|&t| t > CHECK_STEPS && t % CHECK_STEPS != 0));
    for (batch, delta, replacement) in [
        (1, 0.0, false),
        (1, 0.2, false),
        (3, 0.1, false),
        (3, 0.0, true),
    ] {
        let mut p = params(0.05, batch, delta, steps);
        p.replacement = replacement;
        let sgd = Sgd::new(&problem, &p).unwrap();
        let plain = sgd
            .simulate(11, 0..3, &Record::finals_only(), &mut quiet())
            .unwrap();
        let with = Record {
            checkpoints: Some(Checkpoints {
                steps: checkpoints.clone(),
                probe: probe.clone(),
            }),
            ..Record::finals_only()
        };
        let recorded = sgd.simulate(11, 0..3, &with, &mut quiet()).unwrap();
        assert_eq!(plain.finals, recorded.finals);
        assert_eq!(recorded.checkpoint_values.len(), 3 * checkpoints.len());
        let every_step = Record {
            trajectory_run: Some(1),
            points: steps,
            ..with.clone()
        };
        let traced = sgd.simulate(11, 0..3, &every_step, &mut quiet()).unwrap();
        assert_eq!(traced.checkpoint_values, recorded.checkpoint_values);
        let path = &traced.trajectory.as_ref().unwrap().points;
        let run1 = &recorded.checkpoint_values[checkpoints.len()..2 * checkpoints.len()];
        for (&t, &value) in checkpoints.iter().zip(run1) {
            let expected = single(probe_value(&probe, &path[t * 6..(t + 1) * 6]));
            assert_eq!(value, expected, "B = {batch}, δ = {delta}, step {t}");
        }
    }
}
