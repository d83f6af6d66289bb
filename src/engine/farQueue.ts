import { CalendarQueue } from './calendar.js';
import type { Helper, HelperClient } from './helper.js';

/** Slots of a far queue's control block (Int32, shared with the helper thread). */
export const enum Ctl {
  /** Entries main has published into the input ring (a count, not an index). */
  InW = 0,
  /** Entries the helper has taken from the input ring. */
  InR = 1,
  /** Entries the helper has published into the output ring. */
  OutW = 2,
  /** Entries main has taken from the output ring. */
  OutR = 3,
  Size = 4,
}

/** What the helper needs to serve one far queue: its shared memory and its calendar's shape. */
export interface FarSpec {
  kind: 'far';
  ctl: SharedArrayBuffer;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  widthS: number;
  lookaheadS: number;
}

/** Marker key: an entry (t, MARKER, NaN) in a ring is a time stamp, not an event. */
export const MARKER = -1;
/** Entries per ring (a power of two), on both sides of the rings. */
export const RING = 1 << 16;
/**
 * Main's time (s) a far event costs in a local calendar beyond what the rings cost: the push
 * into a bucket and the pop from the near heap of a few hundred entries, ~0.1 µs measured on the
 * Kimi-scale day (src/bench: far queue hold). What the helper saves main per event it sorts.
 */
export const FAR_EVENT_S = 1e-7;

/**
 * A calendar queue whose sorting runs on a second core. Events scheduled at least `lookaheadS`
 * ahead go into a ring the helper thread reads; it keeps them in a calendar queue of its own and
 * hands them back, in (time, key) order, through a second ring — but only those earlier than
 * H = τ + lookahead, where τ is a time stamp main wrote into the input ring: every event main
 * schedules after writing τ fires at ≥ τ + lookahead, so nothing can still arrive to precede
 * what the helper has handed back. The helper writes H into the output ring after the events
 * below it.
 *
 * Main's head is the next handed-back event, or, when it has consumed all of them and events
 * are still pending, a barrier at the last H (key −1: it precedes any event at that time). The
 * engine "pops" the barrier like an event: main stamps its time, and waits until the helper
 * hands back more; nothing fires. The order of events is exactly the order a local calendar
 * gives, so a run is identical with or without the helper; only the wall time differs.
 *
 * The rings hold (time, key, payload) triples; counts are published with Atomics (the ring
 * contents written before them are visible after them).
 */
export class FarQueue implements HelperClient {
  /** Events pending (pushed and not yet popped). */
  size = 0;
  headT = Infinity;
  headK = Infinity;
  private readonly ctl: Int32Array;
  private readonly input: Float64Array;
  private readonly output: Float64Array;
  private inW = 0;
  /** The helper's input position last seen (the ring is full when inW − inRSeen = RING). */
  private inRSeen = 0;
  private outR = 0;
  /** The output position last published to the helper. */
  private outPub = 0;
  /** Output entries known to be published. */
  private outSeen = 0;
  /** Every event earlier than this has been handed back (−∞: nothing yet). */
  private barrierT = -Infinity;
  /** Time of the last stamp main wrote. */
  private stampT = -Infinity;
  private readonly stampEveryS: number;
  /** Events handed back and popped (what the helper sorted for main). */
  private handed = 0;

  constructor(
    private readonly helper: Helper,
    private readonly widthS: number,
    readonly lookaheadS: number,
  ) {
    if (!(lookaheadS > 0) || !Number.isFinite(lookaheadS)) throw new RangeError(`far queue lookahead must be positive, got ${lookaheadS}`);
    const spec: FarSpec = {
      kind: 'far',
      ctl: new SharedArrayBuffer(4 * Ctl.Size),
      input: new SharedArrayBuffer(24 * RING),
      output: new SharedArrayBuffer(24 * RING),
      widthS,
      lookaheadS,
    };
    this.ctl = new Int32Array(spec.ctl);
    this.input = new Float64Array(spec.input);
    this.output = new Float64Array(spec.output);
    // stamps often enough that the helper's horizon stays ~7/8 of the lookahead ahead of main
    this.stampEveryS = lookaheadS / 8;
    helper.serve(spec, this);
  }

  savedS(): number {
    return this.handed * FAR_EVENT_S;
  }

