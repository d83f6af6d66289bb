import { describe, expect, it } from 'vitest';
import { screen } from '../../src/scaler/screen.js';

const L = { factor: 10, confirm: 3, minReference: 2 };
const run = (xs: number[], ref: number) => {
  const a = Float64Array.from(xs);
  const r = screen(a, ref, L);
  return { values: Array.from(a), ...r };
};

describe('screen: implausible values against the history', () => {
  it('a short run that lower values end is dropped for good; one at the newest end is held', () => {
    expect(run([20, 1e12, 1e12, 22, 21], 30)).toEqual({ values: [20, NaN, NaN, 22, 21], dropped: 2, held: 0 });
    expect(run([20, 21, 1e15], 30)).toEqual({ values: [20, 21, NaN], dropped: 0, held: 1 });
    expect(run([20, 5000, 5000], 30)).toEqual({ values: [20, NaN, NaN], dropped: 0, held: 2 });
  });

  it('a run of `confirm` intervals is a real level, at the end or over', () => {
    expect(run([20, 5000, 5000, 5000], 30)).toEqual({ values: [20, 5000, 5000, 5000], dropped: 0, held: 0 });
    expect(run([20, 5000, 5000, 5000, 25], 30)).toEqual({ values: [20, 5000, 5000, 5000, 25], dropped: 0, held: 0 });
  });

  it('the limit is factor × max(reference, minReference): 300 passes, 301 does not; a tiny history does not make every burst suspect', () => {
    expect(run([300, 10], 30).dropped).toBe(0);
    expect(run([301, 10], 30).dropped).toBe(1);
    expect(run([19, 10], 0).dropped).toBe(0); // 10 × minReference 2 = 20
    expect(run([21, 10], 0).dropped).toBe(1);
  });

  it('without history, the read\'s own 99th percentile is the reference: a spike in a first 14-day read is dropped', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 100 + (i % 7));
    xs[500] = 1e9;
    const r = run(xs, NaN);
    expect(r.dropped).toBe(1);
    expect(Number.isNaN(r.values[500])).toBe(true);
  });

  it('above maxValue a value is never data, however long it lasts', () => {
    const a = Float64Array.from([20, 2e9, 2e9, 2e9, 2e9]);
    expect(screen(a, 30, { ...L, maxValue: 1e9 })).toEqual({ dropped: 0, held: 4 }); // at the newest end: the decision holds
    const b = Float64Array.from([20, 2e9, 2e9, 2e9, 2e9, 25]);
    expect(screen(b, 30, { ...L, maxValue: 1e9 })).toEqual({ dropped: 4, held: 0 });
    expect(Array.from(a)).toEqual([20, NaN, NaN, NaN, NaN]);
  });

  it('gaps (NaN) neither start nor end a run; +Inf is implausible', () => {
    expect(run([20, 1e12, NaN, 1e12, 22], 30)).toMatchObject({ dropped: 2, values: [20, NaN, NaN, NaN, 22] });
    expect(run([20, 21, Infinity], 30)).toMatchObject({ held: 1 });
  });
});
