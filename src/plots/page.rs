//! The page's plots drawn from a [`Report`]: the table [`page_plots`] names each plot (its
//! id, which is also the page's canvas id `plot-<id>`, and its title) and draws it with one
//! of this module's siblings, generic over the backend. The page instantiates the table for
//! its canvas (`web::plots`); the SVG download and `hsgd plot` draw the same functions
//! onto plotters' SVG backend ([`plot_svg`]). The sweep's plot is drawn from a [`Sweep`]
//! rather than a report, so it is a sibling entry, [`sweep_plot`].
//!
//! Adding a plot to the page is one entry in [`page_plots`]: a function
//! `fn(&Area<DB>, &Report, &Style) -> DrawResult<(), DB>` named by `page_plot!`. The file
//! runs past 700 lines because each of the nine plots has its adapter from the report here,
//! next to the table that names it.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::density::{Bars, Curve};
use super::evolution::{Level, Scale, StepPoint, StepSeries};
use super::histogram::Histogram;
use super::index::{index_band, index_tail_line};
use super::loss::LossSeries;
use super::qq::QqSeries;
use super::style::format_tick;
use super::style::{DrawResult, Style};
use super::tail::TailLine;
use super::{density, evolution, hill, legend, loss, qq, spectrum, style, sweep, tail};
use crate::report::analysis::{Report, SimReport};
use crate::report::config::Basis;
use crate::report::evolution::Evolution;
use crate::report::sweep::Sweep;
use crate::stats::distributions::FittedLaw;
use crate::stats::fits::{qq_points, Fits, QqPoint, QQ_PLOT_POINTS};

/// A drawing area of backend `DB`, spanning the whole plot.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// What a page plot's drawing function returns.
type Drawn<DB> = DrawResult<(), DB>;

/// One plot of the page, drawn from a `Data` (a [`Report`], or the [`Sweep`]) onto
/// backend `DB`.
pub struct PagePlot<DB: DrawingBackend, Data = Report> {
    /// Suffix of the canvas id (`plot-<id>`); the name `hsgd plot` takes.
    pub id: &'static str,
    /// Heading above the canvas.
    pub title: &'static str,
    /// Draws the plot; the error is a message for the user.
    pub draw: fn(&Area<DB>, &Data, &Style) -> Result<(), String>,
}

/// A [`PagePlot`] drawn by `$draw(area, data, style, arguments…)`, a function generic
/// over the backend; its plotters error becomes the message.
macro_rules! page_plot {
    ($id:expr, $title:literal, $draw:ident $(, $argument:expr)*) => {
        PagePlot {
            id: $id,
            title: $title,
            draw: |area, data, style| {
                $draw(area, data, style $(, $argument)*).map_err(|e| e.to_string())
            },
        }
    };
}

/// How many plots [`page_plots`] holds.
pub const PAGE_PLOTS: usize = 9;

/// The plots of a report, in page order, drawn onto backend `DB`.
pub const fn page_plots<DB: DrawingBackend>() -> [PagePlot<DB>; PAGE_PLOTS] {
    [
        page_plot!(
            "histogram",
            "Histogram of the inspected coordinate",
            draw_histogram
        ),
        page_plot!(
            "tail",
            "Tail on log-log axes, with the bounds, α_SGD and the Hill slope",
            draw_tail
        ),
        page_plot!(
            "index-evolution",
            "Tail index against the step, with the bounds and α_SGD",
            draw_index_evolution
        ),
        page_plot!(
            "variance-evolution",
            "Variance against the step, with the stationary variance",
            draw_variance_evolution
        ),
        page_plot!(
            "hill",
            "Hill plot, with the band of the bounds and α_SGD",
            draw_hill
        ),
        page_plot!(
            "qq-t",
            "QQ plot against the fitted Student t",
            draw_qq,
            &STUDENT_T_QQ
        ),
        page_plot!(
            "qq-stable",
            "QQ plot against the fitted α-stable law",
            draw_qq,
            &STABLE_QQ
        ),
        page_plot!("spectrum", "Spectrum of the data", draw_spectrum),
        page_plot!(
            "loss",
            "Loss over the steps (mean of the first runs)",
            draw_loss
        ),
    ]
}

