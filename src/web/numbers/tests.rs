//! The numbers panel's rows against the report they come from.

use super::*;
use crate::report::config::Method;
// Also reached by this path from other layers' tests (`crate::plots`).
pub(crate) use crate::web::test_support::{sgd_index, small_report};

fn row<'a>(rows: &'a [Number], key: &str) -> &'a Number {
    rows.iter()
        .find(|n| n.key == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn rows_carry_the_reports_values() {
    let report = small_report(Method::Both);
    let rows = numbers(&report, 12.5);
    let value = |key: &str| row(&rows, key).value.unwrap();
    assert_eq!(value("n"), 60.0);
    assert_eq!(value("d"), 8.0);
    assert_eq!(value("rank"), report.rank as f64);
    assert_eq!(value("lambda1"), report.singular_values[0]);
    assert_eq!(value("sum_sq"), report.bounds.sum_sq);
    assert_eq!(value("stable_rank"), report.stable_rank);
    assert_eq!(value("upper"), report.bounds.upper);
    assert_eq!(value("lower"), report.bounds.lower);
    assert_eq!(value("gamma_critical"), report.bounds.gamma_critical);
    assert_eq!(value("gamma_2"), report.bounds.gamma_2);
    assert_eq!(
        value("nu_coordinate"),
        report.bounds.upper_per_coordinate[0]
    );
    assert_eq!(value("wall_ms"), 12.5);
    let hill = |sim: &Option<SimReport>| {
        sim.as_ref()
            .unwrap()
            .estimates
            .as_ref()
            .unwrap()
            .hill
            .alpha
            .unwrap()
    };
    assert_eq!(value("sgd_measured"), hill(&report.sgd));
    assert_eq!(value("hsgd_measured"), hill(&report.hsgd));
    for (method, sim) in report.sims() {
        assert_eq!(value(&format!("{method}_runs")), sim.runs as f64);
        assert_eq!(value(&format!("{method}_diverged")), sim.diverged as f64);
        assert_eq!(value(&format!("{method}_mean")), sim.mean);
        let e = sim.estimates.as_ref().unwrap();
        let hill = row(&rows, &format!("{method}_hill"));
        assert_eq!(hill.value, e.hill.alpha);
        assert!(hill.details.contains(&("k", e.hill.k.unwrap() as f64)));
        assert!(hill.details.contains(&("se", e.hill.std_err.unwrap())));
        assert!(hill.text.contains(&format!("k = {}", e.hill.k.unwrap())));
        assert_eq!(
            row(&rows, &format!("{method}_verdict")).text,
            *sim.verdict_text.as_ref().unwrap()
        );
    }
    for (stage, ms) in &report.timings_ms {
        assert_eq!(value(&time_key(stage)), *ms);
    }
    // Every numeric row is finite and every key unique.
    assert!(rows.iter().filter_map(|n| n.value).all(f64::is_finite));
    let mut keys: Vec<&str> = rows.iter().map(|n| n.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), rows.len());
}

#[test]
fn a_measured_index_below_an_unproven_lower_bound_is_not_called_inside() {
    let mut report = small_report(Method::Sgd);
    let sim = report.sgd.as_mut().unwrap();
    let alpha = sim.estimates.as_ref().unwrap().hill.alpha.unwrap();
    report.bounds.lower = alpha + 1.0;
    report.bounds.upper = alpha + 2.0;
    report.bounds.lower_valid = false;
    sim.verdict = Some(Verdict::of(alpha, &report.bounds));
    assert_eq!(sim.verdict, Some(Verdict::BelowUpper));
    let rows = numbers(&report, 0.0);
    let measured = row(&rows, "sgd_measured");
    assert_eq!(measured.value, Some(alpha));
    assert!(measured.text.ends_with("below η* (η_* is not proven here)"));
    report.bounds.lower_valid = true;
    report.sgd.as_mut().unwrap().verdict = Some(Verdict::of(alpha, &report.bounds));
    assert!(row(&numbers(&report, 0.0), "sgd_measured")
        .text
        .ends_with(": below"));
}

