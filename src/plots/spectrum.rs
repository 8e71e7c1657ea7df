//! The singular values λ_1 ≥ … ≥ λ_r of the design matrix against their index, on a log
//! scale (MATH.md §2.1). The stable rank Σλ_i²/λ_1² is written in
//! the corner because it is the gap between the two tail-index bounds plus one (§3.2).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    draw_axes, draw_corner_note, draw_message, format_tick, linear_axis, log_axis, y_label_area,
    DrawResult, Style, SGD,
};

/// Draws the positive values of `singular_values` (descending) as points joined by a line,
/// log y, and the stable rank Σλ_i²/λ_1².
pub fn draw_spectrum<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    singular_values: &[f64],
    style: &Style,
) -> DrawResult<(), DB> {
    let points: Vec<(f64, f64)> = singular_values
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_finite() && **s > 0.0)
        .map(|(i, s)| ((i + 1) as f64, *s))
        .collect();
    if points.is_empty() {
        return draw_message(area, "no positive singular values", style);
    }
    let max = points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    let min = points.iter().map(|p| p.1).fold(f64::MAX, f64::min);
    // Whole decades, so that the log axis has labelled ticks (plotters labels powers of
    // ten and their multiples).
    // (Nudged below the decade so that rounding cannot drop its label.)
    let lo = libm::pow(10.0, libm::floor(libm::log10(min / 1.05))) * (1.0 - 1e-9);
    let hi = libm::pow(10.0, libm::ceil(libm::log10(max * 1.05)));
    let r = points.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.px(22.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(y_label_area(
            area,
            style,
            &log_axis(lo, hi),
            5,
            &|y| format_tick(*y),
            56.0,
        ))
        .build_cartesian_2d(linear_axis(0.5, r + 0.5), log_axis(lo, hi))?;
    draw_axes(
        &mut chart,
        style,
        ("index i", "singular value λᵢ"),
        (6, 5),
        &|x| format_tick(*x),
        &|y| format_tick(*y),
    )?;
    chart.draw_series(LineSeries::new(
        points.iter().copied(),
        SGD.stroke_width(style.px(1.5)),
    ))?;
    chart.draw_series(
        points
            .iter()
            .map(|&p| Circle::new(p, style.px(2.5), SGD.filled())),
    )?;
    let sum_sq: f64 = points.iter().map(|p| p.1 * p.1).sum();
    let stable_rank = sum_sq / (max * max);
    let note = format!("stable rank Σλᵢ²/λ₁² = {}", format_tick(stable_rank));
    draw_corner_note(area, &note, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::style::svg_document;

    fn render(values: &[f64]) -> String {
        svg_document((500, 300), |area| {
            draw_spectrum(area, values, &Style::default())
        })
        .unwrap()
    }

    #[test]
    fn one_marker_per_positive_value_and_the_stable_rank() {
        // The y axis spans whole decades, 0.1 to 10 here, and labels them.
        // Stable rank of (2, 1, 1): (4 + 1 + 1)/4 = 1.5.
        let svg = render(&[2.0, 1.0, 1.0, 0.0]);
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert!(svg.contains("stable rank Σλᵢ²/λ₁² = 1.5"));
        assert!(svg.contains("singular value λᵢ"));
        for label in ["0.1", "1", "10"] {
            assert!(
                svg.contains(&format!(">\n{label}\n</text>")),
                "{label}: {svg}"
            );
        }
    }

    #[test]
    fn nothing_to_draw_says_so() {
        let svg = render(&[]);
        assert!(svg.contains("no positive singular values"));
        assert_eq!(svg.matches("<circle").count(), 0);
    }
}
