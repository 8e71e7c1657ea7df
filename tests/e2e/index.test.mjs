// End-to-end tests of SGD's own tail index α_SGD on the page (src/web/stages.rs, the
// worker's `Index` stage after the fits): the default page shows the same α_SGD as
// `hsgd run` on the page's own query; the sweep draws α_SGD as a curve; Cancel during the
// α_SGD stage stops it cleanly and a new run computes it again. Screenshots of the theory
// section and of the sweep at desktop and phone widths go to target/e2e/.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  assert, openPage, readRow, renderPanels, root, screenshot, shotDir, waitForFits, waitForIndex,
  waitForRun, waitForSweep,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/** `hsgd run '<query>' --brief` of the native CLI (built first when out of date). */
function cliRun(query) {
  const build = spawnSync('cargo', ['build', '--release', '--bin', 'hsgd'], { cwd: root, stdio: 'inherit' });
  assert(build.status === 0, `cargo build --bin hsgd failed (${build.status})`);
  const r = spawnSync(path.join(root, 'target', 'release', 'hsgd'), ['run', query, '--brief'],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert(r.status === 0, `hsgd run failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Screenshot of one element (laid out as when scrolled to). */
async function shotOf(page, selector, name) {
  mkdirSync(shotDir, { recursive: true });
  await renderPanels(page);
  const file = path.join(shotDir, name);
  await page.locator(selector).screenshot({ path: file });
  return file;
}

/**
 * Whether a page number equals the CLI's: to 1e-9 relative. The seed fixes every walker's
 * stream, so the two agree but for the last few bits, which differ where the native build's
 * platform maths (the data and their SVD) rounds differently from wasm's.
 */
function same(page, cli) {
  const a = Number(page);
  return a === cli || Math.abs(a - cli) <= 1e-9 * Math.abs(cli);
}

/** The page's numbers of α_SGD against the CLI's `sgd_index`: the same. */
async function compareWithCli(page, index) {
  const alpha = await readRow(page, 'alpha_sgd');
  assert(alpha !== null, 'no α_SGD row');
  if (index.alpha !== null) {
    assert(same(alpha.value, index.alpha), `α_SGD ${alpha.value} vs CLI ${index.alpha}`);
    assert(same(alpha.se, index.alpha_std_err), `s.e. ${alpha.se} vs ${index.alpha_std_err}`);
  } else if (index.alpha_lower_bound !== null) {
    assert(alpha.value === undefined && Number(alpha.lower_bound) === index.alpha_lower_bound,
      `α_SGD > ${alpha.lower_bound} vs CLI ${index.alpha_lower_bound}`);
    assert(alpha.text.startsWith(`> ${index.alpha_lower_bound}`), `text "${alpha.text}"`);
  } else {
    assert(Number(alpha.upper_bound) === index.alpha_upper_bound, `α_SGD < ${alpha.upper_bound}`);
  }
  const mc = await readRow(page, 'lambda_2_mc');
  const cliMc = index.lambda.find((p) => p.s === 2);
  assert(same(mc.value, cliMc.value) && same(mc.se, cliMc.std_err),
    `Λ̂(2) ${mc.value} ± ${mc.se} vs CLI ${cliMc.value} ± ${cliMc.std_err}`);
  const exact = await readRow(page, 'lambda_2_exact');
  assert(same(exact.value, index.lambda_2_exact), `Λ(2) ${exact.value} vs ${index.lambda_2_exact}`);
  const gamma2 = await readRow(page, 'gamma_alpha_2');
  assert(same(gamma2.value, index.gamma_alpha_2), `γ(α=2) ${gamma2.value} vs ${index.gamma_alpha_2}`);
  const mixing = await readRow(page, 'sgd_index_mixing');
  assert(same(mixing.value, index.mixing), `K·θ_min ${mixing.value} vs ${index.mixing}`);
  assert(/not converged/.test(mixing.text) === !index.converged, `mixing text "${mixing.text}"`);
  const restricted = await readRow(page, 'alpha_sgd_restricted');
  assert((restricted !== null) === (index.restricted !== null),
    `restricted row ${JSON.stringify(restricted)} vs CLI ${JSON.stringify(index.restricted)}`);
  return alpha;
}

test('the default page shows α_SGD equal to hsgd run on the same query', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url);
  await waitForRun(page);
  const computing = await page.textContent('#status');
  const status = await waitForIndex(page);
  assert(!/Computing|Fitting/.test(status), `status after α_SGD: "${status}"`);
  assert(await page.getAttribute('#cancel', 'disabled') !== null, 'Cancel enabled after α_SGD');
  const query = new URL(page.url()).search.slice(1);
  const report = cliRun(query);
  assert(report.sgd_index, `the CLI has no sgd_index: ${report.sgd_index_note}`);
  const alpha = await compareWithCli(page, report.sgd_index);
  const upper = await readRow(page, 'upper');
  const mc = await readRow(page, 'lambda_2_mc');
  const bitwise = Number(upper.value) === report.bounds.upper
    && Number(mc.value) === report.sgd_index.lambda.find((p) => p.s === 2).value;
  console.log(`   bit-identical to the CLI: η* ${Number(upper.value) === report.bounds.upper}, Λ̂(2) ${bitwise}`);
  // The explanation substitutes the same numbers.
  const explained = await page.evaluate(() => [...document.querySelectorAll('#explain mn[data-key^="alpha_sgd"], #explain mn[data-key="sgd_index_mixing"]')]
    .map((m) => [m.dataset.key, Number(m.dataset.value)]));
  assert(explained.some(([k, v]) => k === 'sgd_index_mixing' && v === report.sgd_index.mixing),
    `explanation: ${JSON.stringify(explained)}`);
  console.log(`   α_SGD ${alpha.text} (CLI equal; status while computing: "${computing}")`);
  await page.locator('#numbers [data-group="theory"]').scrollIntoViewIfNeeded();
  console.log(`   saved ${await shotOf(page, '#numbers [data-group="theory"]', 'theory.png')}`);
  console.log(`   saved ${await screenshot(page, 'index-page.png')}`);
  await close();
  return errors;
});

test('the theory section with α_SGD on a phone-sized screen', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(url + '?n=200&d=10&steps=300&runs=400&gamma=0.1');
  await waitForRun(page);
  await waitForIndex(page);
  const alpha = await readRow(page, 'alpha_sgd');
  assert(alpha && alpha.text !== 'computing…', `α_SGD row ${JSON.stringify(alpha)}`);
  await renderPanels(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert(!overflow, 'the page scrolls sideways on a phone');
  console.log(`   α_SGD ${alpha.text}; saved ${await shotOf(page, '#numbers [data-group="theory"]', 'theory-phone.png')}`);
  await close();
  return errors;
});

test('the tail and Hill plots draw α_SGD where it has a root', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  // α_SGD ≈ 3.8 here (a well-conditioned spectrum just below SGD's threshold).
  await page.goto(url + '?data=spectrum&shape=condition&condition=3&n=200&d=10&steps=500&runs=2000&gamma=0.13');
  await waitForRun(page);
  assert(await indexPixels(page, 'plot-hill') === 0, 'α_SGD drawn before it arrived');
  await waitForIndex(page);
  const alpha = await readRow(page, 'alpha_sgd');
  assert(alpha.value !== undefined && Number(alpha.lo) < Number(alpha.value), `α_SGD ${JSON.stringify(alpha)}`);
  const tail = await indexPixels(page, 'plot-tail');
  const hill = await indexPixels(page, 'plot-hill');
  assert(tail > 50 && hill > 200, `α_SGD pixels: tail ${tail}, Hill ${hill}`);
  const explained = await page.textContent('#explain');
  assert(/SGD's own tail index αSGD/.test(explained.replace(/\s+/g, ' ')), 'no α_SGD paragraph');
  for (const id of ['tail', 'hill']) {
    console.log(`   saved ${await shotOf(page, `figure:has(#plot-${id})`, `index-${id}.png`)}`);
  }
  console.log(`   α_SGD ${alpha.text}; pixels tail ${tail}, Hill ${hill}`);
  await close();
  return errors;
});

/** Pixels of the α_SGD colour (#C026D3) on a canvas. */
function indexPixels(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (r > 150 && b > 160 && g < 110) n++;
    }
    return n;
  }, id);
}

// A well-conditioned spectrum: the walkers mix at every point, and α_SGD has roots at the
// two points before the stability limit (7.2 and 3.9), a lower bound 16 below them and
// "does not settle" at the last point.
const SWEEP = '?data=spectrum&shape=condition&condition=3&n=200&d=10&steps=200&runs=200'
  + '&sweep=gamma&sweep_points=8&sweep_runs=100';

for (const [width, height, name] of [[1280, 800, 'sweep-index.png'], [390, 844, 'sweep-index-phone.png']]) {
  test(`the sweep draws α_SGD as a curve (${width} px)`, async (browser, url) => {
    const { page, errors, close } = await openPage(browser, { width, height });
    await page.goto(url + SWEEP);
    await waitForRun(page);
    await page.click('#sweep-run');
    const status = await waitForSweep(page, null, 180000);
    assert(status.startsWith('8 points'), `sweep status "${status}"`);
    const cells = await page.evaluate(() => [...document.querySelectorAll('#sweep-table [data-alpha-sgd-cell]')]
      .map((c) => ({ ...c.dataset, text: c.textContent })));
    assert(cells.length === 8, `α_SGD cells: ${JSON.stringify(cells)}`);
    const bounds = cells.filter((c) => c.alphaSgdLowerBound !== undefined);
    assert(bounds.length >= 1 && bounds.every((c) => c.text.startsWith('> 16')),
      `lower bounds: ${JSON.stringify(cells)}`);
    const roots = cells.filter((c) => c.alphaSgd !== undefined).map((c) => Number(c.alphaSgd));
    assert(roots.length >= 2, `α_SGD roots at fewer than 2 points: ${JSON.stringify(cells)}`);
    // Larger γ, heavier tails: α_SGD falls along the sweep where it has roots.
    for (let i = 1; i < roots.length; i++) {
      assert(roots[i] < roots[i - 1], `α_SGD does not fall along γ: ${roots}`);
    }
    const ink = await indexPixels(page, 'sweep-plot');
    assert(ink > 200, `α_SGD curve pixels: ${ink}`);
    await page.locator('#sweep').scrollIntoViewIfNeeded();
    console.log(`   α_SGD ${roots.map((a) => a.toFixed(2))}; ${ink} px; saved ${await shotOf(page, '#sweep', name)}`);
    await close();
    return errors;
  });
}

test('Cancel during the α_SGD stage stops it, and Run computes it again', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  // Enough walker work that the stage is still running when Cancel is clicked.
  await page.goto(url + '?runs=1000&steps=500');
  const first = await waitForRun(page);
  await waitForFits(page);
  const computing = await page.textContent('#status');
  assert(/Computing SGD's own tail index α_SGD/.test(computing), `status: "${computing}" (after "${first}")`);
  assert(await page.getAttribute('#cancel', 'disabled') === null, 'Cancel disabled during α_SGD');
  const row = await readRow(page, 'alpha_sgd');
  assert(row?.text === 'computing…', `α_SGD row while computing: ${JSON.stringify(row)}`);
  await page.click('#cancel');
  const status = await page.textContent('#status');
  assert(/α_SGD cancelled\.$/.test(status), `status after Cancel: "${status}"`);
  assert(await page.getAttribute('#cancel', 'disabled') !== null, 'Cancel still enabled');
  const note = await page.evaluate(() => [...document.querySelectorAll('#numbers [data-group="theory"] .num-note')]
    .map((p) => p.textContent).join(' | '));
  assert(/α_SGD: cancelled/.test(note), `theory notes: ${note}`);
  assert(await readRow(page, 'alpha_sgd') === null, 'an α_SGD row after Cancel');
  // Nothing of the cancelled stage arrives later.
  await page.waitForTimeout(1500);
  assert(/α_SGD cancelled\.$/.test(await page.textContent('#status')), 'a late α_SGD');
  const job = await page.getAttribute('#status', 'data-job');
  await page.click('#run');
  await waitForRun(page, job);
  await waitForIndex(page);
  const again = await readRow(page, 'alpha_sgd');
  assert(again && again.text !== 'computing…', `α_SGD after Run: ${JSON.stringify(again)}`);
  await close();
  return errors;
});

test('a new run supersedes a running α_SGD stage', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url + '?runs=1000&steps=500');
  await waitForRun(page);
  await waitForFits(page);
  assert(/Computing SGD's own tail index/.test(await page.textContent('#status')), 'not in the α_SGD stage');
  const job = await page.getAttribute('#status', 'data-job');
  await page.fill('#ctl-gamma', '0.04');
  await page.click('#run');
  await waitForRun(page, job);
  await waitForIndex(page);
  const report = cliRun(new URL(page.url()).search.slice(1));
  await compareWithCli(page, report.sgd_index);
  await close();
  return errors;
});
