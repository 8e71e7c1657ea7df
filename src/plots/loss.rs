//! The loss curve: the ridge objective f(x_k) = (1/2n)|Ax_k − b|² + (δ/2)|x_k|² (MATH.md
//! §0) against the step k, averaged over the first few runs (the simulators record it at
//! thinned steps, `sgd::Record`), on a log y axis, for SGD and hSGD when both ran, with
//! the minimum f(x*) as a dashed reference line when it is known. The curve levels off
//! above f(x*): the stationary noise of SGD keeps the iterates away from the minimiser.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Ink, LegendEntry, Mark};
use super::style::{
    draw_axes, draw_message, format_tick, linear_axis, log_axis, y_label_area, DrawResult,
    PlotCoord, Style, THEORY,
};

/// One method's loss curve.
#[derive(Clone, Debug)]
pub struct LossSeries<'a> {
    /// The legend text.
    pub label: String,
    /// The line colour.
    pub color: RGBColor,
    /// The steps k at which the loss was recorded, increasing.
    pub steps: &'a [usize],
    /// f(x_k) at those steps (values ≤ 0 or not finite are left out: no place on a log
    /// axis).
    pub loss: &'a [f64],
}

impl LossSeries<'_> {
    /// The points (k, f(x_k)) that can be drawn.
    pub fn points(&self) -> Vec<(f64, f64)> {
        self.steps
            .iter()
            .zip(self.loss)
            .filter(|(_, f)| f.is_finite() && **f > 0.0)
            .map(|(&k, &f)| (k as f64, f))
            .collect()
    }
}

