// Drives a listening page (<stem>.html) in headless Chromium and prints what it saw as JSON;
// tests/accessible.rs compares that with the render's timing map and chapters.
//
//   node tests/tools/page_check.mjs PAGE.html SCREENSHOT.png [--sections N]
//
// Uses the system Chromium (CHROMIUM, else /usr/bin/chromium) through playwright-core; never
// downloads a browser. Only the page's own files may be requested (it must work offline).
import { launch, sleep } from './browser.mjs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const [pagePath, screenshot] = process.argv.slice(2);
if (!pagePath || !screenshot) {
  console.error('usage: page_check.mjs PAGE.html SCREENSHOT.png');
  process.exit(2);
}
const url = pathToFileURL(path.resolve(pagePath)).href;
const folder = path.dirname(url);

const browser = await launch();
const out = { requests: [], errors: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  page.on('request', (r) => out.requests.push(r.url()));
  page.on('pageerror', (e) => out.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') out.errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('audio').readyState >= 1, null, {
    timeout: 15000,
  });
  const audioTime = () => page.evaluate(() => document.getElementById('audio').currentTime);

  // Structure and text.
  out.title = await page.title();
  out.h1 = await page.locator('h1').innerText();
  out.landmarks = await page.evaluate(() =>
    Array.from(document.querySelectorAll('header, nav, main, footer, [role=region]')).map(
      (e) => e.getAttribute('role') || e.tagName.toLowerCase(),
    ),
  );
  out.headings = await page.evaluate(() =>
    Array.from(document.querySelectorAll('h1, h2')).map((h) => `${h.tagName} ${h.textContent.trim()}`),
  );
  out.live_regions = await page.evaluate(
    () => document.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log]').length,
  );
  out.tracks = await page.evaluate(() =>
    Array.from(document.querySelectorAll('track')).map((t) => `${t.kind} ${t.getAttribute('src')}`),
  );
  out.chapters = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.chapters button')).map((b) => ({
      title: b.firstChild.textContent.trim(),
      start: Number(b.dataset.b),
    })),
  );
  out.sentences = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.s[data-b]')).map((s) => ({
      id: s.id,
      text: s.textContent,
      start: Number(s.dataset.b),
      end: Number(s.dataset.e),
    })),
  );

  // A chapter seeks (paused).
  const chapter = Math.min(2, out.chapters.length - 1);
  await page.locator('.chapters button').nth(chapter).click();
  out.chapter_clicked = { index: chapter, time: await audioTime() };

  // A sentence plays from its start: take one that lasts long enough to see it begin.
  const pick = out.sentences.findIndex((s, i) => i > 3 && s.end - s.start > 1.5);
  const sentence = out.sentences[pick];
  await page.locator(`#${sentence.id}`).click();
  out.sentence_clicked = {
    id: sentence.id,
    time: await audioTime(),
    paused: await page.evaluate(() => document.getElementById('audio').paused),
  };

  // Playing: the highlight follows the audio. Start just before the sentence ends, so that
  // the next one comes within the samples.
  await page.evaluate((t) => {
    document.getElementById('audio').currentTime = t;
  }, sentence.end - 1.0);
  out.follow = [];
  for (let k = 0; k < 12; k += 1) {
    await sleep(400);
    out.follow.push(
      await page.evaluate(() => {
        const now = document.querySelector('.s.now');
        return {
          time: document.getElementById('audio').currentTime,
          now: now ? now.id : null,
          in_view: now
            ? now.getBoundingClientRect().bottom > 0 &&
              now.getBoundingClientRect().top < window.innerHeight
            : false,
        };
      }),
    );
  }
  await page.screenshot({ path: screenshot });
  await page.evaluate(() => document.getElementById('audio').pause());

  // Keyboard alone: from the top, `h` goes section by section; Tab reaches the chapter list.
  await page.reload();
  await page.waitForFunction(() => document.getElementById('audio').readyState >= 1);
  out.keys = [];
  for (let k = 0; k < 2; k += 1) {
    await page.keyboard.press('h');
    await sleep(150);
    out.keys.push(
      await page.evaluate(() => ({
        time: document.getElementById('audio').currentTime,
        focus: `${document.activeElement.tagName} ${document.activeElement.textContent.trim()}`,
        focus_visible: getComputedStyle(document.activeElement).outlineStyle !== 'none',
      })),
    );
  }
  await page.keyboard.press('p');
  await sleep(150);
  out.paragraph_key = await page.evaluate(() => ({
    time: document.getElementById('audio').currentTime,
    focus: document.activeElement.id,
  }));
  await page.keyboard.press('Shift+H');
  await sleep(150);
  out.back_key = await page.evaluate(() => document.getElementById('audio').currentTime);
  await page.keyboard.press('k');
  await sleep(600);
  out.play_key = await page.evaluate(() => !document.getElementById('audio').paused);
  await page.keyboard.press('k');
  out.pause_key = await page.evaluate(() => document.getElementById('audio').paused);
  await page.keyboard.press('q');
  await sleep(150);
  out.quote_key = await page.evaluate(() => ({
    time: document.getElementById('audio').currentTime,
    focus: document.activeElement.id,
  }));

  await page.reload();
  await page.waitForFunction(() => document.getElementById('audio').readyState >= 1);
  out.tab_order = [];
  for (let k = 0; k < 40; k += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      return {
        tag: e.tagName,
        text: e.textContent.trim().slice(0, 60),
        chapter: e.closest('.chapters') ? Number(e.dataset.b) : null,
        focus_visible: getComputedStyle(e).outlineStyle !== 'none',
      };
    });
    out.tab_order.push(focused);
    const third = process.env.THIRD;
    if (third && focused.chapter !== null && focused.text.startsWith(third)) {
      await page.keyboard.press('Enter');
      out.tab_enter = { chapter: focused.chapter, time: await audioTime() };
      break;
    }
  }

  // 200 % zoom: a 1280 px wide window at 200 % is 640 CSS px; nothing may scroll sideways.
  await page.setViewportSize({ width: 640, height: 400 });
  out.zoom_overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );

  // axe-core, in light and in dark mode.
  out.axe = {};
  for (const scheme of ['light', 'dark']) {
    await page.setViewportSize({ width: 1000, height: 800 });
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    out.axe[scheme] = result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      help: v.help,
    }));
    if (scheme === 'dark') {
      out.dark_background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      await page.screenshot({ path: screenshot.replace(/\.png$/, '-dark.png') });
    }
  }
  out.folder = folder;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
