import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detect, engineFor, loadRuleFiles } from '../../src/engine/index.js';
import { cannotHaveType } from '../../src/engine/prefilter.js';
import { requiredLiterals } from '../../src/engine/type-index.js';
import { parseCondition, type FieldExpr } from '../../src/rules/condition/index.js';
import { findSource, readInputBatches } from '../../src/sources/index.js';
import { writeCorpus, random, type CorpusKind } from '../../bench/corpus.js';
import { DEFAULT_RULES_DIR } from '../../src/util/paths.js';
import type { Alert } from '../../src/records/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-prefilter-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const official = join(DEFAULT_RULES_DIR, '../../shared/conformance/falco/rules');

test('a line is passed over only when its type member provably holds none of the rules\' types', () => {
  const unmatchable = cannotHaveType('verb', new Set(['create', 'get']));
  const cases: Array<[string, boolean]> = [
    ['{"verb":"list"}', true],
    ['{"kind":"Event","note":"verb","verb":"list"}', true], // "verb" as a value is not the member
    ['{"auditID":"x"}', false], // no type member: odd enough to be parsed
    [' {"verb" : "watch"}\t', true],
    ['{"verb":"get"}', false],
    ['{"verb":\t"create"}', false],
    ['{"verb":"list","requestObject":{"verb":"list"}}', false], // written twice: parse to be sure
    ['{"verb":5}', false], // not a plain string
    ['{"verb":"\\u0067et"}', false], // an escape could spell a type
    ['{"v\\u0065rb":"get"}', false],
    ['{"verb":"list","requestURI":"/api?limit=500\\u0026watch=1"}', true], // an escape of none of their characters
    ['{"verb":"list","note":"say \\"hi\\" \\\\ \\n"}', true],
    ['{"verb":"li\\u0026st"}', true],
    ['{"a\\"verb":"list"}', true], // a key `a"verb`: the event has no verb
    ['{"verb":"list","note":"\\u0063reate"}', false], // `c` could spell `create`
    ['{"verb":"list","note":"\\q"}', false], // not an escape: parsed, so that it is reported
    ['{"verb":"list","note":"\\u00"}', false],
    ['{"verb":"list"', false], // not whole: parsed, so that it is reported
    ['[{"verb":"list"}]', false],
  ];
  for (const [line, expected] of cases) assert.equal(unmatchable(line), expected, line);
});

test('rules of any type let a line be passed over only when it holds none of the texts each needs', () => {
  const unmatchable = cannotHaveType('eventName', new Set(['StopLogging']), [new Set(['Root']), new Set(['AssumeRoot', 'Breakglass'])]);
  const cases: Array<[string, boolean]> = [
    ['{"eventName":"GetObject","userIdentity":{"type":"IAMUser"}}', true],
    ['{"eventName":"GetObject","userIdentity":{"type":"Root"}}', false],
    ['{"eventName":"GetObject","note":"Root"}', false], // anywhere in the line: parsed to be sure
    ['{"eventName":"GetObject","userIdentity":{"type":"R\\u006fot"}}', false], // an escape could spell it
    ['{"eventName":"GetObject","role":"Breakglass"}', false],
    ['{"eventName":"GetObject","requestParameters":{"policy":"{\\"Statement\\":[]}"}}', true],
    ['{"eventName":"GetObject","userIdentity":{"type":"\\u0052oot"}}', false],
    ['{"eventName":"StopLogging"}', false],
  ];
  for (const [line, expected] of cases) assert.equal(unmatchable(line), expected, line);
});

test('the texts a condition needs: from verbatim fields, with = and in, any one conjunct, every disjunct', () => {
  const verbatim = (f: FieldExpr) => f.name !== 'ct.user';
  const texts = (condition: string) => {
    const found = requiredLiterals(parseCondition(condition), verbatim);
    return found && [...found].sort();
  };
  assert.deepEqual(texts('ct.user.identitytype = Root and ct.error = ""'), ['Root']);
  assert.deepEqual(texts('ct.src in (s3.amazonaws.com, iam.amazonaws.com) and ct.region = us-east-1'), ['us-east-1']);
  assert.deepEqual(texts('ct.region = eu-west-1 or ct.user.identitytype in (Root, AssumedRole)'), ['AssumedRole', 'Root', 'eu-west-1']);
  assert.equal(texts('ct.region = eu-west-1 or ct.srcip = 1.2.3.4 or not ct.error exists'), undefined);
  assert.equal(texts('not ct.user.identitytype = Root'), undefined);
  assert.equal(texts('ct.user = root'), undefined); // a value made by the field, not written in the event
  assert.equal(texts('ct.user.identitytype != Root'), undefined);
  assert.equal(texts('ct.user.identitytype startswith Ro'), undefined);
  for (const printedOtherwise of ['1000', '1e3', '0x10', ' 7 ', '{"a":1}', '[1]', 'say "hi"', '']) {
    assert.equal(texts(`ct.request.x = '${printedOtherwise.replace(/'/g, "\\'")}'`), undefined, printedOtherwise);
  }
});

