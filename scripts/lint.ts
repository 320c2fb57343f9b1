/**
 * `npm run lint`: Biome's linter (biome.json) and the project's own structure rules, which no
 * general linter knows:
 * - dependencies point one way: web/ and lib/ never import the server, gis-data/ never imports
 *   API modules, the API never imports workers/ or scripts/ (workers and scripts call the API's
 *   services, not the reverse);
 * - the repository stands alone: no file reaches outside it for data or documents.
 * Exits non-zero with one line per finding.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from './local-cluster.ts';

const SOURCE_DIRS = ['api', 'web/src', 'workers', 'lib', 'gis-data/src', 'scripts', 'bench', 'e2e', 'migrations'];

interface ImportRule {
  from: RegExp;
  forbidden: RegExp;
  why: string;
}

export const IMPORT_RULES: ImportRule[] = [
  { from: /^web\//, forbidden: /^(api|workers|gis-data|scripts)\//, why: 'the web app shares code with the server only through lib/' },
  { from: /^lib\//, forbidden: /^(api|web|workers|gis-data|scripts)\//, why: 'lib/ holds shared types and helpers without I/O' },
  { from: /^gis-data\//, forbidden: /^api\/src\/modules\//, why: 'gis-data/ holds data and loaders; API modules call it, not the reverse' },
  { from: /^api\//, forbidden: /^(workers|scripts|bench|e2e)\//, why: 'the API does not depend on workers, tooling or tests' },
  { from: /^workers\//, forbidden: /^(scripts|bench|e2e)\//, why: 'workers do not depend on tooling or tests' },
];

function* sourceFiles(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|sh|sql)$/.test(e.name)) yield full;
  }
}

/** Findings of the structure rules for one file (path relative to the project root). */
export function structureFindings(path: string, text: string): string[] {
  const findings: string[] = [];
  const isTest = /\.(test|db\.test|e2e)\.ts$/.test(path) || path.startsWith('e2e/') || /test-helpers|fixtures/.test(path);
  // The composition root starts the API and the in-process workers together; test set-up provisions.
  const exempt = path === 'api/src/server.ts' || path.startsWith('api/test/');
  if (path.endsWith('.ts') && !isTest && !exempt) {
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(projectRoot, join(projectRoot, path, '..', m[1]!));
      for (const rule of IMPORT_RULES) {
        if (rule.from.test(path) && rule.forbidden.test(target)) findings.push(`${path}: imports ${target}: ${rule.why}`);
      }
    }
  }
  if (/\.\.\/\.\.\/shared\/|\.\.\/shared\/|'\.\.\/shared'/.test(text)) findings.push(`${path}: reaches outside the repository (into a shared folder beside it)`);
  // The project's own documents are docs/architecture.md, docs/reliability.md and docs/benchmarks.md.
  const cited = /\b(DESIGN|RELIABILITY|PERFORMANCE|STYLE|ANCHORS|SOURCES)\.md\b/.exec(text);
  if (cited) findings.push(`${path}: cites ${cited[0]}, a document that is not in the repository (cite docs/ instead)`);
  return findings;
}

if (import.meta.main) {
  const findings: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(join(projectRoot, dir))) {
      const rel = relative(projectRoot, file);
      findings.push(...structureFindings(rel, readFileSync(file, 'utf8')));
    }
  }
  for (const f of findings) process.stdout.write(`structure: ${f}\n`);
  const biome = spawnSync(process.execPath, [join(projectRoot, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'), 'lint', '--diagnostic-level=error', '.'], { cwd: projectRoot, stdio: 'inherit' });
  process.exit(findings.length > 0 || biome.status !== 0 ? 1 : 0);
}
