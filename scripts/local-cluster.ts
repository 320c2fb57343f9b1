/**
 * Local PostgreSQL + PostGIS provisioning.
 *
 * When DATABASE_URL is set, it is used as is. Otherwise a cluster is created (once) in
 * `.data/pg` of the checkout, started on a loopback port and reused by later runs. PostgreSQL
 * refuses to run as root, so when invoked as root the server runs as the unprivileged `postgres`
 * system user (created by Debian's postgresql-common), or `nobody` as a last resort.
 *
 * Every connection, even over the Unix socket, needs a password (scram-sha-256): the owner
 * (`postgres`, superuser) and the application login role (`municipal_app`) get generated
 * passwords kept next to the cluster (`owner.secret`, `app.secret`, mode 0600, git-ignored).
 * A cluster created before this (trust) is switched over in place on its next start.
 *
 * Every failure ends in a message that says what to do next, never a stack trace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync, chmodSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';

export const projectRoot = resolve(import.meta.dirname, '..');

export class ProvisionError extends Error {}

/** The PostgreSQL major versions we know how to run, newest first. */
const SUPPORTED_MAJORS = ['17', '16', '15'];
const APT_PACKAGES = ['postgresql-15', 'postgresql-15-postgis-3', 'postgresql-15-pgrouting'];

export function findBinDir(): string | undefined {
  for (const major of SUPPORTED_MAJORS) {
    const dir = `/usr/lib/postgresql/${major}/bin`;
    const lib = `/usr/lib/postgresql/${major}/lib/postgis-3.so`;
    if (existsSync(join(dir, 'initdb')) && existsSync(lib)) return dir;
  }
  return undefined;
}

function log(message: string) {
  process.stderr.write(`[db] ${message}\n`);
}

/** Installs the PostGIS packages through apt when we are root on Debian; otherwise explains how. */
function installPackages(): void {
  const command = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new ProvisionError(
      `PostgreSQL 15 with PostGIS is not installed. Install it with:\n  sudo ${command}\n` +
        'or point DATABASE_URL at a PostgreSQL server that has PostGIS.',
    );
  }
  log(`installing ${APT_PACKAGES.join(', ')} through apt (one time)…`);
  const result = spawnSync('sh', ['-c', command], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    throw new ProvisionError(`apt could not install PostGIS. Run it by hand:\n  ${command}`);
  }
}

export interface ServerUser {
  name: string;
  /** Prefix that runs a command as that user. Empty when we already are unprivileged. */
  runAs: string[];
}

export function serverUser(): ServerUser {
  if (process.getuid?.() !== 0) return { name: userInfo().username, runAs: [] };
  for (const name of ['postgres', 'nobody']) {
    const found = spawnSync('id', ['-u', name]);
    if (found.status === 0) return { name, runAs: ['runuser', '-u', name, '--'] };
  }
  throw new ProvisionError('Running as root and no unprivileged user (postgres or nobody) exists to run PostgreSQL.');
}

export function run(user: ServerUser, binary: string, args: string[]): { status: number | null; output: string } {
  const [command, ...rest] = [...user.runAs, binary, ...args];
  const result = spawnSync(command!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

export interface ClusterOptions {
  /** Folder holding the cluster. @default `<project>/.data/pg` */
  dataDir?: string;
  /** Loopback port of the cluster. @default PG_PORT or 54329 */
  port?: number;
}

/** The application's login role; its privileges come from migrations/0020_create_app_role.sql. */
export const APP_ROLE = 'municipal_app';

/** Marks a pg_hba.conf written by us: without it the cluster still trusts everyone. */
const HBA_MARKER = '# municipal-gis: password authentication';

const HBA = `${HBA_MARKER}
# Every connection proves a password, also over the Unix socket (no trust, no peer).
local   all          all                 scram-sha-256
host    all          all   127.0.0.1/32  scram-sha-256
host    all          all   ::1/128       scram-sha-256
local   replication  all                 scram-sha-256
host    replication  all   127.0.0.1/32  scram-sha-256
host    replication  all   ::1/128       scram-sha-256
`;

/** Reads a generated password kept beside the cluster, creating it (0600) the first time. */
function secret(dataRoot: string, file: string): string {
  const path = join(dataRoot, file);
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{32,}$/.test(value)) return value;
    throw new ProvisionError(`${path} is not a password written by this script: remove it and run again.`);
  }
  // Hex: safe in a URL and in a SQL literal without escaping.
  const value = randomBytes(24).toString('hex');
  try {
    // wx: a concurrent first run that wrote it first wins, and both read the same password.
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFileSync(path, 'utf8').trim();
  }
  chmodSync(path, 0o600);
  return value;
}

