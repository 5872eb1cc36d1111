#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { commands } from './commands.js';
import { UserError } from '../util/errors.js';

const program = new Command('vigil')
  .description('Continuous security monitoring for cloud and SaaS')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof UserError) {
    process.stderr.write(`vigil: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
