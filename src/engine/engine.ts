import { EventHeap } from './heap.js';
import { FixedDelayLane } from './lane.js';

/** An event handler: receives the integer id it was scheduled with. */
export type Handler = (id: number) => void;

/** Ids are packed beside the kind in one float: kind × 2^32 + id. */
const ID_SPAN = 4294967296;
/** Tie-break keys are priority × 2^40 + sequence: 2^40 events per run, 8192 priorities. */
const SEQ_SPAN = 1099511627776;

/**
 * The discrete-event engine: a clock, a heap of pending events, FIFO lanes for fixed delays,
 * and handlers registered by kind. Events fire in (time, priority, insertion sequence) order,
 * so a run is a pure function of what was scheduled. Models use only this public API.
 *
 * Handlers are registered once (`on`) and events carry an integer id instead of a closure,
 * so scheduling allocates nothing.
 */
export class Engine {
  /** Simulated time in seconds. */
  now = 0;
  /** Events fired so far. */
  events = 0;
  private readonly heap = new EventHeap(1024);
  private readonly lanes: FixedDelayLane[] = [];
  private readonly lanePriority: number[] = [];
  private readonly handlers: Handler[] = [];
  private seq = 0;
  private stopped = false;

  /** Registers a handler and returns its event kind. */
  on(handler: Handler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** Schedules event `kind` with `id` at absolute time `timeS` (≥ now). Lower priority fires first on ties. */
  at(timeS: number, kind: number, id: number, priority = 0): void {
    if (!(timeS >= this.now)) throw new RangeError(`cannot schedule at ${timeS} s: now is ${this.now} s`);
    this.heap.push(timeS, priority * SEQ_SPAN + this.seq++, kind * ID_SPAN + id);
  }

  /** Schedules event `kind` with `id` after `delayS` seconds. */
  after(delayS: number, kind: number, id: number, priority = 0): void {
    this.at(this.now + delayS, kind, id, priority);
  }

  /** Creates a FIFO lane for events that all fire `delayS` after being scheduled; returns its handle. */
  lane(delayS: number, priority = 0): number {
    if (!(delayS >= 0) || !Number.isFinite(delayS)) throw new RangeError(`lane delay must be finite and ≥ 0, got ${delayS}`);
    this.lanes.push(new FixedDelayLane(delayS));
    this.lanePriority.push(priority);
    return this.lanes.length - 1;
  }

  /** Schedules event `kind` with `id` in a lane (fires after the lane's fixed delay). */
  inLane(lane: number, kind: number, id: number): void {
    const L = this.lanes[lane];
    L.push(this.now + L.delayS, this.lanePriority[lane] * SEQ_SPAN + this.seq++, kind * ID_SPAN + id);
  }

  /** Number of events waiting to fire. */
  get pending(): number {
    let n = this.heap.size;
    for (const L of this.lanes) n += L.size;
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
    const heap = this.heap;
    const lanes = this.lanes;
    const handlers = this.handlers;
    this.stopped = false;
    while (!this.stopped) {
      let bt = heap.peekTime();
      let bk = heap.peekKey();
      let src = -1;
      for (let i = 0; i < lanes.length; i++) {
        const L = lanes[i];
        if (L.size === 0) continue;
        const t = L.peekTime();
        if (t < bt || (t === bt && L.peekKey() < bk)) {
          bt = t;
          bk = L.peekKey();
          src = i;
        }
      }
      if (bt > untilS || bt === Infinity) break;
      let p: number;
      if (src < 0) {
        p = heap.peekPayload();
        heap.pop();
      } else {
        const L = lanes[src];
        p = L.peekPayload();
        L.pop();
      }
      this.now = bt;
      this.events++;
      const kind = (p / ID_SPAN) | 0;
      handlers[kind](p - kind * ID_SPAN);
    }
    if (!this.stopped && untilS !== Infinity && this.now < untilS) this.now = untilS;
  }
}
