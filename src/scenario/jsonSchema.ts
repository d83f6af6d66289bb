import { z } from 'zod';
import { METRIC_KEYS, TEMPLATE_METRIC_KEYS } from './metricKeys.js';
import { valueAsWritten } from './asRun.js';
import { keyDoc, LEAF_UNITS, TOP_EXAMPLE } from './keyDocs.js';
import { scenarioSchema } from './schema.js';

/** Where the committed copy of the schema lives, relative to the package root (scenarios point at it). */
export const SCHEMA_FILE = 'schema/scenario.schema.json';

/**
 * The scenario file's JSON Schema (draft 2020-12), generated from the zod schema: the keys,
 * which are required, which are unknown (rejected), the leaf notations (durations with units,
 * rates, distributions; see leafJson.ts), defaults in the file's own notation, and a description
 * with units for every key (keyDocs.ts). Editors with the YAML language server use it for
 * completion, hover and validation via `# yaml-language-server: $schema=…`. A key missing from
 * keyDocs.ts gets no description (the schema test lists it). It checks shape,
 * not meaning: cross-key rules (shares adding up to 1, warm-up shorter than the duration) stay
 * with `tidecast check`/`run`, whose messages name the file and line.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return generate().schema;
}

/** Scenario keys without an entry in keyDocs.ts (the schema test requires none). */
export function undocumentedScenarioKeys(): string[] {
  return generate().missing;
}

function generate(): { schema: Record<string, unknown>; missing: string[] } {
  const missing: string[] = [];
  const schema = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    unrepresentable: 'any',
    override(ctx) {
      const def = (ctx.zodSchema as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
      // Defaults of transforming leaves are dropped by zod in input mode (they are output values,
      // e.g. Infinity or a distribution spec): put them back as a user would write them.
      if (def.type === 'default' && ctx.jsonSchema.default === undefined) {
        const v = valueAsWritten(def.defaultValue);
        if (v !== undefined) ctx.jsonSchema.default = v;
      }
    },
  }) as Record<string, unknown>;
  const defs: Record<string, unknown> = {};
  describeKeys(schema, [], missing, defs);
  schema.$defs = defs;
  schema.title = 'tidecast scenario';
  schema.description =
    'A tidecast scenario: a workload (arrivals, session lengths) and the infrastructure serving it (reserved capacity, serverless overflow, warm pools), with budgets that `tidecast check` judges. Durations are seconds or text with units ("50ms", "2s", "10m", "4h"); rates are per second or "N/unit" ("9/s", "500/min").';
  schema.examples = [TOP_EXAMPLE];
  const budgets = (schema.properties as Record<string, Record<string, unknown>>).budgets;
  budgets.propertyNames = {
    anyOf: [{ enum: [...METRIC_KEYS] }, { type: 'string', pattern: `^templates\\.[A-Za-z][A-Za-z0-9_-]{0,39}\\.(${TEMPLATE_METRIC_KEYS.map((k) => k.replace(/\./g, '\\.')).join('|')})$` }],
  };
  budgets.additionalProperties = {
    type: 'string',
    pattern: '^\\s*(<=|>=|≤|≥)\\s*\\$?\\s*\\S.*$',
    description: 'a bound: "<= 2s", ">= 0.95", "<= 5%", "<= $120"',
  };
  // an undocumented key does not break the build; test/scenario/jsonSchema.test.ts names it
  return { schema, missing };
}

/** The schema as the text written to dist/ and schema/ (stable: two-space JSON, final newline). */
export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}

/**
 * Walks the generated schema and gives every property its description (and examples) from
 * KEY_DOCS, keyed by dotted path with `*` for a template name. A key without one is collected
 * in `missing` so a new scenario key cannot ship undocumented.
 */
function describeKeys(node: unknown, path: string[], missing: string[], defs: Record<string, unknown>): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(n[k])) for (const x of n[k] as unknown[]) describeKeys(x, path, missing, defs);
  const props = n.properties as Record<string, Record<string, unknown>> | undefined;
  if (props) {
    for (const [key, child] of Object.entries(props)) {
      const p = [...path, key];
      // leaves (leafJson.ts) arrive with a description of what they accept; zod gives no other node one
      const leaf = typeof child.description === 'string';
      const doc = keyDoc(p.join('.'));
      if (doc) {
        // the key's meaning first, then what the leaf accepts (from leafJson.ts), if it says
        const accepts = leaf ? `. Accepts ${child.description as string}` : '';
        const unit = doc.unit && !(leaf && LEAF_UNITS.includes(doc.unit)) ? ` (${doc.unit})` : '';
        child.description = `${doc.text}${unit}${accepts}`;
        if (doc.examples) child.examples = doc.examples;
      } else missing.push(p.join('.'));
      if (leaf && Array.isArray(child.anyOf)) shareLeaf(child, defs);
      if (!leaf && key !== 'budgets') describeKeys(child, p, missing, defs);
    }
  }
  if (n.additionalProperties && typeof n.additionalProperties === 'object' && path[path.length - 1] === 'templates') {
    describeKeys(n.additionalProperties, [...path, '*'], missing, defs);
  }
}

/**
 * Moves a leaf's alternatives (the same for every duration, every distribution: 20 of those
 * alone) into `$defs` and points at them, keeping the key's own description, default and
 * examples: the schema shrinks from about 156 kB to a fraction of that.
 */
function shareLeaf(child: Record<string, unknown>, defs: Record<string, unknown>): void {
  const body = JSON.stringify(child.anyOf);
  let name = Object.keys(defs).find((k) => JSON.stringify((defs[k] as { anyOf: unknown }).anyOf) === body);
  if (!name) {
    const kind = leafName(child.anyOf as Record<string, unknown>[], String(child.description).split('Accepts ')[1] ?? '');
    name = kind;
    for (let i = 2; name in defs; i++) name = `${kind}${i}`;
    defs[name] = { anyOf: child.anyOf };
  }
  delete child.anyOf;
  child.$ref = `#/$defs/${name}`;
}

/** A readable `$defs` name for a leaf's alternatives: positiveDuration, durationOrNever, rateOrUnlimited, … */
function leafName(anyOf: Record<string, unknown>[], accepts: string): string {
  const kind = /^an? (distribution|duration|rate|whole number)/.exec(accepts)?.[1]?.replace('whole number', 'count') ?? 'value';
  const first = anyOf[0] ?? {};
  const strictlyPositive = first.exclusiveMinimum === 0 || (first.minimum as number) > 0;
  const words = anyOf.flatMap((a) => (Array.isArray(a.enum) ? (a.enum as string[]) : typeof a.pattern === 'string' && /\[uU\]\[nN\]/.test(a.pattern) ? ['unlimited'] : []));
  const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
  if (kind === 'distribution') return JSON.stringify(anyOf[1] ?? {}).includes('"exclusiveMinimum":0') ? 'positiveDistribution' : 'distribution';
  return `${strictlyPositive ? `positive${cap(kind)}` : kind}${words.length ? `Or${cap(words[0])}` : ''}`;
}
