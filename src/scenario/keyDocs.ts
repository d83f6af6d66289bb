/**
 * What each scenario key means, with its unit: the text an editor shows on hover (through the
 * JSON Schema, see jsonSchema.ts). Keyed by dotted path; a template's keys use `*` for its name,
 * and a template's `arrivals` and `warmPool.policy` share the docs of workload.arrivals and
 * infrastructure.warmPool.policy. Generating the schema fails when a key has no entry here.
 */
export interface KeyDoc {
  /** What the key sets. */
  text: string;
  /** Its unit, as the file writes it. */
  unit?: string;
  /** Values as a user would write them. */
  examples?: unknown[];
}

const D = 'seconds or text such as "2s", "10m"';
const R = 'per second, or text such as "9/s", "500/min"';
const DIST = 'a duration or a distribution of durations';

/** Units that a leaf's own description (what it accepts) already says. */
export const LEAF_UNITS: readonly string[] = [D, R, DIST];

const policy = (name: string, text: string): Record<string, KeyDoc> => ({ [`infrastructure.warmPool.policy.${name}`]: { text } });

/** Descriptions of every scenario key. */
export const KEY_DOCS: Record<string, KeyDoc> = {
  name: { text: 'Name of the scenario, shown in reports (default: the file name)' },
  description: { text: 'One line about the scenario, shown in reports' },
  seed: { text: 'Seed of the random streams: the same seed and scenario give the same output, byte for byte', examples: [7] },
  duration: { text: 'Simulated time to run', unit: D, examples: ['4h', '1d'] },
  warmup: { text: 'Time at the start left out of the statistics (the fleet fills up)', unit: D, examples: ['10m'] },
  replications: { text: 'Independent runs with different streams; confidence intervals come from their spread', examples: [3, 5] },
  output: { text: 'Time series output' },
  'output.interval': { text: 'Step of the time series in reports and timeseries.csv', unit: D, examples: ['1m'] },
  workload: { text: 'The demand: arrivals of sessions and how long they last' },
  'workload.arrivals': { text: 'How sessions arrive: exactly one of poisson, tidal or trace' },
  'workload.arrivals.poisson': { text: 'A constant-rate Poisson process' },
  'workload.arrivals.poisson.rate': { text: 'Mean arrival rate', unit: R, examples: ['5/s', '300/min'] },
  'workload.arrivals.tidal': { text: 'A daily tide between a trough and a peak, with weekly pattern, growth, noise and bursts' },
  'workload.arrivals.tidal.peak': { text: 'Arrival rate at the daily peak', unit: R, examples: ['500/s'] },
  'workload.arrivals.tidal.trough': { text: 'Arrival rate at the daily trough (at most the peak)', unit: R, examples: ['60/s'] },
  'workload.arrivals.tidal.peakAt': { text: 'Time of day of the peak, from midnight', unit: D, examples: ['14h'] },
  'workload.arrivals.tidal.period': { text: 'Length of the cycle (a day)', unit: D, examples: ['1d'] },
  'workload.arrivals.tidal.startAt': { text: 'Time of day at simulated time 0', unit: D, examples: ['8h'] },
  'workload.arrivals.tidal.weekly': { text: 'Multipliers for the 7 days of the simulated week, day 0 first (e.g. lower at weekends)', examples: [[1, 1, 1, 1, 0.95, 0.6, 0.5]] },
  'workload.arrivals.tidal.growth': { text: 'Relative growth per day, compounding (0.01 = +1% a day)', unit: 'fraction per day', examples: [0.002] },
  'workload.arrivals.tidal.noise': { text: 'Standard deviation of the log of a multiplicative noise per step (0 = none)', unit: 'σ of log-rate', examples: [0.05] },
  'workload.arrivals.tidal.step': { text: 'Resolution of the rate curve', unit: D, examples: ['1m'] },
  'workload.arrivals.tidal.bursts': { text: 'Random bursts on top of the tide' },
  'workload.arrivals.tidal.bursts.rate': { text: 'How often bursts start (a Poisson process)', unit: R, examples: ['2/h', '4/d'] },
  'workload.arrivals.tidal.bursts.factor': { text: 'Traffic multiplier during a burst (≥ 1)', unit: '×', examples: [1.5, 2] },
  'workload.arrivals.tidal.bursts.duration': { text: 'How long a burst lasts', unit: D, examples: ['5m'] },
  'workload.arrivals.trace': { text: 'Replay a CSV trace (a row per request, or per interval with a count or rate)' },
  'workload.arrivals.trace.path': { text: "CSV file, relative to the current directory, else to the scenario's folder", examples: ['../traces/azure-code-2023.csv'] },
  'workload.arrivals.trace.scale': { text: 'Traffic multiplier (2 = twice the traffic, 0.5 = half)', unit: '×', examples: [1, 10] },
  'workload.arrivals.trace.format': { text: '"requests" (a row per request), "intervals" (a row per interval with a count or rate column) or "auto" (by the columns present)' },
  'workload.arrivals.trace.timeColumn': { text: 'The time column (default: the first); numbers are seconds, strings are UTC date-times' },
  'workload.arrivals.trace.durationColumn': { text: 'A per-request duration column, used as the session duration' },
  'workload.arrivals.trace.durationScale': { text: 'Seconds per unit of the duration column (0.02 reads generated tokens at 50 tokens/s)', unit: 's per unit', examples: [1, 0.02] },
  'workload.arrivals.trace.countColumn': { text: 'Interval traces: the column with requests per interval (default "count")' },
  'workload.arrivals.trace.rateColumn': { text: 'Interval traces: a column with the rate per second instead of a count' },
  'workload.arrivals.trace.loop': { text: 'Replay the trace again from its start when it ends before the duration' },
  'workload.arrivals.trace.jitter': { text: 'Extra copies made by a scale above 1 are spread by up to this much (uniform)', unit: D, examples: ['1s'] },
  'workload.sessionDuration': { text: 'How long a session holds its sandbox once started', unit: DIST, examples: [{ lognormal: { median: '2m', p99: '15m' } }, '90s'] },
  'workload.turns': { text: 'Multi-turn sessions: count turns of active time separated by think time (the user idle)' },
  'workload.turns.count': { text: 'Turns per session (a distribution of numbers, rounded up, at least 1)', examples: [{ exponential: { mean: 4 } }, 3] },
  'workload.turns.active': { text: 'Active time per turn (default: workload.sessionDuration)', unit: DIST },
  'workload.turns.think': { text: 'Idle time between turns', unit: DIST, examples: [{ exponential: { mean: '2m' } }] },
  'workload.fanout': { text: 'Cloning fan-out (RL rollouts, tree search): events asking for many identical sandboxes at once, cloned from a checkpoint' },
  'workload.fanout.rate': { text: 'Fan-out events as a Poisson process (or give at)', unit: R, examples: ['12/h'] },
  'workload.fanout.at': { text: 'Fan-out events at these times (or give rate)', unit: `a list of durations, ${D}`, examples: [['10m', '25m']] },
  'workload.fanout.size': { text: 'Sandboxes per fan-out event', unit: 'sandboxes', examples: [4096] },
  'workload.fanout.cloneLatency': { text: 'Time to clone one sandbox from the checkpoint (instead of a cold start)', unit: DIST, examples: ['3s'] },
  'workload.fanout.duration': { text: 'How long each cloned sandbox is held', unit: DIST, examples: [{ exponential: { mean: '4m' } }] },
  infrastructure: { text: 'The capacity serving the workload: reserved, serverless, warm pool, scheduler' },
  'infrastructure.scheduler': { text: 'Placement limits before a sandbox starts' },
  'infrastructure.scheduler.throughput': { text: 'Sandbox creations placed per second ("unlimited" = no bottleneck)', unit: R, examples: ['300/s', 'unlimited'] },
  'infrastructure.scheduler.apiRate': { text: 'API server calls per second, creates and deletes alike ("unlimited" = no limit)', unit: R, examples: ['1000/s'] },
  'infrastructure.reserved': { text: 'Reserved (paid-for) capacity: fixed slots, or nodes with an autoscaler' },
  'infrastructure.reserved.slots': { text: 'Sandboxes the reserved capacity holds at once ("unlimited" = no limit)', unit: 'slots', examples: [950, 'unlimited'] },
  'infrastructure.reserved.coldStart': { text: 'Time to start a sandbox on reserved capacity', unit: DIST, examples: [{ lognormal: { median: '2s', p99: '6s' } }] },
  'infrastructure.reserved.costPerSlotHour': { text: 'Price of one reserved slot for an hour, busy or not', unit: 'currency per slot-hour', examples: [0.05] },
  'infrastructure.reserved.nodes': { text: 'Reserved capacity as nodes with an autoscaler between min and max (instead of slots); billed per node-hour' },
  'infrastructure.reserved.nodes.min': { text: 'Fewest nodes', unit: 'nodes', examples: [10] },
  'infrastructure.reserved.nodes.max': { text: 'Most nodes', unit: 'nodes', examples: [200] },
  'infrastructure.reserved.nodes.initial': { text: 'Nodes at time 0 (default: min)', unit: 'nodes' },
  'infrastructure.reserved.nodes.slotsPerNode': { text: 'Sandboxes one node holds', unit: 'slots per node', examples: [32] },
  'infrastructure.reserved.nodes.spareSlots': { text: 'Slots the autoscaler keeps free ahead of demand (overprovisioning), besides what waits', unit: 'slots' },
  'infrastructure.reserved.nodes.provision': { text: 'Time for a new node to be ready', unit: DIST, examples: [{ lognormal: { median: '90s', p99: '4m' } }] },
  'infrastructure.reserved.nodes.scaleInAfter': { text: "A node is removed after a node's worth of slots has been free this long", unit: D, examples: ['10m'] },
  'infrastructure.reserved.nodes.scanInterval': { text: 'How often the autoscaler looks', unit: D, examples: ['10s'] },
  'infrastructure.reserved.nodes.costPerNodeHour': { text: 'Price of one node for an hour', unit: 'currency per node-hour', examples: [1.6] },
  'infrastructure.reserved.nodes.prepackedImages': { text: 'Business images pre-packed into the node image: node initialisation −60%' },
  'infrastructure.reserved.nodes.diskSnapshot': { text: 'Nodes cloned from a disk snapshot: initialisation takes snapshotInit instead of minutes' },
  'infrastructure.reserved.nodes.snapshotInit': { text: 'Node initialisation from a disk snapshot', unit: DIST, examples: ['15s'] },
  'infrastructure.reserved.coldStartParts': { text: 'Parts of the cold start that accelerations remove (imageCache, eniPrewarm)' },
  'infrastructure.reserved.coldStartParts.imagePull': { text: 'Image pull time, gone with imageCache: true', unit: D, examples: ['4s'] },
  'infrastructure.reserved.coldStartParts.podNetwork': { text: 'Pod network set-up time, gone with eniPrewarm: true', unit: D, examples: ['1s'] },
  'infrastructure.reserved.imageCache': { text: 'Sandbox images cached on nodes: the cold start loses coldStartParts.imagePull' },
  'infrastructure.reserved.eniPrewarm': { text: 'Network interfaces pre-attached: the cold start loses coldStartParts.podNetwork' },
  'infrastructure.serverless': { text: 'Serverless overflow capacity, billed per slot-second used' },
  'infrastructure.serverless.enabled': { text: 'Overflow to serverless capacity (off: requests wait for reserved slots)' },
  'infrastructure.serverless.maxSlots': { text: 'Most serverless sandboxes at once ("unlimited" = no limit)', unit: 'slots', examples: ['unlimited', 5000] },
  'infrastructure.serverless.coldStart': { text: 'Time to start a serverless sandbox', unit: DIST, examples: ['800ms'] },
  'infrastructure.serverless.costPerSlotSecond': { text: 'Price of one serverless sandbox for a second', unit: 'currency per slot-second', examples: [0.00003] },
  'infrastructure.overflow': { text: 'When waiting requests go to serverless capacity' },
  'infrastructure.overflow.queueThreshold': { text: 'Overflow on arrival when this many requests already wait (0: whenever no reserved slot is free)', unit: 'requests', examples: [500] },
  'infrastructure.overflow.waitTimeout': { text: 'Overflow a waiting request once its wait reaches this ("never" to wait forever)', unit: D, examples: ['30s', 'never'] },
  'infrastructure.warmPool': { text: 'Pre-started sandboxes that a session claims instead of a cold start' },
  'infrastructure.warmPool.size': { text: 'Ready sandboxes the pool starts with (and keeps, without a policy)', unit: 'sandboxes', examples: [20] },
  'infrastructure.warmPool.policy': { text: "How the pool's target moves over time: exactly one of static, little, hpa, kpa, predictiveHourly, forecast or oracle" },
  ...policy('static', 'Keep the pool at size'),
  ...policy('little', "Little's law: target = headroom × arrival rate × refill time, over a window"),
  'infrastructure.warmPool.policy.little.headroom': { text: 'Multiplier on the estimated need', unit: '×', examples: [1.5] },
  'infrastructure.warmPool.policy.little.window': { text: 'Window the arrival rate is measured over', unit: D, examples: ['1m'] },
  ...policy('hpa', 'Kubernetes HPA on pool utilisation'),
  'infrastructure.warmPool.policy.hpa.targetUtilization': { text: 'Utilisation the HPA aims at, in (0, 1]', unit: 'fraction', examples: [0.7] },
  'infrastructure.warmPool.policy.hpa.stabilization': { text: 'Scale-down stabilisation window', unit: D, examples: ['5m'] },
  'infrastructure.warmPool.policy.hpa.syncPeriod': { text: 'How often the HPA decides', unit: D, examples: ['15s'] },
  ...policy('kpa', 'Knative KPA: stable and panic windows'),
  'infrastructure.warmPool.policy.kpa.targetPerSandbox': { text: 'Target utilisation per sandbox, in (0, 1]', unit: 'fraction', examples: [0.7] },
  'infrastructure.warmPool.policy.kpa.stableWindow': { text: 'Stable window', unit: D, examples: ['60s'] },
  'infrastructure.warmPool.policy.kpa.panicWindow': { text: 'Panic window', unit: D, examples: ['6s'] },
  ...policy('predictiveHourly', "Last week's same hour, times headroom"),
  'infrastructure.warmPool.policy.predictiveHourly.headroom': { text: 'Multiplier on the prediction', unit: '×', examples: [1.5] },
  'infrastructure.warmPool.policy.predictiveHourly.buffer': { text: 'How far ahead of the hour the pool is sized', unit: D, examples: ['5m'] },
  ...policy('forecast', 'Forecast arrivals and size the pool for a hit-rate goal (Erlang loss on the forecast quantiles)'),
  'infrastructure.warmPool.policy.forecast.hitRate': { text: 'Warm-hit rate goal', unit: 'fraction', examples: [0.99] },
  'infrastructure.warmPool.policy.forecast.step': { text: 'Step of the forecast series', unit: D, examples: ['1m'] },
  'infrastructure.warmPool.policy.forecast.refit': { text: 'How often the model is refitted', unit: D, examples: ['1h'] },
  ...policy('oracle', 'Knows the future arrivals: a lower bound on what a policy can do'),
  'infrastructure.warmPool.policy.oracle.slack': { text: 'Sandboxes added to the target', unit: 'sandboxes', examples: [0] },
  'infrastructure.warmPool.policy.oracle.scale': { text: 'Window rule: multiplier on the arrivals in the coming window (default 1)', unit: '×' },
  'infrastructure.warmPool.policy.oracle.hitRate': { text: 'Erlang-loss rule: the hit-rate goal (instead of scale)', unit: 'fraction', examples: [0.99] },
  'infrastructure.warmPool.policy.oracle.window': { text: 'How far ahead the oracle looks', unit: D, examples: ['5s'] },
  'infrastructure.warmPool.decisionInterval': { text: "Time between the policy's decisions", unit: D, examples: ['15s'] },
  'infrastructure.warmPool.claimLatency': { text: 'Time to hand a ready sandbox to a session (the fastest possible start)', unit: DIST, examples: ['50ms'] },
  'infrastructure.warmPool.tier': { text: "Which capacity the pool's ready sandboxes occupy: reserved or serverless" },
  'infrastructure.hibernation': { text: "Idle sessions release their sandbox after idleTimeout (state kept as storage); the next turn wakes them" },
  'infrastructure.hibernation.idleTimeout': { text: 'Think time after which a session hibernates', unit: D, examples: ['5m'] },
  'infrastructure.hibernation.wakeLatency': { text: 'Time to wake a hibernated session', unit: DIST, examples: ['2s'] },
  'infrastructure.hibernation.storageCostPerGiBHour': { text: 'Price of stored state', unit: 'currency per GiB-hour', examples: [0.0001] },
  'infrastructure.hibernation.memoryGiB': { text: 'State kept per hibernated session', unit: 'GiB', examples: [1] },
  'infrastructure.startupBurst': { text: 'Start-up CPU burst: extra cores for a new sandbox, cutting every cold start' },
  'infrastructure.startupBurst.coldStartReduction': { text: 'Fraction cut from each cold start (0.6 = −60%)', unit: 'fraction in [0, 0.99]', examples: [0.6] },
  'infrastructure.startupBurst.extraCpu': { text: 'Extra cores per new sandbox', unit: 'cores', examples: [1] },
  'infrastructure.startupBurst.duration': { text: 'How long the extra cores stay', unit: D, examples: ['10s'] },
  'infrastructure.startupBurst.costPerCpuHour': { text: 'Price of the extra cores', unit: 'currency per core-hour', examples: [0.04] },
  'infrastructure.zones': { text: 'Reserved capacity spread over zones, with an optional zone outage (fault injection)' },
  'infrastructure.zones.count': { text: 'Number of zones (2–4)', unit: 'zones', examples: [3] },
  'infrastructure.zones.outage': { text: 'One zone down for a while: its capacity gone, its sessions lost' },
  'infrastructure.zones.outage.zone': { text: 'Which zone (0 to count − 1)', examples: [1] },
  'infrastructure.zones.outage.at': { text: 'When the outage starts, from time 0', unit: D, examples: ['6h'] },
  'infrastructure.zones.outage.duration': { text: 'How long the zone is down', unit: D, examples: ['30m'] },
  'infrastructure.zones.hibernatedSurvive': { text: "Hibernated sessions' state survives the outage (kept off-node)" },
  'infrastructure.evictOnPressure': { text: "Without hibernation: an arrival that finds every reserved slot taken destroys an idle session's sandbox (the session is lost)" },
  templates: { text: 'Several sandbox templates sharing the capacity, by name (1 to 15); unset keys take the scenario\'s' },
  'templates.*.share': { text: 'Fraction of workload.arrivals asking for this template (shares add up to 1)', unit: 'fraction', examples: [0.7] },
  'templates.*.arrivals': { text: 'Arrivals of its own (as workload.arrivals), instead of a share' },
  'templates.*.sessionDuration': { text: 'Session length for this template (default: workload.sessionDuration)', unit: DIST },
  'templates.*.size': { text: 'Slots of reserved (and serverless) capacity one sandbox takes', unit: 'slots', examples: [1, 4] },
  'templates.*.coldStart': { text: 'Reserved cold start (default: infrastructure.reserved.coldStart)', unit: DIST },
  'templates.*.serverlessColdStart': { text: 'Serverless cold start (default: infrastructure.serverless.coldStart)', unit: DIST },
  'templates.*.warmPool': { text: 'Its own warm pool (tier and decision interval as infrastructure.warmPool)' },
  'templates.*.warmPool.size': { text: 'Ready sandboxes the pool starts with', unit: 'sandboxes', examples: [20] },
  'templates.*.warmPool.policy': { text: "How the pool's target moves (as infrastructure.warmPool.policy)" },
  'templates.*.warmPool.claimLatency': { text: 'Time to hand a ready sandbox to a session', unit: DIST, examples: ['50ms'] },
  budgets: { text: 'Bounds on summary metrics that `tidecast check` judges (and `run` reports)', examples: [{ 'startLatency.p99': '<= 2s', warmHitRate: '>= 0.95', 'cost.total': '<= $120' }] },
};

/** Looks a key up, with a template's arrivals and pool policy sharing the scenario-level docs. */
export function keyDoc(path: string): KeyDoc | undefined {
  return (
    KEY_DOCS[path] ??
    KEY_DOCS[path.replace(/^templates\.\*\.arrivals/, 'workload.arrivals')] ??
    KEY_DOCS[path.replace(/^templates\.\*\.warmPool\.policy/, 'infrastructure.warmPool.policy')]
  );
}

/** A whole small scenario, as the schema's example. */
export const TOP_EXAMPLE = {
  name: 'small',
  duration: '4h',
  warmup: '10m',
  replications: 3,
  workload: { arrivals: { poisson: { rate: '5/s' } }, sessionDuration: { lognormal: { median: '2m', p99: '15m' } } },
  infrastructure: {
    reserved: { slots: 950, coldStart: { lognormal: { median: '2s', p99: '6s' } }, costPerSlotHour: 0.05 },
    serverless: { enabled: true, coldStart: '800ms', costPerSlotSecond: 0.00003 },
    warmPool: { size: 20, claimLatency: '50ms' },
  },
  budgets: { 'startLatency.p99': '<= 2s', warmHitRate: '>= 0.95' },
};
