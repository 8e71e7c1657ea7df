//! The timeline's plots against the step t (log axis), from the checkpoints of
//! [`crate::report::evolution`]: the measured tail index (Hill, with its 95% interval as a
//! bar) beside the reference levels it should approach (hSGD's bounds η_* and η*, SGD's
//! own α_SGD), and the variance of the inspected coordinate (log axis) beside the
//! theory's stationary variance, its limit. A vertical line marks the frame on screen.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Ink, LegendEntry, Mark};
use super::style::{
    draw_axes, draw_message, format_tick, linear_axis, log_axis, y_label_area, Axis, DrawResult,
    Style, MUTED,
};

/// One method's values at the checkpoints.
#[derive(Clone, Debug)]
pub struct StepSeries {
    /// The legend text.
    pub label: String,
    /// The marks' colour.
    pub color: RGBColor,
    /// The checkpoints where the value exists.
    pub points: Vec<StepPoint>,
}

/// A value at a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepPoint {
    /// The step t.
    pub step: f64,
    /// The value there.
    pub value: f64,
    /// Its 95% interval, when it has one.
    pub interval: Option<(f64, f64)>,
}

/// A horizontal reference level.
#[derive(Clone, Debug)]
pub struct Level {
    /// The legend text.
    pub label: String,
    /// The level.
    pub value: f64,
    /// The line's colour.
    pub color: RGBColor,
}

/// The y axis of a step plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Linear (the tail index).
    Linear,
    /// Logarithmic (the variance, which grows over decades).
    Log,
}

/// Draws `series` (marks with interval bars) and the `levels` against the step over
/// 1..=`last_step` on a log x axis, the y axis at `scale` titled `y_title` and cut at
/// `y_cap` (an early index of a nearly Gaussian law can be 20 or more; the marks above
/// the cap are drawn on it), with a vertical line at `marker` (the frame on screen).
#[allow(clippy::too_many_arguments)]
pub fn draw_step_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[StepSeries],
    levels: &[Level],
    last_step: usize,
    scale: Scale,
    y_title: &str,
    y_cap: Option<f64>,
    marker: Option<usize>,
    style: &Style,
) -> DrawResult<(), DB> {
    let values = || {
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.value))
            .chain(levels.iter().map(|l| l.value))
            .filter(|v| v.is_finite() && (scale == Scale::Linear || *v > 0.0))
    };
    if values().next().is_none() || last_step < 2 {
        return draw_message(area, "no checkpoints recorded", style);
    }
    let cap = y_cap.unwrap_or(f64::INFINITY);
    let y_max = values().fold(f64::MIN, f64::max).min(cap);
    let y_min = values().fold(f64::MAX, f64::min);
    let x_axis = log_axis(1.0, last_step as f64);
    let (y_axis, hi) = match scale {
        Scale::Linear => {
            let hi = y_max * 1.15;
            let lo = (y_min - 0.1 * (hi - y_min)).max(0.0);
            let lo = if lo < hi { lo } else { hi - 1.0 };
            (linear_axis(lo, hi), hi)
        }
        Scale::Log => {
            let hi = y_max * 3.0;
            (log_axis(y_min / 1.5, hi), hi)
        }
    };
    draw_on(
        area,
        x_axis,
        y_axis,
        series,
        levels,
        (y_title, hi),
        marker,
        style,
    )
}

