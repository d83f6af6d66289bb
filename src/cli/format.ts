import type { Summary } from '../sim/summary.js';
import { formatEstimate, rowsFor } from '../report/format.js';
import { enUS } from '../report/numberText.js';

/** The run summary as an aligned text table with 95% intervals (a pure function of the summary). */
export function summaryTable(s: Summary): string {
  const rows = rowsFor([s]).map(([label, path, unit]) => {
    const e = formatEstimate(s, path, unit);
    return [label, e.value, e.ci];
  });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const head = `${s.scenario} — seed ${s.seed}, ${s.replications} replication${s.replications === 1 ? '' : 's'}`;
  const lines = [head, `${'metric'.padEnd(w0)}  ${'value'.padStart(w1)}  ${s.replications > 1 ? '95% CI' : ''}`.trimEnd()];
  for (const r of rows) lines.push(`${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`.trimEnd());
  const e = s.engine;
  lines.push(`engine: ${enUS(e.events)} events in ${e.wallSeconds.toFixed(2)} s (${(e.eventsPerSecond / 1e6).toFixed(2)}M events/s)`);
  return lines.join('\n');
}
