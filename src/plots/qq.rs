//! QQ plots (MATH.md §4.2; the paper's QQ figure against the fitted Student t): the i-th
//! smallest value of a sample against the fitted law's quantile F⁻¹((i − ½)/N) at the same
//! plotting position ([`crate::stats::fits::qq_points`]). A law that describes the sample puts the
//! points on the line y = x; tails lighter than the law's bend towards the x axis at both
//! ends, heavier ones away from it.
//!
//! One function draws any number of samples (SGD and hSGD, each against its own fit) with
//! the line y = x and a legend. The axes cover the points separately (x the fitted
//! quantiles, y the sample's), so a fit whose extreme quantiles lie far beyond the data
//! does not squash the points into a corner; y = x is drawn where the two ranges overlap.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Ink, LegendEntry, Mark};
use super::style::{
    draw_axes, draw_message, format_tick, linear_axis, y_label_area, DrawResult, PlotCoord, Style,
    THEORY,
};
use crate::stats::fits::QqPoint;

/// One sample's QQ points on the plot.
#[derive(Clone, Debug)]
pub struct QqSeries<'a> {
    /// The legend text.
    pub label: String,
    /// The marker colour.
    pub color: RGBColor,
    /// The points (those with a non-finite coordinate are skipped).
    pub points: &'a [QqPoint],
}

/// The range [lo, hi] of `values` widened by 5% on each side (a unit window around a
/// single value); `None` when no value is finite.
fn padded_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let pad = if hi > lo {
        0.05 * (hi - lo)
    } else {
        0.5 * lo.abs().max(1.0)
    };
    Some((lo - pad, hi + pad))
}

/// A tick label; a rounding error of zero (relative to the axis `span`) reads "0", not
/// "-2.8e-17".
fn tick(value: f64, span: f64) -> String {
    format_tick(if value.abs() < 1e-9 * span {
        0.0
    } else {
        value
    })
}

fn finite(p: &QqPoint) -> bool {
    p.fitted.is_finite() && p.empirical.is_finite()
}

