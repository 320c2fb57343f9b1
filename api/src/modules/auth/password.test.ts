import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, MAX_PASSWORD_LENGTH } from './password.ts';

// Cheap parameters keep the unit tier fast; the format and the check are the same.
const FAST = { memory: 1024, passes: 1, parallelism: 1 };

describe('argon2id password hashing', () => {
  it('hashes to a PHC string and verifies only the right password', async () => {
    const h = await hashPassword('correct horse battery', FAST);
    expect(h).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!', FAST), hashPassword('same password!', FAST)]);
    expect(a).not.toBe(b);
  });

  it('refuses malformed hashes and over-long passwords without throwing', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(await verifyPassword('x', '$argon2i$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    const h = await hashPassword('short one here', FAST);
    expect(await verifyPassword('a'.repeat(MAX_PASSWORD_LENGTH + 1), h)).toBe(false);
    await expect(hashPassword('a'.repeat(MAX_PASSWORD_LENGTH + 1), FAST)).rejects.toThrow(RangeError);
  });
});
