//! The page app: the page's one state ([`App`]: the config, synced to the URL query; the
//! current job and its later stages; the report on screen) and the only place it changes.
//! DOM listeners, the page's own worker's replies and the controllers' [`Event`]s all end
//! in a handler here that borrows the state. The controllers (the live side of the form,
//! the CSV upload, the split run, the sweep section, the embedded view) get the state
//! handed down as arguments and send what happens on their side up as events, so none of
//! them calls back here. (Hence its many lines: every change of the state is here.)
//!
//! A job: Run (or an automatic re-run) validates the input and posts the job with a new
//! generation id, to the split run's pool when it takes it, else to the page's own worker
//! ([`super::main_worker`]); replies with another id are stale; the report comes first,
//! its fitted laws and α_SGD later ([`super::stages`]); Cancel terminates and restarts the
//! worker. The markup (`index.html`) holds only containers: the controls and plot figures
//! are generated from the tables [`crate::report::controls::CONTROLS`] and
//! [`super::plots::PLOTS`], so adding a parameter or a plot is one table entry.

use std::cell::RefCell;
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlCanvasElement, HtmlInputElement, MessageEvent};

use super::dom::{after_next_paint, edited_control, element, listen, set_text};
use super::event::{self, Event};
use super::form;
use super::format::escape;
use super::live::{self, Input};
use super::main_worker::MainWorker;
use super::panel::panel_html;
use super::plots::{SizedCanvas, PLOTS};
use super::protocol::{FromWorker, ToWorker};
use super::stages::{self, Pending};
use super::status;
use super::workers::{now_ms, worker_error_detail};
use super::{classroom, embed, split, sweep, timeline, upload};
use crate::plots::follows_frame;
use crate::report::analysis::Report;
use crate::report::config::{Config, Dynamics};
use crate::report::controls::{control, placed_in, Control, Kind, Place};

/// A report on screen and the time the page waited for it.
struct Shown {
    report: Report,
    wall_ms: f64,
    /// The report as the timeline's frame on screen shows it ([`Report::at_frame`]);
    /// `None` without a timeline.
    frame: Option<Report>,
}

/// The page's state.
struct App {
    document: Document,
    config: Config,
    /// Controls whose text does not parse (key → text); the config keeps its last good
    /// value for them, so no job runs until they are fixed.
    unparsed: BTreeMap<String, String>,
    /// The page's own computation worker.
    worker: MainWorker,
    /// Generation id of the current job; replies with another id are stale.
    job: u32,
    running: bool,
    /// The later stages of the report on screen still to come (the worker is busy).
    pending: Pending,
    /// The γ slider moved while a job ran: run again once its report is drawn.
    run_when_drawn: bool,
    posted_ms: f64,
    shown: Option<Shown>,
    /// The plots in view of the report on screen, drawn first, while the rest of it waits
    /// for the next paint (`None` once it is drawn, or not to come).
    rest_pending: Option<Vec<&'static str>>,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// Runs `f` on the app state (no-op before start-up or if the state is already borrowed,
/// which no handler does: none of them calls into another synchronously).
fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    super::dom::with_state(&APP, "hsgd", f)
}

/// The experiment's controls, in page order.
fn experiment() -> impl Iterator<Item = &'static Control> + Clone {
    placed_in(Place::Experiment)
}

/// Starts the page: builds controls and plots, reads the URL, queues the first run (the
/// default experiment runs on opening, with no click), then the sweep section on the
/// page's config.
pub fn start() {
    if let Err(e) = try_start() {
        web_sys::console::error_2(&"hsgd: the page could not start".into(), &e);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            show_general_error(&document, &format!("The page could not start: {e:?}"));
        }
    }
    let config = with_app(|app| app.config.clone()).unwrap_or_default();
    sweep::start(&config);
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // `hide=` and the "copy embed code" button, once every control and panel exists.
    if classroom::build(&document, &config) {
        let _ = listen(&document, "copy-embed", "click", |_| {
            with_app(|app| classroom::copy_embed_code(&app.document, &app.config));
        });
    }
    super::workers::release_early_workers();
    // Everything is laid out: show the app (www/style.css, body.booting).
    if let Some(body) = document.body() {
        let _ = body.class_list().remove_1("booting");
    }
}

