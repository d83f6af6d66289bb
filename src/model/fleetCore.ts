import type { Engine } from '../engine/engine.js';
import type { Distribution } from '../random/distributions.js';
import type { ApiServer } from './apiServer.js';
import { IdQueue } from './idQueue.js';
import type { FleetMetrics } from './metrics.js';
import type { NodePool } from './nodePool.js';
import { refillJob, type Scheduler } from './scheduler.js';
import { Flag, SessionTable, Tier } from './sessionTable.js';
import type { Step } from './step.js';
import type { TemplatePlan } from './templates.js';

/**
 * A sandbox template at run time: its plan, its steps (claim, cold starts, refill, session end,
 * turn), its warm pool, and its own metrics when the scenario has several templates. Without
 * `templates` the scenario is one template of size 1.
 */
export interface TemplateState {
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

/** What the core is built from (the rest of its fields are filled in by the assembly, src/model/fleet.ts). */
export interface CoreSettings {
  reservedSlots: number;
  serverlessEnabled: boolean;
  serverlessMax: number;
  poolTier: number;
  zoneCount: number;
  warmupS: number;
  horizonS: number;
}

/**
 * The shared core of the fleet model: the session table, the slot accounting every mechanism
 * shares (reserved slots and their FIFO queue, serverless slots, refills waiting for a slot),
 * the hand-off of a sandbox creation to the API server and the scheduler, and a session's end.
 * Mechanisms (src/model/tiers.ts, warmPool.ts, turns.ts, hibernation.ts, eviction.ts, zones.ts,
 * fanout.ts, templateArrivals.ts, cost.ts) change this state only through the fields and
 * methods below, as each one's header says; the core calls no mechanism (only the assembly's
 * placement handler, `onPlaced`, when a creation is placed at once).
 *
 * Freed slots are handed out here, in one place: reserved ones to the head of the queue while
 * it fits (FIFO: nobody overtakes a head that needs more slots than are free), then, with
 * nobody waiting, to refills waiting for one; serverless ones to refills of a serverless pool.
 */
export class FleetCore {
  readonly sessions = new SessionTable(4096);
  /** Sessions (and wakes, clones) waiting for a reserved slot, and the slots they need. */
  readonly waiting = new IdQueue(1024);
  waitingSlots = 0;
  /** Refills of every template waiting for a slot (so a freed slot skips the refill scan when there are none). */
  refillsWaitingSlot = 0;
  reservedSlots: number;
  reservedUsed = 0;
  readonly serverlessEnabled: boolean;
  readonly serverlessMax: number;
  serverlessUsed = 0;
  /** The warm pool's tier (Tier.Reserved or Tier.Serverless). */
  readonly poolTier: number;
  /** Zones reserved slots are spread over (round robin), and the next one. */
  readonly zoneCount: number;
  private nextZone = 0;
  readonly warmupS: number;
  readonly horizonS: number;
  /** The templates (one, the scenario's own, without `templates`). */
  tmpl: TemplateState[] = [];
  /** Set by the assembly before the first event. */
  scheduler: Scheduler = null as unknown as Scheduler;
  /**
   * The assembly's placement handler (`Fleet.onPlaced`, also the scheduler's callback), set
   * before the first event: `create` calls it directly when a creation is placed at once.
   */
  onPlaced: (job: number) => void = () => {};
  /** The API server's call rate limit (null: unlimited). */
  api: ApiServer | null = null;
  /** Reserved capacity as autoscaled nodes (null: fixed slots). */
  nodes: NodePool | null = null;

  constructor(
    readonly engine: Engine,
    readonly metrics: FleetMetrics,
    c: CoreSettings,
  ) {
    this.reservedSlots = c.reservedSlots;
    this.serverlessEnabled = c.serverlessEnabled;
    this.serverlessMax = c.serverlessMax;
    this.poolTier = c.poolTier;
    this.zoneCount = c.zoneCount;
    this.warmupS = c.warmupS;
    this.horizonS = c.horizonS;
  }

  /** Template T's sandboxes take `slots` more reserved slots (negative: give them back). */
  useReserved(T: TemplateState, slots: number): void {
    this.reservedUsed += slots;
    this.metrics.reservedLevel(this.engine.now, this.reservedUsed);
    if (T.metrics !== null) T.metrics.reservedLevel(this.engine.now, (T.reservedUsed += slots));
  }

  useServerless(T: TemplateState, slots: number): void {
    this.serverlessUsed += slots;
    this.metrics.serverlessBusy.set(this.engine.now, this.serverlessUsed);
    if (T.metrics !== null) T.metrics.serverlessBusy.set(this.engine.now, (T.serverlessUsed += slots));
  }

