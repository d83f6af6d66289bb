/**
 * tidecast's public API, by name: the engine and its models, scenario loading, running and
 * summarising, the forecaster and the policies (pure deciders the live scaler will share).
 */
export { Engine, type Handler } from './engine/engine.js';
export { UserError } from './errors.js';
export { Fleet } from './model/fleet.js';
export { PoolController } from './model/poolController.js';
export { SERIES_COLUMNS, type Series } from './model/metrics.js';
export { erlangB, erlangC, md1MeanWait, mmcMeanWait } from './queueing/erlang.js';
export { makeDistribution, type Distribution, type DistributionSpec } from './random/distributions.js';
export { Rng, stream } from './random/rng.js';
export { LogHistogram } from './stats/histogram.js';
export { TimeWeighted } from './stats/timeWeighted.js';
export { meanCI95, replicationInterval, type Interval, type Support } from './stats/confidence.js';
export { loadScenario, parseScenario, validateScenario } from './scenario/load.js';
export { scenarioAsRun } from './scenario/asRun.js';
export type { Scenario } from './scenario/schema.js';
export { prepareInputs, makeArrivals, type PreparedInputs } from './workload/build.js';
export { runReplication, type ReplicationResult } from './sim/replication.js';
export { runReplications } from './sim/runner.js';
export { simulateFile } from './sim/simulate.js';
export { summarize, type Summary } from './sim/summary.js';
export { judgeBudget, judgeBudgets, type BudgetResult, type Verdict } from './check/budgets.js';
export { compareWithBaseline } from './check/regression.js';
export { forecast, MODEL_NAMES, seasonsFor, type ModelName } from './forecast/forecast.js';
export type { Forecast, ForecastModel, Fitted, Seasons } from './forecast/model.js';
export { backtest, type BacktestScore } from './forecast/backtest.js';
export { poolHitRate, poolSizeFor, poolTargets, reservedAdvice } from './forecast/targets.js';
export type { PoolDecision, PoolObservation, PoolPolicy } from './policy/policy.js';
export { makePolicy } from './policy/registry.js';
export { StaticPolicy } from './policy/static.js';
export { LittlePolicy } from './policy/little.js';
export { HpaPolicy } from './policy/hpa.js';
export { DEFAULT_HPA_BEHAVIOR, HpaController, hpaBehavior, type HpaBehavior, type HpaScalingPolicy, type HpaScalingRules } from './policy/hpaController.js';
export { KpaPolicy } from './policy/kpa.js';
export { PredictiveHourlyPolicy } from './policy/predictiveHourly.js';
export { ForecastPolicy } from './policy/forecastPolicy.js';
export { OraclePolicy } from './policy/oracle.js';
export { fitBuckets, bucketQuantile, type BucketFit, type Buckets } from './calibrate/fitBuckets.js';
export { calibrate, type Calibration } from './calibrate/calibrate.js';
export { compareWindows, windowStats, replicationWindow, type ValidateRow, type Tolerances } from './calibrate/compare.js';
export type { ObservedWindow } from './calibrate/observed.js';
export { fitTidal, type TidalFit } from './calibrate/tidalFit.js';
export { openMetricsText, OM as OPENMETRICS_NAMES } from './sim/openMetrics.js';
