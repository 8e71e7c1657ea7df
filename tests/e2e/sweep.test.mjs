// End-to-end tests of the sweep section (src/web/sweep.rs, src/web/pool.rs): a small γ
// sweep on the worker pool finishes with points, a falling upper bound and ink on the
// canvas; cancel stops a long sweep and a new one still runs. Run by tests/e2e/default.mjs.
import {
  assert, inkPixels, openPage, readNumbers, renderPanels, screenshot, waitForRun, waitForSweep,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function readRows(page) {
  return page.evaluate(() => [...document.querySelectorAll('#sweep-table tbody tr')].map((tr) => ({
    index: Number(tr.dataset.index),
    upper: tr.dataset.upper === undefined ? null : Number(tr.dataset.upper),
    lower: tr.dataset.lower === undefined ? null : Number(tr.dataset.lower),
    hills: [...tr.querySelectorAll('[data-hill]')].map((s) => Number(s.dataset.hill)),
  })));
}

const SMALL = '?n=200&d=10&steps=200&runs=200&sweep=gamma&sweep_points=4&sweep_runs=200';

test('a small γ sweep runs on the workers and draws its points', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url + SMALL);
  await waitForRun(page); // the main run of the opening page
  const workers = Number(await page.getAttribute('#sweep-status', 'data-workers'));
  assert(workers >= 1 && workers <= 4, `pool size ${workers}`);
  assert(await page.inputValue('#ctl-sweep_points') === '4', 'points control from the URL');
  await page.click('#sweep-run');
  const status = await waitForSweep(page);
  assert(/^4 points × 200 runs in .* on \d workers?\.$/.test(status), `sweep status: "${status}"`);
  const rows = await readRows(page);
  assert(rows.length === 4, `rows: ${JSON.stringify(rows)}`);
  for (const r of rows) {
    assert(Number.isFinite(r.upper) && Number.isFinite(r.lower), `bounds: ${JSON.stringify(r)}`);
    assert(r.hills.length === 1 && r.hills[0] > 0, `measured point: ${JSON.stringify(r)}`);
  }
  for (let i = 1; i < rows.length; i++) {
    assert(rows[i].upper < rows[i - 1].upper, `η* does not fall along γ: ${JSON.stringify(rows)}`);
  }
  const ink = await inkPixels(page, 'sweep-plot');
  assert(ink.ink > 0.02 * ink.total && ink.accent > 0, `sweep canvas: ${JSON.stringify(ink)}`);
  assert(await page.getAttribute('#progress', 'value') !== null, 'main progress intact');
  const bar = await page.evaluate(() => {
    const b = document.getElementById('sweep-progress');
    return [Number(b.getAttribute('value')), Number(b.getAttribute('max'))];
  });
  assert(bar[0] === bar[1] && bar[1] === 4, `sweep progress ${bar}`);
  // The sweep's controls write the URL like every other setting.
  await page.selectOption('#ctl-sweep', 'batch');
  assert(page.url().includes('sweep=batch'), `URL: ${page.url()}`);
  await page.selectOption('#ctl-sweep', 'gamma');
  await page.locator('#sweep').scrollIntoViewIfNeeded();
  console.log(`   ${status} ink ${ink.ink}/${ink.total}; saved ${await screenshot(page, 'sweep.png')}`);
  await close();
  return errors;
});

test('a sweep on a phone-sized screen', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(url + SMALL.replace('sweep_points=4', 'sweep_points=3'));
  await page.click('#sweep-run');
  const status = await waitForSweep(page);
  assert(status.startsWith('3 points'), `status: "${status}"`);
  const ink = await inkPixels(page, 'sweep-plot');
  assert(ink.ink > 0.02 * ink.total, `phone sweep canvas: ${JSON.stringify(ink)}`);
  await renderPanels(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert(!overflow, 'the page scrolls sideways on a phone');
  await screenshot(page, 'sweep-phone.png');
  await close();
  return errors;
});

