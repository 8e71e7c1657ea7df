// End-to-end tests of the presets row (src/web/preset_links.rs, src/report/presets.rs):
// every preset is a link to its URL query; a click or Enter opens it and runs it; each
// preset runs to its numbers, and the paper's Figure-1 presets show the bounds of
// MATH.md §5.3 to 4 digits. Run by tests/e2e/default.mjs.
import {
  assert, openPage, readNumbers, readRow, screenshot, shotDir, waitForFits, waitForRun,
} from './harness.mjs';
import path from 'node:path';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// The presets the core lists (src/report/presets.rs), with MATH.md §5.3's bounds and
// λ_1 for the Figure-1 ones.
const PRESETS = {
  'fig1-x': { runs: 1000, upper: '2.955', lower: '2.909', lambda1: 319.83 },
  'fig1-y': { runs: 1000, upper: '2.913', lower: '2.477', lambda1: 137.07 },
  'fig1-z': { runs: 1000, upper: '3.056', lower: '2.702', lambda1: 93.49 },
  'sgd-vs-hsgd': { runs: 1000, methods: ['sgd', 'hsgd'] },
  'sgd-heavy-tail': { runs: 5000 },
  gsz21: { runs: 1600 },
  'ill-conditioned': { runs: 2000 },
};

/** The presets row's links as [{ key, href, name, title, current }]. */
function presetLinks(page) {
  return page.$$eval('#preset-links a.preset', (links) => links.map((a) => ({
    key: a.dataset.preset, href: a.href, name: a.textContent, title: a.title,
    current: a.getAttribute('aria-current'),
  })));
}

test('the presets row links every preset and Enter on one opens and runs it', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=200&steps=100`);
  await waitForRun(page);
  const links = await presetLinks(page);
  assert(JSON.stringify(links.map((l) => l.key)) === JSON.stringify(Object.keys(PRESETS)),
    `preset links: ${links.map((l) => l.key)}`);
  for (const l of links) {
    assert(l.name.length > 0 && l.title.length > 20, `link ${l.key} lacks a name or description`);
    assert(new URL(l.href).pathname === new URL(url).pathname, `${l.key} leaves the page: ${l.href}`);
    assert(l.current === null, `${l.key} marked current on another config`);
  }
  // Above the controls, on one line or two at desktop width.
  const box = await page.locator('#presets').boundingBox();
  const form = await page.locator('#controls').boundingBox();
  assert(box.y + box.height <= form.y, `presets row ${JSON.stringify(box)} overlaps the controls`);
  assert(box.height < 90, `presets row is ${box.height} px tall at 1280 px`);
  await page.locator('#presets').screenshot({ path: path.join(shotDir, 'presets-desktop.png') });
  // The keyboard: Tab from the header's link reaches the first preset; Enter on a
  // focused preset opens it.
  await page.focus('.top a');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.dataset?.preset);
  assert(focused === 'fig1-x', `Tab after the header lands on ${focused}`);
  await page.focus('a.preset[data-preset="sgd-heavy-tail"]');
  await Promise.all([page.waitForURL(/gamma=0\.745/), page.keyboard.press('Enter')]);
  const status = await waitForRun(page);
  assert(status.startsWith('5000 runs in'), `status after the preset: "${status}"`);
  const after = await presetLinks(page);
  assert(after.find((l) => l.key === 'sgd-heavy-tail').current === 'page'
    && after.filter((l) => l.current).length === 1, 'the opened preset is not marked');
  assert(await page.inputValue('#ctl-gamma') === '0.745', 'γ control after the preset');
  await close();
  return errors;
});

test('the presets row fits a 390 px phone', async (browser, url) => {
  const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(`${url}?runs=200&steps=100`);
  await waitForRun(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `page is ${width} px wide on a 390 px screen`);
  const boxes = await page.$$eval('#preset-links a.preset', (links) => links.map((a) => {
    const r = a.getBoundingClientRect();
    return { key: a.dataset.preset, right: r.right, height: r.height };
  }));
  for (const b of boxes) {
    assert(b.right <= 390 && b.height >= 24, `preset ${b.key} box ${JSON.stringify(b)}`);
  }
  await page.locator('#presets').screenshot({ path: path.join(shotDir, 'presets-phone.png') });
  await screenshot(page, 'presets-phone-page.png');
  await close();
  return errors;
});

test('each preset opens with its URL and runs to its numbers', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${url}?runs=200&steps=100`);
  await waitForRun(page);
  const links = await presetLinks(page);
  for (const link of links) {
    const expected = PRESETS[link.key];
    const started = Date.now();
    await page.goto(link.href);
    const status = await waitForRun(page, null, 180000);
    assert(status.startsWith(`${expected.runs} runs in`), `${link.key}: status "${status}"`);
    await waitForFits(page, 120000);
    const numbers = await readNumbers(page);
    assert(await page.isHidden('#error'), `${link.key}: error "${await page.textContent('#error')}"`);
    for (const method of expected.methods ?? ['sgd']) {
      const done = numbers[`${method}_runs`] + numbers[`${method}_diverged`];
      assert(done === expected.runs, `${link.key}: ${method} ran ${done} of ${expected.runs}`);
      assert(Number.isFinite(numbers[`${method}_mean`]), `${link.key}: ${method} mean`);
    }
    if (expected.upper) {
      const upper = await readRow(page, 'upper');
      const lower = await readRow(page, 'lower');
      assert(upper.text === expected.upper && lower.text === expected.lower,
        `${link.key}: bounds ${upper.text}, ${lower.text}; MATH.md §5.3 says `
        + `${expected.upper}, ${expected.lower}`);
      assert(Math.abs(numbers.lambda1 - expected.lambda1) < 0.006,
        `${link.key}: λ_1 = ${numbers.lambda1}`);
    }
    console.log(`   ${link.key}: ${status.trim()} (${((Date.now() - started) / 1000).toFixed(1)} s with fits)`);
    if (link.key === 'fig1-x') await screenshot(page, 'presets-fig1-x.png');
  }
  await close();
  return errors;
});
