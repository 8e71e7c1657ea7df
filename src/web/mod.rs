//! The page and its Web Worker (wasm32 only): the thin layer that binds the core to the
//! browser (DESIGN.md, Layers). One wasm binary serves both: [`start`] runs the page app
//! when there is a `window`, and the worker's message loop when there is none (inside the
//! module worker `www/worker.js`, which loads the same `hsgd-web.js`).
//!
//! The modules, each using only those listed after it (the page app at the top, leaves
//! at the bottom):
//!
//! - [`page`]: the page app: its one state (config, job, report on screen) and the only
//!   place it changes; it hands state down to the controllers and receives their
//!   [`event`]s.
//! - the controllers, which never call the app or each other: [`live`] (relevant
//!   controls, the γ slider, automatic re-runs, divergence), [`upload`] (the user's CSV),
//!   [`embed`] (the compact view for an iframe, `embed=1`), [`classroom`] (`hide=`,
//!   `panels=`, the "copy embed code" button; [`embed_code`]: its snippet), [`split`] (the main run's runs
//!   split across a pool), [`sweep`] (the sweep section, whose points run on a pool;
//!   [`sweep_table`]: its table), [`timeline`] (play, step and scrub through the
//!   checkpoints).
//! - the page app's parts: [`main_worker`] (the page's own worker's life cycle),
//!   [`status`] (status line, progress bar, busy state), [`form`] (forms built from the
//!   control table, field errors).
//! - [`event`]: what the controllers send up to the app.
//! - the panels, plain Rust built natively too: [`numbers`] (the numbers panel's rows) and
//!   [`panel`] (its HTML), [`explain`] (the explanation under the plots, MathML written
//!   with [`mathml`]), [`pearson_note`] (what the histogram's Pearson curve is), [`cost`]
//!   (a job's estimated time, the budget note), [`stability`] (γ against the stability
//!   limit, the divergence note), [`preset_links`] (the presets row, one link per preset's
//!   URL query), [`format`] (numbers, sizes and times as the page writes them, HTML escaping).
//! - [`plots`]: the plot table of [`crate::plots::page`] drawn onto canvases with
//!   plotters-canvas ([`canvas`]: its text measured without a page layout); [`export`]: downloads
//!   of the plots (PNG, SVG) and the results (JSON, CSV).
//! - [`worker`]: the worker side, which runs [`crate::report::analysis::run`] on request
//!   and reports progress; [`pool`]: several workers sharing independent tasks;
//!   [`stages`]: the fitted laws and α_SGD arriving after the report.
//! - leaves: [`protocol`] (the messages between page and worker, in a binary form, tagged with a job
//!   id), [`workers`] (starting and recognising workers, the clock), [`dom`] (element by
//!   id, text, listeners, timers).

pub mod canvas;
pub mod classroom;
pub mod cost;
pub mod dom;
pub mod embed;
pub mod embed_code;
pub mod event;
pub mod explain;
pub mod export;
pub mod form;
pub mod format;
pub mod live;
pub mod main_worker;
pub mod mathml;
pub mod numbers;
pub mod page;
pub mod panel;
pub mod pearson_note;
pub mod plots;
pub mod pool;
pub mod preset_links;
pub mod protocol;
pub mod split;
pub mod stability;
pub mod stages;
pub mod status;
pub mod sweep;
pub mod sweep_table;
#[cfg(test)]
pub(crate) mod test_support;
pub mod timeline;
pub mod upload;
pub mod worker;
pub mod workers;

/// The entry point of the `hsgd-web` binary: the page app in a window, the worker's
/// message handler in a worker.
pub fn start() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        page::start();
    } else {
        worker::start();
    }
}

/// The bytes of this instance's wasm memory, which only grows: `wasmBindings.wasmMemoryBytes()`
/// in the page. The soak test reads it to show that re-runs do not leak.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}
