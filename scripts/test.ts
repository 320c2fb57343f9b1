/**
 * `npm test`: the typecheck and lint, then every tier (unit, db, e2e) in one vitest run, then the
 * plain summary line `N passed, N failed` that CI reads. Extra arguments go to vitest (e.g.
 * `npm test -- --project unit`). The system tools the tiers run (Chromium, GDAL, xmllint) are
 * installed first when missing (apt as root), or the exact command is printed and nothing runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionError, projectRoot } from './local-cluster.ts';
import { CHROMIUM, ensureSystemTools, GDAL, XMLLINT } from './system-packages.ts';

try {
  ensureSystemTools([CHROMIUM, GDAL, XMLLINT]);
} catch (err) {
  process.stderr.write(`${err instanceof ProvisionError ? err.message : String(err)}\n`);
  process.stdout.write('\n0 passed, 1 failed\n');
  process.exit(1);
}

/** Checks that are not tests but fail the run: each counts as one failed check when red. */
const checks: { name: string; args: string[] }[] = [
  { name: 'typecheck', args: [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'] },
  { name: 'lint', args: [join(projectRoot, 'scripts', 'lint.ts')] },
];
let failedChecks = 0;
if (process.argv.slice(2).length === 0) {
  for (const check of checks) {
    process.stdout.write(`== ${check.name}\n`);
    const r = spawnSync(process.execPath, check.args, { cwd: projectRoot, stdio: 'inherit' });
    if (r.status !== 0) {
      failedChecks++;
      process.stdout.write(`${check.name} failed\n`);
    }
  }
}

const out = mkdtempSync(join(tmpdir(), 'vitest-'));
const report = join(out, 'report.json');
const result = spawnSync(
  process.execPath,
  [join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; testResults: { status: string; assertionResults: unknown[] }[] };
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
  // A file that failed to load (syntax error, failed hook) has no assertion results: count it.
  failed += json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(out, { recursive: true, force: true });
if (result.status !== 0 && failed === 0) failed = 1;
failed += failedChecks;
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || result.status !== 0 ? 1 : 0);
