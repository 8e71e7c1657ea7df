//! The page's sweep section: its controls (what to sweep, points, runs per point:
//! `Config` fields, so they live in the URL like every other setting), "Run sweep" and
//! Cancel, its own progress bar, the sweep plot drawn as points arrive, and a table of the
//! points' numbers.
//!
//! The work runs on a [`Pool`] of workers, apart from the page's main worker, so a sweep
//! never blocks the main run: one worker computes the plan ([`crate::report::sweep::plan`]: the
//! swept values and the bound curves), then every point is an independent task
//! ([`crate::report::sweep::run_point`]); each point has its own seed, so the numbers do not depend
//! on how many workers ran them (and `hsgd sweep '<query>'` prints the same).
//!
//! Replies carry the sweep's generation id; a reply of an older sweep only frees its
//! worker. Cancel terminates the busy workers and starts fresh ones.
//!
//! The fields edit the page's config, and a sweep runs the page's config: the form sends
//! [`AppEvent::SweepFieldEdited`] and [`AppEvent::SweepRequested`] up to the page app,
//! which answers with [`field_edited`] and [`run`], handing its config down.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Event, HtmlCanvasElement, MessageEvent};

use super::dom::{after_ms, edited_control, element, listen, set_text};
use super::event::{emit, Event as AppEvent};
use super::form;
use super::format::format_ms;
use super::plots::draw_on_canvas;
use super::pool::{browser_pool_size, Pool, Task};
use super::protocol::{FromWorker, ToWorker};
use super::sweep_table::table_html;
use super::workers::{now_ms, worker_error_detail};
use crate::plots::draw_sweep;
use crate::report::config::Config;
use crate::report::controls::{placed_in, Control, Place};
use crate::report::sweep::{SweepPlan, SweepPoint};

/// The task id of the plan (points use their index).
const PLAN_TASK: usize = usize::MAX;

/// The sweep form's fields (`Config` fields, in the URL like every other setting).
fn controls() -> impl Iterator<Item = &'static Control> + Clone {
    placed_in(Place::Sweep)
}

struct SweepApp {
    document: Document,
    pool: Pool,
    /// Generation id of the current sweep.
    job: u32,
    running: bool,
    /// The inputs of the current sweep (the page's config when Run sweep was pressed).
    config: Config,
    csv: Option<String>,
    plan: Option<SweepPlan>,
    points: Vec<Option<SweepPoint>>,
    /// Fraction of its current point each worker has done (for the progress bar).
    partial: Vec<f64>,
    started_ms: f64,
}

thread_local! {
    static SWEEP: RefCell<Option<SweepApp>> = const { RefCell::new(None) };
}

fn with_sweep<R>(f: impl FnOnce(&mut SweepApp) -> R) -> Option<R> {
    super::dom::with_state(&SWEEP, "hsgd sweep", f)
}

/// Builds the sweep section (when the page has one), its fields showing `config`, and its
/// worker pool.
pub fn start(config: &Config) {
    if let Err(e) = try_start(config) {
        web_sys::console::error_2(&"hsgd: the sweep section could not start".into(), &e);
    }
}

