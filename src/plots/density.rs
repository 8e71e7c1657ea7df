//! Histograms of one or two samples as densities with law densities drawn over them
//! (MATH.md §4.2: the fitted Gaussian, Student t, Pearson IV and α-stable laws, and §3
//! the Pearson IV law the diffusion model predicts), with a legend.
//!
//! Bars are the [`Histogram`] densities count / (N·width), so they are on the scale of a
//! density curve f(x). A curve is f evaluated on an even grid over the range shown.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::histogram::Histogram;
use super::legend::{draw_legend, Ink, LegendEntry, Mark};
use super::style::{
    draw_axes, format_tick, linear_axis, log_axis, y_label_area, Axis, Chart, DrawResult, Style,
};
use crate::stats::distributions::Law;

/// Points on each density curve.
const CURVE_POINTS: usize = 200;

/// A labelled curve (x, y) to draw over a plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// The legend text.
    pub label: String,
    /// The line colour.
    pub color: RGBColor,
    /// Dashed (the theory) rather than solid (fits).
    pub dashed: bool,
    /// The points, in increasing x, all finite.
    pub points: Vec<(f64, f64)>,
}

/// The density of `law` on [`CURVE_POINTS`] even points of [lo, hi] (non-finite values
/// are left out).
pub fn density_curve(label: &str, color: RGBColor, law: &dyn Law, lo: f64, hi: f64) -> Curve {
    let points = (0..CURVE_POINTS)
        .map(|i| {
            let x = lo + (hi - lo) * i as f64 / (CURVE_POINTS - 1) as f64;
            (x, law.pdf(x))
        })
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    Curve {
        label: label.to_string(),
        color,
        dashed: false,
        points,
    }
}

/// One sample's histogram on the plot.
pub struct Bars<'a> {
    /// The legend text.
    pub label: &'a str,
    /// The bins.
    pub hist: &'a Histogram,
    /// The bar colour.
    pub color: RGBColor,
}

/// Draws the histograms `bars` (overlaid, translucent), the `curves` over them, a legend,
/// and `x_label` under the x axis. The x range covers every histogram. With a linear y
/// axis the range is 2.2 times the tallest bar, leaving the top for the legend (curves
/// are clipped to it, so a narrow fit spike cannot squash the bars). With `log_y` the
/// axis starts at half the smallest nonzero bar (empty bins are not drawn; curves below
/// that floor run along it) and leaves the top half of its decades for the legend, which
/// shows the tails: a power law is a straight line only on log-log axes, but log y alone
/// already separates a Gaussian's parabola from a heavy tail's slow decay.
/// When the legend has a band of its own above the plot ([`Style::legend_band`]), the
/// axis keeps only a little air above the bars.
pub fn draw_densities<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &[Bars],
    curves: &[Curve],
    x_label: &str,
    log_y: bool,
    style: &Style,
) -> DrawResult<(), DB> {
    let lo = bars.iter().map(|b| b.hist.lo).fold(f64::INFINITY, f64::min);
    let hi = bars
        .iter()
        .map(|b| b.hist.hi())
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo < hi { (lo, hi) } else { (-1.0, 1.0) };
    let tallest = bars
        .iter()
        .map(|b| b.hist.max_density())
        .fold(0.0, f64::max);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(style.px(10.0))
        .margin_top(style.margin_top(22.0))
        .x_label_area_size(style.px(44.0));
    if log_y {
        let smallest = bars
            .iter()
            .flat_map(|b| (0..b.hist.counts.len()).map(|i| b.hist.density(i)))
            .filter(|&d| d > 0.0)
            .fold(f64::INFINITY, f64::min);
        let (floor, top) = if smallest.is_finite() && tallest > 0.0 {
            let floor = 0.5 * smallest;
            // Bars fill the lower half of the decades: top = tallest·(tallest/floor), and
            // at least a decade above the tallest for the legend; with a band of its own
            // above the plot, the legend needs none of them (a factor 2 of air).
            let room = if style.legend_band > 0 {
                2.0
            } else {
                (tallest / floor).max(10.0)
            };
            (floor, tallest * room)
        } else {
            (0.1, 1.0)
        };
        draw_on_axis(
            area,
            builder,
            lo..hi,
            log_axis(floor, top),
            bars,
            curves,
            x_label,
            (floor, top),
            style,
        )
    } else {
        // Head room for the legend above the bars (only a little air when the legend has
        // a band of its own above the plot).
        let head = if style.legend_band > 0 { 1.15 } else { 2.2 };
        let top = if tallest > 0.0 { tallest * head } else { 1.0 };
        draw_on_axis(
            area,
            builder,
            lo..hi,
            linear_axis(0.0, top),
            bars,
            curves,
            x_label,
            (0.0, top),
            style,
        )
    }
}

/// The y ticks of the density plot (the label area is measured on the same ones).
const Y_TICKS: usize = 5;

