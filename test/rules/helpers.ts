import { FieldCatalog, type FieldDef, type FieldValue } from '../../src/rules/fields.js';
import { compileCondition, parseCondition, EvalContext, SlotTable } from '../../src/rules/condition/index.js';

/** A made-up catalogue whose fields read the same-named keys of a plain object. */
export function testCatalog(types: Record<string, string | [string, 'list']>): FieldCatalog {
  const fields: FieldDef[] = Object.entries(types).map(([name, t]) => {
    const [type, list] = Array.isArray(t) ? t : [t, undefined];
    return {
      name,
      type,
      isList: list === 'list',
      arg: 'optional',
      argKind: 'key',
      description: name,
      extract: (event, arg) => {
        const e = event as Record<string, FieldValue>;
        return arg === undefined ? e[name] : e[`${name}[${arg}]`];
      },
    };
  });
  return new FieldCatalog('test', fields);
}

export const catalog = testCatalog({
  's.name': 'PT_CHARBUF',
  's.other': 'PT_CHARBUF',
  'n.count': 'PT_UINT64',
  'n.signed': 'PT_INT64',
  'n.missing': 'PT_UINT64',
  'b.flag': 'PT_BOOL',
  'ip.addr': 'PT_IPADDR',
  'ip.net': 'PT_IPNET',
  'buf.data': 'PT_BYTEBUF',
  'l.items': ['PT_CHARBUF', 'list'],
  'p.port': 'PT_PORT',
});

/** Evaluates a condition on one event with the test catalogue. */
export function evaluate(condition: string, event: Record<string, unknown>): boolean {
  const slots = new SlotTable();
  const { filter } = compileCondition(parseCondition(condition), catalog, { slots });
  const ctx = new EvalContext(slots);
  ctx.reset(event);
  return filter(ctx);
}

export function compileError(condition: string): string | undefined {
  try {
    compileCondition(parseCondition(condition), catalog);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
