/**
 * `.vigil-secrets.yaml` (or `--config FILE`):
 *
 *   maxFileSize: 1048576      # bytes; larger files are skipped
 *   skipBinary: true
 *   gitignore: true
 *   allow:
 *     paths: [fixtures/**, "*.snap"]   # gitignore syntax
 *     regexes: ["^dummy-", "EXAMPLE"]  # a secret, or its line, matching one is not reported
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../util/errors.js';
import { DEFAULT_LIMITS } from './files.js';
import type { ScanSettings } from './scanner.js';

export const DEFAULT_CONFIG = '.vigil-secrets.yaml';

function fail(file: string, doc: ReturnType<typeof parseDocument>, path: string[], message: string): never {
  const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
  const at = node?.range ? doc.toString().slice(0, node.range[0]).split('\n').length : undefined;
  throw new UserError(`${file}${at ? `:${at}` : ''}: ${path.join('.')} ${message}`);
}

export function loadConfig(file: string | undefined, cwd = process.cwd()): ScanSettings {
  const path = file ?? (existsSync(join(cwd, DEFAULT_CONFIG)) ? join(cwd, DEFAULT_CONFIG) : undefined);
  if (!path) return { ...DEFAULT_LIMITS };
  if (!existsSync(path)) throw new UserError(`${path}: no such config file`);
  const source = readFileSync(path, 'utf8');
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new UserError(`${path}:${e.linePos?.[0]?.line ?? 1}:${e.linePos?.[0]?.col ?? 1}: ${e.message.split('\n')[0]}`);
  }
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const settings: ScanSettings = { ...DEFAULT_LIMITS };
  if (raw.maxFileSize !== undefined) {
    if (typeof raw.maxFileSize !== 'number' || raw.maxFileSize <= 0) fail(path, doc, ['maxFileSize'], 'must be a positive number of bytes');
    settings.maxBytes = raw.maxFileSize;
  }
  for (const flag of ['skipBinary', 'gitignore'] as const) {
    if (raw[flag] === undefined) continue;
    if (typeof raw[flag] !== 'boolean') fail(path, doc, [flag], 'must be true or false');
    settings[flag] = raw[flag];
  }
  const allow = (raw.allow ?? {}) as Record<string, unknown>;
  const list = (key: string): string[] => {
    const value = allow[key] ?? [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(path, doc, ['allow', key], 'must be a list of strings');
    return value as string[];
  };
  settings.allowPaths = list('paths');
  settings.allowRegexes = list('regexes').map((source, i) => {
    try {
      return new RegExp(source);
    } catch (err) {
      return fail(path, doc, ['allow', 'regexes', String(i)], `is not a valid regular expression (${(err as Error).message})`);
    }
  });
  return settings;
}
