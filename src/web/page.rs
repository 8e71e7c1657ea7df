//! The page app: controls synced to the URL query, the worker's life cycle (start, ready
//! handshake, jobs with generation ids, cancel by terminate-and-restart, crash recovery),
//! the progress bar, the plots and the numbers panel.
//!
//! State lives in one [`App`] in a thread-local; every event handler is a plain function
//! that borrows it. The page's markup (`index.html`) holds only containers; the controls
//! and plot figures are generated from the tables [`CONTROLS`] and
//! [`super::plots::PLOTS`], so adding a parameter or a plot is one table entry.

use super::dom::{edited_control, element, listen, set_text};
use super::format::escape;
use std::cell::RefCell;
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Event, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement,
    MessageEvent, Worker,
};

use super::format::format_ms;
use super::panel::panel_html;
use super::plots::{SizedCanvas, PLOTS};
use super::protocol::{FromWorker, ToWorker};
use crate::report::analysis::Report;
use crate::report::config::Config;

/// One control: a `Config` field edited in a text box, or picked from a list.
pub struct Control {
    /// The `Config` field (also the URL key, the input's name and the error's field).
    pub key: &'static str,
    /// The label shown.
    pub label: &'static str,
    /// A short explanation under the label.
    pub hint: &'static str,
    /// `inputmode` of the text box: `decimal` or `numeric` (unused by a list).
    pub mode: &'static str,
    /// For a list: the (value, label) pairs offered; empty for a text box.
    pub choices: &'static [(&'static str, &'static str)],
}

/// The controls, in page order.
pub const CONTROLS: &[Control] = &[
    Control {
        key: "data",
        label: "data set",
        hint: "the design matrix A",
        mode: "",
        choices: &[
            ("synthetic", "synthetic Gaussian"),
            ("spectrum", "prescribed spectrum"),
            ("digits", "digits"),
            ("digits-rf", "digits, random features"),
            ("csv", "your CSV file"),
        ],
    },
    Control {
        key: "n",
        label: "rows n",
        hint: "examples of synthetic data",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "d",
        label: "columns d",
        hint: "features of synthetic data",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "shape",
        label: "spectrum shape",
        hint: "how the singular values fall",
        mode: "",
        choices: &[
            ("power-law", "power law"),
            ("condition", "condition number"),
        ],
    },
    Control {
        key: "decay",
        label: "decay",
        hint: "λ_i ∝ i^(−decay)",
        mode: "decimal",
        choices: &[],
    },
    Control {
        key: "condition",
        label: "condition number",
        hint: "λ_1 / λ_r",
        mode: "decimal",
        choices: &[],
    },
    Control {
        key: "features",
        label: "random features",
        hint: "ReLU features of the digits",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "data_seed",
        label: "data seed",
        hint: "same seed, same data",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "response",
        label: "response column",
        hint: "0-based; auto = the last",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "preprocess",
        label: "preprocessing",
        hint: "of the CSV's features",
        mode: "",
        choices: &[
            ("none", "none"),
            ("minmax", "min-max"),
            ("standardize", "standardise"),
        ],
    },
    Control {
        key: "method",
        label: "method",
        hint: "dynamics simulated",
        mode: "",
        choices: &[("sgd", "SGD"), ("hsgd", "hSGD (the SDE)"), ("both", "both")],
    },
    Control {
        key: "gamma",
        label: "learning rate γ",
        hint: "step size of SGD",
        mode: "decimal",
        choices: &[],
    },
    Control {
        key: "batch",
        label: "batch size B",
        hint: "rows per step",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "delta",
        label: "ridge δ",
        hint: "regularisation",
        mode: "decimal",
        choices: &[],
    },
    Control {
        key: "steps",
        label: "steps K",
        hint: "SGD steps per run",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "runs",
        label: "runs R",
        hint: "independent runs",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "seed",
        label: "seed",
        hint: "same seed, same numbers",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "samples_per_run",
        label: "samples per run S",
        hint: "iterates kept per run, spread after the burn-in (last = x_K); 1 = final only",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "burn_in",
        label: "burn-in K₀",
        hint: "steps before the first kept iterate (with S > 1)",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "substeps",
        label: "hSGD sub-steps",
        hint: "SDE steps per SGD step",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "basis",
        label: "coordinate basis",
        hint: "which coordinates of x",
        mode: "",
        choices: &[("svd", "SVD: q_iᵀx"), ("original", "original: x_i")],
    },
    Control {
        key: "coordinate",
        label: "coordinate i",
        hint: "0-based; SVD 0 is the top direction q₁",
        mode: "numeric",
        choices: &[],
    },
    Control {
        key: "hill_k",
        label: "Hill's k",
        hint: "order statistics; auto = KS choice",
        mode: "numeric",
        choices: &[],
    },
];

