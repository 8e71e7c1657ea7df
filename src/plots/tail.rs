//! The log-log tail plot (MATH.md §4.2): the empirical survival function of the absolute
//! deviations y = |z − m| from the sample median m, S_N(y_(i)) = i/N at the i-th largest
//! y_(i), with straight reference lines S(y) = (k/N)(y/u)^(−α) anchored at the Hill
//! threshold u = y_(k+1): a Pareto tail of index α is a line of slope −α on these axes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Ink, LegendEntry, Mark};
use super::style::{draw_axes, format_tick, log_axis, y_label_area, DrawResult, Style, SGD};

/// Most survival points drawn (log-spaced in the rank, so the far tail keeps every point).
const MAX_POINTS: usize = 400;

/// The empirical survival function of |z − median| as points (y_(i), i/N), i = 1 … N, of
/// the finite values, thinned to at most [`MAX_POINTS`] log-spaced ranks. Points with
/// y = 0 are left out (no place on a log axis). Empty with fewer than two finite values.
pub fn survival_points(sample: &[f64]) -> Vec<(f64, f64)> {
    let mut z: Vec<f64> = sample.iter().copied().filter(|v| v.is_finite()).collect();
    if z.len() < 2 {
        return Vec::new();
    }
    z.sort_unstable_by(f64::total_cmp);
    let n = z.len();
    let median = if n % 2 == 1 {
        z[n / 2]
    } else {
        0.5 * (z[n / 2 - 1] + z[n / 2])
    };
    let mut y: Vec<f64> = z.iter().map(|v| (v - median).abs()).collect();
    // Descending: y[i − 1] is the i-th largest.
    y.sort_unstable_by(f64::total_cmp);
    y.reverse();
    let mut ranks: Vec<usize> = if n <= MAX_POINTS {
        (1..=n).collect()
    } else {
        let ln_n = libm::log(n as f64);
        (0..MAX_POINTS)
            .map(|j| libm::round(libm::exp(ln_n * j as f64 / (MAX_POINTS - 1) as f64)) as usize)
            .map(|i| i.clamp(1, n))
            .collect()
    };
    ranks.dedup();
    ranks
        .into_iter()
        .filter(|&i| y[i - 1] > 0.0)
        .map(|i| (y[i - 1], i as f64 / n as f64))
        .collect()
}

/// A reference line of slope −alpha on the log-log axes.
#[derive(Clone, Debug, PartialEq)]
pub struct TailLine {
    /// The legend text.
    pub label: String,
    /// The tail index (minus the slope).
    pub alpha: f64,
    /// Its colour.
    pub color: RGBColor,
    /// Dashed (the theory's bounds) or solid (an estimate).
    pub dashed: bool,
}

