// Page speed benchmark, run by hand — NOT part of `make test`:
//
//   node tests/e2e/bench.mjs            # trunk build --release, then measure
//   E2E_SKIP_BUILD=1 node tests/e2e/bench.mjs   # measure the existing dist/
//   BENCH_REPEATS=5 …                   # passes per case (default 3)
//
// Serves dist/ on loopback, opens it in headless Chromium (harness.mjs) and reports:
// 1. open → first plots: from navigation start to the page's `hsgd-plots-job-1` mark
//    (set by src/web/page.rs when the plots in the viewport of a job are drawn, in the
//    task the report arrives in: they are on screen at the next paint), in a fresh browser
//    context each pass (empty HTTP cache and compiled-code cache; see openSettled for the
//    wait before navigating), default experiment;
//    also to `hsgd-report-job-1` (the other plots, the numbers and the explanation, drawn
//    after that paint) and to `hsgd-fits-job-1` (the fitted laws drawn: the second stage);
// 2. re-run after a γ change at the default size: the γ slider moved (its `input` event)
//    inside one evaluate, timed from there to
//    the next job's plots mark (after the previous job's fits finished, so the worker is
//    idle), and to the end of the first frame painted after that mark (layout and paint
//    of the new plots in view included; the other plots and the panels follow after that
//    frame); and while the fits are still running;
// 3. the paper's digits experiment (1000 runs × 10⁴ steps, B = 1, γ = 0.1) opened by URL:
//    navigation → plots, and the worker's own timing of the SGD simulation;
// 4. the size of dist/*.wasm: raw, GNU gzip -9, node:zlib's gzip at level 9 and brotli
//    (quality 11);
// 5. the timeline: one scrub frame (the scrubber's `input` event handled, the frame's
//    plots redrawn, timed inside the page; and to the end of the next painted frame), on
//    the default page; and what the 40 checkpoints cost the default run: open → plots and
//    γ change → plots with `checkpoints=0`, with the 40 but the timeline's plots hidden,
//    and with the default page;
// 6. what the checkpoints cost a re-run, finely: two pages open side by side, the default
//    and `checkpoints=0`, re-run by the Run button in turn BENCH_RERUNS times each (default
//    30), as each worker reports its own times (posted → report, the simulation, the
//    estimators) and click → plots drawn;
// 0. first, the machine's speed: the native CLI on a fixed SGD workload (calibrate()).
// Every pass opens a fresh browser context and waits BENCH_SETTLE_MS (default 1000) before
// navigating (harness.mjs, openSettled); BENCH_SETTLE_MS=0 navigates at once.
// Prints one line per measurement and a JSON summary last. Numbers go in BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import {
  buildPage, launch, markTime, openSettled, readNumbers, root, serveDist,
} from './harness.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS) || 3;
// BENCH_ONLY=timeline (a comma-separated list of open, digits, timeline, size, reruns) runs only
// those parts.
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const runs = (part) => !ONLY || ONLY.includes(part);
const DEFAULT_TIMEOUT = 120000;

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

/**
 * Moves the γ slider to log10 γ (one `input` event, as a drag step does: a small job runs
 * at once, src/web/live.rs); returns performance.now() at the event. Also
 * watches for job `job`'s plots mark frame by frame: `window.__painted` becomes the time
 * just after the first frame that shows the plots (a task queued from that frame's
 * requestAnimationFrame runs after its style, layout and paint).
 */
function moveGammaSlider(page, gamma, job) {
  return page.evaluate(([gamma, job]) => {
    window.__painted = null;
    const watch = () => requestAnimationFrame(() => {
      if (performance.getEntriesByName(`hsgd-plots-job-${job}`, 'mark').length > 0) {
        setTimeout(() => { window.__painted = performance.now(); });
      } else {
        watch();
      }
    });
    watch();
    const slider = document.getElementById('gamma-slider');
    slider.value = Math.log10(gamma).toFixed(2);
    const t0 = performance.now();
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    return t0;
  }, [gamma, job]);
}

/** `window.__painted` (see moveGammaSlider) once set. */
async function paintedTime(page) {
  const handle = await page.waitForFunction(() => window.__painted, null,
    { timeout: DEFAULT_TIMEOUT, polling: 5 });
  return handle.jsonValue();
}

