//! The sweep's table of numbers: one row per swept value, with the diffusion model's
//! bounds, SGD's own index α_SGD and each method's measured Hill index, k and diverged
//! runs; a point still computing shows "…". Exact values travel in `data-*` attributes
//! for tests. Plain Rust (no DOM): the sweep section sets it as the table's inner HTML.

use super::format::{escape, format_ms};
use crate::report::config::{Dynamics, SweepOver};
use crate::report::sweep::{SweepPlan, SweepPoint};

fn fmt(x: f64) -> String {
    crate::plots::format_tick(x)
}

/// The table's inner HTML for `plan` with the points arrived so far (`points[i]` is the
/// plan's i-th value), for the simulated `methods`.
pub fn table_html(plan: &SweepPlan, points: &[Option<SweepPoint>], methods: &[Dynamics]) -> String {
    let x_name = match plan.over {
        SweepOver::Gamma => "γ",
        SweepOver::Batch => "B",
        SweepOver::Delta => "δ",
    };
    let with_index = methods.contains(&Dynamics::Sgd);
    let mut html = format!(
        "<thead><tr><th scope=\"col\">{x_name}</th><th scope=\"col\">η_* lower</th><th scope=\"col\">η* upper</th>"
    );
    if with_index {
        html.push_str("<th scope=\"col\">α_SGD ± s.e.</th>");
    }
    for label in methods.iter().map(|m| m.label()) {
        html.push_str(&format!(
            "<th scope=\"col\">{label} Hill [95%]</th><th scope=\"col\">{label} k</th><th scope=\"col\">{label} diverged</th>"
        ));
    }
    html.push_str("<th scope=\"col\">time</th></tr></thead><tbody>");
    for (index, x) in plan.values.iter().enumerate() {
        let point = points.get(index).and_then(Option::as_ref);
        html.push_str(&format!(
            "<tr data-index=\"{index}\"{}><td>{}</td>",
            point.map_or(String::new(), |p| format!(
                " data-upper=\"{}\" data-lower=\"{}\"",
                p.upper, p.lower
            )),
            fmt(*x)
        ));
        let Some(p) = point else {
            let span = 3 + 3 * methods.len() + usize::from(with_index);
            html.push_str(&format!(
                "<td colspan=\"{span}\" class=\"waiting\">…</td></tr>"
            ));
            continue;
        };
        let lower = if p.lower_valid {
            fmt(p.lower)
        } else {
            format!("({}, γ ≥ γ̄)", fmt(p.lower))
        };
        html.push_str(&format!("<td>{lower}</td><td>{}</td>", fmt(p.upper)));
        if with_index {
            html.push_str(&format!("<td>{}</td>", index_cell(p)));
        }
        for name in methods {
            match p.methods.iter().find(|m| m.method == *name) {
                Some(m) => {
                    let hill = match (m.hill, m.interval) {
                        (Some(h), Some((lo, hi))) => format!(
                            "<span data-method=\"{name}\" data-hill=\"{h}\">{} [{}, {}]</span>",
                            fmt(h),
                            fmt(lo),
                            fmt(hi)
                        ),
                        _ => escape(m.note.as_deref().unwrap_or("—")),
                    };
                    html.push_str(&format!(
                        "<td>{hill}</td><td>{}</td><td>{}</td>",
                        m.k.map_or("—".into(), |k| k.to_string()),
                        m.diverged
                    ));
                }
                None => html.push_str("<td>—</td><td>—</td><td>—</td>"),
            }
        }
        let ms: f64 = p.timings_ms.values().sum();
        html.push_str(&format!("<td>{}</td></tr>", format_ms(ms)));
    }
    html.push_str("</tbody>");
    html
}

/// The α_SGD cell of a point: "3.1 ± 0.05", "> 16", "< 0.25", marked "not converged"
/// when the walkers did not mix, with the exact numbers in `data-alpha-sgd` (or
/// `data-alpha-sgd-lower-bound` / `-upper-bound`) and `data-converged`; the note when it
/// could not be computed.
fn index_cell(p: &SweepPoint) -> String {
    let Some(i) = &p.sgd_index else {
        return escape(p.sgd_index_note.as_deref().unwrap_or("—"));
    };
    let (attribute, text) = if let Some(a) = i.alpha {
        let se = i
            .alpha_std_err
            .map_or(String::new(), |se| format!(" ± {}", fmt(se)));
        (
            format!(" data-alpha-sgd=\"{a}\""),
            format!("{}{se}", fmt(a)),
        )
    } else if let Some(b) = i.alpha_lower_bound {
        (
            format!(" data-alpha-sgd-lower-bound=\"{b}\""),
            format!("&gt; {}", fmt(b)),
        )
    } else if let Some(b) = i.alpha_upper_bound {
        (
            format!(" data-alpha-sgd-upper-bound=\"{b}\""),
            format!("&lt; {}", fmt(b)),
        )
    } else {
        (String::new(), "no root".into())
    };
    let note = if i.converged {
        ""
    } else {
        " <span class=\"muted\">not converged</span>"
    };
    format!(
        "<span data-alpha-sgd-cell data-converged=\"{}\"{attribute}>{text}{note}</span>",
        i.converged
    )
}
