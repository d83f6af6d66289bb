import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { UserError } from '../errors.js';
import { loadConfig, parseConfig, validateConfig, type ConfigKind } from '../config/yamlConfig.js';
import { scenarioSchema, type Scenario } from './schema.js';
import { resolveTracePath } from './tracePath.js';

const SCENARIO: ConfigKind<Omit<Scenario, 'name'> & { name?: string }> = {
  schema: scenarioSchema as never,
  what: 'scenario',
  topKeys: 'name, duration, workload, infrastructure, …',
};

const named = (s: Omit<Scenario, 'name'> & { name?: string }, file: string): Scenario => ({ ...s, name: s.name ?? basename(file, extname(file)) }) as Scenario;

/**
 * Reads, overrides and validates a scenario file. Throws `UserError` with one line naming the
 * file, the line, the key path and what was expected.
 */
export function loadScenario(file: string, sets: readonly string[] = []): Scenario {
  return named(loadConfig({ ...SCENARIO, check: (s, at) => checkTraces(s as Scenario, file, at) }, file, sets), file);
}

/**
 * Every trace the scenario names must be a readable file, found as given or beside the scenario:
 * checked here, where the message can name the scenario file and line (or the --set) that set it.
 */
function checkTraces(s: Scenario, file: string, at: (keyPath: string[]) => string): void {
  const traces: [string[], string][] = [];
  if (s.workload.arrivals.trace) traces.push([['workload', 'arrivals', 'trace', 'path'], s.workload.arrivals.trace.path]);
  for (const [name, t] of Object.entries(s.templates ?? {})) if (t.arrivals?.trace) traces.push([['templates', name, 'arrivals', 'trace', 'path'], t.arrivals.trace.path]);
  for (const [keyPath, path] of traces) {
    const found = resolveTracePath(path, file);
    let problem: string | undefined;
    try {
      if (statSync(found).isDirectory()) problem = 'it is a directory, not a CSV file';
    } catch {
      problem = 'no such file, as given or beside the scenario';
    }
    if (problem) throw new UserError(`${at(keyPath)}: cannot read trace file ${path} (${problem})`);
  }
}

/** Validates scenario YAML text (see `loadScenario`). */
export function parseScenario(text: string, file = '<scenario>', sets: readonly string[] = []): Scenario {
  return named(parseConfig(SCENARIO, text, file, sets), file);
}

/** Validates an already-parsed scenario object (for programmatic use and `--set`-free tests). */
export function validateScenario(raw: unknown, file = '<scenario>'): Scenario {
  return named(validateConfig(SCENARIO, raw, file), file);
}
