import type { Command } from 'commander';
import { loadRules, readRulesFiles, formatMessage, snippetOf, CODE_SUMMARIES, type LoadMessage } from '../rules/index.js';
import { catalogFor } from '../sources/index.js';
import { UserError } from '../util/errors.js';
import { loadRuleFiles, runRuleTests } from '../engine/index.js';
import { DEFAULT_RULES_DIR } from '../util/paths.js';

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
    .argument('<files...>', 'rules files or directories, loaded in order')
    .option('--json', 'print the results as JSON')
    .action((files: string[], opts: { json?: boolean }) => {
      const inputs = readRulesFiles(files);
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

  rules
    .command('test')
    .description('Run the rule tests (x.tests.yaml beside x.yaml): events that must fire each rule, and events that must not')
    .argument('[dirs...]', 'rules directories or files; their *.tests.yaml are run', [DEFAULT_RULES_DIR])
    .action((dirs: string[]) => {
      const set = loadRuleFiles(dirs);
      if (!set.successful) {
        for (const e of set.errors) process.stderr.write(`vigil: ${formatMessage(e)}\n`);
        throw new UserError(`the rules did not load (${set.errors.length} errors)`);
      }
      const outcomes = runRuleTests(set, dirs);
      const failed = outcomes.filter((o) => o.problem);
      for (const o of failed) process.stdout.write(`FAIL ${o.where}: ${o.problem}\n`);
      const untested = set.rules.filter((r) => !outcomes.some((o) => o.rule === r.name && o.expect === 'fires'));
      for (const r of untested) process.stdout.write(`note: rule '${r.name}' has no test that fires it\n`);
      process.stdout.write(`rule tests: ${outcomes.length - failed.length} passed, ${failed.length} failed\n`);
      if (failed.length > 0) process.exitCode = 1;
    });
}
