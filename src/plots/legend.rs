//! Legends that never cover the data. A legend goes in the corner of the plotting area
//! where it covers the fewest of the marks the chart drew ([`Ink`]: points, and lines
//! sampled every 3 pixels); when every corner has data, the plot is drawn again with a band
//! above its plotting area ([`Style::legend_band`]) and the entries go in rows across it,
//! each with its mark ([`LegendEntry`]). Generic over the backend: the page's canvases and
//! the SVG of downloads and `hsgd plot` ([`draw_with_legend_room`],
//! [`svg_with_legend_room`]).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{svg_document, text_width, DrawResult, Style, SvgArea, GRID};

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
    document_with_legend_room(|style| svg_document(size, |area| draw(area, style)))
}

/// A document written by `write` in the default style, written afresh with a band above
/// the plotting area when its legend found no free corner ([`svg_with_legend_room`] for
/// any backend that writes a document).
pub fn document_with_legend_room(
    write: impl Fn(&Style) -> Result<String, String>,
) -> Result<String, String> {
    let first = Style::default();
    let document = write(&first)?;
    let band = first.legend_band_wanted.get();
    if band == 0 {
        return Ok(document);
    }
    write(&first.with_band(band))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::style::{linear_axis, SGD, THEORY};

    #[test]
    fn the_legend_takes_the_emptiest_corner() {
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (400, 300)).into_drawing_area();
        let chart = ChartBuilder::on(&area)
            .build_cartesian_2d(linear_axis(0.0, 10.0), linear_axis(0.0, 10.0))
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
            .build_cartesian_2d(linear_axis(0.0, 10.0), linear_axis(0.0, 10.0))
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
}