fn try_start(config: &Config) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    if element(&document, "sweep-fields").is_none() {
        return Ok(()); // a page without a sweep section
    }
    form::build(&document, "sweep-fields", controls(), config)?;
    // Running and editing change the page's config: the app does that, then calls
    // [`run`] or [`field_edited`] with it.
    listen(&document, "sweep-controls", "submit", |event| {
        event.prevent_default();
        if !emit(AppEvent::SweepRequested) {
            with_sweep(|app| {
                clear_errors(&app.document);
                show_general(&app.document, Some("The page is not ready yet."));
            });
        }
    })?;
    listen(&document, "sweep-controls", "change", |event| {
        if let Some((key, text)) = edited_control(&event) {
            let edited = AppEvent::SweepFieldEdited {
                key: key.clone(),
                text: text.clone(),
            };
            if !emit(edited) {
                field_edited(&key, &text, None);
            }
        }
    })?;
    listen(&document, "sweep-cancel", "click", |_| {
        with_sweep(cancel);
    })?;
    let on_resize = Closure::<dyn FnMut(Event)>::new(|_: Event| {
        with_sweep(|app| redraw(app));
    });
    window.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref())?;
    on_resize.forget();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        with_sweep(|app| on_message(app, &event));
    });
    let on_error = Closure::<dyn FnMut(Event)>::new(|event: Event| {
        with_sweep(|app| on_worker_error(app, &event));
    });
    let size = browser_pool_size();
    let app = SweepApp {
        document,
        pool: Pool::new(size, on_message, on_error),
        job: 0,
        running: false,
        config: Config::default(),
        csv: None,
        plan: None,
        points: Vec::new(),
        partial: vec![0.0; size],
        started_ms: 0.0,
    };
    if let Some(status) = element(&app.document, "sweep-status") {
        status.set_text_content(Some(&format!(
            "Ready: {size} worker{} will share the points.",
            if size == 1 { "" } else { "s" }
        )));
        let _ = status.set_attribute("data-workers", &size.to_string());
    }
    SWEEP.with(|cell| *cell.borrow_mut() = Some(app));
    // The empty plot's message waits for the page to be built: measuring its canvas now
    // would lay the whole page out halfway through the start, in vain (60 ms on a
    // digits link, while the workers simulate).
    after_ms(0, || {
        with_sweep(|app| redraw(app));
    });
    Ok(())
}

fn clear_errors(document: &Document) {
    form::clear(document, controls(), "sweep-error");
}

fn show_general(document: &Document, message: Option<&str>) {
    form::show_line(document, "sweep-error", message);
}

/// Shows `message` next to the sweep control `field`, or in the sweep's error line.
fn show_error(document: &Document, field: &str, message: &str) {
    if controls().any(|c| c.key == field) {
        form::mark_field(document, field, message);
    } else if field == "worker" || field == "run" {
        show_general(document, Some(message));
    } else {
        show_general(
            document,
            Some(&format!(
                "{field}: {message} (set it in the experiment above)"
            )),
        );
    }
}

/// A sweep field was edited: `config` is the page's config with the new text taken, or
/// `None` when the text does not parse. Shows what is wrong with the sweep's fields.
pub fn field_edited(key: &str, text: &str, config: Option<&Config>) {
    with_sweep(|app| {
        clear_errors(&app.document);
        let Some(config) = config else {
            return show_error(
                &app.document,
                key,
                &format!("“{text}” is not a whole number"),
            );
        };
        if let Err(e) = config.validate() {
            if controls().any(|c| c.key == e.field) {
                show_error(&app.document, &e.field, &e.message);
            }
        }
    });
}

/// Starts a sweep of `config` (the page's current one) with the CSV text `csv`; a running
/// sweep is cancelled first.
pub fn run(config: &Config, csv: Option<String>) {
    with_sweep(|app| start_sweep(app, config.clone(), csv));
}

fn start_sweep(app: &mut SweepApp, config: Config, csv: Option<String>) {
    clear_errors(&app.document);
    if let Err(e) = config.validate() {
        return show_error(&app.document, &e.field, &e.message);
    }
    if app.running {
        app.pool.cancel();
    }
    app.job = app.job.wrapping_add(1);
    app.running = true;
    app.config = config;
    app.csv = csv;
    app.plan = None;
    app.points.clear();
    app.partial.iter_mut().for_each(|p| *p = 0.0);
    app.started_ms = now_ms();
    set_running_ui(app, true);
    set_progress(app);
    set_text(&app.document, "sweep-status", "Planning the sweep…");
    show_table(app);
    redraw(app);
    let message = ToWorker::SweepPlan {
        job: app.job,
        config: app.config.clone(),
        csv: app.csv.clone(),
    };
    let task = Task {
        id: PLAN_TASK,
        message: message.seal(),
    };
    if let Err(e) = app.pool.submit(vec![task]) {
        stop_with_error(app, "worker", &e);
    }
}

