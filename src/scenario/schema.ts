import { z } from 'zod';
import { show, suggest } from '../config/messages.js';
import { count, distribution, duration, LIMITS, money, num, rate } from './leaves.js';
import { parseDuration } from './units.js';
import { METRIC_KEYS, TEMPLATE_METRIC_KEYS } from './metricKeys.js';

/**
 * The scenario file's schema: the public contract of scenario keys (issue #2) plus the keys
 * users need around them. Values are normalised on the way in: durations to seconds, rates to
 * per second, distributions to specs, "unlimited" to Infinity, and every default filled in,
 * so the parsed scenario is also the "scenario as run" that reports echo.
 */

const poisson = z.strictObject({ rate: rate() });

const bursts = z.strictObject({
  /** How often bursts start (a Poisson process), e.g. `2/h`. */
  rate: rate(),
  /** Traffic multiplier during a burst. */
  factor: num({ min: 1, max: 1000, what: 'a multiplier ≥ 1' }).default(2),
  /** How long a burst lasts. */
  duration: duration({ positive: true }).default(300),
});

const tidal = z.strictObject({
  /** Arrival rate at the daily peak. */
  peak: rate(),
  /** Arrival rate at the daily trough. */
  trough: rate({ zero: true }),
  /** Time of day of the peak (from midnight). */
  peakAt: duration().default(14 * 3600),
  /** Length of the cycle (a day). */
  period: duration({ positive: true }).default(86400),
  /** Time of day at simulated time 0. */
  startAt: duration().default(0),
  /** Multipliers per day of the simulated week, day 0 first (e.g. weekends lower). */
  weekly: z.array(num({ min: 0, max: 1000, what: 'a multiplier in [0, 1000]' })).length(7, { error: 'expected a list of 7 multipliers (one per day)' }).optional(),
  /** Relative growth per day (0.01 = +1% a day, compounding). */
  growth: num({ min: -0.5, max: 10, what: 'a relative growth per day, such as 0.01' }).default(0),
  /** Standard deviation of the log of a per-step multiplicative noise (0 = none). */
  noise: num({ min: 0, max: 3, what: 'a noise level in [0, 3] (σ of log-noise per step)' }).default(0),
  /** Resolution of the rate curve. */
  step: duration({ positive: true }).default(60),
  /** Random bursts on top of the tide. */
  bursts: bursts.optional(),
});

const trace = z.strictObject({
  /** CSV file: relative to the current directory, else to the scenario's folder. */
  path: z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' }),
  /** Traffic multiplier (2 = twice the traffic, 0.5 = half). */
  scale: num({ min: 0, max: 1000, what: 'a multiplier in [0, 1000]' }).default(1),
  /** `requests` (a row per request), `intervals` (a row per interval with a count or rate), or `auto`. */
  format: z.enum(['auto', 'requests', 'intervals'], { error: 'expected "auto", "requests" or "intervals"' }).default('auto'),
  /** The time column (default: the first column). Numbers are seconds; strings are date-times (UTC). */
  timeColumn: z.string().optional(),
  /** A per-request duration column (used as the session duration). */
  durationColumn: z.string().optional(),
  /** Seconds per unit of the duration column (e.g. 0.02 to read generated tokens at 50 tokens/s). */
  durationScale: num({ min: 0, max: LIMITS.durationS, what: 'a non-negative number of seconds per unit, at most 3650d in seconds (315360000)' }).default(1),
  /** Interval traces: the count column (default `count`) or rate column (`rate`, per second). */
  countColumn: z.string().optional(),
  rateColumn: z.string().optional(),
  /** Replay the trace again from its start when it ends before the horizon. */
  loop: z.boolean({ error: 'expected true or false' }).default(false),
  /** Extra copies made by a scale above 1 are spread by up to this much (uniform). */
  jitter: duration().default(1),
});