/// Whether the plot `id` shows the timeline's frame (drawn from [`Report::at_frame`]):
/// the law of the iterates at the frame's step, and the step plots' marker. The others
/// (the fits' QQ plots, the spectrum, the loss) belong to the whole run.
pub fn follows_frame(id: &str) -> bool {
    matches!(
        id,
        "histogram" | "tail" | "hill" | "index-evolution" | "variance-evolution"
    )
}

/// The id of [`sweep_plot`].
pub const SWEEP_ID: &str = "sweep";

/// The sweep section's plot, drawn from the whole [`Sweep`] (the page draws the points
/// measured so far with the same [`sweep::draw_sweep`]).
pub const fn sweep_plot<DB: DrawingBackend>() -> PagePlot<DB, Sweep> {
    page_plot!(SWEEP_ID, "Tail index along the sweep", draw_whole_sweep)
}

/// Every plot of the page as (id, title), in page order, the sweep's last. Read from the
/// table for backend `DB`: a caller names the backend it draws with, so that no other
/// backend's copy of the drawing code is compiled for it.
pub fn plot_names<DB: DrawingBackend>() -> Vec<(&'static str, &'static str)> {
    let sweep = sweep_plot::<DB>();
    page_plots::<DB>()
        .iter()
        .map(|p| (p.id, p.title))
        .chain([(sweep.id, sweep.title)])
        .collect()
}

/// An SVG's size in pixels when no canvas gives one: the page's download of a plot that
/// is not laid out, and `hsgd plot`'s default.
pub const SVG_SIZE: (u32, u32) = (800, 500);

/// The plot `id` of [`page_plots`] drawn for `report` into an SVG document of `size`
/// pixels (scale 1), its legend off the data ([`legend::svg_with_legend_room`]): the page's
/// SVG download and `hsgd plot`.
pub fn plot_svg(id: &str, report: &Report, size: (u32, u32)) -> Result<String, String> {
    legend::svg_with_legend_room(size, |area, style| draw_plot(area, id, report, style))
}

/// The plot `id` of [`page_plots`] drawn for `report` on `area`; the error is a message
/// for the user (an unknown id included).
pub fn draw_plot<DB: DrawingBackend>(
    area: &Area<DB>,
    id: &str,
    report: &Report,
    style: &Style,
) -> Result<(), String> {
    let plot = page_plots()
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| format!("there is no plot “{id}”"))?;
    (plot.draw)(area, report, style)
}

/// [`sweep_plot`] drawn for `sweep` into an SVG document of `size` pixels (scale 1).
pub fn sweep_svg(sweep: &Sweep, size: (u32, u32)) -> Result<String, String> {
    legend::svg_with_legend_room(size, |area, style| (sweep_plot().draw)(area, sweep, style))
}

fn draw_whole_sweep<DB: DrawingBackend>(
    area: &Area<DB>,
    sweep: &Sweep,
    style: &Style,
) -> Drawn<DB> {
    sweep::draw_sweep(area, &sweep.plan, &sweep.points, style)
}

/// Central quantile range the histogram shows (0.5% cut off on each side).
const HISTOGRAM_CLIP: f64 = 0.005;

/// The axis label of the inspected coordinate (1-based, as in the paper's q₁), of the
/// final iterate or, on a timeline frame, of the iterate at its step.
pub fn coordinate_label(report: &Report) -> String {
    let config = &report.config;
    let when = match report.frame_step() {
        Some(step) if report.config.frame.is_some_and(|c| c + 1 < report.frames()) => {
            format!("at step {step}")
        }
        _ => "of the final iterate".to_string(),
    };
    match config.basis {
        Basis::Svd => format!("centred SVD coordinate q{}ᵀx {when}", config.coordinate + 1),
        Basis::Original => format!("centred coordinate x{} {when}", config.coordinate + 1),
    }
}

/// The simulated methods of a report with their labels and colours (SGD first).
pub fn methods(report: &Report) -> Vec<(&'static str, &SimReport, RGBColor)> {
    let mut out = Vec::new();
    if let Some(s) = &report.sgd {
        out.push(("SGD", s, style::SGD));
    }
    if let Some(s) = &report.hsgd {
        out.push(("hSGD", s, style::HSGD));
    }
    out
}

/// The density of a fitted law over [lo, hi] as a curve (`None` if the law is invalid).
fn law_curve(label: &str, color: RGBColor, law: &FittedLaw, lo: f64, hi: f64) -> Option<Curve> {
    let law = law.law().ok()?;
    Some(density::density_curve(label, color, law.as_ref(), lo, hi))
}

