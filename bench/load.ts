/**
 * Load test of `vigil serve` (a script, not a timed test): 100,000 mixed events over HTTP
 * from this process to the service in another, checking that every one is accounted for
 * and that the service's memory stays bounded, and reporting the sustained events/s.
 *
 *   npm run bench:load [-- --events 100000 --concurrency 8 --batch 100 --queue 10000 --store postgres://…]
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeCorpus } from './corpus.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '100' },
    store: { type: 'string' },
    queue: { type: 'string', default: '10000' },
  },
});
const TOTAL = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);
const SECRETS = { VIGIL_INGEST_TOKEN: 'load-token', VIGIL_GITHUB_SECRET: 'load-gh', VIGIL_OKTA_AUTHORIZATION: 'load-okta' };
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Request {
  path: string;
  body: string;
  headers: Record<string, string>;
  events: number;
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const bearer = { authorization: `Bearer ${SECRETS.VIGIL_INGEST_TOKEN}` };

/** The mix: 45% Kubernetes audit EventLists, 45% CloudTrail files, 5% signed GitHub webhooks, 5% Okta event hooks. */
async function requests(dir: string): Promise<Request[]> {
  const k8sCount = Math.round(TOTAL * 0.45);
  const ctCount = Math.round(TOTAL * 0.45);
  const ghCount = Math.round(TOTAL * 0.05);
  const oktaCount = TOTAL - k8sCount - ctCount - ghCount;
  await writeCorpus('k8s_audit', k8sCount, join(dir, 'k8s.jsonl'), 1);
  await writeCorpus('aws_cloudtrail', ctCount, join(dir, 'ct.jsonl'), 2);
  const out: Request[] = [];
  const batches = (items: string[], wrap: (joined: string) => string, path: string, headers: Record<string, string>) => {
    for (let i = 0; i < items.length; i += BATCH) {
      const part = items.slice(i, i + BATCH);
      out.push({ path, body: wrap(part.join(',')), headers, events: part.length });
    }
  };
  batches(lines(join(dir, 'k8s.jsonl')), (j) => `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${j}]}`, '/ingest/k8s_audit', bearer);
  batches(lines(join(dir, 'ct.jsonl')), (j) => `{"Records":[${j}]}`, '/ingest/aws_cloudtrail', bearer);
  const github = lines(join(root, 'examples/events/github.jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>);
  for (let i = 0; i < ghCount; i++) {
    const { webhook_type: event, ...payload } = github[i % github.length]!;
    const body = JSON.stringify(payload);
    const signature = 'sha256=' + createHmac('sha256', SECRETS.VIGIL_GITHUB_SECRET).update(body).digest('hex');
    out.push({ path: '/ingest/github', body, headers: { 'x-github-event': String(event), 'x-hub-signature-256': signature }, events: 1 });
  }
  const okta = lines(join(root, 'examples/events/okta.jsonl'));
  const oktaEvents = Array.from({ length: oktaCount }, (_, i) => okta[i % okta.length]!);
  batches(oktaEvents, (j) => `{"eventType":"com.okta.event_hook","data":{"events":[${j}]}}`, '/ingest/okta', { authorization: SECRETS.VIGIL_OKTA_AUTHORIZATION });
  // Interleave the sources so the service sees them mixed.
  const rng = (() => { let a = 7; return () => ((a = (a * 1103515245 + 12345) >>> 0) / 2 ** 32); })();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-load-'));
  const work = await requests(dir);
  const store = args.store ?? join(dir, 'vigil.db');
  const server = spawn(
    process.execPath,
    [join(root, 'dist/src/cli/main.js'), 'serve', '--port', '0', '--store', store, '--replay', '', '--server-queue-capacity', args.queue!, '--dead-letter', join(dir, 'dead.jsonl'), '--output', `file,path=${join(dir, 'alerts.jsonl')}`],
    { env: { ...process.env, ...SECRETS }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = once(server, 'exit');
  let url = '';
  for await (const line of createInterface({ input: server.stderr! })) {
    const m = /listening on (\S+)/.exec(line);
    if (m) {
      url = m[1]!;
      break;
    }
    if (/^vigil: (?!.*rules from|.*alerts stored|.*outputs:|.*ingest|.*REST|.*GitHub|.*Okta)/.test(line)) process.stderr.write(line + '\n');
  }
  server.stderr!.resume();
  if (!url) throw new Error('the service did not start');

  let accepted = 0;
  let alerts = 0;
  let refused = 0;
  let failed = 0;
  const rss: number[] = [];
  const sampler = setInterval(async () => {
    try {
      const text = await (await fetch(`${url}/metrics`)).text();
      rss.push(metric(text, 'vigil_process_resident_memory_bytes'));
    } catch {
      // a missed sample is fine
    }
  }, 250);

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const req = work[next++]!;
      for (;;) {
        const res = await fetch(url + req.path, { method: 'POST', body: req.body, headers: { 'content-type': 'application/json', ...req.headers } });
        const body = (await res.json()) as { events?: number; alerts?: number; error?: string };
        if (res.status === 429) {
          refused++;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        if (res.status !== 200 || body.events !== req.events) {
          failed++;
          process.stderr.write(`${req.path}: ${res.status} ${JSON.stringify(body)}\n`);
        } else {
          accepted += body.events;
          alerts += body.alerts!;
        }
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const metrics = await (await fetch(`${url}/metrics`)).text();
  const stats = (await (await fetch(`${url}/api/stats?bucket=30d`)).json()) as { total: number };
  const parsed = metric(metrics, 'vigil_events_parsed_total');
  server.kill('SIGTERM');
  const [code] = await exited;

  const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MB`;
  const quarter = (q: number) => rss[Math.min(rss.length - 1, Math.floor((rss.length * q) / 4))] ?? 0;
  const maxRss = Math.max(...rss);
  const lastHalfGrowth = quarter(4) && quarter(2) ? quarter(4) / quarter(2) : 1;
  const checks: Array<[string, boolean]> = [
    [`every event accepted (${accepted} of ${TOTAL})`, accepted === TOTAL && failed === 0],
    [`every event evaluated (${parsed})`, parsed === TOTAL],
    [`every alert stored (${stats.total} stored, ${alerts} reported)`, stats.total === alerts],
    [`memory bounded (max ${mb(maxRss)}; second half grew ×${lastHalfGrowth.toFixed(2)})`, maxRss < 1024 ** 3 && lastHalfGrowth < 1.5],
    [`clean shutdown (exit ${code})`, code === 0],
  ];
  console.log(`vigil load test: ${TOTAL} events (45% k8s_audit, 45% aws_cloudtrail, 5% github, 5% okta) in ${work.length} requests, ${CONCURRENCY} connections`);
  console.log(`  ${(TOTAL / seconds).toFixed(0)} events/s sustained (${seconds.toFixed(1)} s), ${alerts} alerts, ${refused} requests answered 429 and retried`);
  console.log(`  service RSS: ${[1, 2, 3, 4].map((q) => mb(quarter(q))).join(' → ')} (quarters), max ${mb(maxRss)}`);
  for (const [what, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  rmSync(dir, { recursive: true, force: true });
  if (checks.some(([, ok]) => !ok)) process.exit(1);
}

await main();
