//! The note under the histogram that says what the theory's Pearson curve is and why it
//! can differ from the histograms (MATH.md §2.2, §3.1 Theorem 3.1, §4.1): the sentence of
//! [`crate::report::convex_order::InspectedPearson`], with K·θ_i and θ_i as exact
//! `data-` attributes for tests, and a pointer to the numbers panel's Theorem 3.1 table
//! when hSGD was simulated. Plain Rust (no DOM): the page sets [`pearson_note_html`] as the
//! inner HTML of `#pearson-note` in the histogram's figure.

use super::format::escape;
use crate::report::analysis::Report;

/// The note's HTML, empty when the report draws no Pearson curve (an original coordinate
/// or a direction without a diffusion).
pub fn pearson_note_html(report: &Report) -> String {
    let Some(p) = &report.pearson else {
        return String::new();
    };
    let measured = match (&report.convex_order, &report.convex_order_note) {
        (Some(c), _) => format!(
            " Measured here: E|Y|<sup>p</sup> of hSGD against the independent diffusion at step K, for p = {} (the numbers panel, hSGD).",
            c.moments
                .iter()
                .map(|m| super::format::format_value(m.p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (None, Some(note)) => format!(" {}", escape(note)),
        (None, None) => " Run hSGD (method hSGD or both) to measure Theorem 3.1 on this coordinate."
            .to_string(),
    };
    format!(
        r#"<span class="pearson-note-text" data-key="k_theta" data-value="{k}" data-theta="{theta}" data-stationary="{stationary}">{text}</span>{measured}"#,
        k = p.k_theta,
        theta = p.theta,
        stationary = p.stationary,
        text = escape(&p.explanation),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::config::{Basis, Method};
    use crate::web::test_support::small_report;

    #[test]
    fn the_note_gives_k_theta_and_points_to_the_measurement() {
        let report = small_report(Method::Both);
        let p = report.pearson.clone().unwrap();
        let html = pearson_note_html(&report);
        assert!(html.contains(&format!(r#"data-key="k_theta" data-value="{}""#, p.k_theta)));
        assert!(html.contains(&escape(&p.explanation)));
        assert!(html.contains("Measured here"));
        // An SGD-only report (small_report keeps the hSGD run's measurement).
        let mut sgd = small_report(Method::Sgd);
        (sgd.convex_order, sgd.convex_order_note) = (None, None);
        let sgd = pearson_note_html(&sgd);
        assert!(sgd.contains("Run hSGD"));
        let mut original = small_report(Method::Sgd);
        original.config.basis = Basis::Original;
        original.pearson = None;
        assert_eq!(pearson_note_html(&original), "");
    }
}