/// A report on screen and the time the page waited for it.
struct Shown {
    report: Report,
    wall_ms: f64,
}

/// The page's state.
struct App {
    document: Document,
    config: Config,
    /// Controls whose text does not parse (key → text); the config keeps its last good
    /// value for them, so no job runs until they are fixed.
    unparsed: BTreeMap<String, String>,
    /// The computation worker; `None` after a crash or a failed start (a fresh one is
    /// started by the next Run, never in a loop).
    worker: Option<Worker>,
    worker_ready: bool,
    /// Generation id of the current job; replies with another id are stale.
    job: u32,
    /// A job is waiting for the worker's `Ready`.
    queued: bool,
    running: bool,
    /// `Fits` messages still expected for the report on screen (the worker is busy).
    fits_pending: usize,
    /// The `Index` message (α_SGD) is still expected for the report on screen: the worker
    /// is busy, its progress is shown and Cancel stops it.
    index_pending: bool,
    /// The last progress of the α_SGD stage (done, total).
    index_progress: Option<(usize, usize)>,
    /// The γ slider moved while a job ran: run again once its plots are drawn.
    run_when_drawn: bool,
    posted_ms: f64,
    shown: Option<Shown>,
    on_worker_message: Closure<dyn FnMut(MessageEvent)>,
    on_worker_error: Closure<dyn FnMut(Event)>,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// Runs `f` on the app state (no-op before start-up or if the state is already borrowed,
/// which no handler does: none of them calls into another synchronously).
fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    super::dom::with_state(&APP, "hsgd", f)
}

/// Starts the page: builds controls and plots, reads the URL, starts the worker and queues
/// the first run (the default experiment runs on opening, with no click).
pub fn start() {
    if let Err(e) = try_start() {
        web_sys::console::error_2(&"hsgd: the page could not start".into(), &e);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            show_general_error(&document, &format!("The page could not start: {e:?}"));
        }
    }
}

fn try_start() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let config = Config::from_query(&window.location().search()?);

    build_controls(&document, &config)?;
    build_plots(&document, &config)?;
    super::upload::build(&document)?;
    super::live::build(&document)?;
    super::embed::build(&document, &config);
    listen(&document, "controls", "submit", |event| {
        event.prevent_default();
        with_app(request_run);
    })?;
    listen(&document, "controls", "change", |event| {
        if let Some((key, text)) = edited_control(&event) {
            with_app(|app| on_control_change(app, key, text));
        }
    })?;
    listen(&document, "cancel", "click", |_| {
        with_app(cancel);
    })?;
    // Download buttons (plots and results) and the plots' display options.
    listen(&document, "app", "click", |event| {
        if let Some(button) = super::export::download_button(&event) {
            with_app(|app| on_download_click(app, &button));
        }
    })?;
    listen(&document, "plots", "change", |event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        if input.name() == "log_y" {
            with_app(|app| on_log_y(app, input.checked()));
        }
    })?;
    let on_resize = Closure::<dyn FnMut(Event)>::new(|_: Event| {
        with_app(redraw);
    });
    window.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref())?;
    on_resize.forget();

    let on_worker_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        with_app(|app| on_worker_message(app, &event));
    });
    let on_worker_error = Closure::<dyn FnMut(Event)>::new(|event: Event| {
        with_app(|app| on_worker_error(app, &event));
    });
    // The page's own worker starts with its first job, and only when the job is not split
    // across the pool (`super::split`): one wasm instance fewer to load on opening.
    let worker = None;
    let mut app = App {
        document,
        config,
        unparsed: BTreeMap::new(),
        worker,
        worker_ready: false,
        job: 0,
        queued: false,
        running: false,
        fits_pending: 0,
        index_pending: false,
        index_progress: None,
        run_when_drawn: false,
        posted_ms: 0.0,
        shown: None,
        on_worker_message,
        on_worker_error,
    };
    write_url(&app.config);
    request_run(&mut app);
    after_input(&app, false);
    if !app.running {
        set_text(&app.document, "status", "Fix the marked input to run.");
    }
    APP.with(|cell| *cell.borrow_mut() = Some(app));
    Ok(())
}

