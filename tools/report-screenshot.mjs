#!/usr/bin/env node
// A screenshot of a sweep's report.html as headless Chromium renders it (Debian's /usr/bin/chromium,
// driven by playwright-core; nothing is downloaded), down to the end of the last chart: the charts
// with their seed bands, the "what this shows" line above them.
//   node tools/report-screenshot.mjs runs/two-moons-sweep/report.html docs/images/main-job-report.png [--width 1400] [--full]
// --full takes the whole page (sample grids and the final-values table too).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const [report, out] = args.filter((arg, i) => !arg.startsWith('--') && !(i > 0 && args[i - 1] === '--width'));
if (!report || !out) {
  console.error('usage: node tools/report-screenshot.mjs REPORT.html OUT.png [--width PX] [--full]');
  process.exit(2);
}
const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
if (!executablePath) {
  console.error('report-screenshot: no /usr/bin/chromium; expected Debian\'s chromium (apt-get install chromium)');
  process.exit(1);
}
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: option('--width', 1400), height: 900 } });
  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: 'load' });
  if (flag('--full')) {
    await page.screenshot({ path: out, fullPage: true });
  } else {
    // from the top of the page to the bottom of the last chart
    const bottom = await page.evaluate(`Math.ceil(Math.max(...[...document.querySelectorAll('figure.chart')].map((f) => f.getBoundingClientRect().bottom + window.scrollY)) + 16)`);
    await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: option('--width', 1400), height: bottom } });
  }
  console.log(out);
} finally {
  await browser.close();
}
