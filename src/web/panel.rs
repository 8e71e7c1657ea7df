//! The numbers panel's HTML: each section of [`super::numbers`] as a `<section>` with a
//! `<dl>` of its rows (the exact value in `data-value`, an estimator's `se`, `k`, `lo` and
//! `hi` beside it, for tests and copying), its notes and, for a simulated method, the
//! table of fitted laws with the smallest AIC marked; the simulated methods side by side
//! in one `num-methods` box. Plain Rust (no DOM): the page sets [`panel_html`] as the
//! panel's inner HTML.

use std::fmt::Write;

use super::format::{escape, format_value};
use super::numbers::{sections, FitRow, Number, Section};
use crate::report::analysis::Report;
use crate::report::config::Dynamics;
use crate::report::convex_order::{ConvexOrder, MeanInterval};

// Every function writes into the one `html` buffer (`write!` into a String cannot fail),
// rather than building a string per piece to push and drop: far less code in the wasm.

/// ` data-<name>="…"` with the shortest text that parses back to exactly `v`.
fn value_attribute(html: &mut String, name: &str, v: f64) {
    let _ = write!(html, r#" data-{name}="{v}""#);
}

fn row_html(html: &mut String, n: &Number) {
    // Sentences (the verdict, the data's description) take a whole row.
    let class = if n.value.is_none() && n.text.chars().count() > 40 {
        "number wide"
    } else {
        "number"
    };
    let _ = write!(
        html,
        r#"<div class="{class}"><dt>{}</dt><dd data-key="{}""#,
        escape(&n.label),
        escape(&n.key),
    );
    if let Some(v) = n.value {
        value_attribute(html, "value", v);
    }
    for (name, v) in &n.details {
        value_attribute(html, name, *v);
    }
    let _ = write!(html, ">{}</dd></div>", escape(&n.text));
}

fn cell(html: &mut String, key: &str, v: f64) {
    let _ = write!(html, r#"<td data-key="{key}""#);
    value_attribute(html, "value", v);
    let _ = write!(html, ">{}</td>", escape(&format_value(v)));
}

fn fits_html(html: &mut String, method: Dynamics, rows: &[FitRow]) {
    let _ = write!(
        html,
        r#"<div class="fits-scroll" role="region" tabindex="0" aria-label="fitted laws ({name})"><table class="fits" data-method="{method}"><caption>Fitted laws of the centred coordinate ({name})</caption><thead><tr><th scope="col">law and parameters</th><th scope="col">tail index</th><th scope="col">log&#8209;lik.</th><th scope="col">AIC</th><th scope="col">KS D</th><th scope="col">KS p</th></tr></thead><tbody>"#,
        name = method.label(),
    );
    for r in rows {
        let (class, mark) = if r.best {
            (
                r#" class="best" data-best="true""#,
                r#" <span class="best-mark" title="smallest AIC">best AIC</span>"#,
            )
        } else {
            ("", "")
        };
        let key = escape(&r.key);
        let _ = write!(
            html,
            r#"<tr data-law="{key}"{class}><th scope="row">{law}{mark}<span class="params">{params}</span></th>"#,
            law = escape(r.law),
            params = escape(&r.parameters),
        );
        match r.tail_index {
            Some(t) => cell(html, &format!("{key}_tail"), t),
            None => {
                let _ = write!(html, r#"<td data-key="{key}_tail">∞</td>"#);
            }
        }
        for (what, v) in [
            ("loglik", r.loglik),
            ("aic", r.aic),
            ("ks", r.ks),
            ("ks_p", r.ks_pvalue),
        ] {
            cell(html, &format!("{key}_{what}"), v);
        }
        html.push_str("</tr>");
    }
    html.push_str(
        "</tbody></table></div><p class=\"num-note\">AIC = 2k − 2ℓ (smaller is better). \
         The KS p-value is asymptotic and too lenient when the parameters were fitted to the \
         same sample (MATH.md §4.2).</p>",
    );
}

/// The attributes `data-value`, `data-lo` and `data-hi` of a mean and its interval.
fn interval_attributes(html: &mut String, m: &MeanInterval) {
    value_attribute(html, "value", m.mean);
    value_attribute(html, "lo", m.lo);
    value_attribute(html, "hi", m.hi);
}

/// A mean ± its interval's half-width, the exact mean and interval as attributes.
fn interval_cell(html: &mut String, key: &str, m: &MeanInterval) {
    let _ = write!(html, r#"<td data-key="{key}""#);
    interval_attributes(html, m);
    let _ = write!(
        html,
        ">{} ± {}</td>",
        escape(&format_value(m.mean)),
        escape(&format_value(m.hi - m.mean)),
    );
}

/// Theorem 3.1's table: per order p, E|Y|^p of hSGD and of the independent diffusion with
/// their intervals, the stationary value and what the paired difference says.
fn convex_order_html(html: &mut String, c: &ConvexOrder) {
    let _ = write!(
        html,
        r#"<div class="convex-scroll" role="region" tabindex="0" aria-label="Theorem 3.1 measured"><table class="convex-order" data-runs="{runs}"><caption>Theorem 3.1: E|Y|<sup>p</sup> of coordinate {i} at step K (η = {eta})</caption><thead><tr><th scope="col">p</th><th scope="col">hSGD</th><th scope="col">indep.</th><th scope="col">stationary</th><th scope="col">hSGD ≥ indep.</th></tr></thead><tbody>"#,
        runs = c.runs,
        i = c.coordinate,
        eta = escape(&format_value(c.tail_index)),
    );
    for (k, m) in c.moments.iter().enumerate() {
        let key = |what: &str| format!("convex_{k}_{what}");
        let heavy = if m.heavy { "*" } else { "" };
        let _ = write!(
            html,
            r#"<tr data-order="{order}"><th scope="row" data-key="convex_{k}_p" data-value="{p}">{pt}{heavy}</th>"#,
            order = m.order.key(),
            p = m.p,
            pt = escape(&format_value(m.p)),
        );
        interval_cell(html, &key("hsgd"), &m.hsgd);
        interval_cell(html, &key("independent"), &m.independent);
        match m.stationary {
            Some(v) => cell(html, &key("stationary"), v),
            None => {
                let _ = write!(html, r#"<td data-key="convex_{k}_stationary">—</td>"#);
            }
        }
        let _ = write!(html, r#"<td data-key="convex_{k}_difference""#);
        interval_attributes(html, &m.difference);
        let _ = write!(html, ">{}</td></tr>", escape(m.order.text()));
    }
    let _ = write!(
        html,
        "</tbody></table></div><p class=\"num-note\">Y = q{q}ᵀ(x − x*) of {runs} runs, p from 1 (|y|<sup>p</sup> convex) to below η (finite stationary moment); indep.: the independent Pearson diffusion of this coordinate alone, simulated with the same γ, h and K from the same initial points (MATH.md §3.1: E g(Zᵢ) ≥ E g(Ẑᵢ) for convex g, here g = |·|<sup>p</sup>); the stationary column is its limit K → ∞. ± is a {interval}.",
        q = c.coordinate + 1,
        runs = c.runs,
        interval = escape(&c.interval),
    );
    if c.moments.iter().any(|m| m.heavy) {
        html.push_str(" * p > η/2: the stationary variance of |Y|<sup>p</sup> is infinite, so the interval is too narrow near stationarity.");
    }
    if c.independent_diverged > 0 {
        let _ = write!(
            html,
            " {} runs of the independent diffusion diverged and are left out.",
            c.independent_diverged
        );
    }
    html.push_str("</p>");
    for note in &c.notes {
        let _ = write!(html, r#"<p class="num-note">{}</p>"#, escape(note));
    }
}

fn section_html(html: &mut String, s: &Section) {
    let _ = write!(
        html,
        r#"<section class="num-group" data-group="{id}"><h3>{title}</h3><dl class="num-list">"#,
        id = s.id,
        title = escape(&s.title),
    );
    for row in &s.rows {
        row_html(html, row);
    }
    html.push_str("</dl>");
    for a in &s.absent {
        let _ = write!(
            html,
            r#"<p class="num-note num-absent" data-absent="{}""#,
            escape(&a.key)
        );
        value_attribute(html, "xi", a.xi);
        let _ = write!(html, ">{}</p>", escape(&a.text));
    }
    for note in &s.notes {
        let _ = write!(html, r#"<p class="num-note">{}</p>"#, escape(note));
    }
    if let (Some(method), false) = (s.method, s.fits.is_empty()) {
        fits_html(html, method, &s.fits);
    }
    if let Some(c) = &s.convex_order {
        convex_order_html(html, c);
    }
    html.push_str("</section>");
}

/// The panel's HTML: the data and theory sections, the simulated methods side by side
/// (in one `num-methods` box), and the timings.
pub fn panel_html(report: &Report, wall_ms: f64) -> String {
    let all = sections(report, wall_ms);
    let methods = all.iter().filter(|s| s.method.is_some()).count();
    let mut html = String::new();
    let mut in_methods = false;
    for s in &all {
        let is_method = s.method.is_some();
        if is_method && !in_methods {
            let _ = write!(html, r#"<div class="num-methods" data-count="{methods}">"#);
            in_methods = true;
        }
        if !is_method && in_methods {
            html.push_str("</div>");
            in_methods = false;
        }
        section_html(&mut html, s);
    }
    if in_methods {
        html.push_str("</div>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::config::Method;
    use crate::web::numbers::numbers;
    use crate::web::test_support::{sgd_index, small_report};

    #[test]
    fn the_html_holds_every_row_with_its_exact_value() {
        let report = small_report(Method::Both);
        let html = panel_html(&report, 3.25);
        for n in numbers(&report, 3.25) {
            let needle = match n.value {
                Some(v) => format!(r#"data-key="{}" data-value="{v}""#, n.key),
                None => format!(r#"data-key="{}""#, n.key),
            };
            assert!(html.contains(&needle), "missing {needle}");
            // The printed value parses back exactly.
            if let Some(v) = n.value {
                assert_eq!(format!("{v}").parse::<f64>().unwrap(), v);
            }
        }
        assert_eq!(html.matches(r#"data-best="true""#).count(), 2);
        // The two fits tables and Theorem 3.1's.
        assert_eq!(html.matches("<table").count(), 3);
        assert_eq!(
            html.matches(r#"<div class="num-methods" data-count="2">"#)
                .count(),
            1
        );
        assert!(html.contains("sgd_fit_student_t_aic") && html.contains("hsgd_fit_stable_ks_p"));
        assert_eq!(
            html.matches("<section").count(),
            html.matches("</section>").count()
        );
        assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
    }

    #[test]
    fn theorem_3_1_is_a_table_in_the_hsgd_section_only() {
        let report = small_report(Method::Both);
        let order = report.convex_order.clone().expect("hSGD in the SVD basis");
        let html = panel_html(&report, 0.0);
        assert_eq!(html.matches("table class=\"convex-order\"").count(), 1);
        let hsgd = &html[html.find(r#"data-group="hsgd""#).unwrap()..];
        assert!(hsgd.contains("convex-order"));
        for (k, m) in order.moments.iter().enumerate() {
            let cell = format!(
                r#"data-key="convex_{k}_hsgd" data-value="{}" data-lo="{}" data-hi="{}""#,
                m.hsgd.mean, m.hsgd.lo, m.hsgd.hi
            );
            assert!(html.contains(&cell), "missing {cell}");
            assert!(html.contains(&format!(r#"data-key="convex_{k}_p" data-value="{}""#, m.p)));
            assert!(html.contains(&format!(r#"<tr data-order="{}">"#, m.order.key())));
        }
        let pearson = report.pearson.as_ref().unwrap();
        assert!(html.contains(&format!(
            r#"data-key="k_theta" data-value="{}""#,
            pearson.k_theta
        )));
        let sgd_only = panel_html(&small_report(Method::Sgd), 0.0);
        assert!(!sgd_only.contains("convex-order"));
    }

    #[test]
    fn alpha_sgd_and_its_bounds_are_attributes() {
        let mut report = small_report(Method::Sgd);
        report.sgd_index = Some(sgd_index(Some(3.5), None, true));
        let html = panel_html(&report, 0.0);
        assert!(html.contains(r#"data-key="alpha_sgd" data-value="3.5" data-se="0.1""#));
        report.sgd_index = Some(sgd_index(None, Some(16.0), false));
        let html = panel_html(&report, 0.0);
        assert!(
            html.contains(r#"data-key="alpha_sgd" data-lower_bound="16""#),
            "{html}"
        );
    }
}
