//! The live side of the controls: which controls matter for
//! the chosen data set, the learning rate on a log-scale slider, automatic re-runs of
//! small jobs after a pause in the editing, the memory budget stated under Run, and
//! divergence explained in words rather than drawn as NaN.
//!
//! Auto re-run: a typed change re-runs by itself after [`DEBOUNCE_MS`], a γ slider move at
//! once ([`after_slide`]: the page runs the latest position as soon as it is idle), when
//! the estimated time of the job's growing part ([`scaling_ms`]: the budget check's work
//! estimate, [`Config::simulation_work`], at a measured rate, with the SVD and the loss
//! curve) is under [`LIVE_MS`]; a larger job waits for Run and the status says how long
//! the whole job ([`estimated_ms`]) would take.
//!
//! Stability limit: γ₂ = 2B/Σ_i h_i²/(h_i + δ) (MATH.md §3.2), the exact threshold of a
//! finite second moment of hSGD (γ₂ = γ̄ when δ = 0); [`crate::model::bounds::BoundsModel::gamma_2`]
//! computes it from the spectrum of the last report when the data are unchanged.

use super::dom::set_text;
use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Event, HtmlElement, HtmlInputElement};

use crate::model::bounds::BoundsModel;
use crate::report::analysis::Report;
use crate::report::config::{
    Config, DataKind, Method, SpectrumShape, MAX_ITERATE_ENTRIES, MAX_MATRIX_ENTRIES, MAX_WORK,
};

/// Pause after the last change before an automatic re-run (ms).
pub const DEBOUNCE_MS: i32 = 250;
/// A job re-runs by itself when the part of its estimated time that grows with the
/// parameters (SVD, simulation, loss curve) is under this (ms): about a second still feels
/// live. The estimators and fits add a roughly constant [`ANALYSIS_MS`] on top (the
/// default experiment: about 0.4 s of simulation and 1.2 s of fits), left out of the
/// threshold so the default stays live.
pub const LIVE_MS: f64 = 1000.0;
/// Element operations of a simulation per millisecond. Measured on the release page in
/// headless Chromium on the 2-core test machine: SGD 2·10⁸ operations in 0.31–0.41 s,
/// hSGD 8·10⁹ in 18.7 s; rounded down so the estimate errs long.
const OPS_PER_MS: f64 = 4e5;
/// Floating-point operations of the SVD per millisecond (about 4·n·d·min(n, d) of
/// them): digits 1797 × 64 in 0.12 s, random features 1797 × 1000 in 24.7 s.
const SVD_FLOPS_PER_MS: f64 = 2.5e5;
/// Estimators and fits of one method (ms): 0.6–2.1 s measured alike, for 300 to 20000
/// runs (the α-stable fit dominates, and does not grow with the runs).
const ANALYSIS_MS: f64 = 1500.0;
/// Runs with a loss curve and its points ([`crate::model::simulation::Record`]'s defaults): each point
/// costs f(x), 2·n·d operations.
const LOSS_RUNS: f64 = 4.0;
const LOSS_POINTS: usize = 200;

/// Rows and columns of the digits data (the bundled file: 1797 images of 8 × 8 pixels).
const DIGITS_SHAPE: (usize, usize) = (1797, 64);

thread_local! {
    /// The pending automatic re-run (a `setTimeout` handle).
    static TIMER: Cell<Option<i32>> = const { Cell::new(None) };
}

/// Rows n and columns d of the design matrix `config` describes, when known without
/// building it (a CSV's once it parsed).
pub fn data_shape(config: &Config) -> Option<(usize, usize)> {
    match config.data {
        DataKind::Synthetic | DataKind::Spectrum => Some((config.n, config.d)),
        DataKind::Digits => Some(DIGITS_SHAPE),
        DataKind::DigitsRf => Some((DIGITS_SHAPE.0, config.features)),
        DataKind::Csv => super::upload::shape(),
    }
}

/// Estimated time (ms) of the part of a job on a design matrix of `n` × `d` that grows
/// with the parameters: the SVD, the simulation ([`Config::simulation_work`], the budget
/// check's estimate) and the loss curve.
pub fn scaling_ms(config: &Config, n: usize, d: usize) -> f64 {
    let (n, d) = (n as f64, d as f64);
    let svd = 4.0 * n * d * n.min(d) / SVD_FLOPS_PER_MS;
    let loss = methods(config) * LOSS_RUNS * config.steps.min(LOSS_POINTS) as f64 * 2.0 * n * d;
    svd + (config.simulation_work(d as usize) + loss) / OPS_PER_MS
}

