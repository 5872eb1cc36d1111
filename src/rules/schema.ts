/**
 * Rules files checked against Falco's JSON schema (schema-def.ts). The result is informational:
 * Falco loads files that fail it.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { YNode } from './yaml.js';

export { SCHEMA } from './schema-def.js';

// Compiled by `npm run build` (schema-build.ts): ajv's compile and its module cost a tenth of
// a second at every start. The schema is checked against JSON Schema's meta-schema by a test.
const check = createRequire(import.meta.url)('./schema-check.cjs') as ValidateFunction;

export interface SchemaResult {
  status: 'ok' | 'failed';
  warnings: string[];
}

/** Checks each YAML document of a rules file against Falco's schema. */
export function validateSchema(docs: YNode[]): SchemaResult {
  const warnings: string[] = [];
  for (const doc of docs) {
    if (check(doc.toPlain())) continue;
    for (const e of check.errors ?? []) warnings.push(`failed for ${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
  }
  return { status: warnings.length > 0 ? 'failed' : 'ok', warnings };
}
