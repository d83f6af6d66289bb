import { Rng } from '../random/rng.js';

/**
 * A source of session arrivals. `next()` returns the absolute time (s) of the next arrival, in
 * non-decreasing order, or Infinity when there are no more; after it, `durationS` holds that
 * session's duration when the source knows it (trace replay with a duration column), else NaN.
 */
export interface ArrivalProcess {
  next(): number;
  durationS: number;
}

/** A homogeneous Poisson process of rate `ratePerS`. */
export class PoissonArrivals implements ArrivalProcess {
  durationS = NaN;
  private t = 0;
  constructor(private readonly ratePerS: number, private readonly rng: Rng) {}
  next(): number {
    this.t += -Math.log(this.rng.next()) / this.ratePerS;
    return this.t;
  }
}

/**
 * A non-homogeneous Poisson process whose rate is constant within each step of a curve
 * (`ratesPerS[i]` over [i·stepS, (i+1)·stepS)), drawn by inversion of the integrated rate: one
 * exponential draw per arrival, exact for the curve, and no thinning waste at low rates.
 * Past the curve's end the process stops, or repeats the curve when `loop` is set.
 */
export class RateCurveArrivals implements ArrivalProcess {
  durationS = NaN;
  private t = 0;
  private seg = 0;
  private offset = 0;
  private readonly n: number;
  constructor(
    private readonly ratesPerS: Float64Array,
    private readonly stepS: number,
    private readonly rng: Rng,
    private readonly loop = false,
  ) {
    this.n = ratesPerS.length;
    let any = false;
    for (let i = 0; i < ratesPerS.length; i++) if (ratesPerS[i] > 0) any = true;
    if (!any) this.loop = false;
  }
  next(): number {
    let e = -Math.log(this.rng.next());
    const step = this.stepS;
    for (;;) {
      if (this.seg >= this.n) {
        if (!this.loop) return (this.t = Infinity);
        this.seg = 0;
        this.offset += this.n * step;
      }
      const r = this.ratesPerS[this.seg];
      const end = this.offset + (this.seg + 1) * step;
      const room = r * (end - this.t);
      if (e < room) {
        this.t += e / r;
        return this.t;
      }
      e -= room;
      this.t = end;
      this.seg++;
    }
  }

  /** Everything that decides the arrivals still to come: `fromSnapshot` continues exactly from here (elsewhere: on a helper thread). */
  snapshot(): RateCurveSnapshot {
    return { ratesPerS: this.ratesPerS, stepS: this.stepS, loop: this.loop, rng: this.rng.state(), t: this.t, seg: this.seg, offset: this.offset };
  }

  static fromSnapshot(s: RateCurveSnapshot): RateCurveArrivals {
    const a = new RateCurveArrivals(s.ratesPerS, s.stepS, Rng.fromState(s.rng), s.loop);
    a.t = s.t;
    a.seg = s.seg;
    a.offset = s.offset;
    return a;
  }
}

/** The state of a RateCurveArrivals (plain data, so it can be posted to another thread). */
export interface RateCurveSnapshot {
  ratesPerS: Float64Array;
  stepS: number;
  loop: boolean;
  rng: number[];
  t: number;
  seg: number;
  offset: number;
}

/** Replays explicit arrival times (seconds from the start), optionally with per-request durations. */
export class ReplayArrivals implements ArrivalProcess {
  durationS = NaN;
  private i = 0;
  private offset = 0;
  constructor(
    private readonly timesS: Float64Array,
    private readonly durations: Float64Array | null,
    private readonly loopSpanS = 0,
  ) {}
  next(): number {
    if (this.i >= this.timesS.length) {
      if (!(this.loopSpanS > 0) || this.timesS.length === 0) return Infinity;
      this.i = 0;
      this.offset += this.loopSpanS;
    }
    const k = this.i++;
    if (this.durations) this.durationS = this.durations[k];
    return this.timesS[k] + this.offset;
  }
}
