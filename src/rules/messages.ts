/**
 * What loading rules reports: errors and warnings with Falco's codes
 * (falco userspace/engine/falco_load_result.cpp), each placed by a chain of locations
 * (the file, the rule, the exception, ...) as Falco's rule_loader::context does.
 */

export type ErrorCode =
  | 'LOAD_ERR_FILE_READ'
  | 'LOAD_ERR_YAML_PARSE'
  | 'LOAD_ERR_YAML_VALIDATE'
  | 'LOAD_ERR_COMPILE_CONDITION'
  | 'LOAD_ERR_COMPILE_OUTPUT'
  | 'LOAD_ERR_VALIDATE'
  | 'LOAD_ERR_EXTENSION';

export type WarningCode =
  | 'LOAD_UNKNOWN_SOURCE'
  | 'LOAD_UNSAFE_NA_CHECK'
  | 'LOAD_NO_EVTTYPE'
  | 'LOAD_UNKNOWN_FILTER'
  | 'LOAD_UNUSED_MACRO'
  | 'LOAD_UNUSED_LIST'
  | 'LOAD_UNKNOWN_ITEM'
  | 'LOAD_DEPRECATED_ITEM'
  | 'LOAD_WARNING_EXTENSION'
  | 'LOAD_APPEND_NO_VALUES'
  | 'LOAD_EXCEPTION_NAME_NOT_UNIQUE'
  | 'LOAD_INVALID_MACRO_NAME'
  | 'LOAD_INVALID_LIST_NAME'
  | 'LOAD_COMPILE_CONDITION'
  | 'LOAD_UNKNOWN_KEY';

/** Falco's one-line summary of each code (falco_load_result.cpp). */
export const CODE_SUMMARIES: Record<ErrorCode | WarningCode, string> = {
  LOAD_ERR_FILE_READ: 'File read error',
  LOAD_ERR_YAML_PARSE: 'YAML parse error',
  LOAD_ERR_YAML_VALIDATE: 'Error validating internal structure of YAML file',
  LOAD_ERR_COMPILE_CONDITION: 'Error compiling condition',
  LOAD_ERR_COMPILE_OUTPUT: 'Error compiling output',
  LOAD_ERR_VALIDATE: 'Error validating rule/macro/list/exception objects',
  LOAD_ERR_EXTENSION: 'Error in extension item',
  LOAD_UNKNOWN_SOURCE: 'Unknown event source',
  LOAD_UNSAFE_NA_CHECK: 'Unsafe <NA> comparison in condition',
  LOAD_NO_EVTTYPE: 'Condition has no event-type restriction',
  LOAD_UNKNOWN_FILTER: 'Unknown field or event-type in condition or output',
  LOAD_UNUSED_MACRO: 'Unused macro',
  LOAD_UNUSED_LIST: 'Unused list',
  LOAD_UNKNOWN_ITEM: 'Unknown rules file item',
  LOAD_DEPRECATED_ITEM: 'Used deprecated item',
  LOAD_WARNING_EXTENSION: 'Warning in extension item',
  LOAD_APPEND_NO_VALUES: 'Overriding/appending with no values',
  LOAD_EXCEPTION_NAME_NOT_UNIQUE: 'Multiple exceptions defined with the same name',
  LOAD_INVALID_MACRO_NAME: 'Invalid macro name',
  LOAD_INVALID_LIST_NAME: 'Invalid list name',
  LOAD_COMPILE_CONDITION: 'Warning in rule condition',
  LOAD_UNKNOWN_KEY: 'Unknown key in item definition',
};

/** Falco's item types, as printed in its messages ("rule", "exception", "rules content", ...). */
export type ItemType =
  | 'value for' | 'exceptions' | 'exception' | 'exception values' | 'exception value' | 'rules content'
  | 'rules content item' | 'required_engine_version' | 'required plugin versions'
  | 'required plugin versions entry' | 'required plugin versions alternative' | 'list' | 'list item' | 'macro'
  | 'macro condition' | 'rule' | 'rule condition' | 'condition expression' | 'rule output'
  | 'rule output expression' | 'rule priority' | 'overrides';

/** One step of a location chain: 1-based line and column in `file`. */
export interface Location {
  itemType: ItemType;
  itemName: string;
  file: string;
  line: number;
  column: number;
  offset: number;
}

/** An error or a warning: where (the innermost named item and its position) and why. */
export interface LoadMessage {
  code: ErrorCode | WarningCode;
  message: string;
  itemType: ItemType;
  itemName: string;
  file: string;
  line: number;
  column: number;
  /** The whole chain, outermost (the file) first. */
  locations: Location[];
}

/** Where an item is: a chain of locations, extended as the reader goes deeper. */
export class Context {
  private constructor(readonly locations: Location[]) {}

  static file(name: string): Context {
    return new Context([{ itemType: 'rules content', itemName: '', file: name, line: 1, column: 1, offset: 0 }]);
  }

  get file(): string {
    return this.locations[0]!.file;
  }

  /** A deeper location at `offset` in the same file (line and column computed by `at`). */
  child(itemType: ItemType, itemName: string, at: { line: number; column: number; offset: number }): Context {
    return new Context([...this.locations, { itemType, itemName, file: this.file, ...at }]);
  }

  /** A message placed at the innermost location, naming the outermost item (the rule, the macro, …). */
  message(code: ErrorCode | WarningCode, message: string): LoadMessage {
    const last = this.locations[this.locations.length - 1]!;
    const named = this.locations.find((l) => l.itemName !== '') ?? last;
    return {
      code,
      message,
      itemType: named.itemType,
      itemName: named.itemName,
      file: last.file,
      line: last.line,
      column: last.column,
      locations: this.locations,
    };
  }
}

/** Stops reading or compiling at the first error, as Falco does. */
export class LoadError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    readonly ctx: Context,
  ) {
    super(reason);
  }
}

/** The outcome of loading one file: Falco's load_result. */
export interface FileResult {
  name: string;
  successful: boolean;
  errors: LoadMessage[];
  warnings: LoadMessage[];
  /** Falco's JSON-schema check of the file: 'ok', 'failed' or 'none' when not run. */
  schemaValidation: 'ok' | 'failed' | 'none';
  schemaWarnings: string[];
}

export class Results {
  readonly errors: LoadMessage[] = [];
  readonly warnings: LoadMessage[] = [];

  error(code: ErrorCode, message: string, ctx: Context): void {
    this.errors.push(ctx.message(code, message));
  }

  warn(code: WarningCode, message: string, ctx: Context): void {
    this.warnings.push(ctx.message(code, message));
  }
}

/** `file:line:column: CODE (summary) in rule 'x' > macro 'y': message` — how the CLI prints one message. */
export function formatMessage(m: LoadMessage): string {
  const named = m.locations.filter((l) => l.itemName !== '').map((l) => `${l.itemType} '${l.itemName}'`);
  const item = named.length > 0 ? named.join(' > ') : m.itemType;
  return `${m.file}:${m.line}:${m.column}: ${m.code} (${CODE_SUMMARIES[m.code]}) in ${item}: ${m.message}`;
}

/** The line of the file a message points at (Falco prints it under the message). */
export function snippetOf(m: LoadMessage, contents: ReadonlyMap<string, string>): string {
  const text = contents.get(m.file);
  if (text === undefined) return '';
  return text.split('\n')[m.line - 1] ?? '';
}