/// The page's current config and CSV text, for the sweep section (`None` before start-up).
pub(super) fn current_input() -> Option<(Config, Option<String>)> {
    with_app(|app| (app.config.clone(), super::upload::text_for(&app.config)))
}

/// Sets one config field from the sweep section's controls and writes the URL; false when
/// the text does not parse.
pub(super) fn set_field(key: &str, text: &str) -> bool {
    with_app(|app| {
        let ok = app.config.set(key, text);
        if ok {
            write_url(&app.config);
        }
        ok
    })
    .unwrap_or(false)
}

fn build_controls(document: &Document, config: &Config) -> Result<(), JsValue> {
    let fields = element(document, "fields").ok_or("no element #fields")?;
    let html: String = CONTROLS.iter().map(control_html).collect();
    fields.set_inner_html(&html);
    fill_controls(document, config);
    Ok(())
}

/// The markup of one control: a label around a text box or a list, a hint and an error
/// slot.
fn control_html(c: &Control) -> String {
    let input = if c.choices.is_empty() {
        format!(
            r#"<input id="ctl-{key}" name="{key}" type="text" inputmode="{mode}" autocomplete="off" spellcheck="false" aria-describedby="err-{key}">"#,
            key = c.key,
            mode = c.mode,
        )
    } else {
        let options: String = c
            .choices
            .iter()
            .map(|(value, label)| {
                format!(
                    r#"<option value="{}">{}</option>"#,
                    escape(value),
                    escape(label)
                )
            })
            .collect();
        format!(
            r#"<select id="ctl-{key}" name="{key}" aria-describedby="err-{key}">{options}</select>"#,
            key = c.key,
        )
    };
    format!(
        r#"<label class="field" for="ctl-{key}"><span class="label">{label}</span>{input}<span class="hint">{hint}</span><span class="field-error" id="err-{key}" role="alert"></span></label>"#,
        key = c.key,
        label = escape(c.label),
        hint = escape(c.hint),
    )
}

/// Shows the config's values in the controls.
fn fill_controls(document: &Document, config: &Config) {
    let Ok(serde_json::Value::Object(values)) = serde_json::to_value(config) else {
        return;
    };
    for c in CONTROLS {
        let Some(value) = values.get(c.key) else {
            continue;
        };
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "auto".into(),
            other => other.to_string(),
        };
        let Some(e) = element(document, &format!("ctl-{}", c.key)) else {
            continue;
        };
        if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
            input.set_value(&text);
        } else if let Some(select) = e.dyn_ref::<HtmlSelectElement>() {
            select.set_value(&text);
        }
    }
}

fn build_plots(document: &Document, config: &Config) -> Result<(), JsValue> {
    let container = element(document, "plots").ok_or("no element #plots")?;
    let html: String = PLOTS
        .iter()
        .map(|p| {
            format!(
                r#"<figure class="plot"><figcaption>{title}</figcaption><canvas id="plot-{id}" role="img" aria-label="{title}"></canvas>{tools}</figure>"#,
                id = p.id,
                title = escape(p.title),
                tools = super::plots::figure_tools(p.id, config),
            )
        })
        .collect();
    container.set_inner_html(&html);
    Ok(())
}

