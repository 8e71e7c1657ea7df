use super::*;
use crate::report::config::Basis;
use crate::report::runs::{simulate_part, split_runs, split_runs_in_rounds, Silent};
use crate::report::verdict::*;

#[test]
fn default_config_runs_end_to_end_and_is_deterministic() {
    let mut config = Config::default();
    config.runs = 40;
    config.steps = 200;
    let a = run(&config, None, &mut Silent).unwrap();
    let b = run(&config, None, &mut Silent).unwrap();
    assert_eq!(a, b);
    let sgd = a.sgd.unwrap();
    assert_eq!(sgd.runs + sgd.diverged, 40);
    assert!(sgd.centred.iter().all(|v| v.is_finite()));
    assert_eq!(a.singular_values.len(), config.d);
}

/// Runs split into parts (as several workers do), merged in order and analysed give
/// exactly the report of one run of all of them.
#[test]
fn parts_merged_in_order_equal_one_run() {
    let config = Config {
        n: 100,
        d: 8,
        runs: 50,
        steps: 100,
        substeps: 2,
        method: Method::Both,
        ..Config::default()
    };
    let mut whole = run(&config, None, &mut Silent).unwrap();
    let mut whole_without_fits = run_without_fits(&config, None, &mut Silent).unwrap();
    // The simulation timings are the caller's to add, the fit timings differ.
    whole_without_fits
        .timings_ms
        .retain(|stage, _| !stage.ends_with(" simulation"));
    whole
        .timings_ms
        .retain(|stage, _| !stage.ends_with(" simulation"));
    let prepared = prepare(&config, None).unwrap();
    let parts = split_runs(config.runs, 3);
    assert_eq!(parts, vec![0..16, 16..33, 33..50]);
    let simulations: Vec<Simulation> = Dynamics::ALL
        .into_iter()
        .map(|method| {
            let mut chunks = parts
                .iter()
                .map(|r| simulate_part(&config, &prepared, method, r.clone(), &mut Silent));
            let mut merged = chunks.next().unwrap().unwrap();
            for chunk in chunks {
                merged.merge(chunk.unwrap()).unwrap();
            }
            merged
        })
        .collect();
    let mut split = report_from_simulations(&config, None, simulations, &mut Silent).unwrap();
    assert_eq!(split, whole_without_fits);
    // The fits, computed after (as the page's worker does), complete it to `run`'s.
    for method in Dynamics::ALL {
        let stage = fit_stage(&split, method, &Silent).unwrap();
        merge_fits(&mut split, stage);
    }
    // Then α_SGD and the verdict against it, as the page's worker adds them.
    let stage = index_stage(&config, &prepared, &mut Silent)
        .unwrap()
        .unwrap();
    merge_index(&mut split, stage);
    assert!(split.sgd.as_ref().unwrap().index_verdict.is_some());
    for r in [&mut split, &mut whole] {
        r.timings_ms
            .retain(|stage, _| !stage.ends_with(" fits") && stage != "sgd index");
    }
    assert_eq!(split, whole);
    assert_eq!(split_runs(2, 4), vec![0..1, 1..2]);
    assert_eq!(
        split_runs_in_rounds(1000, 2),
        vec![0..250, 250..500, 500..650, 650..800, 800..900, 900..1000]
    );
    // Every run once, in order, however few runs there are.
    for (runs, workers) in [(0, 2), (1, 2), (2, 2), (5, 4), (7, 3), (1001, 4)] {
        let parts = split_runs_in_rounds(runs, workers);
        assert!(parts.len() <= 3 * workers);
        let flat: Vec<usize> = parts.into_iter().flatten().collect();
        assert_eq!(
            flat,
            (0..runs).collect::<Vec<_>>(),
            "{runs} runs, {workers} workers"
        );
    }
}

