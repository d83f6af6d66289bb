import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForecastPolicy } from '../../src/policy/forecastPolicy.js';
import { FileSource } from '../../src/scaler/fileSource.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'tidecast-floor-'));
const INTERVAL_S = 15;
const LEAD_S = 20;
const HIT = 0.99;

describe('the forecast policy’s reactive floor', () => {
  const obs = (arrivals: number[], target = 0) => ({ nowS: INTERVAL_S * arrivals.length, intervalS: INTERVAL_S, arrivals, ready: 0, target, leadTimeS: LEAD_S });

  it('holds the claims of one refill at the freshest rate from the first decision, before any forecast', () => {
    const p = new ForecastPolicy(HIT);
    // one interval of 30 arrivals: 2/s over the interval, 0.5/s over the minute → 2/s × 20 s
    expect(p.decide(obs([30]))).toEqual({ target: 40, valid: true });
    // one arrival a minute ago, none since: 1/60 per s × 20 s rounds up to one sandbox, never 0
    expect(new ForecastPolicy(HIT).decide(obs([1, 0, 0, 0])).target).toBe(1);
    // nothing yet: no floor, the target is held (not valid)
    expect(new ForecastPolicy(HIT).decide(obs([0], 7))).toEqual({ target: 7, valid: false });
  });

  it('a burst after a long quiet spell: the target is at least the burst’s pool at once', () => {
    const p = new ForecastPolicy(HIT);
    const arrivals = new Array(400).fill(0);
    for (let i = 0; i < 400; i++) p.decide(obs(arrivals.slice(0, i + 1)));
    arrivals.push(150); // 10/s in the last interval
    const d = p.decide(obs(arrivals));
    expect(d.target).toBeGreaterThanOrEqual(10 * LEAD_S);
    expect(d.target).toBe(p.floor(obs(arrivals)));
  });
});

/**
 * Every shipped real trace replayed through `tidecast scaler --replay` with the forecast policy
 * (15 s interval, 20 s lead time): no target below the floor recomputed here from the trace's own
 * arrivals, none 0 while the last minute held arrivals.
 */
describe.each(['azure-llm-2023-code.csv', 'azure-llm-2023-conv.csv', 'azure-llm-2023-code-10s.csv', 'azure-llm-2023-conv-10s.csv'])('replaying traces/%s', (file) => {
  it('never puts the target below the floor, and never at 0 while the last minute held arrivals', async () => {
    const cfg = join(dir, `${file}.yaml`);
    writeFileSync(cfg, `interval: ${INTERVAL_S}s\nleadTime: ${LEAD_S}s\npolicy: { forecast: { hitRate: ${HIT} } }\nsource: { file: { path: traces/${file} } }\n`);
    const r = spawnSync(process.execPath, [CLI, 'scaler', '--config', cfg, '--replay'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { nowS: number; target: number; floor?: number; inputs: { points: number } });
    expect(lines.length).toBeGreaterThan(200);
    const source = FileSource.open(`traces/${file}`);
    let busy = 0;
    for (const d of lines) {
      const k = Math.min(4, d.inputs.points);
      const last = await source.read(d.nowS, k, INTERVAL_S);
      const minute = last.reduce((a, b) => a + b, 0);
      const rate = Math.max(last[k - 1] / INTERVAL_S, minute / (k * INTERVAL_S));
      const floor = rate > 0 ? Math.ceil(rate * LEAD_S) : 0;
      expect(d.target, `${d.nowS}`).toBeGreaterThanOrEqual(floor);
      // the decision shows the floor the policy applied (the same number, in /targets and metrics)
      expect(d.floor, `${d.nowS}`).toBe(floor);
      if (minute > 0) {
        busy++;
        expect(d.target, `${d.nowS}`).toBeGreaterThan(0);
      }
    }
    expect(busy).toBeGreaterThan(lines.length / 2);
  });
});