fn new_worker(
    on_message: &Closure<dyn FnMut(MessageEvent)>,
    on_error: &Closure<dyn FnMut(Event)>,
) -> Result<Worker, JsValue> {
    super::spawn_worker(
        on_message.as_ref().unchecked_ref(),
        on_error.as_ref().unchecked_ref(),
    )
}

/// Terminates the worker (cancel, crash or failed start).
fn stop_worker(app: &mut App) {
    super::split::cancel();
    if let Some(worker) = app.worker.take() {
        worker.terminate();
    }
    app.worker_ready = false;
}

/// Starts a fresh worker when there is none; false (with the message shown) if that fails.
fn ensure_worker(app: &mut App) -> bool {
    if app.worker.is_some() {
        return true;
    }
    match new_worker(&app.on_worker_message, &app.on_worker_error) {
        Ok(worker) => {
            app.worker = Some(worker);
            true
        }
        Err(e) => {
            show_general_error(
                &app.document,
                &format!("Could not start the computation worker: {e:?}"),
            );
            false
        }
    }
}

/// Writes the config into the URL query (no history entry), so the link reproduces it.
fn write_url(config: &Config) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let url = format!("?{}", config.to_query());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

fn on_control_change(app: &mut App, key: String, text: String) {
    if take_control(app, &key, &text) {
        after_input(app, true);
    }
}

/// Takes `text` of the control `key` into the config and the URL; a text that does not
/// parse is kept in `unparsed`, to be marked. False when `key` is no control.
fn take_control(app: &mut App, key: &str, text: &str) -> bool {
    if !CONTROLS.iter().any(|c| c.key == key) {
        return false;
    }
    if app.config.set(key, text.trim()) {
        app.unparsed.remove(key);
        write_url(&app.config);
    } else {
        app.unparsed.insert(key.to_string(), text.to_string());
    }
    true
}

/// Sets the control `key` to `text` as if the user had typed it (a file dropped or
/// picked).
pub(super) fn set_control(key: &str, text: &str) {
    with_app(|app| {
        write_control(app, key, text);
        on_control_change(app, key.to_string(), text.to_string());
    });
}

/// Sets the control `key` to `text` from a slider being dragged: a small job runs at
/// once, or right after the plots of the running one (`super::live::after_slide`).
pub(super) fn slide_control(key: &str, text: &str) {
    with_app(|app| {
        write_control(app, key, text);
        if !take_control(app, key, text) {
            return;
        }
        let valid = show_input_errors(app);
        let report = app.shown.as_ref().map(|s| &s.report);
        if super::live::after_slide(&app.document, &app.config, valid, report) {
            if app.running {
                app.run_when_drawn = true;
            } else {
                request_run(app);
            }
        }
    });
}

/// Puts `text` in the control `key` (an input or a select).
fn write_control(app: &App, key: &str, text: &str) {
    if let Some(e) = element(&app.document, &format!("ctl-{key}")) {
        if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
            input.set_value(text);
        } else if let Some(select) = e.dyn_ref::<HtmlSelectElement>() {
            select.set_value(text);
        }
    }
}

/// Runs the current config (the automatic re-run's timer).
pub(super) fn run_now() {
    with_app(request_run);
}

/// The input side's hook (src/web/live.rs): relevant controls, slider, divergence note,
/// and an automatic re-run of a small job when `rerun`.
fn after_input(app: &App, rerun: bool) {
    let valid = rerun && show_input_errors(app);
    let report = app.shown.as_ref().map(|s| &s.report);
    super::live::after_input(&app.document, &app.config, valid, report, rerun);
}

