/** What reading the input yields: documents, and errors in place of what could not be read. */

/** One JSON document read from the input, and where it starts. */
export class InputDocument {
  constructor(
    readonly doc: unknown,
    readonly file: string,
    readonly line: number,
  ) {}

  /** `file:line`, for messages (made only when asked: most documents raise nothing). */
  get origin(): string {
    return `${this.file}:${this.line}`;
  }
}

/** A part of the input that could not be read as JSON (or at all), reported once. */
export class InputError {
  constructor(
    /** `file:line:column: what is wrong`. */
    readonly message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {}
}

export type InputItem = InputDocument | InputError;
