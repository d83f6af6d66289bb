import type { Engine } from '../engine/engine.js';
import { makeDistribution, specMean, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { Ahead } from '../random/ahead.js';
import { stream, streamSeed } from '../random/rng.js';
import type { Scenario } from '../scenario/schema.js';
import { RateCurveArrivals, type ArrivalProcess } from '../workload/arrivals.js';
import { IdQueue } from './idQueue.js';
import { NodePool } from './nodePool.js';
import { FleetMetrics } from './metrics.js';
import { ExportHistograms } from './exportHistograms.js';
import type { BucketHistogram } from '../stats/bucketHistogram.js';
import { ApiServer } from './apiServer.js';
import { isRefill, refillJob, refillTemplate, Scheduler } from './scheduler.js';
import { Flag, SessionTable, Tier } from './sessionTable.js';
import { pickTemplate, shareCdf, templatePlans, type TemplatePlan } from './templates.js';

/** Where a running session started: 0 a warm-pool claim, 1 a reserved cold start, 2 serverless. */
function origin(flags: number, tier: number): number {
  return flags & Flag.Warm ? 0 : tier === Tier.Serverless ? 2 : 1;
}

export { acceleratedColdStart } from './templates.js';

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

/** A delay step: immediate (0 s), a fixed-delay lane, or a sampled delay on the heap. */
interface Step {
  dist: Distribution;
  immediate: boolean;
  lane: number;
  /** Extra heap for sampled delays, or -1 for the main heap. */
  heap: number;
  kind: number;
  handler: (id: number) => void;
  /** Where to record each delay drawn (exported histograms), or null. */
  observe: BucketHistogram | null;
}

/**
 * A sandbox template at run time: its plan, its steps (claim, cold starts, refill, session end,
 * turn), its warm pool, and its own metrics when the scenario has several templates.
 */
interface Template {
  readonly plan: TemplatePlan;
  /** Slots one sandbox takes. */
  readonly size: number;
  readonly sessionDuration: Distribution;
  readonly endStep: Step;
  readonly claimStep: Step;
  readonly reservedColdStep: Step;
  readonly serverlessColdStep: Step;
  readonly refillColdStep: Step;
  /** Turn step (multi-turn sessions), or null. */
  activeStep: Step | null;
  /** Warm pool: target size, ready sandboxes, refills being created, refills waiting for a slot. */
  poolTarget: number;
  poolReady: number;
  poolCreating: number;
  poolWaitingSlot: number;
  /** Sessions of this template arrived so far, warm-up included (for pool controllers). */
  arrivalsTotal: number;
  /** Reserved and serverless slots its sandboxes hold, hibernated sessions (for per-template levels). */
  reservedUsed: number;
  serverlessUsed: number;
  hibernatedNow: number;
  /** Its own statistics (null with one template: the fleet's are its). */
  readonly metrics: FleetMetrics | null;
}

/** What a pool controller drives: one template's warm pool. */
export interface WarmPool {
  /** Sessions arrived so far, warm-up included. */
  readonly arrivalsTotal: number;
  /** Current target. */
  readonly poolSize: number;
  /** Ready sandboxes now. */
  readonly poolReadyNow: number;
  setPoolTarget(n: number): void;
}

/**
 * The sandbox fleet: sessions arrive, get a sandbox (a warm-pool claim, a reserved slot, or a
 * serverless slot on overflow), run, and free it. The semantics pinned by the tests:
 *
 * - Every sandbox creation (a session's cold start, a pool refill) is placed by the scheduler,
 *   sessions before refills, then takes the cold start of its tier.
 * - Reserved: `slots` sandboxes; a session that finds none free waits in FIFO order.
 * - Overflow: to serverless when, on arrival, ≥ `queueThreshold` already wait (0: whenever no
 *   reserved slot is free), or when a wait reaches `waitTimeout`. A serverless tier at
 *   `maxSlots` rejects the request (every tier is full).
 * - Warm pool: `size` ready sandboxes holding slots of their tier. A claim takes `claimLatency`
 *   and starts a refill at once; a refill that finds no slot waits for one (after sessions).
 *   An empty pool means a cold start; the pool starts full (pre-warmed before the horizon).
 * - Start latency = arrival → sandbox ready. Concurrency = sessions running (ready → end).
 * - Multi-turn sessions (workload.turns): turns of active time separated by think times, the
 *   slot held throughout. With hibernation, a think time longer than `idleTimeout` hibernates the
 *   session at the timeout (slot released, state kept); its next turn wakes it: a slot again
 *   (queue, overflow, or lost when every tier is full), then `wakeLatency`. With evictOnPressure,
 *   an arrival that finds every reserved slot taken (and nobody queued) destroys the longest-idle
 *   session's sandbox and takes its slot; that session is lost.
 * - Nodes (reserved.nodes): capacity = ready nodes × slotsPerNode, grown by the node autoscaler
 *   (src/model/nodePool.ts) when sessions or refills wait for reserved slots, shrunk when a node's
 *   worth of slots stays free; new slots go to waiting sessions, then waiting refills.
 * - API server (scheduler.apiRate): a FIFO server of that many calls a second; each creation
 *   makes a create call before the scheduler, each sandbox deletion a delete call.
 * - Fan-out (workload.fanout): `size` clones at once, each a slot like a request (no warm pool),
 *   placed by the scheduler, then `cloneLatency`; completion = fan-out → its last clone ready.
 *   Clones are not sessions: they count in capacity and cost, not in the session statistics.
 * - Templates (scenario `templates`): each arrival asks for one template (by share, or from the
 *   template's own arrivals); a template's sandbox takes `size` slots of the shared capacity and
 *   has its own session length, cold starts and warm pool. The reserved queue is one FIFO: its
 *   head waits until enough slots are free (nobody overtakes it); pool refills wait behind every
 *   waiting session. Without templates the scenario is one template of size 1.
 * - Cost: reserved slots × measured hours × price (unlimited reserved: slot-hours in use);
 *   serverless slot-seconds held × price, both over the measured window (after warm-up).
 */
export class Fleet implements WarmPool {
  readonly metrics: FleetMetrics;
  readonly sessions = new SessionTable(4096);
  /** Sessions waiting for a reserved slot, and the slots they need. */
  private readonly waiting = new IdQueue(1024);
  private waitingSlots = 0;
  /** Refills of every template waiting for a slot (so a freed slot skips the refill scan when there are none). */
  private refillsWaitingSlot = 0;
  private readonly scheduler: Scheduler;
  /** Reserved capacity as autoscaled nodes (null: fixed slots). */
  readonly nodes: NodePool | null = null;
  /** The API server's call rate limit (null: unlimited). */
  readonly api: ApiServer | null = null;
  /** The templates (one, the scenario's own, without `templates`). */
  private readonly tmpl: Template[];
  /** Cumulative shares of workload.arrivals by template (null: every arrival is template 0). */
  private readonly shareCdf: Float64Array | null = null;
  private readonly plans: TemplatePlan[] = [];
  private readonly shareRng: (() => number) | null = null;

  private reservedSlots: number;
  private reservedUsed = 0;
  private readonly serverlessEnabled: boolean;
  private readonly serverlessMax: number;
  private serverlessUsed = 0;
  private readonly queueThreshold: number;
  private readonly waitTimeoutS: number;
  private readonly poolTier: number;

  /** Sessions arrived so far, warm-up included (for pool controllers). */
  arrivalsTotal = 0;
  private readonly warmupS: number;
  private readonly horizonS: number;
  private readonly intervalS: number;
  private lastCutT = 0;

  private readonly kArrival: number;
  private readonly arrivalLane: number;
  /** Templates' own arrivals: process, engine kind and lane per template (null: shares only). */
  private readonly own: { process: ArrivalProcess; kind: number; lane: number; t: number }[] = [];
  /** Start-up delays (seconds) in a queue of their own, apart from session ends (minutes to hours). */
  private readonly startupHeap: number;
  private readonly kTimeout: number;
  private readonly timeoutLane: number;
  private readonly kSample: number;
  private readonly kWarmup: number;

  /** Multi-turn sessions (null: one turn of sessionDuration). */
  private readonly turns: { count: Distribution; think: Distribution } | null = null;
  private readonly kNextTurn: number = -1;
  /** Hibernation: idle timeout and the wake step (null: off). */
  private readonly hibernation: { idleS: number; wakeStep: Step } | null = null;
  private readonly kHibernate: number = -1;
  private readonly kWake: number = -1;
  private hibernatedNow = 0;
  /** Evict-on-pressure: idle sessions holding reserved slots (lazily cleaned), or null when off. */
  private readonly idle: IdQueue | null = null;

  /** Zones: how many, the next for round-robin placement, and the outage's outcome. */
  private readonly zoneCount: number = 1;
  private nextZone = 0;
  private readonly kOutage: number = -1;
  private readonly kRecover: number = -1;
  private readonly kRecoveryScan: number = -1;
  private zoneSlotsDown = 0;
  /** Outage outcome: sessions lost with the zone, and seconds until reserved capacity covers what was in use before it. */
  outageLost = 0;
  outageRecoveryS = NaN;
  private outageAtS = NaN;
  private outageNeed = 0;

  /** Cloning fan-out: event times, clone steps, and per fan-out its start and clones not yet ready. */
  private readonly fanout: { times: number[]; next: number; size: number; cloneStep: Step; endStep: Step; rate: number; rng: () => number } | null = null;
  private readonly kFanout: number = -1;
  private readonly fanStartS: number[] = [];
  private readonly fanPending: number[] = [];
  /** A sampler of `spec` on the named stream (drawing ahead on the helper thread in a large fleet with one). */
  private readonly draw: (spec: DistributionSpec, name: string) => Distribution;

  /**
   * `arrivals` is the scenario's arrival process (workload.arrivals); `own[t]` the arrivals of
   * template t when it has its own (scenario `templates.<name>.arrivals`), in template order.
   */
  constructor(
    private readonly engine: Engine,
    private readonly scenario: Scenario,
    private arrivals: ArrivalProcess,
    replication: number,
    own: readonly (ArrivalProcess | null)[] = [],
    opts: { exportHistograms?: boolean } = {},
  ) {
    const s = scenario;
    const inf = s.infrastructure;
    const rng = (name: string) => stream(s.seed, replication, name);
    this.warmupS = s.warmup;
    this.horizonS = s.duration;
    this.intervalS = s.output.interval;
    const intervals = Math.ceil(s.duration / s.output.interval - 1e-9);
    this.metrics = new FleetMetrics(intervals);
    const ex = opts.exportHistograms ? new ExportHistograms(intervals) : null;
    this.metrics.exported = ex;
    this.reservedSlots = inf.reserved.slots;
    if (inf.reserved.nodes) {
      this.nodes = new NodePool(engine, inf.reserved.nodes, {
        pendingSlots: () => this.waitingSlots + (this.poolTier === Tier.Reserved ? this.poolWaitingSlots() : 0),
        freeSlots: () => this.reservedSlots - this.reservedUsed,
        resize: (delta) => this.resize(delta),
      }, rng('infrastructure.reserved.nodes'), s.duration);
      this.reservedSlots = this.nodes.initialSlots;
    }
    this.serverlessEnabled = inf.serverless.enabled;
    this.serverlessMax = inf.serverless.enabled ? inf.serverless.maxSlots : 0;
    this.queueThreshold = inf.overflow.queueThreshold;
    this.waitTimeoutS = inf.overflow.waitTimeout;
    this.poolTier = inf.warmPool.tier === 'serverless' ? Tier.Serverless : Tier.Reserved;

    const plans = templatePlans(s);
    const several = s.templates !== undefined;
    // one template keeps the scenario's own stream names; several name theirs
    const named = (name: string, t: TemplatePlan) => (several ? `templates.${t.name}.${name}` : name);
    const ready = (id: number) => this.onReady(id);
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
    this.arrivals = ahead(arrivals);
    const mainDuration = this.draw(plans[0].sessionDuration, named('workload.sessionDuration', plans[0]));
    const startupWidthS = Math.min(1, Math.max(1e-3, startupMeanS / 32));
    this.startupHeap = large ? engine.farCalendar(startupWidthS, FAR_STARTUP_S) : engine.calendar(startupWidthS);
    const endHeap = large ? engine.farCalendar(mainDuration.mean / 256, FAR_END_S) : -1;
    this.tmpl = plans.map((t, i) => {
      const duration = i === 0 ? mainDuration : this.draw(t.sessionDuration, named('workload.sessionDuration', t));
      const endStep = this.step(t.sessionDuration, duration, (id) => this.onEnd(id));
      endStep.heap = endHeap;
      const T: Template = {
        plan: t,
        size: t.size,
        sessionDuration: duration,
        endStep,
        claimStep: this.step(t.pool.claimLatency, null, ready, named('infrastructure.warmPool.claimLatency', t)),
        reservedColdStep: this.step(t.reservedColdStart, null, ready, named('infrastructure.reserved.coldStart', t)),
        serverlessColdStep: this.step(t.serverlessColdStart, null, ready, named('infrastructure.serverless.coldStart', t)),
        // Refills draw from their own stream so pool settings never shift sessions' cold starts.
        refillColdStep: this.step(this.poolTier === Tier.Serverless ? t.serverlessColdStart : t.reservedColdStart, null, () => this.onRefillReady(T), named('infrastructure.warmPool.refill', t)),
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
    if (several) {
      this.plans = plans;
      this.shareCdf = shareCdf(plans);
      // uniform on (0, 1) is the stream's own next() (0 + 1 × u): drawn ahead with the rest
      const u = this.draw({ kind: 'uniform', min: 0, max: 1 }, 'templates.share');
      this.shareRng = () => u.sample();
    }

    const tu = s.workload.turns;
    if (tu) {
      for (const T of this.tmpl) {
        T.activeStep = this.step(tu.active ?? T.plan.sessionDuration, null, (id) => this.onTurnEnd(id), named('workload.turns.active', T.plan));
        T.activeStep.heap = endHeap;
      }
      this.turns = { count: this.draw(tu.count, 'workload.turns.count'), think: this.draw(tu.think, 'workload.turns.think') };
      this.kNextTurn = engine.on((id) => this.onNextTurn(id));
      if (inf.hibernation) {
        this.hibernation = { idleS: inf.hibernation.idleTimeout, wakeStep: this.step(inf.hibernation.wakeLatency, null, ready, 'infrastructure.hibernation.wakeLatency') };
        this.kHibernate = engine.on((id) => this.onHibernate(id));
        this.kWake = engine.on((id) => this.onWake(id));
      }
      if (inf.evictOnPressure) this.idle = new IdQueue(1024);
    }

    const zones = inf.zones;
    if (zones) {
      this.zoneCount = zones.count;
      if (zones.outage) {
        this.kOutage = engine.on(() => this.onOutage());
        this.kRecover = engine.on(() => this.onZoneBack());
        this.kRecoveryScan = engine.on(() => this.onRecoveryScan());
      }
    }
    const fo = s.workload.fanout;
    if (fo) {
      const r = stream(s.seed, replication, 'workload.fanout');
      const cloneStep = this.step(fo.cloneLatency, null, (id) => this.onCloneReady(id), 'workload.fanout.cloneLatency');
      const endStep = this.step(fo.duration, null, (id) => this.onCloneEnd(id), 'workload.fanout.duration');
      endStep.heap = endHeap;
      this.fanout = { times: [...(fo.at ?? [])].sort((a, b) => a - b), next: 0, size: fo.size, cloneStep, endStep, rate: fo.rate ?? 0, rng: () => r.next() };
      this.kFanout = engine.on(() => this.onFanout());
    }

    this.scheduler = new Scheduler(engine, inf.scheduler.throughput, (job, startS, placedS) => this.onPlaced(job, startS, placedS), plans.length);
    if (Number.isFinite(inf.scheduler.apiRate)) this.api = new ApiServer(engine, inf.scheduler.apiRate, (job) => this.scheduler.submit(job));
    this.kArrival = engine.on(() => this.onArrival());
    this.arrivalLane = engine.stream();
    for (let t = 0; t < plans.length; t++) {
      if (!own[t]) continue;
      const process = ahead(own[t]!);
      const o = { process, kind: engine.on(() => this.onOwnArrival(o)), lane: engine.stream(), t };
      this.own.push(o);
    }
    this.kTimeout = engine.on(() => this.onTimeout());
    this.timeoutLane = Number.isFinite(this.waitTimeoutS) ? engine.lane(this.waitTimeoutS) : -1;
    this.kSample = engine.on(() => this.onSample());
    this.kWarmup = engine.on(() => {
      this.metrics.restart(this.engine.now);
      for (const T of this.tmpl) T.metrics?.restart(this.engine.now);
      this.scheduler.restart();
      this.api?.restart();
      this.nodes?.restart(this.engine.now);
    });
  }

  private step(spec: DistributionSpec, dist: Distribution | null, handler: (id: number) => void, stream_?: string): Step {
    const d = dist ?? this.draw(spec, stream_!);
    const kind = this.engine.on(handler);
    const immediate = d.fixed && d.mean === 0;
    // Fixed delays from non-decreasing base times fire in order: a FIFO stream lane.
    const lane = d.fixed ? this.engine.stream() : -1;
    return { dist: d, immediate, lane, heap: this.startupHeap, kind, handler, observe: null };
  }

  /**
   * Runs step `st` for `id` starting at `baseS` (≥ now; non-decreasing per fixed-delay step).
   * The delay is drawn once (a fixed step's is its mean: no draw) and, for `run --openmetrics`,
   * recorded — the same draws in the same order either way.
   */
  private delay(st: Step, id: number, baseS: number): void {
    const now = this.engine.now;
    const x = st.lane >= 0 ? st.dist.mean : st.dist.sample();
    st.observe?.record(x);
    if (st.immediate && baseS === now) st.handler(id);
    else if (st.lane >= 0) this.engine.inStream(st.lane, baseS + x, st.kind, id);
    else if (st.heap >= 0) this.engine.afterIn(st.heap, baseS - now + x, st.kind, id);
    else this.engine.after(baseS - now + x, st.kind, id);
  }

  /** Schedules the first arrival, the warm-up end and the interval samples; fills the pool. */
  start(): void {
    const t = this.arrivals.next();
    if (t < this.horizonS) this.engine.inStream(this.arrivalLane, t, this.kArrival, 0);
    for (const o of this.own) {
      const first = o.process.next();
      if (first < this.horizonS) this.engine.inStream(o.lane, first, o.kind, 0);
    }
    if (this.warmupS > 0) this.engine.at(this.warmupS, this.kWarmup, 0, 1);
    this.scheduleFanout(0);
    this.nodes?.start();
    const out = this.scenario.infrastructure.zones?.outage;
    if (out && out.at < this.horizonS) this.engine.at(out.at, this.kOutage, 0, 0);
    this.engine.at(Math.min(this.intervalS, this.horizonS), this.kSample, 0, 2);
    this.metrics.poolLevel(0, 0);
    for (const T of this.tmpl) {
      T.metrics?.poolLevel(0, 0);
      this.fillPool(T);
    }
    this.metrics.restart(0);
    for (const T of this.tmpl) T.metrics?.restart(0);
  }

  /** The templates' names, in order. */
  get templateNames(): string[] {
    return this.tmpl.map((T) => T.plan.name);
  }

  /** Template t's statistics (the fleet's own with one template). */
  templateMetrics(t: number): FleetMetrics {
    return this.tmpl[t].metrics ?? this.metrics;
  }

  /** Template t's warm pool, for a pool controller. */
  pool(t: number): WarmPool {
    const T = this.tmpl[t];
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fleet = this;
    return {
      get arrivalsTotal() {
        return T.arrivalsTotal;
      },
      get poolSize() {
        return T.poolTarget;
      },
      get poolReadyNow() {
        return T.poolReady;
      },
      setPoolTarget: (n: number) => fleet.setTemplatePoolTarget(T, n),
    };
  }

  /** Current warm-pool target (template 0). */
  get poolSize(): number {
    return this.tmpl[0].poolTarget;
  }

  /** Ready sandboxes in the pool now (template 0). */
  get poolReadyNow(): number {
    return this.tmpl[0].poolReady;
  }

  /** Changes the warm-pool target of template 0 (for scaling policies); see setTemplatePoolTarget. */
  setPoolTarget(n: number): void {
    this.setTemplatePoolTarget(this.tmpl[0], n);
  }

  /**
   * Changes a template's warm-pool target. A larger target starts refills through the scheduler;
   * a smaller one drops waiting refills first, then deletes ready sandboxes (freeing their slots);
   * refills already being created are deleted when they finish.
   */
  private setTemplatePoolTarget(T: Template, n: number): void {
    T.poolTarget = Math.max(0, Math.floor(n));
    let excess = T.poolReady + T.poolCreating + T.poolWaitingSlot - T.poolTarget;
    if (excess <= 0) return this.fillPool(T);
    const w = Math.min(excess, T.poolWaitingSlot);
    T.poolWaitingSlot -= w;
    this.refillsWaitingSlot -= w;
    excess -= w;
    const c = this.scheduler.cancelRefills(T.plan.index, excess);
    T.poolCreating -= c;
    for (let i = 0; i < c; i++) this.releaseSlot(this.poolTier, T);
    excess -= c;
    const r = Math.min(excess, T.poolReady);
    T.poolReady -= r;
    this.poolLevel(T, -r);
    for (let i = 0; i < r; i++) {
      this.api?.delete();
      this.releaseSlot(this.poolTier, T);
    }
  }

  /** The pool's ready level changed by `delta` (now: T.poolReady). */
  private poolLevel(T: Template, delta: number): void {
    const now = this.engine.now;
    if (T.metrics === null) return this.metrics.poolLevel(now, T.poolReady);
    T.metrics.poolLevel(now, T.poolReady);
    this.metrics.poolLevel(now, this.metrics.poolReady.level + delta);
  }

  /** Refills of every template waiting for a slot. */
  private poolWaitingSlots(): number {
    let n = 0;
    for (const T of this.tmpl) n += T.poolWaitingSlot * T.size;
    return n;
  }

  private onArrival(): void {
    const now = this.engine.now;
    const durationS = this.arrivals.durationS;
    const next = this.arrivals.next();
    if (next < this.horizonS) this.engine.inStream(this.arrivalLane, next, this.kArrival, 0);
    const t = this.shareCdf === null ? 0 : pickTemplate(this.plans, this.shareCdf, this.shareRng!());
    this.arrive(this.tmpl[t], now, durationS);
  }

  private onOwnArrival(o: { process: ArrivalProcess; kind: number; lane: number; t: number }): void {
    const now = this.engine.now;
    const durationS = o.process.durationS;
    const next = o.process.next();
    if (next < this.horizonS) this.engine.inStream(o.lane, next, o.kind, 0);
    this.arrive(this.tmpl[o.t], now, durationS);
  }

  /** A session of template T arrives. */
  private arrive(T: Template, now: number, durationS: number): void {
    const counted = now >= this.warmupS;
    this.arrivalsTotal++;
    T.arrivalsTotal++;
    const sid = this.sessions.alloc(now, durationS, counted ? Flag.Counted : 0, T.plan.index);
    const tm = T.metrics;
    this.metrics.arrival(counted);
    tm?.arrival(counted);
    if (T.poolReady > 0) {
      // Warm hit: the pool sandbox's slot becomes the session's.
      T.poolReady--;
      this.poolLevel(T, -1);
      this.takeTier(sid, this.poolTier);
      this.sessions.addFlag(sid, Flag.Warm);
      if (counted) {
        this.metrics.queueWait.record(0);
        tm?.queueWait.record(0);
      }
      this.delay(T.claimStep, sid, now);
      this.fillPool(T);
      return;
    }
    if (this.reservedSlots - this.reservedUsed >= T.size && this.waiting.size === 0) {
      this.useReserved(T, T.size);
      this.takeTier(sid, Tier.Reserved);
      this.submit(sid);
    } else if (this.idle !== null && this.waiting.size === 0 && this.evictFor(T.size)) {
      // capacity ran out: idle sessions' sandboxes were destroyed and their slots are this session's
      this.useReserved(T, T.size);
      this.takeTier(sid, Tier.Reserved);
      this.submit(sid);
    } else if (this.serverlessEnabled && this.waiting.size >= this.queueThreshold) {
      this.toServerless(sid);
    } else {
      this.enqueue(sid, T);
      this.sessions.addFlag(sid, Flag.Queued);
      this.metrics.enqueued(counted);
      tm?.enqueued(counted);
      return;
    }
    if (counted) {
      this.metrics.queueWait.record(0);
      tm?.queueWait.record(0);
    }
  }

  /** Joins the reserved queue (FIFO), with the wait-timeout check for overflow. */
  private enqueue(sid: number, T: Template): void {
    const now = this.engine.now;
    this.sessions.setMarkT(sid, now);
    this.waiting.push(sid);
    this.waitingSlots += T.size;
    this.metrics.queue.set(now, this.waiting.size);
    if (this.serverlessEnabled && this.timeoutLane >= 0) this.engine.inLane(this.timeoutLane, this.kTimeout, 0);
  }

  /** The head of the reserved queue leaves it. */
  private dequeue(): number {
    const sid = this.waiting.shift();
    this.waitingSlots -= this.tmpl[this.sessions.template(sid)].size;
    this.metrics.queue.set(this.engine.now, this.waiting.size);
    return sid;
  }

  /** Template T's sandboxes take `slots` more reserved slots (negative: give them back). */
  private useReserved(T: Template, slots: number): void {
    this.reservedUsed += slots;
    this.metrics.reservedLevel(this.engine.now, this.reservedUsed);
    if (T.metrics !== null) T.metrics.reservedLevel(this.engine.now, (T.reservedUsed += slots));
  }

  private useServerless(T: Template, slots: number): void {
    this.serverlessUsed += slots;
    this.metrics.serverlessBusy.set(this.engine.now, this.serverlessUsed);
    if (T.metrics !== null) T.metrics.serverlessBusy.set(this.engine.now, (T.serverlessUsed += slots));
  }

  private submit(sid: number): void {
    this.sessions.setMarkT(sid, this.engine.now);
    this.create(sid);
  }

  /** The session holds a slot of `tier`; a reserved slot is in the next zone (round robin: zones stay balanced). */
  private takeTier(sid: number, tier: number): void {
    this.sessions.setTier(sid, tier);
    if (tier === Tier.Reserved && this.zoneCount > 1) this.sessions.setZone(sid, this.nextZone++ % this.zoneCount);
  }

  /** A sandbox creation: a create call to the API server (when limited), then the scheduler. */
  private create(job: number): void {
    if (this.api !== null) this.api.create(job);
    else this.scheduler.submit(job);
  }

  private toServerless(sid: number): void {
    const S = this.sessions;
    const f = S.flags(sid);
    const counted = (f & Flag.Counted) !== 0;
    const T = this.tmpl[S.template(sid)];
    if (this.serverlessUsed + T.size <= this.serverlessMax) {
      this.useServerless(T, T.size);
      S.setTier(sid, Tier.Serverless);
      // sessions.overflowed counts sessions at their start; wakes and clones overflow too, uncounted there
      if (!(f & (Flag.Waking | Flag.Clone))) {
        this.metrics.overflow(counted);
        T.metrics?.overflow(counted);
      }
      this.submit(sid);
    } else if (f & Flag.Clone) {
      this.cloneFailed(sid);
    } else if (f & Flag.Waking) {
      // its state could not be restored anywhere
      this.metrics.lose(counted);
      T.metrics?.lose(counted);
      S.release(sid);
    } else {
      this.metrics.reject(counted);
      T.metrics?.reject(counted);
      S.release(sid);
    }
  }

  /** A wait reached the timeout: the head of the queue (FIFO and equal timeouts) overflows. */
  private onTimeout(): void {
    const now = this.engine.now;
    const S = this.sessions;
    let left = false;
    while (this.waiting.size > 0 && S.markT(this.waiting.peek()) + this.waitTimeoutS <= now) {
      const sid = this.dequeue();
      left = true;
      this.recordQueueWait(sid, now);
      this.toServerless(sid);
    }
    // a big head that left may unblock smaller sessions behind it
    if (left) this.serveReserved();
  }

  /** A session left the queue for a slot: its wait (sessions only, not wakes or clones). */
  private recordQueueWait(sid: number, now: number): void {
    const S = this.sessions;
    if ((S.flags(sid) & (Flag.Counted | Flag.Waking | Flag.Clone)) !== Flag.Counted) return;
    const w = now - S.arrivalT(sid);
    this.metrics.queueWait.record(w);
    this.tmpl[S.template(sid)].metrics?.queueWait.record(w);
  }

  private onPlaced(job: number, startS: number, placedS: number): void {
    if (isRefill(job)) {
      const T = this.tmpl[refillTemplate(job)];
      if (placedS >= this.warmupS) {
        this.metrics.creations++;
        if (T.metrics !== null) T.metrics.creations++;
      }
      return this.delay(T.refillColdStep, 0, placedS);
    }
    const S = this.sessions;
    const f = S.flags(job);
    if (f & Flag.Counted) this.metrics.schedulerWait.record(startS - S.markT(job));
    if (f & Flag.Waking) return this.delay(this.hibernation!.wakeStep, job, placedS);
    if (f & Flag.Clone) return this.delay(this.fanout!.cloneStep, job, placedS);
    const T = this.tmpl[S.template(job)];
    if (placedS >= this.warmupS) {
      this.metrics.creations++;
      if (T.metrics !== null) T.metrics.creations++;
    }
    this.delay(S.tier(job) === Tier.Serverless ? T.serverlessColdStep : T.reservedColdStep, job, placedS);
  }

  private onReady(sid: number): void {
    const now = this.engine.now;
    const S = this.sessions;
    const f = S.flags(sid);
    if (f & Flag.Lost) return S.release(sid); // its zone went down while it started
    S.addFlag(sid, Flag.Started);
    const T = this.tmpl[S.template(sid)];
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
      return this.runTurns(T, sid, now);
    }
    const latency = now - S.arrivalT(sid);
    const warm = (f & Flag.Warm) !== 0;
    const b = this.metrics.bucketOf(latency);
    this.metrics.start(latency, b, warm, counted);
    tm?.start(latency, b, warm, counted);
    if (this.turns) {
      S.setTurnsLeft(sid, Math.max(1, Math.ceil(this.turns.count.sample())) - 1);
      return this.runTurns(T, sid, now);
    }
    const d = S.durationS(sid);
    if (d === d) {
      T.endStep.observe?.record(d);
      this.engine.after(d, T.endStep.kind, sid); // trace-given duration (not NaN): main heap
    }
    else this.delay(T.endStep, sid, now);
  }

  /** A running session leaves the running count (it ends, hibernates, or is lost). */
  private stopRunning(T: Template, f: number, tier: number): void {
    const now = this.engine.now;
    const o = origin(f, tier);
    this.metrics.running.add(now, -1);
    this.metrics.runningBy[o]--;
    if (T.metrics !== null) {
      T.metrics.running.add(now, -1);
      T.metrics.runningBy[o]--;
    }
  }

  private onEnd(sid: number): void {
    const S = this.sessions;
    const f = S.flags(sid);
    if (f & Flag.Lost) return S.release(sid);
    const T = this.tmpl[S.template(sid)];
    const tier = S.tier(sid);
    this.stopRunning(T, f, tier);
    const counted = (f & Flag.Counted) !== 0;
    this.metrics.complete(counted);
    T.metrics?.complete(counted);
    S.release(sid);
    this.api?.delete();
    this.releaseSlot(tier, T);
  }

  /** The next fan-out time after `afterS` (a list, or a Poisson process). */
  private scheduleFanout(afterS: number): void {
    const fo = this.fanout;
    if (!fo) return;
    let t = Infinity;
    if (fo.rate > 0) t = afterS - Math.log(fo.rng()) / fo.rate;
    else if (fo.next < fo.times.length) t = fo.times[fo.next++];
    if (t < this.horizonS) this.engine.at(t, this.kFanout, 0, 0);
  }

  /** A fan-out: `size` clones at once (of the first template), each needing a slot (reserved, else queue or overflow) and the clone latency. */
  private onFanout(): void {
    const now = this.engine.now;
    const fo = this.fanout!;
    const id = this.fanStartS.length;
    this.fanStartS.push(now);
    this.fanPending.push(fo.size);
    this.metrics.fanouts(now >= this.warmupS);
    const S = this.sessions;
    for (let k = 0; k < fo.size; k++) {
      this.seekSlot(S.alloc(now, id, Flag.Clone, 0));
    }
    this.scheduleFanout(now);
  }

  private onCloneReady(sid: number): void {
    if (this.sessions.flags(sid) & Flag.Lost) return this.cloneFailed(sid);
    const now = this.engine.now;
    const id = this.sessions.durationS(sid);
    if (--this.fanPending[id] === 0 && this.fanStartS[id] >= this.warmupS) this.metrics.fanoutDone(now - this.fanStartS[id]);
    this.delay(this.fanout!.endStep, sid, now);
  }

  private onCloneEnd(sid: number): void {
    const S = this.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    const tier = S.tier(sid);
    const T = this.tmpl[S.template(sid)];
    S.release(sid);
    this.api?.delete();
    this.releaseSlot(tier, T);
  }

  /** A clone found every tier full: its fan-out can never complete. */
  private cloneFailed(sid: number): void {
    const id = this.sessions.durationS(sid);
    if (this.fanPending[id] > 0 && this.fanStartS[id] >= this.warmupS) this.metrics.fanoutFailed++;
    this.fanPending[id] = -Infinity;
    this.sessions.release(sid);
  }

  /**
   * A multi-turn session runs from `now`. Nothing outside a session sees a think time it spends
   * holding its sandbox, so without evict-on-pressure its turns are drawn here at once, up to its
   * end or the first think time long enough to hibernate: one event (end, or hibernate + wake)
   * instead of two per turn. With evict-on-pressure idle sessions are visible (evictable), so
   * each turn is an event of its own (onTurnEnd).
   */
  private runTurns(T: Template, sid: number, now: number): void {
    if (this.idle !== null) return this.delay(T.activeStep!, sid, now);
    const S = this.sessions;
    const active = T.activeStep!.dist;
    const think = this.turns!.think;
    const h = this.hibernation;
    const idleS = h === null ? Infinity : h.idleS;
    const heap = this.tmpl[0].endStep.heap;
    const counted = (S.flags(sid) & Flag.Counted) !== 0;
    let left = S.turnsLeft(sid);
    let t = active.sample();
    while (left > 0) {
      left--;
      if (counted && now + t < this.horizonS) this.metrics.thinks++;
      const gap = think.sample();
      if (gap > idleS) {
        S.setTurnsLeft(sid, left);
        this.later(heap, t + idleS, this.kHibernate, sid);
        this.later(heap, t + gap, this.kWake, sid);
        return;
      }
      t += gap + active.sample();
    }
    S.setTurnsLeft(sid, 0);
    this.later(heap, t, T.endStep.kind, sid);
  }

  /** (Evict-on-pressure) A turn's active time is over: the session ends, or thinks (holding its slot, or hibernating after the idle timeout). */
  private onTurnEnd(sid: number): void {
    const S = this.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    const left = S.turnsLeft(sid);
    if (left === 0) return this.onEnd(sid);
    S.setTurnsLeft(sid, left - 1);
    if (S.flags(sid) & Flag.Counted) this.metrics.thinks++;
    const think = this.turns!.think.sample();
    const h = this.hibernation;
    const heap = this.tmpl[0].endStep.heap;
    if (h !== null && think > h.idleS) {
      this.later(heap, h.idleS, this.kHibernate, sid);
      this.later(heap, think, this.kWake, sid);
      return;
    }
    if (this.idle !== null && S.tier(sid) === Tier.Reserved) {
      S.addFlag(sid, Flag.Idle);
      this.idle.push(sid);
      if (this.idle.size > 4 * S.live + 1024) this.compactIdle();
    }
    this.later(heap, think, this.kNextTurn, sid);
  }

  private later(heap: number, delayS: number, kind: number, id: number): void {
    if (heap >= 0) this.engine.afterIn(heap, delayS, kind, id);
    else this.engine.after(delayS, kind, id);
  }

  /** The next turn of a session that kept its slot (or was lost meanwhile: then its record goes). */
  private onNextTurn(sid: number): void {
    const S = this.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    S.clearFlag(sid, Flag.Idle);
    this.delay(this.tmpl[S.template(sid)].activeStep!, sid, this.engine.now);
  }

  /** Idle past the timeout: the sandbox is released, the state kept. */
  private onHibernate(sid: number): void {
    const now = this.engine.now;
    const S = this.sessions;
    const f = S.flags(sid);
    if (f & Flag.Lost) return; // lost while idle: its wake event, still pending, releases the record
    const T = this.tmpl[S.template(sid)];
    const tier = S.tier(sid);
    this.stopRunning(T, f, tier);
    S.addFlag(sid, Flag.Hibernated);
    S.clearFlag(sid, Flag.Warm | Flag.Started);
    S.setTier(sid, Tier.None);
    const counted = (f & Flag.Counted) !== 0;
    this.metrics.hibernate(now, ++this.hibernatedNow, counted);
    T.metrics?.hibernate(now, ++T.hibernatedNow, counted);
    this.api?.delete();
    this.releaseSlot(tier, T);
  }

  /** The next turn of a hibernated session: it needs a slot again (queue or overflow as any request), then the wake latency. */
  private onWake(sid: number): void {
    const now = this.engine.now;
    const S = this.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    S.clearFlag(sid, Flag.Hibernated);
    S.addFlag(sid, Flag.Waking);
    S.setDurationS(sid, now); // the wake was asked for now
    this.metrics.hibernated.set(now, --this.hibernatedNow);
    const T = this.tmpl[S.template(sid)];
    T.metrics?.hibernated.set(now, --T.hibernatedNow);
    this.seekSlot(sid);
  }

  /**
   * A zone goes down: its share of reserved capacity goes, and so does every sandbox on it —
   * sessions holding a reserved slot there (starting, running or idle), their share of the
   * warm pool, and hibernated sessions unless their state survives elsewhere.
   */
  private onOutage(): void {
    const now = this.engine.now;
    const zones = this.scenario.infrastructure.zones!;
    const out = zones.outage!;
    const S = this.sessions;
    this.outageAtS = now;
    this.outageNeed = this.reservedUsed;
    for (let i = 0; i < S.capacityUsed; i++) {
      const f = S.flags(i);
      if (!(f & Flag.Live) || f & Flag.Lost) continue;
      const onZone = S.tier(i) === Tier.Reserved && S.zone(i) === out.zone;
      const hibernatedThere = (f & Flag.Hibernated) !== 0 && !zones.hibernatedSurvive && S.zone(i) === out.zone;
      if (!onZone && !hibernatedThere) continue;
      const T = this.tmpl[S.template(i)];
      S.addFlag(i, Flag.Lost);
      S.clearFlag(i, Flag.Idle);
      if (f & Flag.Clone) {
        // its slot goes with the zone; its fan-out fails (or its record goes) when its pending event fires
        S.setTier(i, Tier.None);
        this.useReserved(T, -T.size);
        continue;
      }
      if (onZone) {
        this.useReserved(T, -T.size);
        // a running (or thinking) session leaves the running count; one still starting was never in it
        if (f & Flag.Started) this.stopRunning(T, f, Tier.Reserved);
      } else {
        this.metrics.hibernated.set(now, --this.hibernatedNow);
        T.metrics?.hibernated.set(now, --T.hibernatedNow);
      }
      const counted = (f & Flag.Counted) !== 0;
      this.metrics.lose(counted);
      T.metrics?.lose(counted);
      this.outageLost++;
    }
    // the zone's share of each ready pool
    if (this.poolTier === Tier.Reserved) {
      for (const T of this.tmpl) {
        const k = Math.round(T.poolReady / this.zoneCount);
        T.poolReady -= k;
        this.poolLevel(T, -k);
        this.useReserved(T, -k * T.size);
      }
    }
    // and its capacity
    const down = this.nodes ? this.nodes.zoneDown(this.zoneCount) : Math.floor(this.reservedSlots / this.zoneCount);
    this.zoneSlotsDown = down;
    this.reservedSlots -= down;
    for (const T of this.tmpl) this.fillPool(T);
    this.engine.at(now + out.duration, this.kRecover, 0, 0);
    this.engine.at(now + 1, this.kRecoveryScan, 0, 2);
  }

  private onZoneBack(): void {
    this.resize(this.nodes ? this.nodes.zoneUp() : this.zoneSlotsDown);
  }

  /** Once a second after an outage: recovered when reserved capacity again covers the slots in use when it began. */
  private onRecoveryScan(): void {
    const now = this.engine.now;
    if (this.reservedSlots >= this.outageNeed) {
      this.outageRecoveryS = now - this.outageAtS;
      return;
    }
    if (now + 1 < this.horizonS) this.engine.at(now + 1, this.kRecoveryScan, 0, 2);
  }

  /**
   * A sandbox that is not a new session (a wake, a clone) seeks a slot as a request does, the
   * warm pool aside: free reserved slots, else serverless past the queue threshold, else the queue.
   */
  private seekSlot(sid: number): void {
    const T = this.tmpl[this.sessions.template(sid)];
    if (this.reservedSlots - this.reservedUsed >= T.size && this.waiting.size === 0) {
      this.useReserved(T, T.size);
      this.takeTier(sid, Tier.Reserved);
      this.submit(sid);
    } else if (this.serverlessEnabled && this.waiting.size >= this.queueThreshold) {
      this.toServerless(sid);
    } else {
      this.enqueue(sid, T);
    }
  }

  /**
   * Destroys the sandboxes of the longest-idle sessions holding reserved slots until `slots` are
   * free; false when there are not enough (the slots freed stay free).
   */
  private evictFor(slots: number): boolean {
    const S = this.sessions;
    const q = this.idle!;
    while (this.reservedSlots - this.reservedUsed < slots) {
      if (q.size === 0) return false;
      const v = q.shift();
      const f = S.flags(v);
      if ((f & (Flag.Idle | Flag.Lost | Flag.Live)) !== (Flag.Idle | Flag.Live)) continue; // resumed, lost or gone
      const T = this.tmpl[S.template(v)];
      S.clearFlag(v, Flag.Idle | Flag.Started);
      S.addFlag(v, Flag.Lost);
      this.stopRunning(T, f, Tier.Reserved);
      const counted = (f & Flag.Counted) !== 0;
      this.metrics.lose(counted);
      T.metrics?.lose(counted);
      this.api?.delete();
      this.useReserved(T, -T.size);
    }
    return true;
  }

  private compactIdle(): void {
    const q = this.idle!;
    const keep: number[] = [];
    while (q.size > 0) {
      const v = q.shift();
      if ((this.sessions.flags(v) & (Flag.Idle | Flag.Lost)) === Flag.Idle) keep.push(v);
    }
    for (const v of keep) q.push(v);
  }

  /** A sandbox of template T gives back its slots of `tier`: they go to waiting sessions, then waiting refills. */
  private releaseSlot(tier: number, T: Template): void {
    if (tier === Tier.Reserved) {
      this.useReserved(T, -T.size);
      // capacity that shrank under the sandboxes holding it (a zone outage) is not handed out
      if (this.reservedUsed < this.reservedSlots) this.serveReserved();
    } else if (tier === Tier.Serverless) {
      this.useServerless(T, -T.size);
      if (this.poolTier === Tier.Serverless) this.serveServerlessRefills();
    }
  }

  /**
   * Free reserved slots go to the head of the queue while it fits (FIFO: nobody overtakes a head
   * that needs more slots than are free), then, with nobody waiting, to refills waiting for one.
   */
  private serveReserved(): void {
    const S = this.sessions;
    const now = this.engine.now;
    while (this.waiting.size > 0) {
      const T = this.tmpl[S.template(this.waiting.peek())];
      if (this.reservedSlots - this.reservedUsed < T.size) return;
      const sid = this.dequeue();
      this.recordQueueWait(sid, now);
      this.useReserved(T, T.size);
      this.takeTier(sid, Tier.Reserved);
      this.submit(sid);
    }
    if (this.poolTier !== Tier.Reserved || this.refillsWaitingSlot === 0) return;
    for (const T of this.tmpl) {
      while (T.poolWaitingSlot > 0 && this.reservedSlots - this.reservedUsed >= T.size) {
        T.poolWaitingSlot--;
        this.refillsWaitingSlot--;
        T.poolCreating++;
        this.useReserved(T, T.size);
        this.create(refillJob(T.plan.index));
      }
    }
  }

  /** Free serverless slots go to refills waiting for one (a serverless pool). */
  private serveServerlessRefills(): void {
    if (this.refillsWaitingSlot === 0) return;
    for (const T of this.tmpl) {
      while (T.poolWaitingSlot > 0 && this.serverlessUsed + T.size <= this.serverlessMax) {
        T.poolWaitingSlot--;
        this.refillsWaitingSlot--;
        T.poolCreating++;
        this.useServerless(T, T.size);
        this.create(refillJob(T.plan.index));
      }
    }
  }

  /** Reserved capacity changed by `delta` slots (nodes added or removed): new slots serve waiters first. */
  private resize(delta: number): void {
    this.reservedSlots += delta;
    // only slots actually free go out (after an outage the survivors may hold more than remained)
    if (this.reservedUsed < this.reservedSlots) this.serveReserved();
  }

  /** Starts refills until ready + creating + waiting reaches the target. */
  private fillPool(T: Template): void {
    const now = this.engine.now;
    while (T.poolReady + T.poolCreating + T.poolWaitingSlot < T.poolTarget) {
      let got = false;
      if (this.poolTier === Tier.Reserved) {
        if (this.reservedSlots - this.reservedUsed >= T.size && this.waiting.size === 0) {
          this.useReserved(T, T.size);
          got = true;
        }
      } else if (this.serverlessUsed + T.size <= this.serverlessMax) {
        this.useServerless(T, T.size);
        got = true;
      }
      if (!got) {
        T.poolWaitingSlot++;
        this.refillsWaitingSlot++;
        continue;
      }
      if (now === 0 && this.engine.events === 0) {
        // Before the horizon: the pool starts warm.
        T.poolReady++;
        this.poolLevel(T, 1);
      } else {
        T.poolCreating++;
        this.create(refillJob(T.plan.index));
      }
    }
  }

  private onRefillReady(T: Template): void {
    T.poolCreating--;
    if (T.poolReady + T.poolCreating + T.poolWaitingSlot >= T.poolTarget) {
      this.api?.delete();
      this.releaseSlot(this.poolTier, T); // the target went down while it was being created
      return;
    }
    T.poolReady++;
    this.poolLevel(T, 1);
  }

  private onSample(): void {
    const now = this.engine.now;
    this.cut(now);
    const next = Math.min(now + this.intervalS, this.horizonS);
    if (next > now) this.engine.at(next, this.kSample, 0, 2);
  }

  private cut(now: number): void {
    const inf = this.scenario.infrastructure;
    const span = now - this.lastCutT;
    this.lastCutT = now;
    const n = inf.reserved.nodes;
    const slotPrice = n ? n.costPerNodeHour / n.slotsPerNode : inf.reserved.costPerSlotHour;
    let target = 0;
    for (const T of this.tmpl) target += T.poolTarget;
    this.metrics.cut(now, target, this.reservedSlots, slotPrice, this.serverlessEnabled ? inf.serverless.costPerSlotSecond : 0, span);
  }

  /** Live sessions that arrived after warm-up, counted by scanning the table (independent of the counters); of template t, or all. */
  countInFlight(t = -1): number {
    const S = this.sessions;
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
