/** Configuration, parsed once from the environment into a frozen typed object. See .env.example. */
import { resolve } from 'node:path';
import { parseTrustProxy, type TrustProxy } from './http/client-ip.ts';

export interface Config {
  /** PostgreSQL URL of the platform database (the primary: every write and every stream). */
  databaseUrl: string;
  /**
   * PostgreSQL URL of the same database as its owner, for migrations and pg-boss's schema only
   * (DATABASE_OWNER_URL). @default databaseUrl, for a deployment with a single role
   */
  databaseOwnerUrl: string;
  /**
   * Optional read replica for the heavy public reads (vector tiles, OGC API and downloads, layer
   * catalogue). Null reads everything from the primary.
   */
  databaseReadUrl: string | null;
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
  /**
   * Proxies whose X-Forwarded-For is believed (TRUST_PROXY: hop count or CIDR list); the client
   * address keys every rate limit and the audit log. @default none (the socket peer only)
   */
  trustProxy: TrustProxy;
  /** CAP <sender> of our alerts and the prefix of their identifiers (see alerts module). */
  capSender: string;
  /** @default the public host name, upper-cased */
  capIdentifierPrefix: string;
  /** VAPID key pair and subject for Web Push of alerts; null public key disables push. */
  vapid: { publicKey: string; privateKey: string; subject: string } | null;
  /** Whole-layer downloads streaming at once; more answer 503, so slow readers cannot take the pool. @default 3 */
  exportConcurrency: number;
  /** A download whose client has not taken the next chunk for this long is ended, freeing its connection. @default 30000 */
  exportWriteTimeoutMs: number;
  /** Days a closed report keeps its reporter's contact, and sessions, logins and audit events their IPs. @default 365 */
  retentionDays: number;
}

export const projectRoot = resolve(import.meta.dirname, '../..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const level = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (env.RETENTION_DAYS !== undefined && !/^[1-9]\d{0,4}$/.test(env.RETENTION_DAYS)) throw new Error(`RETENTION_DAYS must be a whole number of days (1 or more), got ${env.RETENTION_DAYS}`);
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`LOG_LEVEL must be debug|info|warn|error, got ${level}`);
  const capHost = new URL((env.PUBLIC_URL ?? `http://localhost:${port}`)).hostname;
  const config: Config = {
    databaseUrl: env.DATABASE_URL ?? '',
    databaseOwnerUrl: env.DATABASE_OWNER_URL || env.DATABASE_URL || '',
    databaseReadUrl: env.DATABASE_READ_URL || null,
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(projectRoot, env.DATA_DIR ?? '.data/files'),
    basemapStyleUrl: env.BASEMAP_STYLE_URL || null,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    logLevel: level,
    maxPageSize: Number(env.MAX_PAGE_SIZE ?? 5000),
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM ?? '',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    // CAP wants a sender unique to the authority: by default derived from the platform's own host.
    capSender: env.CAP_SENDER ?? `civil-protection@${capHost}`,
    capIdentifierPrefix: env.CAP_IDENTIFIER_PREFIX ?? capHost.toUpperCase(),
    vapid: env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT ?? `mailto:${env.CAP_SENDER ?? `civil-protection@${capHost}`}` } : null,
    exportConcurrency: Number(env.EXPORT_CONCURRENCY ?? 3),
    exportWriteTimeoutMs: Number(env.EXPORT_WRITE_TIMEOUT_MS ?? 30_000),
    retentionDays: Number(env.RETENTION_DAYS ?? 365),
    ...overrides,
  };
  // A database given by override (tests, tools) is also the owner's unless one is named: a single
  // role deployment, as with DATABASE_URL alone.
  if (overrides.databaseUrl && !overrides.databaseOwnerUrl && !env.DATABASE_OWNER_URL) config.databaseOwnerUrl = overrides.databaseUrl;
  return Object.freeze(config);
}
