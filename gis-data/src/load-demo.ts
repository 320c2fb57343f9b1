/**
 * `npm run gis:load-demo [-- --scale N]`: migrates the platform database and (re)loads the demo
 * municipality. Safe to run again: the result is the same.
 */
import { parseArgs } from 'node:util';
import { createSql } from '../../api/src/db.ts';
import { migrate } from '../../api/src/migrate.ts';
import { platformOwnerUrl } from '../../scripts/database.ts';
import { loadDemoMunicipality } from './demo.ts';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' } } });
const scale = Number(values.scale);
if (!(scale > 0 && scale <= 64)) {
  process.stderr.write(`--scale must be a number in (0, 64], got ${values.scale}\n`);
  process.exit(2);
}

const sql = createSql(await platformOwnerUrl(), { max: 2, statementTimeoutMs: 0 });
try {
  await migrate(sql);
  await loadDemoMunicipality(sql, { scale, log: (m) => process.stderr.write(`[demo] ${m}\n`) });
} catch (err) {
  process.stderr.write(`[demo] failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await sql.end();
}
