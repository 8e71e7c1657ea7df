//! Plots of a [`Report`](crate::analysis::Report): one function per plot, each generic
//! over plotters' [`DrawingBackend`] (DESIGN.md), so the same code draws onto the page's
//! canvases (plotters-canvas), into SVG (the CLI, downloads, the tests) or a bitmap.
//!
//! A plot function takes the drawing area, the data it shows and a [`Style`] (the device
//! scale: canvas pixels per CSS pixel, so text and lines keep their size on a phone's
//! high-density screen), and draws the whole area. Sizes are stated in CSS pixels and
//! multiplied by the scale.
//!
//! Adding a plot: a new file with `draw_xxx<DB: DrawingBackend>(area, data, style)`, a
//! native test that renders it with `SVGBackend::with_string`, and one entry in the
//! page's plot table (`web::plots`).

pub mod density;
pub mod hill;
pub mod histogram;
pub mod loss;
pub mod qq;
pub mod spectrum;
pub mod sweep;
pub mod tail;

use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::Shift;
use plotters::prelude::*;

pub use density::{density_curve, draw_densities, Bars, Curve};
pub use hill::draw_hill;
pub use histogram::{draw_histogram, Histogram};
pub use loss::{draw_loss, LossSeries};
pub use qq::{draw_qq, QqSeries};
pub use spectrum::draw_spectrum;
pub use sweep::draw_sweep;
pub use tail::{draw_tail, survival_points, TailLine};

/// What a drawing function returns: plotters' error carries the backend's error type.
pub type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Device-dependent sizes of a plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Device pixels per CSS pixel (the page's `devicePixelRatio`; 1 for SVG).
    pub scale: f64,
}

impl Default for Style {
    fn default() -> Self {
        Style { scale: 1.0 }
    }
}

impl Style {
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

/// Draws a chart's series legend in the common style: a translucent white box with a
/// grid-coloured border and the note font, at `position`.
pub fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    style: &Style,
) -> DrawResult<(), DB> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(GRID)
        .label_font(style.note_font())
        .draw()
}

/// The axes every plot draws: a light grid, the axis titles, about `ticks` labels per
/// axis written by `x_tick` / `y_tick`, in the style's font.
pub fn draw_axes<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    style: &Style,
    (x_desc, y_desc): (&str, &str),
    (x_ticks, y_ticks): (usize, usize),
    x_tick: &dyn Fn(&f64) -> String,
    y_tick: &dyn Fn(&f64) -> String,
) -> DrawResult<(), DB>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
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
    fn tick_labels_are_short() {
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(1.5), "1.5");
        assert_eq!(format_tick(-0.0125), "-0.0125");
        assert_eq!(format_tick(2.0), "2");
        assert_eq!(format_tick(250000.0), "2.5e5");
        assert_eq!(format_tick(0.0001234), "1.2e-4");
    }

    #[test]
    fn style_scales_lengths() {
        let s = Style { scale: 2.0 };
        assert_eq!(s.px(3.0), 6);
        assert_eq!(s.font(13.0), 26.0);
        assert_eq!(Style::default().px(0.1), 1);
    }
}
