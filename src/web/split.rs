//! The main run split across a [`Pool`] of workers (DESIGN.md: "several workers split the
//! runs"): each method's runs are cut into contiguous parts, shorter towards the end
//! ([`crate::report::runs::split_runs_in_rounds`]), every part is simulated by a worker
//! ([`crate::report::runs::simulate_part`]), the parts are merged in order
//! ([`crate::model::simulation::Simulation::merge`]) and one worker analyses the merged
//! sample on its prepared problem ([`crate::report::analysis::report_from_prepared`]). Run
//! r draws from its own stream wherever it runs, so the report equals the single worker's
//! (tested natively in `analysis::tests::parts_merged_in_order_equal_one_run`).
//!
//! The page hands a job over with [`post`] (when the browser has at least two cores); the
//! progress, the report or an error go up to it as [`AppEvent::SplitReply`], which it handles
//! exactly as if its own worker had sent them.

use std::cell::RefCell;
use std::ops::Range;

use wasm_bindgen::prelude::*;
use web_sys::{Event, MessageEvent};

use super::event::{emit, Event as AppEvent};
use super::pool::{browser_pool_size, Pool, Task};
use super::protocol::{FromWorker, ToWorker};
use super::workers::{now_ms, worker_error_detail};
use crate::model::simulation::Simulation;
use crate::report::config::{Config, Dynamics};
use crate::report::runs::split_runs_in_rounds;

/// How long the standby worker waits for the frame that shows a report (ms), when no
/// frame comes (a tab in the background paints none).
const STANDBY_FALLBACK_MS: i32 = 100;

/// The task id of the analysis (parts use method index × parts + part index).
const ANALYSE_TASK: usize = usize::MAX;

struct SplitApp {
    pool: Pool,
    job: u32,
    running: bool,
    /// `Fits` messages still to come from the worker that sent the job's `Done` (it stays
    /// busy until they are sent).
    fits_pending: usize,
    /// The `Index` message (α_SGD) still to come from that worker, after its fits.
    index_pending: bool,
    config: Config,
    csv: Option<String>,
    methods: Vec<Dynamics>,
    parts: Vec<Range<usize>>,
    /// The simulated parts, by method then part.
    results: Vec<Vec<Option<Simulation>>>,
    /// (done, total) of each part task, in SGD steps.
    progress: Vec<(usize, usize)>,
    started_ms: f64,
    /// Wall time until each method's last part arrived.
    method_ms: Vec<Option<f64>>,
}

thread_local! {
    static SPLIT: RefCell<Option<SplitApp>> = const { RefCell::new(None) };
}

/// Runs `f` on the split state, then sends the replies it produced up to the page (after
/// the state is released, so the page may call [`cancel`] or [`post`] while handling them).
fn with_split(f: impl FnOnce(&mut SplitApp) -> Vec<FromWorker>) {
    let replies = super::dom::with_state(&SPLIT, "hsgd split", f).unwrap_or_default();
    for reply in replies {
        emit(AppEvent::SplitReply(reply));
    }
}

impl SplitApp {
    /// Whether a worker of the pool still computes for the current job (its runs, its
    /// fits or its α_SGD).
    fn busy(&self) -> bool {
        self.running || self.fits_pending > 0 || self.index_pending
    }
}

fn new_app() -> SplitApp {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        with_split(|app| on_message(app, &event));
    });
    let on_error = Closure::<dyn FnMut(Event)>::new(|event: Event| {
        with_split(|app| on_worker_error(app, &event));
    });
    SplitApp {
        // The main run is replaced whenever a slider moves, often while the previous
        // job's fits still compute: a standby worker spares the re-run a worker load.
        pool: Pool::new(browser_pool_size(), on_message, on_error).with_standby(),
        job: 0,
        running: false,
        fits_pending: 0,
        index_pending: false,
        config: Config::default(),
        csv: None,
        methods: Vec::new(),
        parts: Vec::new(),
        results: Vec::new(),
        progress: Vec::new(),
        started_ms: 0.0,
        method_ms: Vec::new(),
    }
}

/// Whether [`post`] splits a job of `config`: at least two workers and two runs per
/// worker.
pub fn takes(config: &Config) -> bool {
    let workers = browser_pool_size();
    workers >= 2 && config.runs >= 2 * workers
}

/// Starts the pool's workers now when the first job, of `config`, will be split
/// ([`takes`]): a worker's start (its thread, script and wasm instance) then overlaps the
/// page's own start instead of delaying the job.
pub fn start_early(config: &Config) {
    if !takes(config) {
        return;
    }
    SPLIT.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            // A worker that cannot start now is started again, and its failure reported,
            // when the job is posted.
            let _ = slot.get_or_insert_with(new_app).pool.start();
        }
    });
}

