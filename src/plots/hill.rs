//! The Hill plot (MATH.md §4.2): the Hill estimate α̂(k) against the number k of upper
//! order statistics it uses (log x axis), with ± one standard error, the band
//! [lower, upper] of the diffusion model's tail-index bounds (MATH.md §3) shaded, and
//! SGD's own tail index α_SGD (MATH.md §4.3) as a horizontal line in its 95% band: what
//! Hill's estimate tends to far in the tail, if SGD is stationary.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Ink, LegendEntry, Mark};
use super::style::{
    draw_axes, format_tick, legend_fraction, linear_axis, log_axis, y_label_area, DrawResult,
    Style, SGD, SGD_INDEX, THEORY,
};
use crate::stats::estimators::HillPoint;

/// A tail index drawn as a horizontal line with a band (α_SGD ± 1.96 s.e.).
#[derive(Clone, Debug, PartialEq)]
pub struct IndexBand {
    /// The index.
    pub alpha: f64,
    /// Half the band's width (0: a line only).
    pub half_width: f64,
    /// The legend text.
    pub label: String,
}

/// Draws α̂(k) of `points` (finite ones) with its ±1 standard error band; when `band` =
/// (lower, upper) is finite and ordered, that range shaded across the plot, labelled
/// `band_label`; and `index` (α_SGD) as a line in its band. The y range leaves the legend
/// a strip at the top where no data lie.
pub fn draw_hill<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[HillPoint],
    band: (f64, f64),
    band_label: &str,
    index: Option<&IndexBand>,
    style: &Style,
) -> DrawResult<(), DB> {
    let index = index.filter(|i| {
        i.alpha.is_finite() && i.alpha > 0.0 && i.half_width.is_finite() && i.half_width >= 0.0
    });
    let pts: Vec<&HillPoint> = points
        .iter()
        .filter(|p| p.k >= 1 && p.alpha.is_finite() && p.std_err.is_finite())
        .collect();
    let k_lo = pts.iter().map(|p| p.k).min().unwrap_or(1).max(1) as f64;
    let k_hi = pts.iter().map(|p| p.k).max().unwrap_or(10) as f64;
    let k_hi = if k_hi > k_lo { k_hi } else { k_lo * 10.0 };
    let (lower, upper) = band;
    let has_band = lower.is_finite() && upper.is_finite() && lower <= upper;
    // The y range: the estimates from k ≥ 10 (the first few are noise) and the band.
    let mut y_hi = pts
        .iter()
        .filter(|p| p.k >= 10)
        .map(|p| p.alpha)
        .fold(0.0, f64::max);
    if has_band {
        y_hi = y_hi.max(upper);
    }
    if let Some(i) = index {
        y_hi = y_hi.max(i.alpha + i.half_width);
    }
    let entries = 1 + usize::from(has_band) + usize::from(index.is_some());
    let reserved = style.px(10.0) + style.px(16.0) + style.px(44.0);
    // With a band of its own above the plot, the legend needs no strip inside.
    let strip = if style.legend_band > 0 {
        0.0
    } else {
        legend_fraction(area.dim_in_pixel().1, reserved, entries, style)
    };
    let y_hi = if y_hi > 0.0 {
        y_hi * 1.08 / (1.0 - strip)
    } else {
        5.0
    };
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
        .build_cartesian_2d(log_axis(k_lo, k_hi), linear_axis(0.0, y_hi))?;
    draw_axes(
        &mut chart,
        style,
        ("k, upper order statistics used (log)", "Hill tail index α̂"),
        (6, 6),
        &|x| format_tick(*x),
        &|y| format_tick(*y),
    )?;
    let swatch = style.px(6.0) as i32;
    let mut ink = Ink::default();
    let mut labels = Vec::new();
    if has_band {
        labels.push(LegendEntry::new(band_label, THEORY, Mark::Fill(0.18)));
        ink.lines.push(vec![(k_lo, lower), (k_hi, lower)]);
        ink.lines.push(vec![(k_lo, upper), (k_hi, upper)]);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(k_lo, lower), (k_hi, upper.max(lower + 1e-3 * y_hi))],
                THEORY.mix(0.18).filled(),
            )))?
            .label(band_label)
            .legend(move |(x, y)| {
                Rectangle::new(
                    [(x, y - swatch), (x + 3 * swatch, y + swatch)],
                    THEORY.mix(0.18).filled(),
                )
            });
    }
    if let Some(i) = index {
        let (lo, hi) = (
            (i.alpha - i.half_width).max(0.0),
            (i.alpha + i.half_width).min(y_hi),
        );
        if hi > lo {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(k_lo, lo), (k_hi, hi)],
                SGD_INDEX.mix(0.15).filled(),
            )))?;
        }
        let width = style.px(2.0);
        labels.push(LegendEntry::new(i.label.as_str(), SGD_INDEX, Mark::Dashed));
        ink.lines.push(vec![(k_lo, i.alpha), (k_hi, i.alpha)]);
        chart
            .draw_series(DashedLineSeries::new(
                [(k_lo, i.alpha), (k_hi, i.alpha)],
                style.px(6.0),
                style.px(4.0),
                SGD_INDEX.stroke_width(width),
            ))?
            .label(i.label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 3 * swatch, y)],
                    SGD_INDEX.stroke_width(width),
                )
            });
    }
    let clip = |y: f64| y.clamp(0.0, y_hi);
    let mut upper_edge: Vec<(f64, f64)> = pts
        .iter()
        .map(|p| (p.k as f64, clip(p.alpha + p.std_err)))
        .collect();
    let lower_edge: Vec<(f64, f64)> = pts
        .iter()
        .rev()
        .map(|p| (p.k as f64, clip(p.alpha - p.std_err)))
        .collect();
    ink.lines.push(upper_edge.clone());
    ink.lines.push(lower_edge.clone());
    ink.lines
        .push(pts.iter().map(|p| (p.k as f64, clip(p.alpha))).collect());
    labels.push(LegendEntry::new("Hill α̂(k) ± 1 s.e.", SGD, Mark::Line));
    upper_edge.extend(lower_edge);
    if upper_edge.len() >= 3 {
        chart.draw_series(std::iter::once(Polygon::new(
            upper_edge,
            SGD.mix(0.2).filled(),
        )))?;
    }
    let width = style.px(2.0);
    chart
        .draw_series(LineSeries::new(
            pts.iter().map(|p| (p.k as f64, clip(p.alpha))),
            SGD.stroke_width(width),
        ))?
        .label("Hill α̂(k) ± 1 s.e.")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 3 * swatch, y)], SGD.stroke_width(width))
        });
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
    use crate::plots::style::svg_document;

    /// The Hill plot of `points` with the bounds labelled "bounds", at 640 × 400.
    fn render(points: &[HillPoint], bounds: (f64, f64), index: Option<&IndexBand>) -> String {
        svg_document((640, 400), |area| {
            draw_hill(area, points, bounds, "bounds", index, &Style::default())
        })
        .unwrap()
    }

    fn point(k: usize, alpha: f64) -> HillPoint {
        HillPoint {
            k,
            alpha,
            std_err: alpha / (k as f64).sqrt(),
        }
    }

    #[test]
    fn svg_has_the_band_the_curve_and_the_legend() {
        let points: Vec<HillPoint> = [2, 5, 10, 20, 50, 100, 200]
            .iter()
            .map(|&k| point(k, 3.0 + 0.001 * k as f64))
            .collect();
        let svg = render(&points, (2.5, 4.0), None);
        // The band in the theory colour at opacity 0.18 (plot and legend swatch).
        assert_eq!(
            svg.matches(r##"opacity="0.18" fill="#111827""##).count(),
            2,
            "{svg}"
        );
        assert_eq!(
            svg.matches(r##"stroke="#2563EB""##).count(),
            2,
            "curve and legend line: {svg}"
        );
        assert!(svg.contains(">\nbounds\n<"));
        assert!(svg.contains("Hill α̂(k) ± 1 s.e."));
    }

    #[test]
    fn no_band_when_the_bounds_are_not_finite() {
        let points = vec![point(10, 2.0), point(100, 2.2)];
        let svg = render(&points, (f64::NAN, 4.0), None);
        assert!(!svg.contains("#111827\""), "{svg}");
        assert!(!svg.contains(">\nbounds\n<"));
    }

    #[test]
    fn alpha_sgd_is_a_line_in_its_band_above_the_data() {
        let points: Vec<HillPoint> = [10, 20, 50, 100, 200]
            .iter()
            .map(|&k| point(k, 3.0))
            .collect();
        let index = IndexBand {
            alpha: 6.0,
            half_width: 0.5,
            label: "α_SGD = 6 ± 0.26".into(),
        };
        let svg = render(&points, (2.5, 4.0), Some(&index));
        // The band (one rectangle at opacity 0.15), the dashed line and its legend swatch.
        assert_eq!(
            svg.matches(r##"opacity="0.15" fill="#C026D3""##).count(),
            1,
            "{svg}"
        );
        assert!(svg.matches(r##"stroke="#C026D3""##).count() >= 2, "{svg}");
        assert!(svg.contains("α_SGD = 6 ± 0.26"));
        // A band that is not finite draws nothing.
        let index = IndexBand {
            alpha: f64::NAN,
            ..index
        };
        let bad = render(&points, (2.5, 4.0), Some(&index));
        assert!(!bad.contains("#C026D3"), "{bad}");
    }
}