#[test]
fn hsgd_rows_appear_only_when_hsgd_ran() {
    let sgd_only = numbers(&small_report(Method::Sgd), 1.0);
    assert!(sgd_only.iter().any(|n| n.key == "sgd_runs"));
    assert!(!sgd_only.iter().any(|n| n.key.starts_with("hsgd_")));
    let hsgd_only = numbers(&small_report(Method::Hsgd), 1.0);
    assert!(hsgd_only.iter().any(|n| n.key == "hsgd_runs"));
    assert!(!hsgd_only.iter().any(|n| n.key.starts_with("sgd_")));
    // The only text rows are the data's name, the verdicts, and α_SGD when it has
    // only a bound.
    for n in sgd_only.iter().filter(|n| n.value.is_none()) {
        assert!(
            n.key == "data"
                || n.key == "sgd_verdict"
                || n.key.starts_with("alpha_sgd")
                    && n.details.iter().any(|(name, _)| name.ends_with("_bound")),
            "text row {}",
            n.key
        );
    }
    assert!(!numbers(&small_report(Method::Hsgd), 1.0)
        .iter()
        .any(|n| n.key.contains("alpha_sgd") || n.key.contains("lambda_2")));
}

#[test]
fn every_estimate_is_a_row_or_an_absent_note() {
    let report = small_report(Method::Sgd);
    let e = report.sgd.as_ref().unwrap().estimates.as_ref().unwrap();
    let s = &sections(&report, 0.0)[2];
    let estimates = [
        ("sgd_hill", Some(&e.hill)),
        ("sgd_hill_right", e.hill_right.as_ref()),
        ("sgd_hill_left", e.hill_left.as_ref()),
        ("sgd_pickands", e.pickands.as_ref()),
        ("sgd_moment", e.moment.as_ref()),
        ("sgd_stable_index", e.stable_index.as_ref()),
    ];
    for (key, estimate) in estimates {
        let shown = s.rows.iter().find(|n| n.key == key);
        let absent = s.absent.iter().find(|a| a.key == key);
        match estimate {
            Some(TailEstimate {
                alpha: Some(alpha), ..
            }) => assert_eq!(shown.unwrap().value, Some(*alpha)),
            Some(est) => assert_eq!(absent.unwrap().xi, est.xi),
            None => assert!(shown.is_none() && absent.is_none()),
        }
    }
}

#[test]
fn a_missing_alpha_becomes_a_note_and_intervals_are_kept() {
    let e = TailEstimate {
        name: "pickands".into(),
        alpha: None,
        xi: -0.25,
        k: Some(10),
        std_err: None,
        ci: None,
    };
    let absent = estimate_row("sgd_pickands", "Pickands", &e).unwrap_err();
    assert_eq!(absent.xi, -0.25);
    assert!(absent.text.contains("-0.25"));
    let e = TailEstimate {
        alpha: Some(3.0),
        xi: 1.0 / 3.0,
        std_err: Some(0.5),
        ci: Some((2.25, 4.5)),
        ..e
    };
    let row = estimate_row("sgd_pickands", "Pickands", &e).unwrap();
    assert_eq!(row.text, "3 ± 0.5 [2.25, 4.5], k = 10");
    assert_eq!(
        row.details,
        vec![("se", 0.5), ("lo", 2.25), ("hi", 4.5), ("k", 10.0)]
    );
}

#[test]
fn the_best_aic_is_the_smallest_and_unique() {
    let report = small_report(Method::Both);
    for (method, sim) in report.sims() {
        let fits = sim.fits.as_ref().unwrap();
        let rows = fit_rows(method, fits);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows.iter().filter(|r| r.best).count(), 1);
        let best = rows.iter().find(|r| r.best).unwrap();
        assert!(rows.iter().all(|r| r.aic >= best.aic));
        assert_eq!(rows[1].aic, fits.student_t.gof.aic);
        assert_eq!(rows[1].ks_pvalue, fits.student_t.gof.ks_pvalue);
        assert_eq!(rows[2].tail_index, fits.skew_t.law.tail_index());
        assert_eq!(rows[0].tail_index, None);
        assert!(rows
            .iter()
            .all(|r| r.loglik.is_finite() && r.aic.is_finite() && r.ks.is_finite()));
    }
    // A tie goes to the first law; equal AICs are still one mark.
    let mut fits = report.sgd.as_ref().unwrap().fits.clone().unwrap();
    fits.gaussian.gof.aic = -1e9;
    fits.stable.gof.aic = -1e9;
    let rows = fit_rows(Dynamics::Sgd, &fits);
    assert!(rows[0].best && !rows[3].best);
}

