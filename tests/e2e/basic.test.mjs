// End-to-end tests of the basic page: the default experiment, URL state, bad input,
// cancel, worker failure, the phone layout, digits with both methods, and the bounds'
// response to γ. Run by tests/e2e/default.mjs.
import {
  assert, inkPixels, lastJob, openPage, readNumbers, renderPanels, screenshot, waitForFits,
  waitForRun,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function assertFiniteNumbers(numbers) {
  const keys = Object.keys(numbers);
  assert(keys.length >= 8, `too few numbers on the page: ${JSON.stringify(numbers)}`);
  for (const [k, v] of Object.entries(numbers)) {
    if (k === 'data' || k === 'sgd_verdict') continue; // text rows
    // α_SGD is text while it is computed, or when only a bound is known ("> 16").
    if (k.startsWith('alpha_sgd') && typeof v === 'string') continue;
    assert(typeof v === 'number' && Number.isFinite(v), `number ${k} is not finite: ${v}`);
  }
}

test('the default experiment runs on opening and draws the histogram', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url);
  const status = await waitForRun(page);
  assert(/^2000 runs in \d/.test(status), `status after the default run: "${status}"`);
  const numbers = await readNumbers(page);
  assertFiniteNumbers(numbers);
  assert(numbers.sgd_runs + numbers.sgd_diverged === 2000, `runs: ${JSON.stringify(numbers)}`);
  // The shape the default controls state (the defaults live in src/report/config.rs).
  const [n, d] = [Number(await page.inputValue('#ctl-n')), Number(await page.inputValue('#ctl-d'))];
  assert(numbers.n === n && numbers.d === d, `shape: ${numbers.n} x ${numbers.d}, controls ${n} x ${d}`);
  assert(numbers.wall_ms > 0, `wall time ${numbers.wall_ms}`);
  const hist = await inkPixels(page, 'plot-histogram');
  assert(hist.ink > 0.02 * hist.total && hist.accent > 0.01 * hist.total,
    `histogram canvas looks empty: ${JSON.stringify(hist)}`);
  const spec = await inkPixels(page, 'plot-spectrum');
  assert(spec.accent > 0, `spectrum canvas has no markers: ${JSON.stringify(spec)}`);
  assert(page.url().includes('runs=2000') && page.url().includes('gamma=0.74'),
    `the URL does not hold the config: ${page.url()}`);
  console.log(`   ${status} histogram ${hist.width}x${hist.height}, ${hist.accent} bar pixels;`
    + ` saved ${await screenshot(page, 'default.png')}`);
  await close();
  return errors;
});

test('a URL with parameters sets the controls and reproduces its numbers', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  const query = '?runs=300&steps=200&seed=7&gamma=0.08';
  await page.goto(url + query);
  const status = await waitForRun(page);
  assert(status.startsWith('300 runs in'), `status: "${status}"`);
  assert(await page.inputValue('#ctl-runs') === '300', 'runs control');
  assert(await page.inputValue('#ctl-gamma') === '0.08', 'gamma control');
  const first = await readNumbers(page);
  assertFiniteNumbers(first);
  await page.reload();
  await waitForRun(page);
  const second = await readNumbers(page);
  assert(first.sgd_mean === second.sgd_mean && first.lambda1 === second.lambda1,
    `not reproduced: ${first.sgd_mean} vs ${second.sgd_mean}`);
  assert(page.url().includes('seed=7'), `URL lost the seed: ${page.url()}`);
  await screenshot(page, 'url-params.png');
  await close();
  return errors;
});

