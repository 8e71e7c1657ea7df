//! The worker side: waits for [`ToWorker::Run`], runs the pipeline, and posts progress and
//! the result (or the error) back, tagged with the job id: first the report without the
//! fitted laws, then the fits of each method, then SGD's own tail index α_SGD
//! ([`handle_staged`]). A panic is posted as
//! [`FromWorker::Panic`] before the wasm instance traps, so the page can say what happened
//! and start a fresh worker.
//!
//! The page's wasm does not bundle the digits data: the first request that uses them
//! fetches [`DIGITS_URL`] (`www/worker.js`), and it and the requests that come while the
//! file loads wait for it, in order. A worker that the loader started for a link that asks
//! for the digits loads them at once, and builds their problem and SVD before its first
//! job arrives; no parameter changes these, so the split runs' parts and analyses in this
//! worker use them from then on (a run too small to split and the sweeps prepare theirs
//! as before).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::protocol::{FromWorker, ToWorker};
use crate::model::problem::{self, Problem};
use crate::model::spectrum::Spectrum;
use crate::report::analysis;
use crate::report::config::{Config, DataKind, Dynamics};
use crate::report::runs::{prepare, prepare_problem, simulate_part, Observer, Prepared};
use crate::report::sweep::{self, SweepPlan};

/// A request as read from its message (an error when it could not be read).
type Request = Result<ToWorker, crate::Error>;

thread_local! {
    /// The last sweep plan this worker computed, with its inputs: a sweep's points all
    /// share one plan, so each worker builds it once per sweep.
    static PLAN: std::cell::RefCell<Option<(Config, Option<String>, SweepPlan)>> =
        const { std::cell::RefCell::new(None) };
}

/// The sweep plan of `config` and `csv`, from the cache when the inputs are unchanged.
fn cached_plan(config: &Config, csv: Option<&str>) -> Result<SweepPlan, crate::Error> {
    let hit = PLAN.with(|cell| {
        cell.borrow()
            .as_ref()
            .and_then(|(c, t, plan)| (c == config && t.as_deref() == csv).then(|| plan.clone()))
    });
    if let Some(plan) = hit {
        return Ok(plan);
    }
    let plan = sweep::plan(config, csv)?;
    PLAN.with(|cell| {
        *cell.borrow_mut() = Some((config.clone(), csv.map(str::to_string), plan.clone()))
    });
    Ok(plan)
}

/// A prepared problem (data, SVD, bounds) with the inputs it was made from.
struct CachedPrepared {
    config: Config,
    csv: Option<String>,
    prepared: std::rc::Rc<Prepared>,
    /// The time this worker spent preparing it (ms), the report's "data + svd".
    ms: f64,
}

/// The digits' problem and SVD, and the time they took (ms).
struct DigitsData {
    problem: Problem,
    spectrum: Spectrum,
    ms: f64,
}

thread_local! {
    /// The last prepared problem: the parts of a split run share it.
    static PREPARED: std::cell::RefCell<Option<CachedPrepared>> =
        const { std::cell::RefCell::new(None) };
    /// The digits' problem and SVD, which no parameter changes: built once a worker has
    /// the data (before its first job when the loader started it for a link that asks for
    /// the digits), and used by every later preparation of the digits in this worker.
    static DIGITS: std::cell::RefCell<Option<std::rc::Rc<DigitsData>>> =
        const { std::cell::RefCell::new(None) };
}

/// The digits' problem and SVD, built on the first call.
fn digits_data() -> Result<std::rc::Rc<DigitsData>, crate::Error> {
    if let Some(data) = DIGITS.with(|cell| cell.borrow().clone()) {
        return Ok(data);
    }
    let t0 = super::workers::now_ms();
    let problem = Problem::digits()?;
    let spectrum = Spectrum::new(&problem)?;
    let ms = super::workers::now_ms() - t0;
    let data = std::rc::Rc::new(DigitsData {
        problem,
        spectrum,
        ms,
    });
    DIGITS.with(|cell| *cell.borrow_mut() = Some(std::rc::Rc::clone(&data)));
    Ok(data)
}

/// [`prepare`], taking the digits' problem and SVD from [`digits_data`]; with the time
/// spent on it (ms), the digits' own included.
fn prepare_here(config: &Config, csv: Option<&str>) -> Result<(Prepared, f64), crate::Error> {
    let t0 = super::workers::now_ms();
    if config.data != DataKind::Digits {
        let prepared = prepare(config, csv)?;
        return Ok((prepared, super::workers::now_ms() - t0));
    }
    config.validate()?;
    let built = DIGITS.with(|cell| cell.borrow().is_some());
    let data = digits_data()?;
    let prepared = prepare_problem(config, data.problem.clone(), Some(data.spectrum.clone()))?;
    let ms = super::workers::now_ms() - t0;
    // Built before this call: its time is not in this one's.
    Ok((prepared, if built { ms + data.ms } else { ms }))
}

