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

  it('every axis says its unit: a title ending "(unit)", and log axes labelled with units (ms, s, %)', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.waitForFunction((n) => document.querySelectorAll('.vega-embed svg.marks').length === n, CHARTS.length, { timeout: 30_000 });
    for (const c of CHARTS) {
      const axes = await page.evaluate(
        (id) =>
          [...document.querySelectorAll(`#${id} svg.marks g.role-axis`)].map((a) => ({
            title: a.querySelector('g.role-axis-title text')?.textContent ?? '',
            labels: [...a.querySelectorAll('g.role-axis-label text')].map((t) => t.textContent ?? '').filter((l) => l !== ''), // a log axis leaves minor ticks unlabelled
          })),
        c,
      ).then((all) => all.filter((a) => a.labels.length > 0)); // grid lines are axes too, without labels
      expect(axes.length, c).toBeGreaterThanOrEqual(2);
      for (const a of axes) {
        expect(a.title, `${c}: axis "${a.title}"`).toMatch(/\(([^)]+)\)$/);
        if (/log scale/.test(a.title)) for (const l of a.labels) expect(l, `${c}: ${a.title}`).toMatch(/^[\d.,]+ ?(ms|s|min|%)$/);
        // tick labels fit the data: no trailing zeros after a point (0.000000, 0.000000%, 1.50)
        for (const l of a.labels) expect(l, `${c}: ${a.title}`).not.toMatch(/\.\d*0%?$/);
      }
    }
    const cost = await page.evaluate(() => [...document.querySelectorAll('#cost svg.marks g.role-axis-label text')].map((t) => t.textContent ?? ''));
    expect(cost.some((l) => /^\$\d/.test(l))).toBe(true);
    await page.close();
  });

  it('the latency chart shows p99 and p99.9 distinctly: both labelled with their values, a decade apart on the survival axis', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    await page.waitForFunction(() => document.querySelector('#latencyCdf svg.marks') !== null, null, { timeout: 30_000 });
    const marks = await page.evaluate(() =>
      [...document.querySelectorAll('#latencyCdf svg.marks text')]
        .map((t) => ({ text: t.textContent ?? '', box: (t as SVGGraphicsElement).getBoundingClientRect() }))
        .filter((m) => /^p99(\.9)? /.test(m.text))
        .map((m) => ({ text: m.text, x: m.box.x, y: m.box.y, h: m.box.height })),
    );
    const p99 = marks.find((m) => m.text.startsWith('p99 '));
    const p999 = marks.find((m) => m.text.startsWith('p99.9 '));
    expect(p99 && p999, JSON.stringify(marks)).toBeTruthy();
    const seconds = (t: string) => {
      const m = /([\d.]+) (ms|s)$/.exec(t)!;
      return Number(m[1]) * (m[2] === 'ms' ? 1e-3 : 1);
    };
    // the values the summary reports (its p99 is the mean over replications, the chart's over pooled sessions: close, not equal)
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(seconds(p99!.text)).toBeGreaterThan(summary.startLatency.p99 / 2);
    expect(seconds(p99!.text)).toBeLessThan(summary.startLatency.p99 * 2);
    expect(seconds(p999!.text)).toBeGreaterThan(seconds(p99!.text));
    // apart on screen: the labels do not overlap, and 0.1% sits well below 1%
    expect(p999!.y - p99!.y).toBeGreaterThan(Math.max(p99!.h, 20));
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
