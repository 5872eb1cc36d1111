import { Option, type Command } from 'commander';
import { detect, engineFor, evaluateInParallel, lineFilterFor, loadRuleFiles, usesEventNumber } from '../engine/index.js';
import { formatMessage, type RuleSet } from '../rules/index.js';
import { readInputBatches } from '../sources/index.js';
import { DEFAULT_RULES_DIR } from '../util/paths.js';
import { UserError } from '../util/errors.js';
import type { Alert } from '../records/index.js';
import { addEvalOptions, minimumPriority, selectByTags, sourceOption, type EvalOptions } from './run-options.js';

export interface RunOptions extends EvalOptions {
  workers?: number;
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
      .option('--keep-event', 'include the event in each alert (vigil.event)')
      .option('-w, --workers <n>', 'evaluate JSON-lines files on n worker threads (needs --source and file inputs)', (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UserError(`--workers takes a whole number of at least 1, not ${v}`);
        return n;
      }),
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
  selectByTags(set, opts);
  reportIdleSources(set);
  const write = print[opts.format];
  let events = 0;
  let alerts = 0;
  let malformed = 0;
  for await (const batch of opts.workers ? parallelBatches(opts, set) : singleBatches(opts, set)) {
    events += batch.events;
    for (const error of batch.errors) process.stderr.write(`vigil: skipped ${error}\n`);
    malformed += batch.errors.length;
    for (const alert of batch.alerts) {
      alerts++;
      if (!process.stdout.write(`${write(alert)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
    }
  }
  process.stderr.write(`vigil: ${events} events, ${alerts} alerts, ${malformed} skipped\n`);
  return { events, alerts, malformed };
}

interface Batch {
  events: number;
  alerts: Alert[];
  errors: string[];
}

async function* singleBatches(opts: RunOptions, set: RuleSet): AsyncGenerator<Batch> {
  const engine = engineFor(set, { keepEvent: opts.keepEvent ?? false });
  const source = sourceOption(opts);
  const unmatchable = lineFilterFor(engine, source);
  for await (const d of detect(engine, readInputBatches(opts.input, { format: opts.inputFormat, unmatchable }), source)) {
    yield { events: d.events, alerts: d.alerts, errors: d.errors.map((e) => e.message) };
  }
}

function parallelBatches(opts: RunOptions, set: RuleSet): AsyncGenerator<Batch> {
  if (opts.source === 'auto') throw new UserError('--workers needs --source: every line of the input is an event of that source');
  const counting = set.enabledRules().find(usesEventNumber);
  if (counting) {
    throw new UserError(`rule '${counting.name}' uses evt.num, the event's number in the whole input, which a worker thread does not know: run it without --workers`);
  }
  if (opts.input.includes('-')) throw new UserError('--workers reads files, not stdin');
  if (opts.tag?.length || opts.excludeTag?.length || opts.keepEvent) {
    throw new UserError('--workers does not take --tag, --exclude-tag or --keep-event yet');
  }
  return evaluateInParallel(opts.input, {
    rules: opts.rules,
    source: opts.source,
    workers: opts.workers,
    minimumPriority: minimumPriority(opts),
    falcoBugs: opts.falcoBugs,
  });
}

/** Rules of sources vigil checks but does not evaluate (syscall) are loaded, and said to be idle. */
function reportIdleSources(set: RuleSet): void {
  const idle = new Map<string, number>();
  for (const rule of set.enabledRules()) if (!rule.filter) idle.set(rule.source, (idle.get(rule.source) ?? 0) + 1);
  for (const [source, count] of idle) {
    process.stderr.write(`vigil: ${count} rules for source ${source} are loaded and checked but not run (vigil does not evaluate ${source} events)\n`);
  }
}
