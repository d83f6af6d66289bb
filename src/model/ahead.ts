import { registerHelperWork, type Detachable, type Helper, type HelperWorkModule } from '../engine/helper.js';
import { RateCurveArrivals, type ArrivalProcess, type RateCurveSnapshot } from '../workload/arrivals.js';
import { BATCH, makeDistribution, specMean, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { Rng } from '../random/rng.js';

/**
 * Draws per hand-over: the helper writes, and main reads, whole chunks. One chunk is one batch
 * of the batching samplers, so after a chunk a sampler holds nothing but its stream's state
 * (what `finishStop` continues from).
 */
const CHUNK = BATCH;
/** Draws per ring (a power of two, a multiple of CHUNK): 128 KB a sampler. */
const SIZE = 1 << 14;
const MASK = SIZE - 1;

/** Slots of a sampler's control block (Int32, shared; counts of draws, wrapping at 2^32). */
export const enum AheadCtl {
  /** Draws the helper has written. */
  W = 0,
  /** Draws main has finished with (the start of the chunk it reads). */
  R = 1,
  /** Set by main: stop drawing, publish your state (`AheadState`) and set Stopped. */
  Stop = 2,
  /** Set by the helper once it has stopped (W is then final and the state written). */
  Stopped = 3,
  Size = 4,
}

/** Slots of the state the helper leaves when it stops (Float64, shared). */
const enum AheadState {
  /** The stream's four 32-bit words (Rng.state). */
  Rng = 0,
  /** A rate curve's position: time, segment, and offset into it (RateCurveSnapshot). */
  T = 4,
  Seg = 5,
  Offset = 6,
  Size = 7,
}

/**
 * Main's time (s) one draw costs in place, beyond copying it out of the ring: what the helper
 * saves per draw. Measured in this engine (node 22, one core): a ziggurat log-normal ~25 ns, an
 * exponential ~20 ns (a logarithm), a rate curve's next arrival ~30 ns; 20 ns is the round
 * figure for the account (src/engine/helper.ts), which only needs the order of magnitude.
 */
export const DRAW_S = 2e-8;

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
  state: SharedArrayBuffer;
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
export class Ahead implements Distribution, ArrivalProcess, Detachable {
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
  private readonly state: Float64Array;
  /**
   * After the helper stopped (`finishStop`): the count of draws it wrote, and the sampler (or
   * arrivals) continuing in place from its state; main reads the ring up to `stopW`, then draws here.
   */
  private stopW = -1;
  private local: { sample(): number } | null = null;

  constructor(
    private readonly helper: Helper,
    private readonly source: AheadSource,
  ) {
    const s: AheadSpec = { kind: 'ahead', ctl: new SharedArrayBuffer(4 * AheadCtl.Size), data: new SharedArrayBuffer(8 * SIZE), state: new SharedArrayBuffer(8 * AheadState.Size), source };
    this.ctl = new Int32Array(s.ctl);
    this.data = new Float64Array(s.data);
    this.state = new Float64Array(s.state);
    this.mean = source.kind === 'distribution' ? specMean(source.spec) : NaN;
    helper.serve(s, this);
  }

  /** Draws read from the ring the helper filled (so far), times what each saves. */
  savedS(): number {
    const read = this.stopW >= 0 ? Math.min(this.chunk, this.stopW) : this.chunk;
    return (read >>> 0) * DRAW_S;
  }

  requestStop(): void {
    Atomics.store(this.ctl, AheadCtl.Stop, 1);
  }

  /**
   * Waits for the helper to stop, then builds the sampler continuing from its state: the helper
   * writes whole chunks, each one of the samplers' batches (CHUNK = BATCH), so after its last chunk a sampler holds nothing but its stream's state.
   */
  finishStop(): void {
    if (this.stopW >= 0) return;
    this.helper.wait(() => Atomics.load(this.ctl, AheadCtl.Stopped) !== 0);
    this.stopW = Atomics.load(this.ctl, AheadCtl.W);
    const st = this.state;
    const rng = [st[AheadState.Rng], st[AheadState.Rng + 1], st[AheadState.Rng + 2], st[AheadState.Rng + 3]];
    const src = this.source;
    if (src.kind === 'distribution') this.local = makeDistribution(src.spec, Rng.fromState(rng));
    else {
      const a = RateCurveArrivals.fromSnapshot({ ...src.state, rng, t: st[AheadState.T], seg: st[AheadState.Seg], offset: st[AheadState.Offset] });
      this.local = { sample: () => a.next() };
    }
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
    if (this.stopW >= 0) {
      this.refillStopped(c);
      return;
    }
    Atomics.store(this.ctl, AheadCtl.R, c);
    if (((this.seen - c) | 0) < SIZE / 2) {
      this.seen = Atomics.load(this.ctl, AheadCtl.W);
      if (((this.seen - c) | 0) < SIZE / 2) this.helper.ring(); // under half full: make sure the helper is awake
      if (((this.seen - c) | 0) < CHUNK) {
        this.helper.wait(() => (((this.seen = Atomics.load(this.ctl, AheadCtl.W)) - c) | 0) >= CHUNK);
        // the helper costs more than it saves: take every sampler back (the engine drops the rest)
        if (this.helper.abandon) this.helper.detachSamplers();
      }
    }
    this.i = c & MASK;
    this.end = this.i + CHUNK;
    this.chunk = (c + CHUNK) | 0;
  }

  /** After the helper stopped: the ring's remaining chunks (already written), then chunks drawn in place into the ring's first. */
  private refillStopped(c: number): void {
    if (c !== this.stopW) {
      this.i = c & MASK;
      this.end = this.i + CHUNK;
      this.chunk = (c + CHUNK) | 0;
      return;
    }
    const d = this.data;
    const local = this.local!;
    for (let k = 0; k < CHUNK; k++) d[k] = local.sample();
    this.i = 0;
    this.end = CHUNK;
  }
}

/** The helper's side of one sequence. */
export interface AheadJob {
  ctl: Int32Array;
  data: Float64Array;
  state: Float64Array;
  rng: Rng | null;
  stopped: boolean;
  /** The sampler, or the arrivals, drawing in place on the helper. */
  dist: Distribution | null;
  arrivals: RateCurveArrivals | null;
  w: number;
}

export function aheadJob(s: AheadSpec): AheadJob {
  const src = s.source;
  const rng = src.kind === 'distribution' ? new Rng(src.seed) : null;
  return {
    ctl: new Int32Array(s.ctl),
    data: new Float64Array(s.data),
    state: new Float64Array(s.state),
    rng,
    stopped: false,
    dist: rng ? makeDistribution((src as { spec: DistributionSpec }).spec, rng) : null,
    arrivals: src.kind === 'rateCurve' ? RateCurveArrivals.fromSnapshot(src.state) : null,
    w: 0,
  };
}

/** Writes a chunk of values if the ring has room for one (or stops, when main asked); true when it did. */
export function fillAhead(j: AheadJob): boolean {
  if (j.stopped) return false;
  if (Atomics.load(j.ctl, AheadCtl.Stop) !== 0) {
    stopAhead(j);
    return true;
  }
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

/** Leaves the sequence's state for main (after the last whole chunk) and stops drawing. */
function stopAhead(j: AheadJob): void {
  const st = j.state;
  if (j.dist !== null) {
    const r = j.rng!.state();
    for (let k = 0; k < 4; k++) st[AheadState.Rng + k] = r[k];
  } else {
    const snap = j.arrivals!.snapshot();
    for (let k = 0; k < 4; k++) st[AheadState.Rng + k] = snap.rng[k];
    st[AheadState.T] = snap.t;
    st[AheadState.Seg] = snap.seg;
    st[AheadState.Offset] = snap.offset;
  }
  j.stopped = true;
  Atomics.store(j.ctl, AheadCtl.Stopped, 1);
}

/**
 * The helper thread's side, registered with the engine (which imports nothing above it): the
 * helper imports this module and serves messages of kind 'ahead' with it.
 */
export const helperWork: HelperWorkModule<AheadSpec, AheadJob> = { kind: 'ahead', take: aheadJob, fill: fillAhead };
registerHelperWork(import.meta.url);
