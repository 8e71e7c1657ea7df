// Shared set-up of the end-to-end tests: build the page with Trunk, serve dist/ on
// loopback with python3's http.server, drive Debian's chromium with playwright-core,
// and collect every console error and uncaught exception of a page.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const shotDir = path.join(root, 'target', 'e2e');

// Flags verified on these machines (../shared/TOOLCHAIN.md).
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** `trunk build --release` (skipped when E2E_SKIP_BUILD=1 and dist/ exists). */
export function buildPage() {
  if (process.env.E2E_SKIP_BUILD === '1') {
    console.log('e2e: E2E_SKIP_BUILD=1, using the existing dist/');
    return;
  }
  console.log('e2e: trunk build --release');
  const r = spawnSync('trunk', ['build', '--release'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`trunk build failed (exit ${r.status})`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * The sub-path every e2e test opens the page under, as GitHub Pages or a course site serves
 * it: nothing is served at the site root, so an asset or worker asked for at `/…` fails the
 * test (openPage counts every HTTP error as one).
 */
export const SUB_PATH = '/a/sub/path/';

/** Serves dist/ on 127.0.0.1 under SUB_PATH; returns { url, stop } (url ends in SUB_PATH). */
export async function serveDist() {
  const port = Number(process.env.E2E_PORT) || await freePort();
  const site = path.join(root, 'target', 'e2e-site');
  const mount = path.join(site, SUB_PATH);
  rmSync(site, { recursive: true, force: true });
  mkdirSync(path.dirname(mount), { recursive: true });
  symlinkSync(path.join(root, 'dist'), mount.replace(/\/$/, ''), 'dir');
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port),
    '--directory', site], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}${SUB_PATH}`;
  const stop = () => { if (server.exitCode === null) server.kill('SIGTERM'); };
  for (let i = 0; i < 100; i++) {
    if (server.exitCode !== null) throw new Error(`http.server exited: ${log}`);
    try {
      const r = await fetch(url);
      if (r.ok) return { url, stop };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`http.server did not answer on ${url}`);
}

export async function launch() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  console.log(`e2e: headless Chromium ${browser.version()}`);
  return browser;
}

/** The files a fresh worker loads: its script and the wasm's JS and wasm. */
export const WORKER_FILES = /\/(worker\.js|hsgd-web[^/]*\.(js|wasm))$/;

/** The digits file, which an early worker downloads as it starts (www/worker.js). */
const PREFETCHED = /\/data\/digits\.csv\.gz$/;

/** A fresh page whose console errors and uncaught exceptions land in `errors`. */
export async function openPage(browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A worker still loading its script, or the digits it downloads as it starts, when the
    // page reloads or closes (the split pool starts a standby worker after each report)
    // has that load cut short: not an error.
    const aborted = r.failure()?.errorText === 'net::ERR_ABORTED'
      && (WORKER_FILES.test(r.url()) || PREFETCHED.test(r.url()));
    if (!aborted) errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('worker', (w) => w.on('console', (m) => {
    if (m.type() === 'error') errors.push(`worker console: ${m.text()}`);
  }));
  return { page, errors, close: () => context.close() };
}

// BENCH_SETTLE_MS: the wait of openSettled (default 1000 ms, also for a value that is no
// number; 0 navigates at once).
const settle = Number(process.env.BENCH_SETTLE_MS ?? 1000);
const SETTLE_MS = Number.isFinite(settle) ? Math.max(0, settle) : 1000;

/**
 * For the benchmarks: a fresh page (openPage: a new browser context, so empty caches),
 * once the browser has finished setting up the new window. Headless Chromium (the "new"
 * headless mode is the full browser) loads its own omnibox-popup WebUI, a chrome:// page
 * in a renderer of its own, for each new window: about 0.45 s of CPU within the first
 * 0.5 s (read from /proc, per process). On a 2-core machine, navigating at once would
 * time that page's start together with ours (BENCHMARKS.md); a reader's browser has its
 * window already. The tests, which time nothing, navigate at once.
 */
export async function openSettled(browser, viewport) {
  const opened = await openPage(browser, viewport);
  if (SETTLE_MS > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return opened;
}

/**
 * Waits for the mark `name` and returns its startTime (ms since navigation start). A
 * PerformanceObserver in the page says when, rather than a predicate polled on the page's
 * main thread every few ms (a timer task each time, taking turns with the page's work).
 */
export function markTime(page, name, timeout = 120000) {
  return page.evaluate(([name, timeout]) => new Promise((resolve, reject) => {
    const find = () => performance.getEntriesByName(name, 'mark')[0];
    const found = find();
    if (found) {
      resolve(found.startTime);
      return;
    }
    const observer = new PerformanceObserver(() => {
      const mark = find();
      if (mark) {
        clearTimeout(timer);
        observer.disconnect();
        resolve(mark.startTime);
      }
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`no mark ${name} within ${timeout} ms`));
    }, timeout);
    observer.observe({ type: 'mark' });
  }), [name, timeout]);
}

/** The id of the job that ended last (null before the first). */
export function lastJob(page) {
  return page.getAttribute('#status', 'data-job');
}

/**
 * Waits until a job other than `since` (a lastJob() value; null: any) has ended, and
 * returns the status line ("N runs in T." or "Stopped: …").
 */
export async function waitForRun(page, since = null, timeout = 120000) {
  await page.waitForFunction((since) => {
    const s = document.getElementById('status');
    const job = s?.getAttribute('data-job') ?? null;
    return job !== null && job !== since;
  }, since, { timeout });
  return page.textContent('#status');
}

/**
 * Waits until the fitted laws of the last finished job have arrived (they follow the
 * report: src/web/stages.rs) and returns the status line.
 */
export async function waitForFits(page, timeout = 120000) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status');
    const job = s?.getAttribute('data-job') ?? null;
    return job !== null && s.getAttribute('data-fits-job') === job;
  }, null, { timeout });
  return page.textContent('#status');
}

/**
 * Waits until SGD's own tail index α_SGD of the last finished job has arrived (the stage
 * after the fits, src/web/stages.rs; a job without SGD needs none) and returns the status
 * line.
 */
export async function waitForIndex(page, timeout = 180000) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status');
    const job = s?.getAttribute('data-job') ?? null;
    return job !== null && s.getAttribute('data-index-job') === job;
  }, null, { timeout });
  return page.textContent('#status');
}

/** The numbers panel's row `key` with every data-* attribute (null when absent). */
export function readRow(page, key) {
  return page.evaluate((key) => {
    const dd = document.querySelector(`#numbers dd[data-key="${key}"]`);
    return dd ? { text: dd.textContent, ...dd.dataset } : null;
  }, key);
}

