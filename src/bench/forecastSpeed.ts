import { forecast, type ModelName } from '../forecast/forecast.js';
import { synthCounts } from '../forecast/synth.js';

/** Milliseconds per fit + forecast (with quantiles) of each model, on 3 weeks hourly and 2 weeks of 1-minute data (median of 5). */
export function forecastSpeed(): Record<string, number> {
  const spec = { peak: 500, trough: 60, peakAt: 14 * 3600, period: 86400, startAt: 0, weekly: [1, 1, 1, 1, 0.95, 0.6, 0.5], growth: 0.002, noise: 0.05, step: 300, bursts: { rate: 4 / 86400, factor: 1.5, duration: 1800 } };
  const hourly = synthCounts(spec, 21, 3600, 1);
  const minute = synthCounts(spec, 14, 60, 2);
  const out: Record<string, number> = {};
  const models: ModelName[] = ['seasonal-naive-weekly', 'holt-winters-add', 'holt-winters-mul-damped', 'double-seasonal', 'double-seasonal-mul-days', 'robust-profile', 'intermittent-tsb', 'mstl', 'auto'];
  for (const [label, y, stepS, h] of [['3w-1h', hourly, 3600, 24], ['2w-1m', minute, 60, 60]] as const) {
    for (const m of models) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        forecast(y, { stepS, horizon: h, model: m });
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      out[`${label} ${m}`] = times[2];
    }
  }
  return out;
}
