import { Governor, type GovernorReason } from '../policy/governor.js';
import { ForecastPolicy } from '../policy/forecastPolicy.js';
import type { PoolPolicy } from '../policy/policy.js';
import type { ScalerConfig } from './config.js';
import { History } from './history.js';
import type { PoolReader, PoolState } from './pool.js';
import { screen } from './screen.js';
import { SourceError, type ArrivalSource, type SourceErrorKind } from './source.js';

/** Why the inputs of a decision were not usable (`suspect`: implausible values held back, awaiting confirmation). */
export type InputStatus = 'ok' | 'stale' | 'empty' | 'error' | 'suspect';

/** Share of the interval the reads (source and pool, retries included) may take; deciding and publishing get the rest. */
export const READ_SHARE = 0.5;
/** Share of the interval by whose end a decision has published (or given up on a slow sink). */
export const PUBLISH_SHARE = 0.9;

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
  /** True when the policy decided from data (false: inputs unusable, or the policy had no data yet, so the target was kept). */
  valid: boolean;
  policy: string;
  /** The forecast behind the decision (forecast policy): arrival rates per second over the lead time at quantile levels. */
  forecast: { quantiles: Record<string, number>; nowcast: number } | null;
  /** The forecast policy's reactive floor at this decision (sandboxes: the claims of one refill at the freshest observed rate); absent for other policies or unusable inputs. */
  floor?: number;
  inputs: {
    source: string;
    status: InputStatus;
    /** Seconds from the newest real value to now (null when there is none). */
    stalenessS: number | null;
    /** Intervals of history used, and how many of them were filled in (gaps). */
    points: number;
    missing: number;
    error?: { kind: SourceErrorKind | 'internal'; message: string };
    /** Implausible values in this read: dropped as transients, and held back at the newest end awaiting confirmation. */
    suspect?: { dropped: number; held: number };
    /** Seconds since the newest raw sample behind the data (the freshness query), when there is one. */
    scrapeAgeS?: number | null;
  };
  /** The lead time the policy used: learned (the leadTimeQuery's answer, clamped) or the static `leadTime`. */
  leadTime: { leadTimeS: number; learned: boolean };
  /** The pool as observed at this decision (null: not observed, or the read failed — then `ready` was taken to be the target). */
  pool: (PoolState & { source: string }) | null;
  /** Why the pool could not be read, when it could not. */
  poolError?: string;
  /** Wall time of the decision (reading + deciding), milliseconds. */
  durationMs: number;
  /** Wall time of the policy's own computation, milliseconds. */
  decideMs: number;
}

export interface ScalerDeps {
  source: ArrivalSource;
  policy: PoolPolicy;
  /** The pool's observed state (ready sandboxes, its spec); without it `ready` is taken to be the target. */
  pool?: PoolReader;
  /** Waits (retries' backoff), ending early when `signal` aborts; the replay passes a no-op. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
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
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
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
    this.sleep = deps.sleep ?? sleepUnless;
    this.wallMs = deps.wallMs ?? (() => performance.now());
  }

  /**
   * One decision at `nowS` (the end of the newest interval). The reads share one deadline,
   * `READ_SHARE` of the interval from the start, retries included; `signal` (shutdown) ends them at
   * once. With `settle` (`--once`), a fit the policy asked for runs before the decision is final,
   * so a single decision is a forecast and not the initial target.
   */
  async tick(nowS: number, o: { signal?: AbortSignal; settle?: boolean } = {}): Promise<Decision> {
    const t0 = this.wallMs();
    const c = this.config;
    const step = c.interval;
    const deadline = t0 + c.interval * 1000 * READ_SHARE;
    let status: InputStatus = 'ok';
    let error: Decision['inputs']['error'];
    let suspect: Decision['inputs']['suspect'];
    let scrapeAgeS: number | null | undefined;
    const poolRead = this.readPool(nowS, deadline, o.signal);
    const leadRead = this.readLeadTime(nowS, deadline, o.signal);
    try {
      const sus = c.safety.suspect;
      const overlap = Math.max(Math.ceil(c.safety.staleAfter / step), sus.confirm + 1);
      const n = this.history.toRead(nowS, step, overlap);
      const fresh = this.deps.source.freshness && c.source.prometheus?.freshness ? this.deps.source.freshness(nowS, { timeoutMs: deadline - this.wallMs(), signal: o.signal }) : null;
      const [read, age] = await Promise.all([this.readWithRetry(nowS, n, deadline, o.signal), fresh]);
      if (age !== null) {
        scrapeAgeS = Number.isFinite(age) ? age : null;
        if (age > c.source.prometheus!.freshness!.maxAge) {
          throw new SourceError('dead_scrape', `the newest raw sample is ${Number.isFinite(age) ? `${Math.round(age)} s old` : 'missing'} (freshness.maxAge ${c.source.prometheus!.freshness!.maxAge} s): a rate() over a dead scrape`);
        }
        // values after the newest raw sample come from a thinning rate() window: not data
        if (age > step) for (let i = read.length - 1; i >= 0 && (read.length - 1 - i) * step < age - 1e-6; i--) read[i] = NaN;
      }
      const r = screen(read, this.history.maxValue(), { factor: sus.factor, confirm: sus.confirm, minReference: sus.minRate * step, maxValue: sus.maxRate * step });
      if (r.dropped > 0 || r.held > 0) suspect = r;
      this.history.merge(nowS, step, read);
      if (r.held > 0) status = 'suspect';
    } catch (e) {
      // time moves on without data: the history's end advances, so staleness grows
      this.history.merge(nowS, step, new Float64Array(0));
      status = 'error';
      error = e instanceof SourceError ? { kind: e.kind, message: e.message } : { kind: 'internal', message: (e as Error).message };
    }
    const pool = await poolRead;
    const lead = await leadRead;
    const view = this.history.view(step);
    if (status === 'ok') {
      if (view.arrivals.length === 0) status = 'empty';
      else if (view.stalenessS > c.safety.staleAfter) status = 'stale';
    }
    let proposal = NaN;
    let decideMs = 0;
    let valid = false;
    if (status === 'ok') {
      const d0 = this.wallMs();
      const obs = { nowS, intervalS: step, arrivals: view.arrivals, ready: pool.state?.ready ?? this.governor.target, target: this.governor.target, leadTimeS: lead.leadTimeS };
      let d = this.deps.policy.decide(obs);
      if (o.settle && this.deps.policy.runDeferred && (this.deps.policy.hasDeferred?.() ?? !d.valid)) {
        // one decision only (--once): fit now, then decide on the fit (the forecast policy's
        // first decision is valid already, held at its reactive floor, but it is not a forecast)
        this.deps.policy.runDeferred();
        d = this.deps.policy.decide(obs);
      }
      decideMs = this.wallMs() - d0;
      valid = d.valid && Number.isFinite(d.target);
      // a policy without enough data yet keeps the target, as in the simulator
      proposal = valid ? Math.max(0, Math.round(d.target)) : this.governor.target;
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
      valid,
      policy: p.name,
      forecast: fr ? { quantiles: Object.fromEntries(fr.levels.map((q, i) => [`p${Math.round(q * 100)}`, fr.ratesPerS[i]])), nowcast: fr.nowcast } : null,
      ...(p instanceof ForecastPolicy && status === 'ok' && p.lastFloor !== null ? { floor: p.lastFloor } : {}),
      inputs: {
        source: this.deps.source.name,
        status,
        stalenessS: Number.isFinite(view.stalenessS) ? view.stalenessS : null,
        points: view.arrivals.length,
        missing: view.missing,
        ...(error ? { error } : {}),
        ...(suspect ? { suspect } : {}),
        ...(scrapeAgeS !== undefined ? { scrapeAgeS } : {}),
      },
      pool: pool.state ? { ...pool.state, source: this.deps.pool!.name } : null,
      leadTime: lead,
      ...(pool.error ? { poolError: pool.error } : {}),
      durationMs: this.wallMs() - t0,
      decideMs,
    };
    return this.last;
  }

