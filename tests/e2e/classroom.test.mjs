// End-to-end tests of the classroom and embed controls (src/web/classroom.rs, embed.rs,
// embed_code.rs): `hide=` hides controls and panels while the page still runs, `panels=`
// chooses the embedded view's plots and their order, and the "copy embed code" snippet
// opens the embedded view on the same numbers, through the clipboard or its fallback
// field. Run by tests/e2e/default.mjs.
import {
  assert, openPage, readNumbers, screenshot, SUB_PATH, waitForRun,
} from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/** The ids of the plots shown (`plot-<id>` of the visible figures), in screen order. */
function shownPlots(page) {
  return page.evaluate(() => [...document.querySelectorAll('#plots figure')]
    .filter((f) => !f.hidden && f.getBoundingClientRect().height > 0)
    .map((f) => ({ id: f.querySelector('canvas').id.replace(/^plot-/, ''), box: f.getBoundingClientRect() }))
    .sort((a, b) => (a.box.top - b.box.top) || (a.box.left - b.box.left))
    .map((f) => f.id));
}

/** The numbers of two pages agree, but for the timings. */
function assertSameNumbers(a, b, what) {
  const keys = Object.keys(a).filter((k) => typeof a[k] === 'number' && typeof b[k] === 'number'
    && !k.startsWith('time_') && k !== 'wall_ms');
  assert(keys.length >= 8 && keys.includes('sgd_mean'), `${what}: too few numbers: ${keys}`);
  for (const k of keys) assert(a[k] === b[k], `${what}: ${k} is ${a[k]} against ${b[k]}`);
  return keys.length;
}

/** Replaces navigator.clipboard before the page's scripts: a recorder, or nothing. */
async function stubClipboard(page, present) {
  await page.addInitScript((present) => {
    const clipboard = present
      ? { writeText: (text) => { window.copiedText = text; return Promise.resolve(); } }
      : undefined;
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => clipboard, configurable: true });
  }, present);
}

/** The iframe's address in an embed snippet (its src attribute, entities decoded). */
function snippetUrl(page, snippet) {
  return page.evaluate((html) => {
    const frame = new DOMParser().parseFromString(html, 'text/html').querySelector('iframe');
    return frame ? frame.getAttribute('src') : null;
  }, snippet);
}

