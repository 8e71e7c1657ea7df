//! The sweep plot (MATH.md §3.1–3.2): the diffusion model's tail-index bounds
//! η*(x) (solid) and η_*(x) (dashed, drawn where γ < γ̄ so it is proven) against the swept
//! x ∈ {γ, B, δ} on a log axis, the Hill tail index measured at each sweep point with its
//! 95% interval as a bar (SGD and hSGD side by side), and for a γ sweep vertical markers
//! at the critical rate γ̄ and the stability limit γ_2 of hSGD (one marker when they
//! coincide, δ = 0). SGD's own tail index α_SGD (MATH.md §4.3), computed at each point,
//! is a curve with its 95% band through the points where it has a root ([`index_marks`]):
//! a point where Λ̂ < 0 up to s_max has only a lower bound, drawn as an upward triangle at
//! that bound (the curve has a gap there); a hollow square marks a root whose walkers did
//! not mix. The y range leaves the legend a strip at the top where no data lie.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Ink, LegendEntry, Mark};
use super::style::{
    draw_axes, format_tick, legend_fraction, linear_axis, log_axis, y_label_area, DrawResult,
    Style, HSGD, MUTED, SGD, SGD_INDEX, THEORY,
};
use crate::report::config::{Dynamics, SweepOver};
use crate::report::sweep::{SweepPlan, SweepPoint};
use crate::report::verdict::Z_95;

/// α_SGD at one sweep point, as the plot draws it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IndexMark {
    /// A root with its 95% interval (lo, hi) and whether the walkers mixed.
    Root {
        /// x of the point.
        x: f64,
        /// α_SGD.
        alpha: f64,
        /// α_SGD − 1.96 s.e.
        lo: f64,
        /// α_SGD + 1.96 s.e.
        hi: f64,
        /// K·θ_min reached the mixing target.
        converged: bool,
    },
    /// No root up to s_max: α_SGD > `bound`.
    Above {
        /// x of the point.
        x: f64,
        /// s_max.
        bound: f64,
    },
    /// Λ̂ > 0 down to the smallest s: α_SGD < `bound` (SGD does not settle).
    Below {
        /// x of the point.
        x: f64,
        /// The smallest s searched.
        bound: f64,
    },
}

/// α_SGD of each point that has one, by increasing x.
pub fn index_marks(points: &[SweepPoint]) -> Vec<IndexMark> {
    let mut marks: Vec<IndexMark> = points
        .iter()
        .filter_map(|p| {
            let i = p.sgd_index.as_ref()?;
            let x = p.x;
            if let Some(alpha) = i.alpha.filter(|a| a.is_finite()) {
                let half = i
                    .alpha_std_err
                    .filter(|se| se.is_finite())
                    .map_or(0.0, |se| Z_95 * se);
                Some(IndexMark::Root {
                    x,
                    alpha,
                    lo: alpha - half,
                    hi: alpha + half,
                    converged: i.converged,
                })
            } else if let Some(bound) = i.alpha_lower_bound {
                Some(IndexMark::Above { x, bound })
            } else {
                i.alpha_upper_bound
                    .map(|bound| IndexMark::Below { x, bound })
            }
        })
        .collect();
    marks.sort_unstable_by(|a, b| a.x().total_cmp(&b.x()));
    marks
}

impl IndexMark {
    /// x of the point.
    pub fn x(&self) -> f64 {
        match *self {
            IndexMark::Root { x, .. } | IndexMark::Above { x, .. } | IndexMark::Below { x, .. } => {
                x
            }
        }
    }

    /// The highest y the mark reaches.
    fn top(&self) -> f64 {
        match *self {
            IndexMark::Root { hi, .. } => hi,
            IndexMark::Above { bound, .. } | IndexMark::Below { bound, .. } => bound,
        }
    }
}

