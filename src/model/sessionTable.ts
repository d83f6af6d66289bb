/** Where a session's sandbox runs. */
export const Tier = { None: 0, Reserved: 1, Serverless: 2 } as const;

/** Session flags (bits). */
export const Flag = {
  /** Arrived after warm-up: counted in the statistics. */
  Counted: 1,
  /** Started from a warm-pool claim. */
  Warm: 2,
  /** Allocated (not yet completed, rejected or lost). */
  Live: 4,
  /** Has waited in the reserved queue. */
  Queued: 8,
} as const;

/**
 * Live sessions as a structure of arrays indexed by an integer id, recycled through a free list
 * so memory follows the peak number of live sessions, not the number that ever arrived
 * (21.6M a day at Kimi scale, ~200k at once).
 */
export class SessionTable {
  /** Arrival time (s). */
  arrivalT: Float64Array;
  /** Time of the last hand-off (joined the queue, or was submitted to the scheduler) (s). */
  markT: Float64Array;
  /** Duration known in advance (trace replay), else NaN (s). */
  durationS: Float64Array;
  /** Tier of the slot the session holds. */
  tier: Uint8Array;
  /** Flag bits. */
  flags: Uint8Array;
  private free: Int32Array;
  private freeTop = 0;
  private used = 0;
  /** Number of live sessions. */
  live = 0;

  constructor(initialCapacity = 1024) {
    this.arrivalT = new Float64Array(initialCapacity);
    this.markT = new Float64Array(initialCapacity);
    this.durationS = new Float64Array(initialCapacity);
    this.tier = new Uint8Array(initialCapacity);
    this.flags = new Uint8Array(initialCapacity);
    this.free = new Int32Array(initialCapacity);
  }

  /** Allocates a session record and returns its id. */
  alloc(arrivalT: number, durationS: number, flags: number): number {
    let id: number;
    if (this.freeTop > 0) id = this.free[--this.freeTop];
    else {
      if (this.used === this.arrivalT.length) this.grow();
      id = this.used++;
    }
    this.arrivalT[id] = arrivalT;
    this.markT[id] = arrivalT;
    this.durationS[id] = durationS;
    this.tier[id] = 0;
    this.flags[id] = flags | Flag.Live;
    this.live++;
    return id;
  }

  /** Releases a session record. */
  release(id: number): void {
    this.flags[id] = 0;
    this.free[this.freeTop++] = id;
    this.live--;
  }

  /** Number of ids ever handed out (for scans). */
  get capacityUsed(): number {
    return this.used;
  }

  private grow(): void {
    const cap = this.arrivalT.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.arrivalT = f64(this.arrivalT);
    this.markT = f64(this.markT);
    this.durationS = f64(this.durationS);
    this.tier = u8(this.tier);
    this.flags = u8(this.flags);
    const fr = new Int32Array(cap);
    fr.set(this.free);
    this.free = fr;
  }
}
