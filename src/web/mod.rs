//! The page and its Web Worker (wasm32 only): the thin layer that binds the core to the
//! browser (DESIGN.md, Layers). One wasm binary serves both: [`start`] runs the page app
//! when there is a `window`, and the worker's message loop when there is none (inside the
//! module worker `www/worker.js`, which loads the same `hsgd-web.js`).
//!
//! - [`protocol`]: the messages between page and worker (JSON, tagged with a job id).
//! - [`worker`]: runs [`crate::report::analysis::run`] on request and reports progress.
//! - [`page`]: controls synced to the URL, the worker's life cycle, the numbers panel.
//! - [`plots`]: the plot table of [`crate::plots::page`] drawn onto canvases with
//!   plotters-canvas ([`canvas`]: its text measured without a page layout).
//! - [`numbers`]: the numbers panel's rows, computed from a report.
//! - [`export`]: downloads of the plots (PNG, SVG) and the results (JSON, CSV).
//! - [`dom`]: small DOM helpers (element by id, text, listeners).
//! - [`explain`]: the explanation under the plots (MathML, with the report's numbers).
//! - [`upload`]: the user's CSV (picked or dropped, checked, kept for a reload).
//! - [`live`]: relevant controls, the γ slider, automatic re-runs, budget, divergence.
//! - [`embed`]: the compact view for an iframe (`embed=1`).
//! - [`pool`]: several workers sharing independent tasks; [`sweep`]: the sweep section,
//!   whose points run on the pool; [`split`]: the main run's runs split across a pool.
//! - [`stages`]: the fitted laws arrive after the report; merging them, timing marks.

pub mod canvas;
pub mod dom;
pub mod embed;
pub mod explain;
pub mod export;
pub mod live;
pub mod numbers;
pub mod page;
pub mod plots;
pub mod pool;
pub mod protocol;
pub mod split;
pub mod stages;
pub mod sweep;
pub mod upload;
pub mod worker;

use wasm_bindgen::JsCast;

/// The entry point of the `hsgd-web` binary: the page app in a window, the worker's
/// message handler in a worker.
pub fn start() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        page::start();
        sweep::start();
    } else {
        worker::start();
    }
}

/// The worker script (copied next to `index.html` by Trunk; it loads `hsgd-web.js`).
const WORKER_URL: &str = "./worker.js";

/// Starts a computation worker (a module worker running `www/worker.js`) with its message
/// and error handlers, and hands it this page's compiled `WebAssembly.Module` as its first
/// message: the worker instantiates that instead of fetching and compiling the wasm again,
/// which is most of a worker's start-up (and of a restart after Cancel).
pub fn spawn_worker(
    on_message: &js_sys::Function,
    on_error: &js_sys::Function,
) -> Result<web_sys::Worker, wasm_bindgen::JsValue> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(WORKER_URL, &options)?;
    worker.set_onmessage(Some(on_message));
    worker.set_onerror(Some(on_error));
    let hello = js_sys::Object::new();
    js_sys::Reflect::set(&hello, &"wasmModule".into(), &wasm_bindgen::module())?;
    worker.post_message(&hello)?;
    Ok(worker)
}

/// Whether `event` was sent by `worker` (its target is that worker).
pub fn sent_by(event: &web_sys::Event, worker: &web_sys::Worker) -> bool {
    event.target().is_some_and(|target| {
        let worker: &wasm_bindgen::JsValue = worker.as_ref();
        wasm_bindgen::JsValue::from(target) == *worker
    })
}

/// What a worker's `error` event says (its `message`), or that the worker failed to load
/// (a script that did not load has no message).
pub fn worker_error_detail(event: &web_sys::Event) -> String {
    js_sys::Reflect::get(event, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "the worker failed to load".into())
}

/// Milliseconds from `performance.now()`, in a window or a worker (0 if unavailable).
pub fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}
