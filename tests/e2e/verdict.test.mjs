// The verdicts on the page agree with the intervals the page shows (src/report/analysis.rs,
// Verdict::of_interval and IndexVerdict): against the diffusion model's bounds and against
// SGD's own α_SGD, "above", "inside" or "below" only when the measured index's
// run-bootstrap interval lies wholly on that side, otherwise "inconclusive" (or "no
// power-law tail seen" when the tail test fails). Checked on the default page (one iterate
// per run) and with ten thinned iterates per run.
import { assert, openPage, readNumbers, readRow, waitForIndex, waitForRun } from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/** The measured interval "[lo, hi]" a verdict sentence states. */
function statedInterval(text) {
  const m = /interval over k\/2…2k \[([-\d.]+), ([-\d.]+|inf)\]/.exec(text);
  assert(m, `no interval in the verdict: "${text}"`);
  return [Number(m[1]), m[2] === 'inf' ? Infinity : Number(m[2])];
}

/** Checks one verdict sentence against [lo, hi] and the target interval [a, b]. */
function agrees(text, [lo, hi], [a, b], what) {
  if (/no power-law tail seen/.test(text)) return 'no power-law tail';
  // Rounded to the 3 decimals the sentence prints.
  const eps = 1e-3;
  if (/ lies above /.test(text)) {
    assert(lo > b - eps, `${what}: "above" but ${lo} ≤ ${b}`);
    return 'above';
  }
  if (/ lies below /.test(text)) {
    assert(hi < a + eps, `${what}: "below" but ${hi} ≥ ${a}`);
    return 'below';
  }
  if (/ lies inside /.test(text)) {
    assert(lo > a - eps && hi < b + eps, `${what}: "inside" but [${lo}, ${hi}] ⊄ [${a}, ${b}]`);
    return 'inside';
  }
  assert(/inconclusive at \d+ runs/.test(text), `${what}: no verdict word in "${text}"`);
  const onOneSide = lo > b + eps || hi < a - eps || (lo > a + eps && hi < b - eps);
  assert(!onOneSide, `${what}: "inconclusive" but [${lo}, ${hi}] settles it against [${a}, ${b}]`);
  return 'inconclusive';
}

for (const query of ['', '?samples_per_run=10&burn_in=500']) {
  test(`the verdicts agree with the intervals shown (${query || 'default page'})`, async (browser, url) => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(url + query);
    await waitForRun(page);
    await waitForIndex(page);
    const numbers = await readNumbers(page);
    const bounds = [numbers.lower, numbers.upper];
    assert(Number.isFinite(bounds[0]) && Number.isFinite(bounds[1]), `bounds ${bounds}`);
    const text = numbers.sgd_verdict;
    assert(typeof text === 'string', `no verdict row: ${JSON.stringify(numbers)}`);
    const measured = statedInterval(text);
    const onBounds = agrees(text, measured, bounds, 'against the bounds');

    // Against α_SGD: the row's data-lo/hi are the measured interval, the α_SGD row's its
    // ±1.96 s.e. interval.
    const row = await readRow(page, 'sgd_index_verdict');
    assert(row, 'no verdict against α_SGD');
    const lo = Number(row.lo);
    const hi = row.hi === undefined ? Infinity : Number(row.hi);
    assert(Math.abs(lo - measured[0]) < 1e-3 && (hi === Infinity || Math.abs(hi - measured[1]) < 1e-3),
      `the two verdicts state different intervals: [${lo}, ${hi}] and ${measured}`);
    const alpha = await readRow(page, 'alpha_sgd');
    const target = alpha.lo !== undefined
      ? [Number(alpha.lo), Number(alpha.hi)]
      : [Number(alpha.lower_bound ?? 0), alpha.upper_bound !== undefined ? Number(alpha.upper_bound) : Infinity];
    const onIndex = agrees(row.text, [lo, hi], target, 'against α_SGD');
    console.log(`   bounds [${bounds.map((v) => v.toFixed(3))}]: ${onBounds}; α_SGD`
      + ` [${target.map((v) => v.toFixed(3))}]: ${onIndex}; measured [${measured}]`);
    await close();
    return errors;
  });
}