/// Estimated wall time of a whole job (ms): [`scaling_ms`] and the estimators and fits.
pub fn estimated_ms(config: &Config, n: usize, d: usize) -> f64 {
    scaling_ms(config, n, d) + methods(config) * ANALYSIS_MS
}

fn methods(config: &Config) -> f64 {
    if config.method == Method::Both {
        2.0
    } else {
        1.0
    }
}

/// Whether the control `key` matters for `config` (the others are hidden, their values
/// kept). The compact embedded view keeps only γ and B.
pub fn relevant(key: &str, config: &Config) -> bool {
    let synthetic = matches!(config.data, DataKind::Synthetic | DataKind::Spectrum);
    let spectrum = config.data == DataKind::Spectrum;
    let shown = match key {
        "n" | "d" => synthetic,
        "data_seed" => synthetic || config.data == DataKind::DigitsRf,
        "shape" => spectrum,
        "decay" => spectrum && config.shape == SpectrumShape::PowerLaw,
        "condition" => spectrum && config.shape == SpectrumShape::Condition,
        "features" => config.data == DataKind::DigitsRf,
        "response" | "preprocess" | "csv" => config.data == DataKind::Csv,
        "substeps" => config.method != Method::Sgd,
        _ => true,
    };
    shown && (!config.embed || matches!(key, "gamma" | "batch"))
}

/// Shows the relevant controls and hides the others (their values stay in the config).
fn show_relevant(document: &Document, config: &Config) {
    for c in super::page::CONTROLS {
        let field = document
            .get_element_by_id(&format!("ctl-{}", c.key))
            .and_then(|e| e.closest(".field").ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(field) = field {
            field.set_hidden(!relevant(c.key, config));
        }
    }
    if let Some(zone) = element::<HtmlElement>(document, "csv-zone") {
        zone.set_hidden(!relevant("csv", config));
    }
}

fn element<T: JsCast>(document: &Document, id: &str) -> Option<T> {
    document.get_element_by_id(id)?.dyn_into::<T>().ok()
}

/// A number with thousands separators: 4000000 → "4,000,000".
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if value < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The memory and work budget, as stated under Run (from the constants in `config`).
pub fn budget_note() -> String {
    let exponent = libm::floor(libm::log10(MAX_WORK));
    let mantissa = MAX_WORK / libm::pow(10.0, exponent);
    let minutes = MAX_WORK / OPS_PER_MS / 60_000.0;
    format!(
        "Limits: n·d ≤ {} matrix entries, runs·d ≤ {} stored iterate values, work ≤ {}·10{} operations (about {:.0} min here).",
        thousands(MAX_MATRIX_ENTRIES as f64),
        thousands(MAX_ITERATE_ENTRIES as f64),
        format_number(mantissa),
        superscript(exponent as i64),
        minutes
    )
}

/// An integer in superscript digits: 11 → "¹¹".
fn superscript(value: i64) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let digits: String = value
        .unsigned_abs()
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    if value < 0 {
        format!("⁻{digits}")
    } else {
        digits
    }
}

/// A learning rate with three significant digits and no trailing zeros (0.0512, 0.05, 1.2).
pub fn format_gamma(gamma: f64) -> String {
    let digits = (2.0 - libm::floor(libm::log10(gamma))).clamp(0.0, 12.0) as usize;
    format_number_with(gamma, digits)
}

fn format_number(value: f64) -> String {
    format_number_with(value, 3)
}

fn format_number_with(value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Adds the γ slider under the γ box, the budget note under Run, and listens to the
/// slider.
pub fn build(document: &Document) -> Result<(), JsValue> {
    let gamma = document
        .get_element_by_id("ctl-gamma")
        .and_then(|e| e.closest(".field").ok().flatten())
        .ok_or("no γ control")?;
    gamma.insert_adjacent_html(
        "afterend",
        r#"<div class="gamma-slider" id="gamma-slider-row"><input id="gamma-slider" type="range" min="-4" max="0" step="0.01" list="gamma-ticks" aria-label="learning rate γ on a log scale" aria-describedby="gamma-scale"><datalist id="gamma-ticks"></datalist><span id="gamma-scale" class="hint"></span></div>"#,
    )?;
    // The divergence note sits right under the slider, next to the control it is about.
    if let (Some(row), Some(note)) = (
        document.get_element_by_id("gamma-slider-row"),
        document.get_element_by_id("divergence"),
    ) {
        row.append_child(&note)?;
    }
    set_text(document, "budget", &budget_note());
    let on_input = Closure::<dyn FnMut(Event)>::new(|event: Event| {
        let Some(slider) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Ok(exponent) = slider.value().parse::<f64>() else {
            return;
        };
        super::page::slide_control("gamma", &format_gamma(libm::pow(10.0, exponent)));
    });
    element::<HtmlInputElement>(document, "gamma-slider")
        .ok_or("no γ slider")?
        .add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref())?;
    on_input.forget();
    Ok(())
}

