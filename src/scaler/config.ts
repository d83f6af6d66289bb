import { z } from 'zod';
import { loadConfig, parseConfig, type ConfigKind } from '../config/yamlConfig.js';
import { UserError } from '../errors.js';
import { count, duration } from '../scenario/leaves.js';
import { MAX_FORECAST_HISTORY, policySchema } from '../scenario/schema.js';
import { DEFAULT_MAX_BYTES } from './httpGet.js';
import { DEFAULT_MAX_SERIES } from './prometheusSource.js';

/**
 * `scaler.yaml`: what the live scaler reads, how it decides, and where it publishes. Validated
 * like scenarios (file:line, key path, what was expected). Durations take units ("15s", "2m").
 */

const str = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
const listen = () => str('an address such as 0.0.0.0:8080 or :8080').regex(/^(\[[^\]]*\]|[^:]*):\d{1,5}$/, { error: 'expected an address such as 0.0.0.0:8080 or :8080' });

const tls = z.strictObject({
  /** PEM file of the CA that signed the server's certificate. */
  caFile: str('a file path').optional(),
  /** Client certificate and key (mutual TLS). */
  certFile: str('a file path').optional(),
  keyFile: str('a file path').optional(),
  /** Skip verifying the server's certificate (testing only). */
  insecureSkipVerify: z.boolean({ error: 'expected true or false' }).default(false),
});

const auth = {
  /** File holding a bearer token (re-read at each request, so rotated tokens are picked up). */
  bearerTokenFile: str('a file path').optional(),
  tls: tls.optional(),
  /** Give up on a request after this long. */
  timeout: duration({ positive: true }).default(10),
};

/** An http(s) URL: anything else fails at the first read, far from the config that caused it. */
const httpUrl = (what: string) =>
  str(what).refine(
    (u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    },
    { error: (i) => `expected ${what} (http:// or https://), got ${JSON.stringify(i.input)}` },
  );

/** Bounds on one read: bytes of the answer, and (Prometheus) series. */
const bounds = {
  /** Largest answer read, bytes (16 MiB; two weeks of 15 s points of one series is ~2 MB). */
  maxBytes: count({ min: 1024 }).default(DEFAULT_MAX_BYTES),
};

const valueIs = z.enum(['rate', 'count'], { error: 'expected "rate" (arrivals per second) or "count" (arrivals per interval)' });

