import type { Engine } from '../engine/engine.js';
import type { Distribution } from '../random/distributions.js';
import type { ArrivalProcess } from '../workload/arrivals.js';
import type { FleetCore, TemplateState } from './fleetCore.js';
import { Flag } from './sessionTable.js';
import { pickTemplate, shareCdf, type TemplatePlan } from './templates.js';
import type { Tiers } from './tiers.js';
import type { WarmPools } from './warmPool.js';

/** The arrivals of one template that has its own (`templates.<name>.arrivals`). */
class OwnArrivals {
  readonly kind: number;
  readonly lane: number;

  constructor(
    private readonly host: TemplateArrivals,
    readonly process: ArrivalProcess,
    readonly t: number,
    engine: Engine,
  ) {
    this.kind = engine.on(() => host.onOwnArrival(this));
    this.lane = engine.stream();
  }
}

/**
 * Arrivals and the templates they ask for (scenario `templates`): each arrival of
 * workload.arrivals asks for one template by share (one uniform draw per arrival, on the stream
 * `templates.share`), and a template with arrivals of its own gets those. A template's sandbox
 * takes `size` slots of the shared capacity and has its own session length, cold starts and warm
 * pool (src/model/fleetCore.ts `TemplateState`). Without `templates` every arrival is template 0
 * and no share is drawn. An arrival then takes a warm-pool claim, else a slot through the tiers.
 *
 * May change: the session table (a record per arrival), the arrival counters (fleet's and
 * template's), the arrival and queued metrics and the Queued flag. Owns: the arrival
 * processes, their stream lanes and events, the share sampler.
 */
export class TemplateArrivals {
  /** Sessions arrived so far, warm-up included (for pool controllers). */
  arrivalsTotal = 0;
  private readonly kArrival: number;
  private readonly lane: number;
  private readonly own: OwnArrivals[] = [];
  /** Cumulative shares by template, and the share sampler (null: every arrival is template 0). */
  private readonly cdf: Float64Array | null;
  private readonly share: Distribution | null;
  /** The arriving session's duration known in advance (trace replay), else NaN: set before `arrive`. */
  private durationS = NaN;

  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
    private readonly pools: WarmPools,
    private readonly tiers: Tiers,
    private readonly plans: readonly TemplatePlan[],
    private readonly arrivals: ArrivalProcess,
    /** Template t's own arrivals, or null (in template order). */
    own: readonly (ArrivalProcess | null)[],
    /** The share sampler (uniform on (0, 1)), with several templates; else null. */
    share: Distribution | null,
  ) {
    this.cdf = share === null ? null : shareCdf(plans);
    this.share = share;
    this.kArrival = engine.on(() => this.onArrival());
    this.lane = engine.stream();
    for (let t = 0; t < plans.length; t++) if (own[t]) this.own.push(new OwnArrivals(this, own[t]!, t, engine));
  }

  /** Schedules the first arrival of each process. */
  start(): void {
    const h = this.core.horizonS;
    const t = this.arrivals.next();
    if (t < h) this.engine.inStream(this.lane, t, this.kArrival, 0);
    for (const o of this.own) {
      const first = o.process.next();
      if (first < h) this.engine.inStream(o.lane, first, o.kind, 0);
    }
  }

  private onArrival(): void {
    this.durationS = this.arrivals.durationS;
    const next = this.arrivals.next();
    if (next < this.core.horizonS) this.engine.inStream(this.lane, next, this.kArrival, 0);
    const t = this.cdf === null ? 0 : pickTemplate(this.plans, this.cdf, this.share!.sample());
    this.arrive(this.core.tmpl[t]);
  }

  onOwnArrival(o: OwnArrivals): void {
    this.durationS = o.process.durationS;
    const next = o.process.next();
    if (next < this.core.horizonS) this.engine.inStream(o.lane, next, o.kind, 0);
    this.arrive(this.core.tmpl[o.t]);
  }

  /**
   * A session of template T arrives now, its known duration in `durationS`: a warm-pool claim,
   * else a slot through the tiers (reserved, eviction, serverless, queue). The time and the
   * duration are read here, not passed (a double passed to a call V8 does not inline is boxed:
   * see Step.run).
   */
  private arrive(T: TemplateState): void {
    const c = this.core;
    const now = this.engine.now;
    const counted = now >= c.warmupS;
    this.arrivalsTotal++;
    T.arrivalsTotal++;
    const sid = c.sessions.alloc(now, this.durationS, counted ? Flag.Counted : 0, T.plan.index);
    const tm = T.metrics;
    c.metrics.arrival(counted);
    tm?.arrival(counted);
    if (this.pools.claim(T, sid)) return;
    if (this.tiers.place(sid, T, true)) {
      c.sessions.addFlag(sid, Flag.Queued);
      c.metrics.enqueued(counted);
      tm?.enqueued(counted);
      return;
    }
    if (counted) {
      c.metrics.queueWait.record(0);
      tm?.queueWait.record(0);
    }
  }
}
