import { UserError } from '../errors.js';
import { formatDuration } from '../scenario/units.js';
import { backtest } from '../forecast/backtest.js';
import { MODEL_NAMES, type ModelName } from '../forecast/forecast.js';
import { intFlag } from './options.js';
import { checkSteps, durationFlag, loadCounts, MAX_FORECAST_STEPS } from './series.js';
import { textTable } from '../report/textTable.js';
import { progressBar } from './progress.js';
import { droppedTailNote } from '../forecast/series.js';

/** Options of `tidecast backtest`. */
export interface BacktestFlags {
  step: string;
  horizon: string;
  origins?: string;
  models?: string;
  format?: string;
  traceFormat?: string;
  timeColumn?: string;
  countColumn?: string;
  quiet?: boolean;
}

/** `tidecast backtest`: rolling-origin accuracy of each model, as a table or JSON. */
export function backtestAction(file: string, f: BacktestFlags): { stdout: string; notes: string[] } {
  const stepS = durationFlag('--step', f.step);
  const horizon = Math.max(1, Math.round(durationFlag('--horizon', f.horizon) / stepS));
  const origins = f.origins ? intFlag('--origins', f.origins, 1) : 7;
  const format = f.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`--format: expected "text" or "json", got "${format}"`);
  const models = (f.models ?? 'seasonal-naive-weekly,seasonal-naive-daily,holt-winters-add,holt-winters-mul-damped,double-seasonal,auto').split(',').map((m) => m.trim()) as ModelName[];
  const bad = models.find((m) => !MODEL_NAMES.includes(m));
  if (bad) throw new UserError(`--models: unknown model "${bad}"; expected some of ${MODEL_NAMES.join(', ')}`);
  // whole steps only: a partial last step would be scored as a collapse (said in the notes)
  const series = loadCounts(file, stepS, (f.traceFormat ?? 'auto') as 'auto', true, f);
  const cut = droppedTailNote(series);
  const notes = cut ? [`${file}: ${cut}`] : [];
  checkSteps(`backtesting on ${formatDuration(series.counts.length * stepS)} of history`, series.counts.length, stepS, MAX_FORECAST_STEPS);
  if (series.counts.length < horizon * (origins + 1)) {
    throw new UserError(`${file}: ${series.counts.length} steps of ${stepS} s hold no ${origins} origins of ${horizon} steps after some history; lower --origins or --horizon`);
  }
  // each origin fits every model (later ones on more history, so the ETA runs a little short early on)
  const bar = progressBar('tidecast backtest', !!f.quiet, 'origins');
  let scores;
  try {
    scores = backtest(series.counts, { stepS, horizon, origins, models }, () => performance.now(), (done, total) => bar.update(done, total));
  } finally {
    bar.stop();
  }
  if (format === 'json') return { stdout: JSON.stringify({ file, stepS, horizonSteps: horizon, origins, notes, scores }, null, 2) + '\n', notes };
  const head = ['model', 'MASE', 'sMAPE %', 'RMSE', 'pinball p50', 'p90', 'p99', 'cover 90%', 'cover 99%', 'fit ms', 'chosen'];
  const rows = scores.map((s) => [
    s.model,
    s.mase.toFixed(3),
    s.smape.toFixed(1),
    s.rmse.toFixed(1),
    s.pinball['0.5'].toFixed(2),
    s.pinball['0.9'].toFixed(2),
    s.pinball['0.99'].toFixed(2),
    `${(s.coverage90 * 100).toFixed(1)}%`,
    `${(s.coverage99 * 100).toFixed(1)}%`,
    s.fitMs.toFixed(1),
    chosenText(s.chosen),
  ]);
  const lines = textTable(head, rows, 'l' + 'r'.repeat(head.length - 2) + 'l');
  lines.push('', `${origins} origins × ${horizon} steps of ${stepS} s; MASE scaled by the in-sample weekly seasonal-naive error; on counts, coverage is the randomized-PIT share (a 0 at q05 = 0 counts in part, as the forecast gave it; JSON hits90/hits99: the plain share)`);
  return { stdout: lines.join('\n') + '\n', notes };
}

/**
 * What a model chose across origins, short enough for a table cell: the most frequent choices
 * first while they fit in `maxChars`, then how many others (`auto` can pick a different model at
 * every origin, and listing them all made 400-character lines). The JSON keeps the full map.
 */
export function chosenText(chosen: Record<string, number>, maxChars = 48): string {
  const items = Object.entries(chosen).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  let out = '';
  let shown = 0;
  for (const [k, v] of items) {
    const part = `${k}×${v}`;
    if (shown > 0 && out.length + 1 + part.length > maxChars) break;
    out = shown ? `${out} ${part}` : part.length > maxChars ? `${part.slice(0, maxChars - 1)}…` : part;
    shown++;
  }
  const rest = items.length - shown;
  return rest > 0 ? `${out} +${rest} more` : out;
}
