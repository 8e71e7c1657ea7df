//! What every plot shares: the style (sizes scaled to the device, the palette), the axes
//! with their ticks on linear and log scales, the legend strip's height (the legends
//! themselves: [`crate::plots::legend`]), and messages drawn in place of a
//! plot; and SVG documents for downloads, `hsgd plot` and the tests.

use std::cell::Cell;

use std::ops::Range;

use plotters::coord::combinators::LogCoord;
use plotters::coord::ranged1d::{BoldPoints, DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What a drawing function returns: plotters' error carries the backend's error type.
pub type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The coordinates of every chart: data (x, y) → pixel.
pub type PlotCoord = Cartesian2d<Axis, Axis>;

/// The chart context every plot draws on.
pub type Chart<'a, DB> = ChartContext<'a, DB, PlotCoord>;

/// An SVG drawing area (the page's downloads, `hsgd plot`, the tests).
pub type SvgArea<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// An SVG document of `size` pixels: a white background, then `draw` (which draws at
/// scale 1: SVG pixels are CSS pixels).
pub fn svg_document<E: std::fmt::Display>(
    size: (u32, u32),
    draw: impl FnOnce(&SvgArea<'_>) -> Result<(), E>,
) -> Result<String, String> {
    let mut svg = String::new();
    paint(
        &SVGBackend::with_string(&mut svg, size).into_drawing_area(),
        draw,
    )?;
    Ok(svg)
}

/// Paints `area` white, runs `draw` on it and presents it (an SVG document is written
/// out, a canvas shown): what every whole drawing does, on any backend.
pub fn paint<DB: DrawingBackend, E: std::fmt::Display>(
    area: &DrawingArea<DB, Shift>,
    draw: impl FnOnce(&DrawingArea<DB, Shift>) -> Result<(), E>,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    draw(area).map_err(|e| e.to_string())?;
    area.present().map_err(|e| e.to_string())
}

/// Device-dependent sizes of a plot, and where its legend goes.
///
/// A legend sits in the corner of the plotting area with the fewest data under it
/// ([`crate::plots::legend::emptiest_corner`]); when every corner has data, it needs a band of its own above
/// the plotting area. A plot is then drawn twice
/// ([`crate::plots::legend::draw_with_legend_room`]): the first
/// drawing finds the band's height ([`Style::legend_band_wanted`]), the second reserves it
/// ([`Style::legend_band`], which each plot adds to its top margin).
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// Device pixels per CSS pixel (the page's `devicePixelRatio`; 1 for SVG).
    pub scale: f64,
    /// Device pixels the chart leaves free above its plotting area for the legend (0: the
    /// legend goes inside, in a corner).
    pub legend_band: u32,
    /// Set by [`crate::plots::legend::draw_legend`]: the band the legend needs when no corner is free of data
    /// (0 when one is, or when a band was reserved).
    pub legend_band_wanted: Cell<u32>,
    /// Set by [`crate::plots::legend::draw_legend`]: the marks of the data the drawn legend's box covers.
    pub legend_covered: Cell<usize>,
}

impl Default for Style {
    fn default() -> Self {
        Style::new(1.0)
    }
}

impl Style {
    /// The style of a device with `scale` device pixels per CSS pixel, its legends inside.
    pub fn new(scale: f64) -> Style {
        Style {
            scale,
            legend_band: 0,
            legend_band_wanted: Cell::new(0),
            legend_covered: Cell::new(0),
        }
    }

    /// This style with `band` device pixels reserved above the plotting area.
    pub(crate) fn with_band(&self, band: u32) -> Style {
        Style {
            legend_band: band,
            ..Style::new(self.scale)
        }
    }

    /// The top margin of a chart whose own is `css` CSS pixels: that plus the legend's
    /// band.
    pub fn margin_top(&self, css: f64) -> u32 {
        self.px(css) + self.legend_band
    }

    /// A length of `css` CSS pixels in device pixels (at least 1).
    pub fn px(&self, css: f64) -> u32 {
        (css * self.scale).round().max(1.0) as u32
    }

    /// A font size of `css` CSS pixels, in device pixels.
    pub fn font(&self, css: f64) -> f64 {
        css * self.scale
    }

    /// The text style of axis labels and tick labels.
    pub fn label_font(&self) -> TextStyle<'static> {
        ("sans-serif", self.font(13.0)).into_font().color(&TEXT)
    }

    /// The text style of notes drawn inside the plot.
    pub fn note_font(&self) -> TextStyle<'static> {
        ("sans-serif", self.font(12.0)).into_font().color(&MUTED)
    }
}

