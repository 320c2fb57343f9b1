import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('database URLs', () => {
  it('uses the one database URL for migrations too when no owner URL is named', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/m' }).databaseOwnerUrl).toBe('postgres://app@db/m');
    // A platform started by a test or tool with its own database migrates that database, not the default one.
    expect(loadConfig({}, { databaseUrl: 'postgres://app@db/test_1' }).databaseOwnerUrl).toBe('postgres://app@db/test_1');
  });

  it('keeps a named owner URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/m', DATABASE_OWNER_URL: 'postgres://owner@db/m' }).databaseOwnerUrl).toBe('postgres://owner@db/m');
    expect(loadConfig({ DATABASE_OWNER_URL: 'postgres://owner@db/m' }, { databaseUrl: 'postgres://app@db/m' }).databaseOwnerUrl).toBe('postgres://owner@db/m');
    expect(loadConfig({}, { databaseUrl: 'postgres://app@db/m', databaseOwnerUrl: 'postgres://owner@db/m' }).databaseOwnerUrl).toBe('postgres://owner@db/m');
  });
});
