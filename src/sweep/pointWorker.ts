import { parentPort } from 'node:worker_threads';
import { judgeBudgets } from '../check/budgets.js';
import { UserError } from '../errors.js';
import { simulateFile } from '../sim/simulate.js';
import { sweepRow } from './results.js';

/** Worker-thread entry for sweeps: runs one point (a scenario file with overrides) per message. */
parentPort?.on('message', async (msg: { file: string; sets: string[]; index: number; values: Record<string, string> }) => {
  try {
    const sets = [...msg.sets, ...Object.entries(msg.values).map(([k, v]) => `${k}=${v}`)];
    const sim = await simulateFile(msg.file, sets, { workers: 0 });
    const row = sweepRow(msg.index, msg.values, sim.summary, judgeBudgets(sim.scenario.name, sim.scenario.budgets, sim.summary));
    parentPort!.postMessage({ ok: true, result: row });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e), user: e instanceof UserError });
  }
});
