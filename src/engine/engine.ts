import { CalendarQueue } from './calendar.js';
import { helperCoreFree } from './cores.js';
import { FarQueue } from './farQueue.js';
import { Helper } from './helper.js';
import { EventHeap } from './heap.js';
import { FifoLane } from './lane.js';

/** An event handler: receives the integer id it was scheduled with. */
export type Handler = (id: number) => void;

/** A pending-event queue the engine draws from: the main heap, extra heaps, or FIFO lanes. */
interface EventQueue {
  size: number;
  /** Time of the earliest entry (Infinity when empty). */
  headT: number;
  /** Tie-break key of the earliest entry (Infinity when empty). */
  headK: number;
  /** Removes the earliest entry and returns its payload (NaN: nothing to fire, read the head again). */
  pop(): number;
}

/** Engine options. */
export interface EngineOptions {
  /**
   * Sort far calendars' events (and draw samplers ahead) on a second core
   * (src/engine/farQueue.ts). Same events, same order; for long runs with a core to spare.
   * 'auto': only if a core is free when the helper is first asked for (src/engine/cores.ts).
   * Either way the engine drops the helper mid-run when its waits cost more than it saves.
   */
  helper?: boolean | 'auto';
  /**
   * The run's expected events (src/sim/workEstimate.ts), if known: the helper's account weighs a
   * slow spell against the saving the rest of the run would give (src/engine/helper.ts `worthKeeping`).
   */
  expectedEvents?: number;
  /** The run's end in simulated time (s), if known: the account's other measure of progress. */
  horizonS?: number;
}

/** Throws for an event scheduled before `now` (apart, so the scheduling calls stay small enough to inline). */
function backInTime(timeS: number, nowS: number): never {
  throw new RangeError(`cannot schedule at ${timeS} s: now is ${nowS} s`);
}

/** Throws for a stream event before the stream's last one or before `now`. */
function streamBack(timeS: number, lastT: number, nowS: number): never {
  throw new RangeError(`stream events must not go back in time: ${timeS} s after ${lastT} s (now ${nowS} s)`);
}

/**
 * The payload's and key's packing, a const enum so tsc writes each as a literal: as module
 * constants (doubles, not small integers) the run loop, compiled on-stack, loaded each from the
 * module context at every event, with a hole check and a heap-number unboxing (~20 instructions
 * an event, M/M/c; callgrind).
 */
const enum Pack {
  /** Ids are packed beside the kind in one float: kind × 2^32 + id. */
  IdSpan = 4294967296,
  /** 2^-32: a payload's kind is `(p * IdUnit) | 0`, exact (a power of two): a multiply where `p / IdSpan` was a division (~14 cycles on the path to the handler's call). */
  IdUnit = 1 / 4294967296,
  /** Tie-break keys are priority × 2^40 + sequence: 2^40 events per run, 8192 priorities. */
  SeqSpan = 1099511627776,
}
/** Queues per engine (main heap, lanes, streams, extra heaps, calendars). */
const MAX_QUEUES = 64;
/** Slot of `headT`/`headK` holding the earliest head over the queues other than the main heap (see `side`). */
const SIDE = MAX_QUEUES;

/**
 * The discrete-event engine: a clock, pending-event queues, and handlers registered by kind.
 * Events fire in (time, priority, insertion sequence) order across all queues, so a run is a
 * pure function of what was scheduled. Models use only this public API.
 *
 * Queues: the main heap (`at`, `after`); FIFO lanes for events whose times never decrease in
 * scheduling order (`lane` + `inLane` for a fixed delay, `stream` + `inStream` for explicit
 * monotone times such as arrivals); and extra heaps (`heap` + `atIn`) so short random delays
 * do not sift through a large heap of far-away events; and calendar queues (`calendar` +
 * `afterIn`) for many events far ahead, which an engine made with `helper` sorts on a second
 * core (`farCalendar`, src/engine/farQueue.ts). Each is an optimisation only: any event
 * could go on the main heap and fire at the same point in the order.
 *
 * Handlers are registered once (`on`) and events carry an integer id instead of a closure, so
 * scheduling allocates nothing.
 */
