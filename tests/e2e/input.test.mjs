// End-to-end tests of the page's input side (src/web/upload.rs, live.rs, embed.rs): a CSV
// picked from disk (valid, malformed, kept across a reload), controls shown per data set,
// the γ slider and automatic re-runs, the budget note, divergence explained, the embedded
// view, and the controls at phone width. Run by tests/e2e/default.mjs.
import {
  assert, inkPixels, lastJob, openPage, readNumbers, screenshot, waitForFits, waitForRun,
  WORKER_FILES,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/**
 * A CSV of `rows` rows: `features` feature columns and the response last,
 * b = Σ_j (j+1)·a_j/10 + noise, from a fixed linear congruential generator (the same
 * file every time).
 */
function makeCsv(rows, features, seed = 12345) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const header = [...Array(features).keys()].map((j) => `x${j + 1}`).concat('y').join(',');
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const a = [...Array(features)].map(() => uniform());
    const b = a.reduce((s, v, j) => s + (j + 1) * v / 10, 0) + 0.05 * (uniform() - 0.5);
    lines.push(a.concat(b).map((v) => v.toFixed(6)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function csvFile(name, text) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text) };
}

function assertFinite(numbers) {
  for (const [k, v] of Object.entries(numbers)) {
    if (typeof v === 'number') assert(Number.isFinite(v), `number ${k} is not finite: ${v}`);
    else assert(!/\bNaN\b|\binf(inity)?\b/i.test(v), `text ${k} shows ${v}`);
  }
}

/** Waits until no job has ended for `ms` (to show that nothing ran by itself). */
/**
 * Whether no job starts within `ms`: the last job stays the last, and the page is not busy
 * running one (Cancel may be enabled for the α_SGD stage after a report, which is no job).
 */
async function noJobFor(page, ms) {
  const before = await lastJob(page);
  await page.waitForTimeout(ms);
  return (await lastJob(page)) === before && (await page.getAttribute('#app', 'aria-busy')) !== 'true';
}

