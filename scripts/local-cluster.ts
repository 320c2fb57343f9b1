/**
 * Local PostgreSQL + PostGIS provisioning.
 *
 * When DATABASE_URL is set, it is used as is. Otherwise a cluster is created (once) in
 * `.data/pg` of the checkout, started on a loopback port and reused by later runs. PostgreSQL
 * refuses to run as root, so when invoked as root the server runs as the unprivileged `postgres`
 * system user (created by Debian's postgresql-common), or `nobody` as a last resort.
 *
 * Every failure ends in a message that says what to do next, never a stack trace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
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

/** Creates (once) and starts (when stopped) the local cluster; returns a superuser URL to `postgres`. */
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
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
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

/** The admin URL: DATABASE_URL's server (its `postgres` database), or the local cluster. */
let localAdminUrl: string | undefined;

export function adminUrl(): string {
  if (process.env.DATABASE_URL) return withDatabase(process.env.DATABASE_URL, 'postgres');
  localAdminUrl ??= ensureLocalCluster();
  return localAdminUrl;
}