  /** The session holds a slot of `tier`; a reserved slot is in the next zone (round robin: zones stay balanced). */
  takeTier(sid: number, tier: number): void {
    this.sessions.setTier(sid, tier);
    if (tier === Tier.Reserved && this.zoneCount > 1) this.sessions.setZone(sid, this.nextZone++ % this.zoneCount);
  }

  /** The session's sandbox is created now (its scheduler wait counts from here). */
  submit(sid: number): void {
    this.sessions.setMarkT(sid, this.engine.now);
    this.create(sid);
  }

  /**
   * A sandbox creation: a create call to the API server (when limited), then the scheduler.
   * With neither limited it is placed now, straight to `onPlaced` (what the scheduler would call
   * back at once, without its callback's times: see Step.run).
   */
  create(job: number): void {
    if (this.api !== null) this.api.create(job);
    else if (this.scheduler.unlimited) this.onPlaced(job);
    else this.scheduler.submit(job);
  }

  /** The head of the reserved queue leaves it. */
  dequeue(): number {
    const sid = this.waiting.shift();
    this.waitingSlots -= this.tmpl[this.sessions.template(sid)].size;
    this.metrics.queue.set(this.engine.now, this.waiting.size);
    return sid;
  }

  /** A session left the queue for a slot: its wait (sessions only, not wakes or clones). */
  recordQueueWait(sid: number, now: number): void {
    const S = this.sessions;
    if ((S.flags(sid) & (Flag.Counted | Flag.Waking | Flag.Clone)) !== Flag.Counted) return;
    const w = now - S.arrivalT(sid);
    this.metrics.queueWait.record(w);
    this.tmpl[S.template(sid)].metrics?.queueWait.record(w);
  }

  /** A session (counted or not: `f` its flags) is lost: its sandbox or state is gone. */
  lose(T: TemplateState, f: number): void {
    const counted = (f & Flag.Counted) !== 0;
    this.metrics.lose(counted);
    T.metrics?.lose(counted);
  }

  /** A running session leaves the running count (it ends, hibernates, or is lost). */
  stopRunning(T: TemplateState, f: number, tier: number): void {
    const now = this.engine.now;
    const o = origin(f, tier);
    this.metrics.running.add(now, -1);
    this.metrics.runningBy[o]--;
    if (T.metrics !== null) {
      T.metrics.running.add(now, -1);
      T.metrics.runningBy[o]--;
    }
  }

  /** A session's last turn is over: its sandbox is deleted and its slots handed out. */
  end(sid: number): void {
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

  /** A sandbox of template T gives back its slots of `tier`: they go to waiting sessions, then waiting refills. */
  releaseSlot(tier: number, T: TemplateState): void {
    if (tier === Tier.Reserved) {
      this.useReserved(T, -T.size);
      // capacity that shrank under the sandboxes holding it (a zone outage) is not handed out
      if (this.reservedUsed < this.reservedSlots && this.anyWaiting()) this.serveReserved();
    } else if (tier === Tier.Serverless) {
      this.useServerless(T, -T.size);
      if (this.poolTier === Tier.Serverless) this.serveServerlessRefills();
    }
  }

  /** Whether anything waits for a freed slot (a session, wake or clone in the queue, or a refill): else `serveReserved` has nothing to do. */
  private anyWaiting(): boolean {
    return this.waiting.size > 0 || this.refillsWaitingSlot > 0;
  }

  /**
   * Free reserved slots go to the head of the queue while it fits (FIFO: nobody overtakes a head
   * that needs more slots than are free), then, with nobody waiting, to refills waiting for one.
   */
  serveReserved(): void {
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

  /** Reserved capacity changed by `delta` slots (nodes added or removed, a zone down or back): new slots serve waiters first. */
  resize(delta: number): void {
    this.reservedSlots += delta;
    // only slots actually free go out (after an outage the survivors may hold more than remained)
    if (this.reservedUsed < this.reservedSlots) this.serveReserved();
  }

  /** Reserved slots wanted but not available: sessions waiting, and refills of a reserved pool waiting (for the node autoscaler). */
  pendingReservedSlots(): number {
    let n = this.waitingSlots;
    if (this.poolTier === Tier.Reserved) for (const T of this.tmpl) n += T.poolWaitingSlot * T.size;
    return n;
  }
}

/** Where a running session started: 0 a warm-pool claim, 1 a reserved cold start, 2 serverless. */
export function origin(flags: number, tier: number): number {
  return flags & Flag.Warm ? 0 : tier === Tier.Serverless ? 2 : 1;
}
