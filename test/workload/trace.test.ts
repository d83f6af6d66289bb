import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTimeCell, parseTrace, traceSpec } from '../../src/workload/trace.js';
import { simulate } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tidecast-trace-'));

describe('trace replay', () => {
  it('reads date-times with sub-second precision as UTC, and numbers as seconds', () => {
    expect(parseTimeCell('2023-11-16 18:15:46.6805900') - parseTimeCell('2023-11-16 18:15:46')).toBeCloseTo(0.68059, 6); // µs: epoch seconds in a double
    expect(parseTimeCell('2023-11-16T18:15:46Z')).toBe(Date.UTC(2023, 10, 16, 18, 15, 46) / 1000);
    expect(parseTimeCell('2023-11-16T20:15:46+02:00')).toBe(Date.UTC(2023, 10, 16, 18, 15, 46) / 1000);
    expect(parseTimeCell('12.5')).toBe(12.5);
    expect(parseTimeCell('soon')).toBeNaN();
  });

  it('reads a trace larger than one parsing slice (4M characters) row for row, and names the line of a ragged row past the first slice', () => {
    const n = 600_000; // ~7 MB: two slices
    const lines = ['time,count'];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const c = (i * 7919) % 13;
      sum += c;
      lines.push(`${i * 10},${c}`);
    }
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(1 << 22);
    const t = parseTrace(traceSpec('big.csv'), { file: 'big.csv', text });
    if (t.kind !== 'intervals') throw new Error('expected intervals');
    expect(t.curve.ratesPerS.length).toBe(n);
    expect(t.curve.stepS).toBe(10);
    let got = 0;
    for (let i = 0; i < n; i++) got += t.curve.ratesPerS[i] * 10;
    expect(got).toBeCloseTo(sum, 6);
    expect(t.curve.ratesPerS[n - 1] * 10).toBeCloseTo(((n - 1) * 7919) % 13, 9);
    // one request per row: every time kept, in order
    const req = parseTrace(traceSpec('req.csv', { format: 'requests', durationColumn: 'count' }), { file: 'req.csv', text });
    if (req.kind !== 'requests') throw new Error('expected requests');
    expect(req.timesS.length).toBe(n);
    expect(req.timesS[n - 1]).toBe((n - 1) * 10);
    expect(req.durationsS![n - 1]).toBe(((n - 1) * 7919) % 13);
    const ragged = lines.slice();
    ragged[500_001] += ',9';
    expect(() => parseTrace(traceSpec('r.csv'), { file: 'r.csv', text: ragged.join('\n') })).toThrow(/^r\.csv:500002: malformed CSV: expected 2 columns as in the header, got 3$/);
  });

  it('replays every request of the real Azure trace once at scale 1, with durations from a column', () => {
    const [r] = simulate(`
duration: 1h
workload:
  arrivals: { trace: { path: traces/azure-llm-2023-code.csv, durationColumn: GeneratedTokens, durationScale: 0.5 } }
  sessionDuration: 1000h
`);
    const m = r.metrics as any;
    expect(m.sessions.arrived).toBe(8819);
    // sessions last 0.5 s per generated token, not the 1000 h fallback: nearly all complete within the hour
    expect(m.sessions.completed).toBeGreaterThan(8700);
  });

  it('scales traffic: ×2.5 gives 2.5× the requests in expectation, ×0.5 half', () => {
    const run = (scale: number) => (simulate(`
duration: 1h
workload:
  arrivals: { trace: { path: traces/azure-llm-2023-code.csv, scale: ${scale} } }
  sessionDuration: 1s
`)[0].metrics as any).sessions.arrived;
    expect(Math.abs(run(2.5) / (2.5 * 8819) - 1)).toBeLessThan(0.02);
    expect(Math.abs(run(0.5) / (0.5 * 8819) - 1)).toBeLessThan(0.03);
  });

  it('replays interval traces as piecewise-constant Poisson rates, and loops when asked', () => {
    const f = join(dir, 'iv.csv');
    writeFileSync(f, 'time,count\n0,600\n60,0\n120,1200\n');
    const run = (loop: boolean) => (simulate(`
duration: ${loop ? '9m' : '3m'}
workload:
  arrivals: { trace: { path: ${f}, loop: ${loop} } }
  sessionDuration: 1s
`)[0].metrics as any).sessions.arrived;
    const one = run(false);
    expect(Math.abs(one - 1800)).toBeLessThan(4 * Math.sqrt(1800));
    const three = run(true);
    expect(Math.abs(three - 5400)).toBeLessThan(4 * Math.sqrt(5400));
  });
});
