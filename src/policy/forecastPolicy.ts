import { forecast } from '../forecast/forecast.js';
import { MIXTURE_LEVELS, poolSizeFor } from '../forecast/targets.js';
import { recentRate, type PoolDecision, type PoolObservation, type PoolPolicy } from './policy.js';

/**
 * tidecast's own policy: the forecaster's pool targets, rolled forward using only data before
 * each decision. Arrivals are summed to `stepS` steps; every `refitS` the forecaster is refitted
 * on them and its quantile path kept for the next `refitS`. At each decision the pool is the
 * smallest whose Erlang-loss hit rate, averaged over the forecast's equally likely rates over
 * the coming lead time, meets `hitRate`; the rates are scaled by how the last `nowcastS` compare
 * with their forecast (clamped to [0.5, 2]), so a level the forecast missed is caught within minutes.
 */
export class ForecastPolicy implements PoolPolicy {
  readonly name = 'forecast';
  private pathStartS = NaN;
  private path: Map<number, Float64Array> | null = null;
  private pathMean: Float64Array | null = null;

  constructor(
    private readonly hitRate = 0.99,
    private readonly stepS = 60,
    private readonly refitS = 3600,
    private readonly nowcastS = 300,
  ) {}

  decide(obs: PoolObservation): PoolDecision {
    const per = Math.max(1, Math.round(this.stepS / obs.intervalS));
    const steps = Math.floor(obs.arrivals.length / per);
    if (steps < 2) return { target: obs.target, valid: false };
    const endS = obs.nowS - (obs.arrivals.length - steps * per) * obs.intervalS; // end of the last whole step
    if (!this.path || obs.nowS - this.pathStartS >= this.refitS) {
      const y = new Float64Array(steps);
      const off = obs.arrivals.length - steps * per;
      for (let i = 0; i < steps * per; i++) y[Math.floor(i / per)] += obs.arrivals[off + i];
      const h = Math.ceil((this.refitS + obs.leadTimeS) / this.stepS) + 2;
      const f = forecast(y, { stepS: this.stepS, horizon: h, quantiles: MIXTURE_LEVELS, model: 'auto' });
      this.path = f.quantiles;
      this.pathMean = f.mean;
      this.pathStartS = endS;
    }
    // forecast steps covering [now, now + lead time]
    const from = Math.max(0, Math.floor((obs.nowS - this.pathStartS) / this.stepS));
    const to = Math.min(this.pathMean!.length - 1, Math.floor((obs.nowS + obs.leadTimeS - this.pathStartS) / this.stepS));
    // nowcast: observed against forecast over the recent past covered by the path
    let corr = 1;
    const seen = Math.floor((obs.nowS - this.pathStartS) / this.stepS);
    if (seen >= 1) {
      const k = Math.min(seen, Math.max(1, Math.round(this.nowcastS / this.stepS)));
      let fc = 0;
      for (let i = seen - k; i < seen; i++) fc += this.pathMean![i];
      const observed = recentRate(obs, k * this.stepS) * k * this.stepS;
      if (fc > 0) corr = Math.min(2, Math.max(0.5, observed / fc));
    }
    const rates = MIXTURE_LEVELS.map((q) => {
      const v = this.path!.get(q)!;
      let m = 0;
      for (let i = from; i <= Math.max(from, to); i++) m = Math.max(m, v[Math.min(i, v.length - 1)]);
      return (m / this.stepS) * corr;
    });
    return { target: poolSizeFor(rates, obs.leadTimeS, this.hitRate), valid: true };
  }
}
