/**
 * A streaming replica of the local cluster, for the scale-out test and benchmark: pg_basebackup
 * with `-R` (standby.signal and primary_conninfo written for us), then the copy is started on its
 * own loopback port as a hot standby. It replays the primary's WAL continuously, so every database
 * of the primary is readable on it a moment later. Only for the local cluster (DATABASE_URL unset).
 */
import { mkdtempSync, appendFileSync, rmSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findBinDir, localSecrets, ProvisionError, projectRoot, run, serverUser } from './local-cluster.ts';

export interface Replica {
  /** Superuser URL of the replica's `postgres` database (swap the database with withDatabase). */
  url: string;
  port: number;
  stop(): void;
}

export function startReplica(options: { primaryPort?: number; port: number }): Replica {
  const primaryPort = options.primaryPort ?? Number(process.env.PG_PORT ?? 54329);
  const bin = findBinDir();
  if (!bin) throw new ProvisionError('no PostgreSQL server binaries: run the database tier once to provision them');
  const user = serverUser();
  const root = mkdtempSync(join(projectRoot, '.data', 'replica-'));
  chmodSync(root, 0o755);
  const pgdata = join(root, 'data');
  if (user.runAs.length) execFileSync('chown', ['-R', user.name, root]);
  // The password goes into primary_conninfo (-R): the standby logs in to stream like any client.
  const { owner } = localSecrets();
  const backup = run(user, join(bin, 'pg_basebackup'), ['-D', pgdata, '-R', '-X', 'stream', '-c', 'fast', '-d', `host=127.0.0.1 port=${primaryPort} user=postgres password=${owner}`]);
  if (backup.status !== 0) throw new ProvisionError(`pg_basebackup failed:\n${backup.output}`);
  // The copy carries the primary's settings; the last value of a setting wins.
  appendFileSync(join(pgdata, 'postgresql.auto.conf'), `port = ${options.port}\nunix_socket_directories = '${root}'\nhot_standby = on\n`);
  const start = run(user, join(bin, 'pg_ctl'), ['-D', pgdata, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);
  if (start.status !== 0) throw new ProvisionError(`the replica did not start:\n${start.output}`);
  return {
    url: `postgres://postgres:${owner}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    stop() {
      run(user, join(bin, 'pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', 'stop']);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
