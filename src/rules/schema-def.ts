/**
 * Falco's JSON schema of a rules file (falco userspace/engine/rule_json_schema.h). Like Falco's
 * check (valijson with weak types over YAML scalars), scalars are text that may stand for a
 * number or a boolean, hence ajv's coerceTypes. `npm run build` compiles it into
 * dist/src/rules/schema-check.cjs (schema-build.ts), so that no start pays ajv's compile.
 */
import type { Options } from 'ajv';

export const SCHEMA_OPTIONS: Options = { coerceTypes: true, allErrors: false, strict: false, validateSchema: false };

const overridden = { $ref: '#/definitions/OverriddenItem' };
const str = { type: 'string' };
const bool = { type: 'boolean' };

export const SCHEMA = {
  type: 'array',
  items: { $ref: '#/definitions/FalcoRule' },
  definitions: {
    FalcoRule: {
      type: 'object',
      additionalProperties: false,
      properties: {
        required_engine_version: str,
        required_plugin_versions: { type: 'array', items: { $ref: '#/definitions/RequiredPluginVersion' } },
        macro: str,
        condition: str,
        list: str,
        items: { type: 'array', items: { anyOf: [{ type: 'integer' }, str] } },
        rule: str,
        desc: str,
        enabled: bool,
        output: str,
        append: bool,
        priority: {
          type: 'string',
          enum: ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFO', 'INFORMATIONAL', 'DEBUG'],
        },
        capture: bool,
        capture_duration: { type: 'integer' },
        source: str,
        exceptions: { type: 'array', items: { $ref: '#/definitions/Exception' } },
        override: { $ref: '#/definitions/Override' },
        tags: { type: 'array', items: str },
        warn_evttypes: bool,
        'skip-if-unknown-filter': bool,
      },
    },
    Exception: {
      type: 'object',
      additionalProperties: false,
      properties: { name: str, fields: {}, comps: {}, values: {} },
      required: ['name'],
    },
    OverriddenItem: { type: 'string', enum: ['append', 'replace'] },
    Override: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(['items', 'desc', 'condition', 'output', 'priority', 'enabled', 'exceptions', 'capture',
        'capture_duration', 'tags', 'warn_evttypes', 'skip-if-unknown-filter'].map((k) => [k, overridden])),
      minProperties: 1,
    },
    RequiredPluginVersion: {
      type: 'object',
      additionalProperties: false,
      properties: { name: str, version: str, alternatives: { type: 'array', items: { $ref: '#/definitions/Alternative' } } },
      required: ['name', 'version'],
    },
    Alternative: {
      type: 'object',
      additionalProperties: false,
      properties: { name: str, version: str },
      required: ['name', 'version'],
    },
  },
};