/// The prepared problem of `config` and `csv`, from the cache when the inputs are
/// unchanged, with the time it took to prepare (ms).
fn cached_prepared(
    config: &Config,
    csv: Option<&str>,
) -> Result<(std::rc::Rc<Prepared>, f64), crate::Error> {
    let hit = PREPARED.with(|cell| {
        cell.borrow().as_ref().and_then(|c| {
            (c.config == *config && c.csv.as_deref() == csv)
                .then(|| (std::rc::Rc::clone(&c.prepared), c.ms))
        })
    });
    if let Some(hit) = hit {
        return Ok(hit);
    }
    let (prepared, ms) = prepare_here(config, csv)?;
    let prepared = std::rc::Rc::new(prepared);
    PREPARED.with(|cell| {
        *cell.borrow_mut() = Some(CachedPrepared {
            config: config.clone(),
            csv: csv.map(str::to_string),
            prepared: std::rc::Rc::clone(&prepared),
            ms,
        })
    });
    Ok((prepared, ms))
}

/// [`analysis::report_from_simulations`] on this worker's cached problem; "data + svd" is
/// the time this worker spent preparing it, whenever it did.
fn analyse_here(
    config: &Config,
    csv: Option<&str>,
    simulations: Vec<crate::model::simulation::Simulation>,
    observer: &mut WorkerObserver,
) -> Result<analysis::Report, crate::Error> {
    let (prepared, data_ms) = cached_prepared(config, csv)?;
    analysis::report_from_prepared(config, &prepared, data_ms, simulations, observer)
}

fn error_reply(job: u32, e: crate::Error) -> FromWorker {
    FromWorker::Error {
        job,
        field: e.field,
        message: e.message,
    }
}

/// Least time between two progress messages (ms): often enough for a smooth bar, rare
/// enough not to flood the page.
const PROGRESS_INTERVAL_MS: f64 = 40.0;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    if let Err(e) = super::workers::post_to_page(&scope(), &message.seal()) {
        web_sys::console::error_2(&"hsgd worker: postMessage failed".into(), &e);
    }
}

/// Installs the message handler and the panic reporter, then posts `Ready`.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&FromWorker::Panic {
            message: info.to_string(),
        });
    }));
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    // The loader names the workers it starts for a link that asks for the digits
    // `hsgd-early <DIGITS_URL> prepare` (for their random features, without `prepare`):
    // they load the data now, and for the digits themselves also build their problem and
    // SVD, while the page still starts.
    let name = scope().name();
    let mut words = name.split(' ');
    if words.next() == Some("hsgd-early")
        && words.next() == Some(DIGITS_URL)
        && !problem::digits_available()
    {
        PREPARE_DIGITS.with(|prepare| prepare.set(words.next() == Some("prepare")));
        load_digits_now();
    }
    // Only a head start for the engine: a failure here changes nothing for the jobs.
    let _ = crate::report::runs::warm_up();
    post(&FromWorker::Ready);
}

/// Reports progress to the page at most every [`PROGRESS_INTERVAL_MS`]; never cancels
/// (the page cancels by terminating the worker).
struct WorkerObserver {
    job: u32,
    last_post_ms: f64,
}

impl WorkerObserver {
    /// The observer of job `job`; its first progress is posted at once.
    fn new(job: u32) -> Self {
        WorkerObserver {
            job,
            last_post_ms: f64::NEG_INFINITY,
        }
    }
}

impl Observer for WorkerObserver {
    fn now_ms(&self) -> f64 {
        super::workers::now_ms()
    }

    fn progress(&mut self, done: usize, total: usize) -> bool {
        let now = self.now_ms();
        if done >= total || now - self.last_post_ms >= PROGRESS_INTERVAL_MS {
            self.last_post_ms = now;
            post(&FromWorker::Progress {
                job: self.job,
                done,
                total,
            });
        }
        true
    }
}

/// Runs one request (a sealed message) and returns the reply.
pub fn handle(message: &[u8]) -> FromWorker {
    respond(ToWorker::open(message))
}

