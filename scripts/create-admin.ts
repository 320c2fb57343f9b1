/**
 * `npm run create-admin -- --email ops@city.gr --name "Ops Admin" [--department roads]`
 *
 * Creates the first admin (or another one). The password comes from ADMIN_PASSWORD, or is asked
 * for twice on a terminal without echo, or read as one line from piped stdin. It is never taken
 * from the command line, where it would sit in shell history and the process list.
 * Migrates first, so it works on an empty database. Writes a `user.create` audit row.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
import { platformOwnerUrl } from './database.ts';
import { insertAuditEvent } from '../api/src/modules/audit/audit.sql.ts';
import { CreateUserSchema } from '../api/src/modules/auth/auth.schema.ts';
import { departmentExists, findUserForLogin, insertUser } from '../api/src/modules/auth/auth.sql.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../api/src/modules/auth/password.ts';

function fail(message: string): never {
  process.stderr.write(`create-admin: ${message}\n`);
  process.exit(1);
}

async function askHidden(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Echo nothing while the password is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (s.startsWith(prompt)) process.stdout.write(prompt);
  };
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (process.stdin.isTTY) {
    const a = await askHidden(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
    const b = await askHidden('Repeat the password: ');
    if (a !== b) fail('the passwords differ');
    return a;
  }
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) return line;
  return '';
}

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, department: { type: 'string' } },
  strict: true,
});
if (!values.email || !values.name) fail('usage: npm run create-admin -- --email EMAIL --name NAME [--department ID]');

const password = await readPassword();
const parsed = CreateUserSchema.safeParse({ email: values.email, name: values.name, role: 'admin', departmentId: values.department ?? null, password });
if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));

const sql = createSql(await platformOwnerUrl(), { max: 2 });
try {
  await migrate(sql);
  const u = parsed.data;
  if (await findUserForLogin(sql, u.email)) fail(`a user with email ${u.email} already exists`);
  if (u.departmentId && !(await departmentExists(sql, u.departmentId))) fail(`no department ${u.departmentId}`);
  const passwordHash = await hashPassword(u.password);
  const user = await sql.begin(async (tx) => {
    const created = await insertUser(tx, { email: u.email, name: u.name, role: 'admin', departmentId: u.departmentId, passwordHash });
    await insertAuditEvent(tx, {
      actorUserId: null,
      actorRole: null,
      action: 'user.create',
      objectType: 'user',
      objectId: String(created.id),
      after: { role: 'admin', departmentId: created.department_id, disabled: false },
      reason: 'create-admin CLI',
      ip: null,
      requestId: null,
    });
    return created;
  });
  process.stdout.write(`created admin #${user.id} ${user.email}\n`);
} finally {
  await sql.end({ timeout: 5 });
}