test('a CSV upload gives results; a malformed one an error while the page keeps working', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=300&steps=200`);
  await waitForRun(page);
  // The data never leave the browser: after the page has loaded, no request is made.
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  assert(await page.isVisible('#ctl-n') && !(await page.isVisible('#csv-zone')),
    'synthetic data should show n and hide the CSV zone');

  await page.selectOption('#ctl-data', 'csv');
  assert(await page.isVisible('#csv-zone'), 'the CSV zone is hidden for data = csv');
  assert(await page.isVisible('#ctl-response') && await page.isVisible('#ctl-preprocess'),
    'response / preprocessing controls hidden for a CSV');
  assert(!(await page.isVisible('#ctl-n')) && !(await page.isVisible('#ctl-features')),
    'synthetic-only controls shown for a CSV');
  assert(/choose a CSV file/.test(await page.textContent('#err-csv')),
    `no prompt for a file: "${await page.textContent('#err-csv')}"`);

  // A valid file: 200 rows × 6 columns (header, response last); it re-runs by itself.
  let before = await lastJob(page);
  await page.setInputFiles('#ctl-csv', csvFile('data.csv', makeCsv(200, 5)));
  let status = await waitForRun(page, before);
  assert(status.startsWith('300 runs in'), `status after the upload: "${status}"`);
  let numbers = await readNumbers(page);
  assert(numbers.n === 200 && numbers.d === 5, `CSV shape on the page: ${numbers.n} x ${numbers.d}`);
  assertFinite(numbers);
  const summary = await page.textContent('#csv-summary');
  assert(/data\.csv/.test(summary) && /200 rows × 6 columns/.test(summary), `summary: "${summary}"`);
  assert(page.url().includes('data=csv') && !page.url().includes('x1'),
    `the URL holds the data's values: ${page.url()}`);
  const hist = await inkPixels(page, 'plot-histogram');
  assert(hist.accent > 0.01 * hist.total, `histogram empty for the CSV: ${JSON.stringify(hist)}`);
  console.log(`   ${status} ${summary}; saved ${await screenshot(page, 'csv.png')}`);

  // A malformed file: a word in row 7 (the 6th data row after the header), column 3.
  const lines = makeCsv(50, 5).split('\n');
  const cells = lines[6].split(',');
  cells[2] = 'abc';
  lines[6] = cells.join(',');
  const previousMean = numbers.sgd_mean;
  await page.setInputFiles('#ctl-csv', csvFile('bad.csv', lines.join('\n')));
  await page.waitForFunction(() => document.getElementById('err-csv').textContent !== '');
  let message = await page.textContent('#err-csv');
  assert(/row 7, column 3: 'abc' is not a number/.test(message), `error for the word: "${message}"`);
  assert(/bad\.csv/.test(await page.textContent('#csv-summary')), 'the bad file name is not shown');
  assert(await noJobFor(page, 600), 'a job ran on a malformed CSV');
  numbers = await readNumbers(page);
  assert(numbers.n === 200 && numbers.sgd_mean === previousMean,
    `the previous results are gone: n = ${numbers.n}, mean ${numbers.sgd_mean}`);
  await screenshot(page, 'csv-error.png');

  // Ragged rows and a single column are named too.
  await page.setInputFiles('#ctl-csv', csvFile('ragged.csv', '1,2,3\n4,5,6\n7,8\n'));
  await page.waitForFunction(() => /row 3 has 2 fields/.test(document.getElementById('err-csv').textContent));
  await page.setInputFiles('#ctl-csv', csvFile('one.csv', '1\n2\n3\n'));
  await page.waitForFunction(() => /at least 2 columns/.test(document.getElementById('err-csv').textContent));
  // A response column that does not exist: the error sits next to that control.
  await page.setInputFiles('#ctl-csv', csvFile('small.csv', makeCsv(150, 3, 7)));
  await page.fill('#ctl-response', '9');
  await page.press('#ctl-response', 'Tab');
  message = await page.textContent('#err-response');
  assert(/out of range: the CSV has 4 columns/.test(message), `response error: "${message}"`);

  // Then a valid file works again.
  before = await lastJob(page);
  await page.fill('#ctl-response', 'auto');
  await page.press('#ctl-response', 'Tab');
  status = await waitForRun(page, before);
  assert(status.startsWith('300 runs in'), `status after the good file: "${status}"`);
  assert(await page.textContent('#err-csv') === '', 'the CSV error is still shown');
  numbers = await readNumbers(page);
  assert(numbers.n === 150 && numbers.d === 3, `second CSV shape: ${numbers.n} x ${numbers.d}`);

  // Only fresh workers load their scripts and wasm again (from this page's own origin).
  const foreign = requests.filter((r) => !r.startsWith(`GET ${url}`) || !WORKER_FILES.test(r));
  assert(foreign.length === 0, `requests while handling the CSV: ${foreign.join(', ')}`);

  // A reload keeps the file (sessionStorage) and reproduces the numbers.
  await page.reload();
  status = await waitForRun(page);
  assert(status.startsWith('300 runs in'), `status after the reload: "${status}"`);
  const reloaded = await readNumbers(page);
  assert(reloaded.n === 150 && reloaded.sgd_mean === numbers.sgd_mean,
    `reload: n = ${reloaded.n}, mean ${reloaded.sgd_mean} vs ${numbers.sgd_mean}`);
  assert(/small\.csv/.test(await page.textContent('#csv-summary')), 'the file name after the reload');
  await close();
  return errors;
});

