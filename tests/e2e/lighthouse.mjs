// Lighthouse gate (run by `make test` after the browser suites): npm `lighthouse` (pinned)
// drives Debian's chromium on the built page, served under the sub-path, with its mobile
// (simulated slow 4G, 4× CPU slowdown) and desktop settings. Each is run RUNS times and
// the median of each score is gated, since a single run's performance score moves by a
// few points with the machine's load (Lighthouse's own advice). Reports go to
// target/lighthouse/. Prints "lighthouse: N passed, M failed" last; exits 1 on a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildPage, root, serveDist } from './harness.mjs';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS) || 3;
const GOALS = {
  mobile: { performance: 0.75, accessibility: 1, 'best-practices': 1, seo: 1, cls: 0.1 },
  desktop: { performance: 0.9, accessibility: 1, 'best-practices': 1, seo: 1, cls: 0.1 },
};
const CHROME_FLAGS = '--headless=new --no-sandbox --disable-gpu --disable-background-networking '
  + '--disable-component-update --disable-sync --no-first-run --disable-quic';
const outDir = path.join(root, 'target', 'lighthouse');

function lighthouse(url, formFactor, run) {
  const output = path.join(outDir, `${formFactor}-${run}.json`);
  const args = [url, '--quiet', `--chrome-flags=${CHROME_FLAGS}`, '--output=json',
    `--output-path=${output}`, '--only-categories=performance,accessibility,best-practices,seo'];
  if (formFactor === 'desktop') args.push('--preset=desktop');
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'lighthouse'), args,
    { cwd: root, env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lighthouse ${formFactor} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(readFileSync(output, 'utf8'));
  if (report.runtimeError) throw new Error(`lighthouse ${formFactor}: ${report.runtimeError.message}`);
  const scores = Object.fromEntries(Object.entries(report.categories).map(([k, v]) => [k, v.score]));
  const metric = (id) => report.audits[id].numericValue;
  return {
    ...scores,
    cls: metric('cumulative-layout-shift'),
    fcp: metric('first-contentful-paint'),
    lcp: metric('largest-contentful-paint'),
    tbt: metric('total-blocking-time'),
    si: metric('speed-index'),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  buildPage();
  mkdirSync(outDir, { recursive: true });
  const server = await serveDist();
  let [passed, failed] = [0, 0];
  try {
    for (const [formFactor, goals] of Object.entries(GOALS)) {
      const runs = [...Array(RUNS).keys()].map((i) => lighthouse(server.url, formFactor, i + 1));
      const keys = Object.keys(runs[0]);
      const med = Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))]));
      const shown = (k) => (['fcp', 'lcp', 'tbt', 'si'].includes(k) ? `${Math.round(med[k])} ms`
        : k === 'cls' ? med[k].toFixed(3) : Math.round(100 * med[k]));
      console.log(`   ${formFactor}, median of ${RUNS}: ${keys.map((k) => `${k} ${shown(k)}`).join(', ')}`);
      console.log(`   ${formFactor} performance of each run: ${runs.map((r) => Math.round(100 * r.performance)).join(', ')}`);
      const misses = Object.entries(goals).filter(([k, goal]) => (k === 'cls' ? med[k] >= goal : med[k] < goal))
        .map(([k, goal]) => `${k} ${shown(k)} (goal ${k === 'cls' ? `< ${goal}` : `≥ ${Math.round(100 * goal)}`})`);
      if (misses.length === 0) {
        passed++;
        console.log(`ok - lighthouse: ${formFactor}`);
      } else {
        failed++;
        console.log(`FAIL - lighthouse: ${formFactor}: ${misses.join('; ')}`);
      }
    }
  } finally {
    server.stop();
  }
  console.log(`lighthouse: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed === Object.keys(GOALS).length ? 0 : 1);
}

main().catch((e) => {
  console.log(`lighthouse: setup failed: ${e.stack ?? e}`);
  console.log('lighthouse: 0 passed, 1 failed');
  process.exit(1);
});
