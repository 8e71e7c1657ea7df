//! What every plot shares: the style (sizes scaled to the device, the palette), the axes
//! with their ticks on linear and log scales, legends, and messages drawn in place of a
//! plot; and SVG documents for downloads, `hsgd plot` and the tests.

use std::cell::Cell;

use plotters::coord::combinators::{LogCoord, WithKeyPoints};
use plotters::coord::ranged1d::{BoldPoints, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What a drawing function returns: plotters' error carries the backend's error type.
pub type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// An SVG drawing area (the page's downloads, `hsgd plot`, the tests).
pub type SvgArea<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// An SVG document of `size` pixels: a white background, then `draw` (which draws at
/// scale 1: SVG pixels are CSS pixels).
pub fn svg_document<E: std::fmt::Display>(
    size: (u32, u32),
    draw: impl FnOnce(&SvgArea<'_>) -> Result<(), E>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&area).map_err(|e| e.to_string())?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Draws a plot with `draw` on `area` (already cleared) in `style`, its legend kept off the
/// data: when the legend found no free corner, the area is cleared and the plot drawn
/// again with the band it asked for. Returns the style of the drawing that stayed.
pub fn draw_with_legend_room<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    draw: impl Fn(&DrawingArea<DB, Shift>, &Style) -> Result<(), String>,
) -> Result<Style, String> {
    let first = style.with_band(0);
    draw(area, &first)?;
    let band = first.legend_band_wanted.get();
    if band == 0 {
        return Ok(first);
    }
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let second = style.with_band(band);
    draw(area, &second)?;
    Ok(second)
}

/// As [`svg_document`] with [`draw_with_legend_room`]: when the legend needs a band, the
/// document is drawn afresh with it (so the file holds one drawing).
pub fn svg_with_legend_room(
    size: (u32, u32),
    draw: impl Fn(&SvgArea<'_>, &Style) -> Result<(), String>,
) -> Result<String, String> {
    let first = Style::default();
    let svg = svg_document(size, |area| draw(area, &first))?;
    let band = first.legend_band_wanted.get();
    if band == 0 {
        return Ok(svg);
    }
    let second = first.with_band(band);
    svg_document(size, |area| draw(area, &second))
}

/// Device-dependent sizes of a plot, and where its legend goes.
///
/// A legend sits in the corner of the plotting area with the fewest data under it
/// ([`emptiest_corner`]); when every corner has data, it needs a band of its own above
/// the plotting area. A plot is then drawn twice ([`draw_with_legend_room`]): the first
/// drawing finds the band's height ([`Style::legend_band_wanted`]), the second reserves it
/// ([`Style::legend_band`], which each plot adds to its top margin).
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// Device pixels per CSS pixel (the page's `devicePixelRatio`; 1 for SVG).
    pub scale: f64,
    /// Device pixels the chart leaves free above its plotting area for the legend (0: the
    /// legend goes inside, in a corner).
    pub legend_band: u32,
    /// Set by [`draw_legend`]: the band the legend needs when no corner is free of data
    /// (0 when one is, or when a band was reserved).
    pub legend_band_wanted: Cell<u32>,
    /// Set by [`draw_legend`]: the marks of the data the drawn legend's box covers.
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
    fn with_band(&self, band: u32) -> Style {
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

/// What a legend must not cover, in data coordinates: scattered points and polylines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ink {
    /// Single marks (a scatter, the corners of bars).
    pub points: Vec<(f64, f64)>,
    /// Lines through their vertices (curves, reference lines, edges of bands).
    pub lines: Vec<Vec<(f64, f64)>>,
}

/// The corners a legend may take, `preferred` first.
fn corners(preferred: SeriesLabelPosition) -> Vec<SeriesLabelPosition> {
    use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
    let mut all = vec![preferred];
    for corner in [UpperRight, UpperLeft, LowerLeft, LowerRight] {
        if !all
            .iter()
            .any(|c| std::mem::discriminant(c) == std::mem::discriminant(&corner))
        {
            all.push(corner);
        }
    }
    all
}

/// What a legend entry shows beside its label, in its colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    /// A filled box (bars, bands) of this opacity.
    Fill(f64),
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A dot (points).
    Dot,
    /// An open square.
    Outline,
    /// A triangle pointing up (`true`) or down.
    Triangle(bool),
}

/// One row of a legend: the series' label and how it is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry<'a> {
    /// The label.
    pub label: &'a str,
    /// The series' colour.
    pub color: RGBColor,
    /// Its mark.
    pub mark: Mark,
}

impl<'a> LegendEntry<'a> {
    /// The entry `label`, drawn as `mark` in `color`.
    pub fn new(label: &'a str, color: RGBColor, mark: Mark) -> LegendEntry<'a> {
        LegendEntry { label, color, mark }
    }
}

/// A rectangle in backend pixels: left, top, width, height.
type PixelBox = (i32, i32, i32, i32);

/// The data's marks in backend pixels: `ink`'s points, and its lines sampled every 3 pixels.
fn ink_pixels<CT: CoordTranslate<From = (f64, f64)>>(coord: &CT, ink: &Ink) -> Vec<(i32, i32)> {
    let mut marks: Vec<(i32, i32)> = ink.points.iter().map(|p| coord.translate(p)).collect();
    for line in &ink.lines {
        let pixels: Vec<(i32, i32)> = line.iter().map(|p| coord.translate(p)).collect();
        for pair in pixels.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let steps = ((x1 - x0).abs().max((y1 - y0).abs()) / 3).clamp(1, 2000);
            marks.extend(
                (0..=steps).map(|s| (x0 + (x1 - x0) * s / steps, y0 + (y1 - y0) * s / steps)),
            );
        }
        if pixels.len() == 1 {
            marks.push(pixels[0]);
        }
    }
    marks
}

/// How many of `marks` lie in `b`.
fn covered(marks: &[(i32, i32)], (left, top, width, height): PixelBox) -> usize {
    marks
        .iter()
        .filter(|&&(x, y)| x >= left && x <= left + width && y >= top && y <= top + height)
        .count()
}

/// The box of plotters' legend of `labels` in `corner` of a plotting area spanning
/// `xs` × `ys`: a swatch column, margins inside and from the corner.
fn corner_box(
    corner: &SeriesLabelPosition,
    (xs, ys): (std::ops::Range<i32>, std::ops::Range<i32>),
    widest: i32,
    rows: usize,
    style: &Style,
) -> PixelBox {
    use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft};
    let (width, height) = (
        widest + style.px(30.0) as i32 + 2 * style.px(10.0) as i32,
        (rows as f64 * style.font(12.0) * 1.35) as i32 + 2 * style.px(10.0) as i32,
    );
    let offset = style.px(10.0) as i32;
    let left = match corner {
        UpperLeft | LowerLeft => xs.start + offset,
        _ => xs.end - offset - width,
    };
    let top = match corner {
        LowerLeft | LowerRight => ys.end - offset - height,
        _ => ys.start + offset,
    };
    (left, top, width, height)
}