#[test]
fn fits_merged_later_give_the_same_report() {
    // Only times may differ. (One method: each stable fit costs ~1 s in the dev
    // profile; the hSGD path is the same code.)
    let mut config = Config::default();
    config.runs = 60;
    config.steps = 100;
    let mut full = run(&config, None, &mut Silent).unwrap();
    let mut staged = run_without_fits(&config, None, &mut Silent).unwrap();
    assert!(staged.sgd.as_ref().unwrap().fits.is_none());
    assert!(fit_stage(&staged, Dynamics::Hsgd, &Silent).is_none());
    let stage = fit_stage(&staged, Dynamics::Sgd, &Silent).unwrap();
    assert!(stage.fits.is_some() && stage.ms >= 0.0);
    // The QQ points the page draws: the sample against its Student t and stable fits.
    let fits = stage.fits.as_ref().unwrap();
    let sample = &staged.sgd.as_ref().unwrap().centred;
    let laws: Vec<FittedLaw> = stage.qq.iter().map(|(law, _)| *law).collect();
    assert_eq!(laws, [fits.student_t.law, fits.stable.law]);
    for (law, points) in &stage.qq {
        let direct = qq_points(sample, law.law().unwrap().as_ref(), QQ_PLOT_POINTS);
        assert_eq!(points, &direct);
        assert_eq!(points.len(), sample.len().min(QQ_PLOT_POINTS));
    }
    merge_fits(&mut staged, stage);
    let prepared = prepare(&config, None).unwrap();
    let stage = index_stage(&config, &prepared, &mut Silent)
        .unwrap()
        .unwrap();
    merge_index(&mut staged, stage);
    let keys = |r: &Report| r.timings_ms.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&full), keys(&staged));
    full.timings_ms.clear();
    staged.timings_ms.clear();
    assert_eq!(full, staged);
}

#[test]
fn verdict_claims_only_what_the_bounds_prove() {
    let config = Config::default();
    let mut bounds = prepare(&config, None).unwrap().bounds.summary();
    bounds.lower = 2.0;
    bounds.upper = 3.0;
    bounds.lower_valid = true;
    assert_eq!(Verdict::of(3.5, &bounds), Verdict::AboveUpper);
    assert_eq!(Verdict::of(2.5, &bounds), Verdict::Inside);
    assert_eq!(Verdict::of(1.5, &bounds), Verdict::BelowLower);
    bounds.lower_valid = false;
    assert_eq!(Verdict::of(3.5, &bounds), Verdict::AboveUpper);
    assert_eq!(Verdict::of(2.5, &bounds), Verdict::BelowUpper);
    assert_eq!(Verdict::of(1.5, &bounds), Verdict::BelowUpper);
    assert!(Verdict::BelowUpper
        .sentence(Dynamics::Sgd, 1.5, &bounds)
        .contains("proven only for γ < γ̄"));
}

fn measured(lo: f64, hi: f64) -> Measured {
    Measured {
        alpha: 0.5 * (lo + hi),
        interval: (lo, hi),
        power_law_tail: true,
        runs: 100,
    }
}

