import { describe, expect, it } from 'vitest';
import { erlangB, kaufmanRoberts } from '../../src/queueing/erlang.js';
import { parseScenario } from '../../src/scenario/load.js';
import { estimate, simulate } from '../helpers.js';

/** Theory inside the replications' 95% interval and within `rel` of the estimate. */
function expectMatches(results: ReturnType<typeof simulate>, path: string, theory: number, rel = 0.03) {
  const e = estimate(results, path);
  const msg = `${path}: simulated ${e.mean} [${e.lo}, ${e.hi}] vs theory ${theory}`;
  expect(Math.abs(e.mean - theory) / theory, msg).toBeLessThan(rel);
  expect(e.lo <= theory && theory <= e.hi, msg).toBe(true);
}

const lognormalMean = (mean: number, sigma = 0.8) => `{ lognormal: { mu: ${Math.log(mean) - 0.5 * sigma * sigma}, sigma: ${sigma} } }`;

describe('several sandbox templates on shared reserved capacity', () => {
  // 20 slots; 10 arrivals/s, 80% python (1 slot, 1 s sessions: 8 Erlangs), 20% data (4 slots,
  // 0.75 s sessions: 1.5 Erlangs of 4-slot requests); overflow whenever a request does not fit.
  // The multi-rate loss system: Kaufman–Roberts gives 3.9% and 20.0% blocked. Ignoring sizes
  // would give Erlang B(20, 9.5) = 0.1% for both; ignoring per-template durations or shares
  // moves both by far more than the 3% tolerance.
  const results = simulate(
    `
seed: 11
duration: 20000
warmup: 500
workload:
  arrivals: { poisson: { rate: 10/s } }
  sessionDuration: 5m   # every template sets its own
infrastructure:
  reserved: { slots: 20 }
  serverless: { enabled: true }
  overflow: { queueThreshold: 0, waitTimeout: never }
templates:
  python: { share: 0.8, sessionDuration: ${lognormalMean(1)} }
  data: { share: 0.2, size: 4, sessionDuration: ${lognormalMean(0.75)} }
`,
    10,
  );
  const [bPy, bData] = kaufmanRoberts(20, [8, 1.5], [1, 4]);

  it('blocking per template is the multi-rate loss system (Kaufman–Roberts)', () => {
    expectMatches(results, 'templates.python.overflowRate', bPy); // 0.0389
    expectMatches(results, 'templates.data.overflowRate', bData); // 0.1995
    expect(bData).toBeGreaterThan(40 * erlangB(20, 9.5));
  });

  it('each template holds size × carried load of the reserved slots (Little), and the totals add up', () => {
    expectMatches(results, 'templates.python.capacity.reservedBusy.mean', 8 * 1 * (1 - bPy));
    expectMatches(results, 'templates.data.capacity.reservedBusy.mean', 1.5 * 4 * (1 - bData));
    expectMatches(results, 'capacity.reservedBusy.mean', 8 * (1 - bPy) + 6 * (1 - bData));
    for (const r of results) {
      const m = r.metrics as any;
      const py = m.templates.python;
      const data = m.templates.data;
      // the shares split the arrivals; every total is the sum of its templates
      for (const k of ['arrived', 'started', 'completed', 'inFlight', 'rejected', 'overflowed', 'lost']) {
        expect(py.sessions[k] + data.sessions[k], k).toBe(m.sessions[k]);
      }
      // conservation per template
      for (const t of [py, data]) expect(t.sessions.arrived).toBe(t.sessions.completed + t.sessions.inFlight + t.sessions.rejected + t.sessions.lost);
      expect(Math.abs(py.sessions.arrived / m.sessions.arrived - 0.8)).toBeLessThan(0.005); // 195k arrivals: σ = 0.0009
      expect(py.cost.total + data.cost.total).toBeCloseTo(m.cost.total, 6);
    }
  });
});

