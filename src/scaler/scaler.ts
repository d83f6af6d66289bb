import { Governor, type GovernorReason } from '../policy/governor.js';
import { ForecastPolicy } from '../policy/forecastPolicy.js';
import type { PoolPolicy } from '../policy/policy.js';
import type { ScalerConfig } from './config.js';
import { History } from './history.js';
import { SourceError, type ArrivalSource, type SourceErrorKind } from './source.js';

/** Why the inputs of a decision were not usable. */
export type InputStatus = 'ok' | 'stale' | 'empty' | 'error';

/** One decision, as published to every sink (`/targets`, stdout, metrics). */
export interface Decision {
  /** Decision time, seconds since the epoch (simulated in replay). */
  nowS: number;
  time: string;
  /** The published warm-pool size. */
  target: number;
  /** What the policy proposed before the safety limits; null when the inputs were not usable. */
  proposal: number | null;
  reason: GovernorReason;
  policy: string;
  /** The forecast behind the decision (forecast policy): arrival rates per second over the lead time at quantile levels. */
  forecast: { quantiles: Record<string, number>; nowcast: number } | null;
  inputs: {
    source: string;
    status: InputStatus;
    /** Seconds from the newest real value to now (null when there is none). */
    stalenessS: number | null;
    /** Intervals of history used, and how many of them were filled in (gaps). */
    points: number;
    missing: number;
    error?: { kind: SourceErrorKind | 'internal'; message: string };
  };
  /** Wall time of the decision (reading + deciding), milliseconds. */
  durationMs: number;
  /** Wall time of the policy's own computation, milliseconds. */
  decideMs: number;
}

export interface ScalerDeps {
  source: ArrivalSource;
  policy: PoolPolicy;
  /** Waits (retries' backoff); the replay passes a no-op. */
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock for durations (ms); injectable so tests can be exact. */
  wallMs?: () => number;
}

/**
 * The live scaler's decision step, I/O only through the source: read what is new, keep the
 * history, run the same policy the simulator runs (`PoolPolicy.decide`), and pass its proposal
 * through the `Governor`'s safety limits. When the inputs are missing, stale or bad, the policy
 * is not asked and the governor holds the last good target (then the floor).
 */
export class Scaler {
  readonly governor: Governor;
  private readonly history: History;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly wallMs: () => number;
  last: Decision | null = null;

  constructor(
    readonly config: ScalerConfig,
    private readonly deps: ScalerDeps,
  ) {
    const s = config.safety;
    this.governor = new Governor(
      { min: s.min, max: s.max, maxStepUp: s.maxStepUp, maxStepDown: s.maxStepDown, scaleDownStabilizationS: s.scaleDownStabilization, floor: s.floor, floorAfterS: s.floorAfter },
      config.initial,
    );
    this.history = new History(Math.max(2, Math.ceil(config.history / config.interval)));
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.wallMs = deps.wallMs ?? (() => performance.now());
  }

  /** One decision at `nowS` (the end of the newest interval). */
  async tick(nowS: number): Promise<Decision> {
    const t0 = this.wallMs();
    const c = this.config;
    const step = c.interval;
    let status: InputStatus = 'ok';
    let error: Decision['inputs']['error'];
    try {
      const n = this.history.toRead(nowS, step, Math.ceil(c.safety.staleAfter / step));
      this.history.merge(nowS, step, await this.readWithRetry(nowS, n));
    } catch (e) {
      // time moves on without data: the history's end advances, so staleness grows
      this.history.merge(nowS, step, new Float64Array(0));
      status = 'error';
      error = e instanceof SourceError ? { kind: e.kind, message: e.message } : { kind: 'internal', message: (e as Error).message };
    }
    const view = this.history.view(step);
    if (status === 'ok') {
      if (view.arrivals.length === 0) status = 'empty';
      else if (view.stalenessS > c.safety.staleAfter) status = 'stale';
    }
    let proposal = NaN;
    let decideMs = 0;
    if (status === 'ok') {
      const d0 = this.wallMs();
      const d = this.deps.policy.decide({ nowS, intervalS: step, arrivals: view.arrivals, ready: this.governor.target, target: this.governor.target, leadTimeS: c.leadTime });
      decideMs = this.wallMs() - d0;
      // a policy without enough data yet keeps the target, as in the simulator
      proposal = d.valid && Number.isFinite(d.target) ? Math.max(0, Math.round(d.target)) : this.governor.target;
    }
    const g = this.governor.step(nowS, proposal);
    const p = this.deps.policy;
    const fr = p instanceof ForecastPolicy && status === 'ok' ? p.lastRates : null;
    this.last = {
      nowS,
      time: new Date(nowS * 1000).toISOString(),
      target: g.target,
      proposal: Number.isFinite(proposal) ? proposal : null,
      reason: g.reason,
      policy: p.name,
      forecast: fr ? { quantiles: Object.fromEntries(fr.levels.map((q, i) => [`p${Math.round(q * 100)}`, fr.ratesPerS[i]])), nowcast: fr.nowcast } : null,
      inputs: {
        source: this.deps.source.name,
        status,
        stalenessS: Number.isFinite(view.stalenessS) ? view.stalenessS : null,
        points: view.arrivals.length,
        missing: view.missing,
        ...(error ? { error } : {}),
      },
      durationMs: this.wallMs() - t0,
      decideMs,
    };
    return this.last;
  }

  /** Reads with up to three attempts, backing off 0.25 s, 0.5 s (within a third of the interval). */
  private async readWithRetry(nowS: number, n: number): Promise<Float64Array> {
    const budgetMs = (this.config.interval * 1000) / 3;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.source.read(nowS, n, this.config.interval);
      } catch (e) {
        const backoff = 250 * 2 ** attempt;
        const retriable = !(e instanceof SourceError) || e.kind !== 'query';
        if (!retriable || attempt >= 2 || waited + backoff > budgetMs) throw e;
        await this.sleep(backoff);
        waited += backoff;
      }
    }
  }
}
