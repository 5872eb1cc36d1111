/**
 * GitHub webhook deliveries (the github plugin's `github.*` fields). The payload is GitHub's,
 * plus the keys the plugin adds: `webhook_type` (the X-GitHub-Event header), `files` (secrets
 * found in a push's diff) and `workflow_miner_detections`. Most fields are "" rather than
 * absent when their key is missing, as upstream.
 */
import { FieldCatalog } from '../../rules/fields.js';
import type { Source } from '../event.js';
import { jsonFields } from '../json/index.js';
import {
  at, eventFields, field, isObject, jsonText, own, textOrEmpty as text, toFieldDefs, type Binder, type PluginField,
} from '../plugin.js';

const REPO_URL = ['repository', 'html_url'];

/** File names from one list of every commit of a push, comma separated. */
function commitFiles(key: string): Binder {
  return () => (data) => {
    const commits = own(data, 'commits');
    if (!Array.isArray(commits)) return '';
    const names: string[] = [];
    for (const c of commits) {
      const files = own(c, key);
      if (Array.isArray(files)) for (const f of files) names.push(jsonText(f)!);
    }
    return names.join(',');
  };
}

interface SecretMatch {
  file: string;
  match: unknown;
}

/** Every secret match in the plugin-added `files`, or undefined when `files` is missing. */
function secretMatches(data: unknown): SecretMatch[] | undefined {
  const files = own(data, 'files');
  if (!Array.isArray(files)) return undefined;
  const out: SecretMatch[] = [];
  for (const f of files) {
    const matches = own(f, 'matches');
    if (Array.isArray(matches)) for (const match of matches) out.push({ file: jsonText(own(f, 'name')) ?? '', match });
  }
  return out;
}

function secrets(render: (m: SecretMatch, data: unknown) => string, whenMissing?: string): Binder {
  return () => (data) => {
    const all = secretMatches(data);
    return all === undefined ? whenMissing : all.map((m) => render(m, data)).join(',');
  };
}

const matchText = (key: string) => (m: SecretMatch) => jsonText(own(m.match, key)) ?? '';

function minerMatches(data: unknown): unknown[] | undefined {
  const m = at(data, ['workflow_miner_detections', 'matches']);
  return Array.isArray(m) ? m : undefined;
}

