//! The page's plot table: each entry names a canvas and draws one of
//! [`crate::plots`]' functions for a report onto it with plotters-canvas (on the main
//! thread: the canvas backend needs the window), or into SVG for a download. Adding a plot
//! to the page is one entry here: one function generic over the backend, instantiated
//! for both by [`page_plot!`].

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use plotters::coord::Shift;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::MeasuredCanvas;
use crate::plots::{
    self, index_band, index_tail_line, Bars, Curve, Histogram, LossSeries, QqSeries, Style,
    TailLine,
};
use crate::report::analysis::Report;
use crate::report::analysis::SimReport;
use crate::report::config::{Basis, Config};
use crate::stats::distributions::FittedLaw;
use crate::stats::fits::{qq_points, Fits, QqPoint};

/// A canvas drawing area.
pub type Area = DrawingArea<MeasuredCanvas, Shift>;

/// An SVG drawing area (downloads).
pub type SvgArea<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// One plot of the page.
pub struct PagePlot {
    /// Suffix of the canvas id (`plot-<id>`).
    pub id: &'static str,
    /// Heading above the canvas.
    pub title: &'static str,
    /// Draws the plot for a report; the error is a message for the user.
    pub draw: fn(&Area, &Report, &Style) -> Result<(), String>,
    /// The same drawing into SVG (the download): the same generic function as `draw`.
    pub svg: fn(&SvgArea<'_>, &Report, &Style) -> Result<(), String>,
}

/// A [`PagePlot`] whose canvas and SVG drawings are one function generic over the
/// backend, `fn(&DrawingArea<DB, Shift>, &Report, &Style) -> Result<(), String>`.
macro_rules! page_plot {
    ($id:literal, $title:literal, $draw:ident) => {
        PagePlot {
            id: $id,
            title: $title,
            draw: |area, report, style| $draw(area, report, style),
            svg: |area, report, style| $draw(area, report, style),
        }
    };
}

/// The plots, in page order.
pub const PLOTS: &[PagePlot] = &[
    page_plot!(
        "histogram",
        "Final iterates: histogram of the inspected coordinate",
        draw_histogram
    ),
    page_plot!(
        "tail",
        "Tail on log-log axes, with the bounds, α_SGD and the Hill slope",
        draw_tail
    ),
    page_plot!(
        "hill",
        "Hill plot, with the band of the bounds and α_SGD",
        draw_hill
    ),
    page_plot!(
        "qq-t",
        "QQ plot against the fitted Student t",
        draw_qq_student_t
    ),
    page_plot!(
        "qq-stable",
        "QQ plot against the fitted α-stable law",
        draw_qq_stable
    ),
    page_plot!("spectrum", "Spectrum of the data", draw_spectrum),
    page_plot!(
        "loss",
        "Loss over the steps (mean of the first runs)",
        draw_loss
    ),
];

/// The markup under a plot's canvas: its display options (the histogram's log y
/// checkbox, `name="log_y"`, checked from `config`) and its download buttons.
pub fn figure_tools(id: &str, config: &Config) -> String {
    let options = if id == "histogram" {
        let checked = if config.log_y { " checked" } else { "" };
        r#"<label class="plot-option"><input type="checkbox" id="ctl-log_y" name="log_y"CHECKED> log y</label>"#
            .replace("CHECKED", checked)
    } else {
        String::new()
    };
    format!(
        r#"<div class="plot-tools">{options}{}</div>"#,
        super::export::plot_buttons(id)
    )
}

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

fn draw_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
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
        report.config.log_y,
        style,
    )
    .map_err(|e| e.to_string())
}

fn draw_tail<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
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
    lines.extend(index_tail_line(report));
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

fn draw_hill<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
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
        // Short, so the legend leaves the peak of small k free; "(hSGD)" as in the tail
        // plot, the numbers panel says whose bounds these are.
        "bounds [η_*, η*] (hSGD)",
        index_band(report).as_ref(),
        style,
    )
    .map_err(|e| e.to_string())
}

fn draw_spectrum<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
    plots::draw_spectrum(area, &report.singular_values, style).map_err(|e| e.to_string())
}

/// Most QQ points per sample (the extremes and the body are both kept).
const QQ_POINTS: usize = 150;

thread_local! {
    /// QQ points already computed, keyed by the law and a hash of the sample: a stable
    /// law's quantiles take a fraction of a second, and the page redraws on every resize.
    static QQ_CACHE: RefCell<Vec<(FittedLaw, u64, Vec<QqPoint>)>> = const { RefCell::new(Vec::new()) };
}

