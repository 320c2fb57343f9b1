/**
 * The owner's step before the platform serves: migrations, pg-boss's schema and queues, and the
 * application role's grants on that schema. It runs on the owner's URL (DATABASE_OWNER_URL);
 * the running app then logs in as `municipal_app` (DATABASE_URL), which may read and write rows
 * but can neither change the schema nor create pg-boss's tables (RELIABILITY: least privilege).
 */
import { PgBoss } from 'pg-boss';
import { createSql } from './db.ts';
import { migrate } from './migrate.ts';

/** `createQueues` comes from the workers (server.ts passes it): the API does not import them. */
export async function prepareDatabase(ownerUrl: string, createQueues: (boss: PgBoss) => Promise<void>): Promise<void> {
  const sql = createSql(ownerUrl, { max: 1, statementTimeoutMs: 0 });
  try {
    await migrate(sql);
    // pg-boss creates its schema on start and a queue's storage on createQueue: both are DDL.
    const boss = new PgBoss({ connectionString: ownerUrl, max: 2, application_name: 'municipal-gis-setup', supervise: false, schedule: false });
    await boss.start();
    try {
      await createQueues(boss);
    } finally {
      await boss.stop({ graceful: false });
    }
    const [role] = await sql`select 1 from pg_roles where rolname = 'municipal_app'`;
    if (role) {
      // Rows, sequences and functions of the job tables; later tables of the same owner too.
      await sql.unsafe(`
        grant usage on schema pgboss to municipal_app;
        grant select, insert, update, delete on all tables in schema pgboss to municipal_app;
        grant usage, select on all sequences in schema pgboss to municipal_app;
        grant execute on all functions in schema pgboss to municipal_app;
        alter default privileges in schema pgboss grant select, insert, update, delete on tables to municipal_app;
        alter default privileges in schema pgboss grant usage, select on sequences to municipal_app;
        alter default privileges in schema pgboss grant execute on functions to municipal_app;`);
    }
  } finally {
    await sql.end();
  }
}
