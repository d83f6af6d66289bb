import type { Engine } from '../engine/engine.js';
import type { Scenario } from '../scenario/schema.js';
import type { FleetCore } from './fleetCore.js';
import type { Hibernation } from './hibernation.js';
import { Flag, Tier } from './sessionTable.js';
import type { WarmPools } from './warmPool.js';

/** Zone settings as validated (`infrastructure.zones`). */
type ZonesSpec = NonNullable<Scenario['infrastructure']['zones']>;

/**
 * A zone outage (`infrastructure.zones.outage`; reserved slots are spread over the zones round
 * robin by the core): at `at` the zone's share of reserved capacity goes, and so does every
 * sandbox on it — sessions holding a reserved slot there (starting, running or idle), their
 * share of the warm pool, and hibernated sessions unless their state survives elsewhere. The
 * capacity comes back after `duration`; recovery is the time until reserved capacity again
 * covers the slots in use when the outage began.
 *
 * May change: the core's reserved capacity and slot counts, sessions' flags (Lost, Idle cleared)
 * and tier (a clone's), the running, hibernated and lost counts, the warm pools (their zone
 * share, refilled at once). Owns: its three events and the outage's outcome.
 */
export class Zones {
  private readonly kRecover: number;
  private readonly kRecoveryScan: number;
  private readonly kOutage: number;
  private zoneSlotsDown = 0;
  /** Sessions lost with the zone, and seconds until reserved capacity covers what was in use before it (NaN: never). */
  lost = 0;
  recoveryS = NaN;
  private atS = NaN;
  private need = 0;

  constructor(
    private readonly engine: Engine,
    private readonly core: FleetCore,
    private readonly spec: ZonesSpec & { outage: NonNullable<ZonesSpec['outage']> },
    private readonly pools: WarmPools,
    private readonly hibernation: Hibernation | null,
  ) {
    this.kOutage = engine.on(() => this.onOutage());
    this.kRecover = engine.on(() => this.onZoneBack());
    this.kRecoveryScan = engine.on(() => this.onRecoveryScan());
  }

  /** Schedules the outage (if within the horizon). */
  start(): void {
    const out = this.spec.outage;
    if (out.at < this.core.horizonS) this.engine.at(out.at, this.kOutage, 0, 0);
  }

  private onOutage(): void {
    const c = this.core;
    const now = this.engine.now;
    const zones = this.spec;
    const out = zones.outage;
    const S = c.sessions;
    this.atS = now;
    this.need = c.reservedUsed;
    for (let i = 0; i < S.capacityUsed; i++) {
      const f = S.flags(i);
      if (!(f & Flag.Live) || f & Flag.Lost) continue;
      const onZone = S.tier(i) === Tier.Reserved && S.zone(i) === out.zone;
      const hibernatedThere = (f & Flag.Hibernated) !== 0 && !zones.hibernatedSurvive && S.zone(i) === out.zone;
      if (!onZone && !hibernatedThere) continue;
      const T = c.tmpl[S.template(i)];
      S.addFlag(i, Flag.Lost);
      S.clearFlag(i, Flag.Idle);
      if (f & Flag.Clone) {
        // its slot goes with the zone; its fan-out fails (or its record goes) when its pending event fires
        S.setTier(i, Tier.None);
        c.useReserved(T, -T.size);
        continue;
      }
      if (onZone) {
        c.useReserved(T, -T.size);
        // a running (or thinking) session leaves the running count; one still starting was never in it
        if (f & Flag.Started) c.stopRunning(T, f, Tier.Reserved);
      } else {
        this.hibernation!.leave(T, now);
      }
      c.lose(T, f);
      this.lost++;
    }
    // the zone's share of each ready pool
    this.pools.loseZoneShare(c.zoneCount);
    // and its capacity
    const down = c.nodes ? c.nodes.zoneDown(c.zoneCount) : Math.floor(c.reservedSlots / c.zoneCount);
    this.zoneSlotsDown = down;
    c.reservedSlots -= down;
    for (const T of c.tmpl) this.pools.fill(T);
    this.engine.at(now + out.duration, this.kRecover, 0, 0);
    this.engine.at(now + 1, this.kRecoveryScan, 0, 2);
  }

  private onZoneBack(): void {
    const c = this.core;
    c.resize(c.nodes ? c.nodes.zoneUp() : this.zoneSlotsDown);
  }

  /** Once a second after an outage: recovered when reserved capacity again covers the slots in use when it began. */
  private onRecoveryScan(): void {
    const now = this.engine.now;
    if (this.core.reservedSlots >= this.need) {
      this.recoveryS = now - this.atS;
      return;
    }
    if (now + 1 < this.core.horizonS) this.engine.at(now + 1, this.kRecoveryScan, 0, 2);
  }
}
