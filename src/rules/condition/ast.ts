/**
 * The condition AST, shaped like libsinsp's (filter/ast.h) so that printing it gives
 * Falco's canonical form. One AST serves Falco conditions and, later, Sigma rules.
 */
export interface Pos {
  /** 0-based offset in the condition text. */
  idx: number;
  line: number;
  col: number;
}

export type Expr = AndExpr | OrExpr | NotExpr | IdentifierExpr | UnaryCheck | BinaryCheck;
export type Operand = FieldExpr | TransformerExpr;
/** What may appear as an argument of a transformer. */
export type TransformerArg = FieldExpr | TransformerExpr | ValueExpr | TransformerListExpr;
export type RightSide = ValueExpr | ListExpr | Operand;

export interface AndExpr { kind: 'and'; children: Expr[]; pos: Pos }
export interface OrExpr { kind: 'or'; children: Expr[]; pos: Pos }
export interface NotExpr { kind: 'not'; child: Expr; pos: Pos }
/** A bare name: a macro reference (resolved by the rules loader). */
export interface IdentifierExpr { kind: 'identifier'; name: string; pos: Pos }
export interface UnaryCheck { kind: 'unary'; left: Operand; op: 'exists'; pos: Pos }
/** `op` is the operator as written, normalised: `=`, `contains`, `== oneof`, … */
export interface BinaryCheck { kind: 'binary'; left: Operand; op: string; right: RightSide; pos: Pos }
export interface FieldExpr { kind: 'field'; name: string; arg?: string; pos: Pos }
export interface TransformerExpr { kind: 'transformer'; name: string; args: TransformerArg[]; arg?: string; pos: Pos }
export interface ValueExpr { kind: 'value'; value: string; pos: Pos }
export interface ListExpr { kind: 'list'; values: string[]; pos: Pos }
export interface TransformerListExpr { kind: 'tlist'; children: TransformerArg[]; pos: Pos }

export type Node = Expr | Operand | ValueExpr | ListExpr | TransformerListExpr;

/** Calls `visit` on every node of the tree, parents first. */
export function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const c of node.children) walk(c, visit);
      break;
    case 'not':
      walk(node.child, visit);
      break;
    case 'unary':
      walk(node.left, visit);
      break;
    case 'binary':
      walk(node.left, visit);
      walk(node.right, visit);
      break;
    case 'transformer':
      for (const a of node.args) walk(a, visit);
      break;
    case 'tlist':
      for (const c of node.children) walk(c, visit);
      break;
  }
}