fn draw_histogram<DB: DrawingBackend>(
    area: &Area<DB>,
    report: &Report,
    style: &Style,
) -> Drawn<DB> {
    let methods = methods(report);
    let hists: Vec<(&str, Histogram, RGBColor, &SimReport)> = methods
        .iter()
        .filter_map(|&(label, sim, color)| {
            Histogram::new(&sim.centred, HISTOGRAM_CLIP).map(|h| (label, h, color, sim))
        })
        .collect();
    if hists.is_empty() {
        return style::draw_message(area, "fewer than two finished runs", style);
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
            ("Gaussian", &fits.gaussian, style::GAUSSIAN),
            ("Student t", &fits.student_t, style::STUDENT_T),
            ("skew t", &fits.skew_t, style::SKEW_T),
            ("α-stable", &fits.stable, style::STABLE),
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
        if let Some(mut c) = law_curve("theory: Pearson law (hSGD)", style::THEORY, theory, lo, hi)
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
    density::draw_densities(
        area,
        &bars,
        &curves,
        &coordinate_label(report),
        report.config.log_y,
        style,
    )
}

fn draw_tail<DB: DrawingBackend>(area: &Area<DB>, report: &Report, style: &Style) -> Drawn<DB> {
    let Some(&(label, sim, _)) = methods(report).first() else {
        return style::draw_message(area, "no runs in this report", style);
    };
    let points = tail::survival_points(&sim.centred);
    if points.is_empty() {
        return style::draw_message(area, "fewer than two finished runs", style);
    }
    let b = &report.bounds;
    let mut lines = vec![
        TailLine {
            label: format!("upper bound η* = {:.2} (hSGD)", b.upper),
            alpha: b.upper,
            color: style::THEORY,
            dashed: true,
        },
        TailLine {
            label: format!("lower bound η_* = {:.2} (hSGD)", b.lower),
            alpha: b.lower,
            color: style::GAUSSIAN,
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
                color: style::STUDENT_T,
                dashed: false,
            });
            anchor = (est.hill_x_min, k as f64 / est.n.max(1) as f64);
        }
    }
    tail::draw_tail(area, &points, anchor, &lines, style)
}

fn draw_hill<DB: DrawingBackend>(area: &Area<DB>, report: &Report, style: &Style) -> Drawn<DB> {
    let estimates = methods(report)
        .into_iter()
        .find_map(|(_, sim, _)| sim.estimates.as_ref());
    let Some(est) = estimates else {
        return style::draw_message(area, "too few runs for tail estimates", style);
    };
    let b = &report.bounds;
    hill::draw_hill(
        area,
        &est.hill_plot,
        (b.lower, b.upper),
        // Short, so the legend leaves the peak of small k free; "(hSGD)" as in the tail
        // plot, the numbers panel says whose bounds these are.
        "bounds [η_*, η*] (hSGD)",
        index_band(report).as_ref(),
        style,
    )
}

/// The largest tail index the timeline's index plot shows: three times the largest
/// reference level (the bounds, α_SGD), so a nearly Gaussian early checkpoint (Hill 20 or
/// more) does not flatten the approach to the stationary index.
const INDEX_CAP_FACTOR: f64 = 3.0;

/// What the two step plots say when the runs recorded no checkpoints.
const NO_CHECKPOINTS: &str = "no checkpoints recorded (checkpoints = 0)";

/// One series per simulated method with a timeline, labelled "`name` (method)": at each
/// checkpoint c, the value and interval `at` reads off its evolution (none: no mark).
fn step_series(
    report: &Report,
    name: &str,
    at: impl Fn(&Evolution, usize) -> Option<(f64, Option<(f64, f64)>)>,
) -> Vec<StepSeries> {
    methods(report)
        .into_iter()
        .filter_map(|(label, sim, color)| {
            let e = sim.evolution.as_ref()?;
            let points = (0..e.len())
                .filter_map(|c| {
                    let (value, interval) = at(e, c)?;
                    Some(StepPoint {
                        step: e.steps[c] as f64,
                        value,
                        interval,
                    })
                })
                .collect();
            Some(StepSeries {
                label: format!("{name} ({label})"),
                color,
                points,
            })
        })
        .collect()
}