/// Colour of text (matches `--text` in `www/style.css`).
pub const TEXT: RGBColor = RGBColor(0x1f, 0x29, 0x37);
/// Colour of secondary text.
pub const MUTED: RGBColor = RGBColor(0x6b, 0x72, 0x80);
/// Colour of the light grid.
pub const GRID: RGBColor = RGBColor(0xe5, 0xe7, 0xeb);
/// The SGD colour (matches `--accent` in `www/style.css`).
pub const SGD: RGBColor = RGBColor(0x25, 0x63, 0xeb);
/// The hSGD colour.
pub const HSGD: RGBColor = RGBColor(0xea, 0x58, 0x0c);
/// Colour of the Gaussian fit.
pub const GAUSSIAN: RGBColor = RGBColor(0x6b, 0x72, 0x80);
/// Colour of the Student t fit.
pub const STUDENT_T: RGBColor = RGBColor(0xdc, 0x26, 0x26);
/// Colour of the skew t (Pearson IV) fit.
pub const SKEW_T: RGBColor = RGBColor(0x7c, 0x3a, 0xed);
/// Colour of the alpha-stable fit.
pub const STABLE: RGBColor = RGBColor(0x05, 0x96, 0x69);
/// Colour of the theory (the diffusion model's law and bounds).
pub const THEORY: RGBColor = RGBColor(0x11, 0x18, 0x27);

/// Colour of SGD's own tail index α_SGD (the Kesten–Goldie exponent, MATH.md §4.3) in
/// every plot that shows it: its own colour, since it is neither a bound of the diffusion
/// model nor a measurement.
pub const SGD_INDEX: RGBColor = RGBColor(0xc0, 0x26, 0xd3);

/// The fraction of a chart's plotting height that a legend of `entries` rows takes at
/// its top (with its box and offset), for a drawing area `area_px` device pixels tall of
/// which `reserved_px` go to margins and the x labels. A chart whose y range is its data's
/// divided by (1 − this) leaves the legend a strip where no data lie. At most 0.6.
pub fn legend_fraction(area_px: u32, reserved_px: u32, entries: usize, style: &Style) -> f64 {
    let plot_px = area_px.saturating_sub(reserved_px).max(1) as f64;
    // A row is the note font's line; the box adds its padding and its offset from the
    // chart's edge (plotters' defaults, in device pixels) and a little air.
    let legend_px = entries as f64 * style.font(12.0) * 1.35 + 24.0 + style.font(6.0);
    (legend_px / plot_px).clamp(0.0, 0.6)
}

/// Draws `message` centred in `area` (a plot with nothing to show says why).
pub fn draw_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    message: &str,
    style: &Style,
) -> DrawResult<(), DB> {
    let (w, h) = area.dim_in_pixel();
    let font = style
        .note_font()
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
    area.draw_text(message, &font, (w as i32 / 2, h as i32 / 2))
}

/// Draws `note` in the top-left corner of `area`, above the chart (a remark on the whole
/// plot: what it leaves out, a summary number).
pub fn draw_corner_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    note: &str,
    style: &Style,
) -> DrawResult<(), DB> {
    let corner = (style.px(12.0) as i32, style.px(4.0) as i32);
    area.draw_text(note, &style.note_font(), corner)
}

