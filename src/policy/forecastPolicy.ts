import { forecast } from '../forecast/forecast.js';
import { MIXTURE_LEVELS, poolSizeFor } from '../forecast/targets.js';
import { recentRate, type PoolDecision, type PoolObservation, type PoolPolicy } from './policy.js';

/**
 * tidecast's own policy: the forecaster's pool targets, rolled forward using only data before
 * each decision. Arrivals are summed to `stepS` steps; every `refitS` (and whenever the history
 * has doubled since the last fit, so a young history is not judged on its first minutes) the
 * forecaster is refitted on them and its quantile path kept for the next `refitS`. A fit asked for
 * at one decision is used from the next one on: the work is deferred (`runDeferred`), so the
 * live scaler fits between decisions, off the decision path, and the simulator, which lets the
 * next decision run it, decides exactly alike. At each decision the pool is the smallest whose
 * Erlang-loss hit rate, averaged over equally likely rates over the coming lead time, meets
 * `hitRate`.
 * The central rate is the forecast's mean over the lead time scaled by how the freshest observed
 * rate compares with the forecast for it (a nowcast, clamped to [0.5, 2]); it is spread by how the
 * arrivals of past decision intervals fell from the central rate predicted for them (realised /
 * predicted over the last 240 intervals — an hour at 15 s, 20 minutes at 5 s — less their Poisson
 * part), or, for the first 40 intervals, by the forecast's one-step-ahead quantiles.
 */
/** Tolerance for time differences (s): epoch times carry ~1e-7 s of rounding. */
const EPS_S = 1e-4;

/** The window of the floor's second rate (s): the last minute, as `little` reads it. */
const FLOOR_WINDOW_S = 60;

/** Decision intervals whose prediction errors spread the rate (an hour at 15 s, 20 minutes at 5 s), and the fewest to use them. */
const JUDGED_WINDOW = 240;
const MIN_JUDGED = 40;

interface FitJob {
  y: Float64Array;
  h: number;
  endS: number;
  stepS: number;
}

export class ForecastPolicy implements PoolPolicy {
  readonly name = 'forecast';
  private pathStartS = NaN;
  /**
   * The step the history is summed to: `stepS` rounded to a whole number of decision intervals
   * (at least one), so a step shorter than the interval or not a multiple of it — 1e-300 s, or 60 s
   * at a 25 s interval — is the step the forecaster is told and the path is read in (it was told
   * `stepS` while the sums were of 50 s, and a step of 1e-300 s hung the fit).
   */
  private step = NaN;
  private path: Map<number, Float64Array> | null = null;
  private pathMean: Float64Array | null = null;
  private fitSteps = 0;
  /** End of the data of the last fit asked for. */
  private askedS = NaN;
  /** A fit asked for and not yet computed, and one computed and not yet in use. */
  private job: FitJob | null = null;
  private done: { endS: number; mean: Float64Array; quantiles: Map<number, Float64Array> } | null = null;
  /** The central rate predicted at the last decision (per second), judged at the next. */
  private predicted = NaN;
  /** Realised / predicted rate of the last JUDGED_WINDOW decision intervals (a ring), and how many were judged. */
  private readonly errors = new Float64Array(JUDGED_WINDOW);
  /** The arrivals each judged interval was predicted to hold. */
  private readonly expected = new Float64Array(JUDGED_WINDOW);
  private judged = 0;
  /** The arrival rates (per second) behind the last decision, at MIXTURE_LEVELS, for reports and `/targets`. */
  lastRates: { levels: readonly number[]; ratesPerS: number[]; nowcast: number } | null = null;

  constructor(
    private readonly hitRate = 0.99,
    private readonly stepS = 60,
    private readonly refitS = 3600,
    private readonly nowcastS = 300,
  ) {}

  /**
   * The reactive floor for an observation: the claims that arrive during one refill at the
   * freshest observed rate (the higher of the last interval's and the last minute's), what the
   * `little` recipe holds at headroom 1; 0 with no arrivals. It is presence, not sizing: the
   * Erlang-loss margin for `hitRate` is the forecast's to add (its spread prices the noise), and
   * a floor with that margin bound at a fifth of the peak's decisions on kimi-peak from noise
   * alone (pool $32.5 against $25.9 without a floor at the same knob; this floor $28.4).
   */
  floor(obs: PoolObservation): number {
    if (obs.arrivals.length === 0) return 0;
    const rate = Math.max(recentRate(obs, obs.intervalS), recentRate(obs, FLOOR_WINDOW_S));
    return rate > 0 ? Math.ceil(rate * obs.leadTimeS) : 0;
  }

  /** The reactive floor of the last decision (sandboxes; the scaler shows it in /targets and metrics). */
  lastFloor: number | null = null;

  decide(obs: PoolObservation): PoolDecision {
    const floor = this.floor(obs);
    this.lastFloor = floor;
    const d = this.decideForecast(obs);
    // with no forecast yet the target is held (not valid), but raised to the floor
    if (!d.valid) return floor > obs.target ? { target: floor, valid: true } : d;
    return { target: Math.max(d.target, floor), valid: true };
  }

