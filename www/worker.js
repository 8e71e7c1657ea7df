// The page's Web Worker: runs the same wasm as the page. The page's first message hands
// over its compiled WebAssembly.Module (src/web/mod.rs, spawn_worker), so the worker only
// instantiates it instead of fetching and compiling the wasm again. Its Rust entry point
// (hsgd::web::start) sees no `window`, installs the worker's message handler and posts
// "ready". See src/web/worker.rs.
import init from './hsgd-web.js';

self.addEventListener('message', (event) => {
  const module = event.data && event.data.wasmModule;
  init(module ? { module_or_path: module } : undefined).catch((e) => {
    // Tell the page (its worker.onerror shows the message) instead of failing silently.
    setTimeout(() => { throw e; });
  });
}, { once: true });
