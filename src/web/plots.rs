//! The page's plot table: each entry names a canvas and draws one of
//! [`crate::plots`]' functions for a report onto it with plotters-canvas (on the main
//! thread: `CanvasBackend` needs the window). Adding a plot to the page is one entry here.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::analysis::Report;
use crate::analysis::SimReport;
use crate::config::{Basis, Config};
use crate::distributions::FittedLaw;
use crate::plots::{self, Bars, Curve, Histogram, Style, TailLine};

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
        id: "tail",
        title: "Tail on log-log axes, with the bounds and the Hill slope",
        draw: draw_tail,
    },
    PagePlot {
        id: "hill",
        title: "Hill plot, with the band of the bounds",
        draw: draw_hill,
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

/// The simulated methods of a report with their labels and colours (SGD first).
pub fn methods(report: &Report) -> Vec<(&'static str, &SimReport, RGBColor)> {
    let mut out = Vec::new();
    if let Some(s) = &report.sgd {
        out.push(("SGD", s, plots::SGD));
    }
    if let Some(s) = &report.hsgd {
        out.push(("hSGD", s, plots::HSGD));
    }
    out
}

/// The density of a fitted law over [lo, hi] as a curve (`None` if the law is invalid).
fn law_curve(label: &str, color: RGBColor, law: &FittedLaw, lo: f64, hi: f64) -> Option<Curve> {
    let law = law.law().ok()?;
    Some(plots::density_curve(label, color, law.as_ref(), lo, hi))
}

fn draw_histogram(area: &Area, report: &Report, style: &Style) -> Result<(), String> {
    let methods = methods(report);
    let hists: Vec<(&str, Histogram, RGBColor, &SimReport)> = methods
        .iter()
        .filter_map(|&(label, sim, color)| {
            Histogram::new(&sim.centred, HISTOGRAM_CLIP).map(|h| (label, h, color, sim))
        })
        .collect();
    if hists.is_empty() {
        return plots::draw_message(area, "fewer than two finished runs", style)
            .map_err(|e| e.to_string());
    }
    let lo = hists.iter().map(|h| h.1.lo).fold(f64::INFINITY, f64::min);
    let hi = hists
        .iter()
        .map(|h| h.1.hi())
        .fold(f64::NEG_INFINITY, f64::max);
    let mut curves = Vec::new();
    // The fits of the first sample shown (SGD when it ran): one set keeps the plot legible.
    let (first_label, _, _, first) = &hists[0];
    if let Some(fits) = &first.fits {
        for (name, fit, color) in [
            ("Gaussian", &fits.gaussian, plots::GAUSSIAN),
            ("Student t", &fits.student_t, plots::STUDENT_T),
            ("skew t", &fits.skew_t, plots::SKEW_T),
            ("α-stable", &fits.stable, plots::STABLE),
        ] {
            let label = if hists.len() > 1 {
                format!("{name} fit ({first_label})")
            } else {
                format!("{name} fit")
            };
            curves.extend(law_curve(&label, color, &fit.law, lo, hi));
        }
    }
    if let Some(theory) = &report.theory {
        if let Some(mut c) = law_curve("theory: Pearson law (hSGD)", plots::THEORY, theory, lo, hi)
        {
            c.dashed = true;
            curves.push(c);
        }
    }
    let bars: Vec<Bars> = hists
        .iter()
        .map(|(label, hist, color, _)| Bars {
            label,
            hist,
            color: *color,
        })
        .collect();
    plots::draw_densities(
        area,
        &bars,
        &curves,
        &coordinate_label(&report.config),
        style,
    )
    .map_err(|e| e.to_string())
}

fn draw_tail(area: &Area, report: &Report, style: &Style) -> Result<(), String> {
    let Some(&(label, sim, _)) = methods(report).first() else {
        return plots::draw_message(area, "no runs in this report", style)
            .map_err(|e| e.to_string());
    };
    let points = plots::survival_points(&sim.centred);
    if points.is_empty() {
        return plots::draw_message(area, "fewer than two finished runs", style)
            .map_err(|e| e.to_string());
    }
    let b = &report.bounds;
    let mut lines = vec![
        TailLine {
            label: format!("upper bound η* = {:.2} (hSGD)", b.upper),
            alpha: b.upper,
            color: plots::THEORY,
            dashed: true,
        },
        TailLine {
            label: format!("lower bound η_* = {:.2} (hSGD)", b.lower),
            alpha: b.lower,
            color: plots::GAUSSIAN,
            dashed: true,
        },
    ];
    let mut anchor = (0.0, 0.0);
    if let Some(est) = &sim.estimates {
        if let (Some(alpha), Some(k)) = (est.hill.alpha, est.hill.k) {
            lines.push(TailLine {
                label: format!("Hill α̂ = {alpha:.2} ({label})"),
                alpha,
                color: plots::STUDENT_T,
                dashed: false,
            });
            anchor = (est.hill_x_min, k as f64 / est.n.max(1) as f64);
        }
    }
    plots::draw_tail(area, &points, anchor, &lines, style).map_err(|e| e.to_string())
}

fn draw_hill(area: &Area, report: &Report, style: &Style) -> Result<(), String> {
    let estimates = methods(report)
        .into_iter()
        .find_map(|(_, sim, _)| sim.estimates.as_ref());
    let Some(est) = estimates else {
        return plots::draw_message(area, "too few runs for tail estimates", style)
            .map_err(|e| e.to_string());
    };
    let b = &report.bounds;
    plots::draw_hill(
        area,
        &est.hill_plot,
        (b.lower, b.upper),
        "bounds [η_*, η*] of the diffusion model (hSGD)",
        style,
    )
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