fn try_start() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let (config, notes) = Config::parse_query(&window.location().search()?);
    super::split::start_early(&config);
    if !notes.is_empty() {
        // Said once, at load: the link asked for something the page could not use.
        let said: Vec<String> = notes.iter().map(|n| n.message()).collect();
        form::show_line(
            &document,
            "url-notes",
            Some(&format!("From the link: {}.", said.join("; "))),
        );
    }

    if let Some(row) = element(&document, "preset-links") {
        row.set_inner_html(&super::preset_links::html(&config));
    }
    form::build(&document, "fields", experiment(), &config)?;
    build_plots(&document, &config)?;
    upload::build(&document)?;
    live::build(&document)?;
    embed::build(&document, &config);
    timeline::build(&document)?;
    listen(&document, "controls", "submit", |event| {
        event.prevent_default();
        with_app(request_run);
    })?;
    listen(&document, "controls", "change", |event| {
        if let Some((key, text)) = edited_control(&event) {
            with_app(|app| on_control_change(app, &key, &text));
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
    let on_resize = Closure::<dyn FnMut(web_sys::Event)>::new(|_: web_sys::Event| {
        with_app(redraw);
    });
    window.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref())?;
    on_resize.forget();

    let on_worker_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        with_app(|app| on_worker_message(app, &event));
    });
    let on_worker_error = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        with_app(|app| on_worker_error(app, &event));
    });
    // The page's own worker starts with its first job, and only when the job is not split
    // across the pool (`super::split`): one wasm instance fewer to load on opening.
    let mut app = App {
        document,
        config,
        unparsed: BTreeMap::new(),
        worker: MainWorker::new(on_worker_message, on_worker_error),
        job: 0,
        running: false,
        pending: Pending::default(),
        run_when_drawn: false,
        posted_ms: 0.0,
        shown: None,
        rest_pending: None,
    };
    request_run(&mut app);
    write_url(&app.config);
    after_input(&app, false);
    if !app.running {
        set_text(&app.document, "status", "Fix the marked input to run.");
    }
    APP.with(|cell| *cell.borrow_mut() = Some(app));
    event::install(on_event);
    Ok(())
}

