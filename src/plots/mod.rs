//! Plots of a [`Report`](crate::report::analysis::Report): one function per plot, each generic
//! over plotters' [`DrawingBackend`] (DESIGN.md), so the same code draws onto the page's
//! canvases (plotters-canvas), into SVG (the CLI, downloads, the tests) or a bitmap.
//!
//! A plot function takes the drawing area, the data it shows and a [`Style`] (the device
//! scale: canvas pixels per CSS pixel, so text and lines keep their size on a phone's
//! high-density screen), and draws the whole area. Sizes are stated in CSS pixels and
//! multiplied by the scale.
//!
//! [`page`] turns a report (or the sweep) into these plots: the page's plot table, which
//! the page draws onto its canvases and `hsgd plot` into SVG files.
//!
//! Adding a plot: a new file with `draw_xxx<DB: DrawingBackend>(area, data, style)`, a
//! native test that renders it with [`svg_document`], and one entry in the page's plot
//! table ([`page_plots`]).

pub mod density;
pub mod evolution;
pub mod hill;
pub mod histogram;
pub mod index;
pub mod legend;
pub mod loss;
pub mod page;
pub mod qq;
pub mod spectrum;
pub mod style;
pub mod sweep;
pub mod tail;
#[cfg(test)]
pub(crate) mod testing;

pub use density::{density_curve, draw_densities, Bars, Curve};
pub use hill::{draw_hill, IndexBand};
pub use histogram::{draw_histogram, Histogram};
pub use index::{index_band, index_legend, index_tail_line, shown_index};
pub use legend::{draw_legend, draw_with_legend_room, svg_with_legend_room, LegendEntry, Mark};
pub use loss::{draw_loss, LossSeries};
pub use page::{
    follows_frame, page_plots, plot_names, plot_svg, sweep_plot, sweep_svg, PagePlot, PAGE_PLOTS,
    SVG_SIZE, SWEEP_ID,
};
pub use qq::{draw_qq, QqSeries};
pub use spectrum::draw_spectrum;
pub use style::{
    draw_axes, draw_corner_note, draw_message, format_tick, legend_fraction, log_axis, log_ticks,
    svg_document, DrawResult, Style, SvgArea, GAUSSIAN, GRID, HSGD, MUTED, SGD, SGD_INDEX, SKEW_T,
    STABLE, STUDENT_T, TEXT, THEORY,
};
pub use sweep::draw_sweep;
pub use tail::{draw_tail, survival_points, TailLine};
