import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { Fleet } from '../../src/model/fleet.js';
import { Flag, Tier } from '../../src/model/sessionTable.js';
import { simulate, startFleet } from '../helpers.js';

const scenario = (extra: string) => `
seed: 12
duration: 3000
workload:
  arrivals: { poisson: { rate: 5/s } }
  sessionDuration: 20s
  turns: { count: 5, think: { exponential: { mean: 60s } } }
infrastructure:
  reserved: { slots: 3000, coldStart: 2s }
  warmPool: { size: 30, claimLatency: 50ms }
  zones: { count: 3, outage: { zone: 1, at: 1000, duration: 10m } }
${extra}
`;

/** Sessions on zone 1 that hold a reserved slot just before the outage, counted from the session table. */
function onZoneBefore(yaml: string): { expected: number; hibernated: number; fleet: Fleet; engine: Engine } {
  const { fleet, engine, durationS } = startFleet(yaml);
  engine.run(1000 - 1e-6);
  const S = fleet.sessions;
  let expected = 0;
  let hibernated = 0;
  for (let i = 0; i < S.capacityUsed; i++) {
    const f = S.flags(i);
    if (!(f & Flag.Live) || f & Flag.Lost) continue;
    if (S.tier(i) === Tier.Reserved && S.zone(i) === 1) expected++;
    if (f & Flag.Hibernated && S.zone(i) === 1) hibernated++;
  }
  engine.run(durationS);
  return { expected, hibernated, fleet, engine };
}

describe('zone outages', () => {
  it('a zone outage loses exactly the non-hibernated sessions on that zone (hibernated state survives elsewhere)', () => {
    const r = onZoneBefore(scenario('  hibernation: { idleTimeout: 20s, wakeLatency: 1s }'));
    expect(r.expected).toBeGreaterThan(100);
    expect(r.hibernated).toBeGreaterThan(50);
    expect(r.fleet.outageLost).toBe(r.expected);
    // 2,000 slots survive, more than were in use: capacity covered the demand at once
    expect(r.fleet.outageRecoveryS).toBe(1);
  });

  it('without surviving state, the hibernated sessions of the zone are lost too', () => {
    const r = onZoneBefore(scenario('  hibernation: { idleTimeout: 20s, wakeLatency: 1s }').replace('duration: 10m } }', 'duration: 10m }, hibernatedSurvive: false }'));
    expect(r.fleet.outageLost).toBe(r.expected + r.hibernated);
  });

  it('capacity recovers by the autoscaler: nodes in the other zones serve the demand again; conservation holds', () => {
    const [r] = simulate(`
seed: 4
duration: 4000
workload:
  arrivals: { poisson: { rate: 10/s } }
  sessionDuration: 100s
infrastructure:
  reserved:
    coldStart: 1s
    nodes: { min: 12, max: 40, slotsPerNode: 100, provision: 60s, scaleInAfter: 5m }
  overflow: { waitTimeout: never }
  zones: { count: 3, outage: { zone: 0, at: 2000, duration: 30m } }
`);
    const m = r.metrics as any;
    // ~1,000 running, a third of them on zone 0
    expect(m.outage.lost).toBeGreaterThan(250);
    expect(m.outage.lost).toBeLessThan(420);
    // 4 of 12 nodes go; as sessions queue again the autoscaler asks for nodes (ready 60 s later),
    // in rounds as the queue grows: back within a few provisioning delays, not the 30-minute outage
    expect(m.outage.recovery).toBeGreaterThan(60);
    expect(m.outage.recovery).toBeLessThan(4 * 60);
    expect(m.nodes.added).toBeGreaterThanOrEqual(3);
    expect(m.sessions.lost).toBe(m.outage.lost);
    expect(m.sessions.arrived).toBe(m.sessions.completed + m.sessions.inFlight + m.sessions.rejected + m.sessions.lost);
  });
});
