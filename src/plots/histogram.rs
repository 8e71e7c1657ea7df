//! Histogram of a sample as a density (the centred coordinate of the final iterates,
//! MATH.md §2.1, the paper's Figure 1).
//!
//! Heavy tails make the full range useless to look at (a few runs land far out), so the
//! histogram covers the central quantiles [q_clip, q_{1−clip}] and says how many values
//! fall outside. Bar heights are densities count / (N · width), with N the whole finite
//! sample, so a fitted density drawn over the bars is on the same scale.
//!
//! Bin width: Freedman–Diaconis, 2·IQR·N^(−1/3), robust to the outliers that heavy tails
//! produce (falls back to Rice's rule, 2·N^(1/3) bins, when the IQR is zero); the number
//! of bins is kept between 8 and 80 so bars stay visible on a phone.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    draw_axes, draw_corner_note, format_tick, linear_axis, y_label_area, DrawResult, Style, SGD,
};

/// Fewest and most bars drawn.
const MIN_BINS: usize = 8;
const MAX_BINS: usize = 80;

/// A histogram with equal-width bins on `[lo, lo + width·bins]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Left edge of the first bin.
    pub lo: f64,
    /// Width of every bin.
    pub width: f64,
    /// Values in each bin.
    pub counts: Vec<usize>,
    /// Finite values left of the range.
    pub below: usize,
    /// Finite values right of the range.
    pub above: usize,
    /// All finite values (inside and outside the range).
    pub total: usize,
}

/// The empirical quantile of sorted data (linear interpolation between order statistics).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let frac = pos - i as f64;
    if i + 1 < sorted.len() {
        sorted[i] + frac * (sorted[i + 1] - sorted[i])
    } else {
        sorted[i]
    }
}

impl Histogram {
    /// Bins the finite values of `values` over their central quantile range
    /// [q_clip, q_{1−clip}] (`clip` = 0 covers everything; it is clamped to [0, 0.25]).
    /// `None` when fewer than two values are finite.
    pub fn new(values: &[f64], clip: f64) -> Option<Histogram> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.len() < 2 {
            return None;
        }
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len();
        let clip = clip.clamp(0.0, 0.25);
        let (mut lo, mut hi) = (quantile(&sorted, clip), quantile(&sorted, 1.0 - clip));
        if hi <= lo {
            // All the central values are equal: a small window around them.
            let half = 0.5 * lo.abs().max(1e-9);
            lo -= half;
            hi += half;
        }
        let iqr = quantile(&sorted, 0.75) - quantile(&sorted, 0.25);
        let bins = if iqr > 0.0 {
            let width = 2.0 * iqr / libm::cbrt(n as f64);
            ((hi - lo) / width).ceil()
        } else {
            (2.0 * libm::cbrt(n as f64)).ceil()
        };
        let bins = (bins as usize).clamp(MIN_BINS, MAX_BINS);
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0; bins];
        let (mut below, mut above) = (0, 0);
        for &v in &sorted {
            if v < lo {
                below += 1;
            } else if v > hi {
                above += 1;
            } else {
                // v == hi belongs to the last bin.
                let i = (((v - lo) / width) as usize).min(bins - 1);
                counts[i] += 1;
            }
        }
        Some(Histogram {
            lo,
            width,
            counts,
            below,
            above,
            total: n,
        })
    }

    /// Right edge of the last bin.
    pub fn hi(&self) -> f64 {
        self.lo + self.width * self.counts.len() as f64
    }

    /// The density of bin `i`: count / (total · width).
    pub fn density(&self, i: usize) -> f64 {
        self.counts[i] as f64 / (self.total as f64 * self.width)
    }

    /// The largest bin density.
    pub fn max_density(&self) -> f64 {
        (0..self.counts.len())
            .map(|i| self.density(i))
            .fold(0.0, f64::max)
    }
}

