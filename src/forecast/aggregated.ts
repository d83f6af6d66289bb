import type { Fitted, ForecastModel, Seasons } from './model.js';

/**
 * Temporal aggregation for fine steps: fits an inner model on the sums over `factor` steps
 * (1-minute counts become 15-minute counts: 96 a day instead of 1,440, so every seasonal index
 * is learnt from 15× the data and Poisson noise averages out), forecasts at that resolution and
 * spreads each bin back evenly over its steps. Bins are aligned to the start of the series; a
 * partial bin before the origin is left out of the fit.
 */
export class Aggregated implements ForecastModel {
  readonly name: string;
  constructor(private readonly inner: ForecastModel, private readonly factor: number) {
    this.name = `${inner.name}@${factor}x`;
  }

  private coarse(s: Seasons): Seasons {
    return { daily: s.daily / this.factor, weekly: s.weekly / this.factor };
  }

  minHistory(s: Seasons): number {
    return this.inner.minHistory(this.coarse(s)) * this.factor;
  }

  private sums(y: Float64Array, o: number): Float64Array {
    const bins = Math.floor(o / this.factor);
    const out = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      let s = 0;
      for (let j = b * this.factor; j < (b + 1) * this.factor; j++) s += y[j];
      out[b] = s;
    }
    return out;
  }

  fit(y: Float64Array, s: Seasons): Fitted {
    const f = this.factor;
    const cs = this.coarse(s);
    const agg = this.sums(y, y.length);
    const inner = this.inner.fit(agg, cs);
    const from = (series: Float64Array, o: number, h: number, coarseSeries: Float64Array | null) => {
      const b0 = Math.floor(o / f); // first bin not wholly observed
      const skip = o - b0 * f;
      const bins = Math.ceil((skip + h) / f);
      const c = coarseSeries ?? this.sums(series, o);
      const fc = inner.forecastFrom(c, b0, bins);
      const out = new Float64Array(h);
      for (let k = 0; k < h; k++) out[k] = fc[Math.floor((skip + k) / f)] / f;
      return out;
    };
    return {
      forecast: (h) => from(y, y.length, h, agg),
      forecastFrom: (series, o, h) => from(series, o, h, null),
      notes: inner.notes,
      suspect: inner.suspect,
    };
  }
}
