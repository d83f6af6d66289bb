/**
 * A Prometheus-style histogram with fixed upper bounds (`le`), kept cumulatively and copied into
 * a preallocated table at each interval's end: what a fleet's exporter would have shown at each
 * scrape. Fixed memory: (bounds + 1) counters plus rows × (bounds + 2) numbers for the table,
 * allocated once; `record` allocates nothing (a binary search over ≤ 32 bounds, ~5 compares).
 */
export class BucketHistogram {
  /** Upper bounds, ascending, seconds; the +Inf bucket is implied. */
  readonly bounds: Float64Array;
  /** Observations per bucket (not cumulative); the last is above every bound. */
  private readonly counts: Float64Array;
  private total = 0;
  private sumS = 0;
  /** Row r: cumulative counts per bound, then +Inf (= count), then the sum. */
  private readonly table: Float64Array;
  private rowsFilled = 0;

  constructor(bounds: readonly number[], rows: number) {
    for (let i = 1; i < bounds.length; i++) if (!(bounds[i] > bounds[i - 1])) throw new Error(`bucket bounds must increase: ${bounds[i - 1]} then ${bounds[i]}`);
    this.bounds = Float64Array.from(bounds);
    this.counts = new Float64Array(bounds.length + 1);
    this.table = new Float64Array(Math.max(0, rows) * (bounds.length + 2));
  }

  /** Records one value (seconds): it counts in every bucket whose bound is ≥ it. */
  record(x: number): void {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid] >= x) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]++;
    this.total++;
    this.sumS += x;
  }

  /** Observations so far. */
  get count(): number {
    return this.total;
  }

  /** Copies the cumulative state into the next row of the table (at an interval's end). */
  snapshot(): void {
    const w = this.bounds.length + 2;
    if ((this.rowsFilled + 1) * w > this.table.length) return;
    const base = this.rowsFilled++ * w;
    let c = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      c += this.counts[i];
      this.table[base + i] = c;
    }
    this.table[base + w - 1] = this.sumS;
  }

  /** The table as plain data (for worker threads and exporters). */
  toJSON(): HistogramTable {
    const w = this.bounds.length + 2;
    return { bounds: Array.from(this.bounds), rows: this.rowsFilled, table: this.table.slice(0, this.rowsFilled * w) };
  }
}

/**
 * Cumulative histogram rows: row r holds, for each bound, the observations ≤ it up to the end of
 * interval r, then the total count (`le="+Inf"`), then the sum of the observations (seconds).
 */
export interface HistogramTable {
  bounds: number[];
  rows: number;
  table: Float64Array;
}