#[test]
fn interval_verdicts_against_the_bounds_cover_every_branch() {
    let mut bounds = prepare(&Config::default(), None).unwrap().bounds.summary();
    (bounds.lower, bounds.upper, bounds.lower_valid) = (2.0, 3.0, true);
    let of = |m: Measured, b: &Bounds| Verdict::of_interval(&m, b);
    assert_eq!(of(measured(3.1, 3.5), &bounds), (Verdict::AboveUpper, None));
    assert_eq!(of(measured(1.2, 1.9), &bounds), (Verdict::BelowLower, None));
    assert_eq!(of(measured(2.1, 2.9), &bounds), (Verdict::Inside, None));
    // [2.5, 3.5] straddles η* = 3 at distance 0 from its centre: capped.
    assert_eq!(
        of(measured(2.5, 3.5), &bounds),
        (Verdict::Inconclusive, Some(RUNS_NEEDED_CAP))
    );
    // [2.5, 3.25]: centre 2.875, half-width 0.375, η* at 0.125: 100·3² = 900 runs.
    assert_eq!(
        of(measured(2.5, 3.25), &bounds),
        (Verdict::Inconclusive, Some(900))
    );
    // [1.25, 2.25] straddles η_* = 2: centre 1.75, 100·(0.5/0.25)² = 400 runs.
    assert_eq!(
        of(measured(1.25, 2.25), &bounds),
        (Verdict::Inconclusive, Some(400))
    );
    // A wide interval over both bounds: the boundary nearest the centre decides,
    // centre 2.25, half-width 1.25, η_* at 0.25: 100·5² = 2500 runs.
    assert_eq!(
        of(measured(1.0, 3.5), &bounds),
        (Verdict::Inconclusive, Some(2500))
    );
    let mut no_tail = measured(3.1, 3.5);
    no_tail.power_law_tail = false;
    assert_eq!(of(no_tail, &bounds), (Verdict::NoPowerLawTail, None));
    // γ ≥ γ̄: η_* is no boundary; only below η* or above it.
    bounds.lower_valid = false;
    assert_eq!(of(measured(3.1, 3.5), &bounds), (Verdict::AboveUpper, None));
    assert_eq!(of(measured(1.2, 1.9), &bounds), (Verdict::BelowUpper, None));
    assert_eq!(of(measured(1.5, 2.9), &bounds), (Verdict::BelowUpper, None));
    assert_eq!(
        of(measured(2.5, 3.25), &bounds),
        (Verdict::Inconclusive, Some(900))
    );
    assert_eq!(of(no_tail, &bounds), (Verdict::NoPowerLawTail, None));
    // The sentences say what the verdict says.
    let m = measured(2.5, 3.25);
    let text = Verdict::Inconclusive.interval_sentence(Dynamics::Sgd, &m, Some(900), &bounds);
    assert!(text.contains("inconclusive at 100 runs"), "{text}");
    assert!(text.contains("about 900 runs would settle it"), "{text}");
    assert!(text.contains("[2.500, 3.250]"), "{text}");
    let text = Verdict::NoPowerLawTail.interval_sentence(Dynamics::Sgd, &no_tail, None, &bounds);
    assert!(text.contains("no power-law tail seen"), "{text}");
}

#[test]
fn interval_verdicts_against_alpha_sgd_cover_every_branch() {
    let of = |m: Measured, a: (f64, f64)| IndexVerdict::of_interval(&m, a);
    let two_sided = (3.0, 4.0);
    assert_eq!(
        of(measured(4.1, 5.0), two_sided),
        (IndexVerdict::Above, None)
    );
    assert_eq!(
        of(measured(2.0, 2.9), two_sided),
        (IndexVerdict::Below, None)
    );
    assert_eq!(
        of(measured(3.2, 3.8), two_sided),
        (IndexVerdict::Inside, None)
    );
    // [3.5, 4.5] straddles 4 at its centre: capped.
    assert_eq!(
        of(measured(3.5, 4.5), two_sided),
        (IndexVerdict::Inconclusive, Some(RUNS_NEEDED_CAP))
    );
    // [3.75, 4.75] straddles 4: centre 4.25, 100·(0.5/0.25)² = 400.
    assert_eq!(
        of(measured(3.75, 4.75), two_sided),
        (IndexVerdict::Inconclusive, Some(400))
    );
    let mut no_tail = measured(4.1, 5.0);
    no_tail.power_law_tail = false;
    assert_eq!(of(no_tail, two_sided), (IndexVerdict::NoPowerLawTail, None));
    // Only a lower bound α_SGD > 10: "below" is decidable, "above" is not.
    let lower_only = (10.0, f64::INFINITY);
    assert_eq!(
        of(measured(4.0, 9.0), lower_only),
        (IndexVerdict::Below, None)
    );
    assert_eq!(
        of(measured(11.0, 14.0), lower_only),
        (IndexVerdict::Inconclusive, None)
    );
    // Straddling 10 with the centre below it: more runs could make it "below".
    assert_eq!(
        of(measured(8.0, 11.0), lower_only),
        (IndexVerdict::Inconclusive, Some(900))
    );
    // Straddling with the centre above: no number of runs decides.
    assert_eq!(
        of(measured(9.5, 12.5), lower_only),
        (IndexVerdict::Inconclusive, None)
    );
    // Only an upper bound α_SGD < 1: "above" is decidable.
    let upper_only = (0.0, 1.0);
    assert_eq!(
        of(measured(1.5, 2.0), upper_only),
        (IndexVerdict::Above, None)
    );
    assert_eq!(
        of(measured(0.2, 0.8), upper_only),
        (IndexVerdict::Inconclusive, None)
    );
}

