//! Starting and recognising Web Workers, posting and receiving the protocol's sealed
//! messages (bytes in a transferred buffer), and the clock the page and its workers time
//! jobs with: the helpers shared by every owner of a worker (the page's own worker, the
//! split run's and the sweep's pools, the worker itself).

use wasm_bindgen::{JsCast, JsValue};

/// The worker script (copied next to `index.html` by Trunk; it loads `hsgd-web.js`).
const WORKER_URL: &str = "./worker.js";

/// Starts a computation worker (a module worker running `www/worker.js`; one the loader
/// started early when one is left) with its message and error handlers. A fresh worker
/// gets this page's compiled `WebAssembly.Module` as its first message, and instantiates
/// that instead of fetching and compiling the wasm again, which is most of a worker's
/// start-up (and of a restart after Cancel); an early one has it from the loader, which
/// posts it as soon as it is compiled, before the page's wasm starts.
pub fn spawn_worker(
    on_message: &js_sys::Function,
    on_error: &js_sys::Function,
) -> Result<web_sys::Worker, wasm_bindgen::JsValue> {
    if let Some(worker) = early_worker() {
        worker.set_onmessage(Some(on_message));
        worker.set_onerror(Some(on_error));
        replay_held(&worker, on_message);
        return Ok(worker);
    }
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

/// Hands `on_message` what an early worker said before this page adopted it (the loader
/// holds it in `hsgdHeld`: the worker has its module, and says "ready", as soon as the
/// loader has compiled it). After the caller's task, as the messages would have come, and
/// before any message that comes later.
fn replay_held(worker: &web_sys::Worker, on_message: &js_sys::Function) {
    let key = JsValue::from_str("hsgdHeld");
    let Ok(held) = js_sys::Reflect::get(worker, &key).and_then(|h| h.dyn_into::<js_sys::Array>())
    else {
        return;
    };
    let _ = js_sys::Reflect::delete_property(worker, &key);
    if held.length() == 0 {
        return;
    }
    let (worker, on_message) = (worker.clone(), on_message.clone());
    let replay = wasm_bindgen::closure::Closure::once(move |_: JsValue| {
        for event in held.iter() {
            let _ = on_message.call1(&worker, &event);
        }
    });
    let _ = js_sys::Promise::resolve(&JsValue::UNDEFINED).then(&replay);
    // Called once, by the promise: one small closure per adopted worker.
    replay.forget();
}

/// The list of workers the page's loader started before the wasm (Trunk.toml,
/// `pattern_script`), which the loader hands the compiled module.
const EARLY_WORKERS: &str = "hsgdEarlyWorkers";

/// A worker the loader started early, if one is left that has not failed (its error came
/// before any handler of ours could hear it, so a fresh worker must fail again, audibly).
fn early_worker() -> Option<web_sys::Worker> {
    let list = js_sys::Reflect::get(&js_sys::global(), &EARLY_WORKERS.into()).ok()?;
    let list = list.dyn_into::<js_sys::Array>().ok()?;
    while list.length() > 0 {
        let Ok(worker) = list.shift().dyn_into::<web_sys::Worker>() else {
            continue;
        };
        let failed =
            js_sys::Reflect::get(&worker, &"hsgdFailed".into()).is_ok_and(|f| f.is_truthy());
        if !failed {
            return Some(worker);
        }
        worker.terminate();
    }
    None
}

/// Stops the early workers no owner took (the first job ran on the page's own worker).
pub fn release_early_workers() {
    while let Some(worker) = early_worker() {
        worker.terminate();
    }
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

/// `message` (a sealed message) as posted: a `Uint8Array` whose buffer is transferred
/// (moved, not copied, to the receiving thread).
fn posted(message: &[u8]) -> (js_sys::Uint8Array, js_sys::Array) {
    let bytes = js_sys::Uint8Array::from(message);
    let transfer = js_sys::Array::of1(&bytes.buffer());
    (bytes, transfer)
}

/// Posts the sealed `message` to `worker`.
pub fn post_to_worker(worker: &web_sys::Worker, message: &[u8]) -> Result<(), JsValue> {
    let (bytes, transfer) = posted(message);
    worker.post_message_with_transfer(&bytes, &transfer)
}

/// Posts the sealed `message` from a worker to its page.
pub fn post_to_page(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    message: &[u8],
) -> Result<(), JsValue> {
    let (bytes, transfer) = posted(message);
    scope.post_message_with_transfer(&bytes, &transfer)
}

/// The sealed message a `message` event carries (what [`post_to_worker`] or
/// [`post_to_page`] sent); anything else reads as no bytes, which the protocol rejects as
/// malformed.
pub fn received(event: &web_sys::MessageEvent) -> Vec<u8> {
    event
        .data()
        .dyn_into::<js_sys::Uint8Array>()
        .map(|bytes| bytes.to_vec())
        .unwrap_or_default()
}
