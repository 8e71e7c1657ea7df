//! The worker side: waits for [`ToWorker::Run`], runs the pipeline, and posts progress and
//! the result (or the error) back, tagged with the job id: first the report without the
//! fitted laws, then the fits of each method ([`handle_staged`]). A panic is posted as
//! [`FromWorker::Panic`] before the wasm instance traps, so the page can say what happened
//! and start a fresh worker.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::protocol::{FromWorker, ToWorker};
use crate::analysis::{self, Observer};

/// Least time between two progress messages (ms): often enough for a smooth bar, rare
/// enough not to flood the page.
const PROGRESS_INTERVAL_MS: f64 = 40.0;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    if let Err(e) = scope().post_message(&JsValue::from_str(&message.encode())) {
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
    post(&FromWorker::Ready);
}

/// Reports progress to the page at most every [`PROGRESS_INTERVAL_MS`]; never cancels
/// (the page cancels by terminating the worker).
struct WorkerObserver {
    job: u32,
    last_post_ms: f64,
}

impl Observer for WorkerObserver {
    fn now_ms(&self) -> f64 {
        super::now_ms()
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

/// Runs one request and returns the reply.
pub fn handle(text: &str) -> FromWorker {
    match ToWorker::decode(text) {
        Ok(ToWorker::Run { job, config, csv }) => {
            let mut observer = WorkerObserver {
                job,
                last_post_ms: f64::NEG_INFINITY,
            };
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
        Err(e) => FromWorker::Error {
            job: 0,
            field: e.field,
            message: e.message,
        },
    }
}

/// Runs one request in two stages, posting each reply as it is ready: `Done` with the
/// report without fits (the page draws at once), then one `Fits` per simulated method.
/// Same numbers as [`handle`].
pub fn handle_staged(text: &str, send: &mut dyn FnMut(&FromWorker)) {
    let (job, config, csv) = match ToWorker::decode(text) {
        Ok(ToWorker::Run { job, config, csv }) => (job, config, csv),
        Err(e) => {
            return send(&FromWorker::Error {
                job: 0,
                field: e.field,
                message: e.message,
            })
        }
    };
    let mut observer = WorkerObserver {
        job,
        last_post_ms: f64::NEG_INFINITY,
    };
    let report = match analysis::run_without_fits(&config, csv.as_deref(), &mut observer) {
        Ok(report) => report,
        Err(e) => {
            return send(&FromWorker::Error {
                job,
                field: e.field,
                message: e.message,
            })
        }
    };
    // The samples stay here while the report travels (the message is a copy anyway).
    send(&FromWorker::Done {
        job,
        report: Box::new(report.clone()),
    });
    for method in ["sgd", "hsgd"] {
        if let Some(stage) = analysis::fit_stage(&report, method, &observer) {
            send(&FromWorker::Fits {
                job,
                stage: Box::new(stage),
            });
        }
    }
}

fn on_message(event: MessageEvent) {
    let text = event.data().as_string().unwrap_or_default();
    handle_staged(&text, &mut |message| post(message));
}