/// Draws the survival `points` of the tail half (S ≤ ½; the body says nothing about the
/// tail and would stretch the log x axis over decades) and the `lines` through the
/// anchor (u, S(u)) out to the largest deviation, with a legend.
pub fn draw_tail<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(f64, f64)],
    anchor: (f64, f64),
    lines: &[TailLine],
    style: &Style,
) -> DrawResult<(), DB> {
    let points: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.1 <= 0.5).collect();
    let x_lo = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_hi = points.iter().map(|p| p.0).fold(0.0, f64::max);
    let y_lo = points.iter().map(|p| p.1).fold(1.0, f64::min);
    let (x_lo, x_hi) = if x_lo.is_finite() && x_lo < x_hi {
        (x_lo, x_hi)
    } else {
        (0.1, 10.0)
    };
    let y_lo = (y_lo * 0.5).min(0.25);
    let y_axis = log_axis(y_lo, 0.6);
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.margin_top(16.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(y_label_area(
            area,
            style,
            &y_axis,
            6,
            &|y| format_tick(*y),
            56.0,
        ))
        .build_cartesian_2d(log_axis(x_lo, x_hi * 1.05), y_axis)?;
    draw_axes(
        &mut chart,
        style,
        ("|z − median| (log)", "fraction of runs beyond (log)"),
        (6, 6),
        &|x| format_tick(*x),
        &|y| format_tick(*y),
    )?;
    let radius = style.px(2.0);
    chart
        .draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, radius, SGD.mix(0.7).filled())),
        )?
        .label("empirical tail")
        .legend(move |(x, y)| Circle::new((x + 2 * radius as i32, y), radius, SGD.filled()));
    let mut ink = Ink {
        points: points.clone(),
        lines: Vec::new(),
    };
    let mut labels = vec![LegendEntry::new("empirical tail", SGD, Mark::Dot)];
    let (u, s_u) = anchor;
    let width = style.px(2.0);
    let swatch = style.px(20.0) as i32;
    if u > 0.0 && s_u > 0.0 && u < x_hi {
        for line in lines
            .iter()
            .filter(|l| l.alpha.is_finite() && l.alpha > 0.0)
        {
            let end = x_hi;
            let s_end = s_u * libm::pow(end / u, -line.alpha);
            // Clip at the bottom of the plot: S = y_lo at y = u·(S(u)/y_lo)^(1/α).
            let (end, s_end) = if s_end < y_lo {
                (u * libm::pow(s_u / y_lo, 1.0 / line.alpha), y_lo)
            } else {
                (end, s_end)
            };
            let pts = vec![(u, s_u), (end, s_end)];
            ink.lines.push(pts.clone());
            let color = line.color;
            let mark = if line.dashed {
                Mark::Dashed
            } else {
                Mark::Line
            };
            labels.push(LegendEntry::new(line.label.as_str(), color, mark));
            let legend = move |(x, y): (i32, i32)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], color.stroke_width(width))
            };
            let series = if line.dashed {
                chart.draw_series(DashedLineSeries::new(
                    pts,
                    style.px(6.0),
                    style.px(4.0),
                    color.stroke_width(width),
                ))?
            } else {
                chart.draw_series(LineSeries::new(pts, color.stroke_width(width)))?
            };
            series.label(line.label.as_str()).legend(legend);
        }
    }
    draw_legend(
        &mut chart,
        &ink,
        &labels,
        SeriesLabelPosition::LowerLeft,
        style,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pareto_quantiles_lie_on_a_line_of_slope_minus_alpha() {
        // Exact Pareto(α = 2) quantiles y_i = ((i − ½)/N)^(−1/2) on both sides of 0: the
        // survival points (y_(i), i/N) then satisfy ln S ≈ −2 ln y + const.
        let n = 2000;
        let mut z = Vec::new();
        for i in 0..n / 2 {
            let y = libm::pow((i as f64 + 0.5) / (n / 2) as f64, -0.5);
            z.push(y);
            z.push(-y);
        }
        let pts = survival_points(&z);
        assert!(pts.len() <= MAX_POINTS && pts.len() > 100);
        // Ranks are decreasing in y, the largest has S = 1/N.
        let last = pts[0];
        assert_eq!(last.1, 1.0 / n as f64);
        // Slope between a point of rank ≥ 200 and the smallest deviation (rank N): the
        // half-rank offset of the quantiles is negligible there (slope −2 ± 0.01 in
        // closed form for any rank in 200..=210).
        let a = pts.iter().find(|p| p.1 * n as f64 >= 199.5).unwrap();
        let b = pts.last().unwrap();
        assert_eq!(b.1, 1.0);
        let slope = libm::log(b.1 / a.1) / libm::log(b.0 / a.0);
        assert!((slope + 2.0).abs() < 0.01, "slope {slope}");
    }

    #[test]
    fn small_samples_keep_every_point() {
        let pts = survival_points(&[1.0, 2.0, 3.0, f64::NAN]);
        // Median 2: deviations 1, 0, 1 → (1, 1/3), (1, 2/3); the zero is left out.
        assert_eq!(pts, vec![(1.0, 1.0 / 3.0), (1.0, 2.0 / 3.0)]);
        assert!(survival_points(&[1.0]).is_empty());
    }

    #[test]
    fn svg_has_points_lines_and_legend() {
        let z: Vec<f64> = (1..=500).map(|i| 1.0 / f64::from(i)).collect();
        let pts = survival_points(&z);
        let lines = [
            TailLine {
                label: "upper bound".into(),
                alpha: 3.0,
                color: RGBColor(0x11, 0x18, 0x27),
                dashed: true,
            },
            TailLine {
                label: "Hill".into(),
                alpha: 1.0,
                color: RGBColor(0xdc, 0x26, 0x26),
                dashed: false,
            },
        ];
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
            draw_tail(&area, &pts, (0.02, 0.1), &lines, &Style::default()).unwrap();
        }
        let circles = svg.matches("<circle").count();
        let tail = pts.iter().filter(|p| p.1 <= 0.5).count();
        assert_eq!(circles, tail + 1, "one per tail point plus the legend's");
        for text in ["upper bound", "Hill", "empirical tail"] {
            assert!(svg.contains(&format!(">\n{text}\n<")), "missing {text}");
        }
        assert!(svg.contains("#DC2626"));
    }
}
