// Page speed benchmark (issue 5), run by hand — NOT part of `make test`:
//
//   node tests/e2e/bench.mjs            # trunk build --release, then measure
//   E2E_SKIP_BUILD=1 node tests/e2e/bench.mjs   # measure the existing dist/
//   BENCH_REPEATS=5 …                   # passes per case (default 3)
//
// Serves dist/ on loopback, opens it in headless Chromium (harness.mjs) and reports:
// 1. open → first plots: from navigation start to the page's `hsgd-plots-job-1` mark
//    (set by src/web/page.rs when the plots of a job are drawn), in a fresh browser
//    context each pass (empty HTTP cache and compiled-code cache), default experiment;
//    also to `hsgd-fits-job-1` (the fitted laws drawn: the second stage);
// 2. re-run after a γ change at the default size: γ set to a new value in the control,
//    `change` dispatched and the form submitted inside one evaluate, timed from there to
//    the next job's plots mark (after the previous job's fits finished, so the worker is
//    idle), and once while the fits are still running (the worker is restarted);
// 3. the paper's digits experiment (1000 runs × 10⁴ steps, B = 1, γ = 0.1) opened by URL:
//    navigation → plots, and the worker's own timing of the SGD simulation;
// 4. the size of dist/*.wasm: raw, gzip -9 and brotli (quality 11), via node:zlib.
// Prints one line per measurement and a JSON summary last. Numbers go in BENCHMARKS.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { buildPage, launch, openPage, readNumbers, root, serveDist } from './harness.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS) || 3;
const DEFAULT_TIMEOUT = 120000;

/** Waits for the mark `name` and returns its startTime (ms since navigation start). */
async function markTime(page, name, timeout = DEFAULT_TIMEOUT) {
  const handle = await page.waitForFunction((name) => {
    const m = performance.getEntriesByName(name, 'mark');
    return m.length > 0 ? m[0].startTime : null;
  }, name, { timeout, polling: 5 });
  return handle.jsonValue();
}

/** The current job id (the last one posted; from the status line's data-job when done). */
function currentJob(page) {
  return page.evaluate(() => Number(document.getElementById('status').getAttribute('data-job')));
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], all: xs.map((x) => Math.round(x)) };
}

function line(label, xs) {
  const s = stats(xs);
  console.log(`${label}: min ${s.min.toFixed(0)} ms, median ${s.median.toFixed(0)} ms `
    + `[${s.all.join(', ')}]`);
  return s;
}

/** Sets γ, dispatches change and submits; returns performance.now() at the submit. */
function changeGammaAndRun(page, gamma) {
  return page.evaluate((gamma) => {
    const input = document.getElementById('ctl-gamma');
    input.value = String(gamma);
    const t0 = performance.now();
    input.dispatchEvent(new Event('change', { bubbles: true }));
    document.getElementById('controls').requestSubmit();
    return t0;
  }, gamma);
}

async function openAndRerun(browser, url, summary) {
  const firstPlots = [];
  const firstFits = [];
  const rerunIdle = [];
  const rerunBusy = [];
  const rerunFits = [];
  const rerunSim = [];
  const rerunWorker = [];
  const fitMs = [];
  for (let pass = 0; pass < REPEATS; pass++) {
    const { page, errors, close } = await openPage(browser);
    await page.goto(url);
    firstPlots.push(await markTime(page, 'hsgd-plots-job-1'));
    firstFits.push(await markTime(page, 'hsgd-fits-job-1'));
    // Re-runs with the worker idle (the previous job's fits done).
    let gamma = 0.05;
    for (let k = 0; k < 3; k++) {
      gamma = gamma === 0.05 ? 0.06 : 0.05;
      const job = (await currentJob(page)) + 1;
      const t0 = await changeGammaAndRun(page, gamma);
      rerunIdle.push(await markTime(page, `hsgd-plots-job-${job}`) - t0);
      const n = await readNumbers(page);
      rerunSim.push(n.time_sgd_simulation);
      rerunWorker.push(n.wall_ms);
      rerunFits.push(await markTime(page, `hsgd-fits-job-${job}`) - t0);
      fitMs.push((await readNumbers(page)).time_sgd_fits);
    }
    // A re-run while the fits of the previous job are still running.
    const job = (await currentJob(page)) + 1;
    gamma = gamma === 0.05 ? 0.06 : 0.05;
    let t0 = await changeGammaAndRun(page, gamma);
    await markTime(page, `hsgd-plots-job-${job}`);
    gamma = gamma === 0.05 ? 0.06 : 0.05;
    t0 = await changeGammaAndRun(page, gamma);
    rerunBusy.push(await markTime(page, `hsgd-plots-job-${job + 1}`) - t0);
    await markTime(page, `hsgd-fits-job-${job + 1}`);
    if (errors.length) console.log(`console errors: ${errors.join('; ')}`);
    await close();
  }
  summary.open_to_plots_ms = line('default: open → first plots', firstPlots);
  summary.open_to_fits_ms = line('default: open → fitted laws drawn', firstFits);
  summary.rerun_idle_ms = line('default: γ change → plots (worker idle)', rerunIdle);
  summary.rerun_simulation_ms = line('default re-run: SGD simulation in the worker', rerunSim);
  summary.rerun_worker_ms = line('default re-run: job posted → report received', rerunWorker);
  summary.rerun_fits_ms = line('default: γ change → fitted laws drawn', rerunFits);
  summary.fits_ms = line('default re-run: fits in the worker', fitMs);
  summary.rerun_busy_ms = line('default: γ change → plots (fits still running)', rerunBusy);
}

async function digits(browser, url, summary) {
  const plots = [];
  const fits = [];
  const sim = [];
  for (let pass = 0; pass < REPEATS; pass++) {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${url}?data=digits&gamma=0.1&batch=1&steps=10000&runs=1000`);
    plots.push(await markTime(page, 'hsgd-plots-job-1'));
    fits.push(await markTime(page, 'hsgd-fits-job-1'));
    const numbers = await readNumbers(page);
    sim.push(numbers.time_sgd_simulation);
    if (errors.length) console.log(`console errors: ${errors.join('; ')}`);
    await close();
  }
  summary.digits_open_to_plots_ms = line('digits 1000×10⁴: open → first plots', plots);
  summary.digits_open_to_fits_ms = line('digits 1000×10⁴: open → fitted laws drawn', fits);
  summary.digits_simulation_ms = line('digits 1000×10⁴: SGD simulation in the worker', sim);
}

function wasmSizes(summary) {
  const dist = path.join(root, 'dist');
  summary.wasm = {};
  for (const f of readdirSync(dist).filter((f) => f.endsWith('.wasm'))) {
    const bytes = readFileSync(path.join(dist, f));
    const gz = gzipSync(bytes, { level: 9 }).length;
    const br = brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
    const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(`${f}: raw ${kib(statSync(path.join(dist, f)).size)}, gzip -9 ${kib(gz)}, `
      + `brotli 11 ${kib(br)}`);
    summary.wasm[f] = { raw: bytes.length, gzip: gz, brotli: br };
  }
}

async function main() {
  buildPage();
  const server = await serveDist();
  const browser = await launch();
  const summary = { repeats: REPEATS };
  try {
    wasmSizes(summary);
    await openAndRerun(browser, server.url, summary);
    await digits(browser, server.url, summary);
  } finally {
    await browser.close();
    server.stop();
  }
  console.log(JSON.stringify(summary));
}

main().catch((e) => {
  console.log(`bench failed: ${e.stack ?? e}`);
  process.exit(1);
});
