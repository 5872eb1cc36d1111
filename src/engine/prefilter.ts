/**
 * Not parsing what cannot match. When every rule of a source requires its event type to be
 * one of a few values (`ka.verb = create`, `ct.name in (...)`), a JSON line whose type member
 * provably holds none of them raises nothing, whatever else it says: it is counted as an
 * event and never parsed. The proof reads the raw text and gives up (the line is parsed as
 * any other) on anything it cannot be sure of: an escape that stands for a character of the
 * member's name, of a type or of a text the rules need (it could spell one of them; escapes
 * of other characters, such as the `\u0026` Go writes for `&` in URIs, change none of them),
 * the member missing or written more than once (several events in one document, or a nested
 * member of the same name), or its value not a plain string. A line not parsed is not checked
 * either: one that is malformed inside yet whole (`{` … `}`), or not an event of the source
 * although it has the member, is counted as an event instead of reported. Rules that use
 * evt.num turn this off (see Engine.lineFilter).
 *
 * Rules that take events of any type can still let a line be passed over when each needs some
 * text in the line (`ct.user.identitytype = Root` needs `Root`, see requiredLiterals) and the
 * line, with no escape that could spell one, holds none of a rule's texts.
 */

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * A test of one JSON line: true when its event's top-level `key` member is a string that is
 * not one of `types` (so no rule requiring one of them can match), and the line holds none of
 * the texts of each rule that takes any type (`anyType`, one set of texts per rule).
 */
export function cannotHaveType(
  key: string,
  types: ReadonlySet<string>,
  anyType: ReadonlyArray<ReadonlySet<string>> = [],
): (line: string) => boolean {
  const holdsNone = holdsNoTextOf(anyType);
  const escapesChangeNothing = harmlessEscapes([key, ...types, ...anyType.flatMap((set) => [...set])]);
  // Every `"key":` and the string after it, if a string follows. The member `key`, when the
  // event has it, is always one of the matches, written as it is (its characters are never
  // escaped here). A value that is one of `types` is too (escapes of their characters make the
  // line parsed); another value may be cut short at an escaped quote, and stays none of them.
  const member = new RegExp(`"${key.replace(/[^A-Za-z0-9_]/g, '\\$&')}"[ \\t\\r\\n]*:[ \\t\\r\\n]*(?:"([^"]*)")?`, 'g');
  return (line) => {
    if (!escapesChangeNothing(line)) return false;
    let first = 0;
    while (isSpace(line.charCodeAt(first))) first++;
    let last = line.length - 1;
    while (last > first && isSpace(line.charCodeAt(last))) last--;
    if (line.charCodeAt(first) !== OPEN_BRACE || line.charCodeAt(last) !== CLOSE_BRACE) return false;
    member.lastIndex = 0;
    const only = member.exec(line);
    if (only === null) return false;
    const value = only[1];
    return value !== undefined && !types.has(value) && member.exec(line) === null && holdsNone(line);
  };
}

/**
 * A test of a line that is true when it holds none of the texts of each rule (one set per
 * rule), written as they are: whether an escape could spell one is harmlessEscapes' question.
 */
export function holdsNoTextOf(rules: ReadonlyArray<ReadonlySet<string>>): (line: string) => boolean {
  // A text that holds another of its rule's is found whenever the other is: only the others need a search.
  const texts = rules.map((set) => [...set].filter((t) => ![...set].some((u) => u !== t && t.includes(u))));
  return (line) => texts.every((rule) => !rule.some((text) => line.includes(text)));
}

/** JSON's one-character escapes (`\\n`) and what they stand for. */
export const SHORT_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * A test of a line's escapes: true when it has none, or each is well formed and stands for a
 * character that none of `words` holds, so that the line says the same of those words raw as decoded. (A
 * quote or backslash in a word would make every escape matter: no word here has one.)
 */
export function harmlessEscapes(words: readonly string[]): (line: string) => boolean {
  const used = new Set<number>();
  for (const word of words) for (let i = 0; i < word.length; i++) used.add(word.charCodeAt(i));
  return (line) => {
    for (let i = line.indexOf('\\'); i >= 0; i = line.indexOf('\\', i + 2)) {
      const kind = line[i + 1] ?? '';
      let code: number;
      if (kind === 'u') {
        const hex = line.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return false;
        code = parseInt(hex, 16);
        i += 4;
      } else {
        const short = SHORT_ESCAPES[kind];
        if (short === undefined) return false;
        code = short.charCodeAt(0);
      }
      if (used.has(code)) return false;
    }
    return true;
  };
}
