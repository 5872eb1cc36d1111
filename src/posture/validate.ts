import { createRequire } from 'node:module';
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import { UserError } from '../util/errors.js';

// ajv loads with the first check, not at every start of vigil (it takes a tenth of a second).
let ajv: AjvType | undefined;
function compile(schema: object): ValidateFunction {
  if (!ajv) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  }
  return ajv.compile(schema);
}

/**
 * A check against a JSON Schema, compiled when first used (compiling costs tens of
 * milliseconds that every command would otherwise pay at start); it throws a one-line
 * UserError naming the place.
 */
export function validator<T>(schema: object, what: string) {
  let validate: ValidateFunction | undefined;
  return (value: unknown, at: (path: Array<string | number>) => string): T => {
    validate ??= compile(schema);
    if (!validate(value)) throw new UserError(describe(validate.errors![0]!, at, what));
    return value as T;
  };
}

function describe(e: ErrorObject, at: (path: Array<string | number>) => string, what: string): string {
  const path = pointerPath(e.instancePath);
  const field = e.instancePath === '' ? what : e.instancePath.slice(1).replace(/\//g, '.');
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') message = `has unknown property "${e.params.additionalProperty}"`;
  if (e.keyword === 'required') message = `is missing "${e.params.missingProperty}"`;
  if (e.keyword === 'enum') message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') message = `must be ${JSON.stringify(e.params.allowedValue)}`;
  return `${at(path)}: ${field} ${message}`;
}

/** `/resources/3/id` → ['resources', 3, 'id'] */
export function pointerPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