/// The corner of the plotting area where a legend of `labels` covers the fewest marks of
/// `ink` (sampled every 3 pixels along its lines), `preferred` when it ties, with the
/// number of marks it covers there.
fn corner_and_cover<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &ChartContext<'a, DB, CT>,
    ink: &Ink,
    labels: &[&str],
    preferred: SeriesLabelPosition,
    style: &Style,
) -> (SeriesLabelPosition, PixelBox, usize) {
    let area = chart.plotting_area();
    let range = area.get_pixel_range();
    let font = style.note_font();
    let widest = labels
        .iter()
        .map(|l| text_width(&area.strip_coord_spec(), l, &font, style))
        .max()
        .unwrap_or(0) as i32;
    let marks = ink_pixels(chart.as_coord_spec(), ink);
    corners(preferred)
        .into_iter()
        .map(|corner| {
            let b = corner_box(&corner, range.clone(), widest, labels.len(), style);
            let n = covered(&marks, b);
            (corner, b, n)
        })
        .min_by_key(|&(_, _, n)| n)
        .expect("four corners")
}

/// The corner of the plotting area where a legend of `labels` covers the fewest marks of
/// `ink` (sampled every 3 pixels along its lines), `preferred` when it ties: a legend
/// never sits on the data when a corner is free of them.
pub fn emptiest_corner<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &ChartContext<'a, DB, CT>,
    ink: &Ink,
    labels: &[&str],
    preferred: SeriesLabelPosition,
    style: &Style,
) -> SeriesLabelPosition {
    corner_and_cover(chart, ink, labels, preferred, style).0
}

/// The rows of a legend laid out across `width` pixels: the entries' widths `widths`, a
/// `gap` between entries in a row, as many in each row as fit (at least one).
fn wrap_rows(widths: &[i32], width: i32, gap: i32) -> Vec<std::ops::Range<usize>> {
    let mut rows = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, &w) in widths.iter().enumerate() {
        if i > start && used + gap + w > width {
            rows.push(start..i);
            (start, used) = (i, w);
        } else {
            used += if i > start { gap + w } else { w };
        }
    }
    if start < widths.len() {
        rows.push(start..widths.len());
    }
    rows
}

