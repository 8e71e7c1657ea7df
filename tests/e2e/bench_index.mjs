// Speed of α_SGD on the page, run by hand — NOT part of `make test`:
//
//   node tests/e2e/bench_index.mjs                 # trunk build --release, then measure
//   E2E_SKIP_BUILD=1 node tests/e2e/bench_index.mjs
//   BENCH_REPEATS=5 …                              # passes per case (default 3)
//
// 1. α_SGD on the default page: from the `hsgd-fits-job-1` mark (the fitted laws drawn)
//    to `hsgd-index-job-1` (α_SGD drawn: src/web/page.rs), and the worker's own
//    `sgd index` time (the numbers panel's `time_sgd_index`), a fresh context each pass
//    (harness.mjs, openSettled);
// 2. the default 8-point γ sweep (500 runs per point) with its α_SGD curve: from the
//    click on "Run sweep" to the sweep's status "8 points × … in …", after the page's own
//    run and α_SGD have finished.
// Prints one line per measurement. Numbers go in BENCHMARKS.md.
import {
  buildPage, launch, markTime, openSettled, readNumbers, serveDist,
} from './harness.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS) || 3;

function line(label, xs) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`${label}: min ${s[0].toFixed(0)} ms, median ${s[Math.floor(s.length / 2)].toFixed(0)} ms`
    + ` [${xs.map((x) => Math.round(x)).join(', ')}]`);
}

async function main() {
  buildPage();
  const server = await serveDist();
  const browser = await launch();
  try {
    const stage = [];
    const worker = [];
    const sweep = [];
    for (let i = 0; i < REPEATS; i++) {
      const { page, close } = await openSettled(browser);
      await page.goto(server.url);
      const fits = await markTime(page, 'hsgd-fits-job-1', 180000);
      const index = await markTime(page, 'hsgd-index-job-1', 180000);
      stage.push(index - fits);
      worker.push((await readNumbers(page)).time_sgd_index);
      const t0 = await page.evaluate(() => {
        document.getElementById('sweep-run').click();
        return performance.now();
      });
      const t1 = await page.waitForFunction(() => {
        const s = document.getElementById('sweep-status').textContent;
        return /^\d+ points × \d+ runs in /.test(s) ? performance.now() : null;
      }, null, { timeout: 300000, polling: 20 }).then((h) => h.jsonValue());
      sweep.push(t1 - t0);
      console.log(`pass ${i + 1}: ${await page.textContent('#sweep-status')}`);
      await close();
    }
    line('alpha_SGD stage on the default page (fits drawn -> alpha_SGD drawn)', stage);
    line('alpha_SGD in the worker (time_sgd_index)', worker);
    line('default 8-point sweep with the alpha_SGD curve (click -> done)', sweep);
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((e) => {
  console.log(`bench_index: failed: ${e.stack ?? e}`);
  process.exit(1);
});
