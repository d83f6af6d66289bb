import Ajv2020 from 'ajv/dist/2020.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, scenarioJsonSchemaText, SCHEMA_FILE, undocumentedScenarioKeys } from '../../src/scenario/jsonSchema.js';
import { parseScenario } from '../../src/scenario/load.js';

const SHIPPED = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
const ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false });
const validate = ajv.compile(scenarioJsonSchema());
const valid = (doc: unknown): boolean => validate(doc) as boolean;

const SMALL = {
  duration: '1h',
  workload: { arrivals: { poisson: { rate: '5/s' } }, sessionDuration: { lognormal: { median: '2m', p99: '15m' } } },
};
const with_ = (patch: (s: Record<string, any>) => void): Record<string, any> => {
  const s = structuredClone(SMALL) as Record<string, any>;
  patch(s);
  return s;
};

describe('the scenario JSON Schema', () => {
  it('the committed copy and the one in dist/ equal the schema generated from zod', () => {
    const text = scenarioJsonSchemaText();
    expect(readFileSync(SCHEMA_FILE, 'utf8'), `refresh with: node dist/cli/main.js schema > ${SCHEMA_FILE}`).toBe(text);
    expect(readFileSync('dist/scenario.schema.json', 'utf8')).toBe(text);
  });

  it('`tidecast schema` prints it', () => {
    expect(execFileSync('node', ['dist/cli/main.js', 'schema'], { encoding: 'utf8' })).toBe(scenarioJsonSchemaText());
  });

  it('every shipped scenario starts with the yaml-language-server comment pointing at it, loads, and validates', () => {
    expect(SHIPPED.length).toBeGreaterThanOrEqual(8);
    for (const f of SHIPPED) {
      const text = readFileSync(join('scenarios', f), 'utf8');
      const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
      expect(m, f).not.toBeNull();
      expect(resolve(dirname(join('scenarios', f)), m![1]), f).toBe(resolve(SCHEMA_FILE));
      expect(() => parseScenario(text, f)).not.toThrow();
      expect(valid(parse(text)), `${f}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('accepts the notations the loader accepts', () => {
    const ok = [
      with_((s) => (s.duration = '1h30m')),
      with_((s) => (s.duration = 5400)),
      with_((s) => (s.workload.arrivals = { poisson: { rate: '500 per minute' } })),
      with_((s) => (s.workload.sessionDuration = { gamma: { shape: 2, mean: '90s' } })),
      with_((s) => (s.workload.sessionDuration = { empirical: { values: ['1s', 2, '3m'] } })),
      with_((s) => (s.infrastructure = { reserved: { slots: 'unlimited' }, overflow: { waitTimeout: 'never' } })),
      with_((s) => (s.budgets = { 'cost.total': '<= $120', warmHitRate: '>= 95%', 'templates.py.startLatency.p99': '<= 2s' })),
    ];
    for (const s of ok) {
      expect(valid(s), `${JSON.stringify(s)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('rejects what the loader rejects: unknown keys, bad units, two distributions, unknown metrics, bad bounds', () => {
    const bad: [string, Record<string, any>][] = [
      ['unknown key', with_((s) => (s.infrastructure = { reserved: { slotz: 5 } }))],
      ['duration unit', with_((s) => (s.duration = '5 parsecs'))],
      ['negative duration', with_((s) => (s.warmup = '-5m'))],
      ['rate unit', with_((s) => (s.workload.arrivals = { poisson: { rate: '5/fortnight' } }))],
      ['two kinds', with_((s) => (s.workload.sessionDuration = { exponential: { mean: '1s' }, fixed: '2s' }))],
      ['lognormal mixed fields', with_((s) => (s.workload.sessionDuration = { lognormal: { median: '1s', sigma: 1 } }))],
      ['slots not an integer', with_((s) => (s.infrastructure = { reserved: { slots: 9.5 } }))],
      ['unknown metric', with_((s) => (s.budgets = { 'startLatency.p98': '<= 2s' }))],
      ['bound without operator', with_((s) => (s.budgets = { 'startLatency.p99': '2s' }))],
      ['missing workload', { duration: '1h' }],
    ];
    for (const [what, s] of bad) {
      expect(valid(s), what).toBe(false);
      expect(() => parseScenario(JSON.stringify(s), 'x.yaml'), what).toThrow();
    }
  });

  it('describes every key (with units) and puts defaults in the file notation', () => {
    const s = scenarioJsonSchema() as any;
    const reserved = s.properties.infrastructure.properties.reserved.properties;
    expect(reserved.slots.default).toBe('unlimited');
    expect(reserved.coldStart.default).toBe(0);
    expect(reserved.costPerSlotHour.description).toMatch(/currency per slot-hour/);
    expect(s.properties.duration.description).toMatch(/Accepts a duration: seconds/);
    expect(s.properties.workload.properties.sessionDuration.description).toMatch(/lognormal: \{ median, p99 \}/);
    const undocumented: string[] = [];
    const walk = (n: any, path: string): void => {
      for (const [k, v] of Object.entries<any>(n?.properties ?? {})) {
        if (typeof v.description !== 'string' || v.description.length < 8) undocumented.push(`${path}${k}`);
        walk(v, `${path}${k}.`);
      }
    };
    walk(s, '');
    expect(undocumented).toEqual([]);
    expect(undocumentedScenarioKeys(), 'add these keys to src/scenario/keyDocs.ts').toEqual([]);
    expect(existsSync(SCHEMA_FILE)).toBe(true);
  });
});