#[test]
fn runs_needed_follows_the_square_root_law_and_is_capped() {
    // Half-width 1, distance 0.5: four times the runs halve the width.
    assert_eq!(runs_needed((2.0, 4.0), &[3.5], 100), Some(400));
    assert_eq!(runs_needed((2.0, 4.0), &[4.5], 100), None);
    assert_eq!(runs_needed((2.0, 4.0), &[3.0], 100), Some(RUNS_NEEDED_CAP));
    assert_eq!(runs_needed_text(400), "about 400 runs");
    assert_eq!(runs_needed_text(1234), "about 1,300 runs");
    assert_eq!(runs_needed_text(7), "about 7 runs");
    assert_eq!(
        runs_needed_text(RUNS_NEEDED_CAP),
        "more than 1,000,000 runs"
    );
}

#[test]
fn index_interval_reads_alpha_sgd() {
    let config = Config {
        n: 60,
        d: 4,
        ..Config::default()
    };
    let prepared = prepare(&config, None).unwrap();
    let mut index = sgd_index(&config, &prepared, &mut Silent).unwrap();
    index.alpha = Some(4.0);
    index.alpha_std_err = Some(0.1);
    let (a, b) = index_interval(&index).unwrap();
    assert!((a - (4.0 - Z_95 * 0.1)).abs() < 1e-12 && (b - (4.0 + Z_95 * 0.1)).abs() < 1e-12);
    index.alpha = None;
    index.alpha_lower_bound = Some(16.0);
    assert_eq!(index_interval(&index), Some((16.0, f64::INFINITY)));
    index.alpha_lower_bound = None;
    index.alpha_upper_bound = Some(0.5);
    assert_eq!(index_interval(&index), Some((0.0, 0.5)));
    index.alpha_upper_bound = None;
    assert_eq!(index_interval(&index), None);
}

/// With several iterates per run, parts merged in order still equal one run, and the
/// estimators see all R·S values.
#[test]
fn parts_with_several_samples_per_run_equal_one_run() {
    let mut config = Config::default();
    config.n = 100;
    config.d = 8;
    config.runs = 40;
    config.steps = 120;
    config.substeps = 2;
    config.samples_per_run = 5;
    config.burn_in = 20;
    config.method = Method::Both;
    let mut whole = run_without_fits(&config, None, &mut Silent).unwrap();
    whole
        .timings_ms
        .retain(|stage, _| !stage.ends_with(" simulation"));
    for sim in [whole.sgd.as_ref().unwrap(), whole.hsgd.as_ref().unwrap()] {
        assert_eq!(sim.runs, 40);
        assert_eq!(sim.samples_per_run, 5);
        assert_eq!(sim.centred.len(), 200);
        assert_eq!(sim.estimates.as_ref().unwrap().n, 200);
        assert_eq!(sim.bootstrap.as_ref().unwrap().runs, 40);
    }
    let prepared = prepare(&config, None).unwrap();
    let simulations: Vec<Simulation> = Dynamics::ALL
        .into_iter()
        .map(|method| {
            let mut parts = split_runs(config.runs, 3)
                .into_iter()
                .map(|r| simulate_part(&config, &prepared, method, r, &mut Silent).unwrap());
            let mut merged = parts.next().unwrap();
            for part in parts {
                merged.merge(part).unwrap();
            }
            merged
        })
        .collect();
    let split = report_from_simulations(&config, None, simulations, &mut Silent).unwrap();
    assert_eq!(split, whole);
}

