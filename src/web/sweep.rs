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

use super::dom::{edited_control, element, listen, set_text};
use super::format::escape;
use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Event, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement,
    MessageEvent,
};

use super::format::format_ms;
use super::plots::draw_on_canvas;
use super::pool::{browser_pool_size, Pool, Task};
use super::protocol::{FromWorker, ToWorker};
use crate::plots::draw_sweep;
use crate::report::config::{Config, Dynamics, SweepOver};
use crate::report::sweep::{SweepPlan, SweepPoint};

/// The task id of the plan (points use their index).
const PLAN_TASK: usize = usize::MAX;

/// The sweep's controls: (Config field, label, hint, inputmode, list choices).
type SweepControl = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const CONTROLS: &[SweepControl] = &[
    (
        "sweep",
        "sweep over",
        "the parameter varied",
        "",
        &[
            ("gamma", "learning rate γ"),
            ("batch", "batch size B"),
            ("delta", "ridge δ"),
        ],
    ),
    (
        "sweep_points",
        "points",
        "values of the parameter",
        "numeric",
        &[],
    ),
    (
        "sweep_runs",
        "runs per point",
        "independent runs",
        "numeric",
        &[],
    ),
];

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

/// Builds the sweep section (when the page has one) and its worker pool.
pub fn start() {
    if let Err(e) = try_start() {
        web_sys::console::error_2(&"hsgd: the sweep section could not start".into(), &e);
    }
}

