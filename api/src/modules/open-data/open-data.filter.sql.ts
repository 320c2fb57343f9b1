/**
 * A parsed CQL2 filter (open-data.cql2.ts) as a SQL condition on `assets a`. Property names are
 * already checked against the queryables; values always travel as bind parameters, and the
 * operator comes from a closed list, so nothing of the filter text reaches the SQL text.
 */
import type { PendingQuery, Row } from 'postgres';
import type { Db } from '../../db.ts';
import type { CqlNode, Literal } from './open-data.cql2.ts';

type Fragment = PendingQuery<Row[]>;

const TEXT_COLUMNS: Record<string, string> = { name: 'a.name', external_id: 'a.external_id', condition: 'a.condition', install_date: 'a.install_date::text' };
const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);

/** The asset columns every collection can be filtered on, besides its public attributes. */
export const FIXED_QUERYABLES: Record<string, { type: 'string' | 'integer'; format?: string }> = {
  name: { type: 'string' },
  external_id: { type: 'string' },
  condition: { type: 'string' },
  criticality: { type: 'integer' },
  install_date: { type: 'string', format: 'date' },
};

function textOf(sql: Db, prop: string): Fragment {
  if (prop in TEXT_COLUMNS) return sql.unsafe(TEXT_COLUMNS[prop]!) as unknown as Fragment;
  if (prop === 'criticality') return sql`a.criticality::text`;
  return sql`(a.properties ->> ${prop}::text)`;
}

function numberOf(sql: Db, prop: string): Fragment {
  if (prop === 'criticality') return sql`a.criticality::numeric`;
  if (prop in TEXT_COLUMNS) return sql`null::numeric`;
  return sql`(case when jsonb_typeof(a.properties -> ${prop}::text) = 'number' then (a.properties -> ${prop}::text)::numeric end)`;
}

function compare(sql: Db, prop: string, op: string, value: Literal): Fragment {
  if (!COMPARATORS.has(op)) throw new Error(`operator ${op} is not allowed`);
  const o = sql.unsafe(op) as unknown as Fragment;
  if (typeof value === 'number') return sql`${numberOf(sql, prop)} ${o} ${value}::numeric`;
  if (typeof value === 'boolean') {
    if (op !== '=' && op !== '<>') throw new Error('booleans compare with = or <> only');
    return sql`${textOf(sql, prop)} ${o} ${String(value)}`;
  }
  return sql`${textOf(sql, prop)} ${o} ${value}`;
}

export function filterSql(sql: Db, node: CqlNode): Fragment {
  switch (node.op) {
    case 'and':
    case 'or': {
      const joiner = node.op === 'and' ? sql` and ` : sql` or `;
      const parts = node.args.map((a) => filterSql(sql, a));
      return sql`(${parts.reduce((acc, part) => sql`${acc}${joiner}${part}`)})`;
    }
    case 'not':
      return sql`(not coalesce(${filterSql(sql, node.arg)}, false))`;
    case 'like':
      return sql`${textOf(sql, node.property)} like ${node.pattern}`;
    case 'in':
      return sql`(${node.values.map((v) => compare(sql, node.property, '=', v)).reduce((acc, part) => sql`${acc} or ${part}`)})`;
    case 'between':
      return sql`${numberOf(sql, node.property)} between ${node.low}::numeric and ${node.high}::numeric`;
    case 'isNull':
      return sql`${textOf(sql, node.property)} is null`;
    default:
      return compare(sql, node.property, node.op, node.value);
  }
}