/// The reply to a request, or to a message that could not be read.
fn respond(request: Request) -> FromWorker {
    match request {
        Ok(ToWorker::Run { job, config, csv }) => {
            let mut observer = WorkerObserver::new(job);
            match analysis::run(&config, csv.as_deref(), &mut observer) {
                Ok(report) => FromWorker::Done {
                    job,
                    report: Box::new(report),
                },
                Err(e) => FromWorker::Error {
                    job,
                    field: e.field,
                    message: e.message,
                },
            }
        }
        Ok(ToWorker::RunPart {
            job,
            config,
            csv,
            method,
            runs,
        }) => {
            let mut observer = WorkerObserver::new(job);
            let part = cached_prepared(&config, csv.as_deref()).and_then(|(prepared, _)| {
                simulate_part(&config, &prepared, method, runs, &mut observer)
            });
            match part {
                Ok(part) => FromWorker::RunPart {
                    job,
                    part: Box::new(part),
                },
                Err(e) => error_reply(job, e),
            }
        }
        Ok(ToWorker::Analyse {
            job,
            config,
            csv,
            simulations,
        }) => {
            let mut observer = WorkerObserver::new(job);
            match analyse_here(&config, csv.as_deref(), simulations, &mut observer) {
                Ok(report) => FromWorker::Done {
                    job,
                    report: Box::new(report),
                },
                Err(e) => error_reply(job, e),
            }
        }
        Ok(ToWorker::SweepPlan { job, config, csv }) => {
            match cached_plan(&config, csv.as_deref()) {
                Ok(plan) => FromWorker::SweepPlan {
                    job,
                    plan: Box::new(plan),
                },
                Err(e) => error_reply(job, e),
            }
        }
        Ok(ToWorker::SweepPoint {
            job,
            config,
            csv,
            index,
        }) => {
            let mut observer = WorkerObserver::new(job);
            let point = cached_plan(&config, csv.as_deref()).and_then(|plan| {
                sweep::run_point(&config, csv.as_deref(), &plan, index, &mut observer)
            });
            match point {
                Ok(point) => FromWorker::SweepPoint {
                    job,
                    index,
                    point: Box::new(point),
                },
                Err(e) => error_reply(job, e),
            }
        }
        Err(e) => FromWorker::Error {
            job: 0,
            field: e.field,
            message: e.message,
        },
    }
}

/// Runs one request, posting each reply as it is ready. A whole run (`Run`) or the
/// analysis of a split run (`Analyse`) goes in stages: `Done` with the report without
/// the fitted laws and without α_SGD (the page draws at once), then one `Fits` per
/// simulated method, then `Index` when SGD was simulated (the slowest stage, with its own
/// progress); together the same numbers as [`handle`]. Every other request has one reply,
/// [`handle`]'s.
pub fn handle_staged(request: Request, send: &mut dyn FnMut(&FromWorker)) {
    let request = match request {
        Ok(request @ (ToWorker::Run { .. } | ToWorker::Analyse { .. })) => request,
        other => return send(&respond(other)),
    };
    let job = request.job();
    let mut observer = WorkerObserver::new(job);
    let (config, csv, report) = match request {
        ToWorker::Run { config, csv, .. } => {
            let report = analysis::run_without_fits(&config, csv.as_deref(), &mut observer);
            (config, csv, report)
        }
        ToWorker::Analyse {
            config,
            csv,
            simulations,
            ..
        } => {
            let report = analyse_here(&config, csv.as_deref(), simulations, &mut observer);
            (config, csv, report)
        }
        other => return send(&respond(Ok(other))),
    };
    let report = match report {
        Ok(report) => report,
        Err(e) => return send(&error_reply(job, e)),
    };
    // The samples stay here while the report travels (the message is a copy anyway).
    send(&FromWorker::Done {
        job,
        report: Box::new(report.clone()),
    });
    for method in Dynamics::ALL {
        if let Some(stage) = analysis::fit_stage(&report, method, &observer) {
            send(&FromWorker::Fits {
                job,
                stage: Box::new(stage),
            });
        }
    }
    if report.sim(Dynamics::Sgd).is_some() {
        let stage = index_stage(job, &config, csv.as_deref());
        send(&FromWorker::Index {
            job,
            stage: Box::new(stage),
        });
    }
}

/// α_SGD of `config` on this worker, as [`analysis::run`] computes it (the same
/// [`analysis::index_params`], so the same numbers as `hsgd run`), with its progress
/// posted under `job`. Never an error: the page is told why α_SGD is missing instead.
fn index_stage(job: u32, config: &Config, csv: Option<&str>) -> analysis::IndexStage {
    let mut observer = WorkerObserver::new(job);
    let missing = |message: String| analysis::IndexStage {
        index: None,
        note: Some(format!("α_SGD: {message}")),
        ms: 0.0,
    };
    let prepared = match cached_prepared(config, csv) {
        Ok((prepared, _)) => prepared,
        Err(e) => return missing(e.message),
    };
    match analysis::index_stage(config, &prepared, &mut observer) {
        Ok(Some(stage)) => stage,
        Ok(None) => missing("SGD was not simulated".into()),
        // The worker's observer never cancels (the page terminates the worker instead).
        Err(e) => missing(e.message),
    }
}

