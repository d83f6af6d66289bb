// The soak test's child (run with --expose-gc by soak.test.ts): the live loop (runLive) on a
// simulated clock for N decisions with the HTTP + metrics sinks, a source that fails, spikes and
// goes missing now and then; prints heap after GC at decision 1,000 and at the last, and the
// abort listeners on the shutdown signal at both.
import { getEventListeners } from 'node:events';
import { parseScalerConfig } from '../../dist/scaler/config.js';
import { runLive, startScaler } from '../../dist/scaler/run.js';
import { SourceError } from '../../dist/scaler/source.js';

const N = Number(process.argv[2] ?? 20000);
const STEP = 15;
const c = parseScalerConfig(`
interval: ${STEP}s
history: 1d
leadTime: 30s
policy: { little: { window: 2m } }
source: { file: { path: unused.csv } }
sinks: { http: { listen: "127.0.0.1:0" } }
safety: { staleAfter: 1m, floor: 10, floorAfter: 5m }
`);
const stop = new AbortController();
let clock = 1_700_000_000;
let decisions = 0;
let lastEnd = NaN;
const retry = (endS, n) => Promise.reject(new SourceError('timeout', 'injected, again'));
const marks = {};
const mark = (name) => {
  global.gc();
  global.gc();
  marks[name] = { heapUsed: process.memoryUsage().heapUsed, listeners: getEventListeners(stop.signal, 'abort').length };
};
const source = {
  name: 'soak',
  async read(endS, n, stepS) {
    if (endS === lastEnd) return retry(endS, n, stepS); // a retry of the same decision
    lastEnd = endS;
    decisions++;
    clock = endS + STEP; // the next grid point is due at once
    if (decisions === 1000) mark('first');
    if (decisions >= N) stop.abort();
    if (decisions % 97 === 0) throw new SourceError('timeout', 'injected');
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = endS - (n - 1 - i) * stepS;
      out[i] = decisions % 503 === 0 && i === n - 1 ? NaN : Math.round(300 + 200 * Math.sin((2 * Math.PI * t) / 86400));
    }
    if (decisions % 331 === 0) out[n - 1] = 1e12;
    return out;
  },
};
// backoffs are not waited for on a simulated clock
const r = await startScaler(c, { source, log: () => {}, sleep: async () => {} });
await runLive(r, STEP, stop.signal, () => clock);
mark('last');
await r.close();
process.stdout.write(JSON.stringify({ decisions, ...marks }) + '\n');
