import { scenarioJsonSchemaText } from '../scenario/jsonSchema.js';

/**
 * `tidecast schema`: the scenario file's JSON Schema on stdout, for editors and validators.
 * Point an editor at it with `# yaml-language-server: $schema=<path>` as a scenario's first line.
 */
export function schemaAction(): { stdout: string } {
  return { stdout: scenarioJsonSchemaText() };
}
