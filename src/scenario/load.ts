import { basename, extname } from 'node:path';
import { loadConfig, parseConfig, validateConfig, type ConfigKind } from '../config/yamlConfig.js';
import { scenarioSchema, type Scenario } from './schema.js';

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
  return named(loadConfig(SCENARIO, file, sets), file);
}

/** Validates scenario YAML text (see `loadScenario`). */
export function parseScenario(text: string, file = '<scenario>', sets: readonly string[] = []): Scenario {
  return named(parseConfig(SCENARIO, text, file, sets), file);
}

/** Validates an already-parsed scenario object (for programmatic use and `--set`-free tests). */
export function validateScenario(raw: unknown, file = '<scenario>'): Scenario {
  return named(validateConfig(SCENARIO, raw, file), file);
}
