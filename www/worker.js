// The page's Web Worker: runs the same wasm as the page. The page's first message hands
// over its compiled WebAssembly.Module (src/web/workers.rs, spawn_worker), so the worker only
// instantiates it instead of fetching and compiling the wasm again. Its Rust entry point
// (hsgd::web::start) sees no `window`, installs the worker's message handler and posts
// "ready". See src/web/worker.rs.
//
// The page may post a task right behind the module (src/web/pool.rs does not wait for
// "ready"): such messages wait in `held` while the wasm instantiates, then go to the Rust
// handler in the order they came.
import init from './hsgd-web.js';

const held = [];
const hold = (event) => held.push(event);

self.addEventListener('message', (event) => {
  const module = event.data && event.data.wasmModule;
  self.addEventListener('message', hold);
  init(module ? { module_or_path: module } : undefined).then(() => {
    self.removeEventListener('message', hold);
    for (const message of held.splice(0)) self.onmessage(message);
  }).catch((e) => {
    // A failed load, or a held task that failed: tell the page (its worker.onerror shows
    // the message) instead of failing silently.
    setTimeout(() => { throw e; });
  });
}, { once: true });
