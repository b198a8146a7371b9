// page.test.js -- drives dateline's web page in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) against a running
// `dateline serve` over an archive of ../shared/corpus (tests/browser/run.sh
// prepares both).  It searches, opens an article, a timeline and the quotes,
// checks what is rendered, reloads a shared URL, and saves screenshots in
// $OUT (tests/out/).  Exits 0 when every check holds; prints
// "browser: N passed, N failed".
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BASE = process.env.BASE;           // http://127.0.0.1:PORT
const OUT = process.env.OUT || path.join(__dirname, '..', 'out');
const QUERY = process.env.QUERY || 'darroch';
if (!BASE) { console.error('BASE (the server URL) is not set'); process.exit(2); }
fs.mkdirSync(OUT, { recursive: true });

let passed = 0, failed = 0;
function check(what, ok, detail) {
  if (ok) { passed++; console.log('ok    ' + what); }
  else { failed++; console.log('FAIL  ' + what + (detail !== undefined ? ': ' + detail : '')); }
}

// waits until the page has drawn the view for the current URL
async function settled(page) {
  await page.waitForFunction(() => {
    const m = document.querySelector('#main');
    return m && !m.classList.contains('loading') && m.dataset.ready;
  }, null, { timeout: 20000 });
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-chromium-'));
  // a fresh profile (--user-data-dir) each run, handed over as playwright wants it
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    bypassCSP: true, // the page's CSP forbids eval, which waitForFunction uses
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    // --- home
    await page.goto(BASE + '/');
    await settled(page);
    check('home: the heading', (await page.textContent('h1')).includes('What happened'));
    check('home: the archive size', /\d[\d,]* articles from/.test(await page.textContent('#main')));
    await page.screenshot({ path: path.join(OUT, 'home.png') });

    // --- search with the keyboard: "/" focuses the box
    await page.keyboard.press('/');
    check('"/" focuses the search box', await page.evaluate(() => document.activeElement.id === 'q'));
    await page.keyboard.type(QUERY);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => new URL(u).searchParams.get('q') === QUERY);
    await settled(page);
    const hits = await page.$$('.hit');
    check('search: results listed', hits.length >= 3, hits.length);
    const firstId = hits.length ? (await hits[0].getAttribute('data-id')) : '';
    const allText = (await page.textContent('.hits').catch(() => '')).toLowerCase();
    check('search: the query word in the results', allText.includes(QUERY.toLowerCase()));
    check('search: snippets marked', (await page.$$('.hit mark')).length > 0);
    check('search: the mentions chart drawn', (await page.$$('svg.chart rect.bar')).length >= 1);
    await page.screenshot({ path: path.join(OUT, 'search.png'), fullPage: false });

    // --- j then Enter opens the first result's article
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => new URL(u).searchParams.get('id'));
    await settled(page);
    const h1 = (await page.textContent('article h1')).trim();
    check('article: a title', h1.length > 5, h1);
    const body = await page.textContent('article .body');
    check('article: the text', body.length > 200, body.length);
    const marks = await page.$$eval('article .body span', (els) => els.map((e) => e.className));
    check('article: entities marked', marks.some((c) => /e-(person|org|place)/.test(c)), marks.length);
    check('article: times marked', marks.some((c) => /\btx\b/.test(c)));
    check('article: side panel lists names', (await page.$$('.side li')).length >= 1);
    check('article: the first hit was opened', new URL(page.url()).searchParams.get('id') === firstId,
          page.url() + ' / ' + firstId);
    await page.screenshot({ path: path.join(OUT, 'article.png'), fullPage: false });

    // --- Escape goes back to the results
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => !new URL(u).searchParams.get('id'));
    await settled(page);
    check('Escape: back to the results', (await page.$$('.hit')).length >= 3);

    // --- "2": the timeline of the query
    await page.keyboard.press('2');
    await page.waitForURL((u) => new URL(u).searchParams.get('view') === 'timeline');
    await settled(page);
    const dates = await page.$$eval('.tl-date time', (els) => els.map((e) => e.getAttribute('datetime')));
    check('timeline: dates listed', dates.length >= 2, dates.length);
    check('timeline: in date order', dates.every((d, i) => i === 0 || dates[i - 1] <= d), dates.join(' '));
    check('timeline: one dot per date on the axis', (await page.$$('svg.tl-axis circle.dot')).length === dates.length);
    check('timeline: sentences with links', (await page.$$('.tl-date .line a')).length >= dates.length);
    await page.screenshot({ path: path.join(OUT, 'timeline.png'), fullPage: true });

    // --- a shared link: reload the URL in a new page
    const url = page.url();
    const p2 = await browser.newPage();
    await p2.setViewportSize({ width: 390, height: 844 });
    p2.on('pageerror', (e) => errors.push(String(e)));
    await p2.goto(url);
    await settled(p2);
    check('reload: the query is back in the box', (await p2.inputValue('#q')) === QUERY);
    check('reload: the same timeline', (await p2.$$('.tl-date')).length === dates.length);
    const overflow = await p2.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check('phone: no sideways scrolling', overflow <= 1, overflow);
    await p2.screenshot({ path: path.join(OUT, 'timeline-phone.png'), fullPage: false });
    await p2.close();

    // --- "3": quotes grouped by speaker
    await page.keyboard.press('3');
    await page.waitForURL((u) => new URL(u).searchParams.get('view') === 'quotes');
    await settled(page);
    const speakers = await page.$$('.speaker');
    check('quotes: grouped by speaker', speakers.length >= 1, speakers.length);
    check('quotes: quotes shown', (await page.$$('.quote blockquote')).length >= 1);
    await page.screenshot({ path: path.join(OUT, 'quotes.png'), fullPage: false });

    check('no JavaScript errors', errors.length === 0, errors.join(' | '));

    // --- a bad id: an error shown (the 404 itself is logged by Chromium)
    await page.goto(BASE + '/?id=no-such-article');
    await settled(page);
    check('unknown article: an error card', (await page.textContent('#main')).includes('no article'));
  } catch (e) {
    check('the scenario ran to its end', false, e.stack || String(e));
    await page.screenshot({ path: path.join(OUT, 'failure.png') }).catch(() => {});
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