fn draw_index_evolution<DB: DrawingBackend>(
    area: &Area<DB>,
    report: &Report,
    style: &Style,
) -> Drawn<DB> {
    let Some(evolution) = report.evolution() else {
        return style::draw_message(area, NO_CHECKPOINTS, style);
    };
    let series = step_series(report, "Hill α̂", |e, c| {
        let h = e.hill[c].as_ref()?;
        Some((h.alpha?, h.ci))
    });
    let b = &report.bounds;
    let mut levels = vec![
        Level {
            label: format!("upper bound η* = {:.2} (hSGD)", b.upper),
            value: b.upper,
            color: style::THEORY,
        },
        Level {
            label: format!("lower bound η_* = {:.2} (hSGD)", b.lower),
            value: b.lower,
            color: style::GAUSSIAN,
        },
    ];
    if let Some(line) = index_tail_line(report) {
        levels.push(Level {
            label: line.label,
            value: line.alpha,
            color: line.color,
        });
    }
    let levels: Vec<Level> = levels.into_iter().filter(|l| l.value.is_finite()).collect();
    let cap = levels.iter().map(|l| l.value).fold(2.0, f64::max) * INDEX_CAP_FACTOR;
    evolution::draw_step_plot(
        area,
        &series,
        &levels,
        evolution.steps.last().copied().unwrap_or(0),
        Scale::Linear,
        "tail index (Hill, 95% interval)",
        Some(cap),
        report.frame_step(),
        style,
    )
}

fn draw_variance_evolution<DB: DrawingBackend>(
    area: &Area<DB>,
    report: &Report,
    style: &Style,
) -> Drawn<DB> {
    let Some(evolution) = report.evolution() else {
        return style::draw_message(area, NO_CHECKPOINTS, style);
    };
    let series = step_series(report, "variance", |e, c| Some((e.variance[c], None)));
    let levels: Vec<Level> = report
        .theory_variance
        .map(|v| Level {
            label: format!("stationary variance {} (hSGD theory)", three_digits(v)),
            value: v,
            color: style::THEORY,
        })
        .into_iter()
        .collect();
    evolution::draw_step_plot(
        area,
        &series,
        &levels,
        evolution.steps.last().copied().unwrap_or(0),
        Scale::Log,
        "variance (log)",
        None,
        report.frame_step(),
        style,
    )
}

/// `v` to three significant digits in fixed notation (36.2, 0.0123, 1234).
fn three_digits(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format_tick(v);
    }
    let decimals = (2 - libm::floor(libm::log10(v.abs())) as i32).max(0) as usize;
    format!("{v:.decimals$}")
}

fn draw_spectrum<DB: DrawingBackend>(area: &Area<DB>, report: &Report, style: &Style) -> Drawn<DB> {
    spectrum::draw_spectrum(area, &report.singular_values, style)
}

thread_local! {
    /// QQ points already computed, keyed by the law and a hash of the sample: a stable
    /// law's quantiles take a fraction of a second, and the page redraws on every resize.
    static QQ_CACHE: RefCell<Vec<(FittedLaw, u64, Vec<QqPoint>)>> = const { RefCell::new(Vec::new()) };
}

/// Keeps QQ points computed elsewhere (the worker's fit stage) for the plots of `sample`.
pub fn remember_qq_points(sample: &[f64], law: FittedLaw, points: Vec<QqPoint>) {
    remember(law, sample_key(sample), points);
}

fn remember(law: FittedLaw, key: u64, points: Vec<QqPoint>) {
    QQ_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Two laws for each of two methods: keep the last few reports' worth.
        if cache.len() >= 8 {
            cache.remove(0);
        }
        cache.push((law, key, points));
    });
}

fn sample_key(sample: &[f64]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for v in sample {
        v.to_bits().hash(&mut hasher);
    }
    hasher.finish()
}

/// The QQ points of `sample` against `law` (cached; `None` if the law is invalid).
fn cached_qq_points(sample: &[f64], law: &FittedLaw) -> Option<Vec<QqPoint>> {
    let key = sample_key(sample);
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
    let points = qq_points(sample, law.law().ok()?.as_ref(), QQ_PLOT_POINTS);
    remember(*law, key, points.clone());
    Some(points)
}

