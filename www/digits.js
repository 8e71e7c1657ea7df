// Fetches a gzipped text file and calls `done` with its text, decompressed by the browser
// (DecompressionStream, which every browser that runs the page's wasm has), or with the
// Error that stopped it. A host that sends the file already decoded (Content-Encoding:
// gzip) works too: only bytes that start as gzip are decompressed. See src/web/worker.rs.
export function fetchGzipText(url, done) {
  // A stalled download would hold up the worker's later requests, which wait in order.
  fetch(url, { signal: AbortSignal.timeout(60000) })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.arrayBuffer();
    })
    .then((buffer) => {
      const bytes = new Uint8Array(buffer);
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Response(stream).text();
    })
    .then(done, (e) => done(e instanceof Error ? e : new Error(String(e))));
}