/// Draws `hist` as density bars with axes, `x_label` under the x axis, and a note naming
/// the values outside the range shown.
pub fn draw_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    hist: &Histogram,
    x_label: &str,
    style: &Style,
) -> DrawResult<(), DB> {
    let top = hist.max_density() * 1.1;
    let top = if top > 0.0 { top } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .margin_top(style.px(22.0))
        .x_label_area_size(style.px(44.0))
        .y_label_area_size(y_label_area(
            area,
            style,
            &linear_axis(0.0, top),
            5,
            &|y| format_tick(*y),
            56.0,
        ))
        .build_cartesian_2d(linear_axis(hist.lo, hist.hi()), linear_axis(0.0, top))?;
    draw_axes(
        &mut chart,
        style,
        (x_label, "density"),
        (6, 5),
        &|x| format_tick(*x),
        &|y| format_tick(*y),
    )?;
    chart.draw_series(hist.counts.iter().enumerate().map(|(i, _)| {
        let x0 = hist.lo + i as f64 * hist.width;
        Rectangle::new(
            [(x0, 0.0), (x0 + hist.width, hist.density(i))],
            SGD.mix(0.75).filled(),
        )
    }))?;
    // Thin white outlines separate neighbouring bars.
    chart.draw_series(hist.counts.iter().enumerate().map(|(i, _)| {
        let x0 = hist.lo + i as f64 * hist.width;
        Rectangle::new(
            [(x0, 0.0), (x0 + hist.width, hist.density(i))],
            WHITE.stroke_width(style.px(0.75)),
        )
    }))?;
    let outside = hist.below + hist.above;
    if outside > 0 {
        let note = format!(
            "{outside} of {} values outside the range shown ({} left, {} right)",
            hist.total, hist.below, hist.above
        );
        draw_corner_note(area, &note, style)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::style::svg_document;

    /// The histogram `h` of "first SVD coordinate" at 640 × 400.
    fn render(h: &Histogram, style: &Style) -> String {
        svg_document((640, 400), |area| {
            draw_histogram(area, h, "first SVD coordinate", style)
        })
        .unwrap()
    }

    #[test]
    fn counts_add_up_and_density_integrates_to_the_fraction_inside() {
        // 0, 1, …, 999: the central 98% is [9.99, 989.01].
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let h = Histogram::new(&values, 0.01).unwrap();
        let inside: usize = h.counts.iter().sum();
        assert_eq!(inside + h.below + h.above, 1000);
        assert_eq!(h.below, 10); // 0..=9 lie left of 9.99
        assert_eq!(h.above, 10); // 990..=999 lie right of 989.01
        let mass: f64 = (0..h.counts.len()).map(|i| h.density(i) * h.width).sum();
        assert!((mass - 0.98).abs() < 1e-12, "mass {mass}");
        assert!((MIN_BINS..=MAX_BINS).contains(&h.counts.len()));
    }

    #[test]
    fn freedman_diaconis_bins_on_a_uniform_grid() {
        // IQR = 499.5 for 0..999, width = 2·499.5/10 = 99.9, range 999 → 10 bins.
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let h = Histogram::new(&values, 0.0).unwrap();
        assert_eq!(h.counts.len(), 10);
        assert_eq!(h.counts, vec![100; 10]);
        assert_eq!(h.total, 1000);
    }

    #[test]
    fn degenerate_samples() {
        assert!(Histogram::new(&[1.0], 0.0).is_none());
        assert!(Histogram::new(&[f64::NAN, 1.0, f64::INFINITY], 0.0).is_none());
        let h = Histogram::new(&[2.0; 10], 0.0).unwrap();
        assert_eq!(h.counts.iter().sum::<usize>(), 10);
        assert!(h.width > 0.0 && h.lo < 2.0 && h.hi() > 2.0);
    }

    #[test]
    fn svg_has_one_bar_per_bin_and_the_labels() {
        let values: Vec<f64> = (0..1000).map(|i| f64::from(i % 100)).collect();
        let h = Histogram::new(&values, 0.0).unwrap();
        let svg = render(&h, &Style::default());
        // Bars are filled with the SGD colour (#2563EB) at opacity 0.75.
        let bars = svg.matches(r##"opacity="0.75" fill="#2563EB""##).count();
        assert_eq!(bars, h.counts.len(), "{svg}");
        assert!(svg.contains("first SVD coordinate"));
        assert!(svg.contains("density"));
        assert!(!svg.contains("outside the range"));
    }

    #[test]
    fn svg_notes_the_values_outside() {
        let mut values: Vec<f64> = (0..200).map(f64::from).collect();
        values.push(1e6);
        let h = Histogram::new(&values, 0.01).unwrap();
        let svg = render(&h, &Style::new(2.0));
        assert!(
            svg.contains("of 201 values outside the range shown"),
            "{svg}"
        );
    }
}