export interface LocalSecrets {
  owner: string;
  app: string;
}

/** The passwords of the local cluster in `dataRoot` (created when missing). */
export function localSecrets(dataRoot = join(projectRoot, '.data', 'pg')): LocalSecrets {
  mkdirSync(dataRoot, { recursive: true });
  return { owner: secret(dataRoot, 'owner.secret'), app: secret(dataRoot, 'app.secret') };
}

/**
 * Sets the owner's and the app role's passwords, then (once) replaces pg_hba.conf with password
 * authentication and reloads. Run on every start: idempotent, and a cluster still on trust accepts
 * the statements without a password, so a cluster created before passwords is upgraded in place.
 */
function ensurePasswordAuth(bin: string, user: ServerUser, pgdata: string, socketDir: string, port: number, secrets: LocalSecrets): void {
  const statements = `
set password_encryption = 'scram-sha-256';
alter role postgres password '${secrets.owner}';
do $$
begin
  if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
    create role ${APP_ROLE};
  end if;
exception when duplicate_object or unique_violation then
  null;
end $$;
alter role ${APP_ROLE} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password '${secrets.app}';
`;
  // The SQL (with the passwords) goes through stdin, never the command line (visible in ps).
  const psql = spawnSync(join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres'], {
    input: statements,
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: secrets.owner, PGCONNECT_TIMEOUT: '10' },
  });
  if (psql.status !== 0) {
    throw new ProvisionError(
      `could not set the passwords of the local cluster:\n${psql.stderr}\n` +
        `If ${join(resolve(pgdata, '..'), 'owner.secret')} was replaced or removed, restore it or move ${resolve(pgdata, '..')} away and run again.`,
    );
  }
  const hbaPath = join(pgdata, 'pg_hba.conf');
  if (readFileSync(hbaPath, 'utf8').startsWith(HBA_MARKER)) return;
  log('switching the local cluster to password authentication');
  writeFileSync(hbaPath, HBA);
  if (user.runAs.length) execFileSync('chown', [user.name, hbaPath]);
  const reload = run(user, join(bin, 'pg_ctl'), ['-D', pgdata, 'reload']);
  if (reload.status !== 0) throw new ProvisionError(`PostgreSQL did not reload pg_hba.conf:\n${reload.output}`);
  // A reload is asynchronous: wait until a password-less login is refused.
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = spawnSync(join(bin, 'psql'), ['-X', '-w', '-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', 'select 1'], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: '', PGPASSFILE: join(socketDir, 'no-password-file') },
    });
    if (probe.status !== 0) return;
    spawnSync('sleep', ['0.1']);
  }
  throw new ProvisionError('PostgreSQL still accepts logins without a password after reloading pg_hba.conf.');
}

