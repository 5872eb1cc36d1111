import type { Command } from 'commander';

/** Every sub-command: one file each, registered here. */
export const commands: Array<(program: Command) => void> = [];
