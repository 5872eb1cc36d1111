/**
 * `npm run bench:secrets [-- MB]`: a generated corpus of ordinary source and config text
 * with planted secrets, scanned in the same run, on one core (one Node thread), by vigil
 * and by secretlint with its recommended preset. Prints MB/s (best of 3 runs each, file
 * reading included for both) and found/planted for each.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { DEFAULT_LIMITS, scanPaths, type Located } from '../src/secrets/index.js';

/** mulberry32: a small seeded generator, so every run scans the same corpus. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(20261125);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const chars = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join('');
const alnum = (n: number): string => chars(ALNUM, n);
const hex = (n: number): string => chars('0123456789abcdef', n);
const b64 = (n: number): string => chars(`${ALNUM}+/`, n);
const digits = (n: number): string => chars('0123456789', n);

function checksummed(prefix: string): string {
  const body = alnum(30);
  let n = crc32(body);
  let sum = '';
  while (n > 0) {
    sum = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[n % 62] + sum;
    n = Math.floor(n / 62);
  }
  return `${prefix}${body}${sum.padStart(6, '0')}`;
}

/** A planted secret: the line that holds it, and the secret's text within it. */
interface Plant {
  kind: string;
  line: string;
  secret: string;
}
const WORDS = ['harbor', 'maple', 'quartz', 'otter', 'falcon', 'tundra', 'cobalt', 'ember', 'pylon', 'orchid'];
const plants: Array<() => Plant> = [
  () => ((s) => ({ kind: 'aws-access-key-id', line: `AWS_ACCESS_KEY_ID = "${s}"`, secret: s }))(`AKIA${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`),
  () => ((s) => ({ kind: 'aws-secret-access-key', line: `aws_secret_access_key = "${s}"`, secret: s }))(b64(40)),
  () => ((s) => ({ kind: 'github-pat', line: `GITHUB_TOKEN = "${s}"`, secret: s }))(checksummed('ghp_')),
  () => ((s) => ({ kind: 'npm-token', line: `//registry.npmjs.org/:_authToken=${s}`, secret: s }))(checksummed('npm_')),
  () => ((s) => ({ kind: 'gitlab-pat', line: `export GITLAB_TOKEN="${s}"`, secret: s }))(`glpat-${alnum(20)}`),
  () => ((s) => ({ kind: 'slack-bot-token', line: `slack_token: "${s}"`, secret: s }))(`xoxb-${digits(12)}-${digits(13)}-${alnum(24)}`),
  () => ((s) => ({ kind: 'slack-webhook', line: `const HOOK = "${s}";`, secret: s }))(`https://hooks.slack.com/services/T${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/B${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}/${alnum(24)}`),
  () => ((s) => ({ kind: 'stripe-secret-key', line: `STRIPE_SECRET_KEY=${s}`, secret: s }))(`sk_live_${alnum(24)}`),
  () => ((s) => ({ kind: 'sendgrid-api-key', line: `SENDGRID_API_KEY = "${s}"`, secret: s }))(`SG.${chars(`${ALNUM}_-`, 22)}.${chars(`${ALNUM}_-`, 43)}`),
  () => ((s) => ({ kind: 'openai-api-key', line: `OPENAI_API_KEY = "${s}"`, secret: s }))(`sk-proj-${alnum(74)}T3BlbkFJ${alnum(74)}`),
  () => ((s) => ({ kind: 'anthropic-api-key', line: `ANTHROPIC_API_KEY=${s}`, secret: s }))(`sk-ant-api03-${chars(`${ALNUM}_-`, 93)}AA`),
  () => ((s) => ({ kind: 'google-api-key', line: `const mapsKey = "${s}";`, secret: s }))(`AIza${chars(`${ALNUM}_-`, 35)}`),
  () => ((s) => ({ kind: 'twilio-api-key', line: `TWILIO_API_KEY = "${s}"`, secret: s }))(`SK${hex(32)}`),
  () => ((s) => ({ kind: 'databricks-token', line: `DATABRICKS_TOKEN=${s}`, secret: s }))(`dapi${hex(32)}`),
  () => ((s) => ({ kind: 'huggingface-token', line: `HF_TOKEN = "${s}"`, secret: s }))(`hf_${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34)}`),
  () => ((s) => ({ kind: 'shopify-token', line: `SHOPIFY_ACCESS_TOKEN = "${s}"`, secret: s }))(`shpat_${hex(32)}`),
  () => ((s) => ({ kind: 'basic-auth-url', line: `DATABASE_URL=postgres://app:${s}@db.internal:5432/orders`, secret: s }))(`${pick(WORDS)}-${pick(WORDS)}${digits(4)}`),
  () => ((s) => ({ kind: 'keyword-password', line: `DB_PASSWORD = "${s}"`, secret: s }))(`${pick(WORDS)}#${pick(WORDS)}${digits(4)}`),
  () => ((s) => ({ kind: 'keyword-api-key', line: `PARTNER_API_KEY = "${s}"`, secret: s }))(alnum(32)),
  () => ((s) => ({ kind: 'jwt', line: `Authorization: Bearer ${s}`, secret: s }))(`eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${chars(`${ALNUM}_-`, 60)}.${chars(`${ALNUM}_-`, 43)}`),
  () => ({ kind: 'private-key', line: `-----BEGIN RSA PRIVATE KEY-----\n${Array.from({ length: 12 }, () => b64(64)).join('\n')}\n-----END RSA PRIVATE KEY-----`, secret: '-----BEGIN RSA PRIVATE KEY-----' }),
];