export class Engine {
  /**
   * Simulated time in seconds. Its first store is a double, so V8 keeps it a double field from
   * the start (a 0 would migrate every engine to a new hidden class at the first fractional time,
   * deoptimising the handlers that read it; see TimeWeighted).
   */
  now = 0.5;
  /** Events fired so far. */
  events = 0;
  /** The main heap (queue 0), held typed so `at`/`after` reach it without a load and a map check. */
  private readonly main = new EventHeap(1024);
  private readonly queues: EventQueue[] = [this.main];
  private readonly priorities: number[] = [0];
  private readonly handlers: Handler[] = [];
  private seq = 0;
  private stopped = false;
  /** Per queue: the lookahead of a far queue (events at least this far ahead go to the helper), else 0. */
  private readonly far = new Float64Array(MAX_QUEUES);
  private helper: Helper | null = null;
  private useHelper: boolean | 'auto';
  /** Simulated time (s) at which the helper was dropped mid-run (NaN: it was not). */
  helperDroppedAtS = NaN;
  private waitedBeforeS = 0;
  private readonly expectedEvents: number;
  private readonly horizonS: number;

  constructor(opts: EngineOptions = {}) {
    this.now = 0;
    this.useHelper = opts.helper ?? false;
    this.expectedEvents = opts.expectedEvents ?? NaN;
    this.horizonS = opts.horizonS ?? NaN;
  }

  /**
   * The run's share done (NaN when unknown), the larger of its events' share of those expected
   * and its simulated time's share of the horizon: the estimate of events can be high (kimi-peak:
   * 216M expected, 125M fired) and a tide's events are uneven in time, so the larger share gives
   * the smaller, safer estimate of the run still to come.
   */
  private progress(): number {
    const e = this.events / this.expectedEvents;
    const t = this.now / this.horizonS;
    return e === e ? (t === t ? Math.max(e, t) : e) : t;
  }
  /**
   * Each queue's head (time, key), cached in typed arrays so the per-event scan over queues is
   * a tight loop with no method calls: with 8 queues of 3 classes the calls were megamorphic
   * and took ~40% of the Kimi-scale profile. Updated on every push (`pushed`) and pop.
   */
  private readonly headT = new Float64Array(MAX_QUEUES + 1).fill(Infinity);
  private readonly headK = new Float64Array(MAX_QUEUES + 1).fill(Infinity);
  /**
   * The queue (other than the main heap) whose head is earliest, its head in slot SIDE (-1 and
   * Infinity: all empty). Most events come off the main heap and leave the other queues' heads
   * as they were, so the run loop compares two heads instead of scanning every queue; it scans
   * only after popping from `side`. Measured on the 1M-customer M/M/c (9 queues, half the events
   * off the main heap): 4,315 → 4,077 instructions a customer (−5.5%; callgrind, V8
   * single-threaded, the difference between 1,250 s and 2,500 s runs, 2026-12-02).
   */
  private side = -1;

