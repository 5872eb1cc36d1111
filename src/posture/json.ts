import { readFileSync } from 'node:fs';
import { parseTree, findNodeAtLocation, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { UserError, formatPosition, positionAt } from '../util/errors.js';

/** JSON text parsed strictly, remembering where each value is, for errors that name the place. */
export interface LocatedJson {
  file: string;
  value: unknown;
  /** `file:line:column` of the value at a JSON path (falls back to the nearest parent). */
  at(path: Array<string | number>): string;
}

export function readJsonFile(file: string, what: string): LocatedJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseJson(text, file, what);
}

/** `firstLine` shifts reported lines, for one line of a JSON-lines file. */
export function parseJson(text: string, file: string, what: string, firstLine = 1): LocatedJson {
  const place = (offset: number) => {
    const p = positionAt(text, offset, file);
    return formatPosition({ ...p, line: p.line + firstLine - 1 });
  };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || tree === undefined) {
    const e = errors[0];
    const where = place(e?.offset ?? 0);
    throw new UserError(`${where}: ${what} is not valid JSON (${e ? printParseErrorCode(e.error) : 'empty'})`);
  }
  return {
    file,
    value: JSON.parse(text) as unknown,
    at(path) {
      for (let p = path; ; p = p.slice(0, -1)) {
        const node = findNodeAtLocation(tree, p);
        if (node) return place(node.offset);
        if (p.length === 0) return `${file}`;
      }
    },
  };
}
