import type { Command } from 'commander';
import fields from './fields.js';
import { rulesCommand } from './rules.js';
import run from './run.js';
import start from './start.js';

/** Every sub-command: one file each, registered here. */
export const commands: Array<(program: Command) => void> = [start, run, rulesCommand, fields];
