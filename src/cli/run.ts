import { Option, type Command } from 'commander';
import { detect, engineFor, loadRuleFiles } from '../engine/index.js';
import { formatMessage } from '../rules/index.js';
import { readInputs } from '../sources/index.js';
import { DEFAULT_RULES_DIR } from '../util/paths.js';
import { UserError } from '../util/errors.js';
import type { Alert } from '../records/index.js';
import { addEvalOptions, minimumPriority, sourceOption, type EvalOptions } from './run-options.js';

export interface RunOptions extends EvalOptions {
  rules: string[];
  input: string[];
  format: 'json' | 'text';
  keepEvent?: boolean;
}

const print: Record<RunOptions['format'], (a: Alert) => string> = {
  json: (a) => JSON.stringify(a),
  text: (a) => a.output,
};

/** `vigil run`: evaluate events from files or stdin against rules; one alert per line. */
export default function register(program: Command): void {
  addEvalOptions(
    program
      .command('run')
      .description('Evaluate events (files, directories, gzip, or - for stdin) against rules and print the alerts')
      .option('-r, --rules <paths...>', 'rules files or directories, loaded in order', [DEFAULT_RULES_DIR])
      .option('-i, --input <paths...>', 'event files or directories, or - for stdin', ['-'])
      .addOption(new Option('--format <format>', 'alert format: Falco JSON or Falco text').choices(['json', 'text']).default('json'))
      .option('--keep-event', 'include the event in each alert (vigil.event)'),
  ).action(async (opts: RunOptions) => {
    await runDetection(opts);
  });
}

/** Loads the rules, evaluates every input event and prints the alerts; returns the counts. */
export async function runDetection(opts: RunOptions): Promise<{ events: number; alerts: number; malformed: number }> {
  const set = loadRuleFiles(opts.rules, { minimumPriority: minimumPriority(opts) });
  for (const w of set.warnings) process.stderr.write(`vigil: warning: ${formatMessage(w)}\n`);
  if (!set.successful) {
    for (const e of set.errors) process.stderr.write(`vigil: ${formatMessage(e)}\n`);
    throw new UserError(`the rules did not load (${set.errors.length} errors)`);
  }
  const engine = engineFor(set, { keepEvent: opts.keepEvent ?? false });
  const write = print[opts.format];
  let events = 0;
  let alerts = 0;
  let malformed = 0;
  for await (const d of detect(engine, readInputs(opts.input, { format: opts.inputFormat }), sourceOption(opts))) {
    if ('error' in d) {
      malformed++;
      process.stderr.write(`vigil: skipped ${d.error.message}\n`);
      continue;
    }
    events++;
    for (const alert of d.alerts) {
      alerts++;
      if (!process.stdout.write(`${write(alert)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
    }
  }
  process.stderr.write(`vigil: ${events} events, ${alerts} alerts, ${malformed} skipped\n`);
  return { events, alerts, malformed };
}