const arrivals = z
  .strictObject({ poisson: poisson.optional(), tidal: tidal.optional(), trace: trace.optional() })
  .superRefine((a, ctx) => {
    const n = [a.poisson, a.tidal, a.trace].filter((x) => x !== undefined).length;
    if (n !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one of poisson, tidal or trace, got ${n === 0 ? 'none' : n}` });
  });

const scheduler = z.strictObject({
  /** Sandbox creations placed per second ("unlimited" = no scheduler bottleneck). */
  throughput: rate({ unlimited: true }).default(Infinity),
  /** API server calls per second, creates and deletes alike, before the scheduler ("unlimited" = no limit). */
  apiRate: rate({ unlimited: true }).default(Infinity),
});

const reserved = z.strictObject({
  slots: count({ unlimited: true }).default(Infinity),
  coldStart: distribution().default({ kind: 'fixed', value: 0 }),
  costPerSlotHour: money().default(0),
  /**
   * Reserved capacity as nodes with an autoscaler (instead of fixed `slots`): `slotsPerNode`
   * sandboxes a node, between `min` and `max` nodes, each new one ready after `provision`,
   * removed after `scaleInAfter` of a node's worth of free slots; billed per node-hour.
   */
  nodes: z
    .strictObject({
      min: count().default(0),
      max: count({ min: 1 }),
      initial: count().optional(),
      slotsPerNode: count({ min: 1 }),
      /** Slots the autoscaler keeps free ahead of demand (overprovisioning), besides what waits. */
      spareSlots: count().default(0),
      provision: distribution(),
      scaleInAfter: duration().default(600),
      scanInterval: duration({ positive: true }).default(10),
      costPerNodeHour: money().default(0),
      /**
       * The seed's start-up accelerations, as switches: `prepackedImages` (business images
       * pre-packed into the node image: node initialisation −60%), `diskSnapshot` (nodes cloned
       * from a disk snapshot: initialisation in `snapshotInit` instead of minutes).
       */
      prepackedImages: z.boolean({ error: 'expected true or false' }).default(false),
      diskSnapshot: z.boolean({ error: 'expected true or false' }).default(false),
      snapshotInit: distribution().default({ kind: 'fixed', value: 15 }),
    })
    .optional(),
  /**
   * Parts of the cold start that accelerations remove: `imagePull` (gone with an image cache
   * for sandboxes, `imageCache: true`) and `podNetwork` (gone with network interfaces
   * pre-attached, `eniPrewarm: true`); the cold start's mean drops by the parts removed.
   */
  coldStartParts: z.strictObject({ imagePull: duration().default(0), podNetwork: duration().default(0) }).optional(),
  imageCache: z.boolean({ error: 'expected true or false' }).default(false),
  eniPrewarm: z.boolean({ error: 'expected true or false' }).default(false),
});

const serverless = z.strictObject({
  enabled: z.boolean({ error: 'expected true or false' }).default(false),
  maxSlots: count({ unlimited: true }).default(Infinity),
  coldStart: distribution().default({ kind: 'fixed', value: 0 }),
  costPerSlotSecond: money().default(0),
});

const overflow = z.strictObject({
  /** Overflow on arrival when this many requests already wait (0: whenever no reserved slot is free). */
  queueThreshold: count().default(500),
  /** Overflow a waiting request once its wait reaches this ("never" to wait forever). */
  waitTimeout: duration({ infinite: ['never', 'unlimited'] }).default(30),
});

/** How the warm pool's target is set over time (default: fixed at `size`). */
export const policySchema = z
  .strictObject({
    static: z.strictObject({}).optional(),
    little: z.strictObject({ headroom: num({ min: 0, max: 100, what: 'a headroom factor such as 1.5' }).default(1.5), window: duration({ positive: true }).default(60) }).optional(),
    hpa: z.strictObject({ targetUtilization: num({ min: 0.01, max: 1, what: 'a target utilisation in (0, 1]' }).default(0.7), stabilization: duration().default(300), syncPeriod: duration({ positive: true }).default(15) }).optional(),
    kpa: z.strictObject({ targetPerSandbox: num({ min: 0.01, max: 1, what: 'a target utilisation per sandbox in (0, 1]' }).default(0.7), stableWindow: duration({ positive: true }).default(60), panicWindow: duration({ positive: true }).default(6) }).optional(),
    predictiveHourly: z.strictObject({ headroom: num({ min: 0, max: 100, what: 'a headroom factor such as 1.5' }).default(1.5), buffer: duration().default(300) }).optional(),
    forecast: z.strictObject({ hitRate: num({ min: 0.5, max: 0.99999, what: 'a hit-rate goal such as 0.99' }).default(0.99), step: duration({ positive: true }).default(60), refit: duration({ positive: true }).default(3600) }).optional(),
    // the window rule (scale, default 1) or the Erlang-loss rule (hitRate); slack adds to either
    oracle: z
      .strictObject({ slack: num({ min: 0, max: LIMITS.count, what: 'a non-negative number of sandboxes, at most 10,000,000' }).default(0), scale: num({ min: 0, max: 100, what: 'a non-negative multiplier' }).optional(), hitRate: num({ min: 0.5, max: 0.99999, what: 'a hit-rate goal such as 0.99' }).optional(), window: duration({ positive: true }).default(5) })
      .refine((o) => o.scale === undefined || o.hitRate === undefined, { message: 'give scale (the window rule) or hitRate (the Erlang-loss rule), not both' })
      .optional(),
  })
  .superRefine((p, ctx) => {
    const n = Object.values(p).filter((v) => v !== undefined).length;
    if (n !== 1) ctx.addIssue({ code: 'custom', message: `expected exactly one of static, little, hpa, kpa, predictiveHourly, forecast or oracle, got ${n === 0 ? 'none' : n}` });
  });

const warmPool = z.strictObject({
  size: count().default(0),
  /** Pool sizing policy; the pool starts at `size`. */
  policy: policySchema.optional(),
  /** Seconds between the policy's decisions. */
  decisionInterval: duration({ positive: true }).default(15),
  claimLatency: distribution().default({ kind: 'fixed', value: 0 }),
  /** Which capacity the pool's ready sandboxes occupy. */
  tier: z.enum(['reserved', 'serverless'], { error: 'expected "reserved" or "serverless"' }).default('reserved'),
});

/**
 * A sandbox template (a Python sandbox, a browser sandbox, a large data-analysis sandbox): its
 * traffic (a `share` of workload.arrivals, or `arrivals` of its own), session length, size in
 * slots of the shared capacity, cold starts and warm pool. Unset keys take the scenario's.
 */
const template = z.strictObject({
  /** Fraction of workload.arrivals that asks for this template (the shares add up to 1). */
  share: num({ min: 0, max: 1, what: 'a fraction in [0, 1] such as 0.3' }).optional(),
  /** Arrivals of its own (poisson, tidal or trace, as workload.arrivals), instead of a share. */
  arrivals: arrivals.optional(),
  sessionDuration: distribution().optional(),
  /** Slots of reserved (and serverless) capacity one sandbox takes. */
  size: count({ min: 1 }).default(1),
  /** Reserved cold start (default: infrastructure.reserved.coldStart, with its accelerations). */
  coldStart: distribution().optional(),
  /** Serverless cold start (default: infrastructure.serverless.coldStart). */
  serverlessColdStart: distribution().optional(),
  /** Its own warm pool (tier and decision interval as infrastructure.warmPool). */
  warmPool: z
    .strictObject({
      size: count().default(0),
      policy: policySchema.optional(),
      claimLatency: distribution().optional(),
    })
    .default({ size: 0 }),
});

const TEMPLATE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const TEMPLATE_BUDGET = /^templates\.([^.]+)\.(.+)$/;

const BUDGET = /^\s*(<=|>=|≤|≥)\s*(.+?)\s*$/;

/** A budget such as `"<= 2s"`, `">= 0.95"`, `"<= 95%"` or `"<= 1200"`. */
const budgetValue = z.unknown().transform((v, ctx): { op: '<=' | '>='; value: number; text: string } => {
  const m = typeof v === 'string' ? BUDGET.exec(v) : null;
  const bad = () => {
    ctx.addIssue({ code: 'custom', message: `expected a bound such as "<= 2s" or ">= 0.95", got ${show(v)}` });
    return z.NEVER;
  };
  if (!m) return bad();
  const op = m[1] === '≤' ? '<=' : m[1] === '≥' ? '>=' : (m[1] as '<=' | '>=');
  let raw = m[2].replace(/^\$/, '');
  let factor = 1;
  if (raw.endsWith('%')) {
    raw = raw.slice(0, -1);
    factor = 0.01;
  }
  const d = parseDuration(raw);
  if (typeof d === 'string') return bad();
  return { op, value: d * factor, text: (v as string).trim() };
});

const budgets = z.record(z.string(), budgetValue).superRefine((b, ctx) => {
  for (const key of Object.keys(b)) {
    if (TEMPLATE_BUDGET.test(key)) continue; // checked against the scenario's templates below
    if (!METRIC_KEYS.includes(key)) {
      const s = suggest(key, METRIC_KEYS);
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown metric${s ? ` (did you mean "${s}"?)` : `; expected a summary key such as startLatency.p99, warmHitRate, cost.total`}` });
    }
  }
});

