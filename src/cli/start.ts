import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_RULES_DIR, EXAMPLES_DIR } from '../util/paths.js';
import { runDetection } from './run.js';

/**
 * `vigil start` (`npm start`): vigil's main job on its embedded defaults. Until the live
 * service lands, that is the default rules over the bundled example events.
 */
export default function register(program: Command): void {
  program
    .command('start')
    .description('Run the default rules over the bundled example events (what npm start does)')
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
