import { describe, expect, it } from 'vitest';
import { History } from '../../src/scaler/history.js';
import { binRequests, samplesToGrid } from '../../src/scaler/source.js';

describe('scaler history', () => {
  it('fills interior gaps linearly, carries the newest value forward, drops leading gaps, and measures staleness', () => {
    const h = new History(10);
    h.merge(100, 10, Float64Array.from([NaN, NaN, 4, NaN, NaN, 10, 7, NaN, NaN]));
    const v = h.view(10);
    expect(v.arrivals).toEqual([4, 6, 8, 10, 7, 7, 7]);
    expect(v.missing).toBe(4);
    expect(v.stalenessS).toBe(20);
  });

  it('reads only what is new plus an overlap, and a late NaN never erases a known value', () => {
    const h = new History(6);
    expect(h.toRead(60, 10, 2)).toBe(6);
    h.merge(60, 10, Float64Array.from([1, 2, 3, 4, 5, 6]));
    expect(h.toRead(80, 10, 2)).toBe(4); // 2 new + 2 overlap
    h.merge(80, 10, Float64Array.from([NaN, 66, 7, 8]));
    expect(h.view(10).arrivals).toEqual([3, 4, 5, 66, 7, 8]);
    // negative and infinite values are not data
    h.merge(90, 10, Float64Array.from([-1]));
    expect(h.view(10)).toMatchObject({ missing: 1, stalenessS: 10 });
    h.merge(100, 10, Float64Array.from([Infinity]));
    expect(h.view(10).stalenessS).toBe(20);
  });

  it('a jump longer than the window starts afresh; no data at all is empty', () => {
    const h = new History(3);
    expect(h.view(10)).toEqual({ arrivals: [], missing: 0, stalenessS: Infinity });
    h.merge(30, 10, Float64Array.from([1, 2, 3]));
    h.merge(1000, 10, Float64Array.from([NaN]));
    expect(h.view(10).arrivals).toEqual([]);
  });

  it('bins requests half-open [a, b) and samples onto the grid by their interval end', () => {
    const times = [0, 5, 9.999, 10, 25];
    expect(Array.from(binRequests(times, 0, 30, 30, 4, 10))).toEqual([NaN, 3, 1, 1]);
    const grid = samplesToGrid([[[10, 1], [20, 2], [25, 9]], [[20, 3]]], 30, 3, 10, 10);
    expect(Array.from(grid)).toEqual([10, 50, NaN]);
  });
});
