import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const tidecast = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'tidecast-fc-'));

describe('tidecast forecast', () => {
  it('writes time,mean,p50,p90,p99 from --at on, using only data before it', () => {
    const r = tidecast('forecast', 'traces/tidal-5w-1h.csv', '--step', '1h', '--horizon', '24h', '--at', '2026-02-02T00:00:00Z', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('time,mean,p50,p90,p99');
    expect(lines).toHaveLength(25);
    expect(lines[1].startsWith('2026-02-02T00:00:00.000Z,')).toBe(true);
    for (const l of lines.slice(1)) {
      const [, mean, p50, p90, p99] = l.split(',').map(Number);
      expect(mean).toBeGreaterThan(0);
      expect(p50 <= p90 && p90 <= p99).toBe(true);
    }
    // data after --at must not matter: cut the file at --at and forecast again
    const rows = readFileSync('traces/tidal-5w-1h.csv', 'utf8').trim().split('\n');
    const cut = join(dir, 'cut.csv');
    writeFileSync(cut, rows.slice(0, 1 + 28 * 24).join('\n') + '\n');
    const again = tidecast('forecast', cut, '--step', '1h', '--horizon', '24h', '--quiet');
    expect(again.stdout).toBe(r.stdout);
  });

  it('gives JSON and takes seconds for --at on a trace with numeric times', () => {
    const f = join(dir, 'num.csv');
    writeFileSync(f, 'time,count\n' + Array.from({ length: 200 }, (_, i) => `${i * 60},${10 + (i % 5)}`).join('\n') + '\n');
    const r = tidecast('forecast', f, '--step', '1m', '--horizon', '10m', '--at', '6000', '--format', 'json', '--quantiles', '0.1,0.5,0.9');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows).toHaveLength(10);
    expect(j.rows[0].time).toBe('6000');
    expect(Object.keys(j.rows[0])).toEqual(['time', 'mean', 'p10', 'p50', 'p90']);
  });

  it('rejects bad options with one line and exit 2', () => {
    for (const [args, re] of [
      [['--step', 'soon', '--horizon', '1h'], /--step: expected a positive duration/],
      [['--step', '1h', '--horizon', '1h', '--quantiles', '0.5,2'], /--quantiles: expected levels between 0 and 1/],
      [['--step', '1h', '--horizon', '1h', '--at', '1999-01-01T00:00:00Z'], /--at 1999-01-01T00:00:00Z: outside the trace/],
      [['--step', '1h', '--horizon', '1h', '--model', 'prophet'], /--model: expected one of auto/],
    ] as [string[], RegExp][]) {
      const r = tidecast('forecast', 'traces/tidal-5w-1h.csv', ...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  });
});

describe('tidecast targets', () => {
  it('sizes the pool per step and advises a reserved baseline', () => {
    const r = tidecast('targets', 'traces/tidal-2w-1m.csv', '--step', '1m', '--horizon', '30m', '--lead-time', '20s', '--hit-rate', '0.99', '--session-duration', '6m', '--reserved-cost', '0.02', '--serverless-cost', '0.00001', '--format', 'json', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows).toHaveLength(30);
    for (const row of j.rows) {
      expect(row.poolSize).toBeGreaterThan(row.ratePerS * 20); // more than the mean demand over the lead time
      expect(row.predictedHitRate).toBeGreaterThanOrEqual(0.99);
    }
    expect(j.reserved.slots).toBeGreaterThan(0);
    expect(j.reserved.fractile).toBeCloseTo(1 - 0.02 / 0.036, 9);
  });
});

describe('tidecast backtest and trace tools', () => {
  it('backtest prints a table and JSON with MASE, coverage and fit time', () => {
    const r = tidecast('backtest', 'traces/tidal-5w-1h.csv', '--step', '1h', '--horizon', '24h', '--origins', '3', '--models', 'seasonal-naive-weekly,auto', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.scores.map((s: { model: string }) => s.model)).toEqual(['seasonal-naive-weekly', 'auto']);
    for (const s of j.scores) for (const k of ['mase', 'smape', 'rmse', 'coverage90', 'coverage99', 'fitMs']) expect(Number.isFinite(s[k]), k).toBe(true);
    const t = tidecast('backtest', 'traces/tidal-5w-1h.csv', '--step', '1h', '--horizon', '24h', '--origins', '2');
    expect(t.stdout).toMatch(/^model\s+MASE\s+sMAPE %/);
  });

  it('backtest shows its progress in origins (every model fitted at each) where asked, and none with --quiet', () => {
    const env = { ...process.env, TIDECAST_PROGRESS: '0.000001' };
    const args = ['backtest', 'traces/tidal-5w-1h.csv', '--step', '1h', '--horizon', '24h', '--origins', '4', '--models', 'seasonal-naive-weekly,auto', '--format', 'json'];
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => l.match(/(\d+)\/4 origins/)?.[1])).toEqual(['1', '2', '3', '4']);
    expect(lines[3]).toMatch(/^tidecast backtest: 4\/4 origins, 100%, .* elapsed, ETA 0s$/);
    const q = spawnSync(process.execPath, [CLI, ...args, '--quiet'], { encoding: 'utf8', env });
    expect(q.stderr).toBe('');
    const noTimes = (out: string) => out.replace(/"fitMs": [\d.e+-]+/g, '');
    expect(noTimes(q.stdout)).toBe(noTimes(r.stdout));
    expect(JSON.parse(q.stdout).scores.map((s: { model: string }) => s.model)).toEqual(['seasonal-naive-weekly', 'auto']);
  });

  it('trace synth is seeded; import resamples per-request traces; inspect finds the day and the week', () => {
    const a = tidecast('trace', 'synth', '--days', '14', '--step', '1h', '--peak', '100/s', '--trough', '10/s', '--seed', '3');
    const b = tidecast('trace', 'synth', '--days', '14', '--step', '1h', '--peak', '100/s', '--trough', '10/s', '--seed', '3');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.trim().split('\n')).toHaveLength(1 + 14 * 24);
    const f = join(dir, 'synth.csv');
    writeFileSync(f, a.stdout);
    const i = tidecast('trace', 'inspect', f, '--step', '1h', '--format', 'json', '--html', join(dir, 'inspect.html'));
    const st = JSON.parse(i.stdout);
    expect(st.periodsS).toEqual([86400, 604800]);
    expect(st.peakToTrough).toBeGreaterThan(4);
    expect(readFileSync(join(dir, 'inspect.html'), 'utf8')).toContain('<svg');
    const imp = tidecast('trace', 'import', 'traces/azure-llm-2023-code.csv', '--step', '1m');
    const rows = imp.stdout.trim().split('\n');
    expect(rows[0]).toBe('time,count');
    expect(rows.slice(1).reduce((s, l) => s + Number(l.split(',')[1]), 0)).toBe(8819);
  });

  it('imports the Azure Functions 2019 per-minute layout', () => {
    const f = join(dir, 'functions.csv');
    const cols = Array.from({ length: 1440 }, (_, i) => i + 1).join(',');
    const row = (k: number) => ['o', 'a', `f${k}`, 'http', ...Array.from({ length: 1440 }, (_, i) => (i % 60 === 0 ? k : 0))].join(',');
    writeFileSync(f, `HashOwner,HashApp,HashFunction,Trigger,${cols}\n${row(1)}\n${row(2)}\n`);
    const r = tidecast('trace', 'import', f, '--step', '1h');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(25);
    expect(lines[1]).toBe('0,3');
  });
});