fn on_message(event: MessageEvent) {
    let request = ToWorker::open(&super::workers::received(&event));
    if let Some(request) = unless_waiting_for_digits(request) {
        handle_staged(request, &mut post);
    }
}

/// The digits data next to the page (Trunk copies `www/data`), relative to this worker's
/// script, which sits beside `index.html`. The loader (Trunk.toml) has the workers it
/// starts early download the same file when the page's link asks for the digits.
const DIGITS_URL: &str = "./data/digits.csv.gz";

#[wasm_bindgen]
extern "C" {
    /// Fetches the gzipped file `url` and calls `done` with its decompressed bytes (a
    /// `Uint8Array`), or with the `Error` that stopped it: `www/worker.js`, which takes
    /// the download the loader may have started early for the page's first job.
    #[wasm_bindgen(js_name = hsgdFetchGzipBytes)]
    fn fetch_gzip_bytes(url: &str, done: &js_sys::Function);
}

thread_local! {
    /// The requests that wait for the digits data, in the order they came (`None`: the
    /// data are not loading).
    static WAITING: std::cell::RefCell<Option<Vec<Request>>> = const { std::cell::RefCell::new(None) };
    /// Whether the digits' problem and SVD are built as soon as the data come, before any
    /// job (`start`).
    static PREPARE_DIGITS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether `request` needs the digits data and they are not here yet.
fn needs_digits(request: &Request) -> bool {
    request
        .as_ref()
        .is_ok_and(|r| matches!(r.config().data, DataKind::Digits | DataKind::DigitsRf))
        && !problem::digits_available()
}

/// `request`, to handle now; or `None` when it waits for the digits data (which it then
/// starts loading, unless they already are) or behind requests that do: it is handled
/// when they come, after the requests that came before it.
fn unless_waiting_for_digits(request: Request) -> Option<Request> {
    let queued = WAITING.with(|cell| cell.borrow().as_ref().is_some_and(|w| !w.is_empty()));
    if !queued && !needs_digits(&request) {
        return Some(request);
    }
    load_digits_now();
    WAITING.with(|cell| cell.borrow_mut().get_or_insert_with(Vec::new).push(request));
    None
}

/// Starts loading the digits data, unless they are loading; requests that need them wait
/// from now on.
fn load_digits_now() {
    if WAITING.with(|cell| cell.borrow().is_some()) {
        return;
    }
    WAITING.with(|cell| *cell.borrow_mut() = Some(Vec::new()));
    let done = Closure::<dyn FnMut(JsValue)>::new(digits_fetched);
    fetch_gzip_bytes(DIGITS_URL, done.as_ref().unchecked_ref());
    // Called once, when the file has come or failed: one small closure a load.
    done.forget();
}

/// Loads the digits data from the fetched file's bytes (or takes the fetch's error), then
/// handles the waiting requests in order: those that need the data get the error, if any.
fn digits_fetched(file: JsValue) {
    let not_loaded = |why: String| {
        crate::Error::new(
            "data",
            format!("the digits data could not be loaded ({DIGITS_URL}: {why})"),
        )
    };
    let loaded = match file.dyn_ref::<js_sys::Uint8Array>() {
        Some(bytes) => match String::from_utf8(bytes.to_vec()) {
            // A byte-order mark, which a text decoder would have dropped, is no data.
            Ok(text) => problem::load_digits(text.strip_prefix('\u{feff}').unwrap_or(&text)),
            Err(_) => Err(not_loaded("not UTF-8 text".into())),
        },
        None => Err(not_loaded(
            file.dyn_ref::<js_sys::Error>()
                .map_or_else(|| "no data".into(), |e| String::from(e.message())),
        )),
    };
    let waiting = WAITING
        .with(|cell| cell.borrow_mut().take())
        .unwrap_or_default();
    if loaded.is_ok() && waiting.is_empty() && PREPARE_DIGITS.with(std::cell::Cell::get) {
        // Loaded ahead of any job (`start`): the first job's preparation is done now. An
        // error here comes again, and is reported, when a job prepares the digits.
        let _ = digits_data();
    }
    for request in waiting {
        match &loaded {
            Err(e) if needs_digits(&request) => {
                let job = request.map_or(0, |r| r.job());
                post(&error_reply(job, e.clone()))
            }
            _ => handle_staged(request, &mut post),
        }
    }
}
