// Soak test: one page, 200 consecutive re-runs and 20 sweeps. Half the re-runs start while
// the previous job's fits and α_SGD are still computing (the job is superseded and its
// workers replaced), the others after its fits, every tenth after its α_SGD too. After a
// warm-up, the JS heap (after a forced garbage collection), the page's wasm memory, the
// DOM and the live workers must stay within the bounds below: a leak of a few kilobytes
// a run, or one worker a job, fails it. Run by default.mjs; prints the figures
// BENCHMARKS.md records.
import {
  assert, lastJob, openPage, waitForFits, waitForIndex, waitForRun, waitForSweep,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const RERUNS = 200;
const SWEEPS = 20;
const WARM_UP = 20;
/** The heap may end at most this much above its size after the warm-up. */
const HEAP_GROWTH_BYTES = 4 * 1024 * 1024;
/** The wasm memory may end at most this much above its size after the warm-up: its
 * high-water mark can still rise by a page or two as allocations settle (seen: 1.50 →
 * 1.63 MiB), while a leak of 1.5 KiB a run would add 270 KiB over the 180 runs. */
const WASM_GROWTH_BYTES = 256 * 1024;
/** DOM elements may end at most this many above the warm-up's count. */
const DOM_GROWTH = 50;

const QUERY = '?n=200&d=10&runs=200&steps=200&sweep=gamma&sweep_points=3&sweep_runs=100';

async function measure(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const [dom, wasm] = await page.evaluate(() => [document.getElementsByTagName('*').length,
    window.wasmBindings.wasmMemoryBytes()]);
  return { heap: usedSize, wasm, dom, workers: page.workers().length };
}

const mib = (bytes) => `${(bytes / 1048576).toFixed(2)} MiB`;

test('soak: 200 re-runs and 20 sweeps in one page keep the heap, the DOM and the workers bounded', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  const cdp = await page.context().newCDPSession(page);
  await page.goto(url + QUERY);
  await waitForIndex(page);
  const pool = Number(await page.getAttribute('#sweep-status', 'data-workers'));
  // The pool, its standby, the main worker, the α_SGD and sweep workers: a fixed set; and
  // one more, a worker terminated by a cancel that is still listed until its thread has
  // closed (9 at once in 2 of 5 soak runs). A leak of one worker a job would pass it by dozens.
  const maxWorkers = 2 * pool + 5;
  const started = Date.now();
  let warm = null;
  let peakWorkers = 0;
  for (let i = 1; i <= RERUNS; i++) {
    const before = await lastJob(page);
    await page.click('#run');
    if (i % 10 === 0) {
      // Its stages have all ended: the page holds this job's results and nothing else.
      await waitForIndex(page);
    } else if (i % 2 === 0) {
      await waitForFits(page);
    } else {
      await waitForRun(page, before);
    }
    peakWorkers = Math.max(peakWorkers, page.workers().length);
    if (i % 10 === 0) {
      const sweepBefore = await page.getAttribute('#sweep-status', 'data-job');
      await page.evaluate(() => document.getElementById('sweep-run').scrollIntoView());
      await page.click('#sweep-run');
      const status = await waitForSweep(page, sweepBefore);
      assert(/^3 points × 100 runs in /.test(status), `sweep ${i / 10}: "${status}"`);
      peakWorkers = Math.max(peakWorkers, page.workers().length);
    }
    if (i === WARM_UP) {
      await waitForIndex(page);
      warm = await measure(page, cdp);
    }
  }
  await waitForIndex(page);
  const end = await measure(page, cdp);
  const seconds = (Date.now() - started) / 1000;
  console.log(`   ${RERUNS} re-runs + ${SWEEPS} sweeps in ${seconds.toFixed(0)} s: heap ${mib(warm.heap)}`
    + ` after ${WARM_UP} → ${mib(end.heap)} at the end; wasm memory ${mib(warm.wasm)} → ${mib(end.wasm)};`
    + ` DOM ${warm.dom} → ${end.dom} elements;`
    + ` workers ${warm.workers} → ${end.workers} (peak ${peakWorkers}, bound ${maxWorkers})`);
  const status = await page.textContent('#status');
  assert(/^200 runs in /.test(status), `the last run: "${status}"`);
  assert(end.heap <= warm.heap + HEAP_GROWTH_BYTES,
    `the JS heap grew from ${mib(warm.heap)} to ${mib(end.heap)}`);
  // The same jobs again need no more memory: wasm memory that keeps growing holds leaks.
  assert(end.wasm <= warm.wasm + WASM_GROWTH_BYTES,
    `the wasm memory grew from ${mib(warm.wasm)} to ${mib(end.wasm)}`);
  assert(end.dom <= warm.dom + DOM_GROWTH, `the DOM grew from ${warm.dom} to ${end.dom} elements`);
  assert(peakWorkers <= maxWorkers, `${peakWorkers} workers alive at once (bound ${maxWorkers})`);
  assert(end.workers <= warm.workers + 1, `workers ${warm.workers} → ${end.workers}`);
  await close();
  return errors;
});