/** Ordinary text: code, config and prose lines of the kinds repositories are made of. */
const ident = (): string => `${pick(['get', 'set', 'load', 'parse', 'build', 'send', 'read'])}${pick(['User', 'Order', 'Config', 'Item', 'Event', 'Report'])}${pick(['', 's', 'ById', 'Async'])}`;
const filler: Record<string, Array<() => string>> = {
  py: [() => `def ${ident()}(self, ${pick(['order', 'user', 'item'])}_id: int) -> dict:`, () => `    return self.client.get(f"/v2/${pick(['orders', 'users'])}/{${pick(['order', 'user'])}_id}")`, () => `# ${pick(WORDS)} ${pick(WORDS)} retries after ${int(60)} seconds`, () => `MAX_RETRIES = ${int(10)}`, () => `logger.info("processed %d ${pick(['orders', 'events'])}", count)`],
  'min.js': [() => `function ${ident()}(e,t){var n=e.${pick(['data', 'items', 'state'])}||[];return n.map(function(r){return t(r,"${pick(WORDS)}")}).filter(Boolean)};`],
  js: [() => `export async function ${ident()}(id) {`, () => `  const res = await fetch(\`\${BASE_URL}/v2/items/\${id}\`, { method: "GET" });`, () => `  if (!res.ok) throw new Error("request failed: " + res.status);`, () => `// TODO(${pick(WORDS)}): cache the ${pick(['result', 'response'])} for ${int(300)}ms`, () => `const ${pick(['timeout', 'retries', 'limit'])}Ms = ${int(10000)};`, () => '}'],
  go: [() => `func (s *Server) ${ident()}(w http.ResponseWriter, r *http.Request) {`, () => `\tif err := json.NewDecoder(r.Body).Decode(&req); err != nil {`, () => `\t\treturn fmt.Errorf("decode ${pick(WORDS)}: %w", err)`, () => '\t}', () => `\tlog.Printf("served %s in %v", r.URL.Path, time.Since(start))`],
  yaml: [() => `  ${pick(['replicas', 'port', 'timeoutSeconds'])}: ${int(100)}`, () => `  image: ghcr.io/acme/${pick(WORDS)}:${int(9)}.${int(20)}.${int(9)}`, () => `  - name: ${pick(WORDS)}-${pick(WORDS)}`, () => `    region: ${pick(['us-east-1', 'eu-west-1'])}`],
  md: [() => `The ${pick(WORDS)} service reads its settings from the environment at start-up.`, () => `Run \`make ${pick(['test', 'deploy', 'lint'])}\` before opening a pull request.`, () => `- ${pick(['Fix', 'Add', 'Remove'])} ${pick(WORDS)} handling (#${int(2000)})`, () => ''],
};

interface Planted {
  file: string;
  kind: string;
  start: number;
  end: number;
}

function generate(dir: string, targetBytes: number): { files: string[]; planted: Planted[]; bytes: number } {
  const files: string[] = [];
  const planted: Planted[] = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const ext = i % 25 === 24 ? 'min.js' : pick(Object.keys(filler).filter((e) => e !== 'min.js'));
    const path = `${pick(['src', 'app', 'services/api', 'config', 'docs'])}/${pick(WORDS)}_${i}.${ext}`;
    const lines: string[] = [];
    const size = ext === 'min.js' ? 500 : 100 + int(600);
    const plantAt = i % 3 === 0 ? int(size) : -1; // a secret in one file of three
    let content = '';
    for (let n = 0; n < size; n++) {
      if (n === plantAt) {
        const p = pick(plants)();
        const start = content.length + p.line.indexOf(p.secret);
        planted.push({ file: path, kind: p.kind, start, end: start + p.secret.length });
        lines.push(p.line);
      } else lines.push(pick(filler[ext]!)());
      // a bundle is one long line: what a scanner meets in built assets
      content += `${lines[lines.length - 1]}${ext === 'min.js' ? ';' : '\n'}`;
    }
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    files.push(path);
    bytes += Buffer.byteLength(content);
  }
  return { files, planted, bytes };
}

