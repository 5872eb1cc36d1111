import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineRule } from '../../src/engine/index.js';
import { compileCondition, parseCondition, SlotTable } from '../../src/rules/condition/index.js';
import { findSource, type VigilEvent } from '../../src/sources/index.js';
import type { Priority } from '../../src/records/index.js';
import type { ServiceOptions, ServiceParts } from '../../src/server/index.js';

const json = findSource('json')!;

function rule(slots: SlotTable, source: string, name: string, condition: string, priority: Priority): EngineRule {
  const { filter } = compileCondition(parseCondition(condition), json.catalog, { slots });
  return {
    name,
    priority,
    source,
    tags: [source],
    filter,
    render: (ctx) => {
      const data = (ctx.event as VigilEvent).data as { user?: { username?: string } };
      const user = data.user?.username ?? null;
      return { output: `${name} (user=${user ?? '<NA>'})`, fields: { user } };
    },
  };
}

export function testParts(): ServiceParts {
  const slots = new SlotTable();
  const engine = new Engine(
    [
      rule(slots, 'k8s_audit', 'Pod created', 'json.value[/verb] = create', 'warning'),
      rule(slots, 'k8s_audit', 'Secret read', 'json.value[/objectRef/resource] = secrets', 'critical'),
      rule(slots, 'github', 'Repository made public', 'json.value[/webhook_type] = repository and json.value[/action] = publicized', 'critical'),
      rule(slots, 'okta', 'Okta admin login', 'json.value[/eventType] = user.session.start', 'notice'),
      rule(slots, 'json', 'Any json', 'json.value[/n] exists', 'informational'),
    ],
    slots,
    { hostname: 'test', keepEvent: true },
  );
  return { evaluate: (e) => engine.evaluate(e), findSource, log: () => {} };
}

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function testOptions(dir: string, overrides: Partial<ServiceOptions> = {}): ServiceOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    bodyLimit: 64 * 1024,
    auth: {},
    store: join(dir, 'vigil.db'),
    retentionMs: 0,
    pipeline: {},
    outputs: {
      outputs: [{ name: 'store', type: 'store', enabled: true, minimumPriority: 'debug', dedup: false, options: {} }],
      dedup: { windowMs: 0, fields: [] },
      deadLetterPath: join(dir, 'dead-letter.jsonl'),
      delivery: { backoffMs: 5, maxBackoffMs: 20 },
    },
    replay: [],
    shutdownGraceMs: 1000,
    deadLetterRetryMs: 0,
    ...overrides,
  };
}

export function auditEvent(verb: string, resource: string, user = 'alice'): Record<string, unknown> {
  return { kind: 'Event', apiVersion: 'audit.k8s.io/v1', verb, objectRef: { resource }, user: { username: user }, stageTimestamp: '2026-11-25T10:00:00.000000Z' };
}

export function eventList(...items: unknown[]): Record<string, unknown> {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items };
}

export function githubSignature(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, body: type.includes('json') ? JSON.parse(text) : text };
}
