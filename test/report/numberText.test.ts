import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enUS } from '../../src/report/numberText.js';

const icu = (v: number, min: number, max: number) => v.toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });

describe('enUS', () => {
  it('pins ties, carries, grouping, tiny and huge values', () => {
    expect(enUS(1.005, 2)).toBe('1.01'); // toFixed says 1.00
    expect(enUS(1234567.891, 0, 2)).toBe('1,234,567.89');
    expect(enUS(999.96, 1)).toBe('1,000.0');
    expect(enUS(-0.04, 0, 1)).toBe('-0');
    expect(enUS(0.05, 0, 1)).toBe('0.1');
    expect(enUS(1.5e-7, 2)).toBe('0.00');
    expect(enUS(1e21)).toBe('1,000,000,000,000,000,000,000');
    expect(enUS(2.5)).toBe('3');
    expect(enUS(-2.5)).toBe('-3');
  });

  it('prints what toLocaleString("en-US") prints, for any finite number and 0–6 decimals', () => {
    const values = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e7, max: 1e7, noNaN: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1000), // ties at 2 and 3 decimals
      fc.integer({ min: -1e6, max: 1e6 }).map((i) => i / 8), // exact binary ties
    );
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (v, a, b) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        expect(enUS(v, min, max)).toBe(icu(v, min, max));
      }),
      { numRuns: 5_000 },
    );
  });
});
