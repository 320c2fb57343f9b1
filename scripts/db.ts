/** `npm run db:up`: provision (or reuse) the database and print its URL. */
import { ProvisionError } from './local-cluster.ts';
import { platformDatabaseUrl } from './database.ts';

try {
  const url = await platformDatabaseUrl();
  process.stdout.write(`${url}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof ProvisionError ? err.message : String(err)}\n`);
  process.exit(1);
}
