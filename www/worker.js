// The page's Web Worker: loads the same wasm as the page. Its Rust entry point
// (hsgd::web::start) sees no `window`, installs the worker's message handler and posts
// "ready". See src/web/worker.rs.
import init from './hsgd-web.js';

init().catch((e) => {
  // Tell the page (its worker.onerror shows the message) instead of failing silently.
  setTimeout(() => { throw e; });
});
