export type * from './ast.js';
export { walk } from './ast.js';
export { parseCondition, ConditionSyntaxError, OPERATORS, TRANSFORMERS } from './parser.js';
export { printCondition } from './printer.js';
export { escapeString, unescapeString } from './escaping.js';
export { bytesToString, stringToBytes } from './bytes.js';
export {
  compileCondition, ConditionCompileError, EvalContext, SlotTable,
  type Filter, type CompileWarning, type CompiledCondition,
} from './compiler.js';
export { matcherOf, type Check, type Plan, type Matcher } from './codegen.js';