const source = z
  .strictObject({
    /** The Prometheus HTTP API: `/api/v1/query_range` with `query`, step = the decision interval. */
    prometheus: z
      .strictObject({
        url: httpUrl('a URL such as http://prometheus:9090'),
        query: str('a PromQL query such as sum(rate(agent_sandbox_claim_creation_total[1m]))'),
        /** What the query's values are: arrivals per second (a `rate(...)`) or per interval. */
        valueIs: valueIs.default('rate'),
        ...bounds,
        /** Most series the query may return (it should return one: a `sum`). */
        maxSeries: count({ min: 1 }).default(DEFAULT_MAX_SERIES),
        /**
         * A dead scrape behind `rate()`: an instant query for the newest raw sample's time (epoch s),
         * e.g. `max(timestamp(agent_sandbox_claim_creation_total))`; older than `maxAge` (or absent)
         * is missing data, and values after it are not believed.
         */
        freshness: z.strictObject({ query: str('a PromQL query such as max(timestamp(agent_sandbox_claim_creation_total))'), maxAge: duration({ positive: true }).default(45) }).optional(),
        /**
         * The pool's state from Prometheus (the KEDA route, where the scaler does not call the API
         * server): instant queries for its ready sandboxes and, optionally, its spec.replicas, e.g.
         * `sum(agent_sandbox_warm_pool_ready{pool="python-pool"})`. A Kubernetes sink's own status read takes precedence.
         */
        poolQuery: z.strictObject({ ready: str('a PromQL query giving the ready sandboxes'), replicas: str('a PromQL query giving spec.replicas').optional() }).optional(),
        /**
         * Learn `leadTime` (the refill time) from an observed claim-to-ready latency: an instant query
         * in seconds, e.g. a histogram_quantile over the controller's latency histogram; clamped to
         * [min, max]; the static `leadTime` when it has no answer.
         */
        leadTimeQuery: z
          .strictObject({ query: str('a PromQL query giving seconds'), min: duration({ positive: true }).default(1), max: duration({ positive: true }).default(600) })
          .refine((q) => q.min <= q.max, { error: 'expected min ≤ max' })
          .optional(),
        ...auth,
      })
      .optional(),
    /** A trace file (as `workload.arrivals.trace`: per request, or per interval with count/rate), or a .json file of counts per interval in the http formats; for replay. */
    file: z.strictObject({ path: str('a file path'), timeColumn: str('a column name').optional() }).optional(),
    /** An HTTP endpoint answering JSON `{"start": s, "step": s, "values": [..]}` or `[[t, v], ...]`. */
    http: z.strictObject({ url: httpUrl('a URL'), valueIs: valueIs.default('count'), ...bounds, ...auth }).optional(),
  })
  .superRefine((s, ctx) => {
    const n = Object.values(s).filter((v) => v !== undefined).length;
    if (n !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one of prometheus, file or http, got ${n === 0 ? 'none' : n}` });
  });

/** The warm-pool resources the Kubernetes sink knows by name. */
export const KNOWN_RESOURCES = {
  sandboxwarmpools: { group: 'extensions.agents.x-k8s.io', version: 'v1beta1', plural: 'sandboxwarmpools' },
  sandboxsets: { group: 'agents.kruise.io', version: 'v1alpha1', plural: 'sandboxsets' },
} as const;

const resource = z.union(
  [
    z.enum(Object.keys(KNOWN_RESOURCES) as [keyof typeof KNOWN_RESOURCES], { error: 'expected sandboxwarmpools, sandboxsets or {group, version, plural}' }),
    z.strictObject({ group: str('an API group'), version: str('an API version'), plural: str('a resource plural') }),
  ],
  { error: 'expected sandboxwarmpools, sandboxsets or {group, version, plural}' },
);

/** TLS for the gRPC server; with `caFile` and `requireClientCert`, only clients whose certificate that CA signed get through (KEDA's `tlsClientCert`). */
const grpcTls = z
  .strictObject({
    certFile: str('a file path'),
    keyFile: str('a file path'),
    /** CA that signs the clients' certificates. */
    caFile: str('a file path').optional(),
    requireClientCert: z.boolean({ error: 'expected true or false' }).default(false),
  })
  .superRefine((t, ctx) => {
    if (t.requireClientCert && !t.caFile) ctx.addIssue({ code: 'custom', path: ['requireClientCert'], message: 'expected caFile as well (the CA that signs the clients\' certificates), got none' });
    if (t.caFile && !t.requireClientCert) ctx.addIssue({ code: 'custom', path: ['caFile'], message: 'verifies client certificates only when requireClientCert is true; set it, or drop caFile' });
  });

const sinks = z
  .strictObject({
    /** `GET /targets`, `/healthz`, `/readyz` and, with `metrics`, `/metrics` (Prometheus text). */
    http: z
      .strictObject({
        /** Loopback unless configured: a pod's other containers (and port-forward) reach it; set 0.0.0.0:8080 for Prometheus and probes across pods. */
        listen: listen().default('127.0.0.1:8080'),
        metrics: z.boolean({ error: 'expected true or false' }).default(true),
        /** Serve HTTPS with this certificate and key. */
        tls: z.strictObject({ certFile: str('a file path'), keyFile: str('a file path') }).optional(),
        /** Require `Authorization: Bearer <token in this file>` on /targets and /metrics (/healthz and /readyz stay open for kubelet probes). */
        bearerTokenFile: str('a file path').optional(),
      })
      .optional(),
    /** KEDA external scaler (gRPC `externalscaler.ExternalScaler`). */
    keda: z
      .strictObject({
        /** Loopback unless configured; KEDA's operator runs in another pod, so the deployment sets 0.0.0.0:9100. */
        listen: listen().default('127.0.0.1:9100'),
        metricName: str('a metric name').default('tidecast_warm_pool_target'),
        tls: grpcTls.optional(),
      })
      .optional(),
    /** Patch the `scale` subresource of a warm pool. */
    kubernetes: z
      .strictObject({
        resource: resource.default('sandboxwarmpools'),
        namespace: str('a namespace'),
        name: str('the warm pool object name'),
        /** A kubeconfig file; without it, in-cluster configuration, else the default kubeconfig. */
        kubeconfig: str('a file path').optional(),
        /** Log the patch instead of sending it. */
        dryRun: z.boolean({ error: 'expected true or false' }).default(false),
        /** Attempts for conflicts (409), throttling (429) and server errors (5xx), within the decision's budget. */
        retries: count({ min: 0 }).default(4),
        /** Read the pool's status each decision (ready sandboxes for the policy, its spec for `reconcile`). */
        observe: z.boolean({ error: 'expected true or false' }).default(true),
        /** When the pool's spec.replicas differs from the published target (a `kubectl scale`, a GitOps sync), patch it back. */
        reconcile: z.boolean({ error: 'expected true or false' }).default(true),
        /** The status field counting ready sandboxes (default by resource: readyReplicas; SandboxSet: availableReplicas). */
        readyField: str('a status field name such as readyReplicas').optional(),
      })
      .optional(),
    /** One JSON line per decision on stdout. */
    stdout: z.boolean({ error: 'expected true or false' }).default(false),
  })
  .default({ stdout: true });

const safety = z
  .strictObject({
    min: count().default(0),
    max: count({ unlimited: true }).default(Infinity),
    maxStepUp: count({ unlimited: true }).default(Infinity),
    maxStepDown: count({ unlimited: true }).default(Infinity),
    scaleDownStabilization: duration().default(0),
    /** Data whose newest point is older than this is stale. */
    staleAfter: duration({ positive: true }).default(120),
    /** Target held after this long without good data is raised to `floor`. */
    floor: count().default(0),
    floorAfter: duration({ positive: true, infinite: ['never'] }).default(600),
    /** Implausible values: above `factor` × the largest in the history (and `minRate`·interval) they are held back until `confirm` intervals in a row show them. */
    suspect: z
      .strictObject({
        factor: z.number({ error: 'expected a number above 1' }).gt(1, { error: 'expected a number above 1' }).default(10),
        confirm: count({ min: 1 }).default(3),
        /** Arrivals per second below which nothing is suspect (a near-empty history must not make every burst suspect). */
        minRate: z.number({ error: 'expected a non-negative number' }).min(0, { error: 'expected a non-negative number' }).default(1),
        /** Arrivals per second above which a value is never data (the pool sizing's work grows linearly with the load: ~0.06 s a decision at 10,000/s and a 30 s lead time, ~2 s at 1e6/s). */
        maxRate: z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' }).default(10000),
      })
      .prefault({}), // absent: every default above, written once
  })
  .prefault({});

export const scalerConfigSchema = z.strictObject({
  /** Seconds between decisions. */
  interval: duration({ positive: true }).default(15),
  /** The pool policy, as `infrastructure.warmPool.policy` in a scenario (no oracle: it needs the future). */
  policy: policySchema.default({ forecast: { hitRate: 0.99, step: 60, refit: 3600 } }),
  /** Time to refill a claimed sandbox (scheduling + cold start), as the simulator uses. */
  leadTime: duration().default(30),
  /** How much arrival history to read at each decision. */
  history: duration({ positive: true }).default(14 * 86400),
  /** The target before the first decision (the simulator's `warmPool.size`). */
  initial: count().default(0),
  source,
  sinks,
  safety,
});

export type ScalerConfig = z.infer<typeof scalerConfigSchema>;

const SCALER: ConfigKind<ScalerConfig> = { schema: scalerConfigSchema, what: 'scaler config', topKeys: 'interval, policy, leadTime, source, sinks, safety, …' };

export function loadScalerConfig(file: string, sets: readonly string[] = []): ScalerConfig {
  return check(loadConfig(SCALER, file, sets), file);
}

export function parseScalerConfig(text: string, file = '<scaler config>', sets: readonly string[] = []): ScalerConfig {
  return check(parseConfig(SCALER, text, file, sets), file);
}


function check(c: ScalerConfig, file: string): ScalerConfig {
  if (c.policy.oracle) throw new UserError(`${file}: policy.oracle: the oracle needs future arrivals, which a live scaler cannot see; use forecast, little, predictiveHourly, hpa, kpa or static`);
  if (c.safety.min > c.safety.max) throw new UserError(`${file}: safety.min (${c.safety.min}) is above safety.max (${c.safety.max})`);
  // the history is kept per interval, and the forecast policy fits on it summed to its step: both bounded (the latter as a scenario's is)
  const points = c.history / c.interval;
  if (points > MAX_HISTORY_POINTS) {
    throw new UserError(`${file}: history: ${c.history} s of history at an interval of ${c.interval} s keeps ${Math.ceil(points).toLocaleString('en-US')} points; expected at most ${MAX_HISTORY_POINTS.toLocaleString('en-US')} (a history of at most ${+(MAX_HISTORY_POINTS * c.interval).toPrecision(3)} s, or a longer interval)`);
  }
  const f = c.policy.forecast;
  if (f && c.history / Math.max(f.step, c.interval) > MAX_FORECAST_HISTORY) {
    const steps = Math.ceil(c.history / Math.max(f.step, c.interval));
    throw new UserError(`${file}: policy.forecast.step: ${f.step} s over ${c.history} s of history makes ${steps.toLocaleString('en-US')} forecast steps; expected at most ${MAX_FORECAST_HISTORY.toLocaleString('en-US')} (a step of at least ${+(c.history / MAX_FORECAST_HISTORY).toPrecision(3)} s, or less history)`);
  }
  return c;
}

/** Most points of arrival history the scaler keeps (one per interval: 14 days at 0.12 s, 80 MB). */
const MAX_HISTORY_POINTS = 10_000_000;