describe('a warm pool per template', () => {
  it('each template’s hit rate is 1 − ErlangB(its pool, its λ × its own refill lead time)', () => {
    // unlimited capacity; python: pool 10, λ = 4/s, cold start 2 s (1 − B(10, 8) = 0.878);
    // browser: pool 4, λ = 1/s, its own cold start 3 s (1 − B(4, 3) = 0.794).
    const results = simulate(
      `
seed: 7
duration: 20000
warmup: 500
workload:
  arrivals: { poisson: { rate: 5/s } }
  sessionDuration: { exponential: { mean: 30s } }
infrastructure:
  reserved: { slots: unlimited, coldStart: 2s }
templates:
  python: { share: 0.8, warmPool: { size: 10 } }
  browser: { share: 0.2, coldStart: 3s, size: 2, warmPool: { size: 4 } }
`,
      10,
    );
    expectMatches(results, 'templates.python.warmHitRate', 1 - erlangB(10, 8), 0.02);
    expectMatches(results, 'templates.browser.warmHitRate', 1 - erlangB(4, 3), 0.02);
    // a cold start is the template's own: python waits 2 s, browser 3 s
    expect(estimate(results, 'templates.python.startLatency.max').mean).toBeCloseTo(2, 6);
    expect(estimate(results, 'templates.browser.startLatency.max').mean).toBeCloseTo(3, 6);
  });

  it('a template’s own policy drives its own pool; arrivals of its own come on top of the shares', () => {
    const [r] = simulate(`
seed: 3
duration: 2h
warmup: 10m
workload:
  arrivals: { poisson: { rate: 5/s } }
  sessionDuration: 1m
infrastructure:
  reserved: { slots: unlimited, coldStart: 2s }
templates:
  python: { share: 1, warmPool: { size: 0, policy: { little: { headroom: 2 } } } }
  browser: { arrivals: { poisson: { rate: 1/s } }, warmPool: { size: 3 } }
`);
    const m = r.metrics as any;
    const window = 2 * 3600 - 600;
    // λ = 5/s × 2 s × headroom 2 = 20 sandboxes targeted; the static pool stays at 3
    expect(m.templates.python.pool.ready.mean).toBeGreaterThan(10);
    expect(m.templates.python.warmHitRate).toBeGreaterThan(0.99);
    expect(m.templates.browser.pool.ready.mean).toBeLessThanOrEqual(3);
    expect(Math.abs(m.templates.browser.sessions.arrived / window - 1)).toBeLessThan(0.05);
    expect(Math.abs(m.templates.python.sessions.arrived / window - 5)).toBeLessThan(0.1);
  });

  it('FIFO across templates: a big head of the queue is not overtaken by small ones behind it', () => {
    // 4 slots, 100 s sessions. t = 0: a python session takes 1 slot, then a data sandbox (4
    // slots) finds 3 free and queues; t = 1: three python sessions find 3 slots free but queue
    // behind it, as does one at t = 3. At 100 s the data sandbox starts (latency 100 s), at 200 s
    // the python ones (latencies 199 s and 197 s). First-fit would start them at t = 1.
    const [r] = simulate(`
seed: 1
duration: 1000
workload:
  arrivals: { trace: { path: ${new URL('./fixtures/fifo-templates.csv', import.meta.url).pathname} } }
  sessionDuration: 100s
infrastructure:
  reserved: { slots: 4 }
  overflow: { queueThreshold: 100, waitTimeout: never }
templates:
  python: { share: 1 }
  data: { arrivals: { trace: { path: ${new URL('./fixtures/fifo-templates-data.csv', import.meta.url).pathname} } }, size: 4 }
`);
    const m = r.metrics as any;
    expect(m.templates.data.startLatency.max).toBeCloseTo(100, 6);
    expect(m.templates.python.startLatency.max).toBeCloseTo(199, 6);
    expect(m.templates.python.sessions.queued).toBe(4);
    expect(m.templates.python.sessions.completed).toBe(5);
  });
});

describe('template keys are validated like the rest of the scenario', () => {
  const base = `
duration: 1h
workload: { arrivals: { poisson: { rate: 1/s } }, sessionDuration: 1m }
`;
  const err = (yaml: string) => {
    try {
      parseScenario(yaml, 's.yaml');
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  it('shares add up to 1; share or arrivals; pools per template; budgets name real templates and keys', () => {
    expect(err(base + 'templates: { a: { share: 0.5 }, b: { share: 0.4 } }')).toMatch(/^s\.yaml:\d+: templates: expected the templates' shares of workload\.arrivals to add up to 1, got 0\.9$/);
    expect(err(base + 'templates: { a: { share: 1, arrivals: { poisson: { rate: 1/s } } } }')).toMatch(/templates\.a: expected exactly one of share .* or arrivals/);
    expect(err(base + 'infrastructure: { warmPool: { size: 5 } }\ntemplates: { a: { share: 1 } }')).toMatch(/infrastructure\.warmPool: with templates, each template has its own pool/);
    expect(err(base + 'templates: { a: { share: 1 } }\nbudgets: { templates.b.startLatency.p99: "<= 2s" }')).toMatch(/no template "b" \(templates: a\)/);
    expect(err(base + 'templates: { a: { share: 1 } }\nbudgets: { templates.a.startLatancy.p99: "<= 2s" }')).toMatch(/did you mean "templates\.a\.startLatency\.p99"/);
    expect(err(base + 'templates: { a: { share: 1, size: 0 } }')).toMatch(/templates\.a\.size/);
    expect(err(base + 'templates: { a: { share: 1 } }\nbudgets: { templates.a.startLatency.p99: "<= 2s" }')).toBe('no error');
  });
});
