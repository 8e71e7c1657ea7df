// End-to-end tests of the timeline (src/web/timeline.rs): playing changes the histogram
// between frames, the tail-index-against-step plot has its checkpoints, the last frame is
// exactly the final-iterate plots, the keyboard drives it, and reduced motion slows it.
// Run by tests/e2e/default.mjs.
import { assert, openPage, screenshot, waitForFits, waitForIndex } from './harness.mjs';

export const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/** The pixels of a canvas as a data URL (equal URLs: equal pictures). */
function pixels(page, id) {
  return page.evaluate((id) => document.getElementById(id).toDataURL(), id);
}

/** The frame on screen (0-based) and the number of frames, from the scrubber. */
function frame(page) {
  return page.evaluate(() => {
    const s = document.getElementById('tl-scrub');
    return { value: Number(s.value), frames: Number(s.max) + 1, disabled: s.disabled };
  });
}

const FRAME_PLOTS = ['plot-histogram', 'plot-tail', 'plot-hill'];

test('playing the default run\'s timeline changes the histogram, and the last frame is the final plots',
  async (browser, url) => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(url);
    await waitForFits(page);
    await waitForIndex(page);
    const start = await frame(page);
    assert(!start.disabled && start.frames >= 20,
      `timeline: ${JSON.stringify(start)} (about 40 checkpoints by default)`);
    assert(start.value === start.frames - 1, `the final iterates first: ${JSON.stringify(start)}`);
    const finals = {};
    for (const id of FRAME_PLOTS) finals[id] = await pixels(page, id);

    // The index-against-step plot: a Hill index at (nearly) every checkpoint.
    const label = await page.getAttribute('#plot-index-evolution', 'aria-label');
    const points = Number(/at (\d+) checkpoints/.exec(label)?.[1]);
    assert(points >= 20, `index plot points: "${label}"`);

    // Play from the first frame: the histogram differs between consecutive frames.
    await page.focus('#tl-scrub');
    await page.keyboard.press('Home');
    assert((await frame(page)).value === 0, 'Home goes to the first frame');
    assert(/^Frame 1 of \d+: step 1 of /.test(await page.textContent('#tl-label')),
      `label: ${await page.textContent('#tl-label')}`);
    assert(page.url().includes('frame=0'), `the URL holds the frame: ${page.url()}`);
    const seen = [await pixels(page, 'plot-histogram')];
    await page.click('#tl-play');
    assert(await page.textContent('#tl-play') === 'Pause', 'the play button becomes Pause');
    for (let i = 0; i < 3; i++) {
      const before = (await frame(page)).value;
      await page.waitForFunction((before) => Number(document.getElementById('tl-scrub').value) > before,
        before, { timeout: 5000 });
      seen.push(await pixels(page, 'plot-histogram'));
    }
    assert(new Set(seen).size === seen.length, 'the histogram did not change between frames');
    await screenshot(page, 'timeline-playing.png');
    // It stops on its own at the last frame, which is exactly the final-iterate plots.
    await page.waitForFunction(() => document.getElementById('tl-play').textContent === 'Play',
      null, { timeout: 30000 });
    const end = await frame(page);
    assert(end.value === end.frames - 1, `playing stops at the last frame: ${JSON.stringify(end)}`);
    for (const id of FRAME_PLOTS) {
      assert(await pixels(page, id) === finals[id], `${id} at the last frame differs from the final plot`);
    }
    assert(!page.url().includes('frame='), `the last frame is the default: ${page.url()}`);
    await close();
    return errors;
  });

test('the keyboard steps, scrubs and plays the timeline; a link opens at its frame',
  async (browser, url) => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${url}?runs=500&steps=400&frame=5`);
    await waitForFits(page);
    assert((await frame(page)).value === 5, `the link's frame: ${JSON.stringify(await frame(page))}`);
    assert(/^Frame 6 of /.test(await page.textContent('#tl-label')), 'label of frame 6');
    await page.focus('#tl-scrub');
    await page.keyboard.press('ArrowRight');
    assert((await frame(page)).value === 6, 'ArrowRight: next frame');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert((await frame(page)).value === 4, 'ArrowLeft twice');
    await page.keyboard.press('End');
    const end = await frame(page);
    assert(end.value === end.frames - 1, 'End: the final iterates');
    // The step buttons, from the keyboard.
    await page.focus('#tl-prev');
    await page.keyboard.press('Enter');
    assert((await frame(page)).value === end.frames - 2, 'the previous-step button');
    // K plays and pauses anywhere on the timeline (from the first frame: playing from the
    // one before the last would reach the end, and stop, at once).
    await page.focus('#tl-scrub');
    await page.keyboard.press('Home');
    await page.keyboard.press('k');
    assert(await page.textContent('#tl-play') === 'Pause', 'K plays');
    await page.keyboard.press('k');
    assert(await page.textContent('#tl-play') === 'Play', 'K pauses');
    await close();
    return errors;
  });

test('with reduced motion the timeline plays a frame a second, and at phone width it fits',
  async (browser, url) => {
    const { page, errors, close } = await openPage(browser, { width: 390, height: 844 });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${url}?runs=500&steps=400&frame=0`);
    await waitForFits(page);
    await page.click('#tl-play');
    await page.waitForTimeout(1500);
    const { value } = await frame(page);
    // One frame at once, then one a second (the normal pace would be six by now).
    assert(value >= 1 && value <= 3, `reduced motion advanced to frame ${value}`);
    await page.click('#tl-play');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `the page is wider than the phone by ${overflow} px`);
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await screenshot(page, 'timeline-phone.png');
    await close();
    return errors;
  });
