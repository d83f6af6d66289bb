import type { Engine } from '../engine/engine.js';
import type { Scenario } from '../scenario/schema.js';
import type { FleetCore } from './fleetCore.js';
import type { FleetMetrics } from './metrics.js';
import type { NodePool } from './nodePool.js';

type Infrastructure = Scenario['infrastructure'];

/** Price of one reserved slot per hour: a node's price over its slots, or `reserved.costPerSlotHour`. */
export function slotPricePerHour(inf: Infrastructure): number {
  const n = inf.reserved.nodes;
  return n ? n.costPerNodeHour / n.slotsPerNode : inf.reserved.costPerSlotHour;
}

/** What a fleet (or one template) costs directly over the measured window ending at `now`. */
export interface DirectCosts {
  /** Serverless slot-seconds held × price. */
  serverless: number;
  /** Hibernated sessions' state: GiB-hours stored × price. */
  storage: number;
  /** Start-up CPU bursts: creations × extra CPU-hours × price. */
  startupBurst: number;
}

/** The costs `m`'s own sandboxes cause (serverless, storage of hibernated state, start-up bursts). */
export function directCosts(inf: Infrastructure, m: FleetMetrics, now: number): DirectCosts {
  const hib = inf.hibernation;
  const burst = inf.startupBurst;
  return {
    serverless: inf.serverless.enabled ? m.serverlessBusy.integral(now) * inf.serverless.costPerSlotSecond : 0,
    storage: hib ? (m.hibernated.integral(now) * hib.memoryGiB * hib.storageCostPerGiBHour) / 3600 : 0,
    startupBurst: burst ? (m.creations * burst.extraCpu * burst.duration * burst.costPerCpuHour) / 3600 : 0,
  };
}

/**
 * Reserved capacity's cost over the measured window `windowS` ending at `now`: the nodes billed
 * (ready or provisioning) × their price; else slots × hours × price; unlimited reserved
 * capacity is billed for the slot-hours in use.
 */
export function reservedCost(inf: Infrastructure, m: FleetMetrics, nodes: NodePool | null, now: number, windowS: number): number {
  const spec = inf.reserved.nodes;
  if (nodes && spec) return (nodes.billed.integral(now) * spec.costPerNodeHour) / 3600;
  const slots = inf.reserved.slots;
  return ((Number.isFinite(slots) ? slots * windowS : m.reservedBusy.integral(now)) * inf.reserved.costPerSlotHour) / 3600;
}

/** What holding ready pool sandboxes cost at their tier's price per slot (a share of the costs above, not extra). */
export function poolCost(inf: Infrastructure, m: FleetMetrics, now: number): number {
  return m.poolReady.integral(now) * (inf.warmPool.tier === 'serverless' ? inf.serverless.costPerSlotSecond : slotPricePerHour(inf) / 3600);
}

/**
 * The interval rows of the series (`output.interval`), with each interval's reserved and
 * serverless cost: one event per interval.
 *
 * May change: nothing but the metrics' rows. Owns: the sample event and the last cut time.
 */
export class CostSampler {
  private readonly kSample: number;
  /** Time of the last cut (s); starts as a double (0.5, set to 0 in the constructor): no hidden-class change at the first cut. */
  private lastCutT = 0.5;
  private readonly slotPrice: number;
  private readonly serverlessPrice: number;

  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
    inf: Infrastructure,
    private readonly intervalS: number,
  ) {
    this.lastCutT = 0;
    this.slotPrice = slotPricePerHour(inf);
    this.serverlessPrice = inf.serverless.enabled ? inf.serverless.costPerSlotSecond : 0;
    this.kSample = engine.on(() => this.onSample());
  }

  /** Schedules the first cut. */
  start(): void {
    this.engine.at(Math.min(this.intervalS, this.core.horizonS), this.kSample, 0, 2);
  }

  private onSample(): void {
    const now = this.engine.now;
    const c = this.core;
    const span = now - this.lastCutT;
    this.lastCutT = now;
    let target = 0;
    for (const T of c.tmpl) target += T.poolTarget;
    c.metrics.cut(now, target, c.reservedSlots, this.slotPrice, this.serverlessPrice, span);
    const next = Math.min(now + this.intervalS, c.horizonS);
    if (next > now) this.engine.at(next, this.kSample, 0, 2);
  }
}