test('a file dropped on the page becomes the data set', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=300&steps=200`);
  await waitForRun(page);
  const before = await lastJob(page);
  // What a drag from the file manager delivers: a DataTransfer holding a File.
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
    const target = document.getElementById('controls');
    for (const kind of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(kind, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, makeCsv(120, 4, 3));
  const status = await waitForRun(page, before);
  assert(status.startsWith('300 runs in'), `status after the drop: "${status}"`);
  assert(await page.inputValue('#ctl-data') === 'csv', 'the data set did not switch to the CSV');
  const numbers = await readNumbers(page);
  assert(numbers.n === 120 && numbers.d === 4, `dropped CSV shape: ${numbers.n} x ${numbers.d}`);
  assert(/dropped\.csv/.test(await page.textContent('#csv-summary')), 'file name not shown');
  assert(!(await page.evaluate(() => document.body.classList.contains('dragging'))), 'still marked dragging');
  await close();
  return errors;
});

test('without a kept file, data=csv asks for the file and the page keeps working', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?data=csv&runs=200&steps=100`);
  // The controls (and #err-csv) are built once the wasm has loaded, after the first paint.
  await page.waitForFunction(() => /choose a CSV file/.test(document.getElementById('err-csv')?.textContent ?? ''));
  assert(/Fix the marked input/.test(await page.textContent('#status')), 'status without a file');
  let before = await lastJob(page);
  await page.selectOption('#ctl-data', 'synthetic');
  let status = await waitForRun(page, before);
  assert(status.startsWith('200 runs in'), `status after switching back: "${status}"`);

  // A file over the 4 MB kept for a reload: it runs, and after a reload the page asks
  // for it again by name (never a blank error).
  const big = makeCsv(120000, 3, 99);
  assert(big.length > 4e6, `the big file is only ${big.length} characters`);
  before = await lastJob(page);
  await page.setInputFiles('#ctl-csv', csvFile('big.csv', big));
  status = await waitForRun(page, before);
  assert(status.startsWith('200 runs in'), `status after the big file: "${status}"`);
  assert((await readNumbers(page)).n === 120000, 'rows of the big file');
  await page.reload();
  await page.waitForFunction(() => /big\.csv.*too large to keep.*choose the file again/
    .test(document.getElementById('err-csv')?.textContent ?? ''));
  await screenshot(page, 'csv-too-large.png');
  await close();
  return errors;
});