test('fields read as the event writes them are marked verbatim; made-up values are not', () => {
  const ct = findSource('aws_cloudtrail')!.catalog;
  const verbatim = (name: string) => ct.resolve(name, undefined)?.def.verbatim;
  assert.equal(verbatim('ct.user.identitytype'), true);
  assert.equal(verbatim('ct.name'), true);
  assert.equal(verbatim('ct.user'), false);
  assert.equal(verbatim('ct.shortsrc'), false);
});

/** The same events written in ways the raw-text proof must see through, or give up on. */
function variants(lines: string[], kind: CorpusKind, seed: number): string[] {
  const rand = random(seed);
  const key = kind === 'k8s_audit' ? 'verb' : 'eventName';
  return lines.map((line) => {
    const doc = JSON.parse(line) as Record<string, unknown>;
    switch (Math.floor(rand() * 16)) {
      case 0: // spaces around every colon and comma
        return JSON.stringify(doc, null, 1).replace(/\n\s*/g, ' ');
      case 1: // a nested member of the same name, holding a type rules look for
        return JSON.stringify({ ...doc, extra: { [key]: kind === 'k8s_audit' ? 'create' : 'ConsoleLogin' } });
      case 2: // the type spelled with an escape
        return line.replace(`"${key}":"`, `"${key}":"\\u00${(doc[key] as string).charCodeAt(0).toString(16)}`).replace(/(\\u00[0-9a-f]{2})./, '$1');
      case 3: // a container of two events on one line
        return kind === 'k8s_audit' ? JSON.stringify({ kind: 'EventList', items: [doc, doc] }) : JSON.stringify({ Records: [doc, doc] });
      case 4: // the type member missing
        return JSON.stringify({ ...doc, [key]: undefined });
      case 5: // a text a rule of any type needs, spelled with an escape, or somewhere else in the line
        return rand() < 0.5
          ? JSON.stringify({ ...doc, userIdentity: { ...(doc.userIdentity as object), type: 'Root' } }).replace('"Root"', '"R\\u006fot"')
          : JSON.stringify({ ...doc, note: 'Root' });
      case 6: // members in another order (sorted, as some tools write them)
        return JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => (a < b ? -1 : 1))));
      case 7: // a member written twice: the last counts, the first a rule would take
        return `{"user":{"username":"mallory"},"eventName":"ConsoleLogin",${line.slice(1)}`;
      case 8: // ... or the first a rule would not take, the last it would
        return `${line.slice(0, -1)},"user":{"username":"mallory"},"userIdentity":{"type":"Root"}}`;
      case 9: // the member a rule reads nested elsewhere only
        return JSON.stringify({ ...doc, user: undefined, userIdentity: undefined, requestObject: { user: { username: 'mallory' } } });
      case 10: // the member there, but not what a path reads through
        return JSON.stringify({ ...doc, user: 'mallory', userIdentity: 'Root' });
      case 12: // written as Go's encoding/json writes it (as the Kubernetes API server does): & < > escaped
        return JSON.stringify({ ...doc, note: 'a&b <Root> & ConsoleLogin' }).replace(/[&<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      case 11: // the event's time at the epoch, a stage rules pass over, a number where a text was
        return JSON.stringify({ ...doc, stageTimestamp: '1970-01-01T00:00:00Z', eventTime: '1970-01-01T00:00:00Z', stage: rand() < 0.5 ? 'ResponseStarted' : 7 });
      default:
        return line;
    }
  });
}

async function run(file: string, kind: CorpusKind, rules: string[], filtered: boolean) {
  const engine = engineFor(loadRuleFiles(rules));
  const source = findSource(kind)!;
  const unmatchable = filtered ? engine.lineFilter(source) : undefined;
  const out = { events: 0, alerts: [] as Alert[], errors: [] as string[], filtered: unmatchable !== undefined };
  for await (const d of detect(engine, readInputBatches([file], { format: 'jsonl', unmatchable }), source)) {
    out.events += d.events;
    out.alerts.push(...d.alerts);
    out.errors.push(...d.errors.map((e) => e.message));
  }
  return out;
}

for (const kind of ['k8s_audit', 'aws_cloudtrail'] as const) {
  test(`${kind}: lines passed over unparsed change no alert, no count and no error (generated events and variants)`, async () => {
    const file = join(dir, `${kind}.jsonl`);
    await writeCorpus(kind, 4000, file, 11);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${[...lines, ...variants(lines, kind, 5)].join('\n')}\n`);
    const officialRules = join(official, kind === 'k8s_audit' ? 'k8s_audit_rules.yaml' : 'aws_cloudtrail_rules.yaml');
    let exercised = 0;
    for (const rules of [[officialRules], [DEFAULT_RULES_DIR]]) {
      const plain = await run(file, kind, rules, false);
      const filtered = await run(file, kind, rules, true);
      if (filtered.filtered) exercised++;
      assert.ok(plain.alerts.length > 20, `${plain.alerts.length} alerts`);
      assert.equal(filtered.events, plain.events);
      assert.deepEqual(filtered.errors, plain.errors);
      assert.deepEqual(filtered.alerts, plain.alerts);
    }
    assert.ok(exercised > 0, 'no rule set let lines be passed over');
  });
}
