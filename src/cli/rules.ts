import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadRules, formatMessage, snippetOf, CODE_SUMMARIES, type LoadMessage } from '../rules/index.js';
import { findSource, syscallCatalog } from '../sources/index.js';
import { UserError } from '../util/errors.js';

/** A source's catalogue: the sources vigil runs, plus syscall (checked, never run). */
function catalogFor(source: string) {
  return findSource(source)?.catalog ?? (source === 'syscall' ? syscallCatalog() : undefined);
}

function jsonMessage(m: LoadMessage, contents: Map<string, string>) {
  return {
    code: m.code,
    codedesc: CODE_SUMMARIES[m.code],
    message: m.message,
    item_type: m.itemType,
    item_name: m.itemName,
    file: m.file,
    line: m.line,
    column: m.column,
    snippet: snippetOf(m, contents),
    context: {
      locations: m.locations.map((l) => ({
        item_type: l.itemType,
        item_name: l.itemName,
        position: { name: l.file, line: l.line, column: l.column, offset: l.offset },
      })),
    },
  };
}

/**
 * `vigil rules validate FILE...`: what `falco -V` does, with Falco's codes and file:line:column.
 * `--json` prints Falco's `-V` JSON shape (`falco_load_results`), so tools that read it read this,
 * with the innermost item and its 1-based position added to each message.
 */
export function rulesCommand(program: Command): void {
  const rules = program.command('rules').description('Work with Falco rules files');
  rules
    .command('validate')
    .description('Load rules files in order and report errors and warnings (falco -V); exit 1 on errors')
    .argument('<files...>', 'rules files, loaded in order')
    .option('--json', 'print the results as JSON')
    .action((files: string[], opts: { json?: boolean }) => {
      const inputs = files.map((name) => {
        try {
          return { name, content: readFileSync(name, 'utf8') };
        } catch (err) {
          throw new UserError(`cannot read rules file ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      });
      const contents = new Map(inputs.map((f) => [f.name, f.content]));
      const set = loadRules(inputs, { catalogs: catalogFor });
      if (opts.json) {
        const results = set.files.map((f) => ({
          name: f.name,
          successful: f.successful,
          schema_valid: f.schemaValidation !== 'failed',
          schema_warnings: f.schemaWarnings,
          errors: f.errors.map((m) => jsonMessage(m, contents)),
          warnings: f.warnings.map((m) => jsonMessage(m, contents)),
        }));
        process.stdout.write(`${JSON.stringify({ falco_load_results: results }, null, 2)}\n`);
      } else {
        for (const f of set.files) {
          process.stdout.write(`${f.name}: ${f.successful ? (f.warnings.length > 0 ? 'Ok, with warnings' : 'Ok') : 'Invalid'}\n`);
          for (const m of [...f.errors, ...f.warnings]) {
            process.stdout.write(`  ${formatMessage(m)}\n`);
            const snippet = snippetOf(m, contents);
            if (snippet.trim()) process.stdout.write(`    | ${snippet}\n`);
          }
        }
        const enabled = set.enabledRules().length;
        process.stdout.write(`${set.errors.length} errors, ${set.warnings.length} warnings; ${set.rules.length} rules loaded, ${enabled} enabled\n`);
      }
      if (!set.successful) process.exitCode = 1;
    });
}