const githubFields: PluginField[] = [
  field('github.type', "Message type, e.g. 'star' or 'repository'.", text('webhook_type')),
  field('github.action', "The github event action. This field typically qualifies the github.type field. For example, a message of type 'star' can have action 'created' or 'deleted'.", text('action')),
  field('github.user', 'Name of the user that triggered the event.', text('sender.login')),
  field('github.repo', '(deprecated) URL of the git repository where the event occurred. Github Webhook payloads contain the repository property when the event occurs from activity in a repository.', text('repository.html_url')),
  field('github.repo.url', 'URL of the git repository where the event occurred. Github Webhook payloads contain the repository property when the event occurs from activity in a repository.', text('repository.html_url')),
  field('github.repo.name', 'Name of the git repository where the event occurred. Github Webhook payloads contain the repository property when the event occurs from activity in a repository.', () => (data) => {
    const url = at(data, REPO_URL);
    return typeof url === 'string' ? url.replace(/^https:\/\/github\.com\//, '') : '';
  }),
  field('github.repo.description', 'Description of the GitHub repository.', text('repository.description')),
  field('github.org', 'Name of the organization the git repository belongs to.', text('organization.login')),
  field('github.owner', "Name of the repository's owner.", text('repository.owner.login')),
  field('github.repo.public', "'true' if the repository affected by the action is public. 'false' otherwise.", () => (data) =>
    at(data, ['repository', 'private']) === true ? 'false' : 'true'),
  field('github.collaborator.name', 'The member name for message that add or remove users.', text('member.login')),
  field('github.collaborator.role', 'The member name for message that add or remove users.', text('changes.permission.to')),
  field('github.webhook.id', 'When a new webhook has been created, the webhook id.', () => (data) => {
    const id = at(data, ['hook', 'id']);
    return typeof id === 'number' ? String(id) : '0';
  }),
  field('github.webhook.type', "When a new webhook has been created, the webhook type, e.g. 'repository'.", text('hook.type')),
  field('github.commit.added', 'Comma separated list of files that have been added.', commitFiles('added')),
  field('github.commit.modified', 'Comma separated list of files that have been modified.', commitFiles('modified')),
  field('github.commit.removed', 'Comma separated list of files that have been removed.', commitFiles('removed')),
  field('github.diff.has_secrets', "For push messages, 'true' if the diff of one of the commits contains a secret.", () => (data) => {
    const files = own(data, 'files');
    if (!Array.isArray(files)) return '';
    return files.some((f) => Array.isArray(own(f, 'matches')) && (own(f, 'matches') as unknown[]).length > 0) ? 'true' : 'false';
  }),
  field('github.diff.committed_secrets.desc', 'For push messages, if one of the commits includes one or more secrets (AWS keys, github tokens...), this field contains the description of each of the committed secrets, as a comma separated list.', secrets(matchText('desc'))),
  field('github.diff.committed_secrets.files', 'For push messages, if one of the commits includes one or more secrets (AWS keys, github tokens...), this field contains the names of the files in which each of the secrets was committed, as a comma separated list.', secrets((m) => m.file)),
  field('github.diff.committed_secrets.lines', 'For push messages, if one of the commits includes one or more secrets (AWS keys, github tokens...), this field contains the file line positions of the committed secrets, as a comma separated list.', secrets(matchText('line'))),
  field('github.diff.committed_secrets.links', 'For push messages, if one of the commits includes one or more secrets (AWS keys, github tokens...), this field contains the github source code link for each of the committed secrets, as a comma separated list.', secrets((m, data) =>
    `${jsonText(at(data, REPO_URL)) ?? ''}/blob/${jsonText(at(data, ['head_commit', 'id'])) ?? ''}/${m.file}/#L${matchText('line')(m)}`, '')),
  field('github.workflow.has_miners', "For workflow_run messages, 'true' if the a miner has been detected in the workflow definition file.", () => (data) => {
    const m = minerMatches(data);
    return m === undefined ? undefined : m.length > 0 ? 'true' : 'false';
  }),
  field('github.workflow.miners.type', 'For workflow_run messages, if one or more miners is detected in the workflow definition file, this field contains the type of each of the detected miner, as a comma separated list (e.g. xmrig, stratum).', () => (data) => {
    const m = minerMatches(data);
    return m === undefined ? undefined : [...new Set(m.map((x) => jsonText(own(x, 'type')) ?? ''))].join(',');
  }),
  field('github.workflow.filename', 'For workflow_run messages, the name of the workflow definition file.', text('workflow.path')),
];

/** The payload of one delivery as the plugin sees it: GitHub's payload plus the event name. */
export function githubDelivery(eventName: string, payload: Record<string, unknown>): Record<string, unknown> {
  return { ...payload, webhook_type: eventName };
}

/**
 * A webhook payload: one the plugin's way (with `webhook_type`), or GitHub's own, which always
 * names the sender and what the event is about.
 */
export function isGithubPayload(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  if (typeof doc.webhook_type === 'string') return true;
  return isObject(doc.sender) && typeof doc.sender.login === 'string' &&
    ['repository', 'organization', 'installation', 'enterprise', 'hook'].some((k) => isObject(doc[k]));
}

export const githubSource: Source = {
  name: 'github',
  typeField: 'github.type',
  description: 'GitHub webhook payloads; fields of the github plugin',
  catalog: new FieldCatalog('github', [...toFieldDefs(githubFields), ...eventFields('github'), ...jsonFields]),
  frame: frameGithub,
};

/** A webhook payload, or an array of them. */
export function frameGithub(doc: unknown): unknown[] | undefined {
  if (isGithubPayload(doc)) return [doc];
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isGithubPayload)) return doc;
  return undefined;
}
