// shot.js -- a screenshot of one page of a running `dateline serve`, for
// looking at the page while working on it:
//   node tests/browser/shot.js URL OUT.png [WIDTH HEIGHT]
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');
(async () => {
  const [url, out, w, hgt] = process.argv.slice(2);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-shot-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, bypassCSP: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: Number(w) || 1280, height: Number(hgt) || 900 },
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('page error:', String(e)));
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => {
    const m = document.querySelector('#main');
    return m && !m.classList.contains('loading') && m.dataset.ready;
  }, null, { timeout: 20000 });
  await page.screenshot({ path: out, fullPage: process.env.FULL === '1' });
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
})().catch((e) => { console.error(e); process.exit(1); });
