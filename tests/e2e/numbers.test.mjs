// End-to-end tests of the numbers panel and the explanation (src/web/numbers.rs,
// src/web/explain.rs): after a run of both methods, the SGD and hSGD rows, the fits tables
// with one best-AIC mark each, and MathML formulas whose numbers equal the panel's.
// Run by tests/e2e/default.mjs (E2E_ONLY=numbers selects this file).
import {
  assert, openPage, readNumbers, renderPanels, screenshot, waitForFits, waitForRun,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// A small synthetic problem, both methods: a few seconds in the browser.
const QUERY = '?method=both&n=200&d=20&runs=400&steps=300&gamma=0.05';

const METHOD_KEYS = ['runs', 'diverged', 'mean', 'hill'];
const LAWS = ['gaussian', 'student_t', 'skew_t', 'stable'];

/** The fits tables as { method: [{ law, best, loglik, aic, ks, ks_p }] }. */
function readFits(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#numbers table.fits')]
    .map((table) => [table.dataset.method, [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cell = (what) => {
        const td = tr.querySelector(`td[data-key$="_${what}"]`);
        return td && td.dataset.value !== undefined ? Number(td.dataset.value) : null;
      };
      return {
        law: tr.dataset.law,
        best: tr.dataset.best === 'true',
        marks: tr.querySelectorAll('.best-mark').length,
        loglik: cell('loglik'),
        aic: cell('aic'),
        ks: cell('ks'),
        ks_p: cell('ks_p'),
      };
    })])));
}

/** Every substituted number of the explanation's MathML as [key, value, text]. */
function readExplanation(page) {
  return page.evaluate(() => [...document.querySelectorAll('#explain math mn[data-key]')]
    .map((mn) => [mn.dataset.key, Number(mn.dataset.value), mn.textContent]));
}

test('both methods: SGD and hSGD rows, fits tables and MathML bounds', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url + QUERY);
  await waitForRun(page, null, 180000);
  const status = await waitForFits(page, 180000);
  assert(/^400 runs in \d/.test(status), `status: "${status}"`);
  const numbers = await readNumbers(page);
  for (const method of ['sgd', 'hsgd']) {
    for (const key of METHOD_KEYS) {
      const v = numbers[`${method}_${key}`];
      assert(typeof v === 'number' && Number.isFinite(v), `${method}_${key} = ${v}`);
    }
    assert(numbers[`${method}_runs`] + numbers[`${method}_diverged`] === 400,
      `${method} runs: ${numbers[`${method}_runs`]} + ${numbers[`${method}_diverged`]}`);
    const verdict = numbers[`${method}_verdict`];
    assert(typeof verdict === 'string' && /(inside|above|below) the diffusion-model (upper )?bounds?|inconclusive|no power-law tail seen/.test(verdict),
      `${method} verdict: ${verdict}`);
  }
  for (const key of ['n', 'd', 'rank', 'lambda1', 'sum_sq', 'stable_rank', 'upper', 'lower',
    'gamma_critical', 'gamma_2', 'nu_coordinate', 'sgd_measured', 'hsgd_measured', 'wall_ms', 'time_data_svd',
    'time_sgd_simulation', 'time_hsgd_simulation', 'time_sgd_fits', 'time_hsgd_fits']) {
    assert(Number.isFinite(numbers[key]), `${key} = ${numbers[key]}`);
  }
  assert(numbers.n === 200 && numbers.d === 20, `shape ${numbers.n} x ${numbers.d}`);
  // Side by side on a desktop: the two method sections share a row.
  await renderPanels(page);
  const boxes = await page.evaluate(() => ['sgd', 'hsgd'].map((m) => {
    const r = document.querySelector(`#numbers [data-group="${m}"]`).getBoundingClientRect();
    return { top: r.top, left: r.left };
  }));
  assert(boxes[0].top === boxes[1].top && boxes[0].left < boxes[1].left,
    `SGD and hSGD are not side by side: ${JSON.stringify(boxes)}`);

  const fits = await readFits(page);
  assert(Object.keys(fits).sort().join() === 'hsgd,sgd', `fits tables: ${Object.keys(fits)}`);
  for (const [method, rows] of Object.entries(fits)) {
    assert(rows.map((r) => r.law).join() === LAWS.map((l) => `${method}_fit_${l}`).join(),
      `${method} laws: ${rows.map((r) => r.law)}`);
    for (const r of rows) {
      for (const what of ['loglik', 'aic', 'ks', 'ks_p']) {
        assert(Number.isFinite(r[what]), `${r.law} ${what} = ${r[what]}`);
      }
      assert(r.ks >= 0 && r.ks <= 1 && r.ks_p >= 0 && r.ks_p <= 1, `${r.law} KS ${r.ks} p ${r.ks_p}`);
    }
    const best = rows.filter((r) => r.best);
    assert(best.length === 1 && best[0].marks === 1, `${method}: ${best.length} best rows`);
    assert(rows.reduce((n, r) => n + r.marks, 0) === 1, `${method}: more than one best mark`);
    assert(rows.every((r) => r.aic >= best[0].aic), `${method}: the best AIC is not the smallest`);
  }

  const explained = await readExplanation(page);
  const maths = await page.evaluate(() => document.querySelectorAll('#explain math').length);
  assert(maths >= 10, `only ${maths} <math> elements`);
  for (const key of ['upper', 'lower', 'gamma_critical', 'lambda1', 'n']) {
    const shown = explained.filter(([k]) => k === key);
    assert(shown.length > 0, `the explanation does not show ${key}`);
    for (const [, value] of shown) {
      assert(value === numbers[key], `explanation ${key} = ${value}, panel ${numbers[key]}`);
    }
  }
  // MathML is laid out natively: a fraction is taller than a line of text.
  const fracHeight = await page.evaluate(() => document.querySelector('#explain mfrac')
    .getBoundingClientRect().height);
  assert(fracHeight > 20, `mfrac is ${fracHeight} px high: MathML not rendered?`);
  console.log(`   ${status} ${maths} formulas; η* = ${numbers.upper}, η_* = ${numbers.lower};`
    + ` saved ${await screenshot(page, 'numbers.png')}`);
  await close();
  return errors;
});

test('the numbers panel reads on a phone: only the fits tables scroll', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(url + QUERY);
  await waitForRun(page, null, 180000);
  await waitForFits(page, 180000);
  await renderPanels(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `page is ${width} px wide on a 390 px screen`);
  const overflow = await page.evaluate(() => [...document.querySelectorAll(
    '#numbers .num-group, #explain p, #explain li')]
    .filter((e) => e.getBoundingClientRect().right > 390).map((e) => e.className || e.tagName));
  assert(overflow.length === 0, `elements past the screen edge: ${overflow}`);
  const scrollers = await page.evaluate(() => [...document.querySelectorAll('.fits-scroll')]
    .map((e) => ({ client: e.clientWidth, right: e.getBoundingClientRect().right })));
  assert(scrollers.length === 2 && scrollers.every((s) => s.right <= 390),
    `fits boxes: ${JSON.stringify(scrollers)}`);
  console.log(`   saved ${await screenshot(page, 'numbers-phone.png')}`);
  await close();
  return errors;
});