/// The width of an entry in a band legend: the swatch, a gap and the label.
fn band_entry_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entry: &LegendEntry,
    style: &Style,
) -> i32 {
    (style.px(22.0) + style.px(5.0)) as i32
        + text_width(area, entry.label, &style.note_font(), style) as i32
}

/// The height of a band legend of `rows` rows, its padding included.
fn band_height(rows: usize, style: &Style) -> u32 {
    ((rows as f64 * style.font(12.0) * 1.4).ceil() as u32) + style.px(6.0)
}

/// Draws the legend's entries in rows across the band above the plotting area (x from
/// `xs`, the band's bottom at `bottom`), each a swatch of its mark and its label.
fn draw_band_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    xs: std::ops::Range<i32>,
    bottom: i32,
    style: &Style,
) -> DrawResult<PixelBox, DB> {
    let widths: Vec<i32> = entries
        .iter()
        .map(|e| band_entry_width(area, e, style))
        .collect();
    let gap = style.px(14.0) as i32;
    let rows = wrap_rows(&widths, xs.end - xs.start, gap);
    let row_px = style.font(12.0) * 1.4;
    let height = band_height(rows.len(), style) as i32;
    let top = bottom - height;
    let swatch = style.px(22.0) as i32;
    let font = style
        .note_font()
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ));
    for (r, row) in rows.iter().enumerate() {
        let y = top + ((r as f64 + 0.5) * row_px).round() as i32;
        let mut x = xs.start;
        for i in row.clone() {
            let e = &entries[i];
            let stroke = e.color.stroke_width(style.px(2.0));
            let half = style.px(4.0) as i32;
            match e.mark {
                Mark::Fill(opacity) => area.draw(&Rectangle::new(
                    [(x, y - half), (x + swatch, y + half)],
                    e.color.mix(opacity).filled(),
                ))?,
                Mark::Line => {
                    area.draw(&PathElement::new(vec![(x, y), (x + swatch, y)], stroke))?
                }
                Mark::Dashed => {
                    let dash = swatch / 4;
                    for k in [0, 2] {
                        area.draw(&PathElement::new(
                            vec![(x + k * dash, y), (x + (k + 1) * dash + dash / 2, y)],
                            stroke,
                        ))?;
                    }
                }
                Mark::Dot => area.draw(&Circle::new(
                    (x + swatch / 2, y),
                    style.px(3.0),
                    e.color.filled(),
                ))?,
                Mark::Outline => area.draw(&Rectangle::new(
                    [
                        (x + swatch / 2 - half, y - half),
                        (x + swatch / 2 + half, y + half),
                    ],
                    e.color.stroke_width(style.px(1.5)),
                ))?,
                Mark::Triangle(up) => {
                    let (tip, base) = if up { (-half, half) } else { (half, -half) };
                    let c = x + swatch / 2;
                    area.draw(&Polygon::new(
                        vec![(c - half, y + base), (c + half, y + base), (c, y + tip)],
                        e.color.filled(),
                    ))?
                }
            }
            area.draw_text(e.label, &font, (x + swatch + style.px(5.0) as i32, y))?;
            x += widths[i] + gap;
        }
    }
    Ok((xs.start, top, xs.end - xs.start, height))
}