/// What the controllers send up ([`Event`]), turned into changes of the state.
fn on_event(event: Event) {
    with_app(|app| match event {
        Event::CsvLoaded => set_control(app, "data", "csv"),
        Event::GammaSlid(text) => slide_control(app, "gamma", &text),
        Event::Rerun => request_run(app),
        Event::SplitReply(message) => {
            if message.job().is_some() && !is_stale(app, &message) {
                handle_reply(app, message);
            }
        }
        Event::SweepFieldEdited { key, text } => {
            let taken = app.config.set(&key, text.trim());
            if taken {
                write_url(&app.config);
            }
            sweep::field_edited(&key, &text, taken.then_some(&app.config));
        }
        Event::SweepRequested => sweep::run(&app.config, upload::text_for(&app.config)),
        Event::Frame(frame) => show_frame(app, frame),
        Event::FrameStep(by) => {
            let to = current_frame(app).saturating_add_signed(by);
            show_frame(app, to);
        }
        Event::FrameTick => {
            let last = frames(app).saturating_sub(1);
            let current = current_frame(app);
            // Play from the start when the last frame is on screen; stop on reaching it.
            let next = if current >= last { 0 } else { current + 1 };
            show_frame(app, next);
            if next >= last {
                timeline::stop();
            }
        }
    });
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

/// Terminates the page's worker and the split run's (cancel, crash or failed start).
fn stop_worker(app: &mut App) {
    split::cancel();
    app.worker.stop();
}

/// Starts a fresh worker when there is none; false (with the message shown) if that fails.
fn ensure_worker(app: &mut App) -> bool {
    match app.worker.ensure() {
        Ok(()) => true,
        Err(e) => {
            show_general_error(&app.document, &e);
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
    // Only a change: `replaceState` took ~20 ms of the page's start in a profile, which
    // a page opened with its canonical link need not spend.
    if window.location().search().is_ok_and(|search| search == url) {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

fn on_control_change(app: &mut App, key: &str, text: &str) {
    if take_control(app, key, text) {
        after_input(app, true);
    }
}

/// Takes `text` of the control `key` into the config and the URL; a text that does not
/// parse is kept in `unparsed`, to be marked. False when `key` is no control of the
/// experiment's form.
fn take_control(app: &mut App, key: &str, text: &str) -> bool {
    if control(key).is_none_or(|c| c.place != Place::Experiment) {
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
fn set_control(app: &mut App, key: &str, text: &str) {
    form::write_control(&app.document, key, text);
    on_control_change(app, key, text);
}

/// Sets the control `key` to `text` from a slider being dragged: a small job runs at
/// once, or right after the plots of the running one (`live::after_slide`).
fn slide_control(app: &mut App, key: &str, text: &str) {
    form::write_control(&app.document, key, text);
    if !take_control(app, key, text) {
        return;
    }
    let valid = show_input_errors(app);
    let now = live::after_slide(&app.document, live_input(app), valid);
    embed::update(&app.document, &app.config);
    if now {
        if app.running {
            app.run_when_drawn = true;
        } else {
            request_run(app);
        }
    }
}

/// What the live side of the form reads of the state.
fn live_input(app: &App) -> Input<'_> {
    Input {
        config: &app.config,
        report: app.shown.as_ref().map(|s| &s.report),
        csv_shape: upload::shape(),
    }
}

/// The input side's hook (`live`, `embed`): relevant controls, slider, divergence note,
/// the embedded view's link, and an automatic re-run of a small job when `rerun`.
fn after_input(app: &App, rerun: bool) {
    let valid = rerun && show_input_errors(app);
    live::after_input(&app.document, live_input(app), valid, rerun);
    embed::update(&app.document, &app.config);
}

/// Shows every current input problem: each control whose text does not parse, then the
/// first range error of the config (unless it concerns a control already marked).
/// Returns whether the input is fine.
fn show_input_errors(app: &App) -> bool {
    form::clear(&app.document, experiment(), "error");
    for (key, text) in &app.unparsed {
        let what = match control(key).map(|c| c.kind) {
            Some(Kind::Whole) => "a whole number",
            _ => "a number",
        };
        show_error(&app.document, key, &format!("“{text}” is not {what}"));
    }
    // The CSV, when the data set is one (`upload`).
    let csv_ok = match upload::check(&app.document, &app.config) {
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

/// Shows `message` next to the control named `field`, or in the general error box when
/// no control has that name.
fn show_error(document: &Document, field: &str, message: &str) {
    if form::mark_field(document, field, message) {
        return;
    }
    if field == "worker" {
        show_general_error(document, message);
    } else {
        show_general_error(document, &format!("{field}: {message}"));
    }
}

fn show_general_error(document: &Document, message: &str) {
    form::show_line(document, "error", Some(message));
}

/// Starts a job for the current config (after validating it); a running job is
/// superseded (its replies become stale).
fn request_run(app: &mut App) {
    live::cancel_rerun();
    timeline::stop();
    app.run_when_drawn = false;
    if !show_input_errors(app) {
        return;
    }
    if app.running || app.pending.any() {
        // The worker is busy with the old job: replace it rather than wait.
        stop_worker(app);
    }
    app.pending = Pending::default();
    app.job += 1;
    app.running = true;
    set_running_ui(app, true);
    set_progress(app, 0, app.config.runs);
    set_text(&app.document, "status", "Starting…");
    // With several cores the runs are split across a worker pool (`split`).
    let csv = upload::text_for(&app.config);
    if split::post(app.job, &app.config, csv.as_deref()) {
        app.posted_ms = now_ms();
        return;
    }
    if !ensure_worker(app) {
        app.running = false;
        set_running_ui(app, false);
        mark_finished(app);
        return;
    }
    if app.worker.is_ready() {
        post_job(app);
    } else {
        app.worker.set_queued(true);
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
        csv: upload::text_for(&app.config),
    };
    app.posted_ms = now_ms();
    if let Err(e) = app.worker.post(&message) {
        finish_with_error(app, "worker", &format!("Could not reach the worker: {e}"));
    }
}

fn cancel(app: &mut App) {
    app.run_when_drawn = false;
    if !app.running && app.pending.index {
        return cancel_stages(app);
    }
    if !app.running {
        return;
    }
    app.job += 1;
    app.running = false;
    app.worker.set_queued(false);
    draw_rest_of_report(app);
    // A fresh worker at once, so the next Run does not wait for it to load (unless the
    // next run goes to the pool).
    stop_worker(app);
    if !split::takes(&app.config) {
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
    if !split::takes(&app.config) {
        ensure_worker(app);
    }
    if let Some(shown) = app.shown.as_mut() {
        if app.pending.fits > 0 {
            for method in Dynamics::ALL {
                if let Some(sim) = shown
                    .report
                    .sim_mut(method)
                    .filter(|sim| sim.fits.is_none())
                {
                    sim.notes
                        .push("fits: cancelled (Run computes them again)".into());
                }
            }
        }
        stages::cancel_index(&mut shown.report);
    }
    refresh_frame(app);
    app.pending = Pending::default();
    set_running_ui(app, false);
    set_progress(app, 0, 1);
    redraw(app);
    show_numbers(app);
    show_done_status(app);
}

fn on_worker_message(app: &mut App, event: &MessageEvent) {
    if !app.worker.sent(event) {
        return;
    }
    let message = match FromWorker::open(&super::workers::received(event)) {
        Ok(m) => m,
        Err(e) => return finish_with_error(app, &e.field, &e.message),
    };
    if !is_stale(app, &message) {
        handle_reply(app, message);
    }
}

/// Whether a reply belongs to a job other than the current one, or comes after its end
/// (the fits of a job arrive after its report, while they are pending).
fn is_stale(app: &App, message: &FromWorker) -> bool {
    match message {
        FromWorker::Fits { job, .. } => *job != app.job || app.pending.fits == 0,
        FromWorker::Index { job, .. } => *job != app.job || !app.pending.index,
        FromWorker::Progress { job, .. } => *job != app.job || !(app.running || app.pending.index),
        other => other
            .job()
            .is_some_and(|job| job != app.job || !app.running),
    }
}

/// Acts on a reply of the current job.
fn handle_reply(app: &mut App, message: FromWorker) {
    match message {
        FromWorker::Ready => {
            if app.worker.on_ready() {
                post_job(app);
            }
        }
        FromWorker::Progress { done, total, .. } if !app.running => {
            // The α_SGD stage, after the report.
            app.pending.index_progress = Some((done, total));
            set_progress(app, done, total);
            show_done_status(app);
        }
        FromWorker::Progress { done, total, .. } => {
            if now_ms() - app.posted_ms < PROGRESS_DELAY_MS {
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
            let wall_ms = now_ms() - app.posted_ms;
            app.running = false;
            set_progress(app, 1, 1);
            app.pending = Pending::after(&report);
            set_running_ui(app, false);
            app.shown = Some(Shown {
                report: *report,
                wall_ms,
                frame: None,
            });
            refresh_frame(app);
            live::on_report(&app.document);
            // The plots in view now, on screen at the next paint; the others, the numbers
            // and the explanation after it. (Plots before panels: the canvases' boxes and
            // the legends' text are measured while the page's layout is still clean.)
            app.rest_pending = Some(draw_plots_in_view(app));
            stages::mark(&format!("hsgd-plots-job-{}", app.job));
            let job = app.job;
            after_next_paint(REST_OF_REPORT_FALLBACK_MS, move || {
                with_app(|app| {
                    if app.job == job && !app.running {
                        show_rest_of_report(app);
                    }
                });
            });
        }
        FromWorker::Fits { stage, .. } => {
            if let Some(shown) = app.shown.as_mut() {
                stages::merge(&mut shown.report, *stage);
            }
            refresh_frame(app);
            app.pending.fits -= 1;
            redraw(app);
            show_numbers(app);
            show_done_status(app);
            if app.pending.fits == 0 {
                stages::mark(&format!("hsgd-fits-job-{}", app.job));
            }
        }
        FromWorker::Index { stage, .. } => {
            if let Some(shown) = app.shown.as_mut() {
                stages::merge_index(&mut shown.report, *stage);
            }
            refresh_frame(app);
            app.pending.index = false;
            app.pending.index_progress = None;
            set_running_ui(app, false);
            set_progress(app, 1, 1);
            redraw(app);
            show_numbers(app);
            show_done_status(app);
            stages::mark(&format!("hsgd-index-job-{}", app.job));
        }
        FromWorker::Error { field, message, .. } => finish_with_error(app, &field, &message),
        // Sweep replies come from the sweep's own workers (`sweep`), never this one.
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
fn on_worker_error(app: &mut App, event: &web_sys::Event) {
    if !app.worker.sent(event) {
        return;
    }
    event.prevent_default();
    let detail = worker_error_detail(event);
    stop_worker(app);
    finish_with_error(
        app,
        "worker",
        &format!("The computation worker failed: {detail}. Run starts a fresh one."),
    );
}

fn finish_with_error(app: &mut App, field: &str, message: &str) {
    app.running = false;
    draw_rest_of_report(app);
    app.worker.set_queued(false);
    app.pending.fits = 0;
    app.pending.index = false;
    set_running_ui(app, false);
    set_progress(app, 0, 1);
    set_text(&app.document, "status", "Stopped: see the message.");
    mark_finished(app);
    show_error(&app.document, field, message);
    live::on_error(&app.document, field, message);
    // The slider moved on meanwhile (e.g. out of the divergent range): follow it.
    if app.run_when_drawn {
        request_run(app);
    }
}

fn mark_finished(app: &App) {
    status::mark_finished(&app.document, app.job);
}

fn show_done_status(app: &App) {
    if let Some(shown) = &app.shown {
        status::show_done(
            &app.document,
            app.job,
            &shown.report,
            shown.wall_ms,
            &app.pending,
        );
    }
}

fn set_running_ui(app: &App, running: bool) {
    status::set_running_ui(&app.document, running, app.pending.index);
}

fn set_progress(app: &App, done: usize, total: usize) {
    status::set_progress(&app.document, done, total);
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
    if let Some(note) = element(&app.document, "pearson-note") {
        note.set_inner_html(&super::pearson_note::pearson_note_html(&shown.report));
    }
}

/// A click on a download button (see [`super::export`]).
fn on_download_click(app: &mut App, button: &web_sys::Element) {
    let shown = app.shown.as_ref().map(|s| (&s.report, s.wall_ms));
    let frame = app.shown.as_ref().and_then(|s| s.frame.as_ref());
    if let Err(e) = super::export::on_click(&app.document, button, shown, frame) {
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
    draw_plots(app, |_| true);
}

/// Draws the plots `which` selects by id: those that follow the timeline's frame from the
/// frame's report, the others from the whole report.
fn draw_plots(app: &mut App, which: impl Fn(&str) -> bool) {
    // Display options follow the page, not the config the report was run with (log y
    // may have been toggled during the run).
    if let Some(shown) = &mut app.shown {
        shown.report.config.log_y = app.config.log_y;
        if let Some(frame) = &mut shown.frame {
            frame.config.log_y = app.config.log_y;
        }
    }
    let Some(shown) = &app.shown else {
        return;
    };
    // All boxes first: one layout, not one per canvas.
    let canvases: Vec<_> = PLOTS
        .iter()
        .filter(|plot| which(plot.id))
        .filter_map(|plot| {
            element(&app.document, &format!("plot-{}", plot.id))
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                .map(|canvas| (plot, SizedCanvas::measure(canvas)))
        })
        .collect();
    for (plot, canvas) in canvases {
        let report = match &shown.frame {
            Some(frame) if follows_frame(plot.id) => frame,
            _ => &shown.report,
        };
        if let Err(e) = canvas.draw(|area, style| (plot.draw)(area, report, style)) {
            show_general_error(
                &app.document,
                &format!("The plot “{}” failed: {e}", plot.title),
            );
        }
    }
}

/// How long the rest of a report waits for the frame that shows its first plots (ms),
/// when no frame comes: a tab in the background paints none.
const REST_OF_REPORT_FALLBACK_MS: i32 = 100;

/// Draws the plots whose canvas is in the viewport (from the whole report, or the
/// timeline's frame for those that follow it) and returns their ids.
fn draw_plots_in_view(app: &mut App) -> Vec<&'static str> {
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::INFINITY);
    let in_view: Vec<&'static str> = PLOTS
        .iter()
        .filter(|plot| {
            element(&app.document, &format!("plot-{}", plot.id)).is_some_and(|canvas| {
                let r = canvas.get_bounding_client_rect();
                r.width() > 0.0 && r.bottom() > 0.0 && r.top() < height
            })
        })
        .map(|plot| plot.id)
        .collect();
    draw_plots(app, |id| in_view.contains(&id));
    in_view
}

/// The rest of a job's report, after its plots in view are on screen (unless an error
/// or Cancel came first, [`draw_rest_of_report`]): the other plots, the status, the
/// numbers and the explanation; then the job is marked finished (`data-job`: everything is
/// drawn) and a re-run asked for meanwhile starts.
fn show_rest_of_report(app: &mut App) {
    if !draw_rest_of_report(app) {
        return;
    }
    show_done_status(app);
    mark_finished(app);
    stages::mark(&format!("hsgd-report-job-{}", app.job));
    after_input(app, false);
    if app.run_when_drawn {
        request_run(app);
    }
}

/// Draws the plots and the numbers of the report on screen that wait for the next paint,
/// if any (true), so that every plot and panel shows that report: also when a job started
/// meanwhile ends in an error or is cancelled.
fn draw_rest_of_report(app: &mut App) -> bool {
    let Some(drawn) = app.rest_pending.take() else {
        return false;
    };
    draw_plots(app, |id| !drawn.contains(&id));
    show_numbers(app);
    true
}

/// The number of timeline frames of the report on screen (0 without one).
fn frames(app: &App) -> usize {
    app.shown.as_ref().map_or(0, |s| s.report.frames())
}

/// The frame on screen: the config's, or the last (the final iterates).
fn current_frame(app: &App) -> usize {
    let last = frames(app).saturating_sub(1);
    app.config.frame.map_or(last, |c| c.min(last))
}

/// Shows timeline frame `frame` (clamped to the last): the config and the URL remember
/// it (the last frame is the default, so it is not written), and the plots that follow
/// the frame are redrawn.
fn show_frame(app: &mut App, frame: usize) {
    let last = frames(app).saturating_sub(1);
    let frame = frame.min(last);
    if current_frame(app) == frame && app.shown.as_ref().is_some_and(|s| s.frame.is_some()) {
        return;
    }
    app.config.frame = (frame < last).then_some(frame);
    write_url(&app.config);
    refresh_frame(app);
    draw_plots(app, follows_frame);
    stages::mark(&format!("hsgd-frame-{frame}"));
}

/// Recomputes the frame report of the report on screen for the config's frame, and the
/// timeline's controls and label.
fn refresh_frame(app: &mut App) {
    let current = current_frame(app);
    // A frame past this report's last (a re-run with fewer checkpoints) is its last: the
    // default, which the link leaves out.
    if app.shown.is_some()
        && app
            .config
            .frame
            .is_some_and(|c| c >= frames(app).saturating_sub(1))
    {
        app.config.frame = None;
        write_url(&app.config);
    }
    let Some(shown) = app.shown.as_mut() else {
        return;
    };
    shown.frame = shown.report.at_frame(current);
    let label = frame_label(&shown.report, current);
    timeline::show(&app.document, shown.report.frames(), current, &label);
    if let Some(canvas) = element(&app.document, "plot-index-evolution") {
        let _ = canvas.set_attribute("aria-label", &index_evolution_text(&shown.report));
    }
}

/// What the tail-index-against-step plot shows, in words (its canvas's label): how many
/// checkpoints have an index, and where it starts and ends, for each method.
fn index_evolution_text(report: &Report) -> String {
    let parts: Vec<String> = report
        .sims()
        .filter_map(|(method, sim)| {
            let e = sim.evolution.as_ref()?;
            let points: Vec<(usize, f64)> = e
                .steps
                .iter()
                .zip(&e.hill)
                .filter_map(|(&t, h)| Some((t, h.as_ref()?.alpha?)))
                .collect();
            let (first, last) = (points.first()?, points.last()?);
            Some(format!(
                "{}: Hill tail index at {} checkpoints, {:.2} at step {} to {:.2} at step {}",
                method.label(),
                points.len(),
                first.1,
                first.0,
                last.1,
                last.0
            ))
        })
        .collect();
    if parts.is_empty() {
        "Tail index against the step: no checkpoints recorded".into()
    } else {
        format!("Tail index against the step. {}", parts.join("; "))
    }
}

/// The timeline's label for frame `c`: its step and Hill's index there (with interval)
/// for each method.
fn frame_label(report: &Report, c: usize) -> String {
    let Some(evolution) = report.evolution() else {
        return "no checkpoints recorded".into();
    };
    let frames = evolution.len();
    let step = evolution.steps.get(c).copied().unwrap_or(0);
    let when = if c + 1 >= frames {
        format!("final iterates, step {step}")
    } else {
        format!(
            "step {step} of {}",
            evolution.steps.last().copied().unwrap_or(0)
        )
    };
    let last = c + 1 >= frames;
    let hill: Vec<String> = report
        .sims()
        .filter_map(|(method, sim)| {
            // The last frame is the final sample (R·S values when S > 1), as the plots and
            // the numbers panel show it.
            let h = if last {
                &sim.estimates.as_ref()?.hill
            } else {
                sim.evolution.as_ref()?.hill.get(c)?.as_ref()?
            };
            let text = match (h.alpha, h.ci) {
                (Some(a), Some((lo, hi))) => format!("{a:.2} [{lo:.2}, {hi:.2}]"),
                (Some(a), None) => format!("{a:.2}"),
                _ => "no power-law tail".into(),
            };
            Some(format!("{}: Hill {text}", method.label()))
        })
        .collect();
    format!("Frame {} of {frames}: {when}. {}", c + 1, hill.join("; "))
}
