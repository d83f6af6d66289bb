import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core (.ci/run
 * installs chromium where it is missing). No network: every fetch other than the file itself
 * is recorded and must not happen.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const CHARTS = ['arrivals', 'concurrency', 'pool', 'latency', 'latencyCdf', 'queue', 'cost'];

describe('report.html in headless Chromium', () => {
  const out = mkdtempSync(join(tmpdir(), 'tidecast-report-'));
  let browser: Browser;

  beforeAll(async () => {
    expect(CHROMIUM, 'chromium is not installed: apt-get install chromium (.ci/run does this)').toBeTruthy();
    const r = spawnSync(process.execPath, ['dist/cli/main.js', 'run', 'scenarios/default.yaml', '--out', out, '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('writes report.html and one SVG per chart', () => {
    const files = readdirSync(out);
    for (const c of CHARTS) {
      expect(files).toContain(`${c}.svg`);
      expect(readFileSync(join(out, `${c}.svg`), 'utf8')).toMatch(/^<svg [^>]*class="marks"/);
    }
    expect(files).toContain('report.html');
  });

  it('renders every chart (SVG marks present), with no console errors and no network requests', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.waitForFunction((n) => document.querySelectorAll('.vega-embed svg.marks').length === n, CHARTS.length, { timeout: 30_000 });
    for (const c of CHARTS) {
      const marks = await page.locator(`#${c} svg.marks path, #${c} svg.marks line, #${c} svg.marks rect`).count();
      expect(marks, c).toBeGreaterThan(5);
    }
    expect(await page.locator('table tr').count()).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    if (process.env.TIDECAST_SCREENSHOT) await page.screenshot({ path: process.env.TIDECAST_SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('still shows every figure with scripts disabled (inline SVG)', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    for (const c of CHARTS) expect(await page.locator(`#${c} > svg.marks`).count(), c).toBe(1);
    await ctx.close();
  });
});
