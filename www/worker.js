// The page's Web Worker: runs the same wasm as the page. The first message hands over the
// page's compiled WebAssembly.Module (src/web/workers.rs, spawn_worker; for a worker the
// loader started early, the loader in Trunk.toml sends it), so the worker only
// instantiates it instead of fetching and compiling the wasm again. Its Rust entry point
// (hsgd::web::start) sees no `window`, installs the worker's message handler and posts
// "ready". See src/web/worker.rs.
//
// The page may post a task right behind the module (src/web/pool.rs does not wait for
// "ready"): such messages wait in `held` while the wasm instantiates, then go to the Rust
// handler in the order they came.
//
// A worker that the loader (Trunk.toml) starts before the page's wasm is named
// "hsgd-early <url>" when the page's link asks for a data file that the first job needs:
// it downloads the file as soon as this script runs, while the page's wasm still
// downloads and starts, and the Rust side's request for it (hsgdFetchGzipBytes) takes that
// download (a third word, read by the Rust side, asks it to prepare the data at once). A
// name, not a message: a message from the page reaches a new worker only once the page's
// main thread is free again, and the page's own start keeps it busy.
import init from './hsgd-web.js';

const held = [];
const hold = (event) => held.push(event);

/** Downloads started early, by absolute URL: each is taken once. */
const downloads = new Map();

const absolute = (url) => new URL(url, self.location.href).href;

// The gzipped file at `url`, decompressed by the browser (DecompressionStream, which every
// browser that runs the page's wasm has), as bytes: the wasm copies them in at once, where
// a string would be re-encoded first. A host that sends the file already decoded
// (Content-Encoding: gzip) works too: only bytes that start as gzip are decompressed.
function gzipBytes(url) {
  // A stalled download would hold up the worker's later requests, which wait in order.
  return fetch(url, { signal: AbortSignal.timeout(60000) })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.arrayBuffer();
    })
    .then((buffer) => {
      const bytes = new Uint8Array(buffer);
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Response(stream).arrayBuffer().then((decoded) => new Uint8Array(decoded));
    });
}

// Called by src/web/worker.rs: `done` gets the bytes (a Uint8Array) of the gzipped file at
// `url`, decompressed, or the Error that stopped it. A download started early is used
// once; a later call fetches anew.
self.hsgdFetchGzipBytes = (url, done) => {
  const key = absolute(url);
  const download = downloads.get(key) || gzipBytes(key);
  downloads.delete(key);
  download.then(done, (e) => done(e instanceof Error ? e : new Error(String(e))));
};

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

const [role, prefetch] = self.name.split(' ');
if (role === 'hsgd-early' && prefetch) {
  const url = absolute(prefetch);
  const download = gzipBytes(url);
  // Failing before the Rust side asks is not an error yet: it hears of it when it asks.
  download.catch(() => {});
  downloads.set(url, download);
}