/// Builds the chart on `y_axis` (log or linear), its y label area fitted to its ticks, and
/// draws [`draw_bars_and_curves`] on it.
#[allow(clippy::too_many_arguments)]
fn draw_on_axis<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    mut builder: ChartBuilder<'a, '_, DB>,
    x: std::ops::Range<f64>,
    y_axis: Axis,
    bars: &[Bars],
    curves: &[Curve],
    x_label: &str,
    range: (f64, f64),
    style: &Style,
) -> DrawResult<(), DB> {
    builder.y_label_area_size(y_label_area(
        area,
        style,
        &y_axis,
        Y_TICKS,
        &|y| format_tick(*y),
        56.0,
    ));
    let mut chart = builder.build_cartesian_2d(linear_axis(x.start, x.end), y_axis)?;
    draw_bars_and_curves(&mut chart, bars, curves, x_label, range, style)
}

/// The axes, bars, curves and legend of [`draw_densities`] on a linear or a log y axis
/// spanning `(floor, top)`: bars start at the floor and those with a density not above it
/// are left out; curves are clipped to the range.
fn draw_bars_and_curves<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    bars: &[Bars],
    curves: &[Curve],
    x_label: &str,
    (floor, top): (f64, f64),
    style: &Style,
) -> DrawResult<(), DB> {
    let (lo, hi) = (chart.x_range().start, chart.x_range().end);
    // A tick at a rounding error of zero reads "0", not "-1.4e-17".
    let zero = 1e-9 * (hi - lo);
    let x_tick = move |x: &f64| format_tick(if x.abs() < zero { 0.0 } else { *x });
    draw_axes(
        chart,
        style,
        (
            x_label,
            if floor > 0.0 {
                "density (log)"
            } else {
                "density"
            },
        ),
        (6, Y_TICKS),
        &x_tick,
        &|y| format_tick(*y),
    )?;
    let mut ink = Ink::default();
    let mut labels = Vec::new();
    let opacity = if bars.len() > 1 { 0.45 } else { 0.75 };
    let swatch = style.px(5.0) as i32;
    for b in bars {
        let h = b.hist;
        let color = b.color;
        // The bars' tops: a legend above them covers nothing.
        ink.lines.push(
            (0..h.counts.len())
                .flat_map(|i| {
                    let x0 = h.lo + i as f64 * h.width;
                    let y = h.density(i).clamp(floor, top);
                    [(x0, y), (x0 + h.width, y)]
                })
                .collect(),
        );
        labels.push(LegendEntry::new(b.label, color, Mark::Fill(opacity)));
        chart
            .draw_series(
                (0..h.counts.len())
                    .filter(|&i| floor == 0.0 || h.density(i) > floor)
                    .map(|i| {
                        let x0 = h.lo + i as f64 * h.width;
                        Rectangle::new(
                            [(x0, floor), (x0 + h.width, h.density(i).min(top))],
                            color.mix(opacity).filled(),
                        )
                    }),
            )?
            .label(b.label)
            .legend(move |(x, y)| {
                Rectangle::new(
                    [(x, y - swatch), (x + 2 * swatch, y + swatch)],
                    color.mix(opacity).filled(),
                )
            });
    }
    let width = style.px(2.0);
    for c in curves {
        let color = c.color;
        ink.lines.push(
            c.points
                .iter()
                .map(|&(x, y)| (x, y.clamp(floor, top)))
                .collect(),
        );
        let mark = if c.dashed { Mark::Dashed } else { Mark::Line };
        labels.push(LegendEntry::new(c.label.as_str(), color, mark));
        let line = color.stroke_width(width);
        let points = c.points.iter().map(move |&(x, y)| (x, y.clamp(floor, top)));
        let legend = move |(x, y): (i32, i32)| {
            PathElement::new(vec![(x, y), (x + 4 * swatch, y)], color.stroke_width(width))
        };
        if c.dashed {
            chart
                .draw_series(DashedLineSeries::new(
                    points,
                    style.px(6.0),
                    style.px(4.0),
                    line,
                ))?
                .label(c.label.as_str())
                .legend(legend);
        } else {
            chart
                .draw_series(LineSeries::new(points, line))?
                .label(c.label.as_str())
                .legend(legend);
        }
    }
    draw_legend(chart, &ink, &labels, SeriesLabelPosition::UpperRight, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::style::SGD;
    use crate::stats::distributions::FittedLaw;

    #[test]
    fn density_curve_is_the_law_pdf() {
        let law = FittedLaw::Gaussian {
            mu: 0.0,
            sigma: 1.0,
        }
        .law()
        .unwrap();
        let c = density_curve("N(0,1)", SGD, law.as_ref(), -2.0, 2.0);
        assert_eq!(c.points.len(), CURVE_POINTS);
        // Closed form: φ(0) = 1/√(2π), φ(±2) = e^{−2}/√(2π).
        let phi0 = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
        let mid = c.points.iter().find(|(x, _)| x.abs() < 0.011).unwrap();
        assert!((mid.1 - phi0 * libm::exp(-0.5 * mid.0 * mid.0)).abs() < 1e-12);
        assert!((c.points[0].1 - phi0 * libm::exp(-2.0)).abs() < 1e-12);
        assert_eq!(c.points[0].0, -2.0);
        assert_eq!(c.points[CURVE_POINTS - 1].0, 2.0);
    }

    #[test]
    fn svg_has_both_samples_curves_and_legend() {
        let a: Vec<f64> = (0..500).map(|i| f64::from(i % 50) / 10.0).collect();
        let b: Vec<f64> = (0..500).map(|i| f64::from(i % 40) / 8.0).collect();
        let (ha, hb) = (
            Histogram::new(&a, 0.0).unwrap(),
            Histogram::new(&b, 0.0).unwrap(),
        );
        let law = FittedLaw::StudentT {
            loc: 2.5,
            scale: 1.0,
            df: 3.0,
        }
        .law()
        .unwrap();
        let mut fit = density_curve("Student t fit", RGBColor(200, 0, 0), law.as_ref(), 0.0, 5.0);
        let mut theory = fit.clone();
        theory.label = "theory".into();
        theory.dashed = true;
        fit.points.truncate(100);
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            area.fill(&WHITE).unwrap();
            let bars = [
                Bars {
                    label: "SGD",
                    hist: &ha,
                    color: SGD,
                },
                Bars {
                    label: "hSGD",
                    hist: &hb,
                    color: RGBColor(0xea, 0x58, 0x0c),
                },
            ];
            draw_densities(&area, &bars, &[fit, theory], "q1", false, &Style::default()).unwrap();
            area.present().unwrap();
        }
        // Overlaid bars at opacity 0.45, one per bin of each histogram, plus 2 swatches.
        let sgd = svg.matches(r##"opacity="0.45" fill="#2563EB""##).count();
        assert_eq!(sgd, ha.counts.len() + 1, "{svg}");
        let hsgd = svg.matches(r##"opacity="0.45" fill="#EA580C""##).count();
        assert_eq!(hsgd, hb.counts.len() + 1);
        for text in ["SGD", "hSGD", "Student t fit", "theory", "density", "q1"] {
            assert!(
                svg.contains(&format!(">\n{text}\n<")),
                "missing {text}: {svg}"
            );
        }
        assert!(svg.contains("#C80000"));
    }

    /// (y, height) of every `<rect>` of an SVG filled with `fill` at `opacity`.
    fn rects(svg: &str, opacity: &str, fill: &str) -> Vec<(f64, f64)> {
        let attr = |tag: &str, name: &str| -> f64 {
            let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            let end = start + tag[start..].find('"').unwrap();
            tag[start..end].parse().unwrap()
        };
        svg.split("<rect")
            .skip(1)
            .map(|t| &t[..t.find("/>").unwrap()])
            .filter(|t| t.contains(&format!(r#"opacity="{opacity}" fill="{fill}""#)))
            .map(|t| (attr(t, "y"), attr(t, "height")))
            .collect()
    }

    #[test]
    fn log_y_leaves_out_empty_bins_and_scales_bars_logarithmically() {
        // Counts 100, 10, 0, 1 of 111 values: densities c/111, floor = half the smallest
        // nonzero one, 0.5/111; on a log axis a bar's height is ∝ ln(density/floor) =
        // ln(2c): ln 200, ln 20, ln 2.
        let hist = Histogram {
            lo: 0.0,
            width: 1.0,
            counts: vec![100, 10, 0, 1],
            below: 0,
            above: 0,
            total: 111,
        };
        let render = |log_y: bool| {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
                area.fill(&WHITE).unwrap();
                let bars = [Bars {
                    label: "SGD",
                    hist: &hist,
                    color: SGD,
                }];
                draw_densities(&area, &bars, &[], "x", log_y, &Style::default()).unwrap();
            }
            svg
        };
        let log = render(true);
        let drawn = rects(&log, "0.75", "#2563EB");
        // Three bars and the legend swatch (last).
        assert_eq!(drawn.len(), 4, "{log}");
        let heights: Vec<f64> = drawn[..3].iter().map(|r| r.1).collect();
        let expected = [200.0_f64, 20.0, 2.0].map(libm::log);
        for (h, e) in heights.iter().zip(expected) {
            let scaled = e / expected[0] * heights[0];
            assert!(
                (h - scaled).abs() <= 2.0,
                "heights {heights:?}, expected ∝ {expected:?}"
            );
        }
        // Bars stand on the same floor.
        let bottoms: Vec<f64> = drawn[..3].iter().map(|r| r.0 + r.1).collect();
        assert!(
            bottoms.iter().all(|b| (b - bottoms[0]).abs() <= 1.0),
            "{bottoms:?}"
        );
        assert!(log.contains("density (log)"));
        // Linear: four bars (the empty one with zero height), heights ∝ counts.
        let linear = render(false);
        let drawn = rects(&linear, "0.75", "#2563EB");
        assert_eq!(drawn.len(), 5);
        assert!((drawn[0].1 / 10.0 - drawn[1].1).abs() <= 1.0, "{drawn:?}");
        assert!(!linear.contains("density (log)"));
    }
}
