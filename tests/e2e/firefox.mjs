// Firefox smoke test (run by `make test` after the Chromium suite): Debian's firefox-esr,
// driven by puppeteer-core over WebDriver BiDi (no geckodriver), opens the built page under
// the sub-path and runs the default experiment, the digits, a CSV upload, a sweep and the
// embed view, with no console error. Each one's numbers must equal Chromium's on the same
// link, to the last digit: the same wasm, the same streams. Screenshots go to
// target/e2e/firefox-*.png.
// Prints "firefox: N passed, M failed" last; exits 1 on any failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { assert, buildPage, launch, root, serveDist, shotDir } from './harness.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

/** The rows that are measured times, not results: they differ between any two runs. */
const TIMES = /(^|_)(wall|ms|time)($|_)/;

/** A numbers panel as { key: text } (data-value when present, else the text). */
function readNumbers() {
  return Object.fromEntries([...document.querySelectorAll('#numbers dd')]
    .map((dd) => [dd.dataset.key, dd.dataset.value ?? dd.textContent]));
}

function readSweepRows() {
  return [...document.querySelectorAll('#sweep-table tbody tr')]
    .map((tr) => ({ ...tr.dataset, text: tr.textContent }));
}

/** The status line once the job other than `since` has ended and its stages (fits, α_SGD)
 * have arrived. */
function jobDone(since) {
  const s = document.getElementById('status');
  const job = s?.getAttribute('data-job') ?? null;
  return job !== null && job !== since && s.getAttribute('data-fits-job') === job
    && s.getAttribute('data-index-job') === job;
}

function sweepDone() {
  return document.getElementById('sweep-status')?.getAttribute('data-job') != null;
}

function withoutTimes(numbers) {
  return Object.fromEntries(Object.entries(numbers).filter(([k]) => !TIMES.test(k)));
}