/// Shows every current input problem: each control whose text does not parse, then the
/// first range error of the config (unless it concerns a control already marked).
/// Returns whether the input is fine.
fn show_input_errors(app: &App) -> bool {
    clear_errors(&app.document);
    for (key, text) in &app.unparsed {
        let what = match CONTROLS.iter().find(|c| c.key == key) {
            Some(c) if c.mode == "numeric" => "a whole number",
            _ => "a number",
        };
        show_error(&app.document, key, &format!("“{text}” is not {what}"));
    }
    // The CSV, when the data set is one (src/web/upload.rs).
    let csv_ok = match super::upload::check(&app.document, &app.config) {
        Ok(()) => true,
        Err(e) => {
            if !app.unparsed.contains_key(&e.field) {
                show_error(&app.document, &e.field, &e.message);
            }
            false
        }
    };
    match app.config.validate() {
        Err(e) => {
            if !app.unparsed.contains_key(&e.field) {
                show_error(&app.document, &e.field, &e.message);
            }
            false
        }
        Ok(()) => app.unparsed.is_empty() && csv_ok,
    }
}

/// Starts a job for the current config (after validating it); a running job is
/// superseded (its replies become stale).
fn request_run(app: &mut App) {
    super::live::cancel_rerun();
    app.run_when_drawn = false;
    if !show_input_errors(app) {
        return;
    }
    if app.running || app.fits_pending > 0 || app.index_pending {
        // The worker is busy with the old job: replace it rather than wait.
        stop_worker(app);
    }
    app.fits_pending = 0;
    app.index_pending = false;
    app.index_progress = None;
    app.job += 1;
    app.running = true;
    set_running_ui(app, true);
    set_progress(app, 0, app.config.runs);
    set_text(&app.document, "status", "Starting…");
    // With several cores the runs are split across a worker pool (`super::split`).
    let csv = super::upload::text_for(&app.config);
    if super::split::post(app.job, &app.config, csv.as_deref()) {
        app.posted_ms = super::now_ms();
        return;
    }
    if !ensure_worker(app) {
        app.running = false;
        set_running_ui(app, false);
        mark_finished(app);
        return;
    }
    if app.worker_ready {
        post_job(app);
    } else {
        app.queued = true;
    }
}

/// A job shows its progress only once it has run this long (ms). Every frame that shows
/// progress costs the page a style, layout and paint pass (~10 ms here), CPU time that on
/// a two-core machine the workers lose: for a re-run of ~100 ms the bar slowed the work
/// it reported by half and would only have flickered (BENCHMARKS.md).
const PROGRESS_DELAY_MS: f64 = 250.0;

fn post_job(app: &mut App) {
    let message = ToWorker::Run {
        job: app.job,
        config: app.config.clone(),
        csv: super::upload::text_for(&app.config),
    };
    app.posted_ms = super::now_ms();
    let posted = match &app.worker {
        Some(worker) => worker
            .post_message(&JsValue::from_str(&message.encode()))
            .map_err(|e| format!("{e:?}")),
        None => Err("there is no worker".into()),
    };
    if let Err(e) = posted {
        finish_with_error(app, "worker", &format!("Could not reach the worker: {e}"));
    }
}

fn cancel(app: &mut App) {
    app.run_when_drawn = false;
    if !app.running && app.index_pending {
        return cancel_stages(app);
    }
    if !app.running {
        return;
    }
    app.job += 1;
    app.running = false;
    app.queued = false;
    // A fresh worker at once, so the next Run does not wait for it to load (unless the
    // next run goes to the pool).
    stop_worker(app);
    if !super::split::takes(&app.config) {
        ensure_worker(app);
    }
    set_running_ui(app, false);
    set_progress(app, 0, 1);
    set_text(&app.document, "status", "Cancelled.");
}

