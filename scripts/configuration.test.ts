/**
 * Every environment variable the platform reads is documented in .env.example and in the
 * README's Configuration table, so an operator never has to read code to configure it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './local-cluster.ts';

/** Read by tooling around the platform, not by the platform: test runners and terminals. */
const NOT_CONFIGURATION = new Set(['CI', 'FORCE_COLOR', 'NODE_ENV']);

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* sources(full);
    else if (e.name.endsWith('.ts') && !/\.(test|db\.test|e2e)\.ts$/.test(e.name)) yield full;
  }
}

function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of ['api/src', 'workers', 'lib', 'gis-data/src', 'scripts']) {
    for (const file of sources(join(projectRoot, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) {
        if (!NOT_CONFIGURATION.has(m[1]!)) found.set(m[1]!, relative(projectRoot, file));
      }
    }
  }
  return found;
}

describe('configuration', () => {
  const read = variablesRead();
  const example = readFileSync(join(projectRoot, '.env.example'), 'utf8');
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

  it('finds the variables the platform reads', () => {
    expect(read.has('DATABASE_URL')).toBe(true);
    expect(read.has('PORT')).toBe(true);
  });

  it('documents every variable in .env.example', () => {
    const missing = [...read].filter(([name]) => !new RegExp(`^#?\\s*${name}=`, 'm').test(example)).map(([n, f]) => `${n} (${f})`);
    expect(missing).toEqual([]);
  });

  it('documents every variable in the README configuration table', () => {
    const missing = [...read].filter(([name]) => !new RegExp(`^\\|[^|\\n]*\`${name}\``, 'm').test(readme)).map(([n, f]) => `${n} (${f})`);
    expect(missing).toEqual([]);
  });
});