/// Takes job `job` of the page when splitting helps ([`takes`]); false leaves it to the
/// page's own worker. Called by the page only.
pub fn post(job: u32, config: &Config, csv: Option<&str>) -> bool {
    if !takes(config) {
        mark_status(None);
        return false;
    }
    SPLIT.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return false;
        };
        let app = slot.get_or_insert_with(new_app);
        if app.busy() {
            app.pool.cancel();
        }
        app.fits_pending = 0;
        app.index_pending = false;
        app.job = job;
        app.config = config.clone();
        app.csv = csv.map(str::to_string);
        app.methods = config.method.dynamics().to_vec();
        // Three parts a worker, the last ones short: a worker that is late (one replaced
        // because it was still fitting the last job's laws, and loading) or slowed leaves
        // its share to the others instead of holding up the whole job.
        app.parts = split_runs_in_rounds(config.runs, app.pool.size());
        app.results = vec![vec![None; app.parts.len()]; app.methods.len()];
        app.progress = app
            .parts
            .iter()
            .cycle()
            .take(app.parts.len() * app.methods.len())
            .map(|r| (0, r.len() * config.steps))
            .collect();
        app.method_ms = vec![None; app.methods.len()];
        app.started_ms = now_ms();
        let mut tasks = Vec::new();
        for (m, method) in app.methods.iter().enumerate() {
            for (p, runs) in app.parts.iter().enumerate() {
                let message = ToWorker::RunPart {
                    job,
                    config: config.clone(),
                    csv: app.csv.clone(),
                    method: *method,
                    runs: runs.clone(),
                };
                tasks.push(Task {
                    id: m * app.parts.len() + p,
                    message: message.seal(),
                });
            }
        }
        app.running = app.pool.submit(tasks).is_ok();
        if !app.running {
            app.pool.cancel();
        }
        mark_status(app.running.then(|| app.pool.size()));
        app.running
    })
}

/// Records on the page's status line how many workers share the current run
/// (`data-split-workers`; absent when the page's own worker runs it), for tests and scripts.
fn mark_status(workers: Option<usize>) {
    let status = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("status"));
    if let Some(status) = status {
        let _ = match workers {
            Some(n) => status.set_attribute("data-split-workers", &n.to_string()),
            None => status.remove_attribute("data-split-workers"),
        };
    }
}

/// Stops the current split job (the page cancelled or replaced it).
pub fn cancel() {
    SPLIT.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            if let Some(app) = slot.as_mut().filter(|a| a.busy()) {
                app.running = false;
                app.fits_pending = 0;
                app.index_pending = false;
                app.pool.cancel();
            }
        }
    });
}

fn fail(app: &mut SplitApp, message: String) -> Vec<FromWorker> {
    app.running = false;
    app.pool.cancel();
    vec![FromWorker::Error {
        job: app.job,
        field: "worker".into(),
        message,
    }]
}