/// The axes every plot draws: a light grid, the axis titles, about `ticks` labels per
/// axis written by `x_tick` / `y_tick`, in the style's font.
pub fn draw_axes<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    style: &Style,
    (x_desc, y_desc): (&str, &str),
    (x_ticks, y_ticks): (usize, usize),
    x_tick: &dyn Fn(&f64) -> String,
    y_tick: &dyn Fn(&f64) -> String,
) -> DrawResult<(), DB> {
    chart
        .configure_mesh()
        .light_line_style(GRID.mix(0.0))
        .bold_line_style(GRID)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(x_ticks)
        .y_labels(y_ticks)
        .x_label_formatter(x_tick)
        .y_label_formatter(y_tick)
        .label_style(style.label_font())
        .axis_desc_style(style.label_font())
        .draw()
}

/// The width of a y axis's label area: the widest of the `ticks` labels `format` writes
/// for the axis `y`, measured by the backend (a browser's fonts differ: Firefox's are wider
/// than Chromium's), with the axis title on its side, the tick marks and the gaps beside
/// it; never less than `at_least_css` CSS pixels, so every plot keeps its margins.
pub fn y_label_area<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    y: &Axis,
    ticks: usize,
    format: &dyn Fn(&f64) -> String,
    at_least_css: f64,
) -> u32 {
    let font = style.label_font();
    let widest = y
        // The labelled (bold) points, as plotters' mesh asks for them.
        .key_points(BoldPoints(ticks))
        .iter()
        .map(|v| text_width(area, &format(v), &font, style))
        .max()
        .unwrap_or(0);
    // The title's line (13 px), the tick mark (5 px) and plotters' gaps around both.
    (widest + style.px(30.0)).max(style.px(at_least_css))
}

/// The width of `text` as the backend measures it; where it cannot (the SVG backend has no
/// fonts, the viewer's browser has them), 0.64 em a character: DejaVu Sans's digit, the
/// widest of the common sans-serif faces.
pub(crate) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    style: &Style,
) -> u32 {
    match area.estimate_text_size(text, font) {
        Ok((width, _)) if width > 0 => width,
        _ => (0.64 * style.font(13.0) * text.chars().count() as f64).ceil() as u32,
    }
}

/// An axis of a chart: linear, or on a log scale with the ticks of [`log_ticks`].
///
/// One type for both, rather than plotters' two: a chart, its mesh and its legend are
/// compiled once per type of coordinates, and with one axis type every plot has the same
/// type, [`PlotCoord`], so the page's wasm holds each of them once.
pub enum Axis {
    /// Linear over lo..hi.
    Linear(RangedCoordf64),
    /// Logarithmic over lo..hi (0 < lo < hi).
    Log {
        /// plotters' log scale over lo..hi.
        axis: LogCoord<f64>,
        /// The labelled points.
        ticks: Vec<f64>,
    },
}

/// A linear axis over lo..hi, as plotters builds it from a range.
pub fn linear_axis(lo: f64, hi: f64) -> Axis {
    Axis::Linear((lo..hi).into())
}

/// A log-scale axis over lo..hi with its ticks from [`log_ticks`]. (plotters' own log
/// axis puts ticks only at powers of ten, so an axis inside one decade, e.g. a tail from
/// 1.3 to 5, had no labels at all.)
pub fn log_axis(lo: f64, hi: f64) -> Axis {
    Axis::Log {
        axis: (lo..hi).log_scale().into(),
        ticks: log_ticks(lo, hi),
    }
}

// By hand: plotters' log coordinate is not Clone, but is rebuilt from its range alone.
impl Clone for Axis {
    fn clone(&self) -> Axis {
        match self {
            Axis::Linear(axis) => Axis::Linear(axis.clone()),
            Axis::Log { axis, ticks } => {
                let range = axis.range();
                Axis::Log {
                    axis: range.log_scale().into(),
                    ticks: ticks.clone(),
                }
            }
        }
    }
}