/// A law the QQ plots compare the samples with.
struct QqLaw {
    /// The law's name in the axis title and the messages ("Student t").
    name: &'static str,
    /// A method's fit of the law.
    pick: fn(&Fits) -> &FittedLaw,
    /// The fit's parameters in the legend ("ν = 3.2").
    parameter: fn(&FittedLaw) -> String,
}

const STUDENT_T_QQ: QqLaw = QqLaw {
    name: "Student t",
    pick: |fits| &fits.student_t.law,
    parameter: |law| match law {
        FittedLaw::StudentT { df, .. } => format!("ν = {df:.2}"),
        _ => "fitted".into(),
    },
};

const STABLE_QQ: QqLaw = QqLaw {
    name: "α-stable law",
    pick: |fits| &fits.stable.law,
    parameter: |law| match law {
        FittedLaw::Stable { alpha, beta, .. } => format!("α = {alpha:.2}, β = {beta:.2}"),
        _ => "fitted".into(),
    },
};

/// The QQ plot of each simulated method against its own fit of `law`.
fn draw_qq<DB: DrawingBackend>(
    area: &Area<DB>,
    report: &Report,
    style: &Style,
    law: &QqLaw,
) -> Drawn<DB> {
    let mut samples = Vec::new();
    // Why a method has no points: its fits failed (the note says why) or are still being
    // computed (the worker sends them after the report, as a second stage).
    let mut failed = None;
    let mut pending = false;
    for (label, sim, color) in methods(report) {
        let fitted = sim.fits.as_ref().map(law.pick);
        match fitted.and_then(|f| Some((f, cached_qq_points(&sim.centred, f)?))) {
            Some((f, points)) => {
                samples.push((format!("{label}, {}", (law.parameter)(f)), color, points))
            }
            None => match sim.notes.iter().find(|n| n.starts_with("fits:")) {
                Some(note) => failed = Some(format!("{label} {note}")),
                None if sim.fits.is_none() => pending = true,
                None => failed = Some(format!("{label}: the fitted law is not valid")),
            },
        }
    }
    if samples.is_empty() {
        let name = law.name;
        let why = if pending {
            format!("fitting the {name}…")
        } else if let Some(failed) = failed {
            format!("no {name} fit ({failed})")
        } else {
            format!("no runs to compare with a {name}")
        };
        return style::draw_message(area, &why, style);
    }
    let series: Vec<QqSeries> = samples
        .iter()
        .map(|(label, color, points)| QqSeries {
            label: label.clone(),
            color: *color,
            points,
        })
        .collect();
    qq::draw_qq(area, &series, law.name, style).map(|_| ())
}

