import type { Scenario } from '../scenario/schema.js';
import type { Summary } from './summary.js';
import { get } from './summary.js';

/**
 * The warm pools' reduced model of a scenario: the same arrivals, claims, refills, cold starts
 * of misses and pool decisions, with every session ending the moment its sandbox is ready (no
 * turns, no hibernation, no session length). What it drops is what the pools never read while
 * capacity is not short: a session's lifetime only holds slots, and a policy decides from
 * arrivals, the pool's ready count and its target (src/policy/policy.ts). On kimi-peak's day it
 * runs 87M events in ~18 CPU-s against 125M in ~55 CPU-s (sessions' ends, hibernations and
 * wakes gone), with the same p99 start and a hit rate and pool cost within 10⁻⁴ and 0.1%.
 *
 * It equals the full model's warm-pool figures (hit rate, p99 start, pool cost) exactly where
 * (a) no session and no refill ever waits for a slot or overflows (`noSessionWaited` checks the
 * sessions on a full run: queued, overflowed, rejected, queue peak all 0) and (b) nothing but
 * misses and refills goes through a limited scheduler: wakes of hibernated sessions are placed
 * by the same scheduler, ahead of refills, so with a finite `scheduler.throughput` and
 * hibernation a refill can be placed a service time later in the full model (kimi-peak: 3.4M
 * wakes beside 27M refills at 2,000/s; the pool's figures move in the 5th digit). So it is a
 * screen, not a verdict: `compare --policies` searches on it and confirms the bracket on the
 * full model. On kimi-peak (a) fails too: its node autoscaler lags the tide's bursts, and at hpa's
 * target 0.96753 replication 1 queued 94k sessions and 32k refills waited for a slot (p99 2.28 s
 * against the reduced model's 1.74 s; README, `--search-screen pool`).
 *
 * Null where the reduction does not apply at all: session lengths from a trace (they are the
 * trace's, not a draw), fan-out clones (they take slots and the scheduler), a zone outage (it
 * takes a share of the ready pool).
 */
export function poolOnlyScenario(s: Scenario): Scenario | null {
  const w = s.workload;
  if (w.fanout || s.infrastructure.zones?.outage || w.arrivals.trace?.durationColumn) return null;
  if (s.templates && Object.values(s.templates).some((t) => t.arrivals?.trace?.durationColumn)) return null;
  const r: Scenario = structuredClone(s);
  delete r.workload.turns;
  delete r.infrastructure.hibernation;
  r.infrastructure.evictOnPressure = false;
  r.workload.sessionDuration = { kind: 'fixed', value: 0 };
  if (r.templates) for (const t of Object.values(r.templates)) delete t.sessionDuration;
  return r;
}

/**
 * Whether a full run's summary shows the reduced model's condition on capacity: no counted
 * session queued for a slot, overflowed or was rejected, and nobody ever queued (queue peak 0).
 */
export function noSessionWaited(full: Summary): boolean {
  for (const k of ['sessions.queued', 'sessions.overflowed', 'sessions.rejected', 'queue.peak']) if (get(full, k) !== 0) return false;
  return true;
}
