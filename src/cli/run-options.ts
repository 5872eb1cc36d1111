import { Option, type Command } from 'commander';
import { PRIORITIES, parsePriority, type Priority } from '../records/index.js';
import { FORMATS, autoSource, sourceWith, sources, type Format, type Source } from '../sources/index.js';
import { UserError } from '../util/errors.js';
import type { RuleSet } from '../rules/index.js';

/** Options shared by the commands that evaluate events. */
export interface EvalOptions {
  source: string;
  inputFormat: Format;
  minPriority?: string;
  falcoBugs?: boolean;
  /** Run only the rules with one of these tags (Falco's -t). */
  tag?: string[];
  /** Do not run the rules with one of these tags (Falco's -T). */
  excludeTag?: string[];
}

export function addEvalOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--source <name>', 'the events\' source, or auto to judge each by its shape')
        .choices(['auto', ...sources.map((s) => s.name)])
        .default('auto'),
    )
    .addOption(new Option('--input-format <format>', 'how events are framed in the input').choices([...FORMATS]).default('auto'))
    .addOption(new Option('--min-priority <priority>', 'skip rules less severe than this').choices([...PRIORITIES]))
    .option('--falco-bugs', 'extract fields exactly as Falco\'s plugins do, known bugs included')
    .option('-t, --tag <tags...>', 'run only the rules that have one of these tags')
    .option('-T, --exclude-tag <tags...>', 'do not run the rules that have one of these tags');
}

/** Applies the tag filters to the default ruleset, as Falco's -t and -T do. */
export function selectByTags(set: RuleSet, opts: EvalOptions): void {
  if (opts.tag?.length) {
    set.enable('', false);
    set.enableTags(opts.tag, true);
  }
  if (opts.excludeTag?.length) set.enableTags(opts.excludeTag, false);
}

export function sourceOption(opts: EvalOptions): Source | ((doc: unknown) => Source) {
  const extraction = { falcoBugs: opts.falcoBugs ?? false };
  if (opts.source === 'auto') return autoSource(extraction);
  const source = sourceWith(opts.source, extraction);
  if (!source) throw new UserError(`unknown source ${opts.source}`);
  return source;
}

export function minimumPriority(opts: EvalOptions): Priority | undefined {
  return opts.minPriority === undefined ? undefined : parsePriority(opts.minPriority);
}
