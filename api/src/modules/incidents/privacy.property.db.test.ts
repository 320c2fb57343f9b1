/**
 * Z1 as a property (fast-check): for any generated personal data (names in any script, emails,
 * phone numbers) sent with a report, through the JSON API or Open311, accepted or refused, the
 * value appears in no public response: not in the POST answer, not in an error body, not on any
 * public read surface, not in a log line.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { INSIDE, makeOpen311Key, makeTestApp, report, seedPlace, type TestApp } from './incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let apiKey: string;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  apiKey = await makeOpen311Key(db.sql);
  await db.sql`update rate_limits set max_hits = 1000000`;
});
afterAll(async () => {
  await db?.drop();
});

/** Personal values long and odd enough that a chance match in other text is impossible. */
const token = fc.stringMatching(/^[a-z]{6,10}$/);
const personal = fc.record({
  name: fc.tuple(fc.constantFrom('Ελένη', 'Γιώργος', 'Ahmed', 'Zoë', 'Дмитрий'), token).map(([n, s]) => `${n} ${s}Q`),
  email: token.map((s) => `${s}.zx@example.org`),
  phone: fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `+30 69${n}`),
});

/** Every way the value could have been written, as it would appear in JSON, XML or a log. */
function forms(v: string): string[] {
  return [v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v), v.replace(/\s+/g, '')];
}

async function publicSurfaces(number: string | undefined): Promise<string> {
  const paths = ['/api/public/incidents', '/api/public/incidents/clusters?bbox=23.5,37.9,23.7,38&zoom=16', '/open311/v2/requests.json', '/open311/v2/requests.xml'];
  if (number) paths.push(`/api/incidents/${number}`, `/open311/v2/requests/${number.replace('/', '-')}.json`);
  let all = '';
  for (const p of paths) all += await (await t.req(p)).text();
  return all;
}

describe('no personal value on a public surface (Z1, property)', () => {
  it('holds for generated contact data through the API and Open311, accepted or refused', async () => {
    await fc.assert(
      fc.asyncProperty(personal, fc.constantFrom('api', 'open311', 'api-invalid', 'open311-invalid'), async (p, path) => {
        const logStart = t.logs.length;
        let res: Response;
        if (path === 'api') {
          res = await t.post('/api/incidents', report({ contact: { name: p.name, email: p.email, phone: p.phone } }));
        } else if (path === 'api-invalid') {
          // Refused bodies: the email in the phone field, the phone in an unknown field.
          res = await t.post('/api/incidents', report({ contact: { name: p.name, email: p.email, phone: p.email }, reporter: p.phone }));
        } else {
          const form = new URLSearchParams({
            api_key: apiKey,
            service_code: 'PIR-001',
            lat: String(INSIDE[1]),
            long: String(INSIDE[0]),
            description: 'Σβηστή λάμπα στη γωνία',
            first_name: p.name,
            email: path === 'open311-invalid' ? `${p.email} ${p.phone}` : p.email,
            phone: p.phone,
            'attribute[lamp_state]': 'off',
          });
          res = await t.req('/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
        }
        const answer = await res.text();
        const accepted = res.status < 300;
        expect(accepted, `${path}: ${res.status} ${answer.slice(0, 200)}`).toBe(!path.endsWith('invalid'));
        let number: string | undefined;
        if (accepted) number = path === 'api' ? (JSON.parse(answer) as { number: string }).number : undefined;
        const seen = answer + (await publicSurfaces(number)) + t.logs.slice(logStart).join('\n');
        for (const v of [p.name, p.email, p.phone]) for (const f of forms(v)) expect(seen.includes(f), `${f} leaked (${path})`).toBe(false);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
