/**
 * `npm run setup -- --municipality 9184` or
 * `npm run setup -- --boundary city.gpkg --name "City of X" --timezone America/New_York --locales en`
 *
 * Makes this installation (DATABASE_URL, or the local cluster) serve one municipality; see
 * scripts/setup/municipality-setup.ts. Removing the demo asks first (or --yes); --keep-demo
 * keeps it. Exit status: 0 done, 1 failed (nothing changed), 2 bad arguments or not confirmed.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
import { platformOwnerUrl } from './database.ts';
import { ProvisionError } from './local-cluster.ts';
import { demoPresent, SetupError, setUpMunicipality, type SetupOptions } from './setup/municipality-setup.ts';

const USAGE = `usage: npm run setup -- --municipality <Kallikratis code>            (a Greek municipality, boundary bundled)
       npm run setup -- --boundary <file> --name <name> --timezone <IANA zone> --locales <en[,el,...]>
  [--boundary-layer <layer>] [--code <id>] [--name-<locale> <name>] [--contact-email ..] [--contact-phone ..]
  [--contact-url ..] [--signature <closing line of emails>] [--keep-demo | --yes]
  The boundary file may be any format the importer reads (GeoPackage, zipped Shapefile, GeoJSON, KML, ...), in any CRS.
  Without --keep-demo the demo's layers, districts, categories and reports are removed, after a confirmation (--yes skips it).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const localeNames = process.argv.slice(2).filter((a) => /^--name-[a-z]{2}$/.test(a)).map((a) => a.slice(2));
let parsed;
try {
  parsed = parseArgs({
    options: {
      municipality: { type: 'string' },
      boundary: { type: 'string' },
      'boundary-layer': { type: 'string' },
      name: { type: 'string' },
      code: { type: 'string' },
      timezone: { type: 'string' },
      locales: { type: 'string' },
      'contact-email': { type: 'string' },
      'contact-phone': { type: 'string' },
      'contact-url': { type: 'string' },
      signature: { type: 'string' },
      'keep-demo': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(localeNames.map((n) => [n, { type: 'string' as const }])),
    },
  });
} catch (err) {
  fail((err as Error).message);
}
const v = parsed.values as Record<string, string | boolean | undefined>;
if (v.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
const locales = str('locales')?.split(',').map((s) => s.trim()).filter(Boolean);
const names = Object.fromEntries(localeNames.map((n) => [n.slice(5), str(n)!]));
const signature = str('signature');
const opts: SetupOptions = {
  municipality: str('municipality'),
  boundary: str('boundary'),
  boundaryLayer: str('boundary-layer'),
  name: str('name'),
  ...(localeNames.length ? { names } : {}),
  code: str('code'),
  timezone: str('timezone'),
  locales,
  contactEmail: str('contact-email'),
  contactPhone: str('contact-phone'),
  contactUrl: str('contact-url'),
  ...(signature ? { mailSignature: Object.fromEntries((locales ?? ['el', 'en']).map((l) => [l, signature])) } : {}),
  keepDemo: Boolean(v['keep-demo']),
};

const sql = createSql(await platformOwnerUrl(), { max: 2, statementTimeoutMs: 0 });
try {
  await migrate(sql);
  if (!opts.keepDemo) {
    const demo = await demoPresent(sql);
    const anything = demo.layers + demo.districts + demo.categories + demo.reports > 0;
    if (anything && !v.yes) {
      const question = `This removes the demo: ${demo.layers} layers, ${demo.districts} districts, ${demo.categories} categories and ${demo.reports} reports. Continue? [y/N] `;
      if (!process.stdin.isTTY) fail(`${question}\nnot a terminal: pass --yes to confirm, or --keep-demo`);
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = (await rl.question(question)).trim().toLowerCase();
      rl.close();
      if (answer !== 'y' && answer !== 'yes') fail('nothing changed');
    }
  }
  const report = await setUpMunicipality(sql, opts);
  process.stderr.write(`set up ${Object.values(report.names).join(' / ')} (${report.timezone}, ${report.locales.join(',')}, ${report.areaKm2.toFixed(1)} km²) in ${report.ms} ms` +
    `${report.demoRemoved ? `; removed the demo: ${report.demoRemoved.layers} layers, ${report.demoRemoved.districts} districts, ${report.demoRemoved.categories} categories, ${report.demoRemoved.reports} reports` : '; demo kept'}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} catch (err) {
  if (err instanceof SetupError) fail(err.message);
  process.stderr.write(`set-up failed, nothing changed: ${err instanceof ProvisionError ? err.message : ((err as Error)?.message ?? String(err))}\n`);
  process.exitCode = 1;
} finally {
  await sql.end();
}
