import type { Engine } from '../engine/engine.js';
import type { Distribution } from '../random/distributions.js';
import type { BucketHistogram } from '../stats/bucketHistogram.js';

/**
 * A delay step of the fleet (a claim, a cold start, a refill, a session end, a turn, a wake, a
 * clone): immediate (0 s), a fixed-delay lane, or a sampled delay on a queue. Built once per
 * scenario; each use is `runStep`, which allocates nothing.
 */
export interface Step {
  dist: Distribution;
  /** Every delay is the same (`dist.mean`): no draw, and its events go on a FIFO lane. */
  fixed: boolean;
  immediate: boolean;
  /**
   * FIFO stream lane of a fixed delay (its events fire in scheduling order), made at the step's
   * first scheduled event (-1 before, and always for a sampled delay): a step never scheduled
   * (a zero cold start, a pool of size 0, serverless off) leaves the engine one queue fewer to
   * scan after each event off a queue other than the main heap.
   */
  lane: number;
  /** Extra queue (calendar) for sampled delays, or -1 for the main heap. */
  heap: number;
  kind: number;
  handler: (id: number) => void;
  /** Where to record each delay drawn (exported histograms), or null. */
  observe: BucketHistogram | null;
}

/** A step drawing from `d`, firing `handler` (registered once with the engine), its sampled delays on queue `heap`. */
export function makeStep(engine: Engine, d: Distribution, handler: (id: number) => void, heap: number): Step {
  const kind = engine.on(handler);
  const immediate = d.fixed && d.mean === 0;
  return { dist: d, fixed: d.fixed, immediate, lane: -1, heap, kind, handler, observe: null };
}

/** The FIFO stream lane of fixed step `st` (fixed delays from non-decreasing base times fire in order), made at its first use. */
function laneOf(engine: Engine, st: Step): number {
  return st.lane >= 0 ? st.lane : (st.lane = engine.stream());
}

/**
 * Runs step `st` for `id` starting at `baseS` (≥ now; non-decreasing per fixed-delay step).
 * The delay is drawn once (a fixed step's is its mean: no draw) and, for `run --openmetrics`,
 * recorded — the same draws in the same order either way.
 */
export function runStep(engine: Engine, st: Step, id: number, baseS: number): void {
  const now = engine.now;
  const x = st.fixed ? st.dist.mean : st.dist.sample();
  st.observe?.record(x);
  if (st.immediate && baseS === now) st.handler(id);
  else if (st.fixed) engine.inStream(laneOf(engine, st), baseS + x, st.kind, id);
  else if (st.heap >= 0) engine.afterIn(st.heap, baseS - now + x, st.kind, id);
  else engine.after(baseS - now + x, st.kind, id);
}

/**
 * `runStep` from now. The time is not passed: a call V8 does not inline boxes a double argument
 * as a heap number, and the start-up chain (arrival → claim or placement → ready → end) is
 * deeper than it inlines (measured with the other time-free calls: README, Performance).
 */
export function runStepNow(engine: Engine, st: Step, id: number): void {
  const x = st.fixed ? st.dist.mean : st.dist.sample();
  st.observe?.record(x);
  if (st.immediate) st.handler(id);
  else if (st.fixed) engine.inStream(laneOf(engine, st), engine.now + x, st.kind, id);
  else if (st.heap >= 0) engine.afterIn(st.heap, x, st.kind, id);
  else engine.after(x, st.kind, id);
}

/** Schedules `kind` for `id` after `delayS` on queue `heap` (-1: the main heap). */
export function later(engine: Engine, heap: number, delayS: number, kind: number, id: number): void {
  if (heap >= 0) engine.afterIn(heap, delayS, kind, id);
  else engine.after(delayS, kind, id);
}