test('the γ slider and a small change re-run by themselves; a large one waits for Run', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  // The paper's wider design (d = 50) at γ = 0.05: a job short enough to re-run at once.
  await page.goto(`${url}?d=50&gamma=0.05`);
  await waitForRun(page);
  assert(/^Limits: n·d ≤ 4,000,000 matrix entries, runs·d ≤ 20,000,000/.test(await page.textContent('#budget')),
    `budget note: "${await page.textContent('#budget')}"`);
  assert(/stability limit γ₂ = 0\.16/.test(await page.textContent('#gamma-scale')),
    `slider scale: "${await page.textContent('#gamma-scale')}"`);
  // The slider sits at log10(0.05).
  const value = Number(await page.inputValue('#gamma-slider'));
  assert(Math.abs(value - Math.log10(0.05)) < 0.01, `slider at ${value}`);

  // Drag the slider (several input events) to log10 γ = −1.5: the box follows; the first
  // move runs at once and the last position runs as soon as those plots are drawn (the
  // moves in between are skipped): two jobs, with no click and no pause.
  let before = await lastJob(page);
  await page.evaluate(() => {
    const s = document.getElementById('gamma-slider');
    for (const v of ['-1.4', '-1.45', '-1.5']) {
      s.value = v;
      s.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  assert(await page.inputValue('#ctl-gamma') === '0.0316', `γ box: ${await page.inputValue('#ctl-gamma')}`);
  await page.waitForFunction((job) => document.getElementById('status')
    .getAttribute('data-job') === job, String(Number(before) + 2), { timeout: 120000 });
  let status = await page.textContent('#status');
  assert(status.startsWith('2000 runs in'), `status after the slider: "${status}"`);
  assert(await noJobFor(page, 800), 'a third job ran after the slider');
  assert(page.url().includes('gamma=0.0316'), `URL after the slider: ${page.url()}`);
  await waitForFits(page);
  let numbers = await readNumbers(page);
  assertFinite(numbers);
  // The second job replaced the worker still fitting the first job's laws (by the split
  // pool's standby worker, when loaded): its numbers equal a fresh page's at that link.
  const fresh = await openPage(browser);
  await fresh.page.goto(page.url());
  await waitForRun(fresh.page);
  await waitForFits(fresh.page);
  const clean = await readNumbers(fresh.page);
  await fresh.close();
  errors.push(...fresh.errors);
  const keys = Object.keys(clean).filter((k) => !k.startsWith('time') && k !== 'wall_ms');
  assert(keys.includes('sgd_mean') && keys.length >= 15, `keys: ${keys}`);
  for (const k of keys) {
    assert(numbers[k] === clean[k], `${k}: ${numbers[k]} after the drag, ${clean[k]} fresh`);
  }
  console.log(`   the drag ran 2 jobs; ${keys.length} numbers equal a fresh page's`);

  // Typing in the γ box moves the slider and re-runs.
  before = await lastJob(page);
  await page.fill('#ctl-gamma', '0.01');
  await page.press('#ctl-gamma', 'Tab');
  status = await waitForRun(page, before);
  assert(status.startsWith('2000 runs in'), `status after typing γ: "${status}"`);
  assert(Math.abs(Number(await page.inputValue('#gamma-slider')) + 2) < 0.01, 'slider did not follow');

  // A large job does not start by itself; the status says how long it would take.
  await page.fill('#ctl-runs', '200000');
  await page.press('#ctl-runs', 'Tab');
  const waiting = await page.textContent('#status');
  assert(/^Press Run \(about \d+ (s|min) of work\)\.$/.test(waiting), `status for a large job: "${waiting}"`);
  assert(await noJobFor(page, 800), 'a large job started by itself');
  // An invalid input never runs.
  await page.fill('#ctl-runs', '1');
  await page.press('#ctl-runs', 'Tab');
  assert(await noJobFor(page, 600), 'an invalid input ran');
  assert(/runs must be/.test(await page.textContent('#err-runs')), 'no error for runs = 1');
  await close();
  return errors;
});

test('γ far past the stability limit explains the divergence, with no NaN', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  // Past γ₂ ≈ 0.165: one run of 300 overflows, the others are huge but finite.
  await page.goto(`${url}?d=50&runs=300&steps=900&gamma=0.2`);
  await waitForRun(page);
  let note = await page.textContent('#divergence');
  assert(await page.isVisible('#divergence'), 'no divergence note');
  assert(/SGD diverged in 1 of 300 runs/.test(note), `note: "${note}"`);
  assert(/γ = 0\.2 is past the stability limit γ₂ = 0\.16\d of this problem at B = 1/.test(note), `note: "${note}"`);
  let numbers = await readNumbers(page);
  assert(numbers.sgd_diverged === 1, `diverged: ${numbers.sgd_diverged}`);
  assertFinite(numbers);

  // Far past: every run diverges; the message sits next to γ, the plots say they are old.
  const before = await lastJob(page);
  await page.fill('#ctl-gamma', '1');
  await page.press('#ctl-gamma', 'Tab');
  await waitForRun(page, before);
  const message = await page.textContent('#err-gamma');
  assert(/SGD diverged in 300 of 300 runs/.test(message) && /γ₂ = 0\.16/.test(message),
    `message next to γ: "${message}"`);
  note = await page.textContent('#divergence');
  assert(/γ = 1 is past the stability limit/.test(note) && /Lower γ below 0\.16/.test(note), `note: "${note}"`);
  assert(await page.isVisible('#plots-note'), 'the plots do not say they are stale');
  numbers = await readNumbers(page);
  assertFinite(numbers);
  const texts = await page.evaluate(() => document.body.innerText);
  assert(!/NaN/.test(texts), 'NaN on the page');
  await screenshot(page, 'diverged.png');

  // Back below the limit: the notes go away.
  const again = await lastJob(page);
  await page.fill('#ctl-gamma', '0.05');
  await page.press('#ctl-gamma', 'Tab');
  await waitForRun(page, again);
  assert(await page.isHidden('#divergence') && await page.isHidden('#plots-note'), 'notes still shown');
  await close();
  return errors;
});

test('embed mode renders a compact view at 720 × 520', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 720, height: 520 });
  await page.goto(`${url}?embed=1&runs=500&gamma=0.05`);
  const status = await waitForRun(page);
  assert(status.startsWith('500 runs in'), `status: "${status}"`);
  assert(await page.isHidden('header.top') && await page.isHidden('.numbers-panel'), 'header or numbers shown');
  assert(await page.isVisible('#gamma-slider') && await page.isVisible('#ctl-batch')
    && await page.isVisible('#run'), 'γ slider, B or Run hidden');
  assert(await page.isHidden('#ctl-runs') && await page.isHidden('#ctl-data'), 'other controls shown');
  for (const id of ['plot-histogram', 'plot-tail']) {
    const ink = await inkPixels(page, id);
    assert(ink.ink > 0.02 * ink.total, `${id} looks empty: ${JSON.stringify(ink)}`);
  }
  assert(await page.isHidden('#plot-spectrum'), 'the spectrum plot is shown in embed mode');
  const href = await page.getAttribute('#open-full', 'href');
  assert(href.includes('embed=false') && href.includes('runs=500'), `full-page link: ${href}`);
  const size = await page.evaluate(() => [document.documentElement.scrollWidth,
    document.documentElement.scrollHeight]);
  assert(size[0] <= 720, `embed is ${size[0]} px wide`);
  assert(size[1] <= 520, `embed is ${size[1]} px tall: more than the iframe shows`);
  // The main plots are visible without scrolling in the iframe's height.
  const bottom = await page.evaluate(() => document.getElementById('plot-histogram').getBoundingClientRect().bottom);
  assert(bottom <= 520, `histogram ends at ${bottom} px, below 520`);
  const before = await lastJob(page);
  await page.evaluate(() => {
    const s = document.getElementById('gamma-slider');
    s.value = '-1.2';
    s.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await waitForRun(page, before);
  assert(page.url().includes('embed=true'), `the URL lost the flag: ${page.url()}`);
  await page.screenshot({ path: (await screenshot(page, 'embed.png')), fullPage: false });
  await close();
  return errors;
});

