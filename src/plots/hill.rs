//! The Hill plot (MATH.md §4.2): the Hill estimate α̂(k) against the number k of upper
//! order statistics it uses (log x axis), with ± one standard error, and the band
//! [lower, upper] of the diffusion model's tail-index bounds (MATH.md §3) shaded.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{draw_axes, draw_legend, format_tick, log_axis, DrawResult, Style, SGD, THEORY};
use crate::estimators::HillPoint;

/// Draws α̂(k) of `points` (finite ones) with its ±1 standard error band and, when
/// `band` = (lower, upper) is finite and ordered, that range shaded across the plot,
/// labelled `band_label`.
pub fn draw_hill<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[HillPoint],
    band: (f64, f64),
    band_label: &str,
    style: &Style,
) -> DrawResult<(), DB> {
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
    let y_hi = if y_hi > 0.0 { y_hi * 1.3 } else { 5.0 };
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.px(16.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(style.px(48.0))
        .build_cartesian_2d(log_axis(k_lo, k_hi), 0.0..y_hi)?;
    draw_axes(
        &mut chart,
        style,
        ("k, upper order statistics used (log)", "Hill tail index α̂"),
        (6, 6),
        &|x| format_tick(*x),
        &|y| format_tick(*y),
    )?;
    let swatch = style.px(6.0) as i32;
    if has_band {
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
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight, style)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            draw_hill(&area, &points, (2.5, 4.0), "bounds", &Style::default()).unwrap();
        }
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
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            draw_hill(&area, &points, (f64::NAN, 4.0), "bounds", &Style::default()).unwrap();
        }
        assert!(!svg.contains("#111827\""), "{svg}");
        assert!(!svg.contains(">\nbounds\n<"));
    }
}
