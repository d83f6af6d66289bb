import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtest, backtestOrigins, masePeriod, maseScale } from '../forecast/backtest.js';
import { seasonsFor } from '../forecast/forecast.js';
import { accuracyCases, type AccuracyCase } from './forecastAccuracy.js';

/**
 * tidecast's `auto` against R's forecast package (Debian r-cran-forecast: snaive, ets,
 * auto.arima, stlf on MSTL, tbats, croston) on the README's accuracy cases, every model scored
 * the way `backtest` scores tidecast's: the same rolling origins, horizon and MASE scale. R gets
 * the series as counts per step and the seasonal periods that fit twice before the first origin.
 * `node dist/bench/rForecast.js [name filter]`; prints a markdown table, and R's seconds per case
 * and model on stderr (tbats ~20 s a fit on 3 weeks hourly, croston 2.5 s: the slow ones; croston
 * is skipped over 5,000 steps). A benchmark, not a test.
 */
export function rComparison(cases: AccuracyCase[]): string[] {
  const script = fileURLToPath(new URL('../../src/bench/forecast_r.R', import.meta.url));
  const probe = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(forecast))'], { encoding: 'utf8' });
  if (probe.status !== 0) return [`R's forecast package is not installed (apt-get install r-cran-forecast): skipped`];
  const dir = mkdtempSync(join(tmpdir(), 'tidecast-r-'));
  try {
    cases.forEach((c, i) => {
      const origins = backtestOrigins(c.y.length, c.horizon, c.origins);
      const s = seasonsFor(c.stepS);
      const fits = (p: number) => (p > 1 && origins[0] >= 2 * p ? p : 0);
      const rows = origins.map((o) => `${o},${maseScale(c.y.subarray(0, o), c.stepS)},${masePeriod(o, c.stepS)}`);
      writeFileSync(join(dir, `${String(i).padStart(3, '0')}.meta`), [c.name, `${c.horizon},${fits(s.daily)},${fits(s.weekly)}`, ...rows].join('\n') + '\n');
      writeFileSync(join(dir, `${String(i).padStart(3, '0')}.csv`), Array.from(c.y).join('\n') + '\n');
    });
    // R's stderr goes straight through: it names each case and model as it ends
    const r = spawnSync('Rscript', [script, dir], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`Rscript failed with status ${r.status} (its messages are above)`);
    const byCase = new Map<string, Map<string, number>>();
    for (const line of r.stdout.trim().split('\n')) {
      const [name, model, mase] = line.split(',');
      if (!byCase.has(name)) byCase.set(name, new Map());
      byCase.get(name)!.set(model, mase === 'NA' ? NaN : mase === 'SKIP' ? Infinity : Number(mase));
    }
    const rModels = ['snaive', 'ets', 'auto.arima', 'stlf', 'tbats', 'croston'];
    const out = [`| case | tidecast auto | ${rModels.map((m) => `R ${m}`).join(' | ')} | auto / R's best |`, `|---|---:|${rModels.map(() => '---:').join('|')}|---:|`];
    cases.forEach((c, i) => {
      const auto = backtest(c.y, { stepS: c.stepS, horizon: c.horizon, origins: c.origins, models: ['auto'] })[0].mase;
      const rs = byCase.get(String(i).padStart(3, '0')) ?? new Map<string, number>();
      const best = Math.min(...[...rs.values()].filter((v) => Number.isFinite(v)));
      const cell = (m: string) => (rs.has(m) ? (Number.isFinite(rs.get(m)!) ? rs.get(m)!.toFixed(3) : rs.get(m) === Infinity ? 'skipped' : 'failed') : '—');
      out.push(`| ${c.name} | ${auto.toFixed(3)} | ${rModels.map(cell).join(' | ')} | ${Number.isFinite(best) ? (auto / best).toFixed(2) : '—'} |`);
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  for (const line of rComparison(accuracyCases().filter((c) => !only || c.name.includes(only)))) console.log(line);
}