fn draw_loss<DB: DrawingBackend>(area: &Area<DB>, report: &Report, style: &Style) -> Drawn<DB> {
    let series: Vec<LossSeries> = methods(report)
        .into_iter()
        .map(|(label, sim, color)| LossSeries {
            label: label.to_string(),
            color,
            steps: &sim.loss_steps,
            loss: &sim.loss,
        })
        .collect();
    loss::draw_loss(area, &series, report.min_loss, style).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::testing::small_report;

    #[test]
    fn remembered_qq_points_are_drawn_without_computing_them() {
        let sample = [0.5, -1.0, 2.0, 3.5];
        let law = FittedLaw::StudentT {
            loc: 0.25,
            scale: 1.5,
            df: 3.75,
        };
        let given = vec![QqPoint {
            probability: 0.5,
            empirical: 1.0,
            fitted: 123.0,
        }];
        remember_qq_points(&sample, law, given.clone());
        assert_eq!(cached_qq_points(&sample, &law), Some(given));
        // Another sample is computed afresh.
        let other = cached_qq_points(&[0.5, -1.0, 2.0, 3.0], &law).unwrap();
        assert_eq!(other.len(), 4);
    }

    #[test]
    fn every_plot_draws_its_axes_and_legend() {
        let expected = [
            (
                "histogram",
                "centred SVD coordinate q1ᵀx of the final iterate",
            ),
            ("tail", "upper bound η* = "),
            ("index-evolution", "Hill α̂ (hSGD)"),
            ("variance-evolution", "stationary variance"),
            ("hill", "bounds [η_*, η*] (hSGD)"),
            ("qq-t", "hSGD, ν = "),
            ("qq-stable", "SGD, α = "),
            ("spectrum", "stable rank"),
            ("loss", "hSGD"),
        ];
        let ids: Vec<&str> = page_plots::<SVGBackend>().iter().map(|p| p.id).collect();
        assert_eq!(ids, expected.map(|e| e.0));
        // The names `panels=` and `hide=` take for them.
        assert_eq!(ids, crate::report::config::PLOT_PANELS);
        for (id, text) in expected {
            let svg = plot_svg(id, small_report(), SVG_SIZE).unwrap();
            assert!(svg.contains(r#"width="800""#), "{id}");
            assert!(svg.contains(text), "{id} lacks “{text}”: {svg}");
            assert!(svg.matches("<text").count() >= 4, "{id}: {svg}");
        }
    }

    #[test]
    fn a_frame_draws_the_iterates_at_its_step_and_the_last_frame_is_the_final_report() {
        let report = small_report();
        let frames = report.frames();
        assert!(frames >= 20, "{frames} checkpoints");
        let first = report.at_frame(0).unwrap();
        let step = report.evolution().unwrap().steps[0];
        let svg = plot_svg("histogram", &first, SVG_SIZE).unwrap();
        assert!(svg.contains(&format!("q1ᵀx at step {step}")), "{svg}");
        // The frame's sample and Hill index are the checkpoint's.
        let sgd = first.sgd.as_ref().unwrap();
        let evolution = report.sgd.as_ref().unwrap().evolution.as_ref().unwrap();
        assert_eq!(sgd.centred, evolution.frame(0));
        assert_eq!(
            sgd.estimates.as_ref().map(|e| e.hill.alpha),
            evolution.hill[0].as_ref().map(|h| h.alpha)
        );
        assert!(sgd.fits.is_none() && sgd.verdict.is_none());
        // The last frame draws exactly the final report's plots.
        let last = report.at_frame(frames - 1).unwrap();
        for id in ["histogram", "tail", "hill"] {
            assert_eq!(
                plot_svg(id, &last, SVG_SIZE),
                plot_svg(id, report, SVG_SIZE),
                "{id}"
            );
        }
        assert!(report.at_frame(frames).is_none());
        assert!(follows_frame("histogram") && !follows_frame("qq-t"));
    }

    #[test]
    fn no_legend_covers_data_on_a_phone_or_a_desktop() {
        // The page's canvases: about 350 × 219 CSS pixels on a 390 px phone (at 2 and 3
        // device pixels each), 600 × 375 on a desktop, and the SVG download's size.
        for (size, scale) in [
            ((700, 438), 2.0),
            ((1050, 657), 3.0),
            ((600, 375), 1.0),
            (SVG_SIZE, 1.0),
        ] {
            for (i, id) in crate::report::config::PLOT_PANELS.iter().enumerate() {
                let mut kept = None;
                style::svg_document(size, |area| {
                    let drawn = legend::draw_with_legend_room(area, &Style::new(scale), |a, s| {
                        (page_plots()[i].draw)(a, small_report(), s)
                    })?;
                    kept = Some(drawn);
                    Ok::<(), String>(())
                })
                .unwrap();
                let kept = kept.unwrap();
                assert_eq!(
                    kept.legend_covered.get(),
                    0,
                    "the legend of {id} covers data at {size:?} (band {})",
                    kept.legend_band
                );
            }
        }
    }

    #[test]
    fn a_report_without_runs_says_why_in_each_plot() {
        let mut report = small_report().clone();
        (report.sgd, report.hsgd) = (None, None);
        for (id, why) in [
            ("histogram", "fewer than two finished runs"),
            ("tail", "no runs in this report"),
            ("hill", "too few runs for tail estimates"),
            ("qq-t", "no runs to compare with a Student t"),
            ("qq-stable", "no runs to compare with a α-stable law"),
        ] {
            let svg = plot_svg(id, &report, SVG_SIZE).unwrap();
            assert!(svg.contains(why), "{id}: {svg}");
        }
    }

    #[test]
    fn names_list_the_table_then_the_sweep_and_nothing_else_draws() {
        let names = plot_names::<SVGBackend>();
        assert_eq!(names.len(), PAGE_PLOTS + 1);
        assert_eq!(names.last(), Some(&("sweep", "Tail index along the sweep")));
        assert_eq!(
            plot_svg("sweep", small_report(), SVG_SIZE).unwrap_err(),
            "there is no plot “sweep”"
        );
    }
}