test('cancel stops a long sweep and a new sweep still runs', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?n=200&d=10&steps=2000&runs=200&sweep_points=8&sweep_runs=50000`);
  await page.click('#sweep-run');
  await page.waitForFunction(() => /Running/.test(document.getElementById('sweep-status').textContent),
    null, { timeout: 60000 });
  const before = await page.getAttribute('#sweep-status', 'data-job');
  await page.click('#sweep-cancel');
  const status = await waitForSweep(page, before, 5000);
  assert(status === 'Sweep cancelled.', `status after cancel: "${status}"`);
  assert(await page.isDisabled('#sweep-cancel'), 'cancel still enabled');
  await page.fill('#ctl-sweep_runs', '100');
  await page.press('#ctl-sweep_runs', 'Tab');
  await page.fill('#ctl-sweep_points', '3');
  await page.press('#ctl-sweep_points', 'Tab');
  const cancelled = await page.getAttribute('#sweep-status', 'data-job');
  await page.click('#sweep-run');
  const again = await waitForSweep(page, cancelled);
  assert(again.startsWith('3 points × 100 runs'), `status after re-run: "${again}"`);
  await close();
  return errors;
});

test('the main run is not blocked by a running sweep', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?n=200&d=10&steps=2000&runs=200&sweep_points=8&sweep_runs=50000`);
  const first = await waitForRun(page);
  assert(first.startsWith('200 runs'), `opening run: "${first}"`);
  await page.click('#sweep-run');
  await page.waitForFunction(() => /Running/.test(document.getElementById('sweep-status').textContent),
    null, { timeout: 60000 });
  const before = await page.getAttribute('#status', 'data-job');
  await page.click('#run');
  const status = await waitForRun(page, before, 60000);
  assert(status.startsWith('200 runs'), `main run during the sweep: "${status}"`);
  assert(/Running/.test(await page.textContent('#sweep-status')), 'the sweep stopped');
  await page.click('#sweep-cancel');
  await close();
  return errors;
});

test('a bad sweep setting is shown next to its control', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=200&steps=100`);
  await page.fill('#ctl-sweep_points', '1');
  await page.press('#ctl-sweep_points', 'Tab');
  const message = await page.textContent('#err-sweep_points');
  assert(/between 2 and 64/.test(message), `no error next to points: "${message}"`);
  await page.click('#sweep-run');
  assert(/between 2 and 64/.test(await page.textContent('#err-sweep_points')), 'error lost on Run');
  await close();
  return errors;
});

test('the main run split across the pool gives the single worker\'s numbers', async (browser, url) => {
  const query = '?data=digits&gamma=0.1&steps=500&runs=301&method=both';
  const read = async (cores) => {
    const { page, errors, close } = await openPage(browser);
    await page.addInitScript((n) => {
      Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => n });
    }, cores);
    await page.goto(url + query);
    const status = await waitForRun(page);
    assert(status.startsWith('301 runs in'), `status with ${cores} cores: "${status}"`);
    const numbers = await readNumbers(page);
    const split = await page.getAttribute('#status', 'data-split-workers');
    await close();
    return { numbers, errors, split };
  };
  const one = await read(1);
  const two = await read(2);
  const keys = Object.keys(one.numbers).filter((k) => !k.startsWith('time') && k !== 'wall_ms');
  assert(keys.includes('sgd_mean') && keys.length >= 8, `keys: ${keys}`);
  for (const k of keys) {
    assert(one.numbers[k] === two.numbers[k], `${k}: ${one.numbers[k]} (1 worker) vs ${two.numbers[k]} (split)`);
  }
  assert(one.split === null && two.split === '2', `split workers: ${one.split}, ${two.split}`);
  assert(Number.isFinite(two.numbers.time_sgd_simulation), 'no simulation time of the split run');
  console.log(`   ${keys.length} numbers equal; the split run used ${two.split} workers`);
  return [...one.errors, ...two.errors];
});
