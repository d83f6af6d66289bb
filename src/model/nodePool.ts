import type { Engine } from '../engine/engine.js';
import { makeDistribution, scaleSpec, type Distribution, type DistributionSpec } from '../random/distributions.js';
import type { Rng } from '../random/rng.js';
import { TimeWeighted } from '../stats/timeWeighted.js';

/** Node pool settings as validated (`infrastructure.reserved.nodes`). */
export interface NodesSpec {
  min: number;
  max: number;
  initial?: number;
  slotsPerNode: number;
  spareSlots: number;
  provision: DistributionSpec;
  scaleInAfter: number;
  scanInterval: number;
  costPerNodeHour: number;
  prepackedImages: boolean;
  diskSnapshot: boolean;
  snapshotInit: DistributionSpec;
}

/** What the node pool needs from the fleet. */
export interface NodeHost {
  /** Reserved slots wanted but not available: sessions waiting, refills waiting for a slot. */
  pendingSlots(): number;
  /** Reserved slots free now. */
  freeSlots(): number;
  /** Capacity changes: `delta` slots added (> 0) or removed (< 0, only ever free ones). */
  resize(delta: number): void;
}

/**
 * Reserved capacity as nodes × slots with a node autoscaler, as cluster-autoscaler works: every
 * `scanInterval` it adds the nodes the pending demand needs (beyond nodes already being
 * provisioned), up to `max`, each ready after a `provision` delay; and it removes nodes when a
 * node's worth of slots has stayed free for `scaleInAfter`, down to `min`. With `spareSlots` it
 * also keeps that many slots free ahead of demand (as overprovisioning with placeholder pods
 * does): it adds nodes when fewer are free and removes only nodes beyond them. Slots are fungible
 * (sessions are assumed packed so a node's worth of free slots is one empty node: optimistic
 * for scale-in). Nodes cost by the hour from the moment they are requested until removed.
 */
export class NodePool {
  ready: number;
  provisioning = 0;
  added = 0;
  removed = 0;
  /** Nodes of a zone that is down (they come back with it). */
  private downNodes = 0;
  /** Nodes billed (ready + provisioning), time-weighted. */
  readonly billed = new TimeWeighted();
  private freeSinceS = -1;
  private readonly provision: Distribution;
  private readonly kScan: number;
  private readonly kReady: number;

  constructor(
    private readonly engine: Engine,
    private readonly spec: NodesSpec,
    private readonly host: NodeHost,
    rng: Rng,
    private readonly horizonS: number,
  ) {
    this.ready = Math.min(spec.max, Math.max(spec.min, spec.initial ?? spec.min));
    // accelerations: a disk snapshot replaces initialisation; pre-packed images cut it by 60%
    const init = spec.diskSnapshot ? spec.snapshotInit : spec.provision;
    this.provision = makeDistribution(spec.prepackedImages ? scaleSpec(init, 0.4) : init, rng);
    this.kScan = engine.on(() => this.scan());
    this.kReady = engine.on(() => this.nodeReady());
    this.billed.set(0, this.ready);
  }

  /** Initial capacity in slots. */
  get initialSlots(): number {
    return this.ready * this.spec.slotsPerNode;
  }

  start(): void {
    this.engine.at(this.spec.scanInterval, this.kScan, 0, 2);
  }

  private scan(): void {
    const now = this.engine.now;
    const s = this.spec;
    const free = this.host.freeSlots();
    // pending demand, plus the spare slots kept free (overprovisioning), less what is on its way
    const need = this.host.pendingSlots() + Math.max(0, s.spareSlots - free) - this.provisioning * s.slotsPerNode;
    if (need > 0) {
      const add = Math.min(Math.ceil(need / s.slotsPerNode), s.max - this.ready - this.provisioning - this.downNodes); // a down zone's nodes still count against max
      for (let i = 0; i < add; i++) this.engine.after(this.provision.sample(), this.kReady, 0);
      if (add > 0) {
        this.provisioning += add;
        this.billed.set(now, this.ready + this.provisioning);
      }
      this.freeSinceS = -1;
    } else if (free - s.spareSlots >= s.slotsPerNode && this.ready > s.min) {
      if (this.freeSinceS < 0) this.freeSinceS = now;
      else if (now - this.freeSinceS >= s.scaleInAfter - 1e-9) {
        const k = Math.min(Math.floor((free - s.spareSlots) / s.slotsPerNode), this.ready - s.min);
        this.ready -= k;
        this.removed += k;
        this.billed.set(now, this.ready + this.provisioning);
        this.host.resize(-k * s.slotsPerNode);
        this.freeSinceS = -1;
      }
    } else this.freeSinceS = -1;
    const next = now + s.scanInterval;
    if (next < this.horizonS) this.engine.at(next, this.kScan, 0, 2);
  }

  private nodeReady(): void {
    this.provisioning--;
    this.ready++;
    this.added++;
    this.host.resize(this.spec.slotsPerNode);
  }

  /** A zone of `zones` goes down with its share of the ready nodes; returns the slots gone. */
  zoneDown(zones: number): number {
    const k = Math.floor(this.ready / zones);
    this.ready -= k;
    this.downNodes = k;
    this.billed.set(this.engine.now, this.ready + this.provisioning);
    return k * this.spec.slotsPerNode;
  }

  /** The zone is back with its nodes; returns the slots back. */
  zoneUp(): number {
    const k = this.downNodes;
    this.downNodes = 0;
    this.ready += k;
    this.billed.set(this.engine.now, this.ready + this.provisioning);
    return k * this.spec.slotsPerNode;
  }

  restart(now: number): void {
    this.billed.restart(now);
    this.added = this.removed = 0;
  }
}
