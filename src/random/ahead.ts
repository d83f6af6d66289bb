import type { Helper } from '../engine/helper.js';
import { RateCurveArrivals, type ArrivalProcess, type RateCurveSnapshot } from '../workload/arrivals.js';
import { makeDistribution, specMean, type Distribution, type DistributionSpec } from './distributions.js';
import { Rng } from './rng.js';

/** Draws per hand-over: the helper writes, and main reads, whole chunks. */
const CHUNK = 256;
/** Draws per ring (a power of two, a multiple of CHUNK): 128 KB a sampler. */
const SIZE = 1 << 14;
const MASK = SIZE - 1;

/** Slots of a sampler's control block (Int32, shared; counts of draws, wrapping at 2^32). */
export const enum AheadCtl {
  /** Draws the helper has written. */
  W = 0,
  /** Draws main has finished with (the start of the chunk it reads). */
  R = 1,
  Size = 2,
}

/**
 * A sequence that depends on nothing but its own random stream, which the helper can therefore
 * draw ahead: a sampler's draws (the distribution and its stream's seed), or the arrival times
 * of a rate curve (its state at hand-over).
 */
export type AheadSource = { kind: 'distribution'; spec: DistributionSpec; seed: number } | { kind: 'rateCurve'; state: RateCurveSnapshot };

/** What the helper needs to draw one sequence: its shared memory and its source. */
export interface AheadSpec {
  kind: 'ahead';
  ctl: SharedArrayBuffer;
  data: SharedArrayBuffer;
  source: AheadSource;
}

/**
 * A sequence drawn ahead on the engine's helper thread (src/engine/helper.ts): the helper runs
 * the very sampler `makeDistribution(spec, new Rng(seed))` builds (or the rate curve's arrivals
 * from their state), writing its values into a ring of shared memory in chunks, and `sample`
 * (`next`, as arrivals) reads them in order. Such a sequence depends only on its own stream,
 * never on the model's state, so it can be drawn at any time ahead: the values, and hence the
 * run, are exactly those drawn in place. Main only copies numbers out (on the Kimi-scale day
 * log-normal draws were ~9% of the main thread, arrival times ~3%).
 */
export class Ahead implements Distribution, ArrivalProcess {
  readonly fixed = false;
  /** The distribution's mean (NaN for arrivals). */
  readonly mean: number;
  /** As arrivals: no duration known in advance. */
  durationS = NaN;
  private readonly ctl: Int32Array;
  private readonly data: Float64Array;
  private i = 0;
  private end = 0;
  /** Count of the next chunk's first draw, and the helper's count last seen. */
  private chunk = 0;
  private seen = 0;

  constructor(
    private readonly helper: Helper,
    source: AheadSource,
  ) {
    const s: AheadSpec = { kind: 'ahead', ctl: new SharedArrayBuffer(4 * AheadCtl.Size), data: new SharedArrayBuffer(8 * SIZE), source };
    this.ctl = new Int32Array(s.ctl);
    this.data = new Float64Array(s.data);
    this.mean = source.kind === 'distribution' ? specMean(source.spec) : NaN;
    helper.serve(s);
  }

  sample(): number {
    if (this.i === this.end) this.refill();
    return this.data[this.i++];
  }

  /** The next arrival time (a rate curve's): the next value, as `sample`. */
  next(): number {
    return this.sample();
  }

  /** Moves to the next chunk: releases the one read, and waits (rarely: at the start) until the helper has written the next. */
  private refill(): void {
    const c = this.chunk;
    Atomics.store(this.ctl, AheadCtl.R, c);
    if (((this.seen - c) | 0) < SIZE / 2) {
      this.seen = Atomics.load(this.ctl, AheadCtl.W);
      if (((this.seen - c) | 0) < SIZE / 2) this.helper.ring(); // under half full: make sure the helper is awake
      if (((this.seen - c) | 0) < CHUNK) this.helper.wait(() => (((this.seen = Atomics.load(this.ctl, AheadCtl.W)) - c) | 0) >= CHUNK);
    }
    this.i = c & MASK;
    this.end = this.i + CHUNK;
    this.chunk = (c + CHUNK) | 0;
  }
}

/** The helper's side of one sequence. */
export interface AheadJob {
  ctl: Int32Array;
  data: Float64Array;
  /** The sampler, or the arrivals, drawing in place on the helper. */
  dist: Distribution | null;
  arrivals: RateCurveArrivals | null;
  w: number;
}

export function aheadJob(s: AheadSpec): AheadJob {
  const src = s.source;
  return {
    ctl: new Int32Array(s.ctl),
    data: new Float64Array(s.data),
    dist: src.kind === 'distribution' ? makeDistribution(src.spec, new Rng(src.seed)) : null,
    arrivals: src.kind === 'rateCurve' ? RateCurveArrivals.fromSnapshot(src.state) : null,
    w: 0,
  };
}

/** Writes a chunk of values if the ring has room for one; true when it did. */
export function fillAhead(j: AheadJob): boolean {
  if (((j.w - Atomics.load(j.ctl, AheadCtl.R)) | 0) > SIZE - CHUNK) return false;
  const o = j.w & MASK;
  const data = j.data;
  const d = j.dist;
  const a = j.arrivals;
  if (d !== null) for (let k = 0; k < CHUNK; k++) data[o + k] = d.sample();
  else for (let k = 0; k < CHUNK; k++) data[o + k] = a!.next();
  Atomics.store(j.ctl, AheadCtl.W, (j.w = (j.w + CHUNK) | 0));
  return true;
}
