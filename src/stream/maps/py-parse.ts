import { MapSyntaxError, tokenize } from './py-lex.js';

export { MapSyntaxError };

/**
 * A parser for the Python expressions the Singer SDK's stream maps use (its simpleeval subset):
 * literals, names, attributes, subscripts and slices, calls, arithmetic, comparisons, `and`/`or`/
 * `not`, `in`, `is`, and `a if c else b`. Anything else (lambdas, comprehensions, f-strings,
 * bitwise operators, assignments) is a MapSyntaxError that says what is not supported.
 */

export type PyNode =
  | { t: 'int'; value: bigint }
  | { t: 'float'; value: number }
  | { t: 'str'; value: string }
  | { t: 'const'; value: boolean | null }
  | { t: 'name'; id: string }
  | { t: 'list' | 'tuple'; items: PyNode[] }
  | { t: 'dict'; keys: PyNode[]; values: PyNode[] }
  | { t: 'attr'; obj: PyNode; name: string }
  | { t: 'index'; obj: PyNode; index: PyNode }
  | { t: 'slice'; obj: PyNode; lo?: PyNode; hi?: PyNode; step?: PyNode }
  | { t: 'call'; fn: PyNode; args: PyNode[] }
  | { t: 'unary'; op: '-' | '+' | 'not'; arg: PyNode }
  | { t: 'bin'; op: '+' | '-' | '*' | '/' | '//' | '%' | '**'; left: PyNode; right: PyNode }
  | { t: 'bool'; op: 'and' | 'or'; left: PyNode; right: PyNode }
  | { t: 'cmp'; first: PyNode; ops: CmpOp[]; rest: PyNode[] }
  | { t: 'if'; test: PyNode; body: PyNode; orelse: PyNode };

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';


const MAX_LENGTH = 10_000;
const MAX_DEPTH = 100;
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'True', 'False', 'None']);
const UNSUPPORTED_KEYWORDS = new Set(['lambda', 'for', 'await', 'yield', 'import', 'def', 'class', 'del', 'global', 'with', 'async', 'from', 'as', 'assert', 'pass', 'return', 'raise', 'try', 'while']);