function sameNumbers(what, firefox, chromium) {
  const [a, b] = [withoutTimes(firefox), withoutTimes(chromium)];
  assert(Object.keys(a).length >= 8, `${what}: too few numbers in Firefox: ${JSON.stringify(a)}`);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const differ = [...keys].filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k]} vs ${b[k]}`);
  assert(differ.length === 0, `${what}: Firefox and Chromium differ:\n      ${differ.join('\n      ')}`);
  return keys.size;
}

/** A CSV of 200 rows × 5 features and the response (a fixed generator: the same file). */
function makeCsv() {
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const lines = ['x1,x2,x3,x4,x5,y'];
  for (let i = 0; i < 200; i++) {
    const a = [...Array(5)].map(() => uniform());
    const b = a.reduce((s, v, j) => s + (j + 1) * v / 10, 0) + 0.05 * (uniform() - 0.5);
    lines.push(a.concat(b).map((v) => v.toFixed(6)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A Firefox page whose console errors, exceptions and failed requests land in `errors`. */
async function firefoxPage(browser, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message ?? e}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { page, errors };
}

/** One scenario in both browsers: `act(page, kind)` drives a page (puppeteer or
 * playwright, whose evaluate calls are alike) and returns what to compare. */
async function bothBrowsers(firefox, chromium, url, viewport, act) {
  const { page, errors } = await firefoxPage(firefox, viewport);
  await page.goto(url);
  const fromFirefox = await act(page, 'firefox');
  const context = await chromium.newContext({ viewport });
  const other = await context.newPage();
  await other.goto(url);
  const fromChromium = await act(other, 'chromium');
  await context.close();
  return { page, errors, fromFirefox, fromChromium };
}

function waitJob(page, kind, since = null) {
  return kind === 'firefox'
    ? page.waitForFunction(jobDone, { timeout: 180000, polling: 200 }, since)
    : page.waitForFunction(jobDone, since, { timeout: 180000 });
}

function waitSweep(page, kind) {
  return kind === 'firefox'
    ? page.waitForFunction(sweepDone, { timeout: 180000, polling: 200 })
    : page.waitForFunction(sweepDone, null, { timeout: 180000 });
}

async function shot(page, name) {
  mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `firefox-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const scenarios = [
  ['the default experiment, with its fits and α_SGD', async (firefox, chromium, url) => {
    const { page, errors, fromFirefox, fromChromium } = await bothBrowsers(firefox, chromium, url,
      { width: 1280, height: 800 }, async (p, kind) => {
        await waitJob(p, kind);
        return p.evaluate(readNumbers);
      });
    const count = sameNumbers('default', fromFirefox, fromChromium);
    console.log(`   ${count} numbers equal; ${await shot(page, 'default')}`);
    await page.close();
    return errors;
  }],
  ['the digits, which the workers fetch', async (firefox, chromium, url) => {
    const { page, errors, fromFirefox, fromChromium } = await bothBrowsers(firefox, chromium,
      `${url}?data=digits&runs=200&steps=300&gamma=0.1`, { width: 1280, height: 800 },
      async (p, kind) => {
        await waitJob(p, kind);
        return p.evaluate(readNumbers);
      });
    const count = sameNumbers('digits', fromFirefox, fromChromium);
    assert(fromFirefox.n === '1797', `digits rows: ${fromFirefox.n}`);
    console.log(`   ${count} numbers equal; ${await shot(page, 'digits')}`);
    await page.close();
    return errors;
  }],
  ['a CSV upload', async (firefox, chromium, url) => {
    const file = path.join(root, 'target', 'e2e', 'firefox-upload.csv');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, makeCsv());
    const { page, errors, fromFirefox, fromChromium } = await bothBrowsers(firefox, chromium,
      `${url}?runs=300&steps=200&data=csv`, { width: 1280, height: 800 }, async (p, kind) => {
        const since = await p.evaluate(() => document.getElementById('status')?.getAttribute('data-job') ?? null);
        if (kind === 'firefox') {
          const input = await p.waitForSelector('#ctl-csv');
          await input.uploadFile(file);
        } else {
          await p.setInputFiles('#ctl-csv', file);
        }
        await waitJob(p, kind, since);
        return p.evaluate(readNumbers);
      });
    assert(Number(fromFirefox.n) === 200 && Number(fromFirefox.d) === 5,
      `CSV shape in Firefox: ${fromFirefox.n} x ${fromFirefox.d}`);
    const count = sameNumbers('CSV', fromFirefox, fromChromium);
    console.log(`   ${count} numbers equal; ${await shot(page, 'csv')}`);
    await page.close();
    return errors;
  }],
  ['a γ sweep', async (firefox, chromium, url) => {
    const query = '?n=200&d=10&steps=200&runs=200&sweep=gamma&sweep_points=4&sweep_runs=200';
    const { page, errors, fromFirefox, fromChromium } = await bothBrowsers(firefox, chromium,
      url + query, { width: 1280, height: 800 }, async (p, kind) => {
        await waitJob(p, kind);
        // Scrolled to first: the panels above it are laid out as they come into view
        // (content-visibility: auto), which moves the button under a click in flight.
        await p.evaluate(() => document.getElementById('sweep-run').scrollIntoView({ block: 'center' }));
        await new Promise((done) => setTimeout(done, 300));
        await p.click('#sweep-run');
        await waitSweep(p, kind);
        return p.evaluate(readSweepRows);
      });
    assert(fromFirefox.length === 4, `sweep rows in Firefox: ${JSON.stringify(fromFirefox)}`);
    const strip = (rows) => JSON.stringify(rows.map(({ text, ...data }) => withoutTimes(data)));
    assert(strip(fromFirefox) === strip(fromChromium),
      `sweep rows differ:\n      ${strip(fromFirefox)}\n      ${strip(fromChromium)}`);
    const status = await page.evaluate(() => document.getElementById('sweep-status').textContent);
    assert(/^4 points × 200 runs in /.test(status), `sweep status: "${status}"`);
    console.log(`   ${status} ${await shot(page, 'sweep')}`);
    await page.close();
    return errors;
  }],
  ['the embed view', async (firefox, chromium, url) => {
    const { page, errors, fromFirefox, fromChromium } = await bothBrowsers(firefox, chromium,
      `${url}?embed=1&runs=500&gamma=0.05`, { width: 720, height: 520 }, async (p, kind) => {
        await waitJob(p, kind);
        return p.evaluate(() => ({
          numbers: [...document.querySelectorAll('#numbers dd')].length,
          status: document.getElementById('status').textContent.replace(/in [^.]*\./, ''),
          width: document.documentElement.scrollWidth,
          height: document.documentElement.scrollHeight,
          header: getComputedStyle(document.querySelector('header.top')).display,
        }));
      });
    assert(fromFirefox.header === 'none', `the header shows in the embed view: ${fromFirefox.header}`);
    assert(fromFirefox.width <= 720 && fromFirefox.height <= 520,
      `embed is ${fromFirefox.width} × ${fromFirefox.height} in Firefox`);
    assert(fromFirefox.status === fromChromium.status, `status ${fromFirefox.status} vs ${fromChromium.status}`);
    console.log(`   ${fromFirefox.status.trim()} ${fromFirefox.width} × ${fromFirefox.height}; ${await shot(page, 'embed')}`);
    await page.close();
    return errors;
  }],
];

async function main() {
  buildPage();
  const server = await serveDist();
  let firefox;
  let chromium;
  let [passed, failed] = [0, 0];
  try {
    firefox = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
    chromium = await launch();
    console.log(`firefox: ${await firefox.version()} (puppeteer-core, WebDriver BiDi)`);
    for (const [name, fn] of scenarios) {
      try {
        const errors = await fn(firefox, chromium, server.url);
        assert(errors.length === 0, `console errors or exceptions:\n    ${errors.join('\n    ')}`);
        passed++;
        console.log(`ok - firefox: ${name}`);
      } catch (e) {
        failed++;
        console.log(`FAIL - firefox: ${name}\n    ${e.stack ?? e}`);
      }
    }
  } finally {
    await firefox?.close();
    await chromium?.close();
    server.stop();
  }
  console.log(`firefox: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed === scenarios.length ? 0 : 1);
}

main().catch((e) => {
  console.log(`firefox: setup failed: ${e.stack ?? e}`);
  console.log('firefox: 0 passed, 1 failed');
  process.exit(1);
});
