/**
 * `secrets/baseline`: detect-secrets baseline compatibility. Every entry detect-secrets
 * 1.5.0 wrote is known (matched by filename and hashed secret although lines moved), the
 * one secret added afterwards is new, and a baseline vigil writes has detect-secrets'
 * layout and reproduces each of its entries (type, hash, line).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS, buildBaseline, knownIn, readBaseline, scanPaths } from '../../../src/secrets/index.js';
import { tally, type Suite } from '../suite.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/cli/main.js');

interface Expected {
  known: Array<{ file: string; type: string; hashed_secret: string; line_now: number }>;
  new: Array<{ file: string; line: number; hashed_secret: string }>;
  hook: { command: string; exit_code: number };
}

export const secretsBaseline: Suite = {
  name: 'secrets/baseline',
  requires: 'secrets/baseline/.secrets.baseline',
  async run(root) {
    const dir = join(root, 'secrets/baseline');
    const expected: Expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const baseline = readBaseline(join(dir, '.secrets.baseline'));
    const result = scanPaths(['repo'], DEFAULT_LIMITS, dir);
    const known = knownIn(baseline);
    const written = buildBaseline(result.hits);
    const fresh = result.findings.filter((h) => !known(h));

    type Check = { id: string; check: () => string | undefined };
    const checks: Check[] = [
      ...expected.known.map((k) => ({
        id: `known ${k.file}:${k.line_now} ${k.type}`,
        check: () => {
          const hit = result.hits.find((h) => h.file === k.file && h.hashedSecret === k.hashed_secret && h.line === k.line_now);
          if (!hit) return 'not found at its new line';
          if (!known(hit)) return 'found but not matched to the baseline';
          const entry = written.results[k.file]?.find((e) => e.type === k.type && e.hashed_secret === k.hashed_secret && e.line_number === k.line_now);
          return entry ? undefined : `a written baseline has no "${k.type}" entry for it`;
        },
      })),
      ...expected.new.map((n) => ({
        id: `new ${n.file}:${n.line}`,
        check: () => (fresh.some((h) => h.file === n.file && h.line === n.line && h.hashedSecret === n.hashed_secret) ? undefined : 'not reported as new'),
      })),
      {
        id: 'hook reports only the new secret',
        check: () => {
          const others = fresh.filter((h) => !expected.new.some((n) => n.file === h.file && n.line === h.line));
          return others.length === 0 ? undefined : `also reported ${others.map((h) => `${h.file}:${h.line}`).join(', ')}`;
        },
      },
      {
        id: 'the CLI as detect-secrets-hook: same files, same exit code, only the new secret',
        check: () => {
          // detect-secrets-hook --baseline .secrets.baseline FILES  →  vigil secrets scan FILES --baseline .secrets.baseline
          const files = expected.hook.command.split(/\s+/).filter((w) => w.startsWith('repo/'));
          const args = ['secrets', 'scan', ...files, '--baseline', '.secrets.baseline', '--no-store', '-f', 'json'];
          const run = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
          if (run.status !== expected.hook.exit_code) return `exit ${run.status}, detect-secrets-hook exits ${expected.hook.exit_code} (${run.stderr.trim()})`;
          const named = (JSON.parse(run.stdout).findings as Array<{ file: string; line: number }>).map((f) => `${f.file}:${f.line}`);
          const want = expected.new.map((n) => `${n.file}:${n.line}`);
          return named.join() === want.join() ? undefined : `named ${named.join(', ')}; expected ${want.join(', ')}`;
        },
      },
      {
        id: 'written layout',
        check: () => {
          const keys = Object.keys(written).join(',');
          if (keys !== 'version,plugins_used,filters_used,results,generated_at') return `top-level keys ${keys}`;
          if (JSON.stringify(written.plugins_used) !== JSON.stringify(baseline.plugins_used)) return 'plugins_used differs from detect-secrets 1.5.0';
          if (JSON.stringify(written.filters_used) !== JSON.stringify(baseline.filters_used)) return 'filters_used differs from detect-secrets 1.5.0';
          const files = Object.keys(written.results);
          if (files.join() !== [...files].sort().join()) return 'results not keyed in filename order';
          for (const entries of Object.values(written.results)) {
            for (let i = 1; i < entries.length; i++) {
              const [a, b] = [entries[i - 1]!, entries[i]!];
              if (a.line_number > b.line_number || (a.line_number === b.line_number && a.type > b.type)) return `${a.filename}: entries not sorted by line then type`;
            }
            if (entries.some((e) => Object.keys(e).join() !== 'type,filename,hashed_secret,is_verified,line_number' || e.is_verified !== false)) {
              return 'entry keys differ from detect-secrets';
            }
          }
          return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(written.generated_at) ? undefined : `generated_at ${written.generated_at}`;
        },
      },
    ];
    return tally(checks, (c) => c.id, (c) => c.check());
  },
};