/// The runs of consecutive roots: the curve and its band are drawn per run, so a point
/// without a root leaves a gap.
pub fn root_runs(marks: &[IndexMark]) -> Vec<Vec<(f64, f64, f64, f64)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for mark in marks {
        match *mark {
            IndexMark::Root {
                x, alpha, lo, hi, ..
            } => current.push((x, alpha, lo, hi)),
            _ => {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

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
    let marks = index_marks(points);
    let y_data = curves
        .iter()
        .map(|p| p.upper)
        .chain(measured.clone().filter_map(|m| m.hill))
        .chain(marks.iter().map(IndexMark::top))
        .fold(2.0, f64::max);
    let has = |name: Dynamics| {
        points.iter().any(|p| {
            p.methods
                .iter()
                .any(|m| m.method == name && m.hill.is_some())
        })
    };
    let proven_count = curves.iter().filter(|p| p.lower_valid).count();
    let entries = usize::from(!curves.is_empty())
        + usize::from(proven_count >= 2)
        + usize::from(marks.iter().any(|m| matches!(m, IndexMark::Root { .. })))
        + usize::from(marks.iter().any(|m| {
            matches!(
                m,
                IndexMark::Root {
                    converged: false,
                    ..
                }
            )
        }))
        + usize::from(marks.iter().any(|m| matches!(m, IndexMark::Above { .. })))
        + usize::from(marks.iter().any(|m| matches!(m, IndexMark::Below { .. })))
        + usize::from(has(Dynamics::Sgd))
        + usize::from(has(Dynamics::Hsgd));
    let reserved = style.px(10.0) + style.px(16.0) + style.px(44.0);
    // With a band of its own above the plot, the legend needs no strip inside.
    let strip = if style.legend_band > 0 {
        0.0
    } else {
        legend_fraction(area.dim_in_pixel().1, reserved, entries, style)
    };
    let y_hi = y_data * 1.05 / (1.0 - strip);
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.margin_top(16.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(y_label_area(
            area,
            style,
            &linear_axis(0.0, y_hi),
            6,
            &|y| format_tick(*y),
            48.0,
        ))
        .build_cartesian_2d(log_axis(x_lo, x_hi), linear_axis(0.0, y_hi))?;
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
    let mut ink = Ink::default();
    let mut labels = Vec::new();
    if !curves.is_empty() {
        ink.lines
            .push(curves.iter().map(|p| (p.x, clip(p.upper))).collect());
        labels.push(LegendEntry::new(
            "upper bound η* (diffusion model)",
            THEORY,
            Mark::Line,
        ));
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
            ink.lines.push(proven.clone());
            labels.push(LegendEntry::new(
                "lower bound η_* (diffusion model, γ < γ̄)",
                THEORY,
                Mark::Dashed,
            ));
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
        // Left of the line at 60% of the data's height: under the legend's strip, and
        // clear of the bound curves, which fall towards the right.
        let font = style
            .note_font()
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Right,
                plotters::style::text_anchor::VPos::Center,
            ));
        chart.draw_series(std::iter::once(Text::new(
            label.clone(),
            (*x / 1.02, y_data * (0.6 - 0.1 * i as f64)),
            font,
        )))?;
    }
    // α_SGD: per run of roots a band (95%) and a curve, a square per root (hollow when
    // the walkers did not mix), triangles at the bounds of points without a root.
    let runs = root_runs(&marks);
    for run in &runs {
        if run.len() >= 2 {
            let mut band: Vec<(f64, f64)> = run.iter().map(|p| (p.0, clip(p.3))).collect();
            band.extend(run.iter().rev().map(|p| (p.0, clip(p.2))));
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                SGD_INDEX.mix(0.15).filled(),
            )))?;
        }
    }
    let size = style.px(4.0) as i32;
    let mut labelled = false;
    for run in &runs {
        ink.lines
            .push(run.iter().map(|p| (p.0, clip(p.1))).collect());
        ink.points.extend(
            run.iter()
                .flat_map(|p| [(p.0, clip(p.2)), (p.0, clip(p.3))]),
        );
        let series = chart.draw_series(LineSeries::new(
            run.iter().map(|p| (p.0, clip(p.1))),
            SGD_INDEX.stroke_width(width),
        ))?;
        if !labelled {
            labelled = true;
            labels.push(LegendEntry::new(
                "α_SGD ± 95% (SGD's own index)",
                SGD_INDEX,
                Mark::Line,
            ));
            series
                .label("α_SGD ± 95% (SGD's own index)")
                .legend(move |(x, y)| {
                    PathElement::new(
                        vec![(x, y), (x + 3 * swatch, y)],
                        SGD_INDEX.stroke_width(width),
                    )
                });
        }
    }
    // Error bars of isolated roots (a run of one has no band).
    for run in runs.iter().filter(|r| r.len() == 1) {
        let (x, _, lo, hi) = run[0];
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, clip(lo)), (x, clip(hi))],
            SGD_INDEX.stroke_width(width),
        )))?;
    }
    let square = move |(x, y): (f64, f64), filled: bool| {
        let style = if filled {
            SGD_INDEX.filled()
        } else {
            WHITE.filled()
        };
        EmptyElement::at((x, y))
            + Rectangle::new([(-size, -size), (size, size)], style)
            + Rectangle::new(
                [(-size, -size), (size, size)],
                SGD_INDEX.stroke_width(width.min(2)),
            )
    };
    let roots = |converged: bool| {
        marks.iter().filter_map(move |m| match *m {
            IndexMark::Root {
                x,
                alpha,
                converged: c,
                ..
            } if c == converged => Some((x, clip(alpha))),
            _ => None,
        })
    };
    chart.draw_series(roots(true).map(|p| square(p, true)))?;
    if roots(false).next().is_some() {
        labels.push(LegendEntry::new(
            "α_SGD not converged (K·θ_min small)",
            SGD_INDEX,
            Mark::Outline,
        ));
        chart
            .draw_series(roots(false).map(|p| square(p, false)))?
            .label("α_SGD not converged (K·θ_min small)")
            .legend(move |(x, y)| {
                Rectangle::new(
                    [(x + swatch - size, y - size), (x + swatch + size, y + size)],
                    SGD_INDEX.stroke_width(width.min(2)),
                )
            });
    }
    for (upward, label) in [
        (true, "α_SGD > s_max: lower bound only (gap)"),
        (false, "α_SGD < s_min: SGD does not settle"),
    ] {
        let at: Vec<(f64, f64)> = marks
            .iter()
            .filter_map(|m| match (*m, upward) {
                (IndexMark::Above { x, bound }, true) | (IndexMark::Below { x, bound }, false) => {
                    Some((x, clip(bound)))
                }
                _ => None,
            })
            .collect();
        if at.is_empty() {
            continue;
        }
        ink.points.extend(&at);
        labels.push(LegendEntry::new(label, SGD_INDEX, Mark::Triangle(upward)));
        let tip = if upward { -2 * size } else { 2 * size };
        let base = if upward { size } else { -size };
        let triangle = move |x: i32, y: i32| {
            Polygon::new(
                vec![
                    (x - size - 1, y + base),
                    (x + size + 1, y + base),
                    (x, y + tip),
                ],
                SGD_INDEX.filled(),
            )
        };
        chart
            .draw_series(at.iter().map(|&p| {
                EmptyElement::at(p)
                    + Polygon::new(
                        vec![(-size - 1, base), (size + 1, base), (0, tip)],
                        SGD_INDEX.filled(),
                    )
            }))?
            .label(label)
            .legend(move |(x, y)| triangle(x + swatch, y));
    }
    // Measured points: SGD a little left of x, hSGD a little right (×/÷ 1.025 on the log
    // axis) so their bars do not overlap.
    for (name, color, label, shift) in [
        (Dynamics::Sgd, SGD, "SGD: Hill ± 95% interval", 1.0 / 1.025),
        (Dynamics::Hsgd, HSGD, "hSGD: Hill ± 95% interval", 1.025),
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
        for &(x, hill, (lo, hi)) in &at {
            ink.lines.push(vec![(x, clip(lo)), (x, clip(hi))]);
            ink.points.push((x, clip(hill)));
        }
        labels.push(LegendEntry::new(label, color, Mark::Dot));
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
    draw_legend(
        &mut chart,
        &ink,
        &labels,
        SeriesLabelPosition::UpperRight,
        style,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::bounds;
    use crate::report::sweep::MethodPoint;
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

    fn point(x: f64, methods: &[Dynamics]) -> SweepPoint {
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
                    method: *m,
                    runs: 100,
                    diverged: 0,
                    hill: Some(3.0),
                    k: Some(25),
                    std_err: Some(0.6),
                    interval: Some((1.8, 4.2)),
                    moment_xi_interval: None,
                    power_law_tail: None,
                    verdict: None,
                    verdict_runs_needed: None,
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
        let points = vec![point(0.01, &Dynamics::ALL), point(0.05, &Dynamics::ALL)];
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
        let svg = super::tests::svg(&plan, &[point(0.05, &[Dynamics::Sgd])]);
        assert!(!svg.contains("γ̄ =") && !svg.contains("γ₂"));
        assert!(svg.contains("batch size B (log)"));
        assert!(!svg.contains("hSGD: Hill"));
    }
}
