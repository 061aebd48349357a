// A listening page over several audio files (`--max-part-duration`): a chapter in a later part
// loads that part at the right time, and playing past the end of a part goes on in the next.
// Prints what it saw as JSON for tests/accessible.rs.
//
//   node tests/tools/page_parts.mjs PAGE.html
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { launch, sleep } from './browser.mjs';

const url = pathToFileURL(path.resolve(process.argv[2])).href;
const browser = await launch();
const out = { errors: [] };
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => out.errors.push(String(e)));
  await page.goto(url);
  const ready = () => page.waitForFunction(() => document.getElementById('audio').readyState >= 1);
  await ready();
  const state = () =>
    page.evaluate(() => {
      const audio = document.getElementById('audio');
      return {
        src: decodeURIComponent(audio.currentSrc.split('/').pop()),
        time: audio.currentTime,
        now: document.querySelector('.s.now')?.id ?? null,
      };
    });
  out.parts = JSON.parse(await page.evaluate(() => document.getElementById('parts').textContent));
  const buttons = page.locator('.chapters button');
  const last = (await buttons.count()) - 1;
  out.chapter = { start: Number(await buttons.nth(last).getAttribute('data-b')) };
  await buttons.nth(last).click();
  await sleep(800);
  out.chapter.seen = await state();
  // Back to the first part, one second before its end, and play on.
  await buttons.nth(0).click();
  await sleep(800);
  await page.evaluate((t) => {
    const audio = document.getElementById('audio');
    audio.currentTime = t;
    audio.play();
  }, out.parts[1].start - 1.0);
  await sleep(2500);
  out.after_end = await state();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