  /** The learned lead time (clamped to [min, max]) within the read deadline, else the static one; never rejects. */
  private async readLeadTime(nowS: number, deadline: number, signal?: AbortSignal): Promise<Decision['leadTime']> {
    const q = this.config.source.prometheus?.leadTimeQuery;
    if (!q || !this.deps.source.scalar) return { leadTimeS: this.config.leadTime, learned: false };
    try {
      const v = await this.deps.source.scalar(q.query, nowS, { timeoutMs: deadline - this.wallMs(), signal });
      if (Number.isFinite(v) && v > 0) return { leadTimeS: Math.min(q.max, Math.max(q.min, v)), learned: true };
    } catch {
      // the static value stands in; the arrival read reports the source's health
    }
    return { leadTimeS: this.config.leadTime, learned: false };
  }

  /** The pool's state within the read deadline; never rejects. */
  private async readPool(nowS: number, deadline: number, signal?: AbortSignal): Promise<{ state?: PoolState; error?: string }> {
    if (!this.deps.pool) return {};
    try {
      const s = await this.deps.pool.read({ timeoutMs: deadline - this.wallMs(), signal }, nowS);
      if (!(s.replicas === null || s.replicas >= 0) || !(s.ready >= 0)) return { error: `implausible pool state: replicas ${s.replicas}, ready ${s.ready}` };
      return { state: s };
    } catch (e) {
      return { error: (e as Error).message.split('\n')[0] };
    }
  }

  /**
   * Reads with up to three attempts, backing off 0.25 s, 0.5 s (longer when the server sent
   * Retry-After), all within the read deadline: each try gets the time that is left, and a retry
   * whose backoff would end past the deadline is not made.
   */
  private async readWithRetry(nowS: number, n: number, deadline: number, signal?: AbortSignal): Promise<Float64Array> {
    for (let attempt = 0; ; attempt++) {
      const left = deadline - this.wallMs();
      if (left <= 0) throw new SourceError('timeout', `no complete answer within the read budget (${+((this.config.interval * READ_SHARE)).toFixed(3)} s)`);
      try {
        return await this.deps.source.read(nowS, n, this.config.interval, { timeoutMs: left, signal });
      } catch (e) {
        const retriable = !(e instanceof SourceError) || (e.kind !== 'query' && e.kind !== 'too_large');
        const backoff = Math.max(250 * 2 ** attempt, ((e as SourceError).retryAfterS ?? 0) * 1000);
        if (!retriable || attempt >= 2 || signal?.aborted || this.wallMs() + backoff + 50 >= deadline) throw e;
        await this.sleep(backoff, signal);
      }
    }
  }
}

/** Waits `ms`, or less when `signal` aborts; its timer and listener are released either way. */
export function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  // nothing to wait for (a late loop): yield to I/O once, without a timer's 1 ms minimum
  if (!(ms > 0)) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