/** Creates (once) and starts (when stopped) the local cluster; returns the owner's (superuser) URL to `postgres`. */
export function ensureLocalCluster(options: ClusterOptions = {}): string {
  const dataRoot = options.dataDir ?? join(projectRoot, '.data', 'pg');
  const port = options.port ?? Number(process.env.PG_PORT ?? 54329);
  let bin = findBinDir();
  if (!bin) {
    installPackages();
    bin = findBinDir();
    if (!bin) throw new ProvisionError('PostGIS packages were installed but no PostgreSQL server was found in /usr/lib/postgresql.');
  }
  const user = serverUser();
  const pgdata = join(dataRoot, 'data');
  const socketDir = join(dataRoot, 'run');
  mkdirSync(socketDir, { recursive: true });
  if (user.runAs.length && !ownedBy(dataRoot, user.name)) {
    // The server user must own its folders and be able to walk down to them. Done only when the
    // folder is not theirs yet: a recursive chown under a running server races its temp files.
    execFileSync('chown', ['-R', user.name, dataRoot]);
    for (let dir = dataRoot; dir !== '/'; dir = resolve(dir, '..')) {
      try {
        chmodSync(dir, (statSync(dir).mode | 0o011) & 0o7777);
      } catch {
        /* a parent we cannot change: runuser will tell if it matters */
      }
    }
  }
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
      throw new ProvisionError(`${pgdata} exists but is not a PostgreSQL cluster: move it away and run again.`);
    }
    log(`creating a local PostgreSQL cluster in ${pgdata}`);
    mkdirSync(pgdata, { recursive: true });
    if (user.runAs.length) execFileSync('chown', ['-R', user.name, dataRoot]);
    const init = run(user, join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    if (init.status !== 0) throw new ProvisionError(`initdb failed:\n${init.output}`);
    // Loopback only; small-machine settings. Parallel workers slow small tile queries on 2 cores
    // (docs/benchmarks.md), so they are off; synchronous_commit stays on
    // (docs/reliability.md rule 12).
    const conf = [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${socketDir}'`,
      `max_connections = 200`,
      `shared_buffers = 512MB`,
      `work_mem = 32MB`,
      `maintenance_work_mem = 256MB`,
      `max_parallel_workers_per_gather = 0`,
      `jit = off`,
      `fsync = on`,
      `synchronous_commit = on`,
      `logging_collector = off`,
    ].join('\n');
    writeFileSync(join(pgdata, 'postgresql.auto.conf'), `${conf}\n`);
    if (user.runAs.length) execFileSync('chown', [user.name, join(pgdata, 'postgresql.auto.conf')]);
  }
  const status = run(user, join(bin, 'pg_ctl'), ['-D', pgdata, 'status']);
  if (status.status !== 0) {
    log(`starting PostgreSQL on 127.0.0.1:${port}`);
    const start = run(user, join(bin, 'pg_ctl'), ['-D', pgdata, '-l', join(dataRoot, 'server.log'), '-w', '-t', '60', 'start']);
    if (start.status !== 0) {
      let tail = '';
      try {
        tail = readFileSync(join(dataRoot, 'server.log'), 'utf8').split('\n').slice(-15).join('\n');
      } catch {}
      throw new ProvisionError(`PostgreSQL did not start (is port ${port} taken? set PG_PORT):\n${start.output}\n${tail}`);
    }
  }
  const secrets = localSecrets(dataRoot);
  ensurePasswordAuth(bin, user, pgdata, socketDir, port, secrets);
  return `postgres://postgres:${secrets.owner}@127.0.0.1:${port}/postgres`;
}


function ownedBy(path: string, userName: string): boolean {
  const uid = spawnSync('id', ['-u', userName], { encoding: 'utf8' }).stdout.trim();
  return String(statSync(path).uid) === uid;
}

/** Replaces the database name in a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * The admin (owner) URL: DATABASE_OWNER_URL's (else DATABASE_URL's) server, its `postgres`
 * database, or the local cluster's superuser.
 */
let localAdminUrl: string | undefined;

export function adminUrl(): string {
  const external = process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL;
  if (external) return withDatabase(external, 'postgres');
  localAdminUrl ??= ensureLocalCluster();
  return localAdminUrl;
}

/**
 * The same server and database as `ownerUrl`, logged in as the application role. On the local
 * cluster that is `municipal_app` with its generated password; on an operator's server
 * (DATABASE_URL set) the app's URL is DATABASE_URL itself, so null here.
 */
export function appRoleUrl(ownerUrl: string): string | null {
  if (process.env.DATABASE_URL || process.env.DATABASE_OWNER_URL) return null;
  const parsed = new URL(ownerUrl);
  parsed.username = APP_ROLE;
  parsed.password = localSecrets().app;
  return parsed.toString();
}
