import { parentPort } from 'node:worker_threads';
import type { Scenario } from '../scenario/schema.js';
import type { PreparedInputs } from '../workload/build.js';
import { runReplication, type StopRule } from './replication.js';

/** Worker-thread entry: runs the replications it is sent, one message each. */
parentPort?.on('message', (msg: { scenario: Scenario; inputs: PreparedInputs; replication: number; helper?: boolean | 'auto'; exportHistograms?: boolean; stop?: StopRule } | 'exit') => {
  if (msg === 'exit') {
    parentPort!.close();
    return;
  }
  try {
    parentPort!.postMessage({ ok: true, result: runReplication(msg.scenario, msg.inputs, msg.replication, { helper: msg.helper, exportHistograms: msg.exportHistograms, stop: msg.stop }) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
