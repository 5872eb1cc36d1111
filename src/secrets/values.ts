/**
 * What a key name and a value say about whether a value is a credential: the
 * heuristics shared by the keyword and entropy detectors (detect-secrets' filters,
 * extended to the placeholders and references that repositories are meant to hold).
 */
import { dominantShare, hasCountingRun, isSequential, shannonEntropy } from './entropy.js';

export type KeyClass = 'password' | 'secret';

const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'pswd', 'contrasena', 'contraseña', 'passwort', 'kennwort', 'senha', 'wachtwoord', 'losenord', 'salasana', 'haslo']);
const SECRET_WORDS = new Set(['secret', 'token', 'key', 'auth', 'credential', 'credentials', 'cred', 'creds', 'pat', 'bearer', 'apikey', 'privatekey', 'secretkey', 'accesskey', 'authtoken', 'apitoken', 'accesstoken', 'authkey', 'masterkey', 'salt']);
/** Every credential word, for a cheap first look at a line (a substring test, so a superset of keyClass). */
export const CREDENTIAL_WORDS = [...PASSWORD_WORDS, ...SECRET_WORDS];

/** Run-together names: `PGPASSWORD`, `dbpasswd`, `slacktoken`, `clientsecret` (not `bypass` or `monkey`). */
const PASSWORD_SUFFIX = /^[a-z]{1,12}(?:password|passwd|pwd|passphrase)$/;
const SECRET_SUFFIX = /^[a-z]{1,12}(?:secret|token|apikey|secretkey|accesskey|privatekey)$/;
/** Words that may follow the credential word and still name the credential itself. */
const VALUE_TAIL = new Set(['key', 'value', 'string', 'str', 'text', 'b64', 'base64', 'hex', 'raw', 'data', 'plain', 'prod', 'production', 'dev', 'development', 'staging', 'live', 'local', 'old', 'new', 'current', 'secondary', 'primary', 'secret', 'token', 'encoded', 'override', 'base', 'salt']);
/** Words before the credential word that make it something other than a credential. */
const NOT_CREDENTIAL = new Set(['hashed', 'hash', 'public', 'publishable', 'pub', 'forgot', 'sort', 'partition', 'foreign', 'cache', 'idempotency', 'lookup', 'hot', 'shortcut', 'csrf', 'xsrf', 'next', 'page', 'max', 'min', 'num', 'number', 'label', 'placeholder', 'i18n', 'translation', 'object', 'registry', 'map', 'dict', 'row', 'primary', 'unique', 'composite', 'sign', 'encrypt', 'decrypt', 'verify', 'ssh', 'test', 'mock', 'dummy', 'fake', 'example', 'sample', 'fixture', 'stub']);

/** Splits an identifier into lower-case words: `awsSecretAccessKey` → aws secret access key. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9ñ]+/)
    .filter(Boolean);
}

/** Whether a key names a credential, and which kind. */
export function keyClass(key: string): KeyClass | undefined {
  const words = keyWords(key);
  let last = -1;
  let cls: KeyClass | undefined;
  words.forEach((w, i) => {
    if (PASSWORD_WORDS.has(w) || PASSWORD_SUFFIX.test(w)) {
      last = i;
      cls = 'password';
    } else if ((SECRET_WORDS.has(w) || SECRET_SUFFIX.test(w)) && !(cls === 'password' && i === last + 1)) {
      last = i;
      cls = cls === 'password' && w === 'key' ? cls : 'secret';
    }
  });
  if (cls === undefined) return undefined;
  if (words.slice(last + 1).some((w) => !VALUE_TAIL.has(w) && !/^\d+$/.test(w))) return undefined;
  if (words.slice(0, last + 1).some((w) => NOT_CREDENTIAL.has(w))) return undefined;
  return cls;
}

/** Key names that mark a value as an identifier or a digest, never a credential. */
const ID_WORDS = new Set(['id', 'ids', 'uuid', 'guid', 'sha', 'sha1', 'sha256', 'sha512', 'md5', 'hash', 'hashes', 'digest', 'checksum', 'integrity', 'commit', 'rev', 'revision', 'etag', 'version', 'kid', 'fingerprint', 'thumbprint', 'nonce', 'iv', 'request', 'trace', 'span', 'correlation', 'tenant', 'subscription', 'account', 'client', 'project', 'object', 'resource', 'build', 'run', 'ref',
  'public', 'pub', 'publickey', 'pubkey', 'certificate', 'cert', 'ca', 'x509',
  // public members of a JSON Web Key (the private ones are d, p, q, dp, dq, qi)
  'n', 'e', 'x', 'y', 'x5c', 'x5t']);

