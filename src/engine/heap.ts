/**
 * A binary min-heap of events stored as a structure of arrays over typed arrays.
 * (A 4-ary heap with interleaved entries was tried and measured 10–20% slower here: 310 vs
 * 364 ns per hold operation at 200k entries, 103 vs 126 ns at 100.)
 *
 * Each entry is (timeS, key, payload): `key` orders equal times (priority × 2^40 + insertion
 * sequence, so ties break by priority, then first-scheduled-first), `payload` packs the event kind
 * and the integer id the handler receives. Three parallel Float64Arrays instead of an array of
 * objects: no allocation per event, and sift loops touch contiguous memory.
 */
export class EventHeap {
  private timeS: Float64Array;
  private key: Float64Array;
  private payload: Float64Array;
  /** Number of pending entries. */
  size = 0;
  /** Time of the earliest entry (Infinity when empty), kept current by push and pop. */
  headT = Infinity;
  /** Tie-break key of the earliest entry (Infinity when empty). */
  headK = Infinity;

  constructor(initialCapacity = 1024) {
    this.timeS = new Float64Array(initialCapacity);
    this.key = new Float64Array(initialCapacity);
    this.payload = new Float64Array(initialCapacity);
  }




  /** Inserts an entry. Amortised O(log n); grows by doubling. */
  push(timeS: number, key: number, payload: number): void {
    if (this.size === this.timeS.length) this.grow();
    const T = this.timeS;
    const K = this.key;
    const P = this.payload;
    // Sift up with a hole instead of swaps: one write per level.
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = T[parent];
      if (pt < timeS || (pt === timeS && K[parent] < key)) break;
      T[i] = pt;
      K[i] = K[parent];
      P[i] = P[parent];
      i = parent;
    }
    T[i] = timeS;
    K[i] = key;
    P[i] = payload;
    if (i === 0) {
      this.headT = timeS;
      this.headK = key;
    }
  }

  /** Removes the earliest entry and returns its payload (only valid when size > 0). */
  pop(): number {
    const top = this.payload[0];
    const n = --this.size;
    if (n === 0) {
      this.headT = Infinity;
      this.headK = Infinity;
      return top;
    }
    const T = this.timeS;
    const K = this.key;
    const P = this.payload;
    const t = T[n];
    const k = K[n];
    const p = P[n];
    // Sift the last entry down from the root, again with a hole.
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let ct = T[c];
      let ck = K[c];
      const r = c + 1;
      if (r < n) {
        const rt = T[r];
        if (rt < ct || (rt === ct && K[r] < ck)) {
          c = r;
          ct = rt;
          ck = K[r];
        }
      }
      if (t < ct || (t === ct && k < ck)) break;
      T[i] = ct;
      K[i] = ck;
      P[i] = P[c];
      i = c;
    }
    T[i] = t;
    K[i] = k;
    P[i] = p;
    this.headT = T[0];
    this.headK = K[0];
    return top;
  }

  private grow(): void {
    const cap = this.timeS.length * 2;
    const t = new Float64Array(cap);
    t.set(this.timeS);
    this.timeS = t;
    const k = new Float64Array(cap);
    k.set(this.key);
    this.key = k;
    const p = new Float64Array(cap);
    p.set(this.payload);
    this.payload = p;
  }
}