async function openAndRerun(browser, url, summary) {
  const firstPlots = [];
  const firstReport = [];
  const firstFits = [];
  const firstWorker = [];
  const firstSim = [];
  const rerunIdle = [];
  const rerunPainted = [];
  const rerunBusyPainted = [];
  const rerunBusy = [];
  const rerunFits = [];
  const rerunSim = [];
  const rerunWorker = [];
  const fitMs = [];
  for (let pass = 0; pass < REPEATS; pass++) {
    const { page, errors, close } = await openSettled(browser);
    await page.goto(url);
    firstPlots.push(await markTime(page, 'hsgd-plots-job-1'));
    firstReport.push(await markTime(page, 'hsgd-report-job-1'));
    const first = await readNumbers(page);
    firstWorker.push(first.wall_ms);
    firstSim.push(first.time_sgd_simulation);
    firstFits.push(await markTime(page, 'hsgd-fits-job-1'));
    // Re-runs with the worker idle (the previous job's fits done).
    let gamma = 0.05;
    for (let k = 0; k < 3; k++) {
      gamma = gamma === 0.05 ? 0.06 : 0.05;
      const job = (await currentJob(page)) + 1;
      const t0 = await moveGammaSlider(page, gamma, job);
      rerunIdle.push(await markTime(page, `hsgd-plots-job-${job}`) - t0);
      rerunPainted.push(await paintedTime(page) - t0);
      await markTime(page, `hsgd-report-job-${job}`);
      const n = await readNumbers(page);
      rerunSim.push(n.time_sgd_simulation);
      rerunWorker.push(n.wall_ms);
      rerunFits.push(await markTime(page, `hsgd-fits-job-${job}`) - t0);
      fitMs.push((await readNumbers(page)).time_sgd_fits);
    }
    // Re-runs while the fits of the previous job are still running (as when dragging).
    for (let k = 0; k < 3; k++) {
      const job = (await currentJob(page)) + 1;
      gamma = gamma === 0.05 ? 0.06 : 0.05;
      let t0 = await moveGammaSlider(page, gamma, job);
      await markTime(page, `hsgd-plots-job-${job}`);
      gamma = gamma === 0.05 ? 0.06 : 0.05;
      t0 = await moveGammaSlider(page, gamma, job + 1);
      rerunBusy.push(await markTime(page, `hsgd-plots-job-${job + 1}`) - t0);
      rerunBusyPainted.push(await paintedTime(page) - t0);
      await markTime(page, `hsgd-fits-job-${job + 1}`);
    }
    if (errors.length) console.log(`console errors: ${errors.join('; ')}`);
    await close();
  }
  summary.open_to_plots_ms = line('default: open → first plots', firstPlots);
  summary.open_to_report_ms = line('default: open → whole report drawn', firstReport);
  summary.open_worker_ms = line('default, first job: posted → report received', firstWorker);
  summary.open_simulation_ms = line('default, first job: SGD simulation in the worker', firstSim);
  summary.open_to_fits_ms = line('default: open → fitted laws drawn', firstFits);
  summary.rerun_idle_ms = line('default: γ change → plots (worker idle)', rerunIdle);
  summary.rerun_painted_ms = line('default: γ change → plots on screen (next frame painted)',
    rerunPainted);
  summary.rerun_simulation_ms = line('default re-run: SGD simulation in the worker', rerunSim);
  summary.rerun_worker_ms = line('default re-run: job posted → report received', rerunWorker);
  summary.rerun_fits_ms = line('default: γ change → fitted laws drawn', rerunFits);
  summary.fits_ms = line('default re-run: fits in the worker', fitMs);
  summary.rerun_busy_ms = line('default: γ change → plots (fits still running)', rerunBusy);
  summary.rerun_busy_painted_ms = line('default: γ change → plots on screen (fits still running)',
    rerunBusyPainted);
}

async function digits(browser, url, summary) {
  const plots = [];
  const report = [];
  const fits = [];
  const sim = [];
  for (let pass = 0; pass < REPEATS; pass++) {
    const { page, errors, close } = await openSettled(browser);
    await page.goto(`${url}?data=digits&gamma=0.1&batch=1&steps=10000&runs=1000`);
    plots.push(await markTime(page, 'hsgd-plots-job-1'));
    report.push(await markTime(page, 'hsgd-report-job-1'));
    fits.push(await markTime(page, 'hsgd-fits-job-1'));
    const numbers = await readNumbers(page);
    sim.push(numbers.time_sgd_simulation);
    if (errors.length) console.log(`console errors: ${errors.join('; ')}`);
    await close();
  }
  summary.digits_open_to_plots_ms = line('digits 1000×10⁴: open → first plots', plots);
  summary.digits_open_to_report_ms = line('digits 1000×10⁴: open → whole report drawn', report);
  summary.digits_open_to_fits_ms = line('digits 1000×10⁴: open → fitted laws drawn', fits);
  summary.digits_simulation_ms = line('digits 1000×10⁴: SGD simulation in the worker', sim);
}

