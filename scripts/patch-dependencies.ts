/**
 * Runs after every `npm install` / `npm ci` (the `postinstall` script): applies the fixes this
 * platform needs in its dependencies, each one checked so a version bump that changes the code
 * stops the install instead of silently dropping the fix.
 *
 * postgres.js 3.4.x: when the database connection drops while a transaction is open, `sql.begin`
 * sends ROLLBACK on the dead connection. The bytes are queued for the next tick, and by then the
 * connection's socket is gone, so `socket.write` throws from a timer: an uncaught exception that
 * ends the whole process. The fix fails that ROLLBACK with CONNECTION_CLOSED instead, the same
 * error every other query on the dropped connection gets. Covered by
 * api/src/db-dropped-transaction.db.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const MARKER = '/* municipal-gis: no socket */';

const fixes = [
  {
    package: 'postgres',
    files: ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'],
    find: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    replace:
      '  function nextWrite(fn) {\n' +
      `    if (!socket) { ${MARKER}\n` +
      '      clearImmediate(nextWriteTimer)\n' +
      '      chunk = nextWriteTimer = null\n' +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      '      return true\n' +
      '    }\n' +
      '    const x = socket.write(chunk, fn)',
  },
];

let failed = false;
for (const fix of fixes) {
  for (const file of fix.files) {
    const path = join(root, 'node_modules', fix.package, file);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    if (text.includes(MARKER)) continue;
    if (!text.includes(fix.find)) {
      console.error(`[patch-dependencies] ${fix.package}/${file}: the code to fix has changed; check whether the new version still needs the fix`);
      failed = true;
      continue;
    }
    writeFileSync(path, text.replace(fix.find, fix.replace));
    console.log(`[patch-dependencies] ${fix.package}/${file}: patched`);
  }
}
if (failed) process.exit(1);
