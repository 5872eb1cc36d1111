/**
 * The two detectors that know no provider: the keyword detector (a random-looking value
 * assigned to a credential-named key) and detect-secrets' high-entropy strings (quoted
 * base64 above 4.5 bits per character, hex above 3.0), each behind the heuristics in
 * values.ts.
 */
import { BASE64, HEX, decodesToMedia, decodesToText, hasCountingRun, hexEntropy, shannonEntropy } from './entropy.js';
import { CREDENTIAL_WORDS, isCredentialValue, isIdKey, isPlaceholder, keyClass } from './values.js';

/** A value found on a line, with the key it is assigned to when there is one. */
export interface Candidate {
  key?: string;
  value: string;
  /** 0-based column of the value in the line. */
  column: number;
  quoted: boolean;
}

export interface LineHit {
  detector: 'keyword' | 'base64-entropy' | 'hex-entropy';
  type: string;
  secret: string;
  column: number;
}

/** Languages where an unquoted right-hand side is an expression, not a literal. */
const CODE = /\.(?:[cm]?[jt]sx?|py|go|java|kts?|scala|groovy|rs|cs|fs|vb|rb|php|swift|c|cc|cpp|h|hpp|m|mm|dart|lua|pl|r|ex|exs|erl|clj|tf|hcl|sol|vue|svelte)$/i;

/** Files whose content is digests of public artifacts (detect-secrets' `is_lock_file`, widened). */
const LOCKFILE = /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|go\.sum|Cargo\.lock|poetry\.lock|Pipfile\.lock|pdm\.lock|uv\.lock|composer\.lock|Gemfile\.lock|flake\.lock|\.terraform\.lock\.hcl|gradle\.lockfile|mix\.lock|pubspec\.lock|packages\.lock\.json|Package\.resolved|conan\.lock|[^/]*\.snap)$/;

