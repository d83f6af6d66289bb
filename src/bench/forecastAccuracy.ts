import { loadCounts } from '../cli/series.js';
import { backtest, type BacktestScore } from '../forecast/backtest.js';
import type { ModelName } from '../forecast/forecast.js';
import { thinnedCounts, tiledCounts } from '../forecast/sparse.js';
import { readTrace, traceSpec } from '../workload/trace.js';

/** One validation series and how it is backtested. */
export interface AccuracyCase {
  name: string;
  y: Float64Array;
  stepS: number;
  horizon: number;
  origins: number;
}

/**
 * The real-data benchmark of the README: the shipped real traces at 10 s and 1 minute, thinned
 * variants of them, and multi-week series tiled from their 10-s burst structure onto a tide
 * (seeded). Pure but for reading the traces.
 */
export function accuracyCases(): AccuracyCase[] {
  const cases: AccuracyCase[] = [];
  for (const name of ['code', 'conv']) {
    const file = `traces/azure-llm-2023-${name}.csv`;
    cases.push({ name: `${name} 10 s`, y: loadCounts(file, 10, 'auto', true).counts, stepS: 10, horizon: 6, origins: 40 });
    cases.push({ name: `${name} 1 min`, y: loadCounts(file, 60, 'auto', true).counts, stepS: 60, horizon: 5, origins: 8 });
    const t = readTrace(traceSpec(file));
    if (t.kind !== 'requests') continue;
    const keep = name === 'code' ? 0.1 : 0.05;
    cases.push({ name: `${name} thinned ×${keep} 10 s`, y: thinnedCounts(t.timesS, t.spanS, 10, keep, 1), stepS: 10, horizon: 6, origins: 40 });
    cases.push({ name: `${name} thinned ×${keep} 1 min`, y: thinnedCounts(t.timesS, t.spanS, 60, keep, 2), stepS: 60, horizon: 5, origins: 8 });
  }
  for (const name of ['code', 'conv']) {
    // the burst source keeps its partial last 10 s (as the tiled cases were first built): one
    // multiplier in 350, and cutting it would re-deal every block (other series, not comparable)
    const bursts = loadCounts(`traces/azure-llm-2023-${name}.csv`, 10).counts;
    for (const seed of [1, 2, 3]) {
      const y = tiledCounts(bursts, { days: 21, stepS: 3600, peak: 80, trough: 8, weekend: 0.5, block: 12, seed });
      cases.push({ name: `${name}-tiled 3 w hourly #${seed}`, y, stepS: 3600, horizon: 24, origins: 7 });
    }
    const y = tiledCounts(bursts, { days: 14, stepS: 60, peak: 6, trough: 0.5, weekend: 0.5, block: 30, seed: 4 });
    cases.push({ name: `${name}-tiled 2 w 1 min`, y, stepS: 60, horizon: 60, origins: 12 });
  }
  return cases;
}

/** Backtests every case with the given models. */
export function forecastAccuracy(models: readonly ModelName[], cases = accuracyCases()): { case: AccuracyCase; scores: BacktestScore[] }[] {
  return cases.map((c) => ({ case: c, scores: backtest(c.y, { stepS: c.stepS, horizon: c.horizon, origins: c.origins, models }, () => performance.now()) }));
}

const MODELS: ModelName[] = ['seasonal-naive-weekly', 'seasonal-naive-daily', 'holt-winters-add', 'holt-winters-mul-damped', 'double-seasonal', 'robust-profile', 'robust-profile-daily', 'intermittent-tsb', 'mstl', 'damped-trend', 'auto'];

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  const cases = accuracyCases().filter((c) => !only || c.name.includes(only));
  for (const { case: c, scores } of forecastAccuracy(MODELS, cases)) {
    const sn = scores.find((s) => s.model === (c.y.length >= (7 * 86400) / c.stepS ? 'seasonal-naive-weekly' : 'seasonal-naive-daily'))!;
    console.log(`\n${c.name} (${c.y.length} steps, ${c.origins} origins × ${c.horizon})`);
    for (const s of scores) console.log(`| ${s.model} | ${s.mase.toFixed(3)} | ${s.smape.toFixed(1)} | ${(100 * s.coverage90).toFixed(1)}% | ${(100 * s.coverage99).toFixed(1)}% | ${s.fitMs.toFixed(1)} | ${(s.mase / sn.mase).toFixed(2)} |`);
  }
}
