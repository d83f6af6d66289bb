import { EventHeap } from './heap.js';

/** Bucket indices below this are exact integers, so `cur + 1` moves on (2^52). */
const EXACT_BUCKETS = 2 ** 52;

/** Storage of a bucket that never held an entry: shared, never written (a ring of 4,096 buckets allocates nothing up front). */
const EMPTY = new Float64Array(0);

/** One calendar bucket: unsorted entries (time, key, payload) appended in arrival order. */
class Bucket {
  a: Float64Array = EMPTY;
  n = 0;
  push(t: number, k: number, p: number): void {
    if (3 * this.n + 3 > this.a.length) {
      const next = new Float64Array(Math.max(48, this.a.length * 2));
      next.set(this.a);
      this.a = next;
    }
    const i = 3 * this.n++;
    this.a[i] = t;
    this.a[i + 1] = k;
    this.a[i + 2] = p;
  }
}

/**
 * A calendar queue (Brown 1988) for many pending events spread far into the future, such as
 * session ends minutes to hours away. Time is cut into buckets of `widthS`; a ring of `buckets`
 * buckets holds unsorted entries (O(1) append), only the current bucket's entries sit in a
 * small binary heap, and entries beyond the ring wait in an overflow heap until their bucket
 * comes round. Ordering is exact: (time, key) as in any other queue of the engine.
 *
 * Why: at Kimi scale ~200k session ends are pending. In a single binary heap each pop and push
 * walks ~17 levels of cache-missing memory (measured ~650 ns per session end inside the full
 * model); here the current-bucket heap holds a few hundred entries.
 */
export class CalendarQueue {
  private readonly near = new EventHeap(256);
  private readonly far = new EventHeap(256);
  private readonly ring: Bucket[];
  private readonly mask: number;
  /** Index of the current bucket: the near heap holds every entry with time < (cur + 1) · width. */
  private cur = 0;
  private nearEnd: number;
  /** Entries held in ring buckets (not near, not far). */
  private inRing = 0;
  /** Number of pending entries. */
  size = 0;
  /** Time of the earliest entry (Infinity when empty), kept current by push and pop. */
  headT = Infinity;
  /** Tie-break key of the earliest entry (Infinity when empty). */
  headK = Infinity;

  constructor(private readonly widthS: number, buckets = 4096) {
    if (!(widthS > 0) || !Number.isFinite(widthS)) throw new RangeError(`calendar bucket width must be positive, got ${widthS}`);
    let n = 16;
    while (n < buckets) n *= 2;
    this.ring = Array.from({ length: n }, () => new Bucket());
    this.mask = n - 1;
    this.nearEnd = widthS;
  }

  /** Inserts an entry (time must be ≥ the time of the last entry popped). */
  push(timeS: number, key: number, p: number): void {
    this.size++;
    if (timeS < this.nearEnd) {
      this.near.push(timeS, key, p);
    } else {
      let b = Math.floor(timeS / this.widthS);
      // a time on the current bucket's edge can round into it (fl(t / w) just under cur + 1 for t = fl((cur + 1) · w)): it belongs to the next
      if (b <= this.cur) b = this.cur + 1;
      if (b - this.cur <= this.mask) {
        this.ring[b & this.mask].push(timeS, key, p);
        this.inRing++;
      } else {
        this.far.push(timeS, key, p);
      }
      // Invariant: whenever anything is pending, the near heap holds the earliest entries.
      if (this.near.size === 0) this.advance();
    }
    this.headT = this.near.headT;
    this.headK = this.near.headK;
  }




  /** Removes the earliest entry and returns its payload (only valid when size > 0). */
  pop(): number {
    const p = this.near.pop();
    this.size--;
    if (this.near.size === 0) this.advance();
    this.headT = this.near.headT;
    this.headK = this.near.headK;
    return p;
  }

  /** Moves the next non-empty bucket into the near heap; false when nothing is pending. */
  private advance(): boolean {
    while (this.near.size === 0) {
      if (this.size === 0) return false;
      if (this.inRing === 0) {
        // Only far entries: jump straight to the bucket of the earliest one.
        const b = Math.floor(this.far.headT / this.widthS);
        if (b >= EXACT_BUCKETS) {
          this.byTime();
          continue;
        }
        if (b > this.cur) this.cur = b - 1;
      }
      this.cur++;
      this.nearEnd = (this.cur + 1) * this.widthS;
      const bucket = this.ring[this.cur & this.mask];
      const a = bucket.a;
      for (let i = 0; i < 3 * bucket.n; i += 3) this.near.push(a[i], a[i + 1], a[i + 2]);
      this.inRing -= bucket.n;
      bucket.n = 0;
      while (this.far.size > 0 && this.far.headT < this.nearEnd) {
        const t = this.far.headT;
        const k = this.far.headK;
        const p = this.far.pop();
        // Entries from far may belong to this bucket or (after a jump) land exactly here.
        this.near.push(t, k, p);
      }
    }
    return true;
  }

  /**
   * Moves the far heap's earliest entries into the near heap by time, when the earliest one's
   * bucket index is past exact integers (an event 10^300 s ahead: there `cur + 1 === cur`, and
   * counting buckets up to it never ended). The near heap then takes every entry before the
   * next float after it, so order stays exact; the ring stays empty (later entries are further).
   */
  private byTime(): void {
    const t = this.far.headT;
    this.nearEnd = t * (1 + Number.EPSILON); // at least the next float after t (t > 0)
    while (this.far.size > 0 && this.far.headT < this.nearEnd) {
      const ft = this.far.headT;
      const k = this.far.headK;
      this.near.push(ft, k, this.far.pop());
    }
  }
}
