//! The live side of the experiment's form: which controls matter for the chosen data set,
//! the learning rate on a log-scale slider, automatic re-runs of small jobs after a pause
//! in the editing, the divergence note under the slider, and the plots marked stale when a
//! job failed.
//!
//! Auto re-run: a typed change re-runs by itself after [`DEBOUNCE_MS`], a γ slider move at
//! once ([`after_slide`]: the page runs the latest position as soon as it is idle), when
//! the job is small enough ([`super::cost`]); a larger job waits for Run and the status
//! says how long it would take. The slider's range and tick follow the problem's
//! stability limit ([`super::stability`]).
//!
//! The page app hands the state down (its config, the report on screen, the CSV's shape);
//! what happens here that changes the state (the slider moved, the pause is over) goes up
//! as an [`Event`].

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, HtmlInputElement};

use super::cost::{data_shape, estimated_ms, scaling_ms, LIVE_MS};
use super::dom::{after_ms, set_text};
use super::event::{emit, Event};
use super::format::{format_gamma, format_seconds};
use super::stability::{divergence_note, stability_limit};
use crate::report::analysis::Report;
use crate::report::config::{Config, DataKind, Method, SpectrumShape};
use crate::report::controls::{placed_in, Place};

/// Pause after the last change before an automatic re-run (ms).
pub const DEBOUNCE_MS: i32 = 250;

thread_local! {
    /// The pending automatic re-run (a `setTimeout` handle).
    static TIMER: Cell<Option<i32>> = const { Cell::new(None) };
}

/// What the input side reads of the page's state.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The page's config.
    pub config: &'a Config,
    /// The report on screen.
    pub report: Option<&'a Report>,
    /// The user's CSV's rows and feature columns, once it parsed.
    pub csv_shape: Option<(usize, usize)>,
}

/// Whether the control `key` matters for `config` (the others are hidden, their values
/// kept). The compact embedded view keeps only γ and B, and `hide=` hides any.
pub fn relevant(key: &str, config: &Config) -> bool {
    let synthetic = matches!(config.data, DataKind::Synthetic | DataKind::Spectrum);
    let spectrum = config.data == DataKind::Spectrum;
    let shown = match key {
        "n" | "d" => synthetic,
        "data_seed" => synthetic || config.data == DataKind::DigitsRf,
        "data_rng" => matches!(config.data, DataKind::Synthetic | DataKind::DigitsRf),
        "shape" => spectrum,
        "decay" => spectrum && config.shape == SpectrumShape::PowerLaw,
        "condition" => spectrum && config.shape == SpectrumShape::Condition,
        "features" => config.data == DataKind::DigitsRf,
        "response" | "preprocess" | "csv" => config.data == DataKind::Csv,
        "substeps" => config.method != Method::Sgd,
        _ => true,
    };
    // `hide=` hides a control whatever it is (super::classroom).
    shown && !config.hide.contains(key) && (!config.embed || matches!(key, "gamma" | "batch"))
}

/// Shows the relevant controls and hides the others (their values stay in the config).
fn show_relevant(document: &Document, config: &Config) {
    for c in placed_in(Place::Experiment) {
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

/// Adds the γ slider under the γ box and the budget note under Run, and listens to the
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
    set_text(document, "budget", &super::cost::budget_note());
    let on_input = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        let Some(slider) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Ok(exponent) = slider.value().parse::<f64>() else {
            return;
        };
        emit(Event::GammaSlid(format_gamma(libm::pow(10.0, exponent))));
    });
    element::<HtmlInputElement>(document, "gamma-slider")
        .ok_or("no γ slider")?
        .add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref())?;
    on_input.forget();
    Ok(())
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
pub fn after_input(document: &Document, input: Input, valid: bool, rerun: bool) {
    sync(document, input);
    if rerun && is_live(document, input, valid) {
        schedule_rerun();
    }
}

/// After a move of the γ slider: as [`after_input`] but without the pause. True when the
/// job should run now, which the page does at once when idle, or as soon as the running
/// job's report is drawn (the latest position wins): the plots follow the slider while
/// it is dragged.
pub fn after_slide(document: &Document, input: Input, valid: bool) -> bool {
    sync(document, input);
    is_live(document, input, valid)
}

/// The controls relevant to the data set, the slider and the divergence note.
fn sync(document: &Document, input: Input) {
    let Input {
        config,
        report,
        csv_shape,
    } = input;
    show_relevant(document, config);
    sync_slider(document, config, stability_limit(config, report, csv_shape));
    show_divergence(
        document,
        divergence_note(config, report, csv_shape).as_deref(),
    );
}

/// Whether a changed input should re-run by itself: valid and small (a larger job: the
/// status asks for Run; an invalid one: for a fix). Drops a pending automatic re-run.
fn is_live(document: &Document, input: Input, valid: bool) -> bool {
    cancel_rerun();
    if !valid {
        set_text(document, "status", "Fix the marked input to run.");
        return false;
    }
    let config = input.config;
    let Some((n, d)) = data_shape(config, input.csv_shape) else {
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

fn schedule_rerun() {
    let handle = after_ms(DEBOUNCE_MS, || {
        TIMER.with(|t| t.set(None));
        emit(Event::Rerun);
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