/// Cancel after the report is on screen: the worker still computes the fitted laws or
/// α_SGD. The report stays; what was not computed says so (a note instead of
/// "computing…"), and Run computes it again.
fn cancel_stages(app: &mut App) {
    stop_worker(app);
    if !super::split::takes(&app.config) {
        ensure_worker(app);
    }
    if let Some(shown) = app.shown.as_mut() {
        if app.fits_pending > 0 {
            for sim in [&mut shown.report.sgd, &mut shown.report.hsgd]
                .into_iter()
                .flatten()
                .filter(|sim| sim.fits.is_none())
            {
                sim.notes
                    .push("fits: cancelled (Run computes them again)".into());
            }
        }
        super::stages::cancel_index(&mut shown.report);
    }
    app.fits_pending = 0;
    app.index_pending = false;
    app.index_progress = None;
    set_running_ui(app, false);
    set_progress(app, 0, 1);
    redraw(app);
    show_numbers(app);
    show_done_status(app);
}

fn on_worker_message(app: &mut App, event: &MessageEvent) {
    if !is_current_worker(app, event) {
        return;
    }
    let text = event.data().as_string().unwrap_or_default();
    let message = match FromWorker::decode(&text) {
        Ok(m) => m,
        Err(e) => return finish_with_error(app, &e.field, &e.message),
    };
    if !is_stale(app, &message) {
        handle_reply(app, message);
    }
}

/// Whether a reply belongs to a job other than the current one, or comes after its end
/// (the fits of a job arrive after its report, while `fits_pending`).
fn is_stale(app: &App, message: &FromWorker) -> bool {
    match message {
        FromWorker::Fits { job, .. } => *job != app.job || app.fits_pending == 0,
        FromWorker::Index { job, .. } => *job != app.job || !app.index_pending,
        FromWorker::Progress { job, .. } => *job != app.job || !(app.running || app.index_pending),
        other => other
            .job()
            .is_some_and(|job| job != app.job || !app.running),
    }
}

/// A reply of the current job from the split run's workers (`super::split`), handled as
/// if the page's own worker had sent it.
pub(super) fn deliver(message: FromWorker) {
    with_app(|app| {
        if message.job().is_some() && !is_stale(app, &message) {
            handle_reply(app, message);
        }
    });
}

/// Acts on a reply of the current job.
fn handle_reply(app: &mut App, message: FromWorker) {
    match message {
        FromWorker::Ready => {
            app.worker_ready = true;
            if app.queued {
                app.queued = false;
                post_job(app);
            }
        }
        FromWorker::Progress { done, total, .. } if !app.running => {
            // The α_SGD stage, after the report.
            app.index_progress = Some((done, total));
            set_progress(app, done, total);
            show_done_status(app);
        }
        FromWorker::Progress { done, total, .. } => {
            if super::now_ms() - app.posted_ms < PROGRESS_DELAY_MS {
                return;
            }
            set_progress(app, done, total);
            set_text(
                &app.document,
                "status",
                &format!("Running… {done} of {total}"),
            );
        }
        FromWorker::Done { report, .. } => {
            let wall_ms = super::now_ms() - app.posted_ms;
            app.running = false;
            set_progress(app, 1, 1);
            mark_finished(app);
            app.fits_pending = super::stages::fits_expected(&report);
            app.index_pending = super::stages::index_expected(&report);
            app.index_progress = None;
            set_running_ui(app, false);
            app.shown = Some(Shown {
                report: *report,
                wall_ms,
            });
            // Plots before the numbers and the explanation: the canvases' boxes and the
            // legends' text are measured while the page's layout is still clean; the new
            // panels are laid out once, in the next frame.
            redraw(app);
            show_done_status(app);
            show_numbers(app);
            super::live::on_report(&app.document);
            super::stages::mark(&format!("hsgd-plots-job-{}", app.job));
            after_input(app, false);
            if app.run_when_drawn {
                request_run(app);
            }
        }
        FromWorker::Fits { stage, .. } => {
            if let Some(shown) = app.shown.as_mut() {
                super::stages::merge(&mut shown.report, *stage);
            }
            app.fits_pending -= 1;
            redraw(app);
            show_numbers(app);
            show_done_status(app);
            if app.fits_pending == 0 {
                super::stages::mark(&format!("hsgd-fits-job-{}", app.job));
            }
        }
        FromWorker::Index { stage, .. } => {
            if let Some(shown) = app.shown.as_mut() {
                super::stages::merge_index(&mut shown.report, *stage);
            }
            app.index_pending = false;
            app.index_progress = None;
            set_running_ui(app, false);
            set_progress(app, 1, 1);
            redraw(app);
            show_numbers(app);
            show_done_status(app);
            super::stages::mark(&format!("hsgd-index-job-{}", app.job));
        }
        FromWorker::Error { field, message, .. } => finish_with_error(app, &field, &message),
        // Sweep replies come from the sweep's own workers (`super::sweep`), never this one.
        FromWorker::SweepPlan { .. }
        | FromWorker::SweepPoint { .. }
        | FromWorker::RunPart { .. } => {}
        FromWorker::Panic { message } => {
            stop_worker(app);
            finish_with_error(
                app,
                "worker",
                &format!("The computation crashed ({message}). Run starts a fresh worker."),
            );
        }
    }
}

