import type { Node } from './ast.js';
import { escapeString } from './escaping.js';

function fieldArg(arg: string | undefined): string {
  if (arg === undefined) return '';
  return arg === '' ? '[""]' : `[${escapeString(arg)}]`;
}

/** Prints a condition in Falco's canonical form (libsinsp ast::as_string). */
export function printCondition(node: Node): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.children.map(printCondition).join(` ${node.kind} `)})`;
    case 'not':
      return `not ${printCondition(node.child)}`;
    case 'identifier':
      return node.name;
    case 'value':
      return escapeString(node.value);
    case 'list':
      return `(${node.values.map(escapeString).join(', ')})`;
    case 'tlist':
      return `(${node.children.map(printCondition).join(',')})`;
    case 'unary':
      return `${printCondition(node.left)} ${node.op}`;
    case 'binary':
      return `${printCondition(node.left)} ${node.op} ${printCondition(node.right)}`;
    case 'field':
      return node.name + fieldArg(node.arg);
    case 'transformer':
      return `${node.name}(${node.args.map(printCondition).join(',')})${fieldArg(node.arg)}`;
  }
}
