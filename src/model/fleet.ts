import type { Engine } from '../engine/engine.js';
import { makeDistribution, scaleSpec, specMean, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { stream } from '../random/rng.js';
import type { Scenario } from '../scenario/schema.js';
import type { ArrivalProcess } from '../workload/arrivals.js';
import { IdQueue } from './idQueue.js';
import { NodePool } from './nodePool.js';
import { FleetMetrics } from './metrics.js';
import { ApiServer } from './apiServer.js';
import { REFILL_JOB, Scheduler } from './scheduler.js';
import { Flag, SessionTable, Tier } from './sessionTable.js';

/** Where a running session started: 0 a warm-pool claim, 1 a reserved cold start, 2 serverless. */
function origin(flags: number, tier: number): number {
  return flags & Flag.Warm ? 0 : tier === Tier.Serverless ? 2 : 1;
}

/**
 * The reserved tier's cold start with the pod-level accelerations: an image cache removes the
 * image pull, pre-attached network interfaces the wait for the pod network (the mean drops by
 * the parts removed; the shape is kept).
 */
export function acceleratedColdStart(r: Scenario['infrastructure']['reserved']): DistributionSpec {
  const parts = r.coldStartParts;
  if (!parts || (!r.imageCache && !r.eniPrewarm)) return r.coldStart;
  const mean = specMean(r.coldStart);
  const saved = (r.imageCache ? parts.imagePull : 0) + (r.eniPrewarm ? parts.podNetwork : 0);
  return mean > 0 ? scaleSpec(r.coldStart, Math.max(0, mean - saved) / mean) : r.coldStart;
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
 * - Cost: reserved slots × measured hours × price (unlimited reserved: slot-hours in use);
 *   serverless slot-seconds held × price, both over the measured window (after warm-up).
 */
export class Fleet {
  readonly metrics: FleetMetrics;
  readonly sessions = new SessionTable(4096);
  /** Sessions waiting for a reserved slot. */
  private readonly waiting = new IdQueue(1024);
  private readonly scheduler: Scheduler;
  /** Reserved capacity as autoscaled nodes (null: fixed slots). */
  readonly nodes: NodePool | null = null;
  /** The API server's call rate limit (null: unlimited). */
  readonly api: ApiServer | null = null;

  private reservedSlots: number;
  private reservedUsed = 0;
  private readonly serverlessEnabled: boolean;
  private readonly serverlessMax: number;
  private serverlessUsed = 0;
  private readonly queueThreshold: number;
  private readonly waitTimeoutS: number;
  private readonly poolTier: number;

  /** Warm pool: target size, ready sandboxes, refills being created, refills waiting for a slot. */
  private poolTarget: number;
  private poolReady = 0;
  private poolCreating = 0;
  private poolWaitingSlot = 0;

  /** Sessions arrived so far, warm-up included (for pool controllers). */
  arrivalsTotal = 0;
  private readonly warmupS: number;
  private readonly horizonS: number;
  private readonly intervalS: number;
  private lastCutT = 0;

  private readonly sessionDuration: Distribution;
  private readonly endStep: Step;
  private readonly claimStep: Step;
  private readonly reservedColdStep: Step;
  private readonly serverlessColdStep: Step;
  private readonly refillColdStep: Step;
  private readonly kArrival: number;
  private readonly arrivalLane: number;
  /** Start-up delays (seconds) in a queue of their own, apart from session ends (minutes to hours). */
  private readonly startupHeap: number;
  private readonly kTimeout: number;
  private readonly timeoutLane: number;
  private readonly kSample: number;
  private readonly kWarmup: number;

  /** Multi-turn sessions (null: one turn of sessionDuration). */
  private readonly turns: { count: Distribution; think: Distribution; activeStep: Step } | null = null;
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

  constructor(
    private readonly engine: Engine,
    private readonly scenario: Scenario,
    private readonly arrivals: ArrivalProcess,
    replication: number,
  ) {
    const s = scenario;
    const inf = s.infrastructure;
    const rng = (name: string) => stream(s.seed, replication, name);
    this.warmupS = s.warmup;
    this.horizonS = s.duration;
    this.intervalS = s.output.interval;
    this.metrics = new FleetMetrics(Math.ceil(s.duration / s.output.interval - 1e-9));
    this.reservedSlots = inf.reserved.slots;
    if (inf.reserved.nodes) {
      this.nodes = new NodePool(engine, inf.reserved.nodes, {
        pendingSlots: () => this.waiting.size + (this.poolTier === Tier.Reserved ? this.poolWaitingSlot : 0),
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
    this.poolTarget = inf.warmPool.size;

    this.sessionDuration = makeDistribution(s.workload.sessionDuration, rng('workload.sessionDuration'));
    const ready = (id: number) => this.onReady(id);
    // Start-up delays (claims, cold starts: seconds) in a calendar of their own with buckets of
    // 1/32 of the longest mean delay: measured 5% faster than a heap on the Kimi-scale day.
    const startupMeanS = Math.max(specMean(inf.warmPool.claimLatency), specMean(inf.reserved.coldStart), specMean(inf.serverless.coldStart));
    this.startupHeap = engine.calendar(Math.min(1, Math.max(1e-3, startupMeanS / 32)));
    this.endStep = this.step(s.workload.sessionDuration, this.sessionDuration, (id) => this.onEnd(id));
    this.endStep.heap = this.endQueue(s);
    this.claimStep = this.step(inf.warmPool.claimLatency, null, ready, 'infrastructure.warmPool.claimLatency', replication);
    // a start-up CPU burst shortens every cold start by its reduction
    const burst = inf.startupBurst;
    const cold = (spec: DistributionSpec) => (burst ? scaleSpec(spec, 1 - burst.coldStartReduction) : spec);
    this.reservedColdStep = this.step(cold(acceleratedColdStart(inf.reserved)), null, ready, 'infrastructure.reserved.coldStart', replication);
    this.serverlessColdStep = this.step(cold(inf.serverless.coldStart), null, ready, 'infrastructure.serverless.coldStart', replication);
    const refillSpec = cold(this.poolTier === Tier.Serverless ? inf.serverless.coldStart : acceleratedColdStart(inf.reserved));
    // Refills draw from their own stream so pool settings never shift sessions' cold starts.
    this.refillColdStep = this.step(refillSpec, null, () => this.onRefillReady(), 'infrastructure.warmPool.refill', replication);

    const t = s.workload.turns;
    if (t) {
      const activeSpec = t.active ?? s.workload.sessionDuration;
      const activeStep = this.step(activeSpec, null, (id) => this.onTurnEnd(id), 'workload.turns.active', replication);
      activeStep.heap = this.endStep.heap;
      this.turns = { count: makeDistribution(t.count, rng('workload.turns.count')), think: makeDistribution(t.think, rng('workload.turns.think')), activeStep };
      this.kNextTurn = engine.on((id) => this.onNextTurn(id));
      if (inf.hibernation) {
        this.hibernation = { idleS: inf.hibernation.idleTimeout, wakeStep: this.step(inf.hibernation.wakeLatency, null, ready, 'infrastructure.hibernation.wakeLatency', replication) };
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
      const cloneStep = this.step(fo.cloneLatency, null, (id) => this.onCloneReady(id), 'workload.fanout.cloneLatency', replication);
      const endStep = this.step(fo.duration, null, (id) => this.onCloneEnd(id), 'workload.fanout.duration', replication);
      endStep.heap = this.endStep.heap;
      this.fanout = { times: [...(fo.at ?? [])].sort((a, b) => a - b), next: 0, size: fo.size, cloneStep, endStep, rate: fo.rate ?? 0, rng: () => r.next() };
      this.kFanout = engine.on(() => this.onFanout());
    }

    this.scheduler = new Scheduler(engine, inf.scheduler.throughput, (job, startS, placedS) => this.onPlaced(job, startS, placedS));
    if (Number.isFinite(inf.scheduler.apiRate)) this.api = new ApiServer(engine, inf.scheduler.apiRate, (job) => this.scheduler.submit(job));
    this.kArrival = engine.on(() => this.onArrival());
    this.arrivalLane = engine.stream();
    this.kTimeout = engine.on(() => this.onTimeout());
    this.timeoutLane = Number.isFinite(this.waitTimeoutS) ? engine.lane(this.waitTimeoutS) : -1;
    this.kSample = engine.on(() => this.onSample());
    this.kWarmup = engine.on(() => {
      this.metrics.restart(this.engine.now);
      this.scheduler.restart();
      this.api?.restart();
      this.nodes?.restart(this.engine.now);
    });
  }

  /**
   * Where session ends wait: the main heap for small fleets, a calendar queue when many are
   * pending at once (expected concurrency ≥ 5,000), with buckets of E[D]/256 so the current
   * bucket holds a few hundred ends. Measured on the Kimi-scale day: see README, Performance.
   */
  private endQueue(s: Scenario): number {
    const meanD = this.sessionDuration.mean;
    const a = s.workload.arrivals;
    const rate = a.poisson ? a.poisson.rate : a.tidal ? (a.tidal.peak + a.tidal.trough) / 2 : NaN;
    if (!(rate * meanD >= 5000) || !(meanD > 0)) return -1;
    return this.engine.calendar(meanD / 256);
  }

  private step(spec: DistributionSpec, dist: Distribution | null, handler: (id: number) => void, stream_?: string, replication = 0): Step {
    const d = dist ?? makeDistribution(spec, stream(this.scenario.seed, replication, stream_!));
    const kind = this.engine.on(handler);
    const immediate = d.fixed && d.mean === 0;
    // Fixed delays from non-decreasing base times fire in order: a FIFO stream lane.
    const lane = d.fixed ? this.engine.stream() : -1;
    return { dist: d, immediate, lane, heap: this.startupHeap, kind, handler };
  }

  /** Runs step `st` for `id` starting at `baseS` (≥ now; non-decreasing per fixed-delay step). */
  private delay(st: Step, id: number, baseS: number): void {
    const now = this.engine.now;
    if (st.immediate && baseS === now) st.handler(id);
    else if (st.lane >= 0) this.engine.inStream(st.lane, baseS + st.dist.mean, st.kind, id);
    else if (st.heap >= 0) this.engine.afterIn(st.heap, baseS - now + st.dist.sample(), st.kind, id);
    else this.engine.after(baseS - now + st.dist.sample(), st.kind, id);
  }

  /** Schedules the first arrival, the warm-up end and the interval samples; fills the pool. */
  start(): void {
    const t = this.arrivals.next();
    if (t < this.horizonS) this.engine.inStream(this.arrivalLane, t, this.kArrival, 0);
    if (this.warmupS > 0) this.engine.at(this.warmupS, this.kWarmup, 0, 1);
    this.scheduleFanout(0);
    this.nodes?.start();
    const out = this.scenario.infrastructure.zones?.outage;
    if (out && out.at < this.horizonS) this.engine.at(out.at, this.kOutage, 0, 0);
    this.engine.at(Math.min(this.intervalS, this.horizonS), this.kSample, 0, 2);
    this.metrics.poolLevel(0, 0);
    this.fillPool();
    this.metrics.restart(0);
  }

  /** Current warm-pool target. */
  get poolSize(): number {
    return this.poolTarget;
  }

  /** Ready sandboxes in the pool now. */
  get poolReadyNow(): number {
    return this.poolReady;
  }

  /**
   * Changes the warm-pool target (for scaling policies). A larger target starts refills through
   * the scheduler; a smaller one drops waiting refills first, then deletes ready sandboxes
   * (freeing their slots); refills already being created are deleted when they finish.
   */
  setPoolTarget(n: number): void {
    this.poolTarget = Math.max(0, Math.floor(n));
    let excess = this.poolReady + this.poolCreating + this.poolWaitingSlot - this.poolTarget;
    if (excess <= 0) return this.fillPool();
    const w = Math.min(excess, this.poolWaitingSlot);
    this.poolWaitingSlot -= w;
    excess -= w;
    const c = this.scheduler.cancelRefills(excess);
    this.poolCreating -= c;
    for (let i = 0; i < c; i++) this.releaseSlot(this.poolTier);
    excess -= c;
    const r = Math.min(excess, this.poolReady);
    this.poolReady -= r;
    this.metrics.poolLevel(this.engine.now, this.poolReady);
    for (let i = 0; i < r; i++) {
      this.api?.delete();
      this.releaseSlot(this.poolTier);
    }
  }

  private onArrival(): void {
    const now = this.engine.now;
    const counted = now >= this.warmupS;
    this.arrivalsTotal++;
    const sid = this.sessions.alloc(now, this.arrivals.durationS, counted ? Flag.Counted : 0);
    const next = this.arrivals.next();
    if (next < this.horizonS) this.engine.inStream(this.arrivalLane, next, this.kArrival, 0);
    this.metrics.arrival(counted);
    if (this.poolReady > 0) {
      // Warm hit: the pool sandbox's slot becomes the session's.
      this.poolReady--;
      this.metrics.poolLevel(now, this.poolReady);
      this.takeTier(sid, this.poolTier);
      this.sessions.addFlag(sid, Flag.Warm);
      if (counted) this.metrics.queueWait.record(0);
      this.delay(this.claimStep, sid, now);
      this.fillPool();
      return;
    }
    if (this.reservedUsed < this.reservedSlots && this.waiting.size === 0) {
      this.reservedUsed++;
      this.metrics.reservedLevel(now, this.reservedUsed);
      this.takeTier(sid, Tier.Reserved);
      this.submit(sid);
    } else if (this.idle !== null && this.waiting.size === 0 && this.evictIdle()) {
      // capacity ran out: an idle session's sandbox was destroyed and its slot is this session's
      this.takeTier(sid, Tier.Reserved);
      this.submit(sid);
    } else if (this.serverlessEnabled && this.waiting.size >= this.queueThreshold) {
      this.toServerless(sid);
    } else {
      this.waiting.push(sid);
      this.sessions.addFlag(sid, Flag.Queued);
      this.metrics.enqueued(counted);
      this.metrics.queue.set(now, this.waiting.size);
      if (this.serverlessEnabled && this.timeoutLane >= 0) this.engine.inLane(this.timeoutLane, this.kTimeout, 0);
      return;
    }
    if (counted) this.metrics.queueWait.record(0);
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
    const counted = (this.sessions.flags(sid) & Flag.Counted) !== 0;
    if (this.serverlessUsed < this.serverlessMax) {
      this.serverlessUsed++;
      this.metrics.serverlessBusy.set(this.engine.now, this.serverlessUsed);
      this.sessions.setTier(sid, Tier.Serverless);
      // sessions.overflowed counts sessions at their start; wakes and clones overflow too, uncounted there
      if (!(this.sessions.flags(sid) & (Flag.Waking | Flag.Clone))) this.metrics.overflow(counted);
      this.submit(sid);
    } else if (this.sessions.flags(sid) & Flag.Clone) {
      this.cloneFailed(sid);
    } else if (this.sessions.flags(sid) & Flag.Waking) {
      this.metrics.lose(counted); // its state could not be restored anywhere
      this.sessions.release(sid);
    } else {
      this.metrics.reject(counted);
      this.sessions.release(sid);
    }
  }

  /** A wait reached the timeout: the head of the queue (FIFO and equal timeouts) overflows. */
  private onTimeout(): void {
    const now = this.engine.now;
    const S = this.sessions;
    while (this.waiting.size > 0 && S.markT(this.waiting.peek()) + this.waitTimeoutS <= now) {
      const sid = this.waiting.shift();
      this.metrics.queue.set(now, this.waiting.size);
      if ((S.flags(sid) & (Flag.Counted | Flag.Waking)) === Flag.Counted) this.metrics.queueWait.record(now - S.arrivalT(sid));
      this.toServerless(sid);
    }
  }

  private onPlaced(job: number, startS: number, placedS: number): void {
    if (job === REFILL_JOB) {
      if (placedS >= this.warmupS) this.metrics.creations++;
      return this.delay(this.refillColdStep, 0, placedS);
    }
    const f = this.sessions.flags(job);
    if (f & Flag.Counted) this.metrics.schedulerWait.record(startS - this.sessions.markT(job));
    if (f & Flag.Waking) return this.delay(this.hibernation!.wakeStep, job, placedS);
    if (f & Flag.Clone) return this.delay(this.fanout!.cloneStep, job, placedS);
    if (placedS >= this.warmupS) this.metrics.creations++;
    this.delay(this.sessions.tier(job) === Tier.Serverless ? this.serverlessColdStep : this.reservedColdStep, job, placedS);
  }

  private onReady(sid: number): void {
    const now = this.engine.now;
    const S = this.sessions;
    const f = S.flags(sid);
    if (f & Flag.Lost) return S.release(sid); // its zone went down while it started
    S.addFlag(sid, Flag.Started);
    this.metrics.running.add(now, 1);
    this.metrics.runningBy[origin(f, S.tier(sid))]++;
    if (f & Flag.Waking) {
      S.clearFlag(sid, Flag.Waking);
      this.metrics.wake(now - S.durationS(sid), (f & Flag.Counted) !== 0);
      return this.delay(this.turns!.activeStep, sid, now);
    }
    this.metrics.start(now - S.arrivalT(sid), (f & Flag.Warm) !== 0, (f & Flag.Counted) !== 0);
    if (this.turns) {
      S.setTurnsLeft(sid, Math.max(1, Math.ceil(this.turns.count.sample())) - 1);
      return this.delay(this.turns.activeStep, sid, now);
    }
    const d = S.durationS(sid);
    if (d === d) this.engine.after(d, this.endStep.kind, sid); // trace-given duration (not NaN): main heap
    else this.delay(this.endStep, sid, now);
  }

  private onEnd(sid: number): void {
    if (this.sessions.flags(sid) & Flag.Lost) return this.sessions.release(sid);
    const now = this.engine.now;
    this.metrics.running.add(now, -1);
    const f = this.sessions.flags(sid);
    this.metrics.complete((f & Flag.Counted) !== 0);
    const tier = this.sessions.tier(sid);
    this.metrics.runningBy[origin(f, tier)]--;
    this.sessions.release(sid);
    this.api?.delete();
    this.releaseSlot(tier);
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

  /** A fan-out: `size` clones at once, each needing a slot (reserved, else queue or overflow) and the clone latency. */
  private onFanout(): void {
    const now = this.engine.now;
    const fo = this.fanout!;
    const id = this.fanStartS.length;
    this.fanStartS.push(now);
    this.fanPending.push(fo.size);
    this.metrics.fanouts(now >= this.warmupS);
    const S = this.sessions;
    for (let k = 0; k < fo.size; k++) {
      this.seekSlot(S.alloc(now, id, Flag.Clone));
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
    if (this.sessions.flags(sid) & Flag.Lost) return this.sessions.release(sid);
    const tier = this.sessions.tier(sid);
    this.sessions.release(sid);
    this.api?.delete();
    this.releaseSlot(tier);
  }

  /** A clone found every tier full: its fan-out can never complete. */
  private cloneFailed(sid: number): void {
    const id = this.sessions.durationS(sid);
    if (this.fanPending[id] > 0 && this.fanStartS[id] >= this.warmupS) this.metrics.fanoutFailed++;
    this.fanPending[id] = -Infinity;
    this.sessions.release(sid);
  }

  /** A turn's active time is over: the session ends, or thinks (holding its slot, or hibernating after the idle timeout). */
  private onTurnEnd(sid: number): void {
    const S = this.sessions;
    if (S.flags(sid) & Flag.Lost) return S.release(sid);
    const left = S.turnsLeft(sid);
    if (left === 0) return this.onEnd(sid);
    S.setTurnsLeft(sid, left - 1);
    if (S.flags(sid) & Flag.Counted) this.metrics.thinks++;
    const think = this.turns!.think.sample();
    const h = this.hibernation;
    const heap = this.turns!.activeStep.heap;
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
    this.delay(this.turns!.activeStep, sid, this.engine.now);
  }

  /** Idle past the timeout: the sandbox is released, the state kept. */
  private onHibernate(sid: number): void {
    const now = this.engine.now;
    const S = this.sessions;
    const f = S.flags(sid);
    if (f & Flag.Lost) return; // lost while idle: its wake event, still pending, releases the record
    const tier = S.tier(sid);
    this.metrics.running.add(now, -1);
    this.metrics.runningBy[origin(f, tier)]--;
    S.addFlag(sid, Flag.Hibernated);
    S.clearFlag(sid, Flag.Warm | Flag.Started);
    S.setTier(sid, Tier.None);
    this.metrics.hibernate(now, ++this.hibernatedNow, (f & Flag.Counted) !== 0);
    this.api?.delete();
    this.releaseSlot(tier);
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
    let gone = 0;
    for (let i = 0; i < S.capacityUsed; i++) {
      const f = S.flags(i);
      if (!(f & Flag.Live) || f & Flag.Lost) continue;
      const onZone = S.tier(i) === Tier.Reserved && S.zone(i) === out.zone;
      const hibernatedThere = (f & Flag.Hibernated) !== 0 && !zones.hibernatedSurvive && S.zone(i) === out.zone;
      if (!onZone && !hibernatedThere) continue;
      S.addFlag(i, Flag.Lost);
      S.clearFlag(i, Flag.Idle);
      if (f & Flag.Clone) {
        // its slot goes with the zone; its fan-out fails (or its record goes) when its pending event fires
        S.setTier(i, Tier.None);
        gone++;
        continue;
      }
      if (onZone) {
        gone++;
        // a running (or thinking) session leaves the running count; one still starting was never in it
        if (f & Flag.Started) {
          this.metrics.running.add(now, -1);
          this.metrics.runningBy[origin(f, Tier.Reserved)]--;
        }
      } else {
        this.metrics.hibernated.set(now, --this.hibernatedNow);
      }
      this.metrics.lose((f & Flag.Counted) !== 0);
      this.outageLost++;
    }
    // the zone's share of the ready pool
    if (this.poolTier === Tier.Reserved) {
      const k = Math.round(this.poolReady / this.zoneCount);
      this.poolReady -= k;
      this.metrics.poolLevel(now, this.poolReady);
      gone += k;
    }
    this.reservedUsed -= gone;
    // and its capacity
    const down = this.nodes ? this.nodes.zoneDown(this.zoneCount) : Math.floor(this.reservedSlots / this.zoneCount);
    this.zoneSlotsDown = down;
    this.reservedSlots -= down;
    this.metrics.reservedLevel(now, this.reservedUsed);
    this.fillPool();
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
   * warm pool aside: a free reserved slot, else serverless past the queue threshold, else the queue.
   */
  private seekSlot(sid: number): void {
    const now = this.engine.now;
    if (this.reservedUsed < this.reservedSlots && this.waiting.size === 0) {
      this.reservedUsed++;
      this.metrics.reservedLevel(now, this.reservedUsed);
      this.takeTier(sid, Tier.Reserved);
      this.submit(sid);
    } else if (this.serverlessEnabled && this.waiting.size >= this.queueThreshold) {
      this.toServerless(sid);
    } else {
      this.sessions.setMarkT(sid, now);
      this.waiting.push(sid);
      this.metrics.queue.set(now, this.waiting.size);
      if (this.serverlessEnabled && this.timeoutLane >= 0) this.engine.inLane(this.timeoutLane, this.kTimeout, 0);
    }
  }

  /** Destroys the sandbox of the longest-idle session holding a reserved slot; false when there is none. */
  private evictIdle(): boolean {
    const S = this.sessions;
    const q = this.idle!;
    while (q.size > 0) {
      const v = q.shift();
      const f = S.flags(v);
      if ((f & (Flag.Idle | Flag.Lost | Flag.Live)) !== (Flag.Idle | Flag.Live)) continue; // resumed, lost or gone
      const now = this.engine.now;
      S.clearFlag(v, Flag.Idle | Flag.Started);
      S.addFlag(v, Flag.Lost);
      this.metrics.running.add(now, -1);
      this.metrics.runningBy[origin(f, Tier.Reserved)]--;
      this.metrics.lose((f & Flag.Counted) !== 0);
      this.api?.delete();
      return true;
    }
    return false;
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

  /** A slot of `tier` is free: hand it to a waiting session, then a waiting refill, else free it. */
  private releaseSlot(tier: number): void {
    const now = this.engine.now;
    if (tier === Tier.Reserved) {
      if (this.reservedUsed > this.reservedSlots) {
        // capacity shrank under the sandboxes holding it (a zone outage): this slot is gone
        this.reservedUsed--;
        this.metrics.reservedLevel(now, this.reservedUsed);
        return;
      }
      if (this.waiting.size > 0) {
        const sid = this.waiting.shift();
        this.metrics.queue.set(now, this.waiting.size);
        const S = this.sessions;
        if ((S.flags(sid) & (Flag.Counted | Flag.Waking)) === Flag.Counted) this.metrics.queueWait.record(now - S.arrivalT(sid));
        this.takeTier(sid, Tier.Reserved);
        this.submit(sid);
        return;
      }
      if (this.poolTier === Tier.Reserved && this.poolWaitingSlot > 0) {
        this.poolWaitingSlot--;
        this.poolCreating++;
        this.create(REFILL_JOB);
        return;
      }
      this.reservedUsed--;
      this.metrics.reservedLevel(now, this.reservedUsed);
    } else if (tier === Tier.Serverless) {
      if (this.poolTier === Tier.Serverless && this.poolWaitingSlot > 0) {
        this.poolWaitingSlot--;
        this.poolCreating++;
        this.create(REFILL_JOB);
        return;
      }
      this.serverlessUsed--;
      this.metrics.serverlessBusy.set(now, this.serverlessUsed);
    }
  }

  /** Reserved capacity changed by `delta` slots (nodes added or removed): new slots serve waiters first. */
  private resize(delta: number): void {
    this.reservedSlots += delta;
    // only slots actually free go out (after an outage the survivors may hold more than remained)
    const free = this.reservedSlots - this.reservedUsed;
    for (let i = 0; i < free && (this.waiting.size > 0 || (this.poolTier === Tier.Reserved && this.poolWaitingSlot > 0)); i++) {
      this.reservedUsed++;
      this.releaseSlot(Tier.Reserved); // hands the new slot to a waiting session, else a waiting refill
    }
  }

  /** Starts refills until ready + creating + waiting reaches the target. */
  private fillPool(): void {
    const now = this.engine.now;
    while (this.poolReady + this.poolCreating + this.poolWaitingSlot < this.poolTarget) {
      let got = false;
      if (this.poolTier === Tier.Reserved) {
        if (this.reservedUsed < this.reservedSlots && this.waiting.size === 0) {
          this.reservedUsed++;
          this.metrics.reservedLevel(now, this.reservedUsed);
          got = true;
        }
      } else if (this.serverlessUsed < this.serverlessMax) {
        this.serverlessUsed++;
        this.metrics.serverlessBusy.set(now, this.serverlessUsed);
        got = true;
      }
      if (!got) {
        this.poolWaitingSlot++;
        continue;
      }
      if (now === 0 && this.engine.events === 0) {
        // Before the horizon: the pool starts warm.
        this.poolReady++;
        this.metrics.poolLevel(now, this.poolReady);
      } else {
        this.poolCreating++;
        this.create(REFILL_JOB);
      }
    }
  }

  private onRefillReady(): void {
    this.poolCreating--;
    if (this.poolReady + this.poolCreating + this.poolWaitingSlot >= this.poolTarget) {
      this.api?.delete();
      this.releaseSlot(this.poolTier); // the target went down while it was being created
      return;
    }
    this.poolReady++;
    this.metrics.poolLevel(this.engine.now, this.poolReady);
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
    this.metrics.cut(now, this.poolTarget, this.reservedSlots, slotPrice, this.serverlessEnabled ? inf.serverless.costPerSlotSecond : 0, span);
  }

  /** Live sessions that arrived after warm-up, counted by scanning the table (independent of the counters). */
  countInFlight(): number {
    const S = this.sessions;
    let n = 0;
    for (let i = 0; i < S.capacityUsed; i++) {
      const f = S.flags(i);
      if (f & Flag.Live && f & Flag.Counted && !(f & Flag.Lost)) n++;
    }
    return n;
  }

  /** Seconds of scheduler service committed in the measured window (for its utilisation). */
  get schedulerBusyS(): number {
    return this.scheduler.busyS;
  }
}
