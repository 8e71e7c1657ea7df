//! The page's plot table: each entry names a canvas and draws one of
//! [`crate::plots`]' functions for a report onto it with plotters-canvas (on the main
//! thread: `CanvasBackend` needs the window). Adding a plot to the page is one entry here.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::analysis::Report;
use crate::config::{Basis, Config};
use crate::plots::{self, Histogram, Style};

/// A canvas drawing area.
pub type Area = DrawingArea<CanvasBackend, Shift>;

/// One plot of the page.
pub struct PagePlot {
    /// Suffix of the canvas id (`plot-<id>`).
    pub id: &'static str,
    /// Heading above the canvas.
    pub title: &'static str,
    /// Draws the plot for a report; the error is a message for the user.
    pub draw: fn(&Area, &Report, &Style) -> Result<(), String>,
}

/// The plots, in page order.
pub const PLOTS: &[PagePlot] = &[
    PagePlot {
        id: "histogram",
        title: "Final iterates: histogram of the inspected coordinate",
        draw: draw_histogram,
    },
    PagePlot {
        id: "spectrum",
        title: "Spectrum of the data",
        draw: draw_spectrum,
    },
];

/// Central quantile range the histogram shows (0.5% cut off on each side).
const HISTOGRAM_CLIP: f64 = 0.005;

/// The axis label of the inspected coordinate (1-based, as in the paper's q₁).
pub fn coordinate_label(config: &Config) -> String {
    match config.basis {
        Basis::Svd => format!(
            "centred SVD coordinate q{}ᵀx of the final iterate",
            config.coordinate + 1
        ),
        Basis::Original => format!(
            "centred coordinate x{} of the final iterate",
            config.coordinate + 1
        ),
    }
}

fn draw_histogram(area: &Area, report: &Report, style: &Style) -> Result<(), String> {
    let Some(sgd) = &report.sgd else {
        return plots::draw_message(area, "no SGD runs in this report", style)
            .map_err(|e| e.to_string());
    };
    match Histogram::new(&sgd.centred, HISTOGRAM_CLIP) {
        Some(h) => plots::draw_histogram(area, &h, &coordinate_label(&report.config), style),
        None => plots::draw_message(area, "fewer than two finished runs", style),
    }
    .map_err(|e| e.to_string())
}

fn draw_spectrum(area: &Area, report: &Report, style: &Style) -> Result<(), String> {
    plots::draw_spectrum(area, &report.singular_values, style).map_err(|e| e.to_string())
}

/// Sizes `canvas` to its CSS box times `devicePixelRatio` (sharp on high-density
/// screens), clears it and runs `draw`. Does nothing while the canvas is not laid out.
pub fn draw_on_canvas(
    canvas: &HtmlCanvasElement,
    draw: impl FnOnce(&Area, &Style) -> Result<(), String>,
) -> Result<(), String> {
    let scale = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let (css_w, css_h) = (canvas.client_width(), canvas.client_height());
    if css_w <= 0 || css_h <= 0 {
        return Ok(());
    }
    canvas.set_width((f64::from(css_w) * scale).round() as u32);
    canvas.set_height((f64::from(css_h) * scale).round() as u32);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or("this browser gives no 2D canvas context")?;
    let area = backend.into_drawing_area();
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    draw(&area, &Style { scale })?;
    area.present().map_err(|e| e.to_string())
}
