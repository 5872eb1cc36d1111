import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { detectSource, findSource, githubDelivery } from '../../src/sources/index.js';
import { holds, value } from './helpers.js';

/** GitHub's own example webhook payloads, by event name (npm @octokit/webhooks-examples). */
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
const gh = findSource('github')!;
const payloads = (name: string) => examples.find((e) => e.name === name)!.examples.map((p) => githubDelivery(name, p));

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('every example payload of every event type is a github event, and its basic fields follow the payload', () => {
  let n = 0;
  for (const { name, examples: list } of examples) {
    for (const raw of list) {
      const p = githubDelivery(name, raw) as Obj;
      assert.equal(detectSource(p), 'github', `${name} is detected as github`);
      assert.deepEqual(gh.frame(p), [p]);
      assert.equal(value(gh, p, 'github.type'), name);
      assert.equal(value(gh, p, 'github.action'), p.action ?? '');
      assert.equal(value(gh, p, 'github.user'), p.sender?.login ?? '');
      assert.equal(value(gh, p, 'github.repo'), p.repository?.html_url ?? '');
      assert.equal(value(gh, p, 'github.org'), p.organization?.login ?? '');
      assert.equal(value(gh, p, 'github.owner'), p.repository?.owner?.login ?? '');
      assert.equal(value(gh, p, 'github.repo.public'), p.repository?.private === true ? 'false' : 'true');
      n++;
    }
  }
  assert.ok(n > 300, `${n} payloads`);
});

test('a repository made private, then public', () => {
  const [privatized] = payloads('repository').filter((p) => p.action === 'privatized');
  assert.equal(value(gh, privatized, 'github.type'), 'repository');
  assert.equal(value(gh, privatized, 'github.action'), 'privatized');
  assert.equal(value(gh, privatized, 'github.repo'), 'https://github.com/Codertocat/Hello-World');
  assert.equal(value(gh, privatized, 'github.repo.url'), 'https://github.com/Codertocat/Hello-World');
  assert.equal(value(gh, privatized, 'github.repo.name'), 'Codertocat/Hello-World');
  assert.equal(value(gh, privatized, 'github.repo.public'), 'false');
  assert.equal(value(gh, privatized, 'github.repo.description'), ''); // null description
  assert.equal(value(gh, privatized, 'github.user'), 'Codertocat');
  const [publicized] = payloads('repository').filter((p) => p.action === 'publicized');
  const rule = "github.type=repository and github.action=publicized and github.repo.public=true";
  assert.equal(holds(gh, rule, publicized), true);
  assert.equal(holds(gh, rule, privatized), false);
  // Keys that are missing give "", never "no value": exists is true, = '' matches.
  assert.equal(value(gh, publicized, 'github.collaborator.name'), '');
  assert.equal(holds(gh, 'github.workflow.filename exists and github.workflow.filename = ""', publicized), true);
  assert.equal(value(gh, publicized, 'github.webhook.id'), '0');
});

test('members, webhooks, workflows, pushes', () => {
  const [added] = payloads('member');
  assert.equal(value(gh, added, 'github.collaborator.name'), 'hacktocat');
  assert.equal(value(gh, added, 'github.collaborator.role'), '');
  const promoted = { ...added, action: 'edited', changes: { permission: { from: 'write', to: 'admin' } } };
  assert.equal(value(gh, promoted, 'github.collaborator.role'), 'admin');
  assert.equal(holds(gh, 'github.type=member and github.collaborator.role=admin', promoted), true);

  const [hookDeleted] = payloads('meta');
  assert.equal(value(gh, hookDeleted, 'github.webhook.id'), '101047067');
  assert.equal(value(gh, hookDeleted, 'github.webhook.type'), 'Repository');

  const [run] = payloads('workflow_run');
  assert.equal(value(gh, run, 'github.workflow.filename'), '.github/workflows/syntax.yml');
  assert.equal(value(gh, run, 'github.workflow.has_miners'), undefined); // the plugin adds detections; none here
  assert.equal(value(gh, run, 'github.workflow.miners.type'), undefined);

  const push = payloads('push').find((p) => (p.commits as unknown[]).length > 0)!;
  assert.equal(value(gh, push, 'github.commit.added'), 'README.md');
  assert.equal(value(gh, push, 'github.commit.modified'), '');
  assert.equal(value(gh, push, 'github.commit.removed'), '');
  assert.equal(value(gh, payloads('push')[0]!, 'github.commit.added'), ''); // a tag push: no commits
  assert.equal(value(gh, push, 'github.diff.has_secrets'), ''); // no diff scan: present and empty
  assert.equal(value(gh, push, 'github.diff.committed_secrets.desc'), undefined);
  assert.equal(value(gh, push, 'github.diff.committed_secrets.links'), '');
});