/** Scrubs to `frame` (its `input` event, as a drag does); returns [handled, painted] ms. */
function scrubTo(page, frame) {
  return page.evaluate((frame) => new Promise((done) => {
    const scrub = document.getElementById('tl-scrub');
    scrub.value = String(frame);
    const t0 = performance.now();
    scrub.dispatchEvent(new Event('input', { bubbles: true }));
    const handled = performance.now() - t0;
    requestAnimationFrame(() => setTimeout(() => done([handled, performance.now() - t0])));
  }), frame);
}

async function timeline(browser, url, summary) {
  const handled = [];
  const painted = [];
  for (let pass = 0; pass < REPEATS; pass++) {
    const { page, errors, close } = await openSettled(browser);
    await page.goto(url);
    await markTime(page, 'hsgd-index-job-1');
    const frames = await page.evaluate(() => Number(document.getElementById('tl-scrub').max) + 1);
    // Every frame once, in a shuffled order (as a drag back and forth visits them).
    const order = [...Array(frames).keys()].sort((a, b) => ((a * 7919) % frames) - ((b * 7919) % frames));
    for (const frame of order) {
      const [h, p] = await scrubTo(page, frame);
      handled.push(h);
      painted.push(p);
    }
    if (errors.length) console.log(`console errors: ${errors.join('; ')}`);
    await close();
  }
  summary.scrub_frame_ms = line('timeline: one scrub frame (handled, plots redrawn)', handled);
  summary.scrub_painted_ms = line('timeline: one scrub frame to the next painted frame', painted);
  // Three variants, their passes interleaved so that the machine's drift falls on all
  // alike: no checkpoints; 40 checkpoints recorded, sent and measured but the timeline's
  // two plots hidden (what recording costs); the default page (the two plots drawn too).
  const variants = [
    ['checkpoints=0', '?checkpoints=0'],
    ['checkpoints=40, timeline plots hidden', '?hide=index-evolution,variance-evolution'],
    ['checkpoints=40', ''],
  ];
  const times = variants.map(() => ({ open: [], worker: [], rerun: [], rerunWorker: [], rerunSim: [] }));
  for (let pass = 0; pass < REPEATS; pass++) {
    for (const [v, [, query]] of variants.entries()) {
      const t = times[v];
      const { page, errors, close } = await openSettled(browser);
      await page.goto(`${url}${query}`);
      t.open.push(await markTime(page, 'hsgd-plots-job-1'));
      await markTime(page, 'hsgd-report-job-1');
      t.worker.push((await readNumbers(page)).wall_ms);
      await markTime(page, 'hsgd-index-job-1');
      let gamma = 0.7;
      for (let k = 0; k < 3; k++) {
        gamma = gamma === 0.7 ? 0.72 : 0.7;
        const job = (await currentJob(page)) + 1;
        const t0 = await moveGammaSlider(page, gamma, job);
        t.rerun.push(await markTime(page, `hsgd-plots-job-${job}`) - t0);
        await markTime(page, `hsgd-report-job-${job}`);
        const n = await readNumbers(page);
        t.rerunWorker.push(n.wall_ms);
        t.rerunSim.push(n.time_sgd_simulation);
        await markTime(page, `hsgd-index-job-${job}`);
      }
      if (errors.length) console.log(`console errors: ${errors.join('; ')}`);
      await close();
    }
  }
  for (const [v, [label]] of variants.entries()) {
    const t = times[v];
    const key = label.replace(/[^a-z0-9]+/g, '_');
    summary[`${key}_open_ms`] = line(`${label}: open → first plots`, t.open);
    summary[`${key}_worker_ms`] = line(`${label}: first job posted → report`, t.worker);
    summary[`${key}_rerun_ms`] = line(`${label}: γ change → plots`, t.rerun);
    summary[`${key}_rerun_worker_ms`] = line(`${label}: re-run posted → report received`, t.rerunWorker);
    summary[`${key}_rerun_sim_ms`] = line(`${label}: re-run SGD simulation (workers)`, t.rerunSim);
  }
}

