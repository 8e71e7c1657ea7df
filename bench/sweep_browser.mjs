// Wall time of the page's default sweep (8 γ points × 500 runs of SGD on the default
// synthetic 500×50 problem, K = 1000) in headless Chromium, with the worker pool forced to
// 1 worker and left at its natural size (navigator.hardwareConcurrency clamped to 1..=4),
// plus the wall time of the paper's digits run (1000 runs × 10⁴ steps, B = 1, γ = 0.1) on
// the page's main worker alone (1 core) and split across the pool. Serves an existing dist/ (build it first: `trunk build --release`).
// Usage: node bench/sweep_browser.mjs [repeats]   (see BENCHMARKS.md)
import { launch, openPage, serveDist, waitForRun } from '../tests/e2e/harness.mjs';

const repeats = Number(process.argv[2] ?? 3);

async function sweepOnce(browser, url, workers) {
  const { page, close } = await openPage(browser);
  if (workers !== null) {
    await page.addInitScript((n) => {
      Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => n });
    }, workers);
  }
  // runs=2: the opening run is negligible; every other setting is the default.
  await page.goto(`${url}?runs=2`);
  await waitForRun(page);
  const size = Number(await page.getAttribute('#sweep-status', 'data-workers'));
  // Warm-up: a tiny sweep loads the pool's wasm, so the timing excludes worker start-up.
  await page.fill('#ctl-sweep_runs', '10');
  await page.press('#ctl-sweep_runs', 'Tab');
  await page.click('#sweep-run');
  await page.waitForFunction(() => document.getElementById('sweep-status').hasAttribute('data-job'));
  await page.fill('#ctl-sweep_runs', '500');
  await page.press('#ctl-sweep_runs', 'Tab');
  const before = await page.getAttribute('#sweep-status', 'data-job');
  await page.click('#sweep-run');
  await page.waitForFunction((b) => document.getElementById('sweep-status').getAttribute('data-job') !== b,
    before, { timeout: 600000 });
  const ms = Number(await page.getAttribute('#sweep-status', 'data-wall-ms'));
  const status = await page.textContent('#sweep-status');
  await close();
  return { size, ms, status };
}

async function digitsOnce(browser, url, workers) {
  const { page, close } = await openPage(browser);
  if (workers !== null) {
    await page.addInitScript((n) => {
      Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => n });
    }, workers);
  }
  await page.goto(`${url}?data=digits&gamma=0.1&batch=1&steps=10000&runs=1000`);
  const status = await waitForRun(page, null, 600000);
  await close();
  return status;
}

const { url, stop } = await serveDist();
const browser = await launch();
try {
  for (let i = 0; i < repeats; i++) {
    for (const workers of [1, null]) {
      const r = await sweepOnce(browser, url, workers);
      console.log(`sweep, ${r.size} worker(s): ${r.ms} ms  (${r.status})`);
    }
  }
  for (let i = 0; i < repeats; i++) {
    console.log(`digits 1000 × 10^4, main worker only: ${await digitsOnce(browser, url, 1)}`);
    console.log(`digits 1000 × 10^4, split across the pool: ${await digitsOnce(browser, url, null)}`);
  }
} finally {
  await browser.close();
  stop();
}