/// [`draw_step_plot`] on the axes `x` and `y`; `(y_title, y_top)`: the y axis's title and
/// its top, where marks above it are drawn.
#[allow(clippy::too_many_arguments)]
fn draw_on<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: Axis,
    y: Axis,
    series: &[StepSeries],
    levels: &[Level],
    (y_title, y_top): (&str, f64),
    marker: Option<usize>,
    style: &Style,
) -> DrawResult<(), DB> {
    let (x_lo, x_hi) = (x.range().start, x.range().end);
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.margin_top(16.0))
        .margin_right(style.px(20.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(y_label_area(area, style, &y, 5, &|v| format_tick(*v), 56.0))
        .build_cartesian_2d(x, y)?;
    draw_axes(
        &mut chart,
        style,
        ("step t (log)", y_title),
        (6, 5),
        &|v| format_tick(*v),
        &|v| format_tick(*v),
    )?;
    let width = style.px(2.0);
    let swatch = style.px(20.0) as i32;
    let radius = style.px(3.0) as i32;
    let mut ink = Ink::default();
    let mut labels: Vec<LegendEntry> = Vec::new();
    if let Some(step) = marker {
        let t = step as f64;
        chart.draw_series(LineSeries::new(
            [(t, f64::MIN_POSITIVE), (t, y_top)],
            MUTED.stroke_width(style.px(1.0)),
        ))?;
    }
    for level in levels {
        let line = vec![(x_lo, level.value), (x_hi, level.value)];
        ink.lines.push(line.clone());
        labels.push(LegendEntry::new(&level.label, level.color, Mark::Dashed));
        let color = level.color;
        chart
            .draw_series(DashedLineSeries::new(
                line,
                style.px(6.0),
                style.px(4.0),
                color.stroke_width(width),
            ))?
            .label(level.label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], color.stroke_width(width))
            });
    }
    for s in series {
        let color = s.color;
        let capped: Vec<(f64, f64)> = s
            .points
            .iter()
            .map(|p| (p.step, p.value.min(y_top)))
            .collect();
        for p in &s.points {
            if let Some((lo, hi)) = p.interval {
                let bar = vec![(p.step, lo.min(y_top)), (p.step, hi.min(y_top))];
                ink.lines.push(bar.clone());
                chart.draw_series(LineSeries::new(bar, color.mix(0.5).stroke_width(width)))?;
            }
        }
        ink.lines.push(capped.clone());
        labels.push(LegendEntry::new(&s.label, s.color, Mark::Dot));
        chart.draw_series(LineSeries::new(
            capped.clone(),
            color.mix(0.6).stroke_width(style.px(1.0)),
        ))?;
        chart
            .draw_series(
                capped
                    .iter()
                    .map(|&p| Circle::new(p, radius, color.filled())),
            )?
            .label(s.label.as_str())
            .legend(move |(x, y)| Circle::new((x + swatch / 2, y), radius, color.filled()));
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
    use crate::plots::style::{HSGD, SGD, THEORY};

    fn render(
        series: &[StepSeries],
        levels: &[Level],
        scale: Scale,
        marker: Option<usize>,
    ) -> String {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            area.fill(&WHITE).unwrap();
            draw_step_plot(
                &area,
                series,
                levels,
                1000,
                scale,
                "tail index",
                Some(10.0),
                marker,
                &Style::default(),
            )
            .unwrap();
        }
        svg
    }

    fn circles(svg: &str, color: &str) -> usize {
        svg.split("<circle")
            .skip(1)
            .filter(|t| t[..t.find("/>").unwrap()].contains(color))
            .count()
    }

    #[test]
    fn every_checkpoint_is_a_mark_with_its_bar_and_the_levels_are_drawn() {
        let points: Vec<StepPoint> = [1.0, 10.0, 100.0, 1000.0]
            .iter()
            .zip([30.0, 8.0, 4.0, 3.0])
            .map(|(&step, value)| StepPoint {
                step,
                value,
                interval: Some((value - 0.5, value + 0.5)),
            })
            .collect();
        let series = [
            StepSeries {
                label: "Hill (SGD)".into(),
                color: SGD,
                points: points.clone(),
            },
            StepSeries {
                label: "Hill (hSGD)".into(),
                color: HSGD,
                points: points[1..].to_vec(),
            },
        ];
        let levels = [Level {
            label: "upper bound η* = 2.96".into(),
            value: 2.96,
            color: THEORY,
        }];
        let svg = render(&series, &levels, Scale::Linear, Some(100));
        // One mark per point plus the legend's swatch.
        assert_eq!(circles(&svg, "#2563EB"), 5, "{svg}");
        assert_eq!(circles(&svg, "#EA580C"), 4);
        for text in [
            "Hill (SGD)",
            "upper bound η* = 2.96",
            "step t (log)",
            "tail index",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        // The marker is a line in the muted colour.
        assert!(svg.contains("#6B7280"));
        let svg = render(&series, &levels, Scale::Log, None);
        assert_eq!(circles(&svg, "#2563EB"), 5);
    }

    #[test]
    fn nothing_to_draw_says_so() {
        let svg = render(&[], &[], Scale::Linear, None);
        assert!(svg.contains("no checkpoints recorded"));
    }
}
