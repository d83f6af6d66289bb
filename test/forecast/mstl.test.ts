import { describe, expect, it } from 'vitest';
import { decompose, Mstl } from '../../src/forecast/mstl.js';
import { seasonsFor } from '../../src/forecast/forecast.js';

const s = seasonsFor(3600);

describe('mstl', () => {
  it('splits a daily and a weekly part and forecasts 3 weeks of hourly tide within 3% (no noise)', () => {
    // additive parts, as MSTL models them (a weekend that shrinks the daily swing is an interaction it does not)
    const rate = (t: number) => 300 + 200 * Math.sin((2 * Math.PI * t) / 24) + [0, 0, 0, 0, 0, -100, -120][Math.floor(t / 24) % 7] + 0.5 * t;
    const y = Float64Array.from({ length: 21 * 24 }, (_, t) => rate(t));
    const f = new Mstl().fit(y, s);
    const fc = f.forecast(24);
    for (let k = 0; k < 24; k++) expect(Math.abs(fc[k] - rate(y.length + k)) / rate(y.length + k), `step ${k}`).toBeLessThan(0.03);
    // the weekly part carries the weekend: Saturday's parts sum below a Monday's at the same hour
    const d = decompose(y, 0, y.length, [24, 168]);
    const at = (t: number) => d.seasonal.reduce((a, p) => a + p.values[t % p.period], 0);
    expect(at(5 * 24 + 6)).toBeLessThan(at(6));
  });

  it('a burst moves a phase by a fraction of itself (trimmed mean over 7 days), never sets it', () => {
    const y = Float64Array.from({ length: 14 * 24 }, (_, t) => 100 + 50 * Math.sin((2 * Math.PI * t) / 24));
    const clean = new Mstl().fit(y, s).forecast(24);
    y[13 * 24 + 12] = 10_000; // one burst at noon of the last day
    const burst = new Mstl().fit(y, s).forecast(24);
    expect(burst[12]).toBeLessThan(clean[12] + 0.2 * 10_000);
    expect(Math.max(...burst)).toBeLessThan(2000);
  });

  it('damped-trend follows a climbing hour: its forecast is above the last value, below a straight extrapolation', () => {
    const y = Float64Array.from({ length: 60 }, (_, t) => 200 + 5 * t + (t % 3) - 1);
    const fc = new Mstl('none').fit(y, seasonsFor(60)).forecast(5);
    expect(fc[4]).toBeGreaterThan(y[59] + 5);
    expect(fc[4]).toBeLessThan(y[59] + 5 * 5 + 5);
    // forecasts from an earlier origin use only the data before it
    const early = new Mstl('none').fit(y, seasonsFor(60)).forecastFrom(Float64Array.from(y).fill(1e9, 30), 30, 3);
    expect(Math.max(...early)).toBeLessThan(400);
  });
});
