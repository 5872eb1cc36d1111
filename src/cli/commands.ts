import type { Command } from 'commander';
import fields from './fields.js';
import { rulesCommand } from './rules.js';
import run from './run.js';
import serve from './serve.js';
import demo from './demo.js';
import inventory from './inventory.js';
import drift from './drift.js';
import posture from './posture.js';
import { registerSecrets } from './secrets.js';

/** Every sub-command: one file each, registered here. */
export const commands: Array<(program: Command) => void> = [
  serve, demo, run, rulesCommand, fields, inventory, drift, posture, registerSecrets,
];
