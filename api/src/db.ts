import postgres from 'postgres';

/** The one postgres.js client of a process; passed to factories, never imported as a singleton. */
export type Db = postgres.Sql;

export interface DbOptions {
  /** Pool size. @default 10 */
  max?: number;
  /** Statement timeout in ms, so a runaway query cannot hold a connection. @default 30000 */
  statementTimeoutMs?: number;
}

export function createSql(url: string, options: DbOptions = {}): Db {
  return postgres(url, {
    max: options.max ?? 10,
    // undefined is a bug in the caller; postgres.js would reject it anyway
    // (docs/reliability.md rule 6).
    transform: { undefined: null },
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => {},
    connection: {
      application_name: 'municipal-gis',
      statement_timeout: options.statementTimeoutMs ?? 30_000,
    },
    types: {
      // int8 as JS number: ids and counts here stay far below 2^53.
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
  });
}
