// End-to-end tests of the Pearson curve's explanation and Theorem 3.1 measured
// (src/web/pearson_note.rs, the convex-order table of src/web/panel.rs): after a run of
// both methods, the note under the histogram says what the curve is and gives K·θ of the
// inspected coordinate (equal to K·γ(λ_i²/n + δ) from the panel's own numbers), and the
// hSGD section holds the table of E|Y|^p for p in [1, η). Screenshots at desktop and
// 390 px width. Run by tests/e2e/default.mjs (E2E_ONLY=pearson selects this file).
import {
  assert, openPage, readNumbers, screenshot, waitForFits, waitForRun,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// A small synthetic problem, both methods: a few seconds in the browser.
const STEPS = 300;
const QUERY = `?method=both&n=200&d=20&runs=400&steps=${STEPS}&gamma=0.05`;

/** The note under the histogram: its text and K·θ, θ and the stationarity flag. */
function readNote(page) {
  return page.evaluate(() => {
    const note = document.getElementById('pearson-note');
    // Folded under its summary until opened: open it to read and measure it.
    const details = note?.closest('details');
    if (details) details.open = true;
    const span = note?.querySelector('[data-key="k_theta"]');
    const box = note?.getBoundingClientRect();
    return note && {
      text: note.textContent,
      inFigure: note.closest('figure')?.querySelector('canvas')?.id ?? null,
      kTheta: span ? Number(span.dataset.value) : null,
      theta: span ? Number(span.dataset.theta) : null,
      stationary: span?.dataset.stationary,
      width: box.width,
      right: box.right,
    };
  });
}

/** The Theorem 3.1 table as rows of { p, hsgd, lo, hi, independent, stationary, order }. */
function readTable(page) {
  return page.evaluate(() => {
    const table = document.querySelector('#numbers [data-group="hsgd"] table.convex-order');
    if (!table) return null;
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cell = (what) => tr.querySelector(`[data-key$="_${what}"]`);
      const value = (what) => (cell(what)?.dataset.value === undefined
        ? null : Number(cell(what).dataset.value));
      return {
        p: value('p'),
        hsgd: value('hsgd'),
        lo: Number(cell('hsgd').dataset.lo),
        hi: Number(cell('hsgd').dataset.hi),
        independent: value('independent'),
        stationary: value('stationary'),
        order: tr.dataset.order,
        text: tr.textContent,
      };
    });
  });
}

for (const [width, height, name] of [[1280, 800, 'pearson.png'], [390, 844, 'pearson-phone.png']]) {
  test(`the Pearson curve is explained with K·θ and Theorem 3.1 is measured (${width} px)`, async (browser, url) => {
    const { page, errors, close } = await openPage(browser, { width, height });
    await page.goto(url + QUERY);
    await waitForRun(page, null, 180000);
    await waitForFits(page, 180000);
    const numbers = await readNumbers(page);
    const note = await readNote(page);
    assert(note, 'no #pearson-note');
    assert(note.inFigure === 'plot-histogram', `the note is not in the histogram's figure: ${note.inFigure}`);
    assert(/stationary law of the independent Pearson diffusion of coordinate 0/.test(note.text),
      `note: ${note.text}`);
    assert(/Theorem 3\.1/.test(note.text) && /convex order/.test(note.text), `note: ${note.text}`);
    // K·θ from the panel's own numbers: θ_1 = γ(λ_1²/n + δ) with δ = 0.
    const theta = 0.05 * numbers.lambda1 ** 2 / numbers.n;
    assert(Math.abs(note.theta - theta) < 1e-9 * theta, `θ ${note.theta} against ${theta}`);
    assert(Math.abs(note.kTheta - STEPS * theta) < 1e-9 * STEPS * theta,
      `K·θ ${note.kTheta} against ${STEPS * theta}`);
    assert(numbers.k_theta === note.kTheta, `panel k_theta ${numbers.k_theta}, note ${note.kTheta}`);
    assert(note.stationary === String(note.kTheta >= 5), `stationary flag ${note.stationary}`);
    assert(note.text.includes('K·θ = '), `the note does not say K·θ: ${note.text}`);
    assert(note.right <= width, `the note overflows: right edge ${note.right} > ${width}`);

    const rows = await readTable(page);
    assert(rows && rows.length >= 1, 'no Theorem 3.1 table in the hSGD section');
    const eta = numbers.nu_coordinate;
    for (const r of rows) {
      assert(r.p >= 1 && r.p < eta, `p = ${r.p} outside [1, η = ${eta})`);
      assert(Number.isFinite(r.hsgd) && r.lo <= r.hsgd && r.hsgd <= r.hi, `hSGD cell ${JSON.stringify(r)}`);
      assert(Number.isFinite(r.independent) && r.independent > 0, `independent cell ${JSON.stringify(r)}`);
      assert(Number.isFinite(r.stationary) && r.stationary > 0, `stationary cell ${JSON.stringify(r)}`);
      assert(['holds', 'within-interval', 'violated'].includes(r.order), `order ${r.order}`);
    }
    assert(rows[0].p === 1, `the first order is ${rows[0].p}, not 1`);
    console.log(`   K·θ = ${note.kTheta.toFixed(2)}; ${rows.length} orders, ${rows.map((r) => r.order).join(', ')};`
      + ` saved ${await screenshot(page, name)}`);
    await close();
    return errors;
  });
}

test('an SGD-only run explains the curve and says how to measure Theorem 3.1', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url + `?n=200&d=20&runs=300&steps=${STEPS}&gamma=0.05`);
  await waitForRun(page, null, 180000);
  const note = await readNote(page);
  assert(note && /Run hSGD/.test(note.text) && note.text.includes('K·θ = '), `note: ${note?.text}`);
  const rows = await readTable(page);
  assert(rows === null, 'a Theorem 3.1 table without hSGD');
  await close();
  return errors;
});