  private decideForecast(obs: PoolObservation): PoolDecision {
    const per = Math.max(1, Math.round(this.stepS / obs.intervalS));
    const whole = per * obs.intervalS;
    this.step = Math.abs(whole - this.stepS) <= EPS_S ? this.stepS : whole;
    const steps = Math.floor(obs.arrivals.length / per);
    if (steps < 2) return { target: obs.target, valid: false };
    const endS = obs.nowS - (obs.arrivals.length - steps * per) * obs.intervalS; // end of the last whole step
    if (this.job) this.runDeferred(); // nobody ran it between decisions: now, with the same result
    if (this.done) {
      this.path = this.done.quantiles;
      this.pathMean = this.done.mean;
      this.pathStartS = this.done.endS;
      this.done = null;
    }
    // refit every refitS, and sooner while the history is short: whenever it has doubled since the last fit
    if (Number.isNaN(this.askedS) || obs.nowS - this.askedS >= this.refitS - EPS_S || steps >= 2 * this.fitSteps) {
      this.fitSteps = steps;
      this.askedS = endS;
      const y = new Float64Array(steps);
      const off = obs.arrivals.length - steps * per;
      for (let i = 0; i < steps * per; i++) y[Math.floor(i / per)] += obs.arrivals[off + i];
      this.job = { y, h: Math.ceil((this.refitS + obs.leadTimeS) / this.step) + 2, endS, stepS: this.step };
    }
    if (!this.path) return { target: obs.target, valid: false }; // the first fit is used from the next decision
    // forecast steps covering [now, now + lead time]
    const from = Math.max(0, this.stepsSince(obs.nowS));
    const to = Math.min(this.pathMean!.length - 1, this.stepsSince(obs.nowS + obs.leadTimeS));
    // nowcast: the level now is the observed rate over the freshest window holding enough
    // arrivals (≥ 400, ±5% noise; one decision interval up to nowcastS) against the forecast for
    // that window; the forecast's shape carries it over the lead time
    const path = this.pathMean!;
    let w = Math.min(obs.intervalS, this.nowcastS);
    let observed = recentRate(obs, w);
    while (observed * w < 400 && w < this.nowcastS) {
      w = Math.min(this.nowcastS, 2 * w);
      observed = recentRate(obs, w);
    }
    const at = Math.min(path.length - 1, Math.max(0, this.stepsSince(obs.nowS - w / 2)));
    const corr = path[at] > 0 ? Math.min(2, Math.max(0.5, (observed * this.step) / path[at])) : 1;
    let ahead = 0;
    for (let i = from; i <= Math.max(from, to); i++) ahead = Math.max(ahead, path[Math.min(i, path.length - 1)]);
    // spread: how far the arrivals of a decision interval have fallen from the rate predicted for
    // them, over the last 240 decisions (empirical quantiles of realised / predicted: the
    // nowcast's own error, bursts and noise included); until 40 intervals have been judged, the
    // forecast's one-step-ahead quantiles relative to its mean
    const central = (ahead / this.step) * corr;
    this.judge(obs);
    const n = Math.min(this.judged, this.errors.length);
    let rates: number[];
    if (n >= MIN_JUDGED) {
      // a realised count is Poisson about its rate (relative variance 1 / count), which the
      // Erlang-loss sizing already prices: the ratios are shrunk about their median so that their
      // variance is the rate's alone
      const sorted = this.errors.slice(0, n).sort();
      let m = 0;
      let m2 = 0;
      let poisson = 0;
      for (let i = 0; i < n; i++) {
        m += sorted[i];
        m2 += sorted[i] * sorted[i];
        poisson += 1 / Math.max(1, this.expected[i]);
      }
      const total = m2 / n - (m / n) * (m / n);
      const shrink = total > 0 ? Math.sqrt(Math.max(0, 1 - poisson / n / total)) : 0;
      const med = sorted[n >> 1];
      rates = MIXTURE_LEVELS.map((q) => central * (med + shrink * (sorted[Math.min(n - 1, Math.floor(q * n))] - med)));
    } else {
      rates = MIXTURE_LEVELS.map((q) => central * (path[0] > 0 ? this.path!.get(q)![0] / path[0] : 1));
    }
    this.predicted = central;
    this.lastRates = { levels: MIXTURE_LEVELS, ratesPerS: rates, nowcast: corr };
    return { target: poolSizeFor(rates, obs.leadTimeS, this.hitRate), valid: true };
  }

  /** Judges the last decision's predicted rate against the arrivals of the interval since (the newest observation). */
  private judge(obs: PoolObservation): void {
    const p = this.predicted;
    this.predicted = NaN;
    if (!(p > 0) || obs.arrivals.length === 0) return;
    const i = this.judged++ % this.errors.length;
    this.errors[i] = obs.arrivals[obs.arrivals.length - 1] / obs.intervalS / p;
    this.expected[i] = p * obs.intervalS;
  }

  hasDeferred(): boolean {
    return this.job !== null;
  }

  /** Runs the fit asked for at the last decision (the expensive part: ~0.1–1 s on weeks of history). */
  runDeferred(): void {
    const j = this.job;
    if (!j) return;
    this.job = null;
    const f = forecast(j.y, { stepS: j.stepS, horizon: j.h, quantiles: MIXTURE_LEVELS, model: 'auto' });
    this.done = { endS: j.endS, mean: f.mean, quantiles: f.quantiles };
  }

  /** Whole forecast steps from the path's start to `tS`; times may be absolute (epoch seconds), so
   * a difference that should be a whole number of steps is rounded, not floored, within EPS_S. */
  private stepsSince(tS: number): number {
    return Math.floor((tS - this.pathStartS + EPS_S) / this.step);
  }
}
