/**
 * Not parsing what cannot match. When every rule of a source requires its event type to be
 * one of a few values (`ka.verb = create`, `ct.name in (...)`), a JSON line whose type member
 * provably holds none of them raises nothing, whatever else it says: it is counted as an
 * event and never parsed. The proof reads the raw text and gives up (the line is parsed as
 * any other) on anything it cannot be sure of: a backslash anywhere (an escape could spell
 * the member's name or value), the member missing or written more than once (several
 * events in one document, or a nested member of the same name), or its value not a plain
 * string. A line not parsed is not checked either: one that is malformed inside yet whole
 * (`{` … `}`), or not an event of the source although it has the member, is counted as an
 * event instead of reported. Rules that use evt.num turn this off (see Engine.lineFilter).
 *
 * Rules that take events of any type can still let a line be passed over when each needs some
 * text in the line (`ct.user.identitytype = Root` needs `Root`, see requiredLiterals) and the
 * line, free of escapes, holds none of a rule's texts.
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
  const texts = anyType.map((set) => [...set]);
  const holdsNone = (line: string) => texts.every((rule) => !rule.some((text) => line.includes(text)));
  // Every `"key":` and the string after it, if a string follows. Without escapes, every `"`
  // opens or closes a string, so each match is the member `key` (a value when no colon follows).
  const member = new RegExp(`"${key.replace(/[^A-Za-z0-9_]/g, '\\$&')}"[ \\t\\r\\n]*:[ \\t\\r\\n]*(?:"([^"]*)")?`, 'g');
  return (line) => {
    if (line.includes('\\')) return false;
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
