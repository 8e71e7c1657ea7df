//! The numbers panel: one row per quantity of a [`Report`], with its exact value (for
//! tests and copying, in `data-value`) and a short display text.

use crate::analysis::Report;

/// One row of the numbers panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// Stable key (`data-key` on the page; tests look rows up by it).
    pub key: String,
    /// What the row shows, for the reader.
    pub label: String,
    /// The value (`None` for a text-only row such as the data description).
    pub value: Option<f64>,
    /// The value as displayed.
    pub text: String,
}

impl Number {
    fn value(key: &str, label: &str, value: f64, text: String) -> Number {
        Number {
            key: key.into(),
            label: label.into(),
            value: Some(value),
            text,
        }
    }
}

/// Four significant digits, without trailing zeros; scientific notation for very large or
/// small magnitudes.
pub fn format_value(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - libm::floor(libm::log10(a)) as i32).max(0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Milliseconds as displayed: "812 ms", "1.23 s".
pub fn format_ms(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", libm::round(ms))
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// The key of a timing row: `time_` and the stage with every run of other characters than
/// letters and digits made one `_` ("data + svd" → `time_data_svd`).
pub fn time_key(stage: &str) -> String {
    let mut key = String::from("time");
    for word in stage.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !word.is_empty() {
            key.push('_');
            key.push_str(word);
        }
    }
    key
}

/// The rows of the numbers panel for `report`; `wall_ms` is the time the page waited.
pub fn numbers(report: &Report, wall_ms: f64) -> Vec<Number> {
    let mut rows = vec![
        Number {
            key: "data".into(),
            label: "data".into(),
            value: None,
            text: report.problem.clone(),
        },
        Number::value("n", "rows n", report.n as f64, report.n.to_string()),
        Number::value("d", "columns d", report.d as f64, report.d.to_string()),
    ];
    if let Some(&top) = report.singular_values.first() {
        rows.push(Number::value(
            "lambda1",
            "top singular value λ₁",
            top,
            format_value(top),
        ));
    }
    rows.push(Number::value(
        "stable_rank",
        "stable rank Σλᵢ²/λ₁²",
        report.stable_rank,
        format_value(report.stable_rank),
    ));
    let b = &report.bounds;
    rows.push(Number::value(
        "upper",
        "upper bound η*: tail index of the diffusion model (hSGD)",
        b.upper,
        format_value(b.upper),
    ));
    rows.push(Number::value(
        "lower",
        "lower bound η_*: tail index of the diffusion model (hSGD)",
        b.lower,
        if b.lower_valid {
            format_value(b.lower)
        } else {
            format!("{} (not proven: γ ≥ γ̄)", format_value(b.lower))
        },
    ));
    rows.push(Number::value(
        "gamma_critical",
        "critical learning rate γ̄",
        b.gamma_critical,
        format_value(b.gamma_critical),
    ));
    if let Some(sgd) = &report.sgd {
        rows.push(Number::value(
            "sgd_runs",
            "SGD runs finished",
            sgd.runs as f64,
            sgd.runs.to_string(),
        ));
        rows.push(Number::value(
            "sgd_diverged",
            "SGD runs diverged",
            sgd.diverged as f64,
            sgd.diverged.to_string(),
        ));
        rows.push(Number::value(
            "sgd_mean",
            "mean of the coordinate",
            sgd.mean,
            format_value(sgd.mean),
        ));
        if let Some(hill) = sgd.estimates.as_ref().map(|e| &e.hill) {
            if let Some(alpha) = hill.alpha {
                let text = match hill.std_err {
                    Some(se) => format!("{} ± {}", format_value(alpha), format_value(se)),
                    None => format_value(alpha),
                };
                rows.push(Number::value(
                    "sgd_hill",
                    "Hill tail index (SGD)",
                    alpha,
                    text,
                ));
            }
        }
        if let Some(verdict) = &sgd.verdict_text {
            rows.push(Number {
                key: "sgd_verdict".into(),
                label: "SGD against the bounds".into(),
                value: None,
                text: verdict.clone(),
            });
        }
    }
    // Stages in pipeline order (data, then per method: simulation, estimators, fits),
    // then any others the report adds.
    let rank = |stage: &str| {
        let step = ["data", "simulation", "estimators", "fits"]
            .iter()
            .position(|s| stage.contains(s))
            .unwrap_or(4);
        (!stage.starts_with("data"), stage.starts_with("hsgd"), step)
    };
    let mut stages: Vec<(&String, &f64)> = report.timings_ms.iter().collect();
    stages.sort_by_key(|(stage, _)| rank(stage));
    for (stage, ms) in stages {
        rows.push(Number::value(
            &time_key(stage),
            &format!("time: {stage}"),
            *ms,
            format_ms(*ms),
        ));
    }
    rows.push(Number::value(
        "wall_ms",
        "wall time",
        wall_ms,
        format_ms(wall_ms),
    ));
    rows
}
