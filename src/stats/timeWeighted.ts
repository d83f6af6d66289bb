/**
 * The time-weighted mean and peak of a level (busy sandboxes, queue length, pool size), kept as
 * a running integral: O(1) per change and no stored samples. It also keeps the integral since
 * the last `cut`, for per-interval series.
 */
export class TimeWeighted {
  /** Current level. */
  level = 0;
  /** Highest level since the last `restart`. */
  peak = 0;
  private declare lastT: number;
  private declare startT: number;
  private declare area: number;
  private declare cutT: number;
  /** The integral at the last cut: an interval's area is the difference (one accumulation per change, not two). */
  private declare areaAtCut: number;

  constructor(startT = 0, level = 0) {
    // Times and areas are doubles; V8 picks a field's representation from its first store. A
    // class field starts as `undefined` (ES2022 fields), and a double later stored into such a
    // field is boxed: a fresh heap number on every `set` (4 per M/M/c customer, ~64 bytes of
    // garbage). A zero would start it as a small integer and the first fractional time would
    // move every TimeWeighted to a new hidden class mid-run (6 deopts on the M/M/c bench). So:
    // `declare` (no class-field define) and a first store of a double.
    this.lastT = this.startT = this.area = this.cutT = this.areaAtCut = 0.5;
    this.area = this.areaAtCut = 0;
    this.lastT = startT;
    this.startT = startT;
    this.cutT = startT;
    this.level = level;
    this.peak = level;
  }

  /** Sets the level at time `now` (seconds, non-decreasing). */
  set(now: number, level: number): void {
    this.area += this.level * (now - this.lastT);
    this.lastT = now;
    this.level = level;
    if (level > this.peak) this.peak = level;
  }

  /** Adds `delta` to the level at time `now`. */
  add(now: number, delta: number): void {
    this.set(now, this.level + delta);
  }

  /** Forgets everything before `now` (the end of warm-up), keeping the current level. */
  restart(now: number): void {
    this.set(now, this.level);
    this.area = 0;
    this.areaAtCut = 0;
    this.startT = now;
    this.cutT = now;
    this.peak = this.level;
  }

  /** Integral of the level (level × seconds) from the (re)start to `now`. */
  integral(now: number): number {
    return this.area + this.level * (now - this.lastT);
  }

  /** Time-weighted mean from the (re)start to `now` (the current level if no time has passed). */
  mean(now: number): number {
    const span = now - this.startT;
    return span > 0 ? this.integral(now) / span : this.level;
  }

  /** Returns the mean since the previous cut and starts a new interval at `now`. */
  cut(now: number): number {
    this.set(now, this.level);
    const span = now - this.cutT;
    const m = span > 0 ? (this.area - this.areaAtCut) / span : this.level;
    this.areaAtCut = this.area;
    this.cutT = now;
    return m;
  }
}
