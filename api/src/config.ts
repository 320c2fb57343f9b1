/** Configuration, parsed once from the environment into a frozen typed object. See .env.example. */
import { resolve } from 'node:path';

export interface Config {
  /** PostgreSQL URL of the platform database. */
  databaseUrl: string;
  /** @default 8080 */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** Folder for uploaded files (imports, photos), outside the web root. @default '.data/files' */
  dataDir: string;
  /** Optional online basemap style; unset means the offline style built from our own layers. */
  basemapStyleUrl: string | null;
  /** Public base URL used in links (OGC API, TileJSON). @default http://localhost:PORT */
  publicUrl: string;
  /** @default 'info' */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Maximum features per bbox/items page. @default 5000 */
  maxPageSize: number;
  /** SMTP server for status emails, e.g. smtp://user:pass@host:587; null disables email. */
  smtpUrl: string | null;
  /** From address of platform emails. @default '' = the municipality's name (municipality_settings) <noreply@localhost> */
  mailFrom: string;
}

export const projectRoot = resolve(import.meta.dirname, '../..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const level = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`LOG_LEVEL must be debug|info|warn|error, got ${level}`);
  const config: Config = {
    databaseUrl: env.DATABASE_URL ?? '',
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(projectRoot, env.DATA_DIR ?? '.data/files'),
    basemapStyleUrl: env.BASEMAP_STYLE_URL || null,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    logLevel: level,
    maxPageSize: Number(env.MAX_PAGE_SIZE ?? 5000),
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM ?? '',
    ...overrides,
  };
  return Object.freeze(config);
}
