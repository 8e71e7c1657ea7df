// Accessibility: axe-core (npm, pinned in package-lock) on the default page with its fitted
// laws, on a run with both methods, and in the embedded view. Any violation fails, with
// its rule, impact and the elements it names. Run by tests/e2e/default.mjs.
import { createRequire } from 'node:module';
import { assert, openPage, waitForFits, waitForRun } from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function violations(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

function assertNone(found, where) {
  assert(found.length === 0, `axe violations ${where}:\n${found
    .map((v) => `  ${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(', ')}`).join('\n')}`);
}

test('axe finds no violation on the default page, with both methods, or embedded', async (browser, url) => {
  const { page, errors, close } = await openPage(browser);
  await page.goto(url);
  await waitForRun(page);
  await waitForFits(page);
  assertNone(await violations(page), 'on the default page');

  await page.goto(`${url}?method=both&runs=300&steps=300`);
  await waitForRun(page);
  await waitForFits(page);
  assertNone(await violations(page), 'with both methods');

  await page.goto(`${url}?embed=1&runs=300`);
  await waitForRun(page);
  assertNone(await violations(page), 'in the embedded view');
  await close();
  return errors;
});
