import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_RULES_DIR, EXAMPLES_DIR } from '../util/paths.js';
import { runDetection } from './run.js';

/**
 * `vigil demo`: the default rules over the bundled example events, once, printed as text:
 * what `npm start` (`vigil serve`) replays into its store, without the service.
 */
export default function register(program: Command): void {
  program
    .command('demo')
    .description('Run the default rules once over the bundled example events and print the alerts')
    .action(async () => {
      process.stderr.write(`vigil: default rules from ${DEFAULT_RULES_DIR}, example events from ${join(EXAMPLES_DIR, 'events')}\n`);
      const { alerts } = await runDetection({
        rules: [DEFAULT_RULES_DIR],
        input: [join(EXAMPLES_DIR, 'events')],
        format: 'text',
        source: 'auto',
        inputFormat: 'auto',
      });
      process.stderr.write(
        `vigil: ${alerts} alerts above. Next: 'vigil run --input <your audit logs>' (add --format json for Falco JSON), ` +
          `'vigil rules validate <file>', 'vigil rules test', 'vigil fields'.\n`,
      );
    });
}