/// Whether `report` was computed on the data `config` describes (so its spectrum gives
/// this problem's stability limit at any γ, B, δ).
fn same_data(config: &Config, report: &Report) -> bool {
    let r = &report.config;
    if r.data != config.data {
        return false;
    }
    match config.data {
        DataKind::Synthetic => (r.n, r.d, r.data_seed) == (config.n, config.d, config.data_seed),
        DataKind::Spectrum => {
            (r.n, r.d, r.data_seed, r.shape) == (config.n, config.d, config.data_seed, config.shape)
                && match config.shape {
                    SpectrumShape::PowerLaw => r.decay == config.decay,
                    SpectrumShape::Condition => r.condition == config.condition,
                }
        }
        DataKind::Digits => true,
        DataKind::DigitsRf => (r.features, r.data_seed) == (config.features, config.data_seed),
        DataKind::Csv => {
            (r.response, r.preprocess) == (config.response, config.preprocess)
                && super::upload::shape() == Some((report.n, report.d))
        }
    }
}

/// The stability limit γ₂ at the config's B and δ, when the report shows the same data.
pub fn stability_limit(config: &Config, report: Option<&Report>) -> Option<f64> {
    let report = report.filter(|r| same_data(config, r))?;
    BoundsModel::new(
        report.n,
        &report.singular_values,
        config.gamma,
        config.batch,
        config.delta,
    )
    .ok()
    .map(|b| b.gamma_2())
}

