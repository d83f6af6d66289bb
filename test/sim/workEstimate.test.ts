import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { checkWork, defaultLimits, estimateWork } from '../../src/sim/workEstimate.js';
import { prepareInputs } from '../../src/workload/build.js';

const BASE = `
name: est
duration: 4h
replications: 3
workload:
  arrivals: { poisson: { rate: 5/s } }
  sessionDuration: { exponential: { mean: 2m } }
`;

describe('estimateWork', () => {
  it('Poisson: rate × duration arrivals, 5 events each, per replication', () => {
    const s = parseScenario(BASE, 'est');
    const e = estimateWork(s, prepareInputs(s));
    expect(e.arrivals).toBe(72_000);
    expect(e.eventsPerArrival).toBe(5);
    expect(e.events).toBe(3 * (72_000 * 5 + 240 + 960)); // + a series sample a minute and a pool decision every 15 s
    expect(e.peakInFlight).toBeCloseTo(5 * 120, 6); // Little: λ × mean hold
  });

  it('multi-turn sessions: 2 more events per turn, think time held', () => {
    const s = parseScenario(BASE + '  turns: { count: 3, think: 1m }\n', 'est');
    const e = estimateWork(s, prepareInputs(s));
    expect(e.eventsPerArrival).toBeCloseTo(5 + 2 * 2.5, 9); // ⌈3⌉ read as 3.5 turns (counts are rounded up)
    expect(e.peakInFlight).toBeCloseTo(5 * (120 * 3.5 + 60 * 2.5), 6);
  });

  it('tidal: the integral of the curve (a day between 1/s and 3/s is 2/s on average)', () => {
    const s = parseScenario(BASE.replace('{ poisson: { rate: 5/s } }', '{ tidal: { peak: 3/s, trough: 1/s } }').replace('4h', '1d'), 'est');
    const e = estimateWork(s, prepareInputs(s));
    expect(e.arrivals / 86400).toBeCloseTo(2, 3);
  });

  it('every scenario in scenarios/ fits the default limits (so no real run is refused)', () => {
    for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml'))) {
      const file = join('scenarios', f);
      const s = loadScenario(file, []);
      const e = estimateWork(s, prepareInputs(s, file), 2);
      expect(() => checkWork(file, s, e, { maxEvents: 2e9, maxMemoryBytes: 8e9 }), f).not.toThrow();
      expect(e.events, f).toBeGreaterThan(1000);
    }
  });

  it('the defaults: 2e9 events and a third of the memory', () => {
    expect(defaultLimits().maxEvents).toBe(2e9);
    expect(defaultLimits().maxMemoryBytes).toBeGreaterThan(1e8);
  });
});
