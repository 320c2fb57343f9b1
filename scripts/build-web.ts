/** Builds the web app with Vite when dist/web is missing or older than a source file. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './local-cluster.ts';
import { precompress } from './precompress.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function webIsStale(): boolean {
  const marker = join(projectRoot, 'dist', 'web', 'control.html');
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  return [join(projectRoot, 'web'), join(projectRoot, 'lib')].some((d) => existsSync(d) && newestMtime(d) > built);
}

export function buildWeb(force = false): void {
  if (!force && !webIsStale()) return;
  process.stderr.write('[web] building the web app…\n');
  const result = spawnSync(process.execPath, [join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the web build failed (see above)');
  const c = precompress(join(projectRoot, 'dist', 'web'));
  process.stderr.write(`[web] precompressed ${c.files} files: ${c.bytes} bytes -> brotli ${c.brotli}, gzip ${c.gzip}\n`);
}

if (import.meta.main) buildWeb(true);