async function checkpointReruns(browser, url, summary) {
  const count = Number(process.env.BENCH_RERUNS) || 30;
  const variants = [];
  for (const [label, query] of [['checkpoints=0', '?checkpoints=0'], ['checkpoints=40', '']]) {
    const { page, errors, close } = await openSettled(browser);
    await page.goto(`${url}${query}`);
    await markTime(page, 'hsgd-index-job-1');
    variants.push({ label, page, errors, close, click: [], worker: [], sim: [], estimators: [] });
  }
  for (let i = 0; i < count; i++) {
    // Alternate which goes first, so that neither always follows the other's work.
    for (const v of i % 2 ? variants : [...variants].reverse()) {
      const job = (await currentJob(v.page)) + 1;
      const t0 = await v.page.evaluate(() => {
        const t = performance.now();
        document.getElementById('run').click();
        return t;
      });
      v.click.push(await markTime(v.page, `hsgd-plots-job-${job}`) - t0);
      await markTime(v.page, `hsgd-report-job-${job}`);
      const n = await readNumbers(v.page);
      v.worker.push(n.wall_ms);
      v.sim.push(n.time_sgd_simulation);
      v.estimators.push(n.time_sgd_estimators);
      await markTime(v.page, `hsgd-index-job-${job}`);
    }
  }
  for (const v of variants) {
    const key = v.label.replace(/[^a-z0-9]+/g, '_');
    summary[`${key}_run_click_ms`] = line(`${v.label}: Run → plots`, v.click);
    summary[`${key}_run_worker_ms`] = line(`${v.label}: re-run posted → report`, v.worker);
    summary[`${key}_run_sim_ms`] = line(`${v.label}: re-run SGD simulation`, v.sim);
    summary[`${key}_run_estimators_ms`] = line(`${v.label}: re-run estimators`, v.estimators);
    if (v.errors.length) console.log(`console errors: ${v.errors.join('; ')}`);
    await v.close();
  }
}

function wasmSizes(summary) {
  const dist = path.join(root, 'dist');
  summary.wasm = {};
  for (const f of readdirSync(dist).filter((f) => f.endsWith('.wasm'))) {
    const bytes = readFileSync(path.join(dist, f));
    // GNU gzip -9 (the size goal's measure, BENCHMARKS.md) packs this wasm ~3.7 KB
    // smaller than node's zlib at level 9: both are printed, in bytes.
    const gzip = (() => {
      try {
        return execFileSync('gzip', ['-9', '-c', path.join(dist, f)]).length;
      } catch {
        return null;
      }
    })();
    const zlib = gzipSync(bytes, { level: 9 }).length;
    const br = brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
    const kib = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;
    console.log(`${f}: raw ${kib(bytes.length)}, gzip -9 ${gzip === null ? 'no gzip' : kib(gzip)}, `
      + `node zlib level 9 ${kib(zlib)}, brotli 11 ${kib(br)}`);
    summary.wasm[f] = { raw: bytes.length, gzip, zlib, brotli: br };
  }
}

/**
 * The machine's speed right now: the native CLI's SGD on the digits (500 runs × 10⁴
 * steps, one thread), when `target/release/hsgd` is built. A shared machine's speed drifts
 * by 2× within an hour; page timings are comparable only next to this.
 */
function calibrate(summary) {
  const cli = path.join(root, 'target', 'release', 'hsgd');
  if (!existsSync(cli)) {
    console.log('calibration skipped: no target/release/hsgd (cargo build --release)');
    return;
  }
  const args = ['simulate', '--data', 'digits', '--gamma', '0.1', '--steps', '10000',
    '--runs', '500'];
  const ms = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync(cli, args, { stdio: 'ignore' });
    ms.push(performance.now() - t0);
  }
  summary.native_calibration_ms = line('calibration: native CLI, digits 500 runs × 10⁴ steps', ms);
}

async function main() {
  buildPage();
  const server = await serveDist();
  const browser = await launch();
  const summary = { repeats: REPEATS };
  try {
    calibrate(summary);
    if (runs('size')) wasmSizes(summary);
    if (runs('open')) await openAndRerun(browser, server.url, summary);
    if (runs('digits')) await digits(browser, server.url, summary);
    if (runs('timeline')) await timeline(browser, server.url, summary);
    if (runs('reruns')) await checkpointReruns(browser, server.url, summary);
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
