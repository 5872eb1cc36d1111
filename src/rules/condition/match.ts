/** fnmatch(3) with no flags, as Falco's glob and pmatch use it, turned into a RegExp once. */
export function globToRegExp(pattern: string, caseInsensitive = false): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) out += escapeRegExp(pattern[++i]!);
    else if (c === '[') {
      const cls = bracket(pattern, i);
      if (cls) {
        out += cls.regex;
        i = cls.end;
      } else out += '\\[';
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`, caseInsensitive ? 'iu' : 'u');
}

function bracket(pattern: string, start: number): { regex: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === ']' && !first) return { regex: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '\\' && i + 1 < pattern.length) body += escapeClass(pattern[++i]!);
    else if (c === '-' && body !== '' && pattern[i + 1] !== ']') body += '-';
    else body += escapeClass(c);
  }
  return undefined;
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\\\]^-]/.test(c) ? `\\${c}` : c;
}

const compiled = new Map<string, RegExp>();

/**
 * pmatch: the pattern is a path prefix of the value, component by component, each
 * component matched as a glob (Falco's path_prefix_search).
 */
export function pathPrefixMatch(pattern: string, value: string): boolean {
  const patternParts = pattern.split('/');
  if (patternParts[patternParts.length - 1] === '') patternParts.pop();
  const valueParts = value.split('/');
  if (valueParts.length < patternParts.length) return false;
  for (let i = 0; i < patternParts.length; i++) {
    const p = patternParts[i]!;
    if (p === valueParts[i]) continue;
    if (!/[*?[]/.test(p)) return false;
    let rx = compiled.get(p);
    if (!rx) compiled.set(p, (rx = globToRegExp(p)));
    if (!rx.test(valueParts[i]!)) return false;
  }
  return true;
}