/// The QQ points of `sample` against `law` (cached; `None` if the law is invalid).
fn cached_qq_points(sample: &[f64], law: &FittedLaw) -> Option<Vec<QqPoint>> {
    let mut hasher = DefaultHasher::new();
    for v in sample {
        v.to_bits().hash(&mut hasher);
    }
    let key = hasher.finish();
    let hit = QQ_CACHE.with(|cache| {
        cache
            .borrow()
            .iter()
            .find(|(l, k, _)| l == law && *k == key)
            .map(|(_, _, points)| points.clone())
    });
    if hit.is_some() {
        return hit;
    }
    let points = qq_points(sample, law.law().ok()?.as_ref(), QQ_POINTS);
    QQ_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Two laws for each of two methods: keep the last few reports' worth.
        if cache.len() >= 8 {
            cache.remove(0);
        }
        cache.push((*law, key, points.clone()));
    });
    Some(points)
}

/// The QQ plot of each simulated method against its own fit `pick(fits)`; `law` names
/// the law, `parameter` describes the fit in the legend ("ν = 3.2").
fn draw_qq_of<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
    law: &str,
    pick: fn(&Fits) -> &FittedLaw,
    parameter: fn(&FittedLaw) -> String,
) -> Result<(), String> {
    let mut samples = Vec::new();
    // Why a method has no points: its fits failed (the note says why) or are still being
    // computed (the worker sends them after the report, as a second stage).
    let mut failed = None;
    let mut pending = false;
    for (label, sim, color) in methods(report) {
        let fitted = sim.fits.as_ref().map(pick);
        match fitted.and_then(|f| Some((f, cached_qq_points(&sim.centred, f)?))) {
            Some((f, points)) => {
                samples.push((format!("{label}, {}", parameter(f)), color, points))
            }
            None => match sim.notes.iter().find(|n| n.starts_with("fits:")) {
                Some(note) => failed = Some(format!("{label} {note}")),
                None if sim.fits.is_none() => pending = true,
                None => failed = Some(format!("{label}: the fitted law is not valid")),
            },
        }
    }
    if samples.is_empty() {
        let why = if pending {
            format!("fitting the {law}…")
        } else if let Some(failed) = failed {
            format!("no {law} fit ({failed})")
        } else {
            format!("no runs to compare with a {law}")
        };
        return plots::draw_message(area, &why, style).map_err(|e| e.to_string());
    }
    let series: Vec<QqSeries> = samples
        .iter()
        .map(|(label, color, points)| QqSeries {
            label: label.clone(),
            color: *color,
            points,
        })
        .collect();
    plots::draw_qq(area, &series, law, style)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn draw_qq_student_t<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
    draw_qq_of(
        area,
        report,
        style,
        "Student t",
        |fits| &fits.student_t.law,
        |law| match law {
            FittedLaw::StudentT { df, .. } => format!("ν = {df:.2}"),
            _ => "fitted".into(),
        },
    )
}

fn draw_qq_stable<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
    draw_qq_of(
        area,
        report,
        style,
        "α-stable law",
        |fits| &fits.stable.law,
        |law| match law {
            FittedLaw::Stable { alpha, beta, .. } => format!("α = {alpha:.2}, β = {beta:.2}"),
            _ => "fitted".into(),
        },
    )
}

fn draw_loss<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
    let series: Vec<LossSeries> = methods(report)
        .into_iter()
        .map(|(label, sim, color)| LossSeries {
            label: label.to_string(),
            color,
            steps: &sim.loss_steps,
            loss: &sim.loss,
        })
        .collect();
    plots::draw_loss(area, &series, report.min_loss, style)
        .map(|_| ())
        .map_err(|e| e.to_string())
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
    pub fn draw(
        &self,
        draw: impl FnOnce(&Area, &Style) -> Result<(), String>,
    ) -> Result<(), String> {
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
            MeasuredCanvas::new(&self.canvas).ok_or("this browser gives no 2D canvas context")?;
        let area = backend.into_drawing_area();
        area.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&area, &Style { scale })?;
        area.present().map_err(|e| e.to_string())
    }
}

/// Sizes `canvas` and draws on it ([`SizedCanvas::draw`]).
pub fn draw_on_canvas(
    canvas: &HtmlCanvasElement,
    draw: impl FnOnce(&Area, &Style) -> Result<(), String>,
) -> Result<(), String> {
    SizedCanvas::measure(canvas.clone()).draw(draw)
}