/** The scenario schema. */
export const scenarioSchema = z
  .strictObject({
    name: z.string({ error: 'expected a name' }).optional(),
    description: z.string().optional(),
    seed: count({ max: Number.MAX_SAFE_INTEGER }).default(1),
    duration: duration({ positive: true }),
    warmup: duration().default(0),
    replications: count({ min: 1, max: LIMITS.replications }).default(1),
    output: z.strictObject({ interval: duration({ positive: true }).default(60) }).default({ interval: 60 }),
    workload: z.strictObject({
      arrivals,
      sessionDuration: distribution(),
      /**
       * Multi-turn sessions: `count` turns (a distribution, rounded up, at least 1) of `active`
       * time (default: sessionDuration) separated by `think` times (the user idle).
       */
      turns: z
        .strictObject({
          count: distribution({ positive: true, of: 'number' }),
          active: distribution().optional(),
          think: distribution(),
        })
        .optional(),
      /**
       * Cloning fan-out (RL rollouts, tree search): events at `at` times or at a Poisson `rate`,
       * each asking for `size` identical sandboxes at once, cloned from a checkpoint in
       * `cloneLatency` (instead of a cold start; no warm pool), each held for `duration`.
       */
      fanout: z
        .strictObject({
          rate: rate().optional(),
          at: z.array(duration(), { error: 'expected a list of times such as [10m, 25m]' }).max(100_000, { error: 'expected at most 100,000 times' }).optional(),
          size: count({ min: 1 }),
          cloneLatency: distribution(),
          duration: distribution(),
        })
        .superRefine((f, ctx) => {
          if ((f.rate === undefined) === (f.at === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of rate or at' });
        })
        .optional(),
    }),
    infrastructure: z
      .strictObject({
        scheduler: scheduler.default({ throughput: Infinity, apiRate: Infinity }),
        reserved: reserved.default({ slots: Infinity, coldStart: { kind: 'fixed', value: 0 }, costPerSlotHour: 0, imageCache: false, eniPrewarm: false }),
        serverless: serverless.default({ enabled: false, maxSlots: Infinity, coldStart: { kind: 'fixed', value: 0 }, costPerSlotSecond: 0 }),
        overflow: overflow.default({ queueThreshold: 500, waitTimeout: 30 }),
        warmPool: warmPool.default({ size: 0, claimLatency: { kind: 'fixed', value: 0 }, tier: 'reserved', decisionInterval: 15 }),
        /**
         * Hibernation of idle sessions: after `idleTimeout` of think time a session's sandbox is
         * released (its state kept, billed as storage) and its next turn wakes it, which needs a
         * slot again (queue or overflow as any request) and takes `wakeLatency`.
         */
        hibernation: z
          .strictObject({
            idleTimeout: duration({ positive: true }),
            wakeLatency: distribution().default({ kind: 'fixed', value: 2 }),
            storageCostPerGiBHour: money().default(0),
            memoryGiB: num({ min: 0, max: LIMITS.sizeGiB, what: 'a non-negative size in GiB, at most 65536' }).default(1),
          })
          .optional(),
        /**
         * Start-up CPU burst ("hot update"): each new sandbox gets `extraCpu` more cores for its
         * first `duration`, cutting every cold start (sessions, refills; not claims, wakes or
         * clones) by `coldStartReduction` (0.6: −60%), billed at `costPerCpuHour`.
         */
        startupBurst: z
          .strictObject({
            coldStartReduction: num({ min: 0, max: 0.99, what: 'a fraction in [0, 0.99] such as 0.6' }),
            extraCpu: num({ min: 0, max: LIMITS.cores, what: 'a non-negative number of cores, at most 10000' }).default(1),
            duration: duration().default(10),
            costPerCpuHour: money().default(0),
          })
          .optional(),
        /**
         * Zones (fault injection): reserved capacity spread evenly over `count` zones (2–4); at
         * `outage.at` zone `outage.zone` goes down for `outage.duration`: its capacity is gone
         * and the sessions on it are lost (hibernated ones too, unless `hibernatedSurvive`).
         */
        zones: z
          .strictObject({
            count: num({ min: 2, max: 4, what: 'a number of zones from 2 to 4' }),
            outage: z.strictObject({ zone: count().default(0), at: duration(), duration: duration({ positive: true }) }).optional(),
            hibernatedSurvive: z.boolean({ error: 'expected true or false' }).default(true),
          })
          .optional(),
        /** Without hibernation: an arrival that finds every reserved slot taken destroys an idle session's sandbox (the session is lost). */
        evictOnPressure: z.boolean({ error: 'expected true or false' }).default(false),
      })
      .default(() => ({
        scheduler: { throughput: Infinity, apiRate: Infinity },
        reserved: { slots: Infinity, coldStart: { kind: 'fixed' as const, value: 0 }, costPerSlotHour: 0, imageCache: false, eniPrewarm: false },
        serverless: { enabled: false, maxSlots: Infinity, coldStart: { kind: 'fixed' as const, value: 0 }, costPerSlotSecond: 0 },
        overflow: { queueThreshold: 500, waitTimeout: 30 },
        warmPool: { size: 0, claimLatency: { kind: 'fixed' as const, value: 0 }, tier: 'reserved' as const, decisionInterval: 15 },
        evictOnPressure: false,
      })),
    /** Several sandbox templates sharing the capacity (see `template`); none: one template, the scenario's own. */
    templates: z.record(z.string(), template).optional(),
    budgets: budgets.default({}),
  })
  .superRefine((s, ctx) => {
    if (s.warmup >= s.duration) {
      ctx.addIssue({ code: 'custom', path: ['warmup'], message: `expected a warm-up shorter than the duration (${s.duration} s), got ${s.warmup} s` });
    }
    const nodes = s.infrastructure.reserved.nodes;
    if (nodes && Number.isFinite(s.infrastructure.reserved.slots)) {
      ctx.addIssue({ code: 'custom', path: ['infrastructure', 'reserved', 'nodes'], message: 'set reserved.slots or reserved.nodes, not both (nodes × slotsPerNode is the capacity)' });
    }
    if (nodes && nodes.min > nodes.max) {
      ctx.addIssue({ code: 'custom', path: ['infrastructure', 'reserved', 'nodes', 'min'], message: `expected min ≤ max (${nodes.max}), got ${nodes.min}` });
    }
    const zones = s.infrastructure.zones;
    if (zones && (!Number.isInteger(zones.count) || (zones.outage && zones.outage.zone >= zones.count))) {
      ctx.addIssue({ code: 'custom', path: ['infrastructure', 'zones'], message: `expected a whole number of zones and an outage zone below it (zones are numbered 0 to ${zones.count - 1})` });
    }
    if (zones && !Number.isFinite(s.infrastructure.reserved.slots) && !s.infrastructure.reserved.nodes) {
      ctx.addIssue({ code: 'custom', path: ['infrastructure', 'zones'], message: 'zones split reserved capacity: give reserved.slots or reserved.nodes' });
    }
    if (s.infrastructure.hibernation && s.infrastructure.evictOnPressure) {
      ctx.addIssue({ code: 'custom', path: ['infrastructure', 'evictOnPressure'], message: 'evictOnPressure is the alternative to hibernation: set one or the other' });
    }
    if ((s.infrastructure.hibernation || s.infrastructure.evictOnPressure) && !s.workload.turns) {
      ctx.addIssue({ code: 'custom', path: ['workload'], message: 'hibernation and evictOnPressure act on idle sessions: add workload.turns (count, think) so sessions have idle time' });
    }
    if (s.workload.turns && s.workload.arrivals.trace?.durationColumn) {
      ctx.addIssue({ code: 'custom', path: ['workload', 'turns'], message: 'turns and a trace durationColumn both set session lengths: use one' });
    }
    checkTemplates(s, ctx);
    if (s.output.interval > s.duration) {
      ctx.addIssue({ code: 'custom', path: ['output', 'interval'], message: `expected an interval no longer than the duration (${s.duration} s)` });
    } else if (s.duration / s.output.interval > MAX_SERIES_POINTS) {
      // each point is a row of the series in memory, per replication (and of timeseries.csv)
      const least = s.duration / MAX_SERIES_POINTS;
      ctx.addIssue({ code: 'custom', path: ['output', 'interval'], message: `${s.output.interval} s over a ${s.duration} s duration makes ${Math.ceil(s.duration / s.output.interval).toLocaleString('en-US')} points of the time series; expected at most ${MAX_SERIES_POINTS.toLocaleString('en-US')} (an interval of at least ${+least.toPrecision(3)} s)` });
    }
    const every = (what: string, path: (string | number)[], stepS: number | undefined, max = MAX_SERIES_POINTS) => {
      if (stepS !== undefined && s.duration / stepS > max) {
        ctx.addIssue({ code: 'custom', path, message: `${stepS} s over a ${s.duration} s duration makes ${Math.ceil(s.duration / stepS).toLocaleString('en-US')} ${what}; expected at most ${max.toLocaleString('en-US')} (at least ${+(s.duration / max).toPrecision(3)} s)` });
      }
    };
    const wp = s.infrastructure.warmPool as { decisionInterval: number; policy?: { forecast?: { step: number } } };
    every('pool decisions', ['infrastructure', 'warmPool', 'decisionInterval'], wp.decisionInterval);
    every('node scans', ['infrastructure', 'reserved', 'nodes', 'scanInterval'], s.infrastructure.reserved.nodes?.scanInterval);
    // the forecast policy fits on arrivals summed to its step (never finer than a decision interval)
    const policies = [['infrastructure', 'warmPool'], ...Object.keys(s.templates ?? {}).map((t) => ['templates', t, 'warmPool'])];
    for (const path of policies) {
      const pool = path.length === 2 ? wp : (s.templates![path[1]].warmPool as { policy?: { forecast?: { step: number } } });
      const f = pool.policy?.forecast;
      if (f) every('forecast steps of history', [...path, 'policy', 'forecast', 'step'], Math.max(f.step, wp.decisionInterval), MAX_FORECAST_HISTORY);
    }
    for (const [path, t] of tidalSpecs(s)) {
      if (s.duration / t.step > MAX_SERIES_POINTS) {
        ctx.addIssue({ code: 'custom', path: [...path, 'step'], message: `${t.step} s over a ${s.duration} s duration makes ${Math.ceil(s.duration / t.step).toLocaleString('en-US')} steps of the rate curve; expected at most ${MAX_SERIES_POINTS.toLocaleString('en-US')} (a step of at least ${+(s.duration / MAX_SERIES_POINTS).toPrecision(3)} s)` });
      }
      // each burst is drawn before the run: 10^7/s over a day was 10^12 draws
      const b = t.bursts;
      if (b && b.rate * s.duration > MAX_SERIES_POINTS) {
        ctx.addIssue({ code: 'custom', path: [...path, 'bursts', 'rate'], message: `${+b.rate.toPrecision(6)}/s over a ${s.duration} s duration makes ${(b.rate * s.duration).toExponential(1).replace('e+', 'e')} bursts; expected at most ${MAX_SERIES_POINTS.toLocaleString('en-US')} (a rate of at most ${+(MAX_SERIES_POINTS / s.duration).toPrecision(3)}/s; bursts that overlap merge, so a rate past 1/step lifts every step anyway)` });
      }
    }
  });

/** Most points of a per-interval series or a rate curve: a year at 30 s, a day at 0.1 s. */
export const MAX_SERIES_POINTS = 1_000_000;
/** Most steps of history the forecast policy fits on: 10 weeks at 1 minute, a day at 1 s. */
export const MAX_FORECAST_HISTORY = 100_000;

/** The tidal arrival specs of a scenario, with their key paths. */
function tidalSpecs(s: { workload: { arrivals: { tidal?: { step: number; bursts?: { rate: number } } } }; templates?: Record<string, { arrivals?: { tidal?: { step: number; bursts?: { rate: number } } } }> }): [string[], { step: number; bursts?: { rate: number } }][] {
  const out: [string[], { step: number; bursts?: { rate: number } }][] = [];
  if (s.workload.arrivals.tidal) out.push([['workload', 'arrivals', 'tidal'], s.workload.arrivals.tidal]);
  for (const [name, t] of Object.entries(s.templates ?? {})) if (t.arrivals?.tidal) out.push([['templates', name, 'arrivals', 'tidal'], t.arrivals.tidal]);
  return out;
}

type Parsed = z.output<z.ZodObject<{ templates: z.ZodOptional<z.ZodRecord<z.ZodString, typeof template>> }>> & {
  infrastructure: { warmPool: { size: number; policy?: unknown } };
  workload: { arrivals: { trace?: { durationColumn?: string } }; turns?: unknown };
  budgets: Record<string, unknown>;
};

/** Templates: names, shares that add up to 1, warm pools set per template, budgets naming real templates and keys. */
function checkTemplates(s: Parsed, ctx: z.RefinementCtx): void {
  const t = s.templates;
  for (const key of Object.keys(s.budgets)) {
    const m = TEMPLATE_BUDGET.exec(key);
    if (!m) continue;
    if (!t || !(m[1] in t)) {
      ctx.addIssue({ code: 'custom', path: ['budgets', key], message: `no template "${m[1]}"${t ? ` (templates: ${Object.keys(t).join(', ')})` : ' (the scenario has no templates)'}` });
    } else if (!TEMPLATE_METRIC_KEYS.includes(m[2])) {
      const hint = suggest(m[2], TEMPLATE_METRIC_KEYS);
      ctx.addIssue({ code: 'custom', path: ['budgets', key], message: `unknown per-template metric${hint ? ` (did you mean "templates.${m[1]}.${hint}"?)` : '; expected a key such as templates.<name>.startLatency.p99'}` });
    }
  }
  if (!t) return;
  const names = Object.keys(t);
  const at = (name: string, ...rest: string[]) => ['templates', name, ...rest];
  if (names.length === 0 || names.length > 15) {
    ctx.addIssue({ code: 'custom', path: ['templates'], message: `expected 1 to 15 templates, got ${names.length}` });
    return;
  }
  let shares = 0;
  let shared = 0;
  for (const name of names) {
    const x = t[name];
    if (!TEMPLATE_NAME.test(name)) ctx.addIssue({ code: 'custom', path: at(name), message: 'expected a template name of letters, digits, "_" or "-", starting with a letter' });
    if ((x.share === undefined) === (x.arrivals === undefined)) {
      ctx.addIssue({ code: 'custom', path: at(name), message: 'expected exactly one of share (of workload.arrivals) or arrivals (its own)' });
    }
    if (x.share !== undefined) {
      shares += x.share;
      shared++;
    }
    if (x.arrivals?.trace?.durationColumn && s.workload.turns) {
      ctx.addIssue({ code: 'custom', path: at(name, 'arrivals', 'trace'), message: 'turns and a trace durationColumn both set session lengths: use one' });
    }
  }
  if (shared === 0) {
    ctx.addIssue({ code: 'custom', path: ['templates'], message: 'no template takes a share of workload.arrivals: give one or more templates a share' });
  } else if (Math.abs(shares - 1) > 1e-9) {
    ctx.addIssue({ code: 'custom', path: ['templates'], message: `expected the templates' shares of workload.arrivals to add up to 1, got ${+shares.toFixed(9)}` });
  }
  const wp = s.infrastructure.warmPool;
  if (wp.size > 0 || wp.policy) {
    ctx.addIssue({ code: 'custom', path: ['infrastructure', 'warmPool'], message: 'with templates, each template has its own pool: set templates.<name>.warmPool.size (and policy) instead of infrastructure.warmPool.size and policy' });
  }
}

/** A validated scenario with every default filled in (seconds, per-second rates, specs). */
export type Scenario = z.output<typeof scenarioSchema> & { name: string };
/** Arrivals as validated. */
export type ArrivalsSpec = Scenario['workload']['arrivals'];
/** Tidal arrivals as validated. */
export type TidalSpec = NonNullable<ArrivalsSpec['tidal']>;
/** A warm-pool policy as validated. */
export type PolicySpec = NonNullable<Scenario['infrastructure']['warmPool']['policy']>;
/** A template as validated. */
export type TemplateSpec = z.output<typeof template>;
/** Trace arrivals as validated. */
export type TraceSpec = NonNullable<ArrivalsSpec['trace']>;