/// Draws a chart's series legend, off the data. In the corner [`emptiest_corner`] finds
/// for the `entries` against `ink` (what the chart drew) when one is free of data:
/// plotters' legend in the common style (a translucent white box with a grid-coloured
/// border and the note font, the series' own swatches). When none is free, the plot asks
/// for a band above its plotting area ([`Style::legend_band_wanted`], then drawn again by
/// [`draw_with_legend_room`]); in a chart with that band reserved ([`Style::legend_band`])
/// the entries go in rows across it. Records what the drawn box covers in
/// [`Style::legend_covered`].
pub fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'a, DB, CT>,
    ink: &Ink,
    entries: &[LegendEntry],
    preferred: SeriesLabelPosition,
    style: &Style,
) -> DrawResult<(), DB> {
    let labels: Vec<&str> = entries.iter().map(|e| e.label).collect();
    style.legend_band_wanted.set(0);
    if style.legend_band > 0 {
        let plotting = chart.plotting_area();
        let (xs, ys) = plotting.get_pixel_range();
        let marks = ink_pixels(chart.as_coord_spec(), ink);
        // The band's own area: the plotting area grown upwards over it (plotters clips a
        // shape to the area it is drawn on).
        let band = style.legend_band as i32;
        let band_area = plotting.strip_coord_spec().margin(-band, 0, 0, 0);
        let (left, top, width, height) = draw_band_legend(
            &band_area,
            entries,
            0..xs.end - xs.start,
            band - style.px(3.0) as i32,
            style,
        )?;
        style.legend_covered.set(covered(
            &marks,
            (left + xs.start, top + ys.start - band, width, height),
        ));
        return Ok(());
    }
    let (position, _, cover) = corner_and_cover(chart, ink, &labels, preferred, style);
    if cover > 0 && !entries.is_empty() {
        // No corner is free: ask for a band wide enough to wrap the entries into.
        let plotting = chart.plotting_area();
        let (xs, _) = plotting.get_pixel_range();
        let root = plotting.strip_coord_spec();
        let widths: Vec<i32> = entries
            .iter()
            .map(|e| band_entry_width(&root, e, style))
            .collect();
        let rows = wrap_rows(&widths, xs.end - xs.start, style.px(14.0) as i32);
        style
            .legend_band_wanted
            .set(band_height(rows.len(), style) + style.px(3.0));
    }
    style.legend_covered.set(cover);
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

/// The width of a y axis's label area: the widest of the `ticks` labels `format` writes
/// for the axis `y`, measured by the backend (a browser's fonts differ: Firefox's are wider
/// than Chromium's), with the axis title on its side, the tick marks and the gaps beside
/// it; never less than `at_least_css` CSS pixels, so every plot keeps its margins.
pub fn y_label_area<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    y: &Y,
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
fn text_width<DB: DrawingBackend>(
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

/// A linear axis over lo..hi, as plotters builds it from a range.
pub fn linear_axis(lo: f64, hi: f64) -> RangedCoordf64 {
    (lo..hi).into()
}

/// A log-scale axis over lo..hi with its ticks from [`log_ticks`]. (plotters' own log
/// axis puts ticks only at powers of ten, so an axis inside one decade, e.g. a tail from
/// 1.3 to 5, had no labels at all.)
pub fn log_axis(lo: f64, hi: f64) -> WithKeyPoints<LogCoord<f64>> {
    (lo..hi).log_scale().with_key_points(log_ticks(lo, hi))
}

/// Ticks for a log axis over lo..hi (0 < lo < hi): the powers of ten inside when there
/// are at least three (every n-th, at most 8), else {1, 2, 5}·10ᵏ or else {1, …, 9}·10ᵏ,
/// whichever first gives three ticks inside; else lo and hi rounded inwards to two
/// significant digits.
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
    for mantissas in [
        &[1.0, 2.0, 5.0][..],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0][..],
    ] {
        let ticks = inside(mantissas);
        if ticks.len() >= 3 {
            return ticks;
        }
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
    fn the_legend_takes_the_emptiest_corner() {
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (400, 300)).into_drawing_area();
        let chart = ChartBuilder::on(&area)
            .build_cartesian_2d(0.0..10.0, 0.0..10.0)
            .unwrap();
        let style = Style::default();
        let labels = ["a series", "another series"];
        let position =
            |ink: &Ink, preferred| emptiest_corner(&chart, ink, &labels, preferred, &style);
        let is = |got: SeriesLabelPosition, want: SeriesLabelPosition| {
            std::mem::discriminant(&got) == std::mem::discriminant(&want)
        };
        use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
        // Nothing drawn: the preferred corner.
        assert!(is(position(&Ink::default(), LowerLeft), LowerLeft));
        // A peak in the upper right: the legend moves to the upper left, the next corner
        // in order, which is empty.
        let peak = Ink {
            points: vec![],
            lines: vec![vec![(5.0, 0.0), (8.0, 9.5), (9.5, 0.0)]],
        };
        assert!(is(position(&peak, UpperRight), UpperLeft));
        // Points everywhere but the lower right.
        let scatter = Ink {
            points: (0..100)
                .map(|i| (0.1 * i as f64, 9.5))
                .chain((0..50).map(|i| (0.1 * i as f64, 0.5)))
                .collect(),
            lines: vec![],
        };
        assert!(is(position(&scatter, UpperLeft), LowerRight));
    }

    #[test]
    fn legend_rows_wrap_at_the_width() {
        assert_eq!(wrap_rows(&[100, 100, 100], 250, 10), vec![0..2, 2..3]);
        assert_eq!(wrap_rows(&[100, 100, 100], 320, 10), vec![0..3]);
        // An entry wider than the band takes a row of its own.
        assert_eq!(wrap_rows(&[300, 50, 50], 250, 10), vec![0..1, 1..3]);
        assert!(wrap_rows(&[], 250, 10).is_empty());
    }

    /// A chart of `points` with a legend of two entries, drawn as the plots draw theirs.
    fn draw_points(area: &SvgArea<'_>, points: &[(f64, f64)], style: &Style) -> Result<(), String> {
        let error = |e: DrawingAreaErrorKind<_>| e.to_string();
        let mut chart = ChartBuilder::on(area)
            .margin(style.px(10.0))
            .margin_top(style.margin_top(16.0))
            .build_cartesian_2d(0.0..10.0, 0.0..10.0)
            .map_err(error)?;
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 2, SGD.filled())))
            .map_err(error)?
            .label("every point")
            .legend(|(x, y)| Circle::new((x, y), 2, SGD.filled()));
        chart
            .draw_series(LineSeries::new([(0.0, 5.0), (10.0, 5.0)], THEORY))
            .map_err(error)?
            .label("a level line")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], THEORY));
        let ink = Ink {
            points: points.to_vec(),
            lines: vec![vec![(0.0, 5.0), (10.0, 5.0)]],
        };
        let entries = [
            LegendEntry::new("every point", SGD, Mark::Dot),
            LegendEntry::new("a level line", THEORY, Mark::Line),
        ];
        draw_legend(
            &mut chart,
            &ink,
            &entries,
            SeriesLabelPosition::UpperRight,
            style,
        )
        .map_err(error)
    }

    /// The y of every `<text>` whose content is `label` in `svg`.
    fn text_ys(svg: &str, label: &str) -> Vec<f64> {
        svg.split("<text")
            .skip(1)
            .filter(|t| t.contains(&format!(">{label}<")) || t.contains(&format!(">\n{label}")))
            .filter_map(|t| {
                let y = t.split(" y=\"").nth(1)?.split('"').next()?;
                y.parse().ok()
            })
            .collect()
    }

    #[test]
    fn a_legend_with_no_free_corner_takes_a_band_above_the_data() {
        let size = (360, 220);
        // Points all over the plot: every corner has data.
        let everywhere: Vec<(f64, f64)> = (0..=20)
            .flat_map(|i| (0..=20).map(move |j| (0.5 * i as f64, 0.5 * j as f64)))
            .collect();
        let first = Style::default();
        svg_document(size, |area| draw_points(area, &everywhere, &first)).unwrap();
        assert!(first.legend_covered.get() > 0);
        let band = first.legend_band_wanted.get();
        assert!(band > 0, "no band asked for");
        // Drawn again with the band: the legend covers nothing, and sits above the
        // plotting area, whose top is now the band lower.
        let svg = svg_with_legend_room(size, |area, style| draw_points(area, &everywhere, style))
            .unwrap();
        let ys = text_ys(&svg, "every point");
        assert_eq!(ys.len(), 1, "one drawing, one label: {svg}");
        let plot_top = f64::from(Style::default().px(16.0) + band);
        assert!(
            ys[0] < plot_top && ys[0] > 16.0,
            "label at y = {} (plot top {plot_top})",
            ys[0]
        );
        // Its swatch too: the one dot above the plotting area (plotters clips a shape to the
        // area it is drawn on, so a swatch drawn on the plotting area would sit on its top).
        let dots_above = svg
            .split("<circle")
            .skip(1)
            .filter_map(|c| {
                c.split(" cy=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .parse::<f64>()
                    .ok()
            })
            .filter(|&cy| cy < plot_top - 2.0)
            .count();
        assert_eq!(dots_above, 1, "{svg}");
        let mut kept = None;
        svg_document(size, |area| {
            kept = Some(draw_with_legend_room(area, &Style::default(), |a, s| {
                draw_points(a, &everywhere, s)
            })?);
            Ok::<(), String>(())
        })
        .unwrap();
        let kept = kept.unwrap();
        assert_eq!((kept.legend_band, kept.legend_covered.get()), (band, 0));
        // With a free corner the legend stays inside and no band is asked for.
        let left_half: Vec<(f64, f64)> = everywhere.iter().copied().filter(|p| p.0 < 4.0).collect();
        let inside = Style::default();
        svg_document(size, |area| draw_points(area, &left_half, &inside)).unwrap();
        assert_eq!(
            (inside.legend_band_wanted.get(), inside.legend_covered.get()),
            (0, 0)
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