  /** Registers a handler and returns its event kind. */
  on(handler: Handler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** Schedules event `kind` with `id` at absolute time `timeS` (≥ now). Lower priority fires first on ties. */
  at(timeS: number, kind: number, id: number, priority = 0): void {
    if (!(timeS >= this.now)) backInTime(timeS, this.now);
    const key = priority * Pack.SeqSpan + this.seq++;
    const h = this.main;
    h.push(timeS, key, kind * Pack.IdSpan + id);
    this.headT[0] = h.headT;
    this.headK[0] = h.headK;
  }

  /**
   * Schedules event `kind` with `id` after `delayS` seconds. Written out rather than calling `at`
   * (and with the error in a function apart), so it stays small enough for V8 to inline into the
   * model's handlers: a call it does not inline gets its time boxed as a heap number (16 bytes of
   * garbage per event scheduled).
   */
  after(delayS: number, kind: number, id: number, priority = 0): void {
    const t = this.now + delayS;
    if (!(t >= this.now)) backInTime(t, this.now);
    const key = priority * Pack.SeqSpan + this.seq++;
    const h = this.main;
    h.push(t, key, kind * Pack.IdSpan + id);
    this.headT[0] = h.headT;
    this.headK[0] = h.headK;
  }

  /** Creates a FIFO lane for events that all fire `delayS` after being scheduled; returns its handle. */
  lane(delayS: number, priority = 0): number {
    if (!(delayS >= 0) || !Number.isFinite(delayS)) throw new RangeError(`lane delay must be finite and ≥ 0, got ${delayS}`);
    return this.addQueue(new FifoLane(delayS), priority);
  }

  /** Schedules event `kind` with `id` in a fixed-delay lane. */
  inLane(lane: number, kind: number, id: number): void {
    const L = this.queues[lane] as FifoLane;
    const t = this.now + L.delayS;
    const key = this.priorities[lane] * Pack.SeqSpan + this.seq++;
    L.push(t, key, kind * Pack.IdSpan + id);
    this.pushed(lane, t, key);
  }

  /** Creates a FIFO lane for events scheduled in non-decreasing time order; returns its handle. */
  stream(priority = 0): number {
    return this.addQueue(new FifoLane(NaN), priority);
  }

  /** Schedules event `kind` with `id` at `timeS` in a stream lane (≥ now and ≥ its last time). */
  inStream(lane: number, timeS: number, kind: number, id: number): void {
    const L = this.queues[lane] as FifoLane;
    if (!(timeS >= this.now && timeS >= L.lastT)) streamBack(timeS, L.lastT, this.now);
    const key = this.priorities[lane] * Pack.SeqSpan + this.seq++;
    L.push(timeS, key, kind * Pack.IdSpan + id);
    this.pushed(lane, timeS, key);
  }

  /** Creates an extra heap (for a class of events with short random delays); returns its handle. */
  heap(priority = 0): number {
    return this.addQueue(new EventHeap(256), priority);
  }

  /**
   * Creates a calendar queue with buckets of `widthS` seconds, for many pending events spread
   * far ahead (session ends); returns its handle.
   */
  calendar(widthS: number, priority = 0): number {
    return this.addQueue(new CalendarQueue(widthS), priority);
  }

  /**
   * Creates a calendar queue like `calendar`, whose events at least `lookaheadS` ahead are sorted
   * on a second core when the engine was made with `helper` (the rest go on the main heap, in the
   * same order); without a helper, a plain calendar queue.
   */
  farCalendar(widthS: number, lookaheadS: number, priority = 0): number {
    const helper = this.helperThread();
    if (!helper) return this.calendar(widthS, priority);
    const q = this.addQueue(new FarQueue(helper, widthS, lookaheadS), priority);
    this.far[q] = lookaheadS;
    return q;
  }

  /** Schedules event `kind` with `id` after `delayS` in an extra heap or a calendar queue. */
  afterIn(queue: number, delayS: number, kind: number, id: number): void {
    const t = this.now + delayS;
    if (!(t >= this.now)) backInTime(t, this.now);
    const key = this.priorities[queue] * Pack.SeqSpan + this.seq++;
    const far = this.far[queue];
    if (far === 0) {
      (this.queues[queue] as EventHeap | CalendarQueue).push(t, key, kind * Pack.IdSpan + id);
      this.pushed(queue, t, key);
    } else if (delayS >= far) {
      const q = this.queues[queue] as FarQueue;
      q.push(t, key, kind * Pack.IdSpan + id, this.now);
      this.setHead(queue, q.headT, q.headK);
    } else {
      const h = this.main;
      h.push(t, key, kind * Pack.IdSpan + id);
      this.headT[0] = h.headT;
      this.headK[0] = h.headK;
    }
  }

  /**
   * The engine's helper thread (started on first use) when it was made with `helper`, else null:
   * models may hand it work that does not depend on the run's state, such as samplers drawing
   * ahead (src/model/ahead.ts).
   */
  helperThread(): Helper | null {
    if (this.useHelper === 'auto') this.useHelper = helperCoreFree();
    if (!this.useHelper) return null;
    return (this.helper ??= new Helper(() => this.progress()));
  }

  /** Wall time (s) main has waited for its helper thread, dropped or not. */
  get helperWaitedS(): number {
    return this.waitedBeforeS + (this.helper?.waitedS ?? 0);
  }

  /** Whether a helper thread serves this engine now. */
  get helping(): boolean {
    return this.helper !== null;
  }

  /**
   * Finishes the run without the helper thread: samplers continue in place from the helper's
   * state, and each far queue's pending events come back into a calendar of main's own. The
   * events, draws and order are unchanged (only the wall time differs). Called by the run when
   * the helper costs more than it saves (src/engine/helper.ts), or between runs by a caller.
   */
  dropHelper(): void {
    const h = this.helper;
    if (h === null) return;
    h.detachSamplers();
    for (let q = 0; q < this.queues.length; q++) {
      if (this.far[q] === 0) continue;
      const cal = (this.queues[q] as FarQueue).drain();
      this.queues[q] = cal;
      this.far[q] = 0;
      this.headT[q] = cal.headT;
      this.headK[q] = cal.headK;
    }
    this.rescanSide();
    h.close();
    this.waitedBeforeS += h.waitedS;
    this.helper = null;
    this.useHelper = false;
    this.helperDroppedAtS = this.now;
  }

  /** Stops the helper thread, if any: an engine with far queues cannot run after this; one without is unaffected. */
  close(): void {
    this.helper?.close();
    this.helper = null;
  }

  /** Keeps the cached head of queue `q` current after a push of (t, key). */
  private pushed(q: number, t: number, key: number): void {
    const h = this.headT[q];
    // an earlier head: if q held the side slot, the new head is earlier still, so no rescan
    if (t < h || (t === h && key < this.headK[q])) this.setHead(q, t, key);
  }

  /** Sets queue q's (not the main heap's) head to (t, k), which may be later than it was. */
  private setHead(q: number, t: number, k: number): void {
    this.headT[q] = t;
    this.headK[q] = k;
    const st = this.headT[SIDE];
    if (t < st || (t === st && k < this.headK[SIDE])) {
      this.headT[SIDE] = t;
      this.headK[SIDE] = k;
      this.side = q;
    } else if (q === this.side) this.rescanSide();
  }

  /** Finds the earliest head over the queues other than the main heap (a handful: a linear scan beats a tournament tree). */
  private rescanSide(): void {
    const headT = this.headT;
    const headK = this.headK;
    const nq = this.queues.length;
    let bt = Infinity;
    let bk = Infinity;
    let b = -1;
    for (let i = 1; i < nq; i++) {
      const t = headT[i];
      if (t < bt || (t === bt && headK[i] < bk)) {
        bt = t;
        bk = headK[i];
        b = i;
      }
    }
    headT[SIDE] = bt;
    headK[SIDE] = bk;
    this.side = b;
  }

  private addQueue(q: EventQueue, priority: number): number {
    if (this.queues.length === MAX_QUEUES) throw new RangeError(`an engine holds at most ${MAX_QUEUES} queues`);
    this.queues.push(q);
    this.priorities.push(priority);
    return this.queues.length - 1;
  }

  /** Number of events waiting to fire. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues) n += q.size;
    return n;
  }

  /** Stops `run` after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Fires events in order until the next one is later than `untilS` (or `stop` is called),
   * then leaves the clock at `untilS`.
   */
  run(untilS: number): void {
    const queues = this.queues;
    const handlers = this.handlers;
    const headT = this.headT;
    const headK = this.headK;
    this.stopped = false;
    while (!this.stopped) {
      // The earliest head: the main heap's or the earliest of the others' (kept in slot SIDE).
      let bt = headT[0];
      let src = 0;
      const st = headT[SIDE];
      if (st < bt || (st === bt && headK[SIDE] < headK[0])) {
        bt = st;
        src = this.side;
      }
      if (bt === Infinity || bt > untilS) break;
      const q = queues[src];
      const p = q.pop();
      headT[src] = q.headT;
      headK[src] = q.headK;
      if (src !== 0) this.rescanSide();
      if (p !== p) {
        // a far queue's barrier: it waited for its helper; nothing fires. When the waits cost more than the helper saves, drop it here.
        if (this.helper !== null && this.helper.abandon) this.dropHelper();
        continue;
      }
      if (bt < this.now) throw new Error(`event queue ${src} went back in time: ${bt} s after ${this.now} s`);
      this.now = bt;
      this.events++;
      const kind = (p * Pack.IdUnit) | 0;
      handlers[kind](p - kind * Pack.IdSpan);
      // the account may have found the helper too costly in a wait inside a handler (a full ring,
      // a sampler's refill), and barriers may be rare while main keeps the helper fed: look every 1,024 events
      if ((this.events & 1023) === 0 && this.helper !== null && this.helper.abandon) this.dropHelper();
    }
    if (!this.stopped && untilS !== Infinity && this.now < untilS) this.now = untilS;
  }
}
