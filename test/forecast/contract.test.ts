import { describe, expect, it } from 'vitest';
import { makeModel, MODEL_NAMES, seasonsFor, type ModelName } from '../../src/forecast/forecast.js';

/**
 * One contract for every member of the forecaster family (statsforecast checks fit + predict ==
 * forecast for each model): fitted on a history, `forecast(h)` equals `forecastFrom(history,
 * n, h)`; a forecast from an origin uses nothing at or after it; fits are deterministic.
 */
const HOUR = 3600;
// three weeks of a sparse, bursty hourly tide (seeded): quiet hours, bursts, a weekend dip
let st = 11;
const u = () => ((st = (Math.imul(st, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const Y = Float64Array.from({ length: 21 * 24 }, (_, t) => {
  const tide = 30 + 25 * Math.sin((2 * Math.PI * t) / 24);
  const weekend = Math.floor(t / 24) % 7 >= 5 ? 0.5 : 1;
  return Math.round(tide * weekend * (u() < 0.1 ? 6 : u() < 0.4 ? 0 : 1));
});

describe.each([...MODEL_NAMES] as ModelName[])('contract: %s', (name) => {
  const s = seasonsFor(HOUR);
  const h = 24;

  it('has a name, a minimum history, and forecast(h) == forecastFrom(history, n, h), h finite values ≥ 0', () => {
    const m = makeModel(name, h);
    expect(m.name.length).toBeGreaterThan(0);
    expect(m.minHistory(s)).toBeGreaterThanOrEqual(1);
    const f = m.fit(Y, s);
    const a = f.forecast(h);
    expect(a.length).toBe(h);
    expect(Array.from(f.forecastFrom(Y, Y.length, h))).toEqual(Array.from(a));
    expect(a.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(Array.isArray(f.notes)).toBe(true);
  });

  it('forecasts from an origin using only the data before it, and fits deterministically', () => {
    const f = makeModel(name, h).fit(Y.subarray(0, 16 * 24), s);
    const o = 18 * 24;
    const changed = Float64Array.from(Y, (v, t) => (t >= o ? v * 7 + 100 : v));
    expect(Array.from(f.forecastFrom(changed, o, h))).toEqual(Array.from(f.forecastFrom(Y, o, h)));
    const g = makeModel(name, h).fit(Y.subarray(0, 16 * 24), s);
    expect(Array.from(g.forecastFrom(Y, o, h))).toEqual(Array.from(f.forecastFrom(Y, o, h)));
  });
});