/// Draws the curves of `series` on a log y axis and, when `minimum` is finite and
/// positive, the line f = minimum, with a legend. Returns the chart's coordinates, or
/// `None` (with a message drawn instead) when no curve has a point to draw.
pub fn draw_loss<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[LossSeries],
    minimum: Option<f64>,
    style: &Style,
) -> DrawResult<Option<PlotCoord>, DB> {
    let curves: Vec<Vec<(f64, f64)>> = series.iter().map(LossSeries::points).collect();
    let all = || curves.iter().flatten();
    if all().next().is_none() {
        draw_message(area, "no loss curve recorded", style)?;
        return Ok(None);
    }
    let minimum = minimum.filter(|m| m.is_finite() && *m > 0.0);
    let k_max = all().map(|p| p.0).fold(0.0, f64::max);
    let y_max = all().map(|p| p.1).fold(f64::MIN_POSITIVE, f64::max);
    let y_min = all()
        .map(|p| p.1)
        .chain(minimum)
        .fold(f64::INFINITY, f64::min);
    // Whole decades, so the log axis has labelled ticks (as in the spectrum plot), with
    // head room above the curves for the legend.
    let lo = libm::pow(10.0, libm::floor(libm::log10(y_min / 1.05))) * (1.0 - 1e-9);
    let hi = libm::pow(10.0, libm::ceil(libm::log10(y_max * 4.0)));
    let k_max = if k_max > 0.0 { k_max } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.margin_top(16.0))
        // Room for the last step's tick label, centred on the right edge.
        .margin_right(style.px(20.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(y_label_area(
            area,
            style,
            &log_axis(lo, hi),
            6,
            &|y| format_tick(*y),
            56.0,
        ))
        .build_cartesian_2d(linear_axis(0.0, k_max), log_axis(lo, hi))?;
    draw_axes(
        &mut chart,
        style,
        ("step k", "loss f(xₖ) (log)"),
        (6, 6),
        &|x| format_tick(*x),
        &|y| format_tick(*y),
    )?;
    let width = style.px(2.0);
    let swatch = style.px(20.0) as i32;
    let mut ink = Ink::default();
    let mut labels = Vec::new();
    for (s, points) in series.iter().zip(curves) {
        ink.lines.push(points.clone());
        let color = s.color;
        labels.push(LegendEntry::new(s.label.as_str(), color, Mark::Line));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(width)))?
            .label(s.label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], color.stroke_width(width))
            });
    }
    let minimum_label = minimum.map(|m| format!("minimum f(x*) = {}", format_tick(m)));
    if let (Some(m), Some(label)) = (minimum, &minimum_label) {
        ink.lines.push(vec![(0.0, m), (k_max, m)]);
        labels.push(LegendEntry::new(label.as_str(), THEORY, Mark::Dashed));
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, m), (k_max, m)],
                style.px(6.0),
                style.px(4.0),
                THEORY.stroke_width(width),
            ))?
            .label(label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], THEORY.stroke_width(width))
            });
    }
    draw_legend(
        &mut chart,
        &ink,
        &labels,
        SeriesLabelPosition::UpperRight,
        style,
    )?;
    Ok(Some(chart.as_coord_spec().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::style::{HSGD, SGD};

    /// The vertices of every `<polyline>` of an SVG drawn in `color` (`#RRGGBB`).
    fn polylines(svg: &str, color: &str) -> Vec<Vec<(i32, i32)>> {
        svg.split("<polyline")
            .skip(1)
            .filter(|t| t[..t.find("/>").unwrap()].contains(color))
            .map(|t| {
                let start = t.find("points=\"").unwrap() + 8;
                let end = start + t[start..].find('"').unwrap();
                t[start..end]
                    .split_whitespace()
                    .map(|xy| {
                        let (x, y) = xy.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect()
            })
            .collect()
    }

    fn render(series: &[LossSeries], minimum: Option<f64>) -> (String, Option<PlotCoord>) {
        let mut svg = String::new();
        let coord = {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            area.fill(&WHITE).unwrap();
            draw_loss(&area, series, minimum, &Style::default()).unwrap()
        };
        (svg, coord)
    }

    #[test]
    fn curves_pass_through_their_points_on_a_log_axis() {
        // f_k = 0.1 + 10·2^(−k/10): decays over two decades towards 0.1.
        let steps: Vec<usize> = (0..=100).step_by(10).collect();
        let sgd: Vec<f64> = steps
            .iter()
            .map(|&k| 0.1 + 10.0 * libm::pow(2.0, -(k as f64) / 10.0))
            .collect();
        // hSGD: a zero (clamped loss) and a NaN are left out.
        let mut hsgd: Vec<f64> = sgd.iter().map(|f| 1.2 * f).collect();
        hsgd[3] = 0.0;
        hsgd[4] = f64::NAN;
        let series = [
            LossSeries {
                label: "SGD".into(),
                color: SGD,
                steps: &steps,
                loss: &sgd,
            },
            LossSeries {
                label: "hSGD".into(),
                color: HSGD,
                steps: &steps,
                loss: &hsgd,
            },
        ];
        let (svg, coord) = render(&series, Some(0.05));
        let coord = coord.unwrap();
        // Each colour: the curve, then the legend's swatch.
        let blue = polylines(&svg, "#2563EB");
        assert_eq!(blue.len(), 2, "{svg}");
        assert_eq!(blue[0].len(), steps.len());
        for ((&k, &f), &(px, py)) in steps.iter().zip(&sgd).zip(&blue[0]) {
            let (x, y) = coord.translate(&(k as f64, f));
            assert!(
                (x - px).abs() <= 1 && (y - py).abs() <= 1,
                "k = {k}: {:?} vs {:?}",
                (x, y),
                (px, py)
            );
        }
        let orange = polylines(&svg, "#EA580C");
        assert_eq!(orange[0].len(), steps.len() - 2);
        // Log axis: equal ratios are equal pixel steps; 10 → 1 spans as much as 1 → 0.1.
        let (_, y10) = coord.translate(&(0.0, 10.0));
        let (_, y1) = coord.translate(&(0.0, 1.0));
        let (_, y01) = coord.translate(&(0.0, 0.1));
        assert!(((y1 - y10) - (y01 - y1)).abs() <= 1, "{y10} {y1} {y01}");
        // The minimum: a dashed horizontal line at f = 0.05.
        let (_, y_min) = coord.translate(&(0.0, 0.05));
        let dashes = polylines(&svg, "#111827");
        assert!(dashes.len() > 5);
        let on_line = dashes[..dashes.len() - 1]
            .iter()
            .flatten()
            .all(|&(_, y)| (y - y_min).abs() <= 1);
        assert!(on_line, "{dashes:?} vs y = {y_min}");
        for text in ["SGD", "hSGD", "minimum f(x*) = 0.05", "step k"] {
            assert!(svg.contains(text), "missing {text}");
        }
    }

    #[test]
    fn without_a_minimum_or_points() {
        let steps = [0, 5, 10];
        let loss = [3.0, 2.0, 1.5];
        let series = [LossSeries {
            label: "SGD".into(),
            color: SGD,
            steps: &steps,
            loss: &loss,
        }];
        let (svg, coord) = render(&series, Some(0.0));
        assert!(coord.is_some());
        assert!(
            !svg.contains("minimum"),
            "a zero minimum has no place on a log axis"
        );
        let zeros = [0.0, 0.0, f64::INFINITY];
        let series = [LossSeries {
            label: "SGD".into(),
            color: SGD,
            steps: &steps,
            loss: &zeros,
        }];
        let (svg, coord) = render(&series, None);
        assert!(coord.is_none());
        assert!(svg.contains("no loss curve recorded"));
    }
}
