//! Starting and recognising Web Workers, and the clock the page and its workers time jobs
//! with: the helpers shared by every owner of a worker (the page's own worker, the split
//! run's and the sweep's pools, the worker itself).

use wasm_bindgen::JsCast;

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
