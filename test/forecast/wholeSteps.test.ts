import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCounts } from '../../src/cli/series.js';
import { droppedTailNote, wholeSteps } from '../../src/forecast/series.js';
import { thinnedCounts } from '../../src/forecast/sparse.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const tidecast = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'tidecast-whole-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('whole steps only for the forecaster', () => {
  it('cuts a partial last step and records it; keeps a whole one and the only one', () => {
    const s = { startS: 0, absolute: false, stepS: 60, counts: Float64Array.from([250, 240, 37]) };
    const cut = wholeSteps(s, 21.9);
    expect(Array.from(cut.counts)).toEqual([250, 240]);
    expect(cut.droppedTail).toEqual({ coveredS: 21.9, count: 37 });
    expect(droppedTailNote(cut)).toBe('the trace ends 21.9 s into its last 60-s step (from 120); that partial step (37 arrivals) is left out, so it is not read as a collapse');
    expect(wholeSteps(s, 60)).toBe(s);
    expect(droppedTailNote(s)).toBeUndefined();
    const one = { ...s, counts: Float64Array.from([5]) };
    expect(wholeSteps(one, 3)).toBe(one);
  });

  it('conv at 1 min: the export keeps the partial minute (37), the forecaster load drops it', () => {
    const all = loadCounts('traces/azure-llm-2023-conv.csv', 60);
    const whole = loadCounts('traces/azure-llm-2023-conv.csv', 60, 'auto', true);
    expect(all.counts.length).toBe(59);
    expect(all.counts[58]).toBe(37);
    expect(whole.counts.length).toBe(58);
    expect(Array.from(whole.counts)).toEqual(Array.from(all.counts.subarray(0, 58)));
    expect(whole.droppedTail!.count).toBe(37);
    expect(whole.droppedTail!.coveredS).toBeCloseTo(21.9, 1);
    // nothing is lost silently: kept + dropped = every request
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    expect(sum(whole.counts) + whole.droppedTail!.count).toBe(sum(all.counts));
  });

  it('thinned series hold whole steps only', () => {
    // 10 requests a minute for 2.5 minutes: the half minute at the end is left out
    const times = Array.from({ length: 25 }, (_, i) => i * 6);
    const y = thinnedCounts(times, 150, 60, 1, 1);
    expect(Array.from(y)).toEqual([10, 10]);
  });

  it('forecast and backtest say on stderr what they left out; an interval trace that ends on a step boundary loses nothing', () => {
    const f = join(dir, 'req.csv');
    // one request a second for 1 h 30 s: the last 30 s at --step 1m are partial
    writeFileSync(f, 'time\n' + Array.from({ length: 3630 }, (_, i) => String(i)).join('\n') + '\n');
    const r = tidecast('forecast', f, '--step', '1m', '--horizon', '5m', '--model', 'seasonal-naive-daily');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('the trace ends 30 s into its last 60-s step (from 3600); that partial step (30 arrivals) is left out');
    expect(r.stdout.trim().split('\n')[1].startsWith('3600,')).toBe(true);
    const b = tidecast('backtest', f, '--step', '1m', '--horizon', '5m', '--origins', '2', '--models', 'seasonal-naive-daily', '--format', 'json');
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toContain('partial step (30 arrivals) is left out');
    expect(JSON.parse(b.stdout).notes[0]).toContain('left out');
    const q = tidecast('forecast', 'traces/tidal-5w-1h.csv', '--step', '1h', '--horizon', '2h', '--model', 'seasonal-naive-daily');
    expect(q.status, q.stderr).toBe(0);
    expect(q.stderr).not.toContain('left out');
  });
});
