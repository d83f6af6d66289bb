import { UserError } from '../errors.js';
import { MIXTURE_LEVELS, poolTargets, reservedAdvice } from '../forecast/targets.js';
import { parseDuration } from '../scenario/units.js';
import { type ForecastFlags, runForecast } from './forecast.js';
import { durationFlag, timeAt } from './series.js';

/** Options of `tidecast targets`. */
export interface TargetsFlags extends ForecastFlags {
  leadTime: string;
  hitRate: string;
  sessionDuration?: string;
  reservedCost?: string;
  serverlessCost?: string;
}

/**
 * `tidecast targets`: the warm-pool size per step (smallest pool whose Erlang-loss hit rate,
 * averaged over the forecast's uncertainty, meets the goal) and a reserved-baseline advice.
 */
export function targetsAction(file: string, f: TargetsFlags): { stdout: string; notes: string[] } {
  const lead = durationFlag('--lead-time', f.leadTime);
  const goal = Number(f.hitRate);
  if (!(goal > 0 && goal < 1)) throw new UserError(`--hit-rate: expected a fraction between 0 and 1 such as 0.99, got "${f.hitRate}"`);
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'csv') throw new UserError(`--format: expected "text", "csv" or "json", got "${format}"`);
  const { series, at, fc, horizon, notes } = runForecast(file, { ...f, format: undefined }, MIXTURE_LEVELS);
  const t = poolTargets(fc, series.stepS, lead, goal);
  let advice: ReturnType<typeof reservedAdvice> | null = null;
  if (f.sessionDuration || f.reservedCost || f.serverlessCost) {
    if (!f.sessionDuration || !f.reservedCost || !f.serverlessCost) throw new UserError('reserved advice needs --session-duration, --reserved-cost (per slot-hour) and --serverless-cost (per slot-second) together');
    const d = parseDuration(f.sessionDuration);
    if (typeof d === 'string' || !(d > 0)) throw new UserError(`--session-duration: expected a positive duration, got "${f.sessionDuration}"`);
    const rc = Number(f.reservedCost);
    const sc = Number(f.serverlessCost);
    if (!(rc >= 0) || !(sc >= 0)) throw new UserError('--reserved-cost and --serverless-cost: expected non-negative prices');
    advice = reservedAdvice(fc, series.stepS, d, rc, sc);
  }
  const rows = Array.from({ length: horizon }, (_, k) => ({ time: timeAt(series, at + k), ratePerS: fc.mean[k] / series.stepS, poolSize: t.size[k], predictedHitRate: t.hitRate[k] }));
  if (format === 'json') return { stdout: JSON.stringify({ model: fc.model, leadTimeS: lead, hitRateGoal: goal, rows, reserved: advice }, null, 2) + '\n', notes };
  const lines = [format === 'csv' ? 'time,ratePerS,poolSize,predictedHitRate' : `pool targets (lead time ${lead} s, hit-rate goal ${goal}, model ${fc.model})`];
  for (const r of rows) lines.push(format === 'csv' ? `${r.time},${r.ratePerS.toFixed(4)},${r.poolSize},${r.predictedHitRate.toFixed(5)}` : `${r.time}  rate ${r.ratePerS.toFixed(2)}/s  pool ${r.poolSize}  predicted hit ${(r.predictedHitRate * 100).toFixed(2)}%`);
  if (advice && format === 'text') {
    lines.push(
      '',
      `reserved baseline: ${advice.slots} slots (newsvendor fractile ${advice.fractile.toFixed(3)}); expected overflow ${advice.expectedOverflowSlots.toFixed(1)} slots; cost/h reserved ${advice.costPerHour.reserved.toFixed(2)} + serverless ${advice.costPerHour.serverless.toFixed(2)} = ${advice.costPerHour.total.toFixed(2)}`,
    );
  }
  return { stdout: lines.join('\n') + '\n', notes };
}
