import { writeFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { openMetricsText } from '../sim/openMetrics.js';
import type { Simulated } from '../sim/simulate.js';
import { parseTimeCell } from '../workload/trace.js';

/** 2026-01-05T00:00:00Z (a Monday): where simulated time 0 lands unless `--openmetrics-start` says otherwise. */
export const DEFAULT_OPENMETRICS_START_S = 1767571200;

/** `--openmetrics FILE [--openmetrics-start TIME]`, validated. */
export interface OpenMetricsTarget {
  file: string;
  startS: number;
}

/** Validates the flags (a date-time or epoch seconds for the start), or throws a one-line `UserError`. */
export function openMetricsTarget(file: string | undefined, start: string | undefined): OpenMetricsTarget | undefined {
  if (start !== undefined && file === undefined) throw new UserError('--openmetrics-start: give --openmetrics FILE too');
  if (file === undefined) return undefined;
  if (file === '') throw new UserError('--openmetrics: expected a file path');
  const startS = start === undefined ? DEFAULT_OPENMETRICS_START_S : parseTimeCell(start);
  if (!Number.isFinite(startS) || startS < 0) throw new UserError(`--openmetrics-start: expected a UTC date-time such as 2026-01-05T00:00:00Z or epoch seconds, got "${start}"`);
  return { file, startS };
}

/** Writes the first replication as OpenMetrics; returns the note to print. */
export function writeOpenMetrics(t: OpenMetricsTarget, sim: Simulated): string {
  const text = openMetricsText(sim.results[0], { startS: t.startS, scenario: sim.scenario.name, reservedSlots: sim.scenario.infrastructure.reserved.nodes ? undefined : sim.scenario.infrastructure.reserved.slots });
  try {
    writeFileSync(t.file, text);
  } catch (e) {
    throw new UserError(`--openmetrics ${t.file}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const reps = sim.results.length;
  return `wrote ${t.file} (OpenMetrics${reps > 1 ? `, replication 1 of ${reps}` : ''}; time 0 = ${new Date(t.startS * 1000).toISOString()})`;
}