/// An `error` event of the worker: its script failed to load or its wasm trapped.
fn on_worker_error(app: &mut App, event: &Event) {
    if !is_current_worker(app, event) {
        return;
    }
    event.prevent_default();
    let detail = super::worker_error_detail(event);
    stop_worker(app);
    finish_with_error(
        app,
        "worker",
        &format!("The computation worker failed: {detail}. Run starts a fresh one."),
    );
}

fn is_current_worker(app: &App, event: &Event) -> bool {
    app.worker
        .as_ref()
        .is_some_and(|worker| super::sent_by(event, worker))
}

fn finish_with_error(app: &mut App, field: &str, message: &str) {
    app.running = false;
    app.queued = false;
    app.fits_pending = 0;
    app.index_pending = false;
    set_running_ui(app, false);
    set_progress(app, 0, 1);
    set_text(&app.document, "status", "Stopped: see the message.");
    mark_finished(app);
    show_error(&app.document, field, message);
    super::live::on_error(&app.document, field, message);
    // The slider moved on meanwhile (e.g. out of the divergent range): follow it.
    if app.run_when_drawn {
        request_run(app);
    }
}

/// Records on the status line which job ended last (`data-job`), so tests and scripts can
/// wait for a particular run rather than read a status that may be left from the last one.
fn mark_finished(app: &App) {
    if let Some(status) = element(&app.document, "status") {
        let _ = status.set_attribute("data-job", &app.job.to_string());
    }
}

/// The status line of a finished job: its runs and time, and whether the fitted laws or
/// α_SGD are still on their way (the later stages, `super::stages`). `data-fits-job` on
/// the status names the last job whose fits have all arrived, `data-index-job` the last
/// job whose α_SGD has arrived (or that needs none: hSGD only), for tests and scripts.
fn show_done_status(app: &App) {
    let Some(shown) = &app.shown else {
        return;
    };
    let report = &shown.report;
    let runs = report
        .sgd
        .as_ref()
        .or(report.hsgd.as_ref())
        .map_or(0, |s| s.runs);
    let mut text = format!("{runs} runs in {}.", format_ms(shown.wall_ms));
    let status = element(&app.document, "status");
    if app.fits_pending > 0 {
        text.push_str(" Fitting the laws…");
    } else {
        if let Some(status) = &status {
            let _ = status.set_attribute("data-fits-job", &app.job.to_string());
        }
        if app.index_pending {
            text.push_str(&index_status(app.index_progress));
        } else if report.sgd_index_note.as_deref() == Some(super::stages::INDEX_CANCELLED) {
            text.push_str(" α_SGD cancelled.");
        } else if let Some(status) = &status {
            let _ = status.set_attribute("data-index-job", &app.job.to_string());
        }
    }
    set_text(&app.document, "status", &text);
}

/// The status of the α_SGD stage, with its progress once the worker has reported some.
fn index_status(progress: Option<(usize, usize)>) -> String {
    match progress {
        Some((done, total)) if total > 0 => format!(
            " Computing SGD's own tail index α_SGD… {}%",
            (100 * done.min(total)) / total
        ),
        _ => " Computing SGD's own tail index α_SGD…".into(),
    }
}

