import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../src/stats/histogram.js';
import { TimeWeighted } from '../../src/stats/timeWeighted.js';
import { meanCI95, tQuantile975 } from '../../src/stats/confidence.js';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe('LogHistogram', () => {
  it('property: every quantile is within 1% of the exact nearest-rank quantile', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-5, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const h = new LogHistogram();
          for (const x of xs) h.record(x);
          const exact = exactQuantile([...xs].sort((a, b) => a - b), q);
          const got = h.quantile(q);
          return Math.abs(got - exact) <= 0.01 * exact;
        },
      ),
    );
  });

  it('counts zeros exactly and keeps mean and max exact', () => {
    const h = new LogHistogram();
    for (let i = 0; i < 90; i++) h.record(0);
    for (let i = 0; i < 10; i++) h.record(2);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.quantile(0.9)).toBe(0);
    expect(h.quantile(0.91)).toBeCloseTo(2, 1);
    expect(h.mean).toBeCloseTo(0.2, 12);
    expect(h.max).toBe(2);
    expect(h.cdf(0)).toBeCloseTo(0.9, 12);
  });

  it('merges and round-trips through JSON', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    for (let i = 1; i <= 1000; i++) (i % 2 ? a : b).record(i / 100);
    a.merge(b);
    const c = LogHistogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(c.count).toBe(1000);
    expect(Math.abs(c.quantile(0.99) - 9.9) / 9.9).toBeLessThan(0.01);
    a.reset();
    expect(a.count).toBe(0);
    expect(a.quantile(0.5)).toBeNaN();
  });
});

describe('TimeWeighted', () => {
  it('integrates a step function and its interval means', () => {
    const tw = new TimeWeighted(0, 0);
    tw.set(10, 4); // 0 for 10 s
    tw.set(20, 2); // 4 for 10 s
    expect(tw.cut(20)).toBeCloseTo(2, 12); // (0·10 + 4·10) / 20
    tw.set(30, 0); // 2 for 10 s
    expect(tw.mean(40)).toBeCloseTo((40 + 20) / 40, 12);
    expect(tw.peak).toBe(4);
    tw.restart(40);
    expect(tw.mean(50)).toBe(0);
  });
});

describe('confidence intervals', () => {
  it('uses Student t quantiles', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    expect(tQuantile975(100)).toBeCloseTo(1.984, 3);
    const m = meanCI95([1, 2, 3, 4, 5]);
    expect(m.mean).toBe(3);
    expect(m.halfWidth).toBeCloseTo((2.776 * Math.sqrt(2.5)) / Math.sqrt(5), 3);
    expect(meanCI95([7]).ci).toBeNull();
  });
});
