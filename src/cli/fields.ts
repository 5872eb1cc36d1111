import type { Command } from 'commander';
import type { FieldDef } from '../rules/fields.js';
import { jsonFields, sources, type Source } from '../sources/index.js';
import { UserError } from '../util/errors.js';

interface FieldClass {
  name: string;
  description: string;
  sources: string[];
  fields: FieldDef[];
}

const isEventField = (f: FieldDef) => f.name.startsWith('evt.');
/** Fields vigil adds to a source's catalogue (geo-IP). */
const isVigilField = (f: FieldDef) => f.name.startsWith('vigil.');

/**
 * Each source's own fields, then the fields every plugin source has (evt.*) and the json
 * fields, each once, naming the sources they apply to.
 */
function fieldClasses(selected: Source[]): FieldClass[] {
  const shared = new Set(jsonFields);
  const platforms = selected.filter((s) => s.name !== 'json');
  const classes = platforms.map((s) => ({
    name: s.name, description: s.description, sources: [s.name],
    fields: s.catalog.fields.filter((f) => !shared.has(f) && !isEventField(f) && !isVigilField(f)),
  }));
  if (platforms.length > 0) {
    classes.push({
      name: 'evt',
      description: 'Event number, time, source and plugin of every platform event',
      sources: platforms.map((s) => s.name),
      fields: platforms[0]!.catalog.fields.filter(isEventField),
    });
  }
  const enriched = platforms.filter((s) => s.catalog.fields.some(isVigilField));
  if (enriched.length > 0) {
    classes.push({
      name: 'vigil',
      description: "vigil's enrichment: geo-IP of the event's client IP",
      sources: enriched.map((s) => s.name),
      fields: enriched[0]!.catalog.fields.filter(isVigilField),
    });
  }
  classes.push({
    name: 'json',
    description: 'Fields of the JSON payload of any event, by JSON pointer',
    sources: selected.map((s) => s.name),
    fields: jsonFields,
  });
  return classes;
}

function usage(f: FieldDef): string {
  if (f.arg === 'none') return f.name;
  const arg = `[${f.argKind === 'index' ? 'N' : 'KEY'}]`;
  return f.name + (f.arg === 'optional' ? `(${arg})` : arg);
}

function typeText(f: FieldDef): string {
  return f.type.replace(/^PT_/, '') + (f.isList ? ' (list)' : '');
}

function render(classes: FieldClass[]): string {
  const out: string[] = [];
  for (const c of classes) {
    out.push(`Field Class:   ${c.name} (${c.description})`, `Event Sources: ${c.sources.join(', ')}`, '');
    const width = Math.max(...c.fields.map((f) => usage(f).length)) + 2;
    for (const f of c.fields) out.push(`${usage(f).padEnd(width)}${typeText(f).padEnd(16)}${f.description}`);
    out.push('');
  }
  return out.join('\n');
}

function json(classes: FieldClass[]): string {
  const rows = classes.flatMap((c) =>
    c.fields.map((f) => ({
      class: c.name, sources: c.sources, name: f.name, type: f.type, isList: f.isList, arg: f.arg, argKind: f.argKind,
      description: f.description,
    })));
  return JSON.stringify(rows, null, 2) + '\n';
}

export default function register(program: Command): void {
  program
    .command('fields')
    .description('List every field rules can use, with its type and description (as falco --list)')
    .option('--source <name>', `only this source's fields (${sources.map((s) => s.name).join(', ')})`)
    .option('--json', 'print JSON')
    .action((opts: { source?: string; json?: boolean }) => {
      const selected = opts.source === undefined ? sources : sources.filter((s) => s.name === opts.source);
      if (selected.length === 0) {
        throw new UserError(`unknown source '${opts.source}' (known: ${sources.map((s) => s.name).join(', ')})`);
      }
      const classes = fieldClasses(selected);
      process.stdout.write(opts.json ? json(classes) : render(classes));
    });
}
