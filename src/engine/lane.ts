/**
 * A FIFO lane for events that all fire a fixed delay after they are scheduled (a deterministic
 * claim latency, cold start, scheduler service time or wait timeout).
 *
 * Because the clock never goes back and the delay is constant, entries leave in the order they
 * came: a ring buffer replaces O(log n) heap work with O(1) push and pop, and the engine only
 * compares the lane's head with the heap's top. In the Kimi-scale benchmark this takes about
 * three of every five events off the heap.
 */
export class FixedDelayLane {
  /** Delay in seconds added to `now` for every entry. */
  readonly delayS: number;
  private timeS: Float64Array;
  private key: Float64Array;
  private payload: Float64Array;
  private head = 0;
  /** Number of pending entries. */
  size = 0;

  constructor(delayS: number, initialCapacity = 256) {
    this.delayS = delayS;
    let cap = 16;
    while (cap < initialCapacity) cap *= 2; // a power of two, so indices wrap with a mask
    this.timeS = new Float64Array(cap);
    this.key = new Float64Array(cap);
    this.payload = new Float64Array(cap);
  }

  /** Time of the head entry (Infinity when empty). */
  peekTime(): number {
    return this.size > 0 ? this.timeS[this.head] : Infinity;
  }

  /** Tie-break key of the head entry. */
  peekKey(): number {
    return this.key[this.head];
  }

  /** Payload of the head entry. */
  peekPayload(): number {
    return this.payload[this.head];
  }

  /** Appends an entry firing at `timeS` (must be ≥ every pending entry's time). */
  push(timeS: number, key: number, payload: number): void {
    const cap = this.timeS.length;
    if (this.size === cap) this.grow();
    const mask = this.timeS.length - 1;
    const i = (this.head + this.size) & mask;
    this.timeS[i] = timeS;
    this.key[i] = key;
    this.payload[i] = payload;
    this.size++;
  }

  /** Removes the head entry. */
  pop(): void {
    this.head = (this.head + 1) & (this.timeS.length - 1);
    this.size--;
  }

  private grow(): void {
    const cap = this.timeS.length;
    const next = cap * 2;
    const t = new Float64Array(next);
    const k = new Float64Array(next);
    const p = new Float64Array(next);
    for (let j = 0; j < this.size; j++) {
      const i = (this.head + j) & (cap - 1);
      t[j] = this.timeS[i];
      k[j] = this.key[i];
      p[j] = this.payload[i];
    }
    this.timeS = t;
    this.key = k;
    this.payload = p;
    this.head = 0;
  }
}