test('the controls fit a phone (390 px) for every data set', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(`${url}?runs=300&steps=200&data=spectrum`);
  await waitForRun(page);
  assert(await page.isVisible('#ctl-decay') && await page.isHidden('#ctl-condition'), 'spectrum controls');
  await page.selectOption('#ctl-shape', 'condition');
  assert(await page.isVisible('#ctl-condition') && await page.isHidden('#ctl-decay'), 'condition controls');
  await page.selectOption('#ctl-data', 'digits-rf');
  assert(await page.isVisible('#ctl-features') && await page.isHidden('#ctl-shape'), 'digits-rf controls');
  await page.selectOption('#ctl-data', 'csv');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `page is ${width} px wide on a 390 px screen`);
  await page.locator('#controls').screenshot({ path: await screenshot(page, 'phone-controls.png') });
  await close();
  return errors;
});

test('a link value that does not parse is named, with the value, and the defaults run', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?gamma=abc&runs=1e12&colour=red&steps=200`);
  await waitForRun(page);
  assert(await page.isVisible('#url-notes'), 'no notice of the ignored values');
  const note = await page.textContent('#url-notes');
  for (const said of ["'abc' of gamma", "'1e12' of runs", "'colour' is not a setting"]) {
    assert(note.includes(said), `the notice does not say ${said}: "${note}"`);
  }
  // The values that did parse are used; the others keep their defaults.
  assert(await page.inputValue('#ctl-steps') === '200', 'steps=200 was not taken');
  assert(await page.inputValue('#ctl-gamma') === '0.74', 'γ is not the default');
  const numbers = await readNumbers(page);
  assert(numbers.sgd_runs === 2000, `runs: ${numbers.sgd_runs}`);
  await close();
  return errors;
});