  /** Schedules an entry at `timeS` ≥ `nowS` + lookahead. */
  push(timeS: number, key: number, payload: number, nowS: number): void {
    this.write(timeS, key, payload);
    if (this.size++ === 0) this.refresh();
    if (nowS - this.stampT >= this.stampEveryS || (this.inW & 63) === 0) {
      this.stamp(nowS);
      Atomics.store(this.ctl, Ctl.InW, this.inW);
    }
  }

  private write(t: number, k: number, p: number): void {
    if (this.inW - this.inRSeen === RING) this.waitForRoom();
    const i = 3 * (this.inW & (RING - 1));
    this.input[i] = t;
    this.input[i + 1] = k;
    this.input[i + 2] = p;
    this.inW++;
  }

  private stamp(nowS: number): void {
    this.stampT = nowS;
    this.write(nowS, MARKER, NaN);
  }

  /**
   * Removes the head and returns its payload; NaN when the head was the barrier (then main has
   * waited for the helper to move it, and the engine reads the head again without firing anything).
   */
  pop(): number {
    if (this.headK === MARKER) {
      this.sync();
      return NaN;
    }
    const p = this.output[3 * (this.outR & (RING - 1)) + 2];
    this.outR++;
    this.size--;
    this.handed++;
    this.refresh();
    if (this.outR - this.outPub >= 1024) Atomics.store(this.ctl, Ctl.OutR, (this.outPub = this.outR));
    return p;
  }

  /** Sets the head: the next handed-back event (skipping stamps), the barrier, or nothing. */
  private refresh(): void {
    const out = this.output;
    for (;;) {
      if (this.outR === this.outSeen) this.outSeen = Atomics.load(this.ctl, Ctl.OutW);
      if (this.outR === this.outSeen) break;
      const i = 3 * (this.outR & (RING - 1));
      if (out[i + 1] !== MARKER) {
        this.headT = out[i];
        this.headK = out[i + 1];
        return;
      }
      this.barrierT = out[i];
      this.outR++;
    }
    this.headT = this.size === 0 ? Infinity : this.barrierT;
    this.headK = this.size === 0 ? Infinity : MARKER;
  }

  /** At the barrier: stamps main's time (nothing earlier can be scheduled now) and waits for the helper. */
  private sync(): void {
    // The barrier is the earliest head, so main fires nothing before barrierT from now on.
    this.stamp(Math.max(this.barrierT, this.stampT));
    Atomics.store(this.ctl, Ctl.InW, this.inW);
    Atomics.store(this.ctl, Ctl.OutR, (this.outPub = this.outR));
    this.helper.ring();
    const seen = this.outSeen;
    this.helper.wait(() => Atomics.load(this.ctl, Ctl.OutW) !== seen);
    this.refresh();
  }

  /**
   * Ends the hand-over: takes every pending event back from the helper, in (time, key) order,
   * into a calendar queue of main's own, and returns it for the engine to use in this queue's
   * place. The entries are the same (time, key, payload) triples, so the order of events, and
   * the run, is unchanged. Main stamps +∞ (it will push nothing more here), so the helper's
   * horizon is +∞ and it hands back everything, a ring at a time.
   */
  drain(): CalendarQueue {
    const cal = new CalendarQueue(this.widthS);
    this.write(Infinity, MARKER, NaN);
    Atomics.store(this.ctl, Ctl.InW, this.inW);
    const out = this.output;
    let got = 0;
    while (got < this.size) {
      if (this.outR === this.outSeen) this.outSeen = Atomics.load(this.ctl, Ctl.OutW);
      if (this.outR === this.outSeen) {
        Atomics.store(this.ctl, Ctl.OutR, (this.outPub = this.outR));
        const seen = this.outSeen;
        this.helper.wait(() => Atomics.load(this.ctl, Ctl.OutW) !== seen);
        continue;
      }
      const i = 3 * (this.outR & (RING - 1));
      if (out[i + 1] !== MARKER) {
        cal.push(out[i], out[i + 1], out[i + 2]);
        got++;
      }
      this.outR++;
    }
    Atomics.store(this.ctl, Ctl.OutR, (this.outPub = this.outR));
    this.size = 0;
    this.headT = Infinity;
    this.headK = Infinity;
    return cal;
  }

  private waitForRoom(): void {
    Atomics.store(this.ctl, Ctl.InW, this.inW);
    this.helper.ring();
    this.helper.wait(() => (this.inRSeen = Atomics.load(this.ctl, Ctl.InR)) !== this.inW - RING);
  }
}
