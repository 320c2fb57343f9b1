/**
 * A local cluster made before password authentication (trust in pg_hba.conf, no secrets) is
 * switched over in place on its next start: new generated passwords for the owner and for
 * municipal_app, scram-sha-256 for every connection, and a login without a password refused.
 * Runs its own small cluster in a temporary folder on a free port, then removes it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalCluster, findBinDir, localSecrets, projectRoot, run, serverUser } from './local-cluster.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function login(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql<{ u: string }[]>`select current_user as u`;
    return row!.u;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const TRUST_HBA = `local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n`;

let dataDir: string | undefined;

afterAll(() => {
  if (!dataDir) return;
  run(serverUser(), join(findBinDir()!, 'pg_ctl'), ['-D', join(dataDir, 'data'), '-m', 'immediate', '-w', 'stop']);
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(Boolean(process.env.DATABASE_URL || process.env.DATABASE_OWNER_URL))('the local cluster', () => {
  it('upgrades a trust cluster in place to password authentication with generated passwords', async () => {
    dataDir = mkdtempSync(join(projectRoot, '.data', 'cluster-upgrade-'));
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    ensureLocalCluster({ dataDir, port });
    // Make it what an older checkout left behind: trust everywhere and no secrets, stopped.
    const pgdata = join(dataDir, 'data');
    run(serverUser(), join(findBinDir()!, 'pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', 'stop']);
    writeFileSync(join(pgdata, 'pg_hba.conf'), TRUST_HBA);
    rmSync(join(dataDir, 'owner.secret'));
    rmSync(join(dataDir, 'app.secret'));

    const ownerUrl = ensureLocalCluster({ dataDir, port });

    const hba = readFileSync(join(pgdata, 'pg_hba.conf'), 'utf8');
    expect(hba).not.toMatch(/^[^#].*\btrust\s*$/m);
    expect(hba).toMatch(/^host\s+all\s+all\s+127\.0\.0\.1\/32\s+scram-sha-256$/m);
    expect(hba).toMatch(/^local\s+all\s+all\s+scram-sha-256$/m);
    const secrets = localSecrets(dataDir);
    for (const file of ['owner.secret', 'app.secret']) {
      expect(existsSync(join(dataDir, file))).toBe(true);
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
    }
    expect(secrets.owner).not.toBe(secrets.app);
    expect(new URL(ownerUrl).password).toBe(secrets.owner);
    expect(await login(ownerUrl)).toBe('postgres');
    expect(await login(`postgres://municipal_app:${secrets.app}@127.0.0.1:${port}/postgres`)).toBe('municipal_app');
    await expect(login(`postgres://postgres@127.0.0.1:${port}/postgres`)).rejects.toMatchObject({ code: '28P01' });
    await expect(login(`postgres://municipal_app:${secrets.owner}@127.0.0.1:${port}/postgres`)).rejects.toMatchObject({ code: '28P01' });
  }, 120_000);
});