/// The divergence note for `config`: runs of the report that overflowed, and γ past the
/// stability limit, with what to do. `None` when all is well.
pub fn divergence_note(config: &Config, report: Option<&Report>) -> Option<String> {
    let limit = stability_limit(config, report);
    let mut sentences = Vec::new();
    if let Some(report) = report.filter(|r| r.config == *config) {
        for (method, sim) in report.sims() {
            if sim.diverged > 0 {
                let label = method.label();
                sentences.push(format!(
                    "{label} diverged in {} of {} runs: their iterates overflowed, so they are left out of the plots and numbers.",
                    sim.diverged,
                    sim.diverged + sim.runs
                ));
            }
        }
    }
    match limit {
        Some(limit) if config.gamma >= limit => sentences.push(format!(
            "γ = {} is past the stability limit γ₂ = {} of this problem at B = {} (beyond it the iterates' variance is infinite and runs can overflow). Lower γ below {}, or raise the batch size B (γ₂ grows with B).",
            format_gamma(config.gamma),
            format_gamma(limit),
            config.batch,
            format_gamma(limit)
        )),
        Some(limit) if !sentences.is_empty() => sentences.push(format!(
            "γ = {} is below hSGD's stability limit γ₂ = {}, but discrete SGD is less stable near it: lower γ a little.",
            format_gamma(config.gamma),
            format_gamma(limit)
        )),
        _ => {}
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

/// Shows (or hides) the divergence note.
fn show_divergence(document: &Document, note: Option<&str>) {
    if let Some(e) = element::<HtmlElement>(document, "divergence") {
        e.set_text_content(note);
        e.set_hidden(note.is_none());
    }
}

/// Puts the slider at γ and its range and tick at the stability limit, when known.
fn sync_slider(document: &Document, config: &Config, limit: Option<f64>) {
    let Some(slider) = element::<HtmlInputElement>(document, "gamma-slider") else {
        return;
    };
    // From 10⁻⁴ (or three decades under the limit) to a decade past the limit, at least 1.
    let (lo, hi) = match limit {
        Some(l) => (
            (libm::floor(libm::log10(l)) - 3.0).min(-4.0),
            libm::ceil(libm::log10(l) + 0.5).max(0.0),
        ),
        None => (-4.0, 0.0),
    };
    slider.set_min(&lo.to_string());
    slider.set_max(&hi.to_string());
    if config.gamma.is_finite() && config.gamma > 0.0 {
        let value = libm::log10(config.gamma).clamp(lo, hi);
        // Do not move the thumb under the user's finger by a rounding.
        let current = slider.value().parse::<f64>().unwrap_or(f64::NAN);
        if (current - value).abs() > 0.006 || current.is_nan() {
            slider.set_value(&format!("{value:.3}"));
        }
    }
    let ticks = match limit {
        Some(l) => format!(r#"<option value="{:.3}"></option>"#, libm::log10(l)),
        None => String::new(),
    };
    if let Some(list) = document.get_element_by_id("gamma-ticks") {
        list.set_inner_html(&ticks);
    }
    let scale = match limit {
        Some(l) => format!(
            "log scale {}–{}; stability limit γ₂ = {}",
            format_gamma(libm::pow(10.0, lo)),
            format_gamma(libm::pow(10.0, hi)),
            format_gamma(l)
        ),
        None => format!(
            "log scale {}–{}",
            format_gamma(libm::pow(10.0, lo)),
            format_gamma(libm::pow(10.0, hi))
        ),
    };
    set_text(document, "gamma-scale", &scale);
}

/// After a change of the input (or at start, or after a report): shows the relevant
/// controls, syncs the slider and the divergence note, and re-runs after
/// [`DEBOUNCE_MS`] when `rerun`, the input is `valid` and the job is small; for a larger
/// job the status asks for Run.
pub fn after_input(
    document: &Document,
    config: &Config,
    valid: bool,
    report: Option<&Report>,
    rerun: bool,
) {
    sync(document, config, report);
    if rerun && is_live(document, config, valid) {
        schedule_rerun();
    }
}

/// After a move of the γ slider: as [`after_input`] but without the pause. True when the
/// job should run now, which the page does at once when idle, or as soon as the running
/// job's plots are drawn (the latest position wins): the plots follow the slider while
/// it is dragged.
pub fn after_slide(
    document: &Document,
    config: &Config,
    valid: bool,
    report: Option<&Report>,
) -> bool {
    sync(document, config, report);
    is_live(document, config, valid)
}

/// The controls relevant to the data set, the slider and the divergence note.
fn sync(document: &Document, config: &Config, report: Option<&Report>) {
    show_relevant(document, config);
    super::embed::update(document, config);
    sync_slider(document, config, stability_limit(config, report));
    show_divergence(document, divergence_note(config, report).as_deref());
}

/// Whether a changed input should re-run by itself: valid and small (a larger job: the
/// status asks for Run; an invalid one: for a fix). Drops a pending automatic re-run.
fn is_live(document: &Document, config: &Config, valid: bool) -> bool {
    cancel_rerun();
    if !valid {
        set_text(document, "status", "Fix the marked input to run.");
        return false;
    }
    let Some((n, d)) = data_shape(config) else {
        return false;
    };
    if scaling_ms(config, n, d) <= LIVE_MS {
        return true;
    }
    let ms = estimated_ms(config, n, d);
    set_text(
        document,
        "status",
        &format!("Press Run (about {} of work).", format_seconds(ms)),
    );
    false
}

fn format_seconds(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 90.0 {
        format!("{s:.0} s")
    } else {
        format!("{:.0} min", s / 60.0)
    }
}

fn schedule_rerun() {
    let handle = super::dom::after_ms(DEBOUNCE_MS, || {
        TIMER.with(|t| t.set(None));
        super::page::run_now();
    });
    TIMER.with(|t| t.set(handle));
}

/// Drops a pending automatic re-run (Run was pressed, or the input changed again).
pub fn cancel_rerun() {
    if let (Some(handle), Some(window)) = (TIMER.with(|t| t.take()), web_sys::window()) {
        window.clear_timeout_with_handle(handle);
    }
}

/// A job failed: when every run diverged, the plots (still the previous results) are
/// dimmed with a note saying so.
pub fn on_error(document: &Document, field: &str, message: &str) {
    let diverged = field == "gamma" && message.contains("diverged");
    mark_plots_stale(
        document,
        diverged.then_some(
            "Every run diverged, so there is nothing new to plot: the plots still show the previous results.",
        ),
    );
}

/// A job finished: the plots are current.
pub fn on_report(document: &Document) {
    mark_plots_stale(document, None);
}

fn mark_plots_stale(document: &Document, note: Option<&str>) {
    if let Some(plots) = document.get_element_by_id("plots") {
        let _ = plots
            .class_list()
            .toggle_with_force("stale", note.is_some());
    }
    if let Some(e) = element::<HtmlElement>(document, "plots-note") {
        e.set_text_content(note);
        e.set_hidden(note.is_none());
    }
}