interface Report {
  file: string;
  start: number;
  end: number;
}

function score(reports: Report[], planted: Planted[]): { found: number; extra: number; missedKinds: Map<string, number> } {
  const hit = (p: Planted, r: Report): boolean => r.file === p.file && r.start < p.end && p.start < r.end;
  const missedKinds = new Map<string, number>();
  let found = 0;
  for (const p of planted) {
    if (reports.some((r) => hit(p, r))) found++;
    else missedKinds.set(p.kind, (missedKinds.get(p.kind) ?? 0) + 1);
  }
  const extra = reports.filter((r) => !planted.some((p) => hit(p, r))).length;
  return { found, extra, missedKinds };
}

/** vigil's findings as character ranges (worked out after timing: reporting is not scanning). */
function vigilReports(dir: string, findings: Located[]): Report[] {
  const texts = new Map<string, string[]>();
  return findings.map((h) => {
    const lines = texts.get(h.file) ?? readFileSync(join(dir, h.file), 'utf8').split('\n');
    texts.set(h.file, lines);
    const start = lines.slice(0, h.line - 1).reduce((n, l) => n + l.length + 1, 0) + h.column - 1;
    return { file: h.file, start, end: start + h.secret.length };
  });
}

async function secretlintReports(dir: string, files: string[]): Promise<Report[]> {
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] };
  const reports: Report[] = [];
  for (const file of files) {
    const content = readFileSync(join(dir, file), 'utf8');
    const result = await lintSource({ source: { filePath: join(dir, file), content, contentType: 'text' }, options: { config } });
    for (const m of result.messages) reports.push({ file, start: m.range[0], end: m.range[1] });
  }
  return reports;
}

/** The best of `rounds` timed runs (the machine is shared: the fastest run is the least disturbed). */
async function timed<T>(rounds: number, run: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  let best = { value: undefined as T, seconds: Infinity };
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const value = await run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (seconds < best.seconds) best = { value, seconds };
  }
  return best;
}

const megabytes = Number(process.argv[2] ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-secrets-'));
try {
  const corpus = generate(dir, megabytes * 1024 * 1024);
  const mb = corpus.bytes / (1024 * 1024);
  console.log(`corpus: ${corpus.files.length} files, ${mb.toFixed(1)} MB, ${corpus.planted.length} planted secrets of ${plants.length} kinds`);
  // warm both up on a slice first, so neither is timed while its code is still being compiled
  await secretlintReports(dir, corpus.files.slice(0, 20));
  scanPaths([corpus.files[0]!], DEFAULT_LIMITS, dir);

  const rounds = 3;
  const vigil = await timed(rounds, () => scanPaths(['.'], DEFAULT_LIMITS, dir).findings);
  const secretlint = await timed(rounds, () => secretlintReports(dir, corpus.files));
  const rows = [
    { tool: 'vigil', run: { value: vigilReports(dir, vigil.value), seconds: vigil.seconds } },
    { tool: 'secretlint (recommend preset)', run: secretlint },
  ];
  console.log(`${'tool'.padEnd(32)}${'MB/s'.padStart(8)}${'found/planted'.padStart(18)}${'other reports'.padStart(16)}`);
  const scored = rows.map((r) => ({ ...r, ...score(r.run.value, corpus.planted) }));
  for (const r of scored) {
    const rate = `${r.found}/${corpus.planted.length} (${((100 * r.found) / corpus.planted.length).toFixed(1)}%)`;
    console.log(`${r.tool.padEnd(32)}${(mb / r.run.seconds).toFixed(2).padStart(8)}${rate.padStart(18)}${String(r.extra).padStart(16)}`);
  }
  const [v, s] = scored;
  console.log(`vigil/secretlint: ${(s!.run.seconds / v!.run.seconds).toFixed(1)}x the speed, ${v!.found - s!.found} more secrets found`);
  for (const r of scored) {
    if (r.missedKinds.size) console.log(`  ${r.tool} missed: ${[...r.missedKinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
