import type { Fitted, ForecastModel, Seasons } from './model.js';

/**
 * Seasonal naive: tomorrow repeats the last season (the weekly one when the history holds a
 * week, else the daily one; with neither, the last value). The benchmark every model must beat,
 * and the scale of MASE.
 */
export class SeasonalNaive implements ForecastModel {
  readonly name: string;
  constructor(private readonly which: 'weekly' | 'daily' | 'auto' = 'auto') {
    this.name = which === 'auto' ? 'seasonal-naive' : `seasonal-naive-${which}`;
  }

  /** The period used for a history of n steps. */
  period(s: Seasons, n: number): number {
    if (this.which !== 'daily' && s.weekly > 0 && n >= s.weekly) return s.weekly;
    if (this.which !== 'weekly' && s.daily > 0 && n >= s.daily) return s.daily;
    if (this.which === 'weekly' && s.weekly > 0 && n >= s.weekly) return s.weekly;
    return 1;
  }

  minHistory(): number {
    return 1;
  }

  fit(y: Float64Array, s: Seasons): Fitted {
    const notes: string[] = [];
    const from = (y: Float64Array, o: number, h: number) => {
      const m = this.period(s, o);
      const out = new Float64Array(h);
      for (let k = 0; k < h; k++) out[k] = o > 0 ? y[o - m + (k % m)] : 0;
      return out;
    };
    const m = this.period(s, y.length);
    if (this.which === 'weekly' && m !== s.weekly) notes.push(`history shorter than a week: repeating the last ${m === 1 ? 'value' : 'day'}`);
    return { forecast: (h) => from(y, y.length, h), forecastFrom: from, notes };
  }
}