test('bad input is shown next to its control and the page keeps working', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=200&steps=100`);
  await waitForRun(page);
  await page.fill('#ctl-gamma', '-1');
  await page.press('#ctl-gamma', 'Tab');
  const message = await page.textContent('#err-gamma');
  assert(/learning rate/.test(message), `no error next to γ: "${message}"`);
  assert(await page.getAttribute('#ctl-gamma', 'aria-invalid') === 'true', 'γ not marked invalid');
  await page.click('#run');
  assert(/learning rate/.test(await page.textContent('#err-gamma')), 'error vanished on Run');
  await page.fill('#ctl-batch', 'ten');
  await page.press('#ctl-batch', 'Tab');
  assert(/“ten” is not a whole number/.test(await page.textContent('#err-batch')),
    'no error for batch=ten');
  assert(/learning rate/.test(await page.textContent('#err-gamma')), 'γ error lost');
  await screenshot(page, 'bad-input.png');
  await page.fill('#ctl-batch', '2');
  await page.press('#ctl-batch', 'Tab');
  await page.fill('#ctl-gamma', '0.04');
  await page.press('#ctl-gamma', 'Tab');
  assert(await page.textContent('#err-gamma') === '', 'error not cleared');
  const before = await lastJob(page);
  await page.click('#run');
  const status = await waitForRun(page, before);
  assert(status.startsWith('200 runs in'), `status after fixing the input: "${status}"`);
  assert(page.url().includes('gamma=0.04') && page.url().includes('batch=2'), `URL: ${page.url()}`);
  await close();
  return errors;
});

test('cancel stops a long run and a new run works', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=200000&steps=2000`);
  await page.waitForFunction(() => /^Running/.test(document.getElementById('status').textContent),
    null, { timeout: 60000 });
  const t0 = Date.now();
  await page.click('#cancel');
  assert(await page.textContent('#status') === 'Cancelled.', 'status after cancel');
  assert(await page.isDisabled('#cancel'), 'cancel still enabled');
  await page.fill('#ctl-runs', '100');
  await page.press('#ctl-runs', 'Tab');
  const before = await lastJob(page);
  await page.click('#run');
  const status = await waitForRun(page, before);
  assert(status.startsWith('100 runs in'), `status after the new run: "${status}"`);
  console.log(`   cancelled and re-ran in ${Date.now() - t0} ms`);
  await screenshot(page, 'cancel.png');
  await close();
  return errors;
});

test('a worker that fails to start is reported and Run recovers', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  const context = page.context();
  await context.route('**/worker.js', (route) => route.fulfill({
    contentType: 'text/javascript',
    body: 'throw new Error("simulated worker failure");',
  }));
  await page.goto(`${url}?runs=100&steps=100`);
  const status = await waitForRun(page);
  assert(status.startsWith('Stopped'), `status with a broken worker: "${status}"`);
  const message = await page.textContent('#error');
  assert(/worker failed/.test(message), `no worker error shown: "${message}"`);
  await screenshot(page, 'worker-failure.png');
  await context.unroute('**/worker.js');
  const before = await lastJob(page);
  await page.click('#run');
  const after = await waitForRun(page, before);
  assert(after.startsWith('100 runs in'), `status after recovery: "${after}"`);
  assert(await page.isHidden('#error'), 'the old error is still shown');
  await close();
  // The simulated failure itself is expected in the console; nothing else is.
  return errors.filter((e) => !e.includes('simulated worker failure'));
});

test('the phone layout fits 390 px and draws', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(`${url}?runs=500`);
  await waitForRun(page);
  await renderPanels(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `page is ${width} px wide on a 390 px screen`);
  const hist = await inkPixels(page, 'plot-histogram');
  assert(hist.accent > 0.01 * hist.total, `histogram empty on the phone: ${JSON.stringify(hist)}`);
  await screenshot(page, 'phone.png');
  await close();
  return errors;
});

