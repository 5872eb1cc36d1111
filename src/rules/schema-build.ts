/**
 * Run by `npm run build`: writes Falco's rules schema, compiled by ajv, as a CommonJS module
 * next to this one (dist/src/rules/schema-check.cjs), which schema.ts loads.
 */
import { writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
// A CommonJS module whose function is also its `default` (how TypeScript sees it from here).
import standalone from 'ajv/dist/standalone/index.js';
import { SCHEMA, SCHEMA_OPTIONS } from './schema-def.js';

const ajv = new Ajv({ ...SCHEMA_OPTIONS, code: { source: true } });
writeFileSync(new URL('./schema-check.cjs', import.meta.url), standalone.default(ajv, ajv.compile(SCHEMA)));
