/**
 * The scaler's memory of arrivals per interval: a sliding window of `capacity` intervals ending
 * at `endS`. Each decision reads only what is new plus a short overlap (late samples), not the
 * whole history again. `view()` turns it into what a policy needs: a gap-free series.
 */
export class History {
  private values: number[] = [];
  endS = NaN;

  constructor(readonly capacity: number) {}

  /** How many intervals to read for a decision at `endS` (all on the first, else the new ones + `overlap`). */
  toRead(endS: number, stepS: number, overlap: number): number {
    if (this.values.length === 0 || !Number.isFinite(this.endS)) return this.capacity;
    const fresh = Math.round((endS - this.endS) / stepS);
    return Math.min(this.capacity, Math.max(1, fresh + overlap));
  }

  /** Merges `read` (intervals ending at `endS`); a NaN never overwrites a value already known. */
  merge(endS: number, stepS: number, read: Float64Array): void {
    let v = this.values;
    if (Number.isFinite(this.endS)) {
      const fresh = Math.round((endS - this.endS) / stepS);
      if (fresh >= this.capacity) v = [];
      else for (let i = 0; i < fresh; i++) v.push(NaN);
    }
    this.endS = endS;
    if (v.length < read.length) v = new Array<number>(read.length - v.length).fill(NaN).concat(v);
    const off = v.length - read.length;
    // NaN, ±Inf and negative values (a counter reset seen through rate) are not data
    for (let i = 0; i < read.length; i++) if (Number.isFinite(read[i]) && read[i] >= 0) v[off + i] = read[i];
    if (v.length > this.capacity) v = v.slice(v.length - this.capacity);
    this.values = v;
  }

  /** The largest value held (arrivals per interval), NaN when none: the reference for `screen`. */
  maxValue(): number {
    let m = -Infinity;
    for (const x of this.values) if (x > m) m = x; // NaN (missing) never compares greater
    return m === -Infinity ? NaN : m;
  }

  /**
   * The series for a policy: leading missing intervals dropped, interior gaps interpolated
   * linearly, trailing ones carried forward; with how many were filled and how old the newest
   * real value is (seconds from its interval's end to `endS`).
   */
  view(stepS: number): { arrivals: number[]; missing: number; stalenessS: number } {
    const v = this.values;
    let first = 0;
    while (first < v.length && !Number.isFinite(v[first])) first++;
    let last = v.length - 1;
    while (last >= first && !Number.isFinite(v[last])) last--;
    if (first > last) return { arrivals: [], missing: 0, stalenessS: Infinity };
    const out = new Array<number>(v.length - first);
    let missing = 0;
    let prevI = first;
    for (let i = first; i < v.length; i++) {
      const x = v[i];
      if (Number.isFinite(x)) {
        out[i - first] = x;
        // fill the gap since the previous real value
        for (let j = prevI + 1; j < i; j++) out[j - first] = v[prevI] + ((x - v[prevI]) * (j - prevI)) / (i - prevI);
        prevI = i;
      } else {
        missing++;
        if (i > last) out[i - first] = v[last];
      }
    }
    return { arrivals: out, missing, stalenessS: (v.length - 1 - last) * stepS };
  }
}
