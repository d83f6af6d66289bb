import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, parse as parseYaml, type Document } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { show, suggest } from './messages.js';

/** Where a configuration came from, for error messages. */
interface Origin {
  file: string;
  doc?: Document;
  lines?: LineCounter;
  /** Key paths set with `--set`, with the text the user gave. */
  sets: Map<string, string>;
  schema: z.ZodType;
}

/** What a YAML configuration is, for messages: "scenario", "scaler config". */
export interface ConfigKind<T> {
  schema: z.ZodType<T>;
  /** e.g. "scenario" */
  what: string;
  /** e.g. "name, duration, workload, infrastructure, …" */
  topKeys: string;
  /**
   * Checks after validation that need the world (a trace file exists); `at(keyPath)` is where a
   * key came from, for the message: `file:line: key.path`, or `--set k=v: key.path`.
   */
  check?: (value: T, at: (keyPath: string[]) => string) => void;
}

/** Reads a YAML configuration file (see `parseConfig`). */
export function loadConfig<T>(kind: ConfigKind<T>, file: string, sets: readonly string[] = []): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the ${kind.what} file (${readProblem(e)})`);
  }
  return parseConfig(kind, text, file, sets);
}

/**
 * Parses, overrides (`--set a.b=v`) and validates YAML text against a zod schema. Throws
 * `UserError` with one line naming the file, the line, the key path and what was expected.
 */
export function parseConfig<T>(kind: ConfigKind<T>, text: string, file: string, sets: readonly string[] = []): T {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0] ?? (e.pos ? lines.linePos(e.pos[0]) : undefined);
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new UserError(`${where}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // e.g. an alias (*name) with no anchor, or an alias bomb
    throw new UserError(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${file}: expected a mapping of ${kind.what} keys (${kind.topKeys}), got ${show(raw)}`);
  }
  const origin: Origin = { file, doc, lines, sets: new Map(), schema: kind.schema };
  for (const s of sets) applySet(raw as Record<string, unknown>, s, origin);
  return validate(kind, raw as Record<string, unknown>, origin);
}

/** Validates an already-parsed object (for programmatic use). */
export function validateConfig<T>(kind: ConfigKind<T>, raw: unknown, file: string): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${file}: expected a mapping of ${kind.what} keys, got ${show(raw)}`);
  }
  return validate(kind, raw as Record<string, unknown>, { file, sets: new Map(), schema: kind.schema });
}

/** Why a file could not be read, in words: "no such file", "a directory, not a file", … */
export function readProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  // V8's longest string, ~512 MB: such a file is read whole
  if (code === 'ERR_STRING_TOO_LONG') return 'over the ~512 MB a file can be read whole: split it, or aggregate it to counts per interval first';
  return code ?? String((e as Error)?.message ?? e).split('\n')[0];
}

function validate<T>(kind: ConfigKind<T>, raw: Record<string, unknown>, origin: Origin): T {
  const r = kind.schema.safeParse(raw);
  if (!r.success) {
    // A misspelt key also leaves the right key missing: name the misspelling first.
    const issues = [...r.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new UserError(describe(first, raw, origin) + more);
  }
  kind.check?.(r.data, (keyPath) => where(keyPath, origin));
  return r.data;
}

/** `a.b.c=value`: sets a key path in the raw scenario; the value is read as a YAML scalar or flow. */
function applySet(raw: Record<string, unknown>, assignment: string, origin: Origin): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UserError(`--set ${assignment}: expected key.path=value, e.g. --set infrastructure.warmPool.size=40`);
  const path = assignment.slice(0, eq).trim();
  const text = assignment.slice(eq + 1);
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    value = text;
  }
  const keys = path.split('.');
  if (keys.some((k) => k === '')) throw new UserError(`--set ${assignment}: the key path "${path}" has an empty part`);
  let node: Record<string, unknown> = raw;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    const next = node[k];
    if (next === undefined || next === null) {
      node[k] = {};
    } else if (typeof next !== 'object' || Array.isArray(next)) {
      throw new UserError(`--set ${assignment}: "${keys.slice(0, i + 1).join('.')}" is not a mapping, so it has no key "${keys[i + 1]}"`);
    }
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
  origin.sets.set(path, assignment);
}

function describe(issue: z.core.$ZodIssue, raw: Record<string, unknown>, origin: Origin): string {
  const path = issue.path.map(String);
  let keyPath = path;
  let message: string;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    keyPath = [...path, key];
    const known = knownKeys(origin.schema, path);
    const s = suggest(key, known);
    message = `unknown key${s ? ` (did you mean "${s}"?)` : known.length ? `; expected one of ${known.join(', ')}` : ''}`;
  } else if (issue.code === 'invalid_type') {
    const got = valueAt(raw, path);
    message = got === undefined ? `missing; expected ${expected(issue.expected)}` : `expected ${expected(issue.expected)}, got ${show(got)}`;
  } else if (issue.code === 'invalid_value' || issue.code === 'too_small' || issue.code === 'too_big') {
    message = `${issue.message.replace(/^Invalid (input|option): /, '')}, got ${show(valueAt(raw, path))}`;
  } else {
    message = issue.message;
  }
  if (message.endsWith(', got nothing')) message = `missing; ${message.slice(0, -', got nothing'.length)}`;
  // an unknown key that a --set made (`--set foo.bar=1` makes "foo") is the flag's fault
  return `${where(keyPath, origin, issue.code === 'unrecognized_keys')}: ${message}`;
}

/**
 * Where a key came from: `--set k=v: key.path` when a `--set` wrote it (or, for `made`, created
 * it on the way to a deeper key), else `file:line: key.path`.
 */
function where(keyPath: string[], origin: Origin, made = false): string {
  const dotted = keyPath.join('.') || '(top level)';
  const set = [...origin.sets.entries()].find(([p]) => dotted === p || dotted.startsWith(p + '.') || (made && p.startsWith(dotted + '.')));
  if (set) return `--set ${set[1]}: ${dotted}`;
  const line = lineOf(origin, keyPath);
  return `${origin.file}${line ? `:${line}` : ''}: ${dotted}`;
}

function expected(t: string): string {
  switch (t) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    default:
      return t;
  }
}

function valueAt(raw: unknown, path: string[]): unknown {
  let v = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The keys a mapping at `path` may have, found by walking the schema. */
function knownKeys(schema: unknown, path: string[]): string[] {
  let s: unknown = schema;
  for (const k of [...path, null]) {
    // unwrap defaults (and prefaults), optionals and refinements down to an object
    for (let guard = 0; guard < 10; guard++) {
      const def = (s as { def?: { type?: string; innerType?: unknown; in?: unknown; schema?: unknown } }).def;
      if (!def) break;
      if (def.type === 'default' || def.type === 'prefault' || def.type === 'optional' || def.type === 'nullable') s = def.innerType;
      else if (def.type === 'pipe') s = def.in;
      else break;
    }
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    if (!shape) return [];
    if (k === null) return Object.keys(shape);
    s = shape[k];
    if (!s) return [];
  }
  return [];
}

function lineOf(origin: Origin, path: string[]): number | undefined {
  if (!origin.doc || !origin.lines) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = n === 0 ? origin.doc.contents : origin.doc.getIn(sub, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return origin.lines.linePos(range[0]).line;
  }
  return undefined;
}