fn cancel(app: &mut SweepApp) {
    if !app.running {
        return;
    }
    app.job = app.job.wrapping_add(1);
    app.running = false;
    app.pool.cancel();
    set_running_ui(app, false);
    set_text(&app.document, "sweep-status", "Sweep cancelled.");
    mark_finished(app);
}

fn stop_with_error(app: &mut SweepApp, field: &str, message: &str) {
    app.running = false;
    app.pool.cancel();
    set_running_ui(app, false);
    set_text(
        &app.document,
        "sweep-status",
        "Sweep stopped: see the message.",
    );
    mark_finished(app);
    show_error(&app.document, field, message);
}

/// Records which sweep ended last (`data-job` on the status), for tests and scripts.
fn mark_finished(app: &SweepApp) {
    if let Some(status) = element(&app.document, "sweep-status") {
        let _ = status.set_attribute("data-job", &app.job.to_string());
    }
}

fn on_message(app: &mut SweepApp, event: &MessageEvent) {
    let Some(slot) = app.pool.slot_of(event) else {
        return;
    };
    let message = match FromWorker::open(&super::workers::received(event)) {
        Ok(m) => m,
        Err(e) => return stop_with_error(app, &e.field, &e.message),
    };
    let current = message.job().is_none_or(|job| job == app.job) && app.running;
    match message {
        FromWorker::Ready => {
            if let Err(e) = app.pool.ready(slot) {
                stop_with_error(app, "worker", &e);
            }
        }
        FromWorker::Progress { done, total, .. } => {
            if current {
                if let Some(p) = app.partial.get_mut(slot) {
                    *p = done as f64 / total.max(1) as f64;
                }
                set_progress(app);
            }
        }
        FromWorker::SweepPlan { plan, .. } => {
            let freed = app.pool.finished(slot);
            if !current {
                return report_pool_error(app, freed);
            }
            on_plan(app, *plan);
        }
        FromWorker::SweepPoint { index, point, .. } => {
            let freed = app.pool.finished(slot);
            if let Some(p) = app.partial.get_mut(slot) {
                *p = 0.0;
            }
            if !current {
                return report_pool_error(app, freed);
            }
            if let Some(entry) = app.points.get_mut(index) {
                *entry = Some(*point);
            }
            on_point(app);
            report_pool_error(app, freed);
        }
        FromWorker::Error { field, message, .. } => {
            let _ = app.pool.finished(slot);
            if current {
                stop_with_error(app, &field, &message);
            }
        }
        FromWorker::Done { .. }
        | FromWorker::Fits { .. }
        | FromWorker::Index { .. }
        | FromWorker::RunPart { .. } => {
            let _ = app.pool.finished(slot);
        }
        FromWorker::Panic { message } => {
            let _ = app.pool.replace(slot);
            if app.running {
                stop_with_error(
                    app,
                    "worker",
                    &format!(
                        "A sweep worker crashed ({message}); it was replaced. Run the sweep again."
                    ),
                );
            }
        }
    }
}

fn report_pool_error(app: &mut SweepApp, result: Result<Option<Task>, String>) {
    if let Err(e) = result {
        if app.running {
            stop_with_error(app, "worker", &e);
        }
    }
}

/// A worker's `error` event: its script failed to load (its task is retried on a fresh
/// worker, a few times at most) or its wasm trapped mid-task (the sweep stops).
fn on_worker_error(app: &mut SweepApp, event: &Event) {
    let Some(slot) = app.pool.slot_of(event) else {
        return;
    };
    event.prevent_default();
    let was_ready = app.pool.is_ready(slot);
    let detail = worker_error_detail(event);
    match app.pool.replace(slot) {
        Err(e) => {
            if app.running {
                stop_with_error(app, "worker", &format!("{detail}; {e}"));
            }
        }
        Ok(task) => {
            if !app.running {
                return;
            }
            if was_ready {
                stop_with_error(
                    app,
                    "worker",
                    &format!("A sweep worker failed: {detail}. Run the sweep again."),
                );
            } else if let Some(task) = task {
                if let Err(e) = app.pool.retry(task) {
                    stop_with_error(app, "worker", &e);
                }
            }
        }
    }
}