impl Ranged for Axis {
    // The plots write every tick with their own formatter.
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        match self {
            Axis::Linear(axis) => axis.map(value, limit),
            Axis::Log { axis, .. } => axis.map(value, limit),
        }
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match self {
            Axis::Linear(axis) => axis.key_points(hint),
            // The ticks are the labelled (bold) points; there are no light ones.
            Axis::Log { ticks, .. } if !hint.weight().allow_light_points() => ticks.clone(),
            Axis::Log { .. } => Vec::new(),
        }
    }

    fn range(&self) -> Range<f64> {
        match self {
            Axis::Linear(axis) => axis.range(),
            Axis::Log { axis, .. } => axis.range(),
        }
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        match self {
            Axis::Linear(axis) => axis.axis_pixel_range(limit),
            Axis::Log { axis, .. } => axis.axis_pixel_range(limit),
        }
    }
}

/// Ticks for a log axis over lo..hi (0 < lo < hi): the powers of ten inside when there
/// are at least three (every n-th, at most 8), else {1, 2, 5}·10ᵏ or else {1, …, 9}·10ᵏ,
/// whichever first gives three ticks inside; else lo and hi rounded inwards to two
/// significant digits. Of {1, …, 9}·10ᵏ, which crowd towards the top of each decade (0.06
/// to 0.09 lie within a fifth of one), a tick is kept only at least an eighth of the
/// axis's log span from those kept before it, the rounder first: 10ᵏ, then 2 and 5, then
/// the rest; all of them when that would keep fewer than three.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let (k_lo, k_hi) = (
        libm::log10(lo).floor() as i32,
        libm::log10(hi).ceil() as i32,
    );
    let inside = |mantissas: &[f64]| -> Vec<f64> {
        (k_lo..=k_hi)
            .flat_map(|k| mantissas.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|&t| t >= lo * (1.0 - 1e-12) && t <= hi * (1.0 + 1e-12))
            .collect()
    };
    let decades = inside(&[1.0]);
    if decades.len() >= 3 {
        let every = decades.len().div_ceil(8);
        return decades.into_iter().step_by(every).collect();
    }
    let round = inside(&[1.0, 2.0, 5.0]);
    if round.len() >= 3 {
        return round;
    }
    let all = inside(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    if all.len() >= 3 {
        let gap = libm::log10(hi / lo) / 8.0;
        let mut kept: Vec<f64> = Vec::new();
        for mantissas in [&[1.0][..], &[2.0, 5.0], &[3.0, 4.0, 6.0, 7.0, 8.0, 9.0]] {
            for tick in inside(mantissas) {
                if kept
                    .iter()
                    .all(|&k| libm::fabs(libm::log10(tick / k)) >= gap)
                {
                    kept.insert(kept.partition_point(|&k| k < tick), tick);
                }
            }
        }
        return if kept.len() >= 3 { kept } else { all };
    }
    // Two significant digits, rounded inwards so both ends stay inside.
    let scale = |x: f64| 10f64.powi(libm::log10(x).floor() as i32 - 1);
    let (first, last) = (
        (lo / scale(lo)).ceil() * scale(lo),
        (hi / scale(hi)).floor() * scale(hi),
    );
    if first < last {
        vec![first, last]
    } else {
        vec![first]
    }
}

