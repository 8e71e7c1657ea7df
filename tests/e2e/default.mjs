// End-to-end tests of the page in headless Chromium (run by `make test`): builds with
// Trunk, serves dist/ on loopback and runs every test of every `tests/e2e/*.test.mjs`
// (each exports `tests`, a list of { name, fn(browser, url) → console errors }), failing
// any test that leaves a console error or exception. Screenshots go to target/e2e/.
// `E2E_ONLY=<regex>` runs only the tests whose file or name matches. Prints
// "e2e: N passed, M failed" last; exits 1 on any failure.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assert, buildPage, launch, serveDist } from './harness.mjs';

async function collectTests() {
  const dir = path.dirname(new URL(import.meta.url).pathname);
  const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;
  const all = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort()) {
    const { tests } = await import(pathToFileURL(path.join(dir, file)).href);
    for (const t of tests) {
      if (!only || only.test(file) || only.test(t.name)) all.push({ ...t, file });
    }
  }
  return all;
}

async function main() {
  const tests = await collectTests();
  assert(tests.length > 0, 'no e2e test matched');
  buildPage();
  const server = await serveDist();
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    browser = await launch();
    for (const { name, fn, file } of tests) {
      try {
        const errors = await fn(browser, server.url);
        assert(errors.length === 0, `console errors or exceptions:\n    ${errors.join('\n    ')}`);
        passed++;
        console.log(`ok - ${file}: ${name}`);
      } catch (e) {
        failed++;
        console.log(`FAIL - ${file}: ${name}\n    ${e.stack ?? e}`);
      }
    }
  } finally {
    if (browser) await browser.close();
    server.stop();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed === tests.length ? 0 : 1);
}

main().catch((e) => {
  console.log(`e2e: setup failed: ${e.stack ?? e}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
