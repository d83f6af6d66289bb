import { Normal } from './normal.js';
import type { Rng } from './rng.js';

export { Normal };

/** z such that Φ(z) = 0.99. */
export const Z99 = 2.3263478740408408;

/** A distribution as written in a scenario, normalised to seconds (or unitless counts). */
export type DistributionSpec =
  | { kind: 'fixed'; value: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'gamma'; shape: number; scale: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'empirical'; values: number[] };

/** A sampler bound to its own random stream. */
export interface Distribution {
  /** Expected value. */
  readonly mean: number;
  /** True when every sample equals `mean` (the engine then uses a FIFO lane). */
  readonly fixed: boolean;
  /** Draws one value. */
  sample(): number;
}

class Fixed implements Distribution {
  readonly fixed = true;
  constructor(readonly mean: number) {}
  sample(): number {
    return this.mean;
  }
}

/**
 * Draws are made BATCH at a time into a buffer that `sample` reads: the same values in the same
 * order (each sampler owns its stream), but `sample` is small enough to inline, so a draw no
 * longer comes back from a call boxed as a heap number (measured: ~100 bytes of garbage per event
 * on the Kimi-scale day; batching log-normal and exponential draws cut it by about a quarter).
 * Each class keeps its own copy of the few batching lines: a shared base calling a per-class draw
 * would make that call polymorphic, and its results boxed again.
 */
export const BATCH = 256;

class Exponential implements Distribution {
  readonly fixed = false;
  private readonly buf = new Float64Array(BATCH);
  private i = BATCH;
  constructor(readonly mean: number, private readonly rng: Rng) {}
  sample(): number {
    if (this.i === BATCH) this.fill();
    return this.buf[this.i++];
  }
  private fill(): void {
    const b = this.buf;
    for (let k = 0; k < BATCH; k++) b[k] = -this.mean * Math.log(this.rng.next());
    this.i = 0;
  }
}

class Uniform implements Distribution {
  readonly fixed = false;
  readonly mean: number;
  constructor(private readonly min: number, private readonly max: number, private readonly rng: Rng) {
    this.mean = (min + max) / 2;
  }
  sample(): number {
    return this.min + (this.max - this.min) * this.rng.next();
  }
}

class LogNormal implements Distribution {
  readonly fixed = false;
  readonly mean: number;
  private readonly normal: Normal;
  private readonly buf = new Float64Array(BATCH);
  private i = BATCH;
  constructor(private readonly mu: number, private readonly sigma: number, rng: Rng) {
    this.mean = Math.exp(mu + (sigma * sigma) / 2);
    this.normal = new Normal(rng);
  }
  sample(): number {
    if (this.i === BATCH) this.fill();
    return this.buf[this.i++];
  }
  private fill(): void {
    const b = this.buf;
    for (let k = 0; k < BATCH; k++) b[k] = Math.exp(this.mu + this.sigma * this.normal.sample());
    this.i = 0;
  }
}

/** Gamma by Marsaglia & Tsang (2000); shape < 1 through the boost U^(1/k). */
class Gamma implements Distribution {
  readonly fixed = false;
  readonly mean: number;
  private readonly normal: Normal;
  private readonly d: number;
  private readonly c: number;
  constructor(private readonly shape: number, private readonly scale: number, private readonly rng: Rng) {
    this.mean = shape * scale;
    this.normal = new Normal(rng);
    const k = shape < 1 ? shape + 1 : shape;
    this.d = k - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
  }
  sample(): number {
    const d = this.d;
    const c = this.c;
    let x: number, v: number;
    for (;;) {
      do {
        x = this.normal.sample();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.rng.next();
      if (u < 1 - 0.0331 * x * x * x * x) break;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) break;
    }
    let g = d * v;
    if (this.shape < 1) g *= Math.pow(this.rng.next(), 1 / this.shape);
    return g * this.scale;
  }
}

/** Resamples observed values uniformly (the bootstrap distribution of the data). */
class Empirical implements Distribution {
  readonly fixed = false;
  readonly mean: number;
  private readonly values: Float64Array;
  constructor(values: number[], private readonly rng: Rng) {
    this.values = Float64Array.from(values);
    let s = 0;
    for (const v of values) s += v;
    this.mean = s / values.length;
  }
  sample(): number {
    return this.values[(this.rng.next() * this.values.length) | 0];
  }
}

/**
 * Builds a sampler for `spec` drawing from `rng`, which must be the sampler's own: log-normal and
 * exponential samplers draw ahead in batches, so a stream shared with other draws would interleave
 * differently (still deterministically) than draw-by-draw.
 */
export function makeDistribution(spec: DistributionSpec, rng: Rng): Distribution {
  switch (spec.kind) {
    case 'fixed':
      return new Fixed(spec.value);
    case 'exponential':
      return new Exponential(spec.mean, rng);
    case 'lognormal':
      return spec.sigma === 0 ? new Fixed(Math.exp(spec.mu)) : new LogNormal(spec.mu, spec.sigma, rng);
    case 'gamma':
      return new Gamma(spec.shape, spec.scale, rng);
    case 'uniform':
      return spec.min === spec.max ? new Fixed(spec.min) : new Uniform(spec.min, spec.max, rng);
    case 'empirical':
      return new Empirical(spec.values, rng);
  }
}

/** The mean of a distribution spec without building a sampler. */
/** The distribution of `factor` × X for X ~ `spec` (every kind is closed under scaling). */
export function scaleSpec(spec: DistributionSpec, factor: number): DistributionSpec {
  switch (spec.kind) {
    case 'fixed':
      return { kind: 'fixed', value: spec.value * factor };
    case 'exponential':
      return { kind: 'exponential', mean: spec.mean * factor };
    case 'lognormal':
      return { kind: 'lognormal', mu: spec.mu + Math.log(factor), sigma: spec.sigma };
    case 'gamma':
      return { kind: 'gamma', shape: spec.shape, scale: spec.scale * factor };
    case 'uniform':
      return { kind: 'uniform', min: spec.min * factor, max: spec.max * factor };
    case 'empirical':
      return { kind: 'empirical', values: spec.values.map((v) => v * factor) };
  }
}

export function specMean(spec: DistributionSpec): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.value;
    case 'exponential':
      return spec.mean;
    case 'lognormal':
      return Math.exp(spec.mu + (spec.sigma * spec.sigma) / 2);
    case 'gamma':
      return spec.shape * spec.scale;
    case 'uniform':
      return (spec.min + spec.max) / 2;
    case 'empirical':
      return spec.values.reduce((a, b) => a + b, 0) / spec.values.length;
  }
}