/** Waits until a sweep other than `since` (a sweep job id; null: any) has ended; returns
 * its status line. */
export async function waitForSweep(page, since = null, timeout = 120000) {
  await page.waitForFunction((since) => {
    const s = document.getElementById('sweep-status');
    const job = s?.getAttribute('data-job') ?? null;
    return job !== null && job !== since;
  }, since, { timeout });
  return page.textContent('#sweep-status');
}

/** The numbers panel as { key: value } (values from data-value, text rows as text). */
export function readNumbers(page) {
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#numbers dd')].map((dd) => [dd.dataset.key,
      dd.dataset.value === undefined ? dd.textContent : Number(dd.dataset.value)])));
}

/**
 * Lays out the panels under the plots as if scrolled to. They are `content-visibility:
 * auto` (www/style.css): off screen the browser skips their layout, and boxes read there
 * are empty. Layout checks on them call this first; the layout is the one a reader sees.
 */
export function renderPanels(page) {
  return page.evaluate(async () => {
    for (const panel of document.querySelectorAll('.numbers-panel, .explain-panel, .sweep-panel')) {
      panel.style.contentVisibility = 'visible';
    }
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
}

/** Pixels of a canvas that differ from its background (white). */
export function inkPixels(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    let accent = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (r < 250 || g < 250 || b < 250) ink++;
      if (b > 150 && r < 140 && b - r > 60) accent++; // the blue of the bars and markers
    }
    return { ink, accent, total: c.width * c.height, width: c.width, height: c.height };
  }, id);
}

/** A full-page screenshot, the panels under the plots laid out as when scrolled to. */
export async function screenshot(page, name) {
  mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, name);
  await renderPanels(page);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
