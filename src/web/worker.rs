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
//! for the digits loads them at once, and builds their problem and SVD (kept for every
//! later job, since no parameter changes them) before its first job arrives.

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
type CachedPrepared = (Config, Option<String>, std::rc::Rc<Prepared>);

thread_local! {
    /// The last prepared problem: the parts of a split run share it.
    static PREPARED: std::cell::RefCell<Option<CachedPrepared>> =
        const { std::cell::RefCell::new(None) };
    /// The digits problem and its SVD, which no parameter changes: built once a worker has
    /// the data (before its first job when the loader started it for the digits).
    static DIGITS: std::cell::RefCell<Option<std::rc::Rc<(Problem, Spectrum)>>> =
        const { std::cell::RefCell::new(None) };
}

/// The digits problem and its SVD, built on the first call.
fn digits_data() -> Result<std::rc::Rc<(Problem, Spectrum)>, crate::Error> {
    if let Some(data) = DIGITS.with(|cell| cell.borrow().clone()) {
        return Ok(data);
    }
    let problem = Problem::digits()?;
    let spectrum = Spectrum::new(&problem)?;
    let data = std::rc::Rc::new((problem, spectrum));
    DIGITS.with(|cell| *cell.borrow_mut() = Some(std::rc::Rc::clone(&data)));
    Ok(data)
}

/// [`prepare`], taking the digits' problem and SVD from [`digits_data`].
fn prepare_here(config: &Config, csv: Option<&str>) -> Result<Prepared, crate::Error> {
    if config.data != DataKind::Digits {
        return prepare(config, csv);
    }
    config.validate()?;
    let data = digits_data()?;
    prepare_problem(config, data.0.clone(), Some(data.1.clone()))
}

fn cached_prepared(
    config: &Config,
    csv: Option<&str>,
) -> Result<std::rc::Rc<Prepared>, crate::Error> {
    let hit = PREPARED.with(|cell| {
        cell.borrow().as_ref().and_then(|(c, t, p)| {
            (c == config && t.as_deref() == csv).then(|| std::rc::Rc::clone(p))
        })
    });
    if let Some(prepared) = hit {
        return Ok(prepared);
    }
    let prepared = std::rc::Rc::new(prepare_here(config, csv)?);
    PREPARED.with(|cell| {
        *cell.borrow_mut() = Some((
            config.clone(),
            csv.map(str::to_string),
            std::rc::Rc::clone(&prepared),
        ))
    });
    Ok(prepared)
}

/// [`analysis::report_from_simulations`] on this worker's cached problem.
fn analyse_here(
    config: &Config,
    csv: Option<&str>,
    simulations: Vec<crate::model::simulation::Simulation>,
    observer: &mut WorkerObserver,
) -> Result<analysis::Report, crate::Error> {
    let t0 = observer.now_ms();
    let prepared = cached_prepared(config, csv)?;
    let data_ms = observer.now_ms() - t0;
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
    if scope().name().strip_prefix("hsgd-early ") == Some(DIGITS_URL)
        && !problem::digits_available()
    {
        // The loader started this worker for a link that asks for the digits: load them,
        // and build their problem and SVD, while the page still starts.
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
            let part = cached_prepared(&config, csv.as_deref()).and_then(|prepared| {
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
        Ok(prepared) => prepared,
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
}

/// Whether `request` needs the digits data and they are not here yet.
fn needs_digits(request: &Request) -> bool {
    request
        .as_ref()
        .is_ok_and(|r| matches!(r.config().data, DataKind::Digits | DataKind::DigitsRf))
        && !problem::digits_available()
}

/// `request`, to handle now; or `None` when it waits for the digits data (which it then
/// starts loading, unless they already are): it is handled when they come, after the
/// requests that came before it.
fn unless_waiting_for_digits(request: Request) -> Option<Request> {
    let loading = WAITING.with(|cell| cell.borrow().is_some());
    if !loading && !needs_digits(&request) {
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

/// Loads the digits data from the fetched text (or takes the fetch's error), then handles
/// the waiting requests in order: those that need the data get the error, if any.
fn digits_fetched(file: JsValue) {
    let not_loaded = |why: String| {
        crate::Error::new(
            "data",
            format!("the digits data could not be loaded ({DIGITS_URL}: {why})"),
        )
    };
    let loaded = match file.dyn_ref::<js_sys::Uint8Array>() {
        Some(bytes) => match String::from_utf8(bytes.to_vec()) {
            Ok(text) => problem::load_digits(&text),
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
    if loaded.is_ok() && waiting.is_empty() {
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