#[test]
fn batch_larger_than_n_is_an_error() {
    let mut config = Config::default();
    config.n = 10;
    config.d = 3;
    config.batch = 11;
    assert_eq!(run(&config, None, &mut Silent).unwrap_err().field, "batch");
}

/// The theory's stationary variance (closed form in the Pearson coefficients) equals
/// ∫ y² p(y) dy of the theory law's density by quadrature (y = s·tan u maps ℝ onto
/// (−π/2, π/2)); the law is centred, so that is its variance.
#[test]
fn theory_variance_is_the_second_moment_of_the_theory_density() {
    use crate::stats::quadrature::integrate;
    let config = Config {
        gamma: 0.3,
        ..Config::default()
    };
    let prepared = prepare(&config, None).unwrap();
    let law = theory_law(&config, &prepared).unwrap().law().unwrap();
    let variance = theory_variance(&config, &prepared).unwrap();
    let s = variance.sqrt();
    let half = std::f64::consts::FRAC_PI_2;
    let moment = |p: i32| {
        integrate(
            |u: f64| {
                let y = s * libm::tan(u);
                let jacobian = s / libm::cos(u).powi(2);
                y.powi(p) * law.pdf(y) * jacobian
            },
            -half,
            half,
            1e-12,
        )
    };
    assert!((moment(0) - 1.0).abs() < 1e-8, "mass {}", moment(0));
    assert!(moment(1).abs() < 1e-8 * s, "mean {}", moment(1));
    let quadrature = moment(2);
    assert!(
        (quadrature - variance).abs() < 1e-7 * variance,
        "closed form {variance}, quadrature {quadrature}"
    );
}

/// The report carries Theorem 3.1's measurement (the same numbers as measuring it on the
/// report's own simulation) and K·θ of the inspected coordinate.
#[test]
fn the_report_carries_the_convex_order_measurement() {
    use crate::report::config::{DataKind, SpectrumShape};
    use crate::report::runs::{inspected_coordinate, simulate};
    let mut config = Config {
        data: DataKind::Spectrum,
        shape: SpectrumShape::Condition,
        condition: 1.0,
        n: 200,
        d: 4,
        method: Method::Hsgd,
        runs: 300,
        steps: 200,
        substeps: 10,
        ..Config::default()
    };
    config.gamma = 0.5 * prepare(&config, None).unwrap().bounds.summary().gamma_2;
    let prepared = prepare(&config, None).unwrap();
    let simulation = simulate(&config, &prepared, Dynamics::Hsgd, 0, 1, &mut Silent).unwrap();
    let values = inspected_coordinate(&config, &prepared, &simulation);
    let order = crate::report::convex_order::convex_order(&config, &prepared, &simulation, &values)
        .unwrap();
    let report = run_without_fits(&config, None, &mut Silent).unwrap();
    assert_eq!(report.convex_order.as_ref(), Some(&order));
    assert!(report.convex_order_note.is_none());
    let pearson = report.pearson.unwrap();
    assert_eq!(pearson.k_theta, config.steps as f64 * pearson.theta);
}

#[test]
fn without_svd_or_hsgd_there_is_a_note_or_nothing() {
    let config = Config {
        n: 100,
        d: 5,
        runs: 20,
        steps: 50,
        substeps: 2,
        method: Method::Both,
        basis: Basis::Original,
        ..Config::default()
    };
    let report = run_without_fits(&config, None, &mut Silent).unwrap();
    assert!(report.convex_order.is_none() && report.pearson.is_none());
    assert!(report.convex_order_note.unwrap().contains("SVD basis"));
    let sgd_only = Config {
        method: Method::Sgd,
        basis: Basis::Svd,
        ..config
    };
    let report = run_without_fits(&sgd_only, None, &mut Silent).unwrap();
    assert!(report.convex_order.is_none() && report.convex_order_note.is_none());
    let pearson = report.pearson.unwrap();
    assert!(pearson.explanation.contains(&format!(
        "K·θ = {}",
        crate::report::convex_order::sig4(pearson.k_theta)
    )));
}