/// The Cancel button and `aria-busy`: Cancel is enabled while a job runs and while its
/// α_SGD stage computes (after the plots are drawn); the page is busy only while it runs.
fn set_running_ui(app: &App, running: bool) {
    if let Some(cancel) = element(&app.document, "cancel") {
        let _ = if running || app.index_pending {
            cancel.remove_attribute("disabled")
        } else {
            cancel.set_attribute("disabled", "")
        };
    }
    if let Some(main) = element(&app.document, "app") {
        let _ = main.set_attribute("aria-busy", if running { "true" } else { "false" });
    }
}

fn set_progress(app: &App, done: usize, total: usize) {
    if let Some(bar) = element(&app.document, "progress") {
        let _ = bar.set_attribute("max", &total.max(1).to_string());
        let _ = bar.set_attribute("value", &done.to_string());
    }
}

/// Shows `message` next to the control named `field`, or in the general error box when
/// no control has that name.
fn show_error(document: &Document, field: &str, message: &str) {
    if let Some(slot) = element(document, &format!("err-{field}")) {
        slot.set_text_content(Some(message));
        if let Some(input) = element(document, &format!("ctl-{field}")) {
            let _ = input.set_attribute("aria-invalid", "true");
        }
    } else if field == "worker" {
        show_general_error(document, message);
    } else {
        show_general_error(document, &format!("{field}: {message}"));
    }
}

fn show_general_error(document: &Document, message: &str) {
    if let Some(e) = element(document, "error").and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        e.set_text_content(Some(message));
        e.set_hidden(false);
    }
}

fn clear_errors(document: &Document) {
    for c in CONTROLS {
        set_text(document, &format!("err-{}", c.key), "");
        if let Some(input) = element(document, &format!("ctl-{}", c.key)) {
            let _ = input.remove_attribute("aria-invalid");
        }
    }
    if let Some(e) = element(document, "error").and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        e.set_text_content(None);
        e.set_hidden(true);
    }
}

/// Fills the numbers panel (and the explanation) from the report on screen.
fn show_numbers(app: &App) {
    let (Some(shown), Some(panel)) = (&app.shown, element(&app.document, "numbers")) else {
        return;
    };
    panel.set_inner_html(&panel_html(&shown.report, shown.wall_ms));
    if let Some(explain) = element(&app.document, "explain") {
        explain.set_inner_html(&super::explain::explanation_html(&shown.report));
    }
}

/// A click on a download button (see [`super::export`]).
fn on_download_click(app: &mut App, button: &web_sys::Element) {
    let shown = app.shown.as_ref().map(|s| (&s.report, s.wall_ms));
    if let Err(e) = super::export::on_click(&app.document, button, shown) {
        show_general_error(&app.document, &format!("Download failed: {e}"));
    }
}

/// The histogram's log y checkbox: a display option, so it goes into the URL and the
/// plots are redrawn without a new run.
fn on_log_y(app: &mut App, log_y: bool) {
    app.config.log_y = log_y;
    write_url(&app.config);
    redraw(app);
}

/// Draws every plot for the report on screen (after a run, and on resize).
fn redraw(app: &mut App) {
    // Display options follow the page, not the config the report was run with (log y
    // may have been toggled during the run).
    if let Some(shown) = &mut app.shown {
        shown.report.config.log_y = app.config.log_y;
    }
    let Some(shown) = &app.shown else {
        return;
    };
    // All boxes first: one layout, not one per canvas.
    let canvases: Vec<_> = PLOTS
        .iter()
        .filter_map(|plot| {
            element(&app.document, &format!("plot-{}", plot.id))
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                .map(|canvas| (plot, SizedCanvas::measure(canvas)))
        })
        .collect();
    for (plot, canvas) in canvases {
        if let Err(e) = canvas.draw(|area, style| (plot.draw)(area, &shown.report, style)) {
            show_general_error(
                &app.document,
                &format!("The plot “{}” failed: {e}", plot.title),
            );
        }
    }
}