/// Draws the QQ points of each of `series` (fitted quantile on x, sample quantile on y),
/// the line y = x and a legend; `law` names the fitted law ("Student t") in the x axis
/// label. Returns the chart's coordinates, or `None` (with a message drawn
/// instead) when no series has a finite point.
pub fn draw_qq<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[QqSeries],
    law: &str,
    style: &Style,
) -> DrawResult<Option<PlotCoord>, DB> {
    let points = || {
        series
            .iter()
            .flat_map(|s| s.points.iter().filter(|p| finite(p)))
    };
    let (Some((x_lo, x_hi)), Some((y_lo, y_hi))) = (
        padded_range(points().map(|p| p.fitted)),
        padded_range(points().map(|p| p.empirical)),
    ) else {
        draw_message(area, &format!("no {law} fit to compare with"), style)?;
        return Ok(None);
    };
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.margin_top(16.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(y_label_area(
            area,
            style,
            &linear_axis(y_lo, y_hi),
            6,
            &|y| tick(*y, y_hi - y_lo),
            56.0,
        ))
        .build_cartesian_2d(linear_axis(x_lo, x_hi), linear_axis(y_lo, y_hi))?;
    draw_axes(
        &mut chart,
        style,
        (&format!("quantile of the fitted {law}"), "sample quantile"),
        (6, 6),
        &|x| tick(*x, x_hi - x_lo),
        &|y| tick(*y, y_hi - y_lo),
    )?;
    let width = style.px(2.0);
    let swatch = style.px(20.0) as i32;
    // y = x over the part of the plot where both coordinates are in range.
    let (lo, hi) = (x_lo.max(y_lo), x_hi.min(y_hi));
    let mut ink = Ink::default();
    let mut labels = Vec::new();
    if lo < hi {
        ink.lines.push(vec![(lo, lo), (hi, hi)]);
        labels.push(LegendEntry::new("y = x", THEORY, Mark::Dashed));
        chart
            .draw_series(DashedLineSeries::new(
                [(lo, lo), (hi, hi)],
                style.px(6.0),
                style.px(4.0),
                THEORY.stroke_width(width),
            ))?
            .label("y = x")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], THEORY.stroke_width(width))
            });
    }
    let radius = style.px(2.5);
    for s in series {
        let color = s.color;
        ink.points.extend(
            s.points
                .iter()
                .filter(|p| finite(p))
                .map(|p| (p.fitted, p.empirical)),
        );
        labels.push(LegendEntry::new(s.label.as_str(), color, Mark::Dot));
        chart
            .draw_series(
                s.points
                    .iter()
                    .filter(|p| finite(p))
                    .map(|p| Circle::new((p.fitted, p.empirical), radius, color.mix(0.7).filled())),
            )?
            .label(s.label.as_str())
            .legend(move |(x, y)| Circle::new((x + swatch / 2, y), radius, color.filled()));
    }
    draw_legend(
        &mut chart,
        &ink,
        &labels,
        SeriesLabelPosition::UpperLeft,
        style,
    )?;
    Ok(Some(chart.as_coord_spec().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::style::{SGD, STUDENT_T};
    use crate::stats::distributions::FittedLaw;
    use crate::stats::fits::qq_points;

    /// The (cx, cy) of every `<circle>` of an SVG, in document order.
    fn circles(svg: &str) -> Vec<(i32, i32)> {
        let attr = |tag: &str, name: &str| -> i32 {
            let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + tag[start..].find('"').unwrap();
            tag[start..end].parse().unwrap()
        };
        svg.split("<circle")
            .skip(1)
            .map(|tag| (attr(tag, "cx"), attr(tag, "cy")))
            .collect()
    }

    fn render(series: &[QqSeries]) -> (String, Option<PlotCoord>) {
        let mut svg = String::new();
        let coord = {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            area.fill(&WHITE).unwrap();
            draw_qq(&area, series, "Student t", &Style::default()).unwrap()
        };
        (svg, coord)
    }

    #[test]
    fn points_lie_at_their_quantiles() {
        // A sample of 300 values 2·u³ (u even in (−1, 1)) against N(0, 1): the plotted
        // point of rank i must sit at (Φ⁻¹((i − ½)/N), i-th smallest value).
        let sample: Vec<f64> = (0..300)
            .map(|i| {
                let u = (f64::from(i) + 0.5) / 150.0 - 1.0;
                2.0 * u * u * u
            })
            .collect();
        let law = FittedLaw::Gaussian {
            mu: 0.0,
            sigma: 1.0,
        }
        .law()
        .unwrap();
        let points = qq_points(&sample, law.as_ref(), 120);
        assert!(points.len() > 60 && points.len() <= 120);
        // Independent check of the points: Φ⁻¹(½) = 0 at the median rank (N even: the
        // middle positions 149.5/300 and 150.5/300 straddle it symmetrically).
        let first = points[0];
        assert!((first.empirical - 2.0 * libm::pow(0.5 / 150.0 - 1.0, 3.0)).abs() < 1e-12);
        assert!((first.probability - 0.5 / 300.0).abs() < 1e-15);
        let series = [QqSeries {
            label: "SGD".into(),
            color: SGD,
            points: &points,
        }];
        let (svg, coord) = render(&series);
        let coord = coord.expect("finite points give a chart");
        let drawn = circles(&svg);
        // One marker per point, then the legend's marker.
        assert_eq!(drawn.len(), points.len() + 1, "{svg}");
        for (p, &(cx, cy)) in points.iter().zip(&drawn) {
            let (x, y) = coord.translate(&(p.fitted, p.empirical));
            assert!(
                (x - cx).abs() <= 1 && (y - cy).abs() <= 1,
                "point {p:?} drawn at ({cx}, {cy}), expected ({x}, {y})"
            );
        }
        // The extreme ranks are the plot's corners: leftmost is lowest, rightmost highest.
        let (left, right) = (drawn[0], drawn[points.len() - 1]);
        assert!(left.0 < right.0 && left.1 > right.1);
        for text in ["SGD", "y = x", "quantile of the fitted Student t"] {
            assert!(svg.contains(text), "missing {text}");
        }
    }

    #[test]
    fn the_reference_line_is_the_diagonal() {
        let points: Vec<QqPoint> = (0..50)
            .map(|i| {
                let x = f64::from(i) / 10.0 - 2.5;
                QqPoint {
                    probability: (f64::from(i) + 0.5) / 50.0,
                    empirical: 1.5 * x,
                    fitted: x,
                }
            })
            .collect();
        let series = [QqSeries {
            label: "hSGD".into(),
            color: STUDENT_T,
            points: &points,
        }];
        let (svg, coord) = render(&series);
        let coord = coord.unwrap();
        // The dashed y = x line runs from (lo, lo) to (hi, hi), lo = max of the lower ends
        // of the two axes: x covers [−2.5, 2.4] ± 5%, y [−3.75, 3.6] ± 5%.
        let (lo, hi) = (-2.5 - 0.05 * 4.9, 2.4 + 0.05 * 4.9);
        let (x0, y0) = coord.translate(&(lo, lo));
        let (x1, y1) = coord.translate(&(hi, hi));
        // Its dashes are short <polyline>s on the segment between those pixels.
        let dashes: Vec<&str> = svg
            .split("<polyline")
            .skip(1)
            .filter(|t| t.contains("#111827"))
            .collect();
        assert!(dashes.len() > 5, "{svg}");
        for dash in &dashes[..dashes.len() - 1] {
            let start = dash.find("points=\"").unwrap() + 8;
            let end = start + dash[start..].find('"').unwrap();
            for xy in dash[start..end].split_whitespace() {
                let (px, py) = xy.split_once(',').unwrap();
                let (px, py): (f64, f64) = (px.parse().unwrap(), py.parse().unwrap());
                // Distance from the segment's line (x0, y0)–(x1, y1), in pixels.
                let (dx, dy) = (f64::from(x1 - x0), f64::from(y1 - y0));
                let cross = (px - f64::from(x0)) * dy - (py - f64::from(y0)) * dx;
                let distance = cross.abs() / (dx * dx + dy * dy).sqrt();
                assert!(distance < 1.5, "dash point ({px}, {py}) off the diagonal");
            }
        }
        assert!(svg.contains(">\nhSGD\n<"));
    }

    #[test]
    fn a_tick_at_a_rounding_error_of_zero_reads_zero() {
        assert_eq!(tick(-2.8e-17, 0.6), "0");
        assert_eq!(tick(0.1, 0.6), "0.1");
        assert_eq!(tick(-2.8e-17, 1e-15), "-2.8e-17");
    }

    #[test]
    fn no_points_say_so() {
        let bad = [QqPoint {
            probability: 0.5,
            empirical: f64::NAN,
            fitted: 1.0,
        }];
        let series = [QqSeries {
            label: "SGD".into(),
            color: SGD,
            points: &bad,
        }];
        let (svg, coord) = render(&series);
        assert!(coord.is_none());
        assert!(svg.contains("no Student t fit to compare with"), "{svg}");
        assert_eq!(circles(&svg).len(), 0);
        let (svg, coord) = render(&[]);
        assert!(coord.is_none() && svg.contains("to compare with"));
    }
}
