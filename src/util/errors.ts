/**
 * A mistake in what the user gave us (a file, a flag, an event). The CLI prints its
 * message as one line, without a stack trace, and exits non-zero.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Where in a text something is: 1-based line and column. */
export interface Position {
  file?: string;
  line: number;
  column: number;
}

export function formatPosition(p: Position): string {
  return `${p.file ?? '<input>'}:${p.line}:${p.column}`;
}

/** Converts a 0-based offset in `text` into a 1-based line and column. */
export function positionAt(text: string, offset: number, file?: string): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { file, line, column: offset - lineStart + 1 };
}