test('hide=batch,sweep hides the batch control and the sweep section; the page still runs',
  async (browser, url) => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${url}?hide=batch,sweep,chalkboard&batch=2&runs=300&steps=200`);
    const status = await waitForRun(page);
    assert(status.startsWith('300 runs in'), `status: "${status}"`);
    assert(await page.isHidden('#ctl-batch'), 'the batch control shows');
    assert(await page.isHidden('#sweep'), 'the sweep section shows');
    for (const shown of ['#ctl-gamma', '#gamma-slider', '#ctl-runs', '#run', '#copy-embed',
      '#plot-histogram']) {
      assert(await page.isVisible(shown), `${shown} is hidden`);
    }
    // The hidden batch size still applies, and the link keeps both.
    assert(await page.inputValue('#ctl-batch') === '2', 'the hidden control lost its value');
    assert(page.url().includes('batch=2') && page.url().includes('hide=batch,sweep'),
      `URL: ${page.url()}`);
    assert(!page.url().includes('chalkboard'), `the unknown name stays in the URL: ${page.url()}`);
    const notes = await page.textContent('#url-notes');
    assert(/hide names no control or panel of the page: 'chalkboard'/.test(notes),
      `no notice of the unknown name: "${notes}"`);
    // Run and the numbers work as ever.
    const numbers = await readNumbers(page);
    assert(Number.isFinite(numbers.sgd_mean) && numbers.sgd_runs + numbers.sgd_diverged === 300,
      `numbers: ${JSON.stringify(numbers)}`);
    const before = await page.getAttribute('#status', 'data-job');
    await page.fill('#ctl-runs', '200');
    await page.click('#run');
    assert((await waitForRun(page, before)).startsWith('200 runs in'), 'the second run');
    await close();
    return errors;
  });

test('a classroom view at desktop and phone width', async (browser, url) => {
  const hide = 'data,method,batch,delta,steps,seed,samples_per_run,burn_in,basis,coordinate,'
    + 'hill_k,sweep,explain,loss,spectrum,qq-stable';
  const all = [];
  for (const [width, height, name] of [[1280, 800, 'classroom.png'], [390, 844, 'classroom-phone.png']]) {
    const { page, errors, close } = await openPage(browser, { width, height });
    await page.goto(`${url}?hide=${hide}&runs=500`);
    await waitForRun(page);
    for (const key of ['data', 'method', 'batch', 'steps', 'seed', 'hill_k']) {
      assert(await page.isHidden(`#ctl-${key}`), `#ctl-${key} shows`);
    }
    assert(await page.isVisible('#ctl-gamma') && await page.isVisible('#ctl-runs'), 'γ or R hidden');
    assert(await page.isHidden('.explain-panel'), 'the explanation shows');
    const plots = await shownPlots(page);
    assert(JSON.stringify(plots) === JSON.stringify(
      ['histogram', 'tail', 'index-evolution', 'variance-evolution', 'hill', 'qq-t']),
    `plots shown: ${plots}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(wide <= width, `the page is ${wide} px wide at ${width}`);
    console.log(`   ${width} px: ${await screenshot(page, name)}`);
    all.push(...errors);
    await close();
  }
  return all;
});

test('panels= in the embedded view shows exactly the chosen plots, in its order',
  async (browser, url) => {
    const { page, errors, close } = await openPage(browser, { width: 720, height: 520 });
    await page.goto(`${url}?embed=1&panels=qq-t,tail,nothing&runs=300&steps=200`);
    await waitForRun(page);
    const plots = await shownPlots(page);
    assert(JSON.stringify(plots) === JSON.stringify(['qq-t', 'tail']), `plots shown: ${plots}`);
    assert(/panels names no plot of the page: 'nothing'/.test(await page.textContent('#url-notes')),
      'no notice of the unknown plot');
    assert(await page.isHidden('#copy-embed'), 'the embed-code button shows in the embed');
    // The link to the full page keeps the choice.
    const href = await page.getAttribute('#open-full', 'href');
    assert(href.includes('panels=qq-t,tail') && href.includes('embed=false'), `full-page link: ${href}`);
    // Without panels= the embed shows its usual two.
    await page.goto(`${url}?embed=1&runs=300&steps=200`);
    await waitForRun(page);
    const usual = await shownPlots(page);
    assert(JSON.stringify(usual) === JSON.stringify(['histogram', 'tail']), `usual plots: ${usual}`);
    await close();
    return errors;
  });

test('the embed snippet opens the embedded view on the same numbers', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await stubClipboard(page, true);
  await page.goto(`${url}?runs=400&steps=300&seed=5&gamma=0.3&batch=2&hide=delta`);
  await waitForRun(page);
  const source = await readNumbers(page);
  await page.click('#copy-embed');
  await page.waitForFunction(() => /^Copied/.test(document.getElementById('embed-copied').textContent));
  assert(await page.isHidden('#embed-code-fallback'), 'the fallback shows though the copy worked');
  const snippet = await page.evaluate(() => window.copiedText);
  assert(/^<iframe src="[^"]+" width="720" height="520"[^>]*title="[^"]+"><\/iframe>$/.test(snippet),
    `snippet: ${snippet}`);
  const src = await snippetUrl(page, snippet);
  assert(src.startsWith(url) && src.includes(SUB_PATH), `the snippet is not on the page's address: ${src}`);
  assert(src.includes('embed=true') && src.includes('seed=5') && src.includes('hide=delta'), `src: ${src}`);
  const embedded = await openPage(browser, { width: 720, height: 520 });
  await embedded.page.goto(src);
  await waitForRun(embedded.page);
  assert(await embedded.page.evaluate(() => document.body.classList.contains('embed')), 'not embedded');
  const count = assertSameNumbers(source, await readNumbers(embedded.page), 'embed');
  console.log(`   ${count} numbers reproduced by ${src.slice(url.length, url.length + 60)}…`);
  errors.push(...embedded.errors);
  await embedded.close();
  await close();
  return errors;
});

test('without a clipboard the embed code shows in a selected field', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await stubClipboard(page, false);
  await page.goto(`${url}?runs=300&steps=200`);
  await waitForRun(page);
  assert(await page.isHidden('#embed-code-fallback'), 'the fallback shows before a click');
  await page.click('#copy-embed');
  await page.waitForSelector('#embed-code-fallback', { state: 'visible' });
  assert(/copy the code below/.test(await page.textContent('#embed-copied')), 'no explanation');
  const { value, selected, focused } = await page.evaluate(() => {
    const field = document.getElementById('embed-code-text');
    return {
      value: field.value,
      selected: field.value.slice(field.selectionStart, field.selectionEnd),
      focused: document.activeElement === field,
    };
  });
  assert(value.startsWith(`<iframe src="${url}?`), `fallback text: ${value}`);
  assert(focused && selected === value, 'the fallback text is not selected');
  const src = await snippetUrl(page, value);
  assert(src.includes('embed=true') && src.includes('runs=300'), `src: ${src}`);
  console.log(`   ${await screenshot(page, 'embed-code-fallback.png')}`);
  await close();
  return errors;
});
