import type { Command } from 'commander';
import { registerSecrets } from './secrets.js';

/** Every sub-command: one file each, registered here. */
export const commands: Array<(program: Command) => void> = [registerSecrets];
