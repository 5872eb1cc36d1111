import type { Command } from 'commander';
import { UserError } from '../util/errors.js';
import { importInventory, snapshotJson, INVENTORY_SCHEMA, buildTrustGraph, trustTable, trustDot, formatFindings, loadExpected } from '../posture/index.js';
import { awsOptions, collectFromAws, findingOptions, reportFindings, writeOutput, type ActualOptions, type FindingOptions } from './posture-output.js';

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

  awsOptions(
    inventory
      .command('collect')
      .description('build a snapshot of the actual state from the cloud APIs (AWS SDK v3, standard credential chain)')
      .option('--aws', 'collect from AWS (the only live provider so far)')
      .option('-o, --output <file>', 'write the snapshot here instead of stdout'),
  ).action(async (opts: ActualOptions & { output?: string }) => {
    if (!opts.aws) throw new UserError('choose a provider to collect from: --aws');
    writeOutput(opts.output, snapshotJson(await collectFromAws(opts)));
  });

  inventory
    .command('schema')
    .description('print the JSON Schema of inventory snapshots')
    .action(() => writeOutput(undefined, JSON.stringify(INVENTORY_SCHEMA, null, 2) + '\n'));

  const trust = inventory
    .command('trust <snapshot>')
    .description('who can assume what: role trust policies as a graph; flags undeclared accounts and wildcard principals')
    .option('-d, --declared <files...>', 'declared inventory YAML naming the trusted accounts', []);
  findingOptions(trust, 'table, json, dot, or alert/text for the flagged findings only').action(
    async (file: string, opts: FindingOptions & { declared: string[] }) => {
      const snapshot = importInventory(file);
      const graph = buildTrustGraph(snapshot, loadExpected(opts.declared).declared);
      const render: Record<string, () => string> = {
        table: () => trustTable(graph),
        json: () => JSON.stringify(graph, null, 2) + '\n',
        dot: () => trustDot(graph),
      };
      const text = (render[opts.format] ?? (() => formatFindings(graph.findings, opts.format as 'text' | 'alert')))();
      await reportFindings('trust', snapshot, graph.findings, opts, text);
    },
  );
  trust.setOptionValue('format', 'table');
}
