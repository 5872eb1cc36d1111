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

/** JSON's one-character escapes (`\\n`) and the character codes they stand for. */
const SHORT_ESCAPES: Record<string, number> = { '"': 0x22, '\\': 0x5c, '/': 0x2f, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };

/**
 * The character code the escape at `at` (a backslash) of `text` stands for, or -1 when it is not
 * a well formed JSON escape ending by `end`. It is 6 characters long when `text[at + 1]` is `u`,
 * and 2 otherwise.
 */
export function escapedCode(text: string, at: number, end = text.length): number {
  if (text.charCodeAt(at + 1) !== 0x75) return at + 2 <= end ? SHORT_ESCAPES[text[at + 1]!] ?? -1 : -1;
  if (at + 6 > end) return -1;
  let code = 0;
  for (let i = at + 2; i < at + 6; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit < 0) return -1;
    code = code * 16 + digit;
  }
  return code;
}

/** The value of a hexadecimal digit's character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * A test of a line's escapes: true when it has none, or each is well formed and stands for a
 * character that none of `words` holds, so that the line says the same of those words raw as decoded. (A
 * quote or backslash in a word would make every escape matter: no word here has one.)
 */
export function harmlessEscapes(words: readonly string[]): (line: string) => boolean {
  const used = new Set<number>();
  for (const word of words) for (let i = 0; i < word.length; i++) used.add(word.charCodeAt(i));
  return (line) => {
    for (let i = line.indexOf('\\'); i >= 0; i = line.indexOf('\\', i + (line.charCodeAt(i + 1) === 0x75 ? 6 : 2))) {
      const code = escapedCode(line, i);
      if (code < 0 || used.has(code)) return false;
    }
    return true;
  };
}
