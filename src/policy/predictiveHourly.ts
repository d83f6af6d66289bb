import { forecast } from '../forecast/forecast.js';
import { recentRate, type PoolDecision, type PoolObservation, type PoolPolicy } from './policy.js';

/**
 * Predictive scaling in the manner of the cloud providers': an hourly forecast of arrivals
 * (refitted each hour on hourly sums), capacity for each hour raised a scheduling buffer (300 s)
 * before it starts, sized by Little's law with headroom; the forecast only raises capacity, a
 * reactive Little term (the last minute's rate) keeps it from falling below current demand.
 */
export class PredictiveHourlyPolicy implements PoolPolicy {
  readonly name = 'predictive-hourly';
  private fittedAtHour = -1;
  private hourly: Float64Array | null = null;
  private firstHour = 0;

  constructor(private readonly headroom = 1.5, private readonly bufferS = 300) {}

  decide(obs: PoolObservation): PoolDecision {
    const reactive = recentRate(obs, 60);
    if (!Number.isFinite(reactive)) return { target: obs.target, valid: false };
    const per = Math.max(1, Math.round(3600 / obs.intervalS));
    const hours = Math.floor(obs.arrivals.length / per);
    const hourNow = Math.floor(obs.nowS / 3600);
    if (hours >= 2 && hourNow !== this.fittedAtHour) {
      const off = obs.arrivals.length - hours * per;
      const y = new Float64Array(hours);
      for (let i = 0; i < hours * per; i++) y[Math.floor(i / per)] += obs.arrivals[off + i];
      this.hourly = forecast(y, { stepS: 3600, horizon: 3, quantiles: [0.5], model: 'auto' }).mean;
      this.firstHour = Math.floor((obs.nowS - off * obs.intervalS) / 3600);
      this.fittedAtHour = hourNow;
    }
    let predicted = 0;
    if (this.hourly) {
      const h = Math.floor((obs.nowS + this.bufferS) / 3600) - this.firstHour;
      if (h >= 0 && h < this.hourly.length) predicted = this.hourly[h] / 3600;
    }
    return { target: Math.ceil(Math.max(reactive, predicted) * obs.leadTimeS * this.headroom), valid: true };
  }
}
