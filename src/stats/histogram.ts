/**
 * A fixed-memory latency histogram with logarithmic buckets (the DDSketch mapping): any quantile
 * comes back within `relativeError` of a value that was recorded at that rank. Values from
 * `minValue` to `maxValue` seconds are resolved; exact zeros are counted apart (a start with no
 * wait and no cold start takes 0 s), smaller positive values fall in the lowest bucket.
 *
 * With the default 0.5% error and 1 µs … 10^6 s, it holds 2,764 Uint32 counters (11 KB) however
 * many values are recorded; mean and max are kept exactly.
 */
export class LogHistogram {
  readonly relativeError: number;
  private readonly logGamma: number;
  private readonly gamma: number;
  private readonly offset: number;
  private readonly counts: Float64Array;
  private zeros = 0;
  private lo = Infinity;
  private hi = -1;
  /** Number of recorded values. */
  count = 0;
  /** Sum of recorded values. */
  declare sum: number;
  /** Largest recorded value (0 when empty). */
  declare max: number;

  constructor(relativeError = 0.005, minValue = 1e-6, maxValue = 1e6) {
    // Seconds are doubles: a first store of one gives these fields a double representation, so
    // the first fractional value recorded does not move every histogram to a new hidden class
    // mid-run (deoptimising the handlers that record; see TimeWeighted).
    this.sum = this.max = 0.5;
    this.sum = this.max = 0;
    this.relativeError = relativeError;
    this.gamma = (1 + relativeError) / (1 - relativeError);
    this.logGamma = Math.log(this.gamma);
    this.offset = Math.ceil(Math.log(minValue) / this.logGamma);
    const top = Math.ceil(Math.log(maxValue) / this.logGamma);
    this.counts = new Float64Array(top - this.offset + 1);
  }

  /** Records one value (seconds, ≥ 0). */
  record(x: number): void {
    this.recordAt(this.bucketOf(x), x);
  }

  /**
   * The bucket of a value (-1 for zero), so a value recorded into two histograms with the same
   * layout costs one logarithm (the fleet records each start overall and per interval).
   */
  bucketOf(x: number): number {
    if (x <= 0) return -1;
    const i = Math.ceil(Math.log(x) / this.logGamma) - this.offset;
    return i < 0 ? 0 : i >= this.counts.length ? this.counts.length - 1 : i;
  }

  /** Records value `x` whose bucket is `i` (from `bucketOf` of a histogram with the same layout). */
  recordAt(i: number, x: number): void {
    this.count++;
    this.sum += x;
    if (x > this.max) this.max = x;
    if (i < 0) {
      this.zeros++;
      return;
    }
    this.counts[i]++;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  /** Mean of recorded values (NaN when empty). */
  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1) by nearest rank: the value at rank ceil(q·n), within the relative
   * error; q = 1 returns the exact max. NaN when empty.
   */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (q >= 1) return this.max;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    for (let i = this.lo; i <= this.hi; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const v = (2 * Math.pow(this.gamma, i + this.offset)) / (this.gamma + 1);
        return Math.min(v, this.max);
      }
    }
    return this.max;
  }

  /**
   * The least value `quantile(q)` can return once more values are recorded, up to `maxCount` in
   * all (0 when nothing is certain yet): the values above a bucket only grow, and the rank
   * ceil(q·n) falls at most n − ceil(q·n) below the top, which grows with n. So once more than
   * maxCount − ceil(q·maxCount) values lie in bucket b or above, the q-quantile stays ≥ b's value
   * (and ≥ min(it, the largest value so far)) however the run goes on. For stopping a run whose
   * quantile already exceeds a budget (`compare --policies`): exact, not an estimate.
   */
  quantileFloor(q: number, maxCount: number): number {
    // more values than promised: the premise is broken, nothing is certain
    if (this.count === 0 || q >= 1 || this.count > maxCount) return 0;
    const slack = maxCount - Math.max(1, Math.ceil(q * maxCount));
    let above = 0;
    for (let i = this.hi; i >= this.lo; i--) {
      above += this.counts[i];
      if (above > slack) return Math.min((2 * Math.pow(this.gamma, i + this.offset)) / (this.gamma + 1), this.max);
    }
    return 0;
  }

  /** Fraction of recorded values ≤ x (within the bucket resolution). */
  cdf(x: number): number {
    if (this.count === 0) return NaN;
    if (x < 0) return 0;
    let seen = this.zeros;
    if (x > 0) {
      const top = Math.min(this.hi, Math.ceil(Math.log(x) / this.logGamma) - this.offset);
      for (let i = this.lo; i <= top; i++) seen += this.counts[i];
    }
    return seen / this.count;
  }

  /** Adds another histogram with the same parameters into this one. */
  merge(other: LogHistogram): void {
    if (other.counts.length !== this.counts.length || other.gamma !== this.gamma) {
      throw new Error('cannot merge histograms with different bucket layouts');
    }
    for (let i = other.lo; i <= other.hi; i++) this.counts[i] += other.counts[i];
    this.zeros += other.zeros;
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
  }

  /** Empties the histogram; clears only the touched bucket range, so per-interval use stays cheap. */
  reset(): void {
    for (let i = this.lo; i <= this.hi; i++) this.counts[i] = 0;
    this.lo = Infinity;
    this.hi = -1;
    this.zeros = 0;
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  /** A compact, JSON-safe copy of the non-empty buckets (for sending between worker threads). */
  toJSON(): { relativeError: number; zeros: number; count: number; sum: number; max: number; lo: number; buckets: number[] } {
    const buckets: number[] = [];
    for (let i = this.lo; i <= this.hi; i++) buckets.push(this.counts[i]);
    return { relativeError: this.relativeError, zeros: this.zeros, count: this.count, sum: this.sum, max: this.max, lo: this.lo === Infinity ? 0 : this.lo, buckets };
  }

  /** Rebuilds a histogram from `toJSON` output. */
  static fromJSON(j: ReturnType<LogHistogram['toJSON']>): LogHistogram {
    const h = new LogHistogram(j.relativeError);
    for (let k = 0; k < j.buckets.length; k++) {
      const c = j.buckets[k];
      if (c === 0) continue;
      h.counts[j.lo + k] = c;
      if (j.lo + k < h.lo) h.lo = j.lo + k;
      if (j.lo + k > h.hi) h.hi = j.lo + k;
    }
    h.zeros = j.zeros;
    h.count = j.count;
    h.sum = j.sum;
    h.max = j.max;
    return h;
  }
}