test('secrets and miners the plugin adds to pushes and workflow runs (shapes as its field file documents)', () => {
  const push = payloads('push').find((p) => (p.commits as unknown[]).length > 0)!;
  const scanned = {
    ...push,
    files: [
      { name: 'config/aws.env', matches: [{ line: 3, type: 'aws_access_key', desc: 'AWS Access Key', platform: 'aws' },
        { line: 4, type: 'aws_secret', desc: 'AWS Secret Key', platform: 'aws' }] },
      { name: 'README.md', matches: [] },
      { name: '.npmrc', matches: [{ line: 1, type: 'npm_token', desc: 'NPM Token', platform: 'npm' }] },
    ],
  };
  assert.equal(value(gh, scanned, 'github.diff.has_secrets'), 'true');
  assert.equal(value(gh, scanned, 'github.diff.committed_secrets.desc'), 'AWS Access Key,AWS Secret Key,NPM Token');
  assert.equal(value(gh, scanned, 'github.diff.committed_secrets.files'), 'config/aws.env,config/aws.env,.npmrc');
  assert.equal(value(gh, scanned, 'github.diff.committed_secrets.lines'), '3,4,1');
  assert.equal(value(gh, scanned, 'github.diff.committed_secrets.links'), [
    'https://github.com/Codertocat/Hello-World/blob/6113728f27ae82c7b1a177c8d03f9e96e0adf246/config/aws.env/#L3',
    'https://github.com/Codertocat/Hello-World/blob/6113728f27ae82c7b1a177c8d03f9e96e0adf246/config/aws.env/#L4',
    'https://github.com/Codertocat/Hello-World/blob/6113728f27ae82c7b1a177c8d03f9e96e0adf246/.npmrc/#L1',
  ].join(','));
  assert.equal(holds(gh, 'github.type=push and github.diff.has_secrets=true', scanned), true);
  const clean = { ...push, files: [{ name: 'README.md', matches: [] }] };
  assert.equal(value(gh, clean, 'github.diff.has_secrets'), 'false');
  assert.equal(value(gh, clean, 'github.diff.committed_secrets.desc'), '');

  const [run] = payloads('workflow_run');
  const mined = { ...run, workflow_miner_detections: { name: 'syntax.yml', matches: [{ line: 9, type: 'xmrig' }, { line: 12, type: 'xmrig' }] } };
  assert.equal(value(gh, mined, 'github.workflow.has_miners'), 'true');
  assert.equal(value(gh, mined, 'github.workflow.miners.type'), 'xmrig');
  assert.equal(value(gh, { ...run, workflow_miner_detections: { matches: [] } }, 'github.workflow.has_miners'), 'false');
});

test('a payload without webhook_type is still recognised by its shape; plain JSON is not', () => {
  const [raw] = examples.find((e) => e.name === 'star')!.examples;
  assert.equal(detectSource(raw), 'github');
  assert.equal(value(gh, raw, 'github.type'), '');
  assert.equal(detectSource({ hello: 'world' }), 'json');
  assert.equal(gh.frame({ hello: 'world' }), undefined);
});