test('digits with both methods draws every plot', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?data=digits&method=both&runs=300&steps=300&gamma=0.1`);
  const status = await waitForRun(page, null, 180000);
  assert(/^300 runs in \d/.test(status), `status: "${status}"`);
  // The fitted laws (the QQ plots, the histogram's curves) arrive after the report.
  await waitForFits(page, 180000);
  assert(await page.inputValue('#ctl-data') === 'digits', 'data control');
  assert(await page.inputValue('#ctl-method') === 'both', 'method control');
  const numbers = await readNumbers(page);
  assert(numbers.n === 1797 && numbers.d === 64, `digits shape: ${numbers.n} x ${numbers.d}`);
  const ids = await page.evaluate(() => [...document.querySelectorAll('#plots canvas')].map((c) => c.id));
  assert(ids.length >= 3, `plots: ${ids}`);
  for (const id of ids) {
    const ink = await inkPixels(page, id);
    assert(ink.ink > 0.01 * ink.total, `${id} looks empty: ${JSON.stringify(ink)}`);
  }
  // Two translucent overlaid histograms and five curves: well above the axes' ink.
  const hist = await inkPixels(page, 'plot-histogram');
  assert(hist.ink > 0.08 * hist.total, `histogram nearly empty: ${JSON.stringify(hist)}`);
  console.log(`   ${status} ${ids.length} plots drawn; saved ${await screenshot(page, 'digits-both.png')}`);
  await close();
  return errors;
});

test('digits that cannot be fetched are an error on the data control, and Run tries again', async (browser, url) => {
  // The page's wasm does not bundle the digits: its workers fetch data/digits.csv.gz.
  const { page, errors, close } = await openPage(browser);
  const file = /\/data\/digits\.csv\.gz$/;
  await page.context().route(file, (route) => route.fulfill({ status: 503, body: 'down' }));
  await page.goto(`${url}?data=digits&runs=200&steps=200&gamma=0.1`);
  const said = 'the digits data could not be loaded';
  await page.waitForFunction((s) => document.body.innerText.includes(s), said, { timeout: 60000 });
  const message = await page.evaluate((s) => [...document.querySelectorAll('body *')]
    .map((e) => e.childElementCount === 0 ? e.textContent : '').find((t) => t.includes(s)), said);
  assert(/HTTP 503/.test(message), `the message does not say why: "${message}"`);
  await page.context().unroute(file);
  const before = await lastJob(page);
  await page.click('#run');
  const status = await waitForRun(page, before, 120000);
  assert(/^200 runs in \d/.test(status), `status after the retry: "${status}"`);
  const numbers = await readNumbers(page);
  assert(numbers.n === 1797 && numbers.d === 64, `digits shape: ${numbers.n} x ${numbers.d}`);
  console.log(`   "${message.trim()}"; after Run: ${status}`);
  await close();
  // The refused file is the error this test asked for.
  return errors.filter((e) => !(e.startsWith('HTTP 503') && file.test(e)));
});

test('raising the learning rate lowers both bounds', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=100&steps=100&gamma=0.02`);
  await waitForRun(page);
  const low = await readNumbers(page);
  await page.goto(`${url}?runs=100&steps=100&gamma=0.08`);
  await waitForRun(page);
  const high = await readNumbers(page);
  assert(high.upper < low.upper && high.lower < low.lower,
    `bounds at γ = 0.02: ${low.upper}, ${low.lower}; at γ = 0.08: ${high.upper}, ${high.lower}`);
  await close();
  return errors;
});


test('an original coordinate and a fixed Hill k are set from the controls and the URL', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?basis=original&coordinate=2&hill_k=30&runs=300&steps=200`);
  const status = await waitForRun(page);
  assert(status.startsWith('300 runs in'), `status: "${status}"`);
  assert(await page.inputValue('#ctl-basis') === 'original', 'basis control');
  assert(await page.inputValue('#ctl-hill_k') === '30', 'Hill k control');
  const k = await page.getAttribute('dd[data-key="sgd_hill"]', 'data-k');
  assert(Number(k) === 30, `Hill's k on the page: ${k}`);
  const label = await page.evaluate(() => document.getElementById('plot-histogram').getAttribute('aria-label'));
  assert(typeof label === 'string', 'histogram canvas');
  // Back to SVD coordinates from the control: the URL follows.
  const before = await lastJob(page);
  await page.selectOption('#ctl-basis', 'svd');
  await page.click('#run');
  await waitForRun(page, before);
  assert(page.url().includes('basis=svd'), `URL after the change: ${page.url()}`);
  await close();
  return errors;
});
