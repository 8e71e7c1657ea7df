//! The explanation's MathML and the numbers it substitutes, against the report.

use super::*;
use crate::model::bounds::BoundsModel;
use crate::report::config::Method;
use crate::web::test_support::{check_well_formed, sgd_index, small_report};

/// Every `<mn data-key=… data-value=…>text</mn>` of the HTML.
fn substituted(html: &str) -> Vec<(String, f64, String)> {
    html.split(r#"<mn data-key=""#)
        .skip(1)
        .map(|chunk| {
            let (key, chunk) = chunk.split_once(r#"" data-value=""#).unwrap();
            let (value, chunk) = chunk.split_once(r#"">"#).unwrap();
            let (text, _) = chunk.split_once("</mn>").unwrap();
            (key.to_string(), value.parse().unwrap(), text.to_string())
        })
        .collect()
}

#[test]
fn the_mathml_is_well_formed() {
    let report = small_report(Method::Both);
    let html = explanation_html(&report);
    let maths = check_well_formed(&html);
    assert!(maths >= 12, "{maths} formulas");
    assert!(html.contains(r#"<math display="block">"#));
    // The checker itself rejects what it should.
    for bad in [
        "<p><math><mi>x</mi></p></math>",
        "<math><span>x</span></math>",
        "<p>a & b</p>",
        "<p>",
    ] {
        assert!(
            std::panic::catch_unwind(|| check_well_formed(bad)).is_err(),
            "accepted {bad}"
        );
    }
}

/// The report's α_SGD number that an explanation key stands for.
fn index_value(report: &Report, key: &str) -> Option<f64> {
    let index = report.sgd_index.as_ref()?;
    let (index, key) = match key.strip_prefix("alpha_sgd_restricted") {
        Some(rest) => (index.restricted.as_deref()?, format!("alpha_sgd{rest}")),
        None => (index, key.to_string()),
    };
    let mc = index.lambda.iter().find(|p| p.s == 2.0);
    match key.as_str() {
        "alpha_sgd" => index.alpha,
        "alpha_sgd_se" => index.alpha_std_err,
        "alpha_sgd_lower_bound" => index.alpha_lower_bound,
        "alpha_sgd_upper_bound" => index.alpha_upper_bound,
        "lambda_2_exact" => index.lambda_2_exact,
        "lambda_2_mc" => mc.map(|p| p.value),
        "lambda_2_mc_se" => mc.map(|p| p.std_err),
        "gamma_alpha_2" => index.gamma_alpha_2,
        "sgd_index_mixing" => Some(index.mixing),
        _ => None,
    }
}

#[test]
fn alpha_sgd_is_explained_with_its_numbers() {
    let mut report = small_report(Method::Sgd);
    report.sgd_index = Some(sgd_index(Some(3.5), None, true));
    let html = explanation_html(&report);
    check_well_formed(&html);
    for needle in [
        "SGD's own tail index α<sub>SGD</sub>",
        "<mi>Λ</mi>",
        "Kesten",
        "non-arithmeticity",
        "with finitely many rows (n = 60)",
        "Gaussian noise in continuous time",
        "MATH.md §4.3, §5.4",
        "a measured index above α<sub>SGD</sub> at feasible sample sizes is expected",
        "500 walkers",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let found = substituted(&html);
    for key in [
        "alpha_sgd",
        "alpha_sgd_se",
        "lambda_2_exact",
        "lambda_2_mc",
        "lambda_2_mc_se",
        "gamma_alpha_2",
        "sgd_index_mixing",
    ] {
        let (_, v, _) = found
            .iter()
            .find(|(k, _, _)| k == key)
            .unwrap_or_else(|| panic!("{key} not shown"));
        assert_eq!(Some(*v), index_value(&report, key), "{key}");
    }
    assert!(!html.contains("not converged"));
    // Not converged, only a bound, with a restricted root: all said.
    let mut index = sgd_index(None, Some(16.0), false);
    let mut restricted = sgd_index(Some(7.25), None, true);
    restricted.directions = 46;
    index.restricted = Some(Box::new(restricted));
    report.sgd_index = Some(index);
    let html = explanation_html(&report);
    check_well_formed(&html);
    assert!(html.contains("<strong>not converged</strong>"));
    assert!(html.contains("On the 46 of 50 directions"));
    let found = substituted(&html);
    for key in [
        "alpha_sgd_lower_bound",
        "alpha_sgd_restricted",
        "alpha_sgd_restricted_se",
    ] {
        let (_, v, _) = found.iter().find(|(k, _, _)| k == key).unwrap();
        assert_eq!(Some(*v), index_value(&report, key), "{key}");
    }
    // Still computing; hSGD only: no section.
    report.sgd_index = None;
    assert!(explanation_html(&report).contains("is being computed…"));
    assert!(!explanation_html(&small_report(Method::Hsgd)).contains("α<sub>SGD</sub>"));
}

#[test]
fn the_substituted_numbers_are_the_reports() {
    let report = small_report(Method::Both);
    let html = explanation_html(&report);
    let b = &report.bounds;
    let n = b.n as f64;
    let smallest = *report.singular_values.last().unwrap();
    let expected = |key: &str| -> f64 {
        match key {
            "n" => n,
            "d" => report.d as f64,
            "batch" => b.batch as f64,
            "gamma" => report.config.gamma,
            "delta" => report.config.delta,
            "lambda1" => report.singular_values[0],
            "sum_sq" => report.singular_values.iter().map(|s| s * s).sum(),
            "upper" => b.upper,
            "lower" => b.lower,
            "gamma_critical" => b.gamma_critical,
            "nu_coordinate" => b.upper_per_coordinate[report.config.coordinate],
            "theta_1" => report.config.gamma * (b.lambda_1 * b.lambda_1 / n + report.config.delta),
            "theta_min_steps" => {
                report.config.gamma
                    * (smallest * smallest / n + report.config.delta)
                    * report.config.steps as f64
            }
            other => {
                index_value(&report, other).unwrap_or_else(|| panic!("unexpected key {other}"))
            }
        }
    };
    let found = substituted(&html);
    for key in [
        "n",
        "d",
        "batch",
        "gamma",
        "delta",
        "lambda1",
        "sum_sq",
        "upper",
        "lower",
        "gamma_critical",
        "nu_coordinate",
        "theta_1",
        "theta_min_steps",
    ] {
        assert!(found.iter().any(|(k, _, _)| k == key), "{key} not shown");
    }
    for (key, value, text) in &found {
        let want = expected(key);
        assert!(
            (value - want).abs() <= 1e-12 * want.abs(),
            "{key}: {value} vs {want}"
        );
        assert_eq!(*text, format_value(*value), "{key}");
        // The 4 significant digits shown round-trip to the value.
        let shown: f64 = text.parse().unwrap();
        assert!(
            (shown - value).abs() <= 5e-4 * value.abs(),
            "{key}: {text} vs {value}"
        );
    }
    // The panel shows the same exact bounds.
    let panel = crate::web::panel::panel_html(&report, 1.0);
    for (key, v) in [("upper", b.upper), ("lower", b.lower)] {
        assert!(panel.contains(&format!(r#"data-key="{key}" data-value="{v}""#)));
        assert!(html.contains(&format!(r#"data-key="{key}" data-value="{v}""#)));
    }
}

/// The bounds shown follow from the numbers substituted into the shown formulas, with
/// δ entering as nδ (MATH.md §0): recomputed here from the displayed inputs, at δ > 0.
#[test]
fn the_formulas_shown_give_the_numbers_shown() {
    let mut report = small_report(Method::Sgd);
    let (gamma, batch, delta) = (0.03, 2, 0.02);
    report.bounds = BoundsModel::new(report.n, &report.singular_values, gamma, batch, delta)
        .unwrap()
        .summary();
    report.config.gamma = gamma;
    report.config.batch = batch;
    report.config.delta = delta;
    let found = substituted(&explanation_html(&report));
    let get = |key: &str| {
        found
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| *v)
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    let (n, b, g, d, l1, sum_sq) = (
        get("n"),
        get("batch"),
        get("gamma"),
        get("delta"),
        get("lambda1"),
        get("sum_sq"),
    );
    assert_eq!((g, b, d), (gamma, batch as f64, delta));
    let upper = 1.0 + 2.0 * n * b * (l1 * l1 + n * d) / (g * l1.powi(4));
    let lower = upper + 1.0 - sum_sq / (l1 * l1);
    let critical = 2.0 * n * b * (l1 * l1 + n * d) / (l1 * l1 * sum_sq);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
    assert!(close(get("upper"), upper), "{} vs {upper}", get("upper"));
    assert!(close(get("lower"), lower), "{} vs {lower}", get("lower"));
    assert!(close(get("gamma_critical"), critical));
    // ν of the top coordinate is η*.
    assert!(close(get("nu_coordinate"), upper));
}

#[test]
fn an_original_coordinate_has_no_pearson_index_and_text_is_escaped() {
    let mut report = small_report(Method::Sgd);
    report.config.basis = Basis::Original;
    report.theory = None;
    report.problem = "a<b & c".into();
    let html = explanation_html(&report);
    check_well_formed(&html);
    assert!(!html.contains("nu_coordinate"));
    assert!(!html.contains("theta_min_steps"));
    assert!(html.contains("a&lt;b &amp; c"));
}
