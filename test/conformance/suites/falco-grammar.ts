/**
 * falco/grammar: libsinsp's parser, compiler and evaluation cases. Compile and eval cases
 * use syscall fields, type-checked with the syscall catalogue; eval cases carry a mock
 * event mapping each field (as written in the condition) to its value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tally, type Suite } from '../suite.js';
import {
  parseCondition, compileCondition, EvalContext, SlotTable, escapeString, unescapeString,
  bytesToString, stringToBytes,
} from '../../../src/rules/condition/index.js';
import { syscallCatalog } from '../../../src/sources/syscall/index.js';
import { FieldCatalog, type FieldDef, type FieldValue } from '../../../src/rules/fields.js';

interface GrammarCase {
  id: string;
  stage: 'parse' | 'compile' | 'eval' | 'string_literal';
  condition?: string;
  condition_generator?: { repeat: string; times: number };
  valid: boolean;
  error?: string;
  whitespace_variants?: boolean;
  expected?: boolean;
  expected_warnings?: number;
  event?: Record<string, unknown>;
  op?: 'escape_str' | 'unescape_str';
  input?: string;
  input_bytes_hex?: string;
  output?: string;
  output_bytes_hex?: string;
}

type MockEvent = Record<string, unknown>;

/** Reads a mock field by the text it was written with: `evt.arg[1]`, `evt.arg.flags`. */
function mockExtract(def: FieldDef) {
  return (event: unknown, arg: string | undefined): FieldValue => {
    const e = event as MockEvent;
    const keys = arg === undefined ? [def.name] : [`${def.name}[${arg}]`, `${def.name}.${arg}`, def.name];
    for (const key of keys) {
      if (key in e) return mockValue(e[key], def.type);
    }
    return undefined;
  };
}

function mockValue(v: unknown, type: string): FieldValue {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v as FieldValue;
  if (typeof v === 'object' && 'bytes_hex' in v) {
    const bytes = Buffer.from((v as { bytes_hex: string }).bytes_hex, 'hex');
    return type === 'PT_BYTEBUF' ? bytes : bytesToString(bytes);
  }
  return v as FieldValue;
}

const MOCK_FIELDS: FieldDef[] = [
  ...['c.true', 'c.false', 'c.singlequote', 'c.doublequote'].map((name) => ({
    name, type: 'PT_CHARBUF', isList: false, arg: 'none' as const, argKind: 'none' as const, description: 'mock',
  })),
  { name: 'c.buffer', type: 'PT_BYTEBUF', isList: false, arg: 'none', argKind: 'none', description: 'mock' },
  { name: 'sample.is_open', type: 'PT_UINT64', isList: false, arg: 'none', argKind: 'none', description: 'test plugin' },
];

function makeCatalog() {
  const base = syscallCatalog(MOCK_FIELDS);
  const withExtract = base.fields.map((f) => ({ ...f, extract: mockExtract(f) }));
  return { typeOnly: base, evaluating: new FieldCatalog('syscall', withExtract, true) };
}

function conditionOf(c: GrammarCase): string {
  if (c.condition_generator) return c.condition_generator.repeat.repeat(c.condition_generator.times);
  return c.condition!;
}

function variants(c: GrammarCase, condition: string): string[] {
  if (!c.whitespace_variants) return [condition];
  return [condition, ` ${condition} `, condition.replaceAll(' ', '\n'), condition.replaceAll(' ', '\t')];
}

export const grammarSuite: Suite = {
  name: 'falco/grammar',
  requires: 'falco/grammar/grammar.json',
  run(root) {
    const cases: GrammarCase[] = JSON.parse(readFileSync(join(root, 'falco/grammar/grammar.json'), 'utf8'));
    const { typeOnly, evaluating } = makeCatalog();
    return tally(cases, (c) => c.id, (c) => {
      switch (c.stage) {
        case 'parse':
          return checkParse(c);
        case 'compile':
          return checkCompile(c, typeOnly);
        case 'eval':
          return checkEval(c, evaluating);
        case 'string_literal':
          return checkStringLiteral(c);
      }
    });
  },
};

function checkParse(c: GrammarCase): string | undefined {
  for (const text of variants(c, conditionOf(c))) {
    let error: string | undefined;
    try {
      parseCondition(text);
    } catch (err) {
      error = (err as Error).message;
    }
    if (c.valid && error) return `rejected ${JSON.stringify(text.slice(0, 80))}: ${error}`;
    if (!c.valid && !error) return `accepted ${JSON.stringify(text.slice(0, 80))}`;
    if (!c.valid && c.error && !error!.includes(c.error)) return `error ${JSON.stringify(error)}, expected ${JSON.stringify(c.error)}`;
  }
  return undefined;
}

function checkCompile(c: GrammarCase, catalog: FieldCatalog): string | undefined {
  let warnings = 0;
  try {
    warnings = compileCondition(parseCondition(c.condition!), catalog).warnings.length;
  } catch (err) {
    return c.valid ? `rejected: ${(err as Error).message}` : undefined;
  }
  if (!c.valid) return 'accepted';
  if (c.expected_warnings !== undefined && warnings !== c.expected_warnings) {
    return `${warnings} warnings, expected ${c.expected_warnings}`;
  }
  return undefined;
}

function checkEval(c: GrammarCase, catalog: FieldCatalog): string | undefined {
  const slots = new SlotTable();
  let filter;
  try {
    filter = compileCondition(parseCondition(c.condition!), catalog, { slots }).filter;
  } catch (err) {
    return `rejected: ${(err as Error).message}`;
  }
  const ctx = new EvalContext(slots);
  ctx.reset(c.event ?? {});
  const result = filter(ctx);
  return result === c.expected ? undefined : `evaluated to ${result}, expected ${c.expected}`;
}

function checkStringLiteral(c: GrammarCase): string | undefined {
  const input = c.input_bytes_hex !== undefined ? bytesToString(Buffer.from(c.input_bytes_hex, 'hex')) : c.input!;
  let output: string;
  try {
    output = c.op === 'escape_str' ? escapeString(input) : unescapeString(input);
  } catch (err) {
    return c.valid ? `rejected: ${(err as Error).message}` : undefined;
  }
  if (!c.valid) return `accepted, gave ${JSON.stringify(output)}`;
  if (c.output_bytes_hex !== undefined) {
    const hex = stringToBytes(output).toString('hex');
    return hex === c.output_bytes_hex ? undefined : `gave bytes ${hex}, expected ${c.output_bytes_hex}`;
  }
  return output === c.output ? undefined : `gave ${JSON.stringify(output)}, expected ${JSON.stringify(c.output)}`;
}