export function isIdKey(key: string): boolean {
  return keyWords(key).some((w) => ID_WORDS.has(w));
}

/** References to a value kept elsewhere: environment, templating, vaults, code. */
const REFERENCE = [
  /^\$/, // $VAR, ${VAR}, $(cmd)
  /\$\{|\{\{|\{%|<%|#\{|%\(|%\{|\$\(/,
  /^%[A-Za-z_]+%$/,
  /^@[A-Za-z_][\w.-]*@$|^__[A-Z_]+__$/, // build-time substitution tokens
  /^<[^>]*>$/,
  /^\{[A-Za-z_][\w.]*(?:\[[^\]]*\])*\}$/, // {name}, and f-string/interpolation fields: {self.password}, {cfg['pw']}
  /\b(?:os\.environ|process\.env|getenv|System\.getenv|ENV\[|secretKeyRef|valueFrom|vault:|ref\+|ssm:|arn:aws)/i,
  /^ENC\[|\$ANSIBLE_VAULT/,
  /^![A-Za-z]+$/, // a YAML tag (`!vault |`, `!Ref`) with the value on the next lines
];

/** Words a placeholder or a dummy is made of; a word of the value must start with one (`testpass`, not `contest`). */
const PLACEHOLDER_WORDS = [
  'your', 'replace', 'changeme', 'changeit', 'placeholder', 'example', 'sample', 'dummy', 'fake', 'mock', 'test', 'todo', 'fixme', 'notreal', 'notasecret',
  'invalid', 'wrong', 'incorrect', 'expired', 'bogus', 'lorem', 'insert', 'redacted', 'removed', 'masked', 'filtered', 'hidden', 'omitted', 'scrubbed',
];
/** Phrases and marks found anywhere in a placeholder. */
const PLACEHOLDER_PHRASES = ['change_me', 'change-me', 'not-a-real', 'not_a_real', 'not-a-secret', 'not_a_secret', 'enter-', 'enter_', 'goes-here', 'goes_here', '_here', '-here', 'xxx', '***', '...'];
/** Well-known vendor defaults and textbook passwords: default-credential findings, not leaks. */
const WELL_KNOWN = new Set(['password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'secret', 's3cr3t', 'changeme', 'changeit', 'admin', 'administrator', 'root', 'toor', 'hunter2', 'letmein', 'qwerty', 'default', 'guest', 'demo',
  'abc', 'abc123', 'welcome', 'iloveyou', 'trustno1', 'master', 'pass', 'passwd', 'p@55w0rd', 'qwertyuiop', '1q2w3e4r', 'user', 'postgres', 'mysql', 'oracle', 'sa', 'vagrant', 'none', 'null', 'nil', 'undefined', 'true', 'false', 'yes', 'no', 'on', 'off', 'bearer', 'basic', 'token', 'empty', 'tbd', 'n/a', 'required', 'optional', 'string', 'str']);

/** Values that are public by design: Stripe publishable keys, Nostr public keys, age recipients. */
const PUBLIC_VALUE = /^(?:pk_(?:live|test)_|npub1|age1)/;

/** Digests written with their algorithm (`sha256:…`, Go's `h1:…`, Terraform's `zh:…`). */
const HASH_PREFIX = /^(?:sha\d+|md5|h\d|zh)[-:]/i;
/** SSH public key blobs (`AAAAB3NzaC1yc2E…`), DER public keys (SubjectPublicKeyInfo of RSA, EC, Ed25519, X25519) and age recipients. */
const PUBLIC_MATERIAL =
  /^(?:AAAA[A-Z0-9][A-Za-z0-9]{3}[a-z]|age1[a-z0-9]{50,}|MFkwEwYHKoZIzj0CAQY|MHYwEAYHKoZIzj0CAQY|MIGbMBAGByqGSM49AgEG|MCowBQYDK2V[wu]AyEA|MI[IG][A-Za-z0-9+/]{2}[MA][A-Za-z0-9]GCSqGSIb3DQEBAQUAA4|MIIB(?:Ij|oj)ANBgkqhkiG9w0BAQEFAAOC|MIICIjANBgkqhkiG9w0BAQEFAAOC)/;

/** A value that is a reference, a template, a placeholder, a well-known default, public material or a digest. */
export function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (WELL_KNOWN.has(lower) || WELL_KNOWN.has(lower.replace(/[0-9!]+$/, ''))) return true;
  if (!/\d/.test(value) && WELL_KNOWN.has(lower.replace(/[^a-z]/g, ''))) return true; // `password}`, `<secret>`
  if (REFERENCE.some((r) => r.test(value)) || PUBLIC_VALUE.test(value) || PUBLIC_MATERIAL.test(value) || HASH_PREFIX.test(value)) return true;
  if (value.includes('EXAMPLE')) return true; // AWS's documented keys (`…EXAMPLE`, `…EXAMPLEKEY`) and their imitators
  // words inside random text are chance: only a value with the entropy of words is read for them
  if (shannonEntropy(value) < 4.5) {
    if (PLACEHOLDER_PHRASES.some((p) => lower.includes(p))) return true;
    if (keyWords(value).some((w) => PLACEHOLDER_WORDS.some((p) => w.startsWith(p)))) return true;
  }
  if (dominantShare(value) > 0.5 || /^[x*#.•_-]+$/i.test(value)) return true;
  return isSequential(value.replace(/[^A-Za-z0-9]/g, '')) && value.length < 40;
}

/** How often the case changes from one letter to the next, per letter. */
function caseChanges(value: string): number {
  const letters = value.replace(/[^A-Za-z]/g, '');
  let changes = 0;
  for (let i = 1; i < letters.length; i++) if ((letters[i]! < 'a') !== (letters[i - 1]! < 'a')) changes++;
  return letters.length < 2 ? 0 : changes / letters.length;
}

function upperShare(value: string): number {
  const letters = value.replace(/[^A-Za-z]/g, '');
  return letters.length === 0 ? 0 : letters.replace(/[^A-Z]/g, '').length / letters.length;
}

/** Values that are words, paths, urls or numbers rather than credentials. */
function isNotCredentialShape(value: string): boolean {
  if (/\s/.test(value)) return true; // labels, prose, commands
  if (/^(?:[a-z]+:\/\/|[A-Za-z]:\\)/.test(value)) return true; // a URL, a Windows path
  if (/^(?:\/|\.\.?\/|~\/)/.test(value) && upperShare(value) < 0.25) return true; // a path (random base64 may start with a slash too)
  if (/^[a-z0-9._-]+(?:\/[a-z0-9._-]+)+\/?$/.test(value)) return true; // prod/orders/db
  if (/^[\d.:-]+$/.test(value)) return true; // numbers, dates, versions, addresses
  if (/^[\w.+-]+@[\w-]+\.[\w.]+$/.test(value)) return true; // e-mail address
  if (/^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+\(?\)?$/.test(value) && !/\d/.test(value)) return true; // settings.DB_PASSWORD
  if (/\(.*\)$/.test(value)) return true; // a call
  return false;
}

/** Whether `value`, assigned to a key of class `cls`, is a credential. */
export function isCredentialValue(value: string, cls: KeyClass): boolean {
  if (value.length < 6 || isPlaceholder(value) || isNotCredentialShape(value)) return false;
  const hasLetter = /[A-Za-z]/.test(value);
  const hasDigit = /\d/.test(value);
  // `-`, `_` and `.` join words in names (`postgres-password`, `orders-db-credentials`)
  const hasSymbol = /[!-,/:-@[-^`{-~]/.test(value);
  if (cls === 'password') return hasLetter && (hasDigit || hasSymbol) && shannonEntropy(value) >= 2.5;
  // generated values have digits, or at least change case at random (`dYaSOtceqCgDimFD`), unlike CamelCaseNames
  const generated = hasDigit || caseChanges(value) >= 0.35;
  return value.length >= 16 && hasLetter && generated && shannonEntropy(value) >= 3 && !hasCountingRun(value);
}
