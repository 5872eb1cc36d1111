import type { Command } from 'commander';
import fields from './fields.js';

/** Every sub-command: one file each, registered here. */
export const commands: Array<(program: Command) => void> = [fields];
