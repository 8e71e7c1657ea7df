//! Starting and recognising Web Workers, posting and receiving the protocol's envelopes
//! (JSON text with transferred f32 buffers), and the clock the page and its workers time
//! jobs with: the helpers shared by every owner of a worker (the page's own worker, the
//! split run's and the sweep's pools, the worker itself).

use wasm_bindgen::{JsCast, JsValue};

use super::protocol::Envelope;

/// The worker script (copied next to `index.html` by Trunk; it loads `hsgd-web.js`).
const WORKER_URL: &str = "./worker.js";

/// Starts a computation worker (a module worker running `www/worker.js`; one the loader
/// started early when one is left) with its message and error handlers, and hands it this
/// page's compiled `WebAssembly.Module` as its first message: the worker instantiates that
/// instead of fetching and compiling the wasm again, which is most of a worker's start-up
/// (and of a restart after Cancel).
pub fn spawn_worker(
    on_message: &js_sys::Function,
    on_error: &js_sys::Function,
) -> Result<web_sys::Worker, wasm_bindgen::JsValue> {
    let worker = match early_worker() {
        Some(worker) => worker,
        None => {
            let options = web_sys::WorkerOptions::new();
            options.set_type(web_sys::WorkerType::Module);
            web_sys::Worker::new_with_options(WORKER_URL, &options)?
        }
    };
    worker.set_onmessage(Some(on_message));
    worker.set_onerror(Some(on_error));
    let hello = js_sys::Object::new();
    js_sys::Reflect::set(&hello, &"wasmModule".into(), &wasm_bindgen::module())?;
    worker.post_message(&hello)?;
    Ok(worker)
}

/// The list of workers the page's loader started before the wasm (Trunk.toml,
/// `pattern_script`), waiting for their module.
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

/// `envelope` as a posted message: its text alone when it has no buffers, else
/// `{text, buffers}` with each buffer a fresh `Float32Array`; and the list of their
/// `ArrayBuffer`s to transfer (moved, not copied, to the receiving thread).
fn posted(envelope: &Envelope) -> Result<(JsValue, js_sys::Array), JsValue> {
    let text = JsValue::from_str(&envelope.text);
    let transfer = js_sys::Array::new();
    if envelope.buffers.is_empty() {
        return Ok((text, transfer));
    }
    let buffers = js_sys::Array::new();
    for values in &envelope.buffers {
        let array = js_sys::Float32Array::from(values.as_slice());
        transfer.push(&array.buffer());
        buffers.push(&array);
    }
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"text".into(), &text)?;
    js_sys::Reflect::set(&message, &"buffers".into(), &buffers)?;
    Ok((message.into(), transfer))
}

/// Posts `envelope` to `worker`, transferring its buffers.
pub fn post_to_worker(worker: &web_sys::Worker, envelope: &Envelope) -> Result<(), JsValue> {
    let (message, transfer) = posted(envelope)?;
    worker.post_message_with_transfer(&message, &transfer)
}

/// Posts `envelope` from a worker to its page, transferring its buffers.
pub fn post_to_page(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    envelope: &Envelope,
) -> Result<(), JsValue> {
    let (message, transfer) = posted(envelope)?;
    scope.post_message_with_transfer(&message, &transfer)
}

/// The envelope a `message` event carries (what [`post_to_worker`] or [`post_to_page`]
/// sent); anything else (a buffer that is not a `Float32Array` included) reads as empty
/// text, which the protocol rejects as malformed.
pub fn received(event: &web_sys::MessageEvent) -> Envelope {
    let data = event.data();
    if let Some(text) = data.as_string() {
        return text.into();
    }
    let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).ok();
    let text = field("text").and_then(|t| t.as_string());
    let buffers = field("buffers")
        .and_then(|b| b.dyn_into::<js_sys::Array>().ok())
        .map(|list| {
            list.iter()
                .map(|b| {
                    b.dyn_into::<js_sys::Float32Array>()
                        .ok()
                        .map(|a| a.to_vec())
                })
                .collect::<Option<Vec<_>>>()
        });
    match (text, buffers) {
        (Some(text), Some(Some(buffers))) => Envelope { text, buffers },
        _ => Envelope::default(),
    }
}
