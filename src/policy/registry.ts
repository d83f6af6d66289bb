import type { PolicySpec } from '../scenario/schema.js';
import { ForecastPolicy } from './forecastPolicy.js';
import { HpaPolicy } from './hpa.js';
import { KpaPolicy } from './kpa.js';
import { LittlePolicy } from './little.js';
import { OraclePolicy } from './oracle.js';
import type { PoolPolicy } from './policy.js';
import { PredictiveHourlyPolicy } from './predictiveHourly.js';
import { StaticPolicy } from './static.js';

/** Policy names on the command line (`compare --policies`), and their scenario keys. */
export const POLICY_KEYS: Record<string, keyof PolicySpec> = {
  static: 'static',
  little: 'little',
  hpa: 'hpa',
  kpa: 'kpa',
  'predictive-hourly': 'predictiveHourly',
  forecast: 'forecast',
  oracle: 'oracle',
};

/**
 * Builds a policy from its scenario spec. The oracle needs the run's future arrivals per second,
 * given lazily because only it pays for generating them.
 */
export function makePolicy(spec: PolicySpec | undefined, size: number, futurePerSecond: () => Float64Array): PoolPolicy {
  if (!spec || spec.static) return new StaticPolicy(size);
  if (spec.little) return new LittlePolicy(spec.little.headroom, spec.little.window);
  if (spec.hpa) return new HpaPolicy(spec.hpa.targetUtilization, 0.1, spec.hpa.stabilization, 60, spec.hpa.syncPeriod);
  if (spec.kpa) return new KpaPolicy(spec.kpa.targetPerSandbox, spec.kpa.stableWindow, spec.kpa.panicWindow);
  if (spec.predictiveHourly) return new PredictiveHourlyPolicy(spec.predictiveHourly.headroom, spec.predictiveHourly.buffer);
  if (spec.forecast) return new ForecastPolicy(spec.forecast.hitRate, spec.forecast.step, spec.forecast.refit);
  return new OraclePolicy(futurePerSecond(), spec.oracle!.slack, spec.oracle!.scale ?? 1, spec.oracle!.hitRate, spec.oracle!.window);
}