/// Significant-digit formatting for tick labels: 0.0123, 1.5, 2.4e5.
pub fn format_tick(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-3..1e5).contains(&a) {
        return format!("{x:.1e}");
    }
    let text = format!("{x:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_label_every_range() {
        // Many decades: powers of ten, at most 8.
        assert_eq!(log_ticks(1e-3, 10.0), vec![1e-3, 1e-2, 1e-1, 1.0, 10.0]);
        assert_eq!(log_ticks(1e-16, 1e3).len(), 7);
        // One or two decades: 1-2-5.
        assert_eq!(log_ticks(8.0, 300.0), vec![10.0, 20.0, 50.0, 100.0, 200.0]);
        // Inside one decade (the tail plot's |z| from 1.3 to 5.4): 2, 3, 4, 5.
        assert_eq!(log_ticks(1.3, 5.4), vec![2.0, 3.0, 4.0, 5.0]);
        // Across a decade's top (the digits' |z| from 0.055 to 0.45): 0.07, 0.08 and 0.09
        // would crowd 0.06 and 0.1, so they go, and the rounder 0.1 stays.
        let digits = log_ticks(0.055, 0.45);
        let expected = [0.06, 0.1, 0.2, 0.3, 0.4];
        assert!(
            digits.len() == expected.len()
                && digits
                    .iter()
                    .zip(expected)
                    .all(|(t, e)| (t / e - 1.0).abs() < 1e-12),
            "{digits:?}"
        );
        // No two ticks closer than an eighth of the span, over many ranges of that kind.
        for (lo, hi) in [
            (0.055, 0.45),
            (0.012, 0.095),
            (0.3, 1.9),
            (1.05, 8.8),
            (0.2, 0.95),
        ] {
            let ticks = log_ticks(lo, hi);
            let gap = libm::log10(hi / lo) / 8.0;
            assert!(ticks.len() >= 3, "{lo}..{hi}: {ticks:?}");
            assert!(
                ticks
                    .windows(2)
                    .all(|w| libm::log10(w[1] / w[0]) >= gap - 1e-12),
                "{lo}..{hi}: {ticks:?}"
            );
        }
        // Where thinning would leave two (9 lies within an eighth of the span from 10), all
        // three stay: the axis's upper half would have no label.
        assert_eq!(log_ticks(7.5, 19.9).len(), 3);
        assert_eq!(log_ticks(8.5, 29.0).len(), 3);
        // Too narrow for integers: the ends, rounded inwards to two digits.
        let narrow = log_ticks(1.234, 1.876);
        assert!(
            narrow.len() == 2 && (narrow[0] - 1.3).abs() < 1e-12 && (narrow[1] - 1.8).abs() < 1e-12,
            "{narrow:?}"
        );
        assert!(log_ticks(1.0, 0.5).is_empty() && log_ticks(0.0, 1.0).is_empty());
    }

    #[test]
    fn the_y_label_area_fits_the_widest_tick_label() {
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (400, 300)).into_drawing_area();
        let style = Style::default();
        let format = |y: &f64| format_tick(*y);
        let measured = |text: &str| text_width(&area, text, &style.label_font(), &style);
        // Ticks down to 0.001 (a tail plot) need more room than single digits (a Hill plot).
        let wide = y_label_area(&area, &style, &log_axis(0.0005, 0.6), 6, &format, 10.0);
        let narrow = y_label_area(&area, &style, &linear_axis(0.0, 6.0), 6, &format, 10.0);
        assert_eq!(wide, measured("0.001") + style.px(30.0));
        assert_eq!(narrow, measured("6") + style.px(30.0));
        assert!(wide > narrow + style.px(10.0), "{wide} vs {narrow}");
        // The floor keeps the margins of a plot whose labels are short.
        assert_eq!(
            y_label_area(&area, &style, &linear_axis(0.0, 6.0), 6, &format, 56.0),
            56
        );
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(1.5), "1.5");
        assert_eq!(format_tick(-0.0125), "-0.0125");
        assert_eq!(format_tick(2.0), "2");
        assert_eq!(format_tick(250000.0), "2.5e5");
        assert_eq!(format_tick(0.0001234), "1.2e-4");
    }

    #[test]
    fn the_legend_strip_grows_with_rows_and_stays_below_the_cap() {
        let style = Style::default();
        let one = legend_fraction(400, 60, 1, &style);
        let four = legend_fraction(400, 60, 4, &style);
        assert!(one > 0.0 && four > one, "{one} {four}");
        // Four rows of 12 px text with the box: about 95 px of the 340 px plot.
        assert!((four - 95.0 / 340.0).abs() < 0.02, "{four}");
        assert_eq!(legend_fraction(100, 90, 8, &style), 0.6);
        assert_eq!(legend_fraction(10, 90, 1, &style), 0.6);
        // Twice the pixel density: the same fraction.
        let retina = legend_fraction(800, 120, 4, &Style::new(2.0));
        assert!((retina - four).abs() < 0.05, "{retina} {four}");
    }

    #[test]
    fn style_scales_lengths() {
        let s = Style::new(2.0);
        assert_eq!(s.px(3.0), 6);
        assert_eq!(s.font(13.0), 26.0);
        assert_eq!(Style::default().px(0.1), 1);
    }
}