fn on_message(app: &mut SplitApp, event: &MessageEvent) -> Vec<FromWorker> {
    if app.pool.standby_message(event) {
        return Vec::new();
    }
    let Some(slot) = app.pool.slot_of(event) else {
        return Vec::new();
    };
    let message = match FromWorker::open(&super::workers::received(event)) {
        Ok(m) => m,
        Err(e) => return fail(app, e.message),
    };
    let current = app.running && message.job().is_none_or(|job| job == app.job);
    // After the report, the analysing worker computes α_SGD and reports its progress.
    let index_stage = !app.running && app.index_pending && message.job() == Some(app.job);
    match message {
        FromWorker::Progress { job, done, total } if index_stage => {
            vec![FromWorker::Progress { job, done, total }]
        }
        FromWorker::Ready => match app.pool.ready(slot) {
            Ok(()) => Vec::new(),
            Err(e) => fail(app, e),
        },
        FromWorker::Progress { done, .. } => {
            let task = app.pool.task(slot).map(|t| t.id);
            match task.and_then(|id| app.progress.get_mut(id)) {
                Some(entry) if current => {
                    entry.0 = done.min(entry.1);
                    let done: usize = app.progress.iter().map(|p| p.0).sum();
                    let total: usize = app.progress.iter().map(|p| p.1).sum();
                    vec![FromWorker::Progress {
                        job: app.job,
                        done,
                        total,
                    }]
                }
                _ => Vec::new(),
            }
        }
        FromWorker::RunPart { part, .. } => {
            let finished = app.pool.finished(slot);
            let task = match finished {
                Ok(task) => task,
                Err(e) => return if current { fail(app, e) } else { Vec::new() },
            };
            match task {
                Some(task) if current => on_part(app, task.id, *part),
                _ => Vec::new(),
            }
        }
        FromWorker::Done { job, mut report } => {
            if !current {
                let _ = app.pool.finished(slot);
                return Vec::new();
            }
            app.running = false;
            // The worker goes on with the fitted laws, one `Fits` per method, then α_SGD.
            app.fits_pending = super::stages::fits_expected(&report);
            app.index_pending = super::stages::index_expected(&report);
            if app.fits_pending == 0 && !app.index_pending {
                let _ = app.pool.finished(slot);
            }
            // The same stage names as a single worker's report: the wall time until the
            // method's last part arrived.
            for (method, ms) in app.methods.iter().zip(&app.method_ms) {
                if let Some(ms) = ms {
                    report
                        .timings_ms
                        .insert(format!("{method} simulation"), *ms);
                }
            }
            // Once the page has drawn this report (its plots in view, then the rest after
            // the next paint: a task queued behind that one), while the fits compute, is
            // when a fresh standby worker slows the least (`Pool::with_standby`).
            super::dom::after_next_paint(STANDBY_FALLBACK_MS, || {
                super::dom::after_ms(0, || {
                    with_split(|app| {
                        // Not when the page has started the next job meanwhile.
                        if !app.running {
                            app.pool.fill_standby();
                        }
                        Vec::new()
                    });
                });
            });
            vec![FromWorker::Done { job, report }]
        }
        FromWorker::Fits { job, stage } => {
            if job != app.job || app.fits_pending == 0 {
                return Vec::new();
            }
            app.fits_pending -= 1;
            if app.fits_pending == 0 && !app.index_pending {
                let _ = app.pool.finished(slot);
            }
            vec![FromWorker::Fits { job, stage }]
        }
        FromWorker::Index { job, stage } => {
            if job != app.job || !app.index_pending {
                return Vec::new();
            }
            app.index_pending = false;
            app.fits_pending = 0;
            let _ = app.pool.finished(slot);
            vec![FromWorker::Index { job, stage }]
        }
        FromWorker::Error {
            job,
            field,
            message,
        } => {
            let _ = app.pool.finished(slot);
            if !current {
                return Vec::new();
            }
            app.running = false;
            app.pool.cancel();
            vec![FromWorker::Error {
                job,
                field,
                message,
            }]
        }
        FromWorker::Panic { message } => {
            let _ = app.pool.replace(slot);
            if !app.running {
                return Vec::new();
            }
            fail(
                app,
                format!("The computation crashed ({message}). Run starts a fresh worker."),
            )
        }
        FromWorker::SweepPlan { .. } | FromWorker::SweepPoint { .. } => {
            let _ = app.pool.finished(slot);
            Vec::new()
        }
    }
}

/// Stores a simulated part; when all are in, merges them and asks for the analysis.
fn on_part(app: &mut SplitApp, id: usize, part: Simulation) -> Vec<FromWorker> {
    let count = app.parts.len();
    let (m, p) = (id / count.max(1), id % count.max(1));
    let Some(entry) = app.results.get_mut(m).and_then(|r| r.get_mut(p)) else {
        return Vec::new();
    };
    *entry = Some(part);
    if let Some(progress) = app.progress.get_mut(id) {
        progress.0 = progress.1;
    }
    if app.results[m].iter().all(Option::is_some) {
        app.method_ms[m] = Some(now_ms() - app.started_ms);
    }
    if !app.results.iter().flatten().all(Option::is_some) {
        return Vec::new();
    }
    let mut simulations = Vec::with_capacity(app.methods.len());
    for parts in &mut app.results {
        let mut chunks = parts.iter_mut().filter_map(Option::take);
        let Some(mut merged) = chunks.next() else {
            return fail(app, "a split run has no parts".into());
        };
        for chunk in chunks {
            if let Err(e) = merged.merge(chunk) {
                return fail(app, e.message);
            }
        }
        simulations.push(merged);
    }
    let message = ToWorker::Analyse {
        job: app.job,
        config: app.config.clone(),
        csv: app.csv.clone(),
        simulations,
    };
    let task = Task {
        id: ANALYSE_TASK,
        message: message.seal(),
    };
    match app.pool.submit(vec![task]) {
        Ok(()) => Vec::new(),
        Err(e) => fail(app, e),
    }
}

/// A worker's `error` event: a failed load is retried on a fresh worker (a few times at
/// most); a worker that fails after loading stops the run.
fn on_worker_error(app: &mut SplitApp, event: &Event) -> Vec<FromWorker> {
    let Some(slot) = app.pool.slot_of(event) else {
        return Vec::new();
    };
    event.prevent_default();
    let was_ready = app.pool.is_ready(slot);
    let detail = worker_error_detail(event);
    let message = format!("The computation worker failed: {detail}. Run starts a fresh one.");
    match app.pool.replace(slot) {
        Err(_) if app.running => fail(app, message),
        Ok(_) if app.running && was_ready => fail(app, message),
        Ok(Some(task)) if app.running => match app.pool.retry(task) {
            Ok(()) => Vec::new(),
            Err(_) => fail(app, message),
        },
        _ => Vec::new(),
    }
}