/** Documents whose values are ciphertext meant to be committed: Sealed Secrets, SOPS, Ansible Vault. */
const ENCRYPTED_DOCUMENT = /^kind:\s*SealedSecret\b|^sops:\s*$|^\s*"sops":\s*\{|^\$ANSIBLE_VAULT;/m;

/** Files where keyword and entropy findings would only be digests or ciphertext. */
export function holdsNoPlaintext(path: string, text: string): boolean {
  return LOCKFILE.test(path) || ENCRYPTED_DOCUMENT.test(text);
}

const QUOTED = `(?:[rbuf@]|new String\\()?(["'\`])((?:\\\\.|(?!\\1).)*)\\1`;
const ASSIGNMENT = new RegExp(
  // key (optionally quoted or subscripted), the operator (`: Type =` for typed declarations)
  `(?<key>[A-Za-z_$@][\\w$@.-]*)(?:["'\`]?\\])?["'\`]?\\s*(?<op>:\\s*&?'?[A-Za-z][\\w<>\\[\\]?]{0,30}\\s+=(?=\\s)|:=|=>|\\|\\|=|\\?\\?=|\\?=|==|=|:|<-|\\s+is\\s+)\\s*`,
  'g',
);
const QUOTED_AT = new RegExp(`^${QUOTED}`);
const XML_ELEMENT = /<(?<key>[A-Za-z_][\w:.-]*)>(?<value>[^<\s]+)<\/\k<key>>/g;
const PAIR = /(["'])(?<key>[\w.-]+)\1\s*,\s*(["'])(?<value>(?:(?!\3).)+)\3/g;
const XML_KEY_VALUE = /\b(?:key|name)\s*=\s*"(?<key>[^"]+)"\s+value\s*=\s*"(?<value>[^"]*)"/gi;
const FLAG_OR_ENV = /(?:^\s*ENV\s+|\s--)(?<key>[A-Za-z][\w-]*)\s+(?<value>[^\s-]\S*)/g;
/** Prose: "use the token Zq8w…", "the password for staging is …", "password for the VPN: …". */
const PROSE =
  /\b(?<key>password|passphrase|passwd|token|secret|api[ _-]?key|access[ _-]?key)\b(?:\s+(?:is|was)\s+|[^\n"'`:=.]{0,40}?(?:\s(?:is|was)\s+|:\s+)|\s+)["'`]?(?<value>[^\s"'`]{6,}?)[.,;:)]*(?=["'`]?(?:\s|$))/gi;
/** Statements that set a password without a key: SQL, PowerShell. */
const PASSWORD_STATEMENT = /\b(?<key>IDENTIFIED\s+BY|PASSWORD|ConvertTo-SecureString)\s+(["'])(?<value>[^"'\s]{6,})\2/gi;
/** A user and password pair: `auth=("deploy", "…")`, `HTTPBasicAuth("deploy", "…")`. */
const AUTH_PAIR = /\b(?<key>auth|basic_?auth|HTTPBasicAuth)\s*[=(]\s*\(?\s*(["'])[^"'\n]+\2\s*,\s*(["'])(?<value>[^"'\n]{6,})\3/gi;
/** A key and a quoted value with only a space between: Groovy/Gradle, Ruby DSLs, nginx. */
const KEY_SPACE_VALUE = /\b(?<key>[A-Za-z_][\w.]*)\s+(["'])(?<value>[^"'\s]{6,})\2/g;
const FORMS = [XML_ELEMENT, PAIR, XML_KEY_VALUE, FLAG_OR_ENV, PASSWORD_STATEMENT, AUTH_PAIR, KEY_SPACE_VALUE];
/** A row of a Markdown table: `| password | Harbor!maple2291 |`. */
const TABLE_ROW = /\|\s*`?(?<key>[\w.-]+)`?\s*\|\s*`?(?<value>[^\s|`]{6,})`?\s*(?=\|)/g;
const WITH_PROSE = [...FORMS, PROSE, TABLE_ROW];
/** Where prose is: text files, or a comment in code. */
const COMMENT = /^\s*(?:\/\/|#|\*|\/\*|--|;|<!--|%)/;
/** Quoted strings as detect-secrets sees them (a backticked code span in prose is not one). */
const ANY_QUOTED = /(["'])([A-Za-z0-9+/=_-]{16,})\1/g;

/** Every key/value pair and quoted string on one line. */
function candidates(raw: string, path: string, literalUnquoted = !CODE.test(path)): Candidate[] {
  const found: Candidate[] = [];
  // JSON-in-a-string (notebooks, escaped configs): read `\"key\": \"value\"` as `"key": "value"`
  const line = raw.includes('\\"') ? raw.replace(/\\"/g, '"') : raw;
  if (CREDENTIAL_WORD.test(line)) pairs(line, literalUnquoted, found);
  if (line.includes('"') || line.includes("'")) {
    for (const m of line.matchAll(ANY_QUOTED)) {
      if (found.some((c) => c.column === m.index + 1)) continue;
      const key = KEY_BEFORE.exec(line.slice(Math.max(0, m.index - 120), m.index))?.[1];
      found.push({ key, value: m[2]!, column: m.index + 1, quoted: true });
    }
  }
  return found;
}

/** The key a quoted string is assigned to, read backwards from the quote. */
const KEY_BEFORE = /([A-Za-z_$@][\w$@.-]*)["'`]?\]?\s*(?::=|=>|=|:)\s*$/;

/** A cheap test for a line where a key could name a credential, or a statement sets a password. */
const CREDENTIAL_WORD = new RegExp([...CREDENTIAL_WORDS, 'identified', 'securestring'].join('|'), 'i');
const CREDENTIAL_WORD_ANYWHERE = new RegExp(CREDENTIAL_WORD.source, 'gi');

/** Whether a position is inside a double-quoted string on the line (`"Server=db;Password=…"`). */
function quoteParity(line: string): (index: number) => boolean {
  const quotes: number[] = [];
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) if (line[i - 1] !== '\\') quotes.push(i);
  return (index) => {
    let [lo, hi] = [0, quotes.length]; // quotes before `index`
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (quotes[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo % 2 === 1;
  };
}

function pairs(line: string, literalUnquoted: boolean, found: Candidate[]): void {
  let insideString: ((index: number) => boolean) | undefined;
  for (const m of line.matchAll(ASSIGNMENT)) {
    if (line[m.index - 1] === '$' || line.slice(m.index - 2, m.index) === '${') continue; // ${VAR:-default}
    const start = m.index + m[0].length;
    const rest = line.slice(start);
    // `key:value` with no space is a URL, an ARN or a scheme, not a YAML/JSON pair
    if (m.groups!.op === ':' && !/\s$/.test(m[0]) && !/^["'`]/.test(rest) && !/["'`]\]?\s*:$/.test(m[0])) continue;
    const q = QUOTED_AT.exec(rest);
    if (q) {
      const column = start + q[0].indexOf(q[1]!) + 1;
      found.push({ key: m.groups!.key, value: q[2]!, column, quoted: true });
    } else if ((literalUnquoted || (insideString ??= quoteParity(line))(m.index)) && m.groups!.op!.trim() !== 'is') {
      // `Password=…;` in a connection string, `password=…&` in a URL query
      const raw = /^[^\s'"`,;&)}\]<>]+/.exec(rest)?.[0];
      const value = raw?.replace(/[.,;:]+$/, '');
      if (value) found.push({ key: m.groups!.key, value, column: start, quoted: false });
    }
  }
  const forms = literalUnquoted || COMMENT.test(line) ? WITH_PROSE : FORMS;
  for (const re of forms) {
    for (const m of line.matchAll(re)) {
      const value = m.groups!.value!.replace(/^["']|["']$/g, '');
      const column = line.indexOf(value, m.index);
      const key = re === PASSWORD_STATEMENT || re === AUTH_PAIR ? 'password' : m.groups!.key;
      found.push({ key, value, column, quoted: true });
    }
  }
}

/** Text around a value (on its line, near it) that says it is a digest, public key material or ciphertext. */
const NOT_SECRET_CONTEXT = /\b(?:sha-?\d+|md5|integrity|checksum|digest|--hash|ssh-(?:rsa|ed25519|dss)|ecdsa-sha2|BEGIN (?:PUBLIC KEY|CERTIFICATE)|ENC\[AES|ANSIBLE_VAULT|data:[\w/+.-]+;base64)/i;
/**
 * detect-secrets' entropy plugins. Hex is only taken where the key names a credential:
 * a bare quoted hex string is a digest or a commit far more often than a key (the
 * choice gitleaks makes too).
 */
function entropyHit(c: Candidate, line: string, credentialKey: boolean): LineHit | undefined {
  const v = c.value;
  if (v.length < 16 || !BASE64.test(v)) return undefined;
  if (isPlaceholder(v) || hasCountingRun(v)) return undefined;
  if (c.key !== undefined && isIdKey(c.key)) return undefined;
  if (NOT_SECRET_CONTEXT.test(line.slice(Math.max(0, c.column - 120), c.column + v.length + 40))) return undefined;
  if (HEX.test(v)) {
    return credentialKey && hexEntropy(v) > 3 && !/^\d+$/.test(v)
      ? { detector: 'hex-entropy', type: 'Hex High Entropy String', secret: v, column: c.column }
      : undefined;
  }
  if (v.length >= 20 && shannonEntropy(v) > 4.5 && !decodesToText(v) && !decodesToMedia(v)) {
    return { detector: 'base64-entropy', type: 'Base64 High Entropy String', secret: v, column: c.column };
  }
  return undefined;
}

/** Keyword and entropy findings on each line; `index` is the line's 0-based position. */
export function scanLines(text: string, lines: string[], starts: number[], lineOf: (offset: number) => number, path: string): Array<LineHit & { index: number }> {
  const literalUnquoted = !CODE.test(path);
  // one pass over the whole text picks the lines worth a closer look; on a long line
  // (a minified bundle), only the stretch around each match
  const spans = new Map<number, Array<[number, number]>>();
  for (const re of [CREDENTIAL_WORD_ANYWHERE, ANY_QUOTED]) {
    for (const m of text.matchAll(re)) {
      const index = lineOf(m.index);
      const length = lines[index]!.length;
      const at = m.index - starts[index]!;
      const span: [number, number] = length <= LONG_LINE ? [0, length] : [Math.max(0, at - 200), valueEnd(lines[index]!, at + m[0].length + 300)];
      const list = spans.get(index);
      if (list) list.push(span);
      else spans.set(index, [span]);
    }
  }
  for (const [index, list] of spans) spans.set(index, mergeSpans(list));
  return [...spans.keys()]
    .sort((a, b) => a - b)
    .flatMap((index) => {
      const line = lines[index]!;
      const hits = spans.get(index)!.flatMap(([from, to]) =>
        scanLine(line.slice(from, to), path, literalUnquoted).map((h) => ({ ...h, column: h.column + from, index })),
      );
      const next = valueOnNextLine(line, lines[index + 1]);
      if (next) hits.push(...classify([next], lines[index + 1]!).map((h) => ({ ...h, index: index + 1 })));
      return hits;
    });
}

/** Where the token at `from` ends (a long unquoted value is not cut), looking at most 4000 characters on. */
function valueEnd(line: string, from: number): number {
  if (from >= line.length) return line.length;
  const stop = line.slice(from, from + 4000).search(/[\s"'`,;]/);
  return stop === -1 ? Math.min(line.length, from + 4000) : from + stop;
}

/** Overlapping stretches of a line, joined. */
function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const span of spans.sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/** Lines longer than this are looked at in stretches around what matched. */
const LONG_LINE = 1000;

/** A key whose value is on the next line: a plist `<key>…</key>`, a YAML block scalar `key: |`. */
const DANGLING_KEY = /(?:<key>\s*(?<plist>[^<]+?)\s*<\/key>|^\s*(?<yaml>[\w.-]+)\s*:\s*[|>][-+]?)\s*$/;
const NEXT_VALUE = /^\s*(?:<string>(?<plist>[^<\s]+)<\/string>|(?<yaml>\S+))\s*$/;

function valueOnNextLine(line: string, next: string | undefined): Candidate | undefined {
  const key = next === undefined ? undefined : DANGLING_KEY.exec(line)?.groups;
  const value = key && NEXT_VALUE.exec(next!)?.groups;
  const text = key?.plist ? value?.plist : value?.yaml;
  return text ? { key: key!.plist ?? key!.yaml, value: text, column: next!.indexOf(text), quoted: true } : undefined;
}

function scanLine(line: string, path: string, literalUnquoted: boolean): LineHit[] {
  return classify(candidates(line, path, literalUnquoted), line);
}

function classify(found: Candidate[], line: string): LineHit[] {
  const hits: LineHit[] = [];
  for (const c of found) {
    const cls = c.key === undefined ? undefined : keyClass(c.key);
    if (cls !== undefined && isCredentialValue(c.value, cls)) {
      hits.push({ detector: 'keyword', type: 'Secret Keyword', secret: c.value, column: c.column });
    }
    if (c.quoted || cls !== undefined) {
      const hit = entropyHit(c, line, cls !== undefined);
      if (hit) hits.push(hit);
    }
  }
  return hits;
}
