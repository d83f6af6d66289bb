import { UserError } from '../errors.js';
import { loadScalerConfig } from '../scaler/config.js';
import { FileSource } from '../scaler/fileSource.js';
import { runLive, runReplay, startScaler, stderrLog } from '../scaler/run.js';

/** Options of `tidecast scaler`. */
export interface ScalerFlags {
  config: string;
  set?: string[];
  dryRun?: boolean;
  replay?: boolean;
  once?: boolean;
}

/**
 * `tidecast scaler`: the live sidecar (until SIGTERM), one decision (`--once`), or a replay of a
 * file source on a simulated clock (`--replay`: one JSON line per decision, as fast as it computes).
 */
export async function scalerAction(f: ScalerFlags): Promise<void> {
  const c = loadScalerConfig(f.config, f.set ?? []);
  if (f.replay) {
    if (!c.source.file) throw new UserError(`${f.config}: source: --replay needs a file source (source.file.path)`);
    const source = FileSource.open(c.source.file.path, c.source.file.timeColumn);
    if (!Number.isFinite(source.startS)) throw new UserError(`${c.source.file.path}: no data to replay`);
    // no decision fits: say so, rather than print nothing and exit 0
    if (source.startS + c.interval > source.endS + 1e-9) throw new UserError(`${f.config}: interval: ${c.interval} s is longer than the ${+(source.endS - source.startS).toPrecision(6)} s of ${c.source.file.path}: no decision to replay`);
    const r = await startScaler({ ...c, sinks: { ...c.sinks, stdout: true, http: undefined, keda: undefined } }, { source, dryRun: true, log: () => {} });
    try {
      await runReplay(r, c.interval, source.startS, source.endS);
    } finally {
      await r.close();
    }
    return;
  }
  const r = await startScaler(c, { dryRun: f.dryRun });
  stderrLog('started', { interval: c.interval, policy: Object.keys(c.policy)[0], http: r.ports.http, keda: r.ports.keda, kubernetes: c.sinks.kubernetes ? `${c.sinks.kubernetes.namespace}/${c.sinks.kubernetes.name}${f.dryRun || c.sinks.kubernetes.dryRun ? ' (dry run)' : ''}` : undefined });
  const stop = new AbortController();
  let exit: NodeJS.Timeout | undefined;
  const onSignal = (sig: string) => {
    stderrLog('stopping', { signal: sig });
    stop.abort();
    // the signal ends reads and sink calls at once; should anything still hold the process (a
    // socket a library keeps open), leave anyway inside Kubernetes' grace period: 1.5 s
    exit = setTimeout(() => {
      stderrLog('stopped', { forced: true });
      process.exit(0);
    }, SHUTDOWN_MS);
    exit.unref();
  };
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  try {
    if (f.once) {
      const d = await r.step(Date.now() / 1000, { signal: stop.signal, settle: true });
      if (!d.valid) {
        // a one-shot run that could not decide from data must not look like success to a script
        stderrLog('no decision from data', { status: d.inputs.status, error: d.inputs.error, target: d.target, reason: d.reason });
        process.exitCode = 1;
      }
    } else await runLive(r, c.interval, stop.signal);
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await r.close();
    clearTimeout(exit);
    stderrLog('stopped');
  }
}

/** Longest the process lingers after SIGTERM (ms): well inside the 2 s the sidecar promises, and the Deployment's grace period. */
const SHUTDOWN_MS = 1500;
