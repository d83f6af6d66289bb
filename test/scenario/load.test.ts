import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { parseDuration, parseRate } from '../../src/scenario/units.js';
import { prepareInputs } from '../../src/workload/build.js';

const GOOD = `name: t
seed: 7
duration: 4h
warmup: 10m
replications: 3
workload:
  arrivals: { poisson: { rate: 9/s } }
  sessionDuration: { exponential: { mean: 1s } }
infrastructure:
  scheduler: { throughput: 300/s }
  reserved: { slots: 10, coldStart: 2s, costPerSlotHour: 0.05 }
  serverless: { enabled: true, coldStart: 800ms, costPerSlotSecond: 0.00003 }
  overflow: { queueThreshold: 500, waitTimeout: 30s }
  warmPool: { size: 20, claimLatency: 50ms }
budgets: { "startLatency.p99": "<= 2s", warmHitRate: ">= 0.95" }
`;

function errorOf(yaml: string, sets: string[] = []): string {
  try {
    parseScenario(yaml, 'scenarios/x.yaml', sets);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const msg = (e as Error).message;
    expect(msg.includes('\n')).toBe(false);
    return msg;
  }
  throw new Error('expected an error');
}

describe('units', () => {
  it('parses durations and rates', () => {
    expect(parseDuration('50ms')).toBeCloseTo(0.05, 12);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration(12)).toBe(12);
    expect(parseDuration('2d')).toBe(172800);
    expect(parseRate('500/min')).toBeCloseTo(500 / 60, 12);
    expect(parseRate('9/s')).toBe(9);
    expect(parseRate(3)).toBe(3);
    expect(typeof parseDuration('2 parsecs')).toBe('string');
    expect(typeof parseRate('9/fortnight')).toBe('string');
  });
});

