import type { Engine } from '../engine/engine.js';
import type { Distribution } from '../random/distributions.js';
import type { BucketHistogram } from '../stats/bucketHistogram.js';

/**
 * A delay step of the fleet (a claim, a cold start, a refill, a session end, a turn, a wake, a
 * clone): immediate (0 s), a fixed delay on a FIFO lane, or a sampled delay on a queue. Built
 * once per scenario (`makeStep`); each use is `run` (from now) or `runFrom` (from a later base
 * time), which allocate nothing.
 *
 * The three kinds are three classes rather than one function branching on the kind: a call
 * site (`T.endStep.run(sid)` in the fleet's start, the cold step in its placement) then sees
 * the one or two kinds its scenario uses, and V8 inlines only those — a shared `runStepNow`
 * carried every kind's branch, and the handlers and draws of every call site, into each caller,
 * spending the inlining budget of the hot handlers on code they never run (M/M/c: the session's
 * end step inlined the cold start's `ready` handler, and its own draw and schedule were left as
 * calls, the draw's result boxed).
 */
export abstract class Step {
  /** The step's event kind (its handler registered once with the engine). */
  readonly kind: number;
  /** Where to record each delay drawn (exported histograms), or null. */
  observe: BucketHistogram | null = null;

  constructor(
    protected readonly engine: Engine,
    readonly dist: Distribution,
    readonly handler: (id: number) => void,
  ) {
    this.kind = engine.on(handler);
  }

  /**
   * Runs the step for `id` from now. The time is not passed: a call V8 does not inline boxes a
   * double argument as a heap number, and the start-up chain (arrival → claim or placement →
   * ready → end) is deeper than it inlines (measured with the other time-free calls: README,
   * Performance).
   */
  abstract run(id: number): void;

  /**
   * Runs the step for `id` from `baseS` (≥ now; non-decreasing per fixed-delay step). The delay
   * is drawn once (a fixed step's is its mean: no draw) and, for `run --openmetrics`, recorded —
   * the same draws in the same order either way.
   */
  abstract runFrom(id: number, baseS: number): void;
}

/**
 * A fixed delay: its events, scheduled from non-decreasing base times, fire in order, so they go
 * on a FIFO stream lane, made at the step's first scheduled event: a step never scheduled (a
 * zero cold start, a pool of size 0, serverless off) leaves the engine one queue fewer to scan
 * after each event off a queue other than the main heap.
 */
class FixedStep extends Step {
  private lane = -1;

  run(id: number): void {
    const x = this.dist.mean;
    this.observe?.record(x);
    this.engine.inStream(this.laneOf(), this.engine.now + x, this.kind, id);
  }

  runFrom(id: number, baseS: number): void {
    const x = this.dist.mean;
    this.observe?.record(x);
    this.engine.inStream(this.laneOf(), baseS + x, this.kind, id);
  }

  private laneOf(): number {
    return this.lane >= 0 ? this.lane : (this.lane = this.engine.stream());
  }
}

/** A delay of 0 s: the handler runs now (from a later base time, it waits on the lane). */
class ImmediateStep extends FixedStep {
  override run(id: number): void {
    this.observe?.record(this.dist.mean);
    this.handler(id);
  }

  override runFrom(id: number, baseS: number): void {
    if (baseS === this.engine.now) this.run(id);
    else super.runFrom(id, baseS);
  }
}

/** A sampled delay, on queue `heap` (an extra heap or calendar; -1: the main heap). */
class SampledStep extends Step {
  constructor(
    engine: Engine,
    dist: Distribution,
    handler: (id: number) => void,
    private readonly heap: number,
  ) {
    super(engine, dist, handler);
  }

  run(id: number): void {
    const x = this.dist.sample();
    this.observe?.record(x);
    if (this.heap >= 0) this.engine.afterIn(this.heap, x, this.kind, id);
    else this.engine.after(x, this.kind, id);
  }

  runFrom(id: number, baseS: number): void {
    const x = this.dist.sample();
    this.observe?.record(x);
    const delayS = baseS - this.engine.now + x;
    if (this.heap >= 0) this.engine.afterIn(this.heap, delayS, this.kind, id);
    else this.engine.after(delayS, this.kind, id);
  }
}

/** A step drawing from `d`, firing `handler` (registered once with the engine), its sampled delays on queue `heap` (-1: the main heap). */
export function makeStep(engine: Engine, d: Distribution, handler: (id: number) => void, heap: number): Step {
  if (!d.fixed) return new SampledStep(engine, d, handler, heap);
  return d.mean === 0 ? new ImmediateStep(engine, d, handler) : new FixedStep(engine, d, handler);
}

/** Schedules `kind` for `id` after `delayS` on queue `heap` (-1: the main heap). */
export function later(engine: Engine, heap: number, delayS: number, kind: number, id: number): void {
  if (heap >= 0) engine.afterIn(heap, delayS, kind, id);
  else engine.after(delayS, kind, id);
}