/** Parses one expression; throws MapSyntaxError naming what is wrong or not supported. */
export function parsePy(src: string): PyNode {
  if (src.length > MAX_LENGTH) throw new MapSyntaxError(`the expression is longer than ${MAX_LENGTH} characters`);
  const toks = tokenize(src);
  let p = 0;
  let depth = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => toks[p].k === 'op' && toks[p].v === v;
  const isWord = (v: string) => toks[p].k === 'name' && toks[p].v === v;
  const expect = (v: string) => {
    if (!isOp(v)) fail(`expected ${v}`);
    p++;
  };
  const expectSeparator = (close: string) => {
    if (!isOp(',')) fail(`expected , or ${close}`);
    p++;
  };
  const fail = (what: string): never => {
    const t = peek();
    throw new MapSyntaxError(`${what} at ${t.at + 1}${t.k === 'end' ? ' (end of expression)' : ` (near ${JSON.stringify(t.v)})`}`);
  };
  const nested = <T>(f: () => T): T => {
    if (++depth > MAX_DEPTH) throw new MapSyntaxError(`the expression nests deeper than ${MAX_DEPTH} levels`);
    try {
      return f();
    } finally {
      depth--;
    }
  };

  const expr = (): PyNode =>
    nested(() => {
      if (isWord('lambda')) fail('lambda is not supported');
      const body = orExpr();
      if (!isWord('if')) return body;
      p++;
      const test = orExpr();
      if (!isWord('else')) fail('expected else');
      p++;
      return { t: 'if', test, body, orelse: expr() };
    });
  const orExpr = (): PyNode => {
    let left = andExpr();
    while (isWord('or')) {
      p++;
      left = { t: 'bool', op: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): PyNode => {
    let left = notExpr();
    while (isWord('and')) {
      p++;
      left = { t: 'bool', op: 'and', left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): PyNode => {
    if (isWord('not')) {
      p++;
      return nested(() => ({ t: 'unary', op: 'not', arg: notExpr() }));
    }
    return comparison();
  };
  const cmpOp = (): CmpOp | undefined => {
    const t = peek();
    if (t.k === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) return (p++, t.v as CmpOp);
    if (isWord('in')) return (p++, 'in');
    if (isWord('not') && toks[p + 1].k === 'name' && toks[p + 1].v === 'in') return ((p += 2), 'not in');
    if (isWord('is')) {
      p++;
      if (isWord('not')) return (p++, 'is not');
      return 'is';
    }
    return undefined;
  };
  const comparison = (): PyNode => {
    const first = arith();
    const ops: CmpOp[] = [];
    const rest: PyNode[] = [];
    for (let op = cmpOp(); op; op = cmpOp()) {
      ops.push(op);
      rest.push(arith());
    }
    return ops.length ? { t: 'cmp', first, ops, rest } : first;
  };
  const arith = (): PyNode => {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = toks[p++].v as '+' | '-';
      left = { t: 'bin', op, left, right: term() };
    }
    return left;
  };
  const term = (): PyNode => {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('//') || isOp('%')) {
      const op = toks[p++].v as '*' | '/' | '//' | '%';
      left = { t: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): PyNode => {
    if (isOp('-') || isOp('+')) {
      const op = toks[p++].v as '-' | '+';
      return nested(() => ({ t: 'unary', op, arg: unary() }));
    }
    return power();
  };
  const power = (): PyNode => {
    const base = postfix();
    if (!isOp('**')) return base;
    p++;
    return { t: 'bin', op: '**', left: base, right: nested(unary) };
  };
  const postfix = (): PyNode => {
    let node = atom();
    for (;;) {
      if (isOp('.')) {
        p++;
        const t = peek();
        if (t.k !== 'name') fail('expected an attribute name');
        if (t.v.startsWith('__')) fail('names starting with __ are not allowed');
        p++;
        node = { t: 'attr', obj: node, name: t.v };
      } else if (isOp('(')) {
        p++;
        const args: PyNode[] = [];
        while (!isOp(')')) {
          if (peek().k === 'name' && toks[p + 1].k === 'op' && toks[p + 1].v === '=') fail('keyword arguments are not supported');
          if (isOp('*') || isOp('**')) fail('argument unpacking is not supported');
          args.push(expr());
          if (!isOp(')')) expectSeparator(')');
        }
        p++;
        node = { t: 'call', fn: node, args };
      } else if (isOp('[')) {
        p++;
        node = subscript(node);
      } else return node;
    }
  };
  const subscript = (obj: PyNode): PyNode => {
    const part = () => (isOp(':') || isOp(']') ? undefined : expr());
    const lo = part();
    if (isOp(']')) {
      p++;
      if (!lo) fail('expected an index');
      return { t: 'index', obj, index: lo! };
    }
    expect(':');
    const hi = part();
    let step: PyNode | undefined;
    if (isOp(':')) {
      p++;
      step = part();
    }
    expect(']');
    return { t: 'slice', obj, lo, hi, step };
  };
  const sequence = (close: string): PyNode[] => {
    const items: PyNode[] = [];
    while (!isOp(close)) {
      items.push(expr());
      if (isWord('for')) fail('comprehensions are not supported');
      if (!isOp(close)) expectSeparator(close);
    }
    p++;
    return items;
  };
  const atom = (): PyNode =>
    nested((): PyNode => {
      const t = peek();
      if (t.k === 'num') return (p++, typeof t.num === 'bigint' ? { t: 'int', value: t.num } : { t: 'float', value: t.num as number });
      if (t.k === 'str') return (p++, { t: 'str', value: t.v });
      if (t.k === 'name') {
        if (UNSUPPORTED_KEYWORDS.has(t.v)) fail(`${t.v} is not supported`);
        if (t.v === 'True' || t.v === 'False') return (p++, { t: 'const', value: t.v === 'True' });
        if (t.v === 'None') return (p++, { t: 'const', value: null });
        if (KEYWORDS.has(t.v)) fail(`unexpected ${t.v}`);
        if (t.v.startsWith('__')) fail(`names starting with __ are not allowed`);
        return (p++, { t: 'name', id: t.v });
      }
      if (isOp('(')) {
        p++;
        if (isOp(')')) return (p++, { t: 'tuple', items: [] });
        const first = expr();
        if (isWord('for')) fail('generator expressions are not supported');
        if (isOp(')')) return (p++, first);
        expect(',');
        return { t: 'tuple', items: [first, ...sequence(')')] };
      }
      if (isOp('[')) {
        p++;
        return { t: 'list', items: sequence(']') };
      }
      if (isOp('{')) {
        p++;
        const keys: PyNode[] = [];
        const values: PyNode[] = [];
        while (!isOp('}')) {
          keys.push(expr());
          if (!isOp(':')) fail('sets are not supported; expected : in a dict');
          p++;
          values.push(expr());
          if (isWord('for')) fail('comprehensions are not supported');
          if (!isOp('}')) expectSeparator('}');
        }
        p++;
        return { t: 'dict', keys, values };
      }
      return fail(t.k === 'end' ? 'the expression is incomplete' : 'unexpected token');
    });

  if (peek().k === 'end') throw new MapSyntaxError('the expression is empty');
  const node = expr();
  if (peek().k !== 'end') fail(isOp(',') ? 'a bare tuple (a, b) needs parentheses' : isOp('=') ? 'assignment (=) is not supported; compare with ==' : 'unexpected text after the expression');
  return node;
}