#[test]
fn timing_keys() {
    assert_eq!(time_key("data + svd"), "time_data_svd");
    assert_eq!(time_key("sgd simulation"), "time_sgd_simulation");
}

#[test]
fn alpha_sgd_rows_beside_the_bounds() {
    let mut report = small_report(Method::Sgd);
    report.config.gamma = 0.05;
    report.sgd_index = Some(sgd_index(Some(3.5), None, true));
    // Below the fixture's γ at α_SGD = 2, 0.1638.
    report.bounds.gamma = 0.1;
    let theory = sections(&report, 0.0).remove(1);
    assert_eq!(theory.id, "theory");
    let alpha = row(&theory.rows, "alpha_sgd");
    assert_eq!(alpha.value, Some(3.5));
    assert_eq!(alpha.text, "3.5 ± 0.1");
    assert_eq!(alpha.details[0], ("se", 0.1));
    assert!((alpha.details[1].1 - (3.5 - Z_95 * 0.1)).abs() < 1e-12);
    assert!((alpha.details[2].1 - (3.5 + Z_95 * 0.1)).abs() < 1e-12);
    assert_eq!(row(&theory.rows, "gamma_alpha_2").value, Some(0.1638));
    let gamma_2 = &row(&theory.rows, "gamma_alpha_2").text;
    assert!(
        gamma_2.ends_with("is below it: SGD's variance is finite)"),
        "{gamma_2}"
    );
    assert_eq!(row(&theory.rows, "lambda_2_exact").value, Some(-0.2497));
    let mc = row(&theory.rows, "lambda_2_mc");
    assert_eq!((mc.value, mc.text.as_str()), (Some(-0.25), "-0.25 ± 0.002"));
    assert_eq!(row(&theory.rows, "sgd_index_mixing").text, "20: converged");
    assert!(!theory.rows.iter().any(|n| n.key == "alpha_sgd_restricted"));
    // The labels say whose index each is.
    assert!(alpha.label.contains("discrete SGD"));
    assert!(row(&theory.rows, "upper").label.starts_with("hSGD"));
    assert!(theory.notes.iter().any(|n| n.contains("expected")));
}

#[test]
fn alpha_sgd_bounds_convergence_and_the_restricted_index() {
    let mut report = small_report(Method::Sgd);
    let mut index = sgd_index(None, Some(16.0), false);
    let mut restricted = sgd_index(Some(7.25), None, true);
    restricted.directions = 46;
    index.restricted = Some(Box::new(restricted));
    report.sgd_index = Some(index);
    let rows = numbers(&report, 0.0);
    let alpha = row(&rows, "alpha_sgd");
    assert_eq!(alpha.value, None);
    assert_eq!(alpha.details, vec![("lower_bound", 16.0)]);
    assert_eq!(
        alpha.text,
        "> 16 (Λ̂(s) < 0 for every s ≤ 16) (not converged)"
    );
    assert_eq!(
        row(&rows, "sgd_index_mixing").text,
        "1.5: not converged (needs ≥ 10)"
    );
    let restricted = row(&rows, "alpha_sgd_restricted");
    assert_eq!(restricted.value, Some(7.25));
    assert!(restricted.label.contains("46 of 50 directions"));
    // SGD does not settle: Λ̂ > 0 down to the smallest s.
    let mut below = sgd_index(None, None, true);
    below.alpha_upper_bound = Some(0.25);
    assert_eq!(
        index_text(&below),
        "< 0.25: SGD does not settle (Λ̂(s) > 0 down to s = 0.25)"
    );
    assert_eq!(
        index_text(&sgd_index(None, None, true)),
        "no root of Λ̂ found"
    );
    // Still computing on the page; or missing, with the reason.
    report.sgd_index = None;
    let pending = numbers(&report, 0.0);
    assert_eq!(row(&pending, "alpha_sgd").text, "computing…");
    assert!(!pending.iter().any(|n| n.key == "sgd_index_mixing"));
    report.sgd_index_note = Some("α_SGD: over the budget".into());
    let theory = sections(&report, 0.0).remove(1);
    assert!(!theory.rows.iter().any(|n| n.key == "alpha_sgd"));
    assert!(theory.notes.contains(&"α_SGD: over the budget".to_string()));
}
