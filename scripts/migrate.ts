/** `npm run db:migrate`: apply pending migrations to the platform database. */
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
import { platformOwnerUrl } from './database.ts';

const sql = createSql(await platformOwnerUrl(), { max: 1 });
try {
  const applied = await migrate(sql);
  process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'schema is up to date\n');
} finally {
  await sql.end();
}