fn on_plan(app: &mut SweepApp, plan: SweepPlan) {
    let count = plan.values.len();
    let tasks: Vec<Task> = (0..count)
        .map(|index| Task {
            id: index,
            message: ToWorker::SweepPoint {
                job: app.job,
                config: app.config.clone(),
                csv: app.csv.clone(),
                index,
            }
            .seal(),
        })
        .collect();
    app.points = vec![None; count];
    app.plan = Some(plan);
    set_text(
        &app.document,
        "sweep-status",
        &format!(
            "Running 0 of {count} points on {} workers…",
            app.pool.size()
        ),
    );
    set_progress(app);
    show_table(app);
    redraw(app);
    if let Err(e) = app.pool.submit(tasks) {
        stop_with_error(app, "worker", &e);
    }
}

fn on_point(app: &mut SweepApp) {
    let count = app.points.len();
    let done = app.points.iter().filter(|p| p.is_some()).count();
    set_progress(app);
    show_table(app);
    redraw(app);
    if done < count {
        set_text(
            &app.document,
            "sweep-status",
            &format!(
                "Running… {done} of {count} points on {} workers",
                app.pool.size()
            ),
        );
        return;
    }
    let wall_ms = now_ms() - app.started_ms;
    app.running = false;
    set_running_ui(app, false);
    let workers = app.pool.size();
    set_text(
        &app.document,
        "sweep-status",
        &format!(
            "{count} points × {} runs in {} on {workers} worker{}.",
            app.config.sweep_runs,
            format_ms(wall_ms),
            if workers == 1 { "" } else { "s" }
        ),
    );
    if let Some(status) = element(&app.document, "sweep-status") {
        let _ = status.set_attribute("data-wall-ms", &format!("{wall_ms:.0}"));
    }
    mark_finished(app);
}

fn set_running_ui(app: &SweepApp, running: bool) {
    if let Some(cancel) = element(&app.document, "sweep-cancel") {
        let _ = if running {
            cancel.remove_attribute("disabled")
        } else {
            cancel.set_attribute("disabled", "")
        };
    }
    if let Some(section) = element(&app.document, "sweep") {
        let _ = section.set_attribute("aria-busy", if running { "true" } else { "false" });
    }
}

/// The bar counts points: finished ones plus the fractions the busy workers report.
fn set_progress(app: &SweepApp) {
    let count = app.points.len();
    let done = app.points.iter().filter(|p| p.is_some()).count() as f64;
    let partial: f64 = if app.running {
        app.partial.iter().sum()
    } else {
        0.0
    };
    if let Some(bar) = element(&app.document, "sweep-progress") {
        let _ = bar.set_attribute("max", &count.max(1).to_string());
        let value = if count == 0 {
            0.0
        } else {
            (done + partial).min(count as f64)
        };
        let _ = bar.set_attribute("value", &format!("{value:.3}"));
    }
}

/// The numbers table: one row per point (waiting points show "…").
fn show_table(app: &SweepApp) {
    let Some(table) = element(&app.document, "sweep-table") else {
        return;
    };
    match &app.plan {
        Some(plan) => {
            table.set_inner_html(&table_html(plan, &app.points, app.config.method.dynamics()))
        }
        None => table.set_inner_html(""),
    }
}

fn redraw(app: &SweepApp) {
    let Some(canvas) =
        element(&app.document, "sweep-plot").and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return;
    };
    let Some(plan) = &app.plan else {
        // Before the first sweep: say what the empty box will hold.
        let _ = draw_on_canvas(&canvas, |area, style| {
            crate::plots::draw_message(
                area,
                "Run sweep: the bounds along the swept parameter, and the measured tail indices",
                style,
            )
            .map_err(|e| e.to_string())
        });
        return;
    };
    let points: Vec<SweepPoint> = app.points.iter().flatten().cloned().collect();
    if let Err(e) = draw_on_canvas(&canvas, |area, style| {
        draw_sweep(area, plan, &points, style).map_err(|e| e.to_string())
    }) {
        show_general(&app.document, Some(&format!("The sweep plot failed: {e}")));
    }
}
