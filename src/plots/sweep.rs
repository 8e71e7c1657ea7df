//! The sweep plot (issue 5; MATH.md §3.1–3.2): the diffusion model's tail-index bounds
//! η*(x) (solid) and η_*(x) (dashed, drawn where γ < γ̄ so it is proven) against the swept
//! x ∈ {γ, B, δ} on a log axis, the Hill tail index measured at each sweep point with its
//! 95% interval as a bar (SGD and hSGD side by side), and for a γ sweep vertical markers
//! at the critical rate γ̄ and the stability limit γ_2 of hSGD (one marker when they
//! coincide, δ = 0).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    draw_axes, draw_legend, format_tick, log_axis, DrawResult, Style, HSGD, MUTED, SGD, THEORY,
};
use crate::config::SweepOver;
use crate::sweep::{SweepPlan, SweepPoint};

/// The axis title of the swept parameter.
fn x_title(over: SweepOver) -> &'static str {
    match over {
        SweepOver::Gamma => "learning rate γ (log)",
        SweepOver::Batch => "batch size B (log)",
        SweepOver::Delta => "ridge δ (log)",
    }
}

/// Draws the sweep of `plan` with the `points` measured so far (any subset, any order).
pub fn draw_sweep<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plan: &SweepPlan,
    points: &[SweepPoint],
    style: &Style,
) -> DrawResult<(), DB> {
    let curves: Vec<_> = plan
        .curves
        .iter()
        .filter(|p| p.x > 0.0 && p.upper.is_finite() && p.lower.is_finite())
        .collect();
    let finite_x = plan.values.iter().chain(curves.iter().map(|p| &p.x));
    let mut x_lo = finite_x.clone().copied().fold(f64::INFINITY, f64::min);
    let mut x_hi = finite_x.copied().fold(0.0, f64::max);
    let markers: Vec<(f64, String)> = if plan.over == SweepOver::Gamma {
        let (critical, limit) = (plan.gamma_critical, plan.stability_limit);
        if (limit - critical).abs() <= 1e-9 * limit {
            vec![(critical, format!("γ̄ = γ₂ = {}", format_tick(critical)))]
        } else {
            vec![
                (critical, format!("γ̄ = {}", format_tick(critical))),
                (limit, format!("γ₂ = {}", format_tick(limit))),
            ]
        }
    } else {
        Vec::new()
    };
    for (x, _) in &markers {
        x_hi = x_hi.max(*x);
    }
    if !(x_lo.is_finite() && x_lo > 0.0 && x_hi > x_lo) {
        x_lo = 1.0;
        x_hi = 10.0;
    }
    // A little room on both sides of a log axis.
    let (x_lo, x_hi) = (x_lo / 1.15, x_hi * 1.15);
    let measured = points.iter().flat_map(|p| p.methods.iter());
    let y_data = curves
        .iter()
        .map(|p| p.upper)
        .chain(measured.clone().filter_map(|m| m.hill))
        .fold(2.0, f64::max);
    let y_hi = y_data * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.px(16.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(style.px(48.0))
        .build_cartesian_2d(log_axis(x_lo, x_hi), 0.0..y_hi)?;
    draw_axes(
        &mut chart,
        style,
        (x_title(plan.over), "tail index η"),
        (6, 6),
        &|x| format_tick(*x),
        &|y| format_tick(*y),
    )?;
    let width = style.px(2.0);
    let swatch = style.px(6.0) as i32;
    let clip = move |y: f64| y.clamp(0.0, y_hi);
    if !curves.is_empty() {
        chart
            .draw_series(LineSeries::new(
                curves.iter().map(|p| (p.x, clip(p.upper))),
                THEORY.stroke_width(width),
            ))?
            .label("upper bound η* (diffusion model)")
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 3 * swatch, y)],
                    THEORY.stroke_width(width),
                )
            });
        let proven: Vec<(f64, f64)> = curves
            .iter()
            .filter(|p| p.lower_valid)
            .map(|p| (p.x, clip(p.lower)))
            .collect();
        if proven.len() >= 2 {
            chart
                .draw_series(DashedLineSeries::new(
                    proven,
                    style.px(6.0),
                    style.px(4.0),
                    THEORY.stroke_width(width),
                ))?
                .label("lower bound η_* (diffusion model, γ < γ̄)")
                .legend(move |(x, y)| {
                    PathElement::new(
                        vec![(x, y), (x + 3 * swatch, y)],
                        THEORY.stroke_width(width),
                    )
                });
        }
    }
    for (i, (x, label)) in markers.iter().enumerate() {
        chart.draw_series(DashedLineSeries::new(
            [(*x, 0.0), (*x, y_hi)],
            style.px(3.0),
            style.px(3.0),
            MUTED.stroke_width(style.px(1.0)),
        ))?;
        // Left of the line at 60% height: clear of the legend (upper right) and of the
        // bound curves, which fall towards the right.
        let font = style
            .note_font()
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Right,
                plotters::style::text_anchor::VPos::Center,
            ));
        chart.draw_series(std::iter::once(Text::new(
            label.clone(),
            (*x / 1.02, y_hi * (0.6 - 0.1 * i as f64)),
            font,
        )))?;
    }
    // Measured points: SGD a little left of x, hSGD a little right (×/÷ 1.025 on the log
    // axis) so their bars do not overlap.
    for (name, color, label, shift) in [
        ("sgd", SGD, "SGD: Hill ± 95% interval", 1.0 / 1.025),
        ("hsgd", HSGD, "hSGD: Hill ± 95% interval", 1.025),
    ] {
        let at: Vec<(f64, f64, (f64, f64))> = points
            .iter()
            .filter_map(|p| {
                let m = p.methods.iter().find(|m| m.method == name)?;
                let hill = m.hill?;
                let interval = m.interval.unwrap_or((hill, hill));
                Some((p.x * shift, hill, interval))
            })
            .collect();
        if at.is_empty() {
            continue;
        }
        let cap = style.px(4.0) as i32;
        let ends = at
            .iter()
            .flat_map(|&(x, _, (lo, hi))| [(x, clip(lo)), (x, clip(hi))]);
        chart.draw_series(ends.map(|end| {
            EmptyElement::at(end)
                + PathElement::new(vec![(-cap, 0), (cap, 0)], color.stroke_width(width))
        }))?;
        chart.draw_series(at.iter().map(|&(x, _, (lo, hi))| {
            PathElement::new(
                vec![(x, clip(lo)), (x, clip(hi))],
                color.stroke_width(width),
            )
        }))?;
        chart
            .draw_series(
                at.iter().map(|&(x, hill, _)| {
                    Circle::new((x, clip(hill)), style.px(4.0), color.filled())
                }),
            )?
            .label(label)
            .legend(move |(x, y)| Circle::new((x + swatch, y), swatch / 2 + 1, color.filled()));
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bounds;
    use crate::sweep::MethodPoint;
    use std::collections::BTreeMap;

    fn plan() -> SweepPlan {
        let curves = (0..10)
            .map(|i| {
                let x = 0.01 * (1.0 + i as f64);
                bounds::SweepPoint {
                    x,
                    upper: 1.0 + 0.2 / x,
                    lower: 0.5 + 0.2 / x,
                    lower_valid: x < 0.08,
                }
            })
            .collect();
        SweepPlan {
            over: SweepOver::Gamma,
            values: vec![0.01, 0.05, 0.1],
            curves,
            gamma_critical: 0.08,
            stability_limit: 0.12,
            problem: "test".into(),
            n: 10,
            d: 2,
        }
    }

    fn point(x: f64, methods: &[&str]) -> SweepPoint {
        SweepPoint {
            index: 0,
            x,
            seed: 1,
            upper: 1.0 + 0.2 / x,
            lower: 0.5 + 0.2 / x,
            lower_valid: true,
            sgd_index: None,
            sgd_index_note: None,
            methods: methods
                .iter()
                .map(|m| MethodPoint {
                    method: m.to_string(),
                    runs: 100,
                    diverged: 0,
                    hill: Some(3.0),
                    k: Some(25),
                    std_err: Some(0.6),
                    interval: Some((1.8, 4.2)),
                    note: None,
                })
                .collect(),
            timings_ms: BTreeMap::new(),
        }
    }

    fn svg(plan: &SweepPlan, points: &[SweepPoint]) -> String {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            draw_sweep(&area, plan, points, &Style::default()).unwrap();
        }
        svg
    }

    #[test]
    fn svg_has_bounds_points_bars_and_markers() {
        let plan = plan();
        let points = vec![point(0.01, &["sgd", "hsgd"]), point(0.05, &["sgd", "hsgd"])];
        let svg = svg(&plan, &points);
        assert!(svg.contains("upper bound η* (diffusion model)"));
        assert!(
            svg.contains("lower bound η_* (diffusion model, γ &lt; γ̄)")
                || svg.contains("lower bound η_* (diffusion model, γ < γ̄)"),
            "{svg}"
        );
        assert!(svg.contains("γ̄ = 0.08") && svg.contains("γ₂ = 0.12"));
        // Two points per method plus one legend marker: filled circles in each colour.
        assert_eq!(svg.matches(r##"<circle"##).count(), 6, "{svg}");
        assert!(svg.contains("SGD: Hill ± 95% interval"));
        assert!(svg.contains("hSGD: Hill ± 95% interval"));
        let sgd_strokes = svg.matches(r##"stroke="#2563EB""##).count();
        // Per point: one bar and two caps.
        assert_eq!(sgd_strokes, 6, "{svg}");
    }

    #[test]
    fn one_marker_when_the_limits_coincide_and_none_for_batch() {
        let mut plan = plan();
        plan.stability_limit = plan.gamma_critical;
        let svg = svg(&plan, &[]);
        assert!(svg.contains("γ̄ = γ₂ = 0.08"));
        plan.over = SweepOver::Batch;
        let svg = super::tests::svg(&plan, &[point(0.05, &["sgd"])]);
        assert!(!svg.contains("γ̄ =") && !svg.contains("γ₂"));
        assert!(svg.contains("batch size B (log)"));
        assert!(!svg.contains("hSGD: Hill"));
    }
}