fn try_start() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    if element(&document, "sweep-fields").is_none() {
        return Ok(()); // a page without a sweep section
    }
    build_controls(&document)?;
    listen(&document, "sweep-controls", "submit", |event| {
        event.prevent_default();
        with_sweep(run);
    })?;
    listen(&document, "sweep-controls", "change", |event| {
        if let Some((key, text)) = edited_control(&event) {
            with_sweep(|app| on_change(app, &key, &text));
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
    redraw(&app);
    SWEEP.with(|cell| *cell.borrow_mut() = Some(app));
    Ok(())
}

fn build_controls(document: &Document) -> Result<(), JsValue> {
    let fields = element(document, "sweep-fields").ok_or("no element #sweep-fields")?;
    let html: String = CONTROLS
        .iter()
        .map(|&(key, label, hint, mode, choices)| {
            let input = if choices.is_empty() {
                format!(
                    r#"<input id="ctl-{key}" name="{key}" type="text" inputmode="{mode}" autocomplete="off" spellcheck="false" aria-describedby="err-{key}">"#
                )
            } else {
                let options: String = choices
                    .iter()
                    .map(|(v, l)| format!(r#"<option value="{v}">{}</option>"#, escape(l)))
                    .collect();
                format!(
                    r#"<select id="ctl-{key}" name="{key}" aria-describedby="err-{key}">{options}</select>"#
                )
            };
            format!(
                r#"<label class="field" for="ctl-{key}"><span class="label">{}</span>{input}<span class="hint">{}</span><span class="field-error" id="err-{key}" role="alert"></span></label>"#,
                escape(label),
                escape(hint)
            )
        })
        .collect();
    fields.set_inner_html(&html);
    let config = super::page::current_input().map_or_else(Config::default, |(c, _)| c);
    fill_controls(document, &config);
    Ok(())
}

fn fill_controls(document: &Document, config: &Config) {
    let Ok(serde_json::Value::Object(values)) = serde_json::to_value(config) else {
        return;
    };
    for &(key, ..) in CONTROLS {
        let text = match values.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        let Some(e) = element(document, &format!("ctl-{key}")) else {
            continue;
        };
        if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
            input.set_value(&text);
        } else if let Some(select) = e.dyn_ref::<HtmlSelectElement>() {
            select.set_value(&text);
        }
    }
}

fn clear_errors(document: &Document) {
    for &(key, ..) in CONTROLS {
        set_text(document, &format!("err-{key}"), "");
        if let Some(input) = element(document, &format!("ctl-{key}")) {
            let _ = input.remove_attribute("aria-invalid");
        }
    }
    show_general(document, None);
}

fn show_general(document: &Document, message: Option<&str>) {
    if let Some(e) = element(document, "sweep-error").and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        e.set_text_content(message);
        e.set_hidden(message.is_none());
    }
}

/// Shows `message` next to the sweep control `field`, or in the sweep's error line.
fn show_error(document: &Document, field: &str, message: &str) {
    if CONTROLS.iter().any(|&(key, ..)| key == field) {
        set_text(document, &format!("err-{field}"), message);
        if let Some(input) = element(document, &format!("ctl-{field}")) {
            let _ = input.set_attribute("aria-invalid", "true");
        }
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

fn on_change(app: &mut SweepApp, key: &str, text: &str) {
    clear_errors(&app.document);
    if !super::page::set_field(key, text.trim()) {
        show_error(
            &app.document,
            key,
            &format!("“{text}” is not a whole number"),
        );
        return;
    }
    if let Some((config, _)) = super::page::current_input() {
        if let Err(e) = config.validate() {
            if CONTROLS.iter().any(|&(k, ..)| k == e.field) {
                show_error(&app.document, &e.field, &e.message);
            }
        }
    }
}

/// Starts a sweep of the page's current config (a running sweep is cancelled first).
fn run(app: &mut SweepApp) {
    clear_errors(&app.document);
    let Some((config, csv)) = super::page::current_input() else {
        return show_general(&app.document, Some("The page is not ready yet."));
    };
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
    app.started_ms = super::now_ms();
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
        message: message.encode(),
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
    let text = event.data().as_string().unwrap_or_default();
    let message = match FromWorker::decode(&text) {
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
    let detail = super::worker_error_detail(event);
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
            .encode(),
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
    let wall_ms = super::now_ms() - app.started_ms;
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

fn fmt(x: f64) -> String {
    crate::plots::format_tick(x)
}

/// The numbers table: one row per point (waiting points show "…").
fn show_table(app: &SweepApp) {
    let Some(table) = element(&app.document, "sweep-table") else {
        return;
    };
    let Some(plan) = &app.plan else {
        table.set_inner_html("");
        return;
    };
    let x_name = match plan.over {
        SweepOver::Gamma => "γ",
        SweepOver::Batch => "B",
        SweepOver::Delta => "δ",
    };
    let methods = app.config.method.dynamics();
    let with_index = methods.contains(&Dynamics::Sgd);
    let mut html = format!(
        "<thead><tr><th scope=\"col\">{x_name}</th><th scope=\"col\">η_* lower</th><th scope=\"col\">η* upper</th>"
    );
    if with_index {
        html.push_str("<th scope=\"col\">α_SGD ± s.e.</th>");
    }
    for label in methods.iter().map(|m| m.label()) {
        html.push_str(&format!(
            "<th scope=\"col\">{label} Hill [95%]</th><th scope=\"col\">{label} k</th><th scope=\"col\">{label} diverged</th>"
        ));
    }
    html.push_str("<th scope=\"col\">time</th></tr></thead><tbody>");
    for (index, x) in plan.values.iter().enumerate() {
        let point = app.points.get(index).and_then(Option::as_ref);
        html.push_str(&format!(
            "<tr data-index=\"{index}\"{}><td>{}</td>",
            point.map_or(String::new(), |p| format!(
                " data-upper=\"{}\" data-lower=\"{}\"",
                p.upper, p.lower
            )),
            fmt(*x)
        ));
        let Some(p) = point else {
            let span = 3 + 3 * methods.len() + usize::from(with_index);
            html.push_str(&format!(
                "<td colspan=\"{span}\" class=\"waiting\">…</td></tr>"
            ));
            continue;
        };
        let lower = if p.lower_valid {
            fmt(p.lower)
        } else {
            format!("({}, γ ≥ γ̄)", fmt(p.lower))
        };
        html.push_str(&format!("<td>{lower}</td><td>{}</td>", fmt(p.upper)));
        if with_index {
            html.push_str(&format!("<td>{}</td>", index_cell(p)));
        }
        for name in methods {
            match p.methods.iter().find(|m| m.method == *name) {
                Some(m) => {
                    let hill = match (m.hill, m.interval) {
                        (Some(h), Some((lo, hi))) => format!(
                            "<span data-method=\"{name}\" data-hill=\"{h}\">{} [{}, {}]</span>",
                            fmt(h),
                            fmt(lo),
                            fmt(hi)
                        ),
                        _ => escape(m.note.as_deref().unwrap_or("—")),
                    };
                    html.push_str(&format!(
                        "<td>{hill}</td><td>{}</td><td>{}</td>",
                        m.k.map_or("—".into(), |k| k.to_string()),
                        m.diverged
                    ));
                }
                None => html.push_str("<td>—</td><td>—</td><td>—</td>"),
            }
        }
        let ms: f64 = p.timings_ms.values().sum();
        html.push_str(&format!("<td>{}</td></tr>", format_ms(ms)));
    }
    html.push_str("</tbody>");
    table.set_inner_html(&html);
}

/// The α_SGD cell of a point: "3.1 ± 0.05", "> 16", "< 0.25", marked "not converged"
/// when the walkers did not mix, with the exact numbers in `data-alpha-sgd` (or
/// `data-alpha-sgd-lower-bound` / `-upper-bound`) and `data-converged`; the note when it
/// could not be computed.
pub fn index_cell(p: &SweepPoint) -> String {
    let Some(i) = &p.sgd_index else {
        return escape(p.sgd_index_note.as_deref().unwrap_or("—"));
    };
    let (attribute, text) = if let Some(a) = i.alpha {
        let se = i
            .alpha_std_err
            .map_or(String::new(), |se| format!(" ± {}", fmt(se)));
        (
            format!(" data-alpha-sgd=\"{a}\""),
            format!("{}{se}", fmt(a)),
        )
    } else if let Some(b) = i.alpha_lower_bound {
        (
            format!(" data-alpha-sgd-lower-bound=\"{b}\""),
            format!("&gt; {}", fmt(b)),
        )
    } else if let Some(b) = i.alpha_upper_bound {
        (
            format!(" data-alpha-sgd-upper-bound=\"{b}\""),
            format!("&lt; {}", fmt(b)),
        )
    } else {
        (String::new(), "no root".into())
    };
    let note = if i.converged {
        ""
    } else {
        " <span class=\"muted\">not converged</span>"
    };
    format!(
        "<span data-alpha-sgd-cell data-converged=\"{}\"{attribute}>{text}{note}</span>",
        i.converged
    )
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
