//! The page's plots on its canvases: the plot table of [`crate::plots::page`] instantiated
//! for the page's backend ([`PageBackend`]: a canvas through plotters-canvas, on the main
//! thread, since the canvas backend needs the window; or an SVG document for a download),
//! the controls under each canvas, and the sizing of a canvas before it is drawn. Adding a
//! plot to the page is one entry in [`crate::plots::page_plots`].

use plotters::coord::Shift;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::PageBackend;
use crate::plots::legend::draw_with_legend_room;
use crate::plots::style::paint;
use crate::plots::Style;
use crate::report::config::Config;

pub use crate::plots::page::{coordinate_label, methods};

/// A canvas drawing area (or, for a download, an SVG one: [`PageBackend`]).
pub type Area = DrawingArea<PageBackend<'static>, Shift>;

/// One plot of the page, drawn onto a canvas.
pub type PagePlot = crate::plots::PagePlot<PageBackend<'static>>;

/// The plots, in page order.
pub const PLOTS: &[PagePlot] = &crate::plots::page_plots::<PageBackend<'static>>();

/// The markup under a plot's canvas: its display options (the histogram's log y
/// checkbox, `name="log_y"`, checked from `config`) and its download buttons; under the
/// histogram, the empty `#pearson-note` that [`super::pearson_note`] fills.
pub fn figure_tools(id: &str, config: &Config) -> String {
    let options = if id == "histogram" {
        let checked = if config.log_y { " checked" } else { "" };
        r#"<label class="plot-option"><input type="checkbox" id="ctl-log_y" name="log_y"CHECKED> log y</label>"#
            .replace("CHECKED", checked)
    } else {
        String::new()
    };
    // The histogram's Pearson curve is explained in text beside it, filled with the report:
    // folded under a one-line summary that is there from the start, so the text arriving
    // with the first report neither moves the page nor is its largest paint.
    let note = if id == "histogram" {
        r#"<details class="plot-note"><summary>Why the dashed Pearson curve can differ from the histogram</summary><p id="pearson-note"></p></details>"#
    } else {
        ""
    };
    format!(
        r#"<div class="plot-tools">{options}{}</div>{note}"#,
        super::export::plot_buttons(id)
    )
}

/// A canvas with its CSS box, read before any drawing: reading a box forces a layout, and
/// every canvas resized in between would force another, so [`draw_all`] reads all boxes
/// first.
pub struct SizedCanvas {
    canvas: HtmlCanvasElement,
    css: (i32, i32),
}

impl SizedCanvas {
    /// Reads `canvas`'s CSS box (a layout, when the document changed since the last one).
    pub fn measure(canvas: HtmlCanvasElement) -> SizedCanvas {
        let css = (canvas.client_width(), canvas.client_height());
        SizedCanvas { canvas, css }
    }

    /// Sizes the canvas to its CSS box times `devicePixelRatio` (sharp on high-density
    /// screens), clears it and runs `draw`. Does nothing while the canvas is not laid out.
    pub fn draw(&self, draw: impl Fn(&Area, &Style) -> Result<(), String>) -> Result<(), String> {
        let scale = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(1.0);
        let (css_w, css_h) = self.css;
        if css_w <= 0 || css_h <= 0 {
            return Ok(());
        }
        let (width, height) = (
            (f64::from(css_w) * scale).round() as u32,
            (f64::from(css_h) * scale).round() as u32,
        );
        // Setting a size clears the canvas even when it is unchanged; the fill below
        // clears it anyway, so only a real change is written.
        if self.canvas.width() != width {
            self.canvas.set_width(width);
        }
        if self.canvas.height() != height {
            self.canvas.set_height(height);
        }
        let backend =
            PageBackend::canvas(&self.canvas).ok_or("this browser gives no 2D canvas context")?;
        // Twice when the legend needs a band of its own (`draw_with_legend_room`).
        paint(&backend.into_drawing_area(), |area| {
            draw_with_legend_room(area, &Style::new(scale), |area, style| draw(area, style))
                .map(drop)
        })
    }
}

/// Sizes `canvas` and draws on it ([`SizedCanvas::draw`]).
pub fn draw_on_canvas(
    canvas: &HtmlCanvasElement,
    draw: impl Fn(&Area, &Style) -> Result<(), String>,
) -> Result<(), String> {
    SizedCanvas::measure(canvas.clone()).draw(draw)
}
