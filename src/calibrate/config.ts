import { z } from 'zod';
import { loadConfig, parseConfig, type ConfigKind } from '../config/yamlConfig.js';
import { duration } from '../scenario/leaves.js';
import { OM } from '../sim/openMetrics.js';

/** Counters (cumulative; read as increments per step). */
export const COUNTER_KEYS = ['claims', 'warmStarts', 'coldStarts', 'overflows', 'rejected'] as const;
/** Gauges (a value per step). */
export const GAUGE_KEYS = ['running', 'poolReady', 'poolTarget', 'reservedCapacity'] as const;
/** Histograms (`_bucket` series by `le`, cumulative; read as the counts over the window). */
export const HISTOGRAM_KEYS = ['startLatency', 'claimLatency', 'coldStart', 'serverlessColdStart', 'sessionDuration'] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];
export type GaugeKey = (typeof GAUGE_KEYS)[number];
export type HistogramKey = (typeof HISTOGRAM_KEYS)[number];
export type InputKey = CounterKey | GaugeKey | HistogramKey;

/** What each input is, for messages: "expected …". */
export const EXPECTED: Record<InputKey, string> = {
  claims: 'a counter of sandbox claims (session arrivals)',
  warmStarts: 'a counter of claims served from the warm pool',
  coldStarts: 'a counter of claims that created a sandbox',
  overflows: 'a counter of claims sent to serverless',
  rejected: 'a counter of claims refused',
  running: 'a gauge of sandboxes running sessions',
  poolReady: 'a gauge of ready warm-pool sandboxes',
  poolTarget: "a gauge of the warm pool's target size",
  reservedCapacity: 'a gauge of reserved slots',
  startLatency: 'histogram buckets (by le) of claim-to-ready latency, every launch',
  claimLatency: 'histogram buckets (by le) of claim-to-ready latency of warm-pool claims',
  coldStart: 'histogram buckets (by le) of sandbox creation-to-ready (the cold start) on reserved capacity',
  serverlessColdStart: 'histogram buckets (by le) of serverless cold starts',
  sessionDuration: 'histogram buckets (by le) of session durations',
};

const input = z.strictObject({
  /** PromQL for --prometheus (a counter or gauge summed to one series; histograms `sum by (le) (…_bucket)`). */
  query: z.string({ error: 'expected a PromQL query' }).min(1, { error: 'expected a PromQL query' }),
  /** The column for --csv (histograms: the prefix of `<column>{le="…"}` columns); default the key. */
  csv: z.string().min(1).optional(),
  /** Unit of histogram bounds and values: seconds or milliseconds (agent-sandbox's latencies). */
  unit: z.enum(['s', 'ms'], { error: 'expected "s" or "ms"' }).default('s'),
});
export type InputSpec = z.infer<typeof input>;

const inputs = z.strictObject(Object.fromEntries([...COUNTER_KEYS, ...GAUGE_KEYS, ...HISTOGRAM_KEYS].map((k) => [k, input.optional()])) as Record<InputKey, z.ZodOptional<typeof input>>);

export const calibrateConfigSchema = z.strictObject({
  /** Default queries: the names `tidecast run --openmetrics` writes, agent-sandbox's alone, or OpenKruise Agents'. */
  profile: z.enum(['tidecast', 'agent-sandbox', 'openkruise'], { error: 'expected "tidecast", "agent-sandbox" or "openkruise"' }).default('tidecast'),
  /** Step of the arrival trace and of every series read. */
  step: duration({ positive: true }).default(60),
  /** The scenario's name (default: the output file's name). */
  name: z.string().min(1).optional(),
  /** Overrides of the profile's queries, by input. */
  queries: inputs.default({} as never),
  /** Prometheus: a deadline for the whole read (seconds, every query included), the largest answer (bytes), a bearer token file. */
  timeout: duration({ positive: true }).default(30),
  maxBytes: z.number().int().positive().optional(),
  bearerTokenFile: z.string().optional(),
});
export type CalibrateConfig = z.infer<typeof calibrateConfigSchema>;

const KIND: ConfigKind<CalibrateConfig> = { schema: calibrateConfigSchema as never, what: 'calibrate config', topKeys: 'profile, step, name, queries, timeout' };

/** Reads and validates a calibrate config (one-line errors naming file, line and key); defaults without a file. */
export function loadCalibrateConfig(file: string | undefined, sets: readonly string[] = []): CalibrateConfig {
  if (file === undefined) return parseConfig(KIND, '{}', '<calibrate defaults>', sets);
  return loadConfig(KIND, file, sets);
}

const q = (query: string, unit: 's' | 'ms' = 's'): InputSpec => ({ query, unit });

/**
 * Default queries per profile. `tidecast`: the names `tidecast run --openmetrics` writes (mostly
 * kubernetes-sigs/agent-sandbox's: agent_sandbox_claim_creation_total, agent_sandboxes,
 * agent_sandbox_warmpool_size, agent_sandbox_claim_startup_latency_ms,
 * agent_sandbox_creation_latency_ms; OpenKruise's sandboxset_desired_replicas).
 * `agent-sandbox`: only what agent-sandbox's controller exports (claims counted as sandboxes
 * created or adopted). `openkruise`: OpenKruise Agents' sandbox manager and SandboxSet metrics.
 */
export function defaultInputs(profile: CalibrateConfig['profile']): Partial<Record<InputKey, InputSpec>> {
  const agentSandbox: Partial<Record<InputKey, InputSpec>> = {
    claims: q(`sum(${OM.starts}_total)`),
    warmStarts: q(`sum(${OM.starts}_total{launch_type="warm"})`),
    coldStarts: q(`sum(${OM.starts}_total{launch_type="cold"})`),
    running: q(`sum(${OM.running}{ready_condition="true"})`),
    poolReady: q(`sum(${OM.poolReady}{sandbox_status="ready"})`),
    startLatency: q(`sum by (le) (${OM.startLatency}_bucket)`, 'ms'),
    claimLatency: q(`sum by (le) (${OM.startLatency}_bucket{launch_type="warm"})`, 'ms'),
    coldStart: q(`sum by (le) (${OM.creation}_bucket{launch_type="cold"})`, 'ms'),
  };
  if (profile === 'agent-sandbox') return agentSandbox;
  if (profile === 'openkruise') {
    return {
      claims: q('sum(sandbox_claim_total)'),
      poolReady: q('sum(sandboxset_available_replicas)'),
      poolTarget: q('sum(sandboxset_desired_replicas)'),
      startLatency: q('sum by (le) (sandbox_claim_duration_seconds_bucket)'),
    };
  }
  return {
    ...agentSandbox,
    claims: q(`sum(${OM.claims}_total)`),
    overflows: q(`sum(${OM.overflows}_total)`),
    rejected: q(`sum(${OM.rejected}_total)`),
    poolTarget: q(`sum(${OM.poolDesired})`),
    reservedCapacity: q(`sum(${OM.reservedCapacity})`),
    serverlessColdStart: q(`sum by (le) (${OM.serverlessCreation}_bucket)`),
    sessionDuration: q(`sum by (le) (${OM.sessionDuration}_bucket)`),
  };
}

/** The profile's inputs with the config's overrides. */
export function resolvedInputs(c: CalibrateConfig): Partial<Record<InputKey, InputSpec>> {
  const out = defaultInputs(c.profile);
  for (const [k, v] of Object.entries(c.queries)) if (v) out[k as InputKey] = v;
  return out;
}