describe('scenario loading', () => {
  it('accepts the issue example and normalises units, filling defaults', () => {
    const s = parseScenario(GOOD);
    expect(s.duration).toBe(14400);
    expect(s.warmup).toBe(600);
    expect(s.workload.arrivals.poisson!.rate).toBe(9);
    expect(s.infrastructure.scheduler.throughput).toBe(300);
    expect(s.infrastructure.reserved.coldStart).toEqual({ kind: 'fixed', value: 2 });
    expect(s.infrastructure.warmPool.claimLatency).toEqual({ kind: 'fixed', value: 0.05 });
    expect(s.infrastructure.warmPool.tier).toBe('reserved');
    expect(s.infrastructure.serverless.maxSlots).toBe(Infinity);
    expect(s.budgets['startLatency.p99']).toEqual({ op: '<=', value: 2, text: '<= 2s' });
    expect(s.output.interval).toBe(60);
  });

  it('names file, line and key path for a misspelt key, with a suggestion', () => {
    const msg = errorOf(GOOD.replace('slots: 10', 'slot: 10'));
    expect(msg).toBe('scenarios/x.yaml:11: infrastructure.reserved.slot: unknown key (did you mean "slots"?)');
  });

  it('explains wrong units, negative and zero values', () => {
    expect(errorOf(GOOD.replace('rate: 9/s', 'rate: 9/fortnight'))).toMatch(/^scenarios\/x\.yaml:7: workload\.arrivals\.poisson\.rate: expected a rate .*unknown unit "fortnight"/);
    expect(errorOf(GOOD.replace('rate: 9/s', 'rate: -3'))).toMatch(/workload\.arrivals\.poisson\.rate: expected a positive rate, got -3/);
    expect(errorOf(GOOD.replace('rate: 9/s', 'rate: 0'))).toMatch(/expected a positive rate, got 0/);
    expect(errorOf(GOOD.replace('slots: 10', 'slots: -3'))).toBe(
      'scenarios/x.yaml:11: infrastructure.reserved.slots: expected a non-negative integer or "unlimited", got -3',
    );
    expect(errorOf(GOOD.replace('coldStart: 2s', 'coldStart: 2 parsecs'))).toMatch(/infrastructure\.reserved\.coldStart: expected a duration or one of/);
    expect(errorOf(GOOD.replace('duration: 4h', 'duration: 0'))).toMatch(/^scenarios\/x\.yaml:3: duration: expected a positive duration/);
  });

  it('explains malformed distributions', () => {
    expect(errorOf(GOOD.replace('{ exponential: { mean: 1s } }', '{ exponentail: { mean: 1s } }'))).toMatch(/workload\.sessionDuration: .*did you mean "exponential"/);
    expect(errorOf(GOOD.replace('{ exponential: { mean: 1s } }', '{ lognormal: { median: 2s } }'))).toMatch(/workload\.sessionDuration\.lognormal: expected median and p99, or mu and sigma/);
    expect(errorOf(GOOD.replace('{ exponential: { mean: 1s } }', '{ lognormal: { median: 2s, p99: 1s } }'))).toMatch(/lognormal\.p99: expected p99 ≥ median/);
  });

  it('reports malformed YAML with its line', () => {
    expect(errorOf('duration: 4h\nworkload: [unclosed\n')).toMatch(/^scenarios\/x\.yaml:\d+:\d+: invalid YAML: /);
    expect(errorOf('- a list\n')).toMatch(/expected a mapping of scenario keys/);
    expect(errorOf('duration: 1h\nduration: 2h\nworkload: {}\n')).toMatch(/invalid YAML: Map keys must be unique/);
  });

  it('reports missing keys and bad budgets', () => {
    expect(errorOf('duration: 1h\n')).toMatch(/workload: missing; expected a mapping/);
    expect(errorOf(GOOD.replace('"startLatency.p99"', '"startLatency.p999"'))).toMatch(/budgets\.startLatency\.p999: unknown metric \(did you mean "startLatency\.p99"\?\)/);
    expect(errorOf(GOOD.replace('"<= 2s"', '"about 2s"'))).toMatch(/expected a bound such as "<= 2s"/);
    expect(errorOf(GOOD.replace('warmup: 10m', 'warmup: 5h'))).toMatch(/warmup: expected a warm-up shorter than the duration/);
    // the oracle's two rules take one knob each: both given is an error, not one silently ignored
    expect(errorOf(GOOD.replace('claimLatency: 50ms }', 'claimLatency: 50ms, policy: { oracle: { scale: 0.9, hitRate: 0.99 } } }'))).toMatch(
      /infrastructure\.warmPool\.policy\.oracle: give scale \(the window rule\) or hitRate \(the Erlang-loss rule\), not both/,
    );
  });

  it('applies --set overrides and blames them when they are wrong', () => {
    const s = parseScenario(GOOD, 'x.yaml', ['infrastructure.warmPool.size=40', 'workload.arrivals.poisson.rate=12/s']);
    expect(s.infrastructure.warmPool.size).toBe(40);
    expect(s.workload.arrivals.poisson!.rate).toBe(12);
    expect(errorOf(GOOD, ['infrastructure.warmPool.size=-1'])).toBe(
      '--set infrastructure.warmPool.size=-1: infrastructure.warmPool.size: expected a non-negative integer, got -1',
    );
    expect(errorOf(GOOD, ['nonsense'])).toMatch(/^--set nonsense: expected key\.path=value/);
    expect(errorOf(GOOD, ['infrastructure.warmPool.sise=3'])).toMatch(/did you mean "size"/);
  });

  it('names unreadable files', () => {
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrow(/^\/nonexistent\/x\.yaml: cannot read the scenario file \(no such file\)$/);
  });

  it('property: bad input never crashes — it parses or raises a one-line UserError', () => {
    const lines = GOOD.split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: lines.length - 1 }), fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 40 }), (i, junk, at) => {
        const mutated = [...lines];
        mutated[i] = mutated[i].slice(0, at) + junk + mutated[i].slice(at);
        try {
          parseScenario(mutated.join('\n'), 'm.yaml');
          return true;
        } catch (e) {
          return e instanceof UserError && !e.message.includes('\n') && e.message.length > 0;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('trace files in scenarios', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidecast-'));
  const scen = (path: string, extra = '') => `
duration: 1h
workload:
  arrivals: { trace: { path: ${path}${extra} } }
  sessionDuration: 10s
`;
  it('names a missing trace file', () => {
    const s = parseScenario(scen(join(dir, 'none.csv')));
    expect(() => prepareInputs(s)).toThrow(/workload\.arrivals\.trace\.path: cannot read trace file .*none\.csv \(no such file\)/);
  });
  it('names the line and column of a bad time', () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'timestamp,x\n1,2\nyesterday,3\n');
    const s = parseScenario(scen(f));
    expect(() => prepareInputs(s)).toThrow(/bad\.csv:3: column "timestamp": expected a time .*got "yesterday"/);
  });
  it('names a missing column', () => {
    const f = join(dir, 'ok.csv');
    writeFileSync(f, 'timestamp,x\n1,2\n2,3\n');
    const s = parseScenario(scen(f, ', durationColumn: dur'));
    expect(() => prepareInputs(s)).toThrow(/ok\.csv:1: no duration column "dur"; the columns are timestamp, x/);
  });
});

describe('the scenario as run', () => {
  it('round-trips: the echo with every default filled in validates to the same scenario', async () => {
    const { scenarioAsRun } = await import('../../src/scenario/asRun.js');
    const { validateScenario } = await import('../../src/scenario/load.js');
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml'))) {
      const s = loadScenario(join('scenarios', f));
      const echo = JSON.parse(JSON.stringify(scenarioAsRun(s)));
      expect(validateScenario(echo, f), f).toEqual(s);
    }
  });
});
