/**
 * Build step: writes the scenario file's JSON Schema, generated from the zod schema, to
 * `dist/scenario.schema.json`. The committed copy `schema/scenario.schema.json` (the one shipped
 * scenarios point at) is kept equal to it by test/scenario/jsonSchema.test.ts; refresh it with
 * `node dist/cli/main.js schema > schema/scenario.schema.json`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../scenario/jsonSchema.js';

const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(join(here, '..', 'scenario.schema.json'), scenarioJsonSchemaText());
