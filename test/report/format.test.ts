import { describe, expect, it } from 'vitest';
import { SUMMARY_ROWS, TEMPLATE_ROWS } from '../../src/report/format.js';
import { METRIC_KEYS, TEMPLATE_METRIC_KEYS } from '../../src/scenario/metricKeys.js';

describe('the text table names only metric keys (src/scenario/metricKeys.ts is the one list)', () => {
  it('every summary row is a summary key, every template row a template key, each once', () => {
    expect(SUMMARY_ROWS.map((r) => r[1]).filter((p) => !METRIC_KEYS.includes(p))).toEqual([]);
    expect(TEMPLATE_ROWS.map((r) => r[1]).filter((p) => !TEMPLATE_METRIC_KEYS.includes(p))).toEqual([]);
    expect(new Set(SUMMARY_ROWS.map((r) => r[1])).size).toBe(SUMMARY_ROWS.length);
    expect(new Set(TEMPLATE_ROWS.map((r) => r[1])).size).toBe(TEMPLATE_ROWS.length);
  });

  it('template keys are summary keys, in the same order', () => {
    expect(METRIC_KEYS.filter((k) => TEMPLATE_METRIC_KEYS.includes(k))).toEqual(TEMPLATE_METRIC_KEYS);
  });
});
