import type { Engine } from '../engine/engine.js';
import { makeDistribution, specMean, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { Ahead } from './ahead.js';
import { stream, streamSeed } from '../random/rng.js';
import type { Scenario } from '../scenario/schema.js';
import { RateCurveArrivals, type ArrivalProcess } from '../workload/arrivals.js';
import { ApiServer } from './apiServer.js';
import { CostSampler } from './cost.js';
import { Eviction } from './eviction.js';
import { ExportHistograms } from './exportHistograms.js';
import { Fanout } from './fanout.js';
import { FleetCore, origin, type TemplateState } from './fleetCore.js';
import { Hibernation } from './hibernation.js';
import { FleetMetrics } from './metrics.js';
import { NodePool } from './nodePool.js';
import { isRefill, refillTemplate, Scheduler } from './scheduler.js';
import { Flag, Tier, type SessionTable } from './sessionTable.js';
import { makeStep, type Step } from './step.js';
import { TemplateArrivals } from './templateArrivals.js';
import { templatePlans, type TemplatePlan } from './templates.js';
import { Tiers } from './tiers.js';
import { Turns } from './turns.js';
import { WarmPools, type WarmPool } from './warmPool.js';
import { Zones } from './zones.js';

export { acceleratedColdStart } from './templates.js';
export type { WarmPool } from './warmPool.js';

/** Lookaheads of the far calendars (Engine.farCalendar): start-up delays, and session ends. */
const FAR_STARTUP_S = 1;
const FAR_END_S = 10;

/**
 * Whether the fleet is large: many session ends pending at once (expected concurrency ≥ 5,000).
 * Then session ends wait in a calendar queue rather than the main heap, with buckets of E[D]/256
 * so the current bucket holds a few hundred ends, and both calendars may sort on a second core.
 * Measured on the Kimi-scale day: see README, Performance.
 */
function isLarge(s: Scenario, meanD: number): boolean {
  const a = s.workload.arrivals;
  const rate = a.poisson ? a.poisson.rate : a.tidal ? (a.tidal.peak + a.tidal.trough) / 2 : NaN;
  return rate * meanD >= 5000 && meanD > 0;
}

/**
 * The sandbox fleet: sessions arrive, get a sandbox (a warm-pool claim, a reserved slot, or a
 * serverless slot on overflow), run, and free it. This class is the assembly: it builds the
 * shared core (src/model/fleetCore.ts: session table, slot accounting, hand-off to the API
 * server and the scheduler) and the mechanisms a scenario asks for, each in its own file with
 * the state it owns and the shared state it may change (docs/ARCHITECTURE.md):
 *
 * - tiers.ts — reserved, serverless, overflow: the reserved → eviction → serverless → queue cascade;
 * - warmPool.ts — claims, refills, targets (always: a pool controller may raise a target of 0);
 * - templateArrivals.ts — arrivals and the template each asks for (`templates`);
 * - turns.ts, hibernation.ts, eviction.ts — `workload.turns`, `infrastructure.hibernation`, `evictOnPressure`;
 * - zones.ts — `infrastructure.zones.outage`; fanout.ts — `workload.fanout`;
 * - cost.ts — the interval rows and their costs; nodePool.ts, apiServer.ts, scheduler.ts as before.
 *
 * Here stay the three events every sandbox passes through: placed by the scheduler (its cold
 * start, claim, wake or clone latency begins), ready (a session starts running), and the
 * warm-up's end. Start latency = arrival → sandbox ready; concurrency = sessions running.
 * Every sandbox creation (a session's cold start, a pool refill) is placed by the scheduler,
 * sessions before refills; with `scheduler.apiRate` each creation first makes a create call to
 * the API server, each deletion a delete call. Cost: reserved slots × measured hours × price
 * (unlimited reserved: slot-hours in use); serverless slot-seconds held × price, both over the
 * measured window (after warm-up).
 */
export class Fleet implements WarmPool {
  readonly metrics: FleetMetrics;
  readonly sessions: SessionTable;
  /** Reserved capacity as autoscaled nodes (null: fixed slots). */
  readonly nodes: NodePool | null = null;
  /** The API server's call rate limit (null: unlimited). */
  readonly api: ApiServer | null = null;
  private readonly core: FleetCore;
  private readonly scheduler: Scheduler;
  private readonly tiers: Tiers;
  private readonly pools: WarmPools;
  private readonly arrivals: TemplateArrivals;
  private readonly sampler: CostSampler;
  private readonly turns: Turns | null = null;
  private readonly hibernation: Hibernation | null = null;
  private readonly zones: Zones | null = null;
  private readonly fanout: Fanout | null = null;
  private readonly kWarmup: number;
  private readonly warmupS: number;
  /** A sampler of `spec` on the named stream (drawing ahead on the helper thread in a large fleet with one). */
  private readonly draw: (spec: DistributionSpec, name: string) => Distribution;

  /**
   * `arrivals` is the scenario's arrival process (workload.arrivals); `own[t]` the arrivals of
   * template t when it has its own (scenario `templates.<name>.arrivals`), in template order.
   */
  constructor(
    private readonly engine: Engine,
    private readonly scenario: Scenario,
    arrivals: ArrivalProcess,
    replication: number,
    own: readonly (ArrivalProcess | null)[] = [],
    opts: { exportHistograms?: boolean } = {},
  ) {
    const s = scenario;
    const inf = s.infrastructure;
    const rng = (name: string) => stream(s.seed, replication, name);
    this.warmupS = s.warmup;
    const intervals = Math.ceil(s.duration / s.output.interval - 1e-9);
    this.metrics = new FleetMetrics(intervals);
    const ex = opts.exportHistograms ? new ExportHistograms(intervals) : null;
    this.metrics.exported = ex;
    const poolTier = inf.warmPool.tier === 'serverless' ? Tier.Serverless : Tier.Reserved;
    const c = (this.core = new FleetCore(engine, this.metrics, {
      reservedSlots: inf.reserved.slots,
      serverlessEnabled: inf.serverless.enabled,
      serverlessMax: inf.serverless.enabled ? inf.serverless.maxSlots : 0,
      poolTier,
      zoneCount: inf.zones ? inf.zones.count : 1,
      warmupS: s.warmup,
      horizonS: s.duration,
    }));
    this.sessions = c.sessions;
    if (inf.reserved.nodes) {
      this.nodes = c.nodes = new NodePool(engine, inf.reserved.nodes, {
        pendingSlots: () => c.pendingReservedSlots(),
        freeSlots: () => c.reservedSlots - c.reservedUsed,
        resize: (delta) => c.resize(delta),
      }, rng('infrastructure.reserved.nodes'), s.duration);
      c.reservedSlots = this.nodes.initialSlots;
    }

    const plans = templatePlans(s);
    const several = s.templates !== undefined;
    // one template keeps the scenario's own stream names; several name theirs
    const named = (name: string, t: TemplatePlan) => (several ? `templates.${t.name}.${name}` : name);
    // Start-up delays (claims, cold starts: seconds) in a calendar of their own with buckets of
    // 1/32 of the longest mean delay: measured 5% faster than a heap on the Kimi-scale day.
    // In a large fleet both calendars may sort on a second core (Engine `helper`): start-up
    // delays of at least FAR_STARTUP_S, session ends (and hibernations, wakes) of at least FAR_END_S.
    let startupMeanS = 0;
    for (const t of plans) startupMeanS = Math.max(startupMeanS, specMean(t.pool.claimLatency), specMean(t.reservedColdStart), specMean(t.serverlessColdStart));
    const large = isLarge(s, specMean(plans[0].sessionDuration));
    // A large fleet's samplers draw ahead on the engine's helper thread, if it has one (the same draws)
    const helper = large ? engine.helperThread() : null;
    this.draw = (spec, name) => {
      const d = makeDistribution(spec, rng(name));
      return helper && !d.fixed ? new Ahead(helper, { kind: 'distribution', spec, seed: streamSeed(s.seed, replication, name) }) : d;
    };
    const ahead = (a: ArrivalProcess) => (helper && a instanceof RateCurveArrivals ? new Ahead(helper, { kind: 'rateCurve', state: a.snapshot() }) : a);
    const mainArrivals = ahead(arrivals);
    const mainDuration = this.draw(plans[0].sessionDuration, named('workload.sessionDuration', plans[0]));
    const startupWidthS = Math.min(1, Math.max(1e-3, startupMeanS / 32));
    // made for the first start-up step with a sampled delay (fixed ones go on lanes): none, no queue
    let startupHeap = -1;
    const startupQueue = () => (startupHeap >= 0 ? startupHeap : (startupHeap = large ? engine.farCalendar(startupWidthS, FAR_STARTUP_S) : engine.calendar(startupWidthS)));
    const endHeap = large ? engine.farCalendar(mainDuration.mean / 256, FAR_END_S) : -1;
    const step = (spec: DistributionSpec, name: string, handler: (id: number) => void, heap?: number) => {
      const d = this.draw(spec, name);
      return makeStep(engine, d, handler, heap ?? (d.fixed ? -1 : startupQueue()));
    };
    const ready = (id: number) => this.onReady(id);
    const pools = (this.pools = new WarmPools(engine, c));
    c.tmpl = plans.map((t, i) => {
      const duration = i === 0 ? mainDuration : this.draw(t.sessionDuration, named('workload.sessionDuration', t));
      const T: TemplateState = {
        plan: t,
        size: t.size,
        sessionDuration: duration,
        endStep: makeStep(engine, duration, (id) => c.end(id), endHeap),
        claimStep: step(t.pool.claimLatency, named('infrastructure.warmPool.claimLatency', t), ready),
        reservedColdStep: step(t.reservedColdStart, named('infrastructure.reserved.coldStart', t), ready),
        serverlessColdStep: step(t.serverlessColdStart, named('infrastructure.serverless.coldStart', t), ready),
        // Refills draw from their own stream so pool settings never shift sessions' cold starts.
        refillColdStep: step(poolTier === Tier.Serverless ? t.serverlessColdStart : t.reservedColdStart, named('infrastructure.warmPool.refill', t), () => pools.onRefillReady(T)),
        activeStep: null,
        poolTarget: t.pool.size,
        poolReady: 0,
        poolCreating: 0,
        poolWaitingSlot: 0,
        arrivalsTotal: 0,
        reservedUsed: 0,
        serverlessUsed: 0,
        hibernatedNow: 0,
        metrics: several ? new FleetMetrics(intervals) : null,
      };
      if (ex) {
        // every template records into the fleet's histograms (one exported fleet)
        T.endStep.observe = ex.session;
        T.reservedColdStep.observe = ex.createCold;
        T.serverlessColdStep.observe = ex.createServerless;
        T.refillColdStep.observe = ex.createRefill;
      }
      return T;
    });
    // uniform on (0, 1) is the stream's own next() (0 + 1 × u): drawn ahead with the rest
    const share = several ? this.draw({ kind: 'uniform', min: 0, max: 1 }, 'templates.share') : null;

    const tu = s.workload.turns;
    const eviction = tu && inf.evictOnPressure ? new Eviction(c) : null;
    const tiers = (this.tiers = new Tiers(engine, c, inf.overflow, eviction));
    if (tu) {
      for (const T of c.tmpl) T.activeStep = step(tu.active ?? T.plan.sessionDuration, named('workload.turns.active', T.plan), (id) => turns.onTurnEnd(id), endHeap);
      const hib = inf.hibernation;
      if (hib) this.hibernation = new Hibernation(engine, c, tiers, hib.idleTimeout, step(hib.wakeLatency, 'infrastructure.hibernation.wakeLatency', ready));
      const turns: Turns = (this.turns = new Turns(engine, c, this.draw(tu.count, 'workload.turns.count'), this.draw(tu.think, 'workload.turns.think'), endHeap, this.hibernation, eviction));
    }
    if (inf.zones?.outage) this.zones = new Zones(engine, c, { ...inf.zones, outage: inf.zones.outage }, pools, this.hibernation);
    const fo = s.workload.fanout;
    if (fo) {
      const f = (this.fanout = new Fanout(engine, c, tiers, fo, stream(s.seed, replication, 'workload.fanout')));
      f.cloneStep = step(fo.cloneLatency, 'workload.fanout.cloneLatency', (id) => f.onCloneReady(id));
      f.endStep = step(fo.duration, 'workload.fanout.duration', (id) => f.onCloneEnd(id), endHeap);
    }

    c.onPlaced = (job) => this.onPlaced(job);
    this.scheduler = c.scheduler = new Scheduler(engine, inf.scheduler.throughput, c.onPlaced, plans.length);
    if (Number.isFinite(inf.scheduler.apiRate)) this.api = c.api = new ApiServer(engine, inf.scheduler.apiRate, (job) => this.scheduler.submit(job));
    this.arrivals = new TemplateArrivals(engine, c, pools, tiers, plans, mainArrivals, own.map((a) => (a ? ahead(a) : null)), share);
    this.sampler = new CostSampler(engine, c, inf, s.output.interval);
    this.kWarmup = engine.on(() => {
      this.metrics.restart(this.engine.now);
      for (const T of c.tmpl) T.metrics?.restart(this.engine.now);
      this.scheduler.restart();
      this.api?.restart();
      this.nodes?.restart(this.engine.now);
    });
  }

  /** Schedules the first arrival, the warm-up end and the interval samples; fills the pool. */
  start(): void {
    this.arrivals.start();
    if (this.warmupS > 0) this.engine.at(this.warmupS, this.kWarmup, 0, 1);
    this.fanout?.schedule(0);
    this.nodes?.start();
    this.zones?.start();
    this.sampler.start();
    this.metrics.poolLevel(0, 0);
    for (const T of this.core.tmpl) {
      T.metrics?.poolLevel(0, 0);
      this.pools.fill(T);
    }
    this.metrics.restart(0);
    for (const T of this.core.tmpl) T.metrics?.restart(0);
  }

  /**
   * A creation is placed: its cold start (claim, wake, clone latency) begins. An unlimited
   * scheduler places it now (called by the core's `create` directly, or by the scheduler after
   * an API call); a limited one at its `placedS`, in service from its `startS`. The times are
   * read here, not passed (see Step.run).
   */
  private onPlaced(job: number): void {
    const c = this.core;
    const sch = this.scheduler;
    const now = this.engine.now;
    const placedS = sch.unlimited ? now : sch.placedS;
    if (isRefill(job)) {
      const T = c.tmpl[refillTemplate(job)];
      if (placedS >= this.warmupS) {
        this.metrics.creations++;
        if (T.metrics !== null) T.metrics.creations++;
      }
      return this.fromPlaced(T.refillColdStep, 0);
    }
    const S = c.sessions;
    const f = S.flags(job);
    if (f & Flag.Counted) this.metrics.schedulerWait.record((sch.unlimited ? now : sch.startS) - S.markT(job));
    if (f & Flag.Waking) return this.fromPlaced(this.hibernation!.wakeStep, job);
    if (f & Flag.Clone) return this.fromPlaced(this.fanout!.cloneStep, job);
    const T = c.tmpl[S.template(job)];
    if (placedS >= this.warmupS) {
      this.metrics.creations++;
      if (T.metrics !== null) T.metrics.creations++;
    }
    this.fromPlaced(S.tier(job) === Tier.Serverless ? T.serverlessColdStep : T.reservedColdStep, job);
  }

  /** Runs step `st` for `id` from its placement: now when the scheduler is unlimited (no time passed), else its `placedS`. */
  private fromPlaced(st: Step, id: number): void {
    if (this.scheduler.unlimited) st.run(id);
    else st.runFrom(id, this.scheduler.placedS);
  }

  /** A session's sandbox is ready (a claim, a cold start or a wake is over): it runs its turns, or its one session length. */
  private onReady(sid: number): void {
    const c = this.core;
    const now = this.engine.now;
    const S = c.sessions;
    const f = S.flags(sid);
    if (f & Flag.Lost) return S.release(sid); // its zone went down while it started
    S.addFlag(sid, Flag.Started);
    const T = c.tmpl[S.template(sid)];
    const tm = T.metrics;
    const o = origin(f, S.tier(sid));
    this.metrics.running.add(now, 1);
    this.metrics.runningBy[o]++;
    if (tm !== null) {
      tm.running.add(now, 1);
      tm.runningBy[o]++;
    }
    const counted = (f & Flag.Counted) !== 0;
    if (f & Flag.Waking) {
      S.clearFlag(sid, Flag.Waking);
      const w = now - S.durationS(sid);
      this.metrics.wake(w, counted);
      tm?.wake(w, counted);
      return this.turns!.run(T, sid, now);
    }
    const latency = now - S.arrivalT(sid);
    const warm = (f & Flag.Warm) !== 0;
    const b = this.metrics.bucketOf(latency);
    this.metrics.start(latency, b, warm, counted);
    tm?.start(latency, b, warm, counted);
    if (this.turns !== null) return this.turns.begin(T, sid, now);
    const d = S.durationS(sid);
    if (d === d) {
      T.endStep.observe?.record(d);
      this.engine.after(d, T.endStep.kind, sid); // trace-given duration (not NaN): main heap
    } else T.endStep.run(sid);
  }

  /** Sessions arrived so far, warm-up included (for pool controllers). */
  get arrivalsTotal(): number {
    return this.arrivals.arrivalsTotal;
  }

  /** Sessions lost with a zone outage (0 without one). */
  get outageLost(): number {
    return this.zones ? this.zones.lost : 0;
  }

  /** Seconds until reserved capacity covered again what was in use before the outage (NaN: never, or no outage). */
  get outageRecoveryS(): number {
    return this.zones ? this.zones.recoveryS : NaN;
  }

  /** The templates' names, in order. */
  get templateNames(): string[] {
    return this.core.tmpl.map((T) => T.plan.name);
  }

  /** Template t's statistics (the fleet's own with one template). */
  templateMetrics(t: number): FleetMetrics {
    return this.core.tmpl[t].metrics ?? this.metrics;
  }

  /** Template t's warm pool, for a pool controller. */
  pool(t: number): WarmPool {
    return this.pools.controlled(this.core.tmpl[t]);
  }

  /** Current warm-pool target (template 0). */
  get poolSize(): number {
    return this.core.tmpl[0].poolTarget;
  }

  /** Ready sandboxes in the pool now (template 0). */
  get poolReadyNow(): number {
    return this.core.tmpl[0].poolReady;
  }

  /** Changes the warm-pool target of template 0 (for scaling policies); see WarmPools.setTarget. */
  setPoolTarget(n: number): void {
    this.pools.setTarget(this.core.tmpl[0], n);
  }

  /** Live sessions that arrived after warm-up, counted by scanning the table (independent of the counters); of template t, or all. */
  countInFlight(t = -1): number {
    const S = this.core.sessions;
    let n = 0;
    for (let i = 0; i < S.capacityUsed; i++) {
      const f = S.flags(i);
      if (f & Flag.Live && f & Flag.Counted && !(f & Flag.Lost) && (t < 0 || S.template(i) === t)) n++;
    }
    return n;
  }

  /** Seconds of scheduler service committed in the measured window (for its utilisation). */
  get schedulerBusyS(): number {
    return this.scheduler.busyS;
  }
}
