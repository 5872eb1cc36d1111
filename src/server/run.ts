import { engineFor, loadRuleFiles } from '../engine/index.js';
import { formatMessage } from '../rules/index.js';
import { alertEnricher, AssetIndex } from '../enrich/index.js';
import { catalogFor, findSource } from '../sources/index.js';
import { redactUrl } from '../store/index.js';
import { UserError } from '../util/errors.js';
import type { VigilConfig } from '../config/index.js';
import { startService, type Service } from './service.js';

/**
 * `vigil serve`: loads the rules, starts the service, replays the configured example
 * events once, and says where to look. Secrets are never printed.
 */
export async function runService(config: VigilConfig, log: (line: string) => void): Promise<Service> {
  const set = loadRuleFiles(config.rules, { minimumPriority: config.minimumPriority });
  for (const w of set.warnings) log(`vigil: warning: ${formatMessage(w)}`);
  if (set.errors.length) {
    for (const e of set.errors) log(`vigil: ${formatMessage(e)}`);
    throw new UserError(`the rules did not load (${set.errors.length} errors)`);
  }
  const engine = engineFor(set, { keepEvent: true });
  if (config.file) log(`vigil: settings from ${config.file}`);
  log(`vigil: ${set.enabledRules().length} rules from ${config.rules.join(', ')}`);
  log(`vigil: alerts stored in ${redactUrl(config.service.store)}`);
  const outputs = config.service.outputs.outputs.filter((o) => o.enabled);
  log(`vigil: outputs: ${outputs.map((o) => `${o.name} (${o.type}, ${o.minimumPriority} and above)`).join(', ')}`);

  const assets = AssetIndex.load(config.assets);
  if (config.assets.length) log(`vigil: asset context for alerts: ${assets.size} names from ${config.assets.join(', ')}`);
  const enrich = alertEnricher(catalogFor, assets);
  const service = await startService(config.service, { evaluate: (e) => enrich(engine.evaluate(e), e), findSource, log });
  log(`vigil: listening on ${service.url}`);
  const replayed = await service.replay();
  if (replayed) log(`vigil: replayed ${replayed} example events from ${config.service.replay.join(', ')} (once; later starts skip them)`);
  log(`vigil: alerts: ${service.url}/api/alerts   stats: ${service.url}/api/stats   metrics: ${service.url}/metrics`);
  return service;
}
