// End-to-end tests of the plots and the downloads: every canvas (QQ and loss included)
// has ink after the default run; the histogram's log y toggle redraws without a run and
// lives in the URL; PNG, SVG, JSON and CSV downloads have the right content; the phone
// layout. Run by tests/e2e/default.mjs (E2E_ONLY=plots for these alone).
import { readFileSync } from 'node:fs';
import {
  assert, inkPixels, lastJob, openPage, readNumbers, renderPanels, screenshot, waitForFits,
  waitForRun,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const PLOT_IDS = ['histogram', 'tail', 'hill', 'qq-t', 'qq-stable', 'spectrum', 'loss'];

/** Every plot canvas on the page has drawn ink, and the series colour where expected. */
async function assertAllPlotsDrawn(page) {
  const ids = await page.$$eval('#plots canvas', (cs) => cs.map((c) => c.id));
  for (const id of PLOT_IDS) assert(ids.includes(`plot-${id}`), `no canvas plot-${id}: ${ids}`);
  const inks = {};
  for (const id of ids) {
    const ink = await inkPixels(page, id);
    assert(ink.width > 0 && ink.ink > 0.01 * ink.total, `${id} looks empty: ${JSON.stringify(ink)}`);
    inks[id] = ink;
  }
  // Blue SGD markers and curves on the QQ and loss plots (not just axes or a message).
  for (const id of ['plot-qq-t', 'plot-qq-stable', 'plot-loss']) {
    assert(inks[id].accent > 50, `${id} has no SGD points: ${JSON.stringify(inks[id])}`);
  }
  return inks;
}

/** Clicks `selector` and returns { name, bytes } of the download it starts. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await dl.path();
  assert(file, `download of ${selector} failed: ${await dl.failure()}`);
  return { name: dl.suggestedFilename(), bytes: readFileSync(file) };
}

test('every plot has ink after the default run, QQ and loss included', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url);
  const status = await waitForRun(page);
  assert(/^2000 runs in/.test(status), `status: "${status}"`);
  await waitForFits(page);
  const inks = await assertAllPlotsDrawn(page);
  const titles = await page.$$eval('#plots figcaption', (fs) => fs.map((f) => f.textContent));
  assert(titles.some((t) => /QQ plot against the fitted Student t/.test(t)), `titles: ${titles}`);
  assert(titles.some((t) => /α-stable/.test(t)) && titles.some((t) => /Loss/.test(t)), `${titles}`);
  console.log(`   qq-t ${inks['plot-qq-t'].accent}, qq-stable ${inks['plot-qq-stable'].accent},`
    + ` loss ${inks['plot-loss'].accent} accent pixels; saved ${await screenshot(page, 'plots.png')}`);
  await close();
  return errors;
});

test('log y redraws the histogram without a run and is kept in the URL', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=500&steps=300`);
  await waitForRun(page);
  await waitForFits(page);
  assert(!(await page.isChecked('#ctl-log_y')), 'log y checked by default');
  const pixels = () => page.evaluate(() => {
    const c = document.getElementById('plot-histogram');
    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
  });
  const linear = await pixels();
  const job = await lastJob(page);
  await page.check('#ctl-log_y');
  await page.waitForFunction(() => window.location.search.includes('log_y=true'));
  const log = await pixels();
  let changed = 0;
  for (let i = 0; i < linear.length; i += 4) if (linear[i] !== log[i] || linear[i + 2] !== log[i + 2]) changed++;
  assert(changed > 0.02 * (linear.length / 4), `log y changed only ${changed} pixels`);
  assert(await lastJob(page) === job && !/Running/.test(await page.textContent('#status')),
    'toggling log y started a run');
  assert(page.url().includes('runs=500'), `URL lost the run's config: ${page.url()}`);
  const hist = await inkPixels(page, 'plot-histogram');
  assert(hist.accent > 0.01 * hist.total, `log histogram has no bars: ${JSON.stringify(hist)}`);
  await screenshot(page, 'plots-log-y.png');
  // The URL reproduces the display: a reload opens with log y on.
  await page.reload();
  await waitForRun(page);
  assert(await page.isChecked('#ctl-log_y'), 'log y not restored from the URL');
  await page.uncheck('#ctl-log_y');
  await page.waitForFunction(() => window.location.search.includes('log_y=false'));
  await close();
  return errors;
});

test('plots download as PNG and SVG, results as JSON and CSV', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=500&steps=300&method=both&gamma=0.05`);
  await waitForRun(page);
  await waitForFits(page);
  const numbers = await readNumbers(page);

  const png = await download(page, '#download-histogram-png');
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert(signature.every((b, i) => png.bytes[i] === b), `not a PNG: ${png.bytes.subarray(0, 8)}`);
  assert(png.bytes.length > 2000, `PNG of ${png.bytes.length} bytes`);
  assert(/^hsgd-histogram-synthetic-both-gamma0\.05-B1-.*\.png$/.test(png.name), png.name);

  for (const id of ['qq-t', 'loss']) {
    const svg = await download(page, `#download-${id}-svg`);
    assert(svg.name.startsWith(`hsgd-${id}-`) && svg.name.endsWith('.svg'), svg.name);
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        root: doc.documentElement.nodeName,
        error: doc.getElementsByTagName('parsererror').length,
        texts: [...doc.getElementsByTagName('text')].map((t) => t.textContent.trim()),
        marks: doc.querySelectorAll('circle, polyline').length,
      };
    }, svg.bytes.toString('utf8'));
    assert(parsed.root === 'svg' && parsed.error === 0, `${id}: not SVG: ${JSON.stringify(parsed)}`);
    const label = id === 'qq-t' ? 'quantile of the fitted Student t' : 'step k';
    assert(parsed.texts.includes(label), `${id} lacks “${label}”: ${parsed.texts}`);
    assert(parsed.texts.some((t) => t.startsWith('hSGD')), `${id} legend: ${parsed.texts}`);
    assert(parsed.marks > 10, `${id}: ${parsed.marks} marks`);
  }

  const json = await download(page, '#download-json');
  const report = JSON.parse(json.bytes.toString('utf8'));
  assert(report.bounds && Number.isFinite(report.bounds.upper), 'JSON has no bounds');
  assert(report.sgd.centred.length === numbers.sgd_runs, 'JSON sample size');
  assert(report.config.runs === 500 && report.hsgd, 'JSON config / hsgd');

  const table = (await download(page, '#download-numbers-csv')).bytes.toString('utf8');
  const rows = table.trim().split('\n');
  assert(rows[0] === 'key,label,value', `numbers CSV header: ${rows[0]}`);
  assert(rows.length > 10, `numbers CSV has ${rows.length} rows`);
  const n = rows.find((r) => r.startsWith('n,'));
  assert(n && n.endsWith(',500'), `numbers CSV row n: ${n}`);

  const sample = (await download(page, '#download-sample-csv')).bytes.toString('utf8');
  const lines = sample.trim().split('\n');
  assert(lines[0] === 'index,sgd,hsgd', `sample CSV header: ${lines[0]}`);
  assert(lines.length === 1 + Math.max(numbers.sgd_runs, numbers.hsgd_runs ?? 0),
    `sample CSV has ${lines.length} lines`);
  const first = lines[1].split(',');
  assert(first[0] === '0' && Number.isFinite(Number(first[1])), `sample row: ${lines[1]}`);
  assert(Number(first[1]) === report.sgd.centred[0], 'sample CSV differs from the JSON');
  console.log(`   PNG ${png.bytes.length} B, JSON ${json.bytes.length} B, numbers ${rows.length - 1} rows,`
    + ` sample ${lines.length - 1} rows`);
  await close();
  return errors;
});

test('phone layout: plots and download buttons fit 390 px', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(`${url}?runs=500&steps=300`);
  await waitForRun(page);
  await waitForFits(page);
  await assertAllPlotsDrawn(page);
  await renderPanels(page);
  const overflow = await page.evaluate(() => [...document.querySelectorAll('.plot, button.download, .plot-option')]
    .map((e) => e.getBoundingClientRect())
    .filter((r) => r.right > window.innerWidth + 0.5 || r.left < -0.5).length);
  assert(overflow === 0, `${overflow} elements overflow the phone's width`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `page scrolls sideways: ${width} px`);
  console.log(`   saved ${await screenshot(page, 'plots-phone.png')}`);
  await close();
  return errors;
});
