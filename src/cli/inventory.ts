import type { Command } from 'commander';
import { importInventory, snapshotJson, INVENTORY_SCHEMA } from '../posture/index.js';
import { writeOutput } from './posture-output.js';

export default function register(program: Command): void {
  const inventory = program.command('inventory').description('cloud inventory snapshots: import, collect, trust');

  inventory
    .command('import <file>')
    .description('read a snapshot or a GCP Cloud Asset Inventory export into a vigil snapshot')
    .option('-f, --format <format>', 'auto, vigil or gcp-cai', 'auto')
    .option('-o, --output <file>', 'write the snapshot here instead of stdout')
    .action((file: string, opts: { format: string; output?: string }) => {
      writeOutput(opts.output, snapshotJson(importInventory(file, opts.format)));
    });

  inventory
    .command('schema')
    .description('print the JSON Schema of inventory snapshots')
    .action(() => writeOutput(undefined, JSON.stringify(INVENTORY_SCHEMA, null, 2) + '\n'));
}
