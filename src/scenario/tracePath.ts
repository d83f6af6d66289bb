import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Finds a trace file: as given (relative to the current directory), else beside the scenario. */
export function resolveTracePath(path: string, scenarioFile?: string): string {
  if (existsSync(path) || !scenarioFile) return path;
  const beside = resolve(dirname(scenarioFile), path);
  return existsSync(beside) ? beside : path;
}
