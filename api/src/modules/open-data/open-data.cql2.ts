/**
 * CQL2 text filters (OGC API - Features Part 3, Basic CQL2 + LIKE, IN, BETWEEN, IS NULL) parsed
 * into a small tree, then into SQL by the caller. Only the collection's queryables may be named:
 * anything else is a 400, so a filter can never reach a column that is not public. No I/O.
 */

export type Literal = string | number | boolean;

export type CqlNode =
  | { op: 'and' | 'or'; args: CqlNode[] }
  | { op: 'not'; arg: CqlNode }
  | { op: '=' | '<>' | '<' | '<=' | '>' | '>='; property: string; value: Literal }
  | { op: 'like'; property: string; pattern: string }
  | { op: 'in'; property: string; values: Literal[] }
  | { op: 'between'; property: string; low: number; high: number }
  | { op: 'isNull'; property: string };

export class CqlError extends Error {}

type Token = { t: 'id' | 'str' | 'num' | 'op' | 'punct' | 'kw'; v: string };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const MAX_FILTER_LENGTH = 4000;
const MAX_DEPTH = 20;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new CqlError('unterminated string literal');
        if (text[i] === "'" && text[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (text[i] === "'") {
          i++;
          break;
        } else s += text[i++];
      }
      out.push({ t: 'str', v: s });
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new CqlError('unterminated quoted property name');
      out.push({ t: 'id', v: text.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) {
      const m = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i))!;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[<>=]/.test(c)) {
      const two = text.slice(i, i + 2);
      const op = two === '<=' || two === '>=' || two === '<>' ? two : c;
      out.push({ t: 'op', v: op });
      i += op.length;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: 'punct', v: c });
      i++;
    } else if (/[A-Za-z_\u00c0-\uffff]/.test(c)) {
      const m = /^[A-Za-z_\u00c0-\uffff][A-Za-z0-9_.:\-\u00c0-\uffff]*/.exec(text.slice(i))!;
      const up = m[0].toUpperCase();
      out.push(KEYWORDS.has(up) ? { t: 'kw', v: up } : { t: 'id', v: m[0] });
      i += m[0].length;
    } else throw new CqlError(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return out;
}

/** Parses `filter` against the allowed property names (the queryables). */
export function parseCql2Text(text: string, queryables: ReadonlySet<string>): CqlNode {
  if (text.length > MAX_FILTER_LENGTH) throw new CqlError(`filter longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(text);
  let p = 0;
  const peek = () => tokens[p];
  const next = () => {
    const t = tokens[p++];
    if (!t) throw new CqlError('unexpected end of filter');
    return t;
  };
  const expectPunct = (v: string) => {
    const t = next();
    if (t.t !== 'punct' || t.v !== v) throw new CqlError(`expected ${v}`);
  };
  const isKw = (v: string) => peek()?.t === 'kw' && peek()!.v === v;

  function literal(): Literal {
    const t = next();
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'kw' && (t.v === 'TRUE' || t.v === 'FALSE')) return t.v === 'TRUE';
    throw new CqlError(`expected a literal, found ${t.v}`);
  }
  function property(): string {
    const t = next();
    if (t.t !== 'id') throw new CqlError(`expected a property name, found ${t.v}`);
    if (!queryables.has(t.v)) throw new CqlError(`${JSON.stringify(t.v.slice(0, 60))} is not a queryable of this collection`);
    return t.v;
  }
  function predicate(depth: number): CqlNode {
    if (depth > MAX_DEPTH) throw new CqlError('filter nested too deeply');
    if (peek()?.t === 'punct' && peek()!.v === '(') {
      next();
      const inner = orExpr(depth + 1);
      expectPunct(')');
      return inner;
    }
    const prop = property();
    const negated = isKw('NOT') && (tokens[p + 1]?.v === 'LIKE' || tokens[p + 1]?.v === 'IN' || tokens[p + 1]?.v === 'BETWEEN') ? (next(), true) : false;
    let node: CqlNode;
    const t = next();
    if (t.t === 'op') node = { op: t.v as '=', property: prop, value: literal() };
    else if (t.t === 'kw' && t.v === 'LIKE') {
      const pat = literal();
      if (typeof pat !== 'string') throw new CqlError('LIKE takes a string pattern');
      node = { op: 'like', property: prop, pattern: pat };
    } else if (t.t === 'kw' && t.v === 'IN') {
      expectPunct('(');
      const values = [literal()];
      while (peek()?.t === 'punct' && peek()!.v === ',') {
        next();
        values.push(literal());
      }
      expectPunct(')');
      node = { op: 'in', property: prop, values };
    } else if (t.t === 'kw' && t.v === 'BETWEEN') {
      const low = literal();
      if (!isKw('AND')) throw new CqlError('BETWEEN needs AND');
      next();
      const high = literal();
      if (typeof low !== 'number' || typeof high !== 'number') throw new CqlError('BETWEEN takes numbers');
      node = { op: 'between', property: prop, low, high };
    } else if (t.t === 'kw' && t.v === 'IS') {
      const not = isKw('NOT') ? (next(), true) : false;
      const n = next();
      if (n.t !== 'kw' || n.v !== 'NULL') throw new CqlError('expected IS [NOT] NULL');
      node = { op: 'isNull', property: prop };
      return not ? { op: 'not', arg: node } : node;
    } else throw new CqlError(`expected a comparison after ${prop}`);
    return negated ? { op: 'not', arg: node } : node;
  }
  function notExpr(depth: number): CqlNode {
    if (isKw('NOT')) {
      next();
      return { op: 'not', arg: notExpr(depth + 1) };
    }
    return predicate(depth);
  }
  function andExpr(depth: number): CqlNode {
    const args = [notExpr(depth)];
    while (isKw('AND')) {
      next();
      args.push(notExpr(depth));
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  }
  function orExpr(depth: number): CqlNode {
    const args = [andExpr(depth)];
    while (isKw('OR')) {
      next();
      args.push(andExpr(depth));
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }
  if (tokens.length === 0) throw new CqlError('empty filter');
  const tree = orExpr(0);
  if (p < tokens.length) throw new CqlError(`unexpected ${tokens[p]!.v} after the filter`);
  return tree;
}
